r"""Retrieval building blocks for RAG, from scratch: chunking, BM25, reciprocal rank fusion, metrics.

BM25 (Robertson et al.) scores a document $D$ for a query $Q$ as
$\sum_{t\in Q}\mathrm{idf}(t)\,\frac{f(t,D)(k_1+1)}{f(t,D)+k_1(1-b+b|D|/\mathrm{avgdl})}$ with
Lucene's non-negative $\mathrm{idf}(t)=\ln\big(1+\frac{N-n_t+0.5}{n_t+0.5}\big)$. Reciprocal rank
fusion (Cormack et al., 2009) merges rankings by $\sum_r 1/(k+\mathrm{rank}_r(d))$.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np


def chunk_text(text: str, size: int, overlap: int) -> list[str]:
    """Split ``text`` into windows of ``size`` characters, consecutive windows sharing ``overlap``.

    Args:
        text: The document.
        size: Window length in characters.
        overlap: Characters shared by consecutive windows (``0 <= overlap < size``).

    Returns:
        The chunks, in order; together they cover the whole text.

    """
    if not 0 <= overlap < size:
        raise ValueError("need 0 <= overlap < size")
    step = size - overlap
    starts = range(0, max(len(text) - overlap, 1), step)
    return [text[s:s + size] for s in starts]


def tokenize(text: str) -> list[str]:
    """Lower-cased ASCII words plus overlapping Chinese character bigrams (a common CJK baseline).

    Args:
        text: Text in Chinese and/or English.

    Returns:
        Tokens.

    """
    tokens = re.findall(r"[a-z0-9_]+", text.lower())
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        tokens += [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    return tokens


def bm25_scores(query: Sequence[str], docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """BM25 score of every tokenised document for a tokenised query (Lucene defaults ``k1=1.2, b=0.75``).

    Args:
        query: Query tokens (repeated tokens count once per occurrence).
        docs: Documents as token lists.
        k1: Term-frequency saturation: larger means more credit for repeated terms.
        b: Length normalisation: 0 ignores length, 1 normalises fully.

    Returns:
        Scores, shape ``(len(docs),)``.

    """
    counts = [Counter(d) for d in docs]
    lengths = np.array([len(d) for d in docs], dtype=float)
    avgdl = lengths.mean()
    n_docs = len(docs)
    scores = np.zeros(n_docs)
    for term in query:
        df = sum(term in c for c in counts)
        if df == 0:
            continue
        idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        tf = np.array([c[term] for c in counts], dtype=float)
        scores += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths / avgdl))
    return scores


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = 60) -> list[int]:
    """Fuse ranked lists of document ids: score ``sum 1 / (k + rank)`` with ranks starting at 1.

    Only ranks are used, so retrievers with incomparable score scales (BM25, cosine) fuse directly.

    Args:
        rankings: Each a list of document ids, best first.
        k: Damping constant (60 in the original paper).

    Returns:
        Document ids by fused score, best first (ties: smallest id first).

    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(fused, key=lambda d: (-fused[d], d))


def recall_at_k(ranking: Sequence[int], relevant: set[int], k: int) -> float:
    """Share of the relevant documents found in the top ``k``.

    Args:
        ranking: Document ids, best first.
        relevant: Ids of the relevant documents.
        k: Cut-off.

    Returns:
        Recall in ``[0, 1]``.

    """
    return len(relevant & set(ranking[:k])) / len(relevant)


def reciprocal_rank(ranking: Sequence[int], relevant: set[int]) -> float:
    """``1 / rank`` of the first relevant document (0 if none is retrieved); its mean is MRR.

    Args:
        ranking: Document ids, best first.
        relevant: Ids of the relevant documents.

    Returns:
        Reciprocal rank in ``[0, 1]``.

    """
    for rank, doc in enumerate(ranking, start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0
