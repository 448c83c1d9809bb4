"""BM25F over analyzer terms: weighted fields, one sparse matrix per side.

Each document has named fields with weights (title counts more than prose). A term's
pseudo-frequency in a document is the weighted, length-normalised sum of its field
frequencies (BM25F); saturation ``tf / (tf + k1)`` then caps what one repeated word can
add. A query's score is normalised by the most it could score (every term found,
saturated), so scores lie in ``[0, 1]`` and compare across queries of different lengths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from kb.retrieval.fields import Fields

K1 = 1.2
B = 0.5


class Vocabulary:
    """Term -> column, grown as documents are added."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def counts(self, texts: Sequence[list[str]], grow: bool) -> sp.csr_matrix:
        """Document x term counts of already analysed texts (unknown terms dropped unless ``grow``)."""
        rows, cols = [], []
        for r, terms in enumerate(texts):
            for t in terms:
                c = self.index.get(t)
                if c is None and grow:
                    c = self.index[t] = len(self.index)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
        m = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                          shape=(len(texts), max(1, len(self.index))))
        m.sum_duplicates()
        return m


def _fit_width(m: sp.csr_matrix, width: int) -> sp.csr_matrix:
    m = m.tocsr()
    m.resize((m.shape[0], width))
    return m


class BM25F:
    """A BM25F index of reference documents.

    Args:
        docs: The reference documents.
        weights: Field name -> weight (fields missing from a document are empty).
        analyze: Text -> terms.
        term_weight: How much a query term counts (topic-light words less); default 1.
    """

    def __init__(self, docs: Sequence[Fields], weights: dict[str, float],
                 analyze: Callable[[str], list[str]],
                 term_weight: Callable[[str], float] | None = None) -> None:
        self.analyze = analyze
        self.vocab = Vocabulary()
        per_field = {f: self.vocab.counts([analyze(d.texts.get(f, "")) for d in docs], grow=True)
                     for f in weights}
        width = max(1, len(self.vocab.index))
        tf = sp.csr_matrix((len(docs), width), dtype=np.float32)
        for f, w in weights.items():
            m = _fit_width(per_field[f], width)
            length = np.asarray(m.sum(axis=1)).ravel()
            norm = 1 - B + B * length / max(1e-9, length.mean())
            tf = tf + sp.diags(w / np.maximum(norm, 1e-9)) @ m
        tf = tf.tocsr()
        df = np.bincount(tf.indices, minlength=width)
        n = max(1, len(docs))
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        if term_weight is not None:
            terms = sorted(self.vocab.index, key=self.vocab.index.get)
            self.query_idf = self.idf * np.array([term_weight(t) for t in terms] or [1.0], np.float32)
        else:
            self.query_idf = self.idf
        sat = tf.copy()
        sat.data = sat.data / (sat.data + K1)
        self.matrix = sat.tocsr()
        self.presence = (tf > 0).astype(np.float32).tocsr()

    def query_matrix(self, queries: Sequence[Fields], weights: dict[str, float]) -> sp.csr_matrix:
        """Query x term weights: field-weighted, capped at 1 per term, times IDF."""
        width = self.matrix.shape[1]
        q = sp.csr_matrix((len(queries), width), dtype=np.float32)
        for f, w in weights.items():
            m = _fit_width(self.vocab.counts([self.analyze(d.texts.get(f, "")) for d in queries],
                                             grow=False), width)
            m.data[:] = w
            q = q.maximum(m)
        return (q @ sp.diags(self.query_idf)).tocsr()

    def scores(self, q: sp.csr_matrix) -> np.ndarray:
        """Query x document scores in ``[0, 1]`` (share of the query's IDF mass matched)."""
        raw = (q @ self.matrix.T).toarray()
        best = np.asarray(q.sum(axis=1)).ravel()
        return raw / np.maximum(best, 1e-9)[:, None]
