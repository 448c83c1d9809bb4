"""Near-duplicate detection for Chinese interview questions.

Method (see README, "重复检测"):

1. **Normalise**: NFKC, lower case, drop whitespace, punctuation and the banks'
   template phrases ("AI 大模型", "如何", "并说明其在实际应用中的优势" ...), which every
   item shares and which would otherwise dominate short questions.
2. **Score** two items by TF-IDF cosine over character 2- and 3-grams (Chinese has no
   spaces; character n-grams need no segmenter and survive rewording such as
   "过拟合问题如何解决" vs "如何处理过拟合"), computed separately for the question
   (title + question text) and the answer, and combined as
   ``QUESTION_WEIGHT * cos_q + (1 - QUESTION_WEIGHT) * cos_a``: the question says what
   is asked; answers of different questions often share boilerplate and code.
3. **Candidates** at scale: MinHash LSH over each question's *keyword shingles* (its
   character bigrams minus those in more than ``KEYWORD_MAX_DF`` of all questions), so
   that only items sharing rare-ish keywords are ever scored. Work grows with the number
   of items times the bucket sizes, not with the number of pairs. Small inputs are
   scored exhaustively (exact, and cheap below :data:`EXACT_LIMIT` items).

A pair is a duplicate when its score reaches :data:`THRESHOLD`. The n-gram range,
the question weight and the threshold were chosen on the hand-labelled pairs in
``tests/fixtures/labelled_pairs.yml`` (``kb ingest --labelled`` reports precision and
recall): 0.40 is the lowest threshold that keeps the hard negative "过拟合 vs 欠拟合"
apart. Pure synonyms ("数据倾斜" vs "数据不平衡") share no characters and are missed:
the detector proposes, a person decides in ``sources/mapping.yml``.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.pipeline import Pipeline, make_pipeline

#: Weight of the question text in the combined score (the answer gets the rest).
QUESTION_WEIGHT = 0.6
#: Combined score from which two items are called duplicates.
THRESHOLD = 0.40
#: Characters of each answer that are compared.
ANSWER_CHARS = 600
#: Below this many items every pair is scored; above it, LSH proposes candidates.
EXACT_LIMIT = 3000
#: A bigram in more than this share of questions is template, not a keyword.
KEYWORD_MAX_DF = 0.05
#: MinHash LSH shape: bands x rows per band.
BANDS, ROWS = 20, 2
#: Buckets larger than this are template collisions, not duplicates, and are skipped.
MAX_BUCKET = 500

TEMPLATE = (
    "并说明其在实际应用中的优势", "在实际应用中", "请列出至少三种", "请列举", "请简要",
    "ai大模型", "ai 大模型", "大模型", "ai", "深度学习模型", "模型的", "如何", "怎么", "怎样",
    "哪些", "什么", "描述一种", "描述", "常用的", "常见的", "常用", "常见", "过程中", "训练中的",
    "中的", "问题", "进行", "处理", "解决", "方法", "策略", "技术", "一种", "需求",
)
_TEMPLATE = re.compile("|".join(re.escape(t) for t in sorted(TEMPLATE, key=len, reverse=True)))
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_CODE = re.compile(r"```.*?```", re.DOTALL)


def normalize(text: str) -> str:
    """Canonical form of a question or answer for comparison."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _CODE.sub(" ", text)
    text = _TEMPLATE.sub(" ", text)
    return _DROP.sub("", text)


@dataclass(frozen=True)
class Doc:
    """What the detector compares: a question and its answer."""

    question: str
    answer: str = ""


def _vectorizer() -> Pipeline:
    # Hashed n-gram counts, then IDF: no vocabulary dictionary to grow, so time and memory
    # stay linear in the number of items (2**20 buckets make collisions negligible here).
    counts = HashingVectorizer(analyzer="char", ngram_range=(2, 3), preprocessor=normalize,
                               alternate_sign=False, norm=None, n_features=2**20, dtype=np.float32)
    return make_pipeline(counts, TfidfTransformer())


class Scorer:
    """Fitted TF-IDF spaces for questions and answers; scores pairs of documents."""

    def __init__(self, corpus: Sequence[Doc]) -> None:
        self.q = _vectorizer()
        self.a = _vectorizer()
        self.corpus = self._combine(self.q.fit_transform([d.question for d in corpus] or [" "]),
                                    self.a.fit_transform([_head(d.answer) for d in corpus] or [" "]))

    def embed(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """Rows whose dot products are the combined scores."""
        return self._combine(self.q.transform([d.question for d in docs]),
                             self.a.transform([_head(d.answer) for d in docs]))

    @staticmethod
    def _combine(q: sp.spmatrix, a: sp.spmatrix) -> sp.csr_matrix:
        return sp.hstack([q * np.sqrt(QUESTION_WEIGHT), a * np.sqrt(1 - QUESTION_WEIGHT)],
                         format="csr")


def _head(answer: str) -> str:
    # The opening of an answer says what it is about; the tail is boilerplate and code,
    # and character n-gram analysis is the detector's main cost.
    return answer[:ANSWER_CHARS]


def pair_scores(x: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Scores of the row pairs ``(left[k], right[k])``."""
    out = np.empty(len(left), dtype=np.float32)
    for start in range(0, len(left), 200_000):
        sl = slice(start, start + 200_000)
        out[sl] = np.asarray(x[left[sl]].multiply(x[right[sl]]).sum(axis=1)).ravel()
    return out


def keyword_shingles(questions: Sequence[str], max_df: float = KEYWORD_MAX_DF) -> sp.csr_matrix:
    """Binary doc x bigram matrix keeping only bigrams rarer than ``max_df``."""
    grams = [
        {t[i:i + 2] for i in range(len(t) - 1)} for t in (normalize(q) for q in questions)
    ]
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, gs in enumerate(grams):
        for g in gs:
            rows.append(r)
            cols.append(vocab.setdefault(g, len(vocab)))
    m = sp.csr_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(len(grams), len(vocab)))
    df = np.asarray(m.sum(axis=0)).ravel()
    keep = df <= max(2, max_df * len(grams))
    m = m[:, np.flatnonzero(keep)].tocsr()
    m.sort_indices()
    return m


def minhash(m: sp.csr_matrix, n_hashes: int, seed: int = 0) -> np.ndarray:
    """MinHash signatures (``n_docs x n_hashes``) of the rows of binary matrix ``m``."""
    prime = np.int64(2_147_483_647)
    rng = np.random.default_rng(seed)
    a = rng.integers(1, prime, n_hashes, dtype=np.int64)
    b = rng.integers(0, prime, n_hashes, dtype=np.int64)
    ids = np.array([zlib.crc32(str(i).encode()) for i in range(m.shape[1])], dtype=np.int64)
    table = (a[:, None] * ids[None, :] + b[:, None]) % prime  # n_hashes x vocab
    sig = np.full((m.shape[0], n_hashes), prime, dtype=np.int64)
    nonempty = np.flatnonzero(np.diff(m.indptr) > 0)
    if len(nonempty):
        gathered = table[:, m.indices]
        starts = m.indptr[nonempty]
        sig[nonempty] = np.minimum.reduceat(gathered, starts, axis=1)[:, : len(nonempty)].T
    return sig


def lsh_candidates(questions: Sequence[str]) -> np.ndarray:
    """Candidate pairs ``(i, j), i < j`` whose keyword shingles collide in some LSH band."""
    m = keyword_shingles(questions)
    sig = minhash(m, BANDS * ROWS)
    has = np.diff(m.indptr) > 0
    found = []
    for band in range(BANDS):
        cols = sig[:, band * ROWS:(band + 1) * ROWS]
        key = cols[:, 0] * np.int64(2_147_483_647) + cols[:, 1] if ROWS == 2 else cols.sum(1)
        idx = np.flatnonzero(has)
        order = idx[np.argsort(key[idx], kind="stable")]
        k = key[order]
        bounds = np.flatnonzero(np.diff(k)) + 1
        for group in np.split(order, bounds):
            if 1 < len(group) <= MAX_BUCKET:
                i, j = np.triu_indices(len(group), 1)
                found.append(np.stack([group[i], group[j]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    return np.unique(pairs, axis=0)


def scored_pairs(docs: Sequence[Doc], *, exact: bool | None = None) -> list[tuple[int, int, float]]:
    """Every pair ``(i, j, score)`` with ``score >= THRESHOLD``, best first.

    Args:
        docs: The documents.
        exact: Score all pairs (default: only below :data:`EXACT_LIMIT` documents).
    """
    n = len(docs)
    if n < 2:
        return []
    x = Scorer(docs).corpus
    if exact if exact is not None else n <= EXACT_LIMIT:
        sims = (x @ x.T).toarray()
        i, j = np.triu_indices(n, 1)
        s = sims[i, j]
    else:
        cand = lsh_candidates([d.question for d in docs])
        i, j = cand[:, 0], cand[:, 1]
        s = pair_scores(x, i, j)
    keep = s >= THRESHOLD
    out = sorted(zip(i[keep].tolist(), j[keep].tolist(), s[keep].tolist()), key=lambda t: -t[2])
    return [(a, b, round(float(c), 3)) for a, b, c in out]


def clusters(n: int, pairs: Sequence[tuple[int, int, float]]) -> list[list[int]]:
    """Connected components of the duplicate pairs (singletons omitted), largest first."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in pairs:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g[0]))


def best_matches(new: Sequence[Doc], reference: Sequence[Doc]) -> list[tuple[int, float]]:
    """For each new document, the index of its most similar reference document and the score."""
    if not reference:
        return [(-1, 0.0) for _ in new]
    both = Scorer([*reference, *new]).corpus
    sims = (both[len(reference):] @ both[: len(reference)].T).toarray()
    best = sims.argmax(axis=1)
    return [(int(b), round(float(sims[k, b]), 3)) for k, b in enumerate(best)]
