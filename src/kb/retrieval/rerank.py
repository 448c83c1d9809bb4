"""Which page a text is about, learned from the bank's own wordings: the discriminative score.

BM25 and the latent space say how much a question shares with a page; a broad page
(evaluation in general, NLP applications) shares something with everything. What
tells pages apart is learned here, on every page's own texts labelled with the page:
its title, each alias (the colloquial wordings readers and interviewers use), its
one-line answer and its headings. The model is a softmax regression
over the analyzer's terms (TF-IDF), trained and applied **over candidates**: for each
text, its own page and the :data:`CANDIDATES` pages the lexical scores rank highest.
It learns a weight only for (term, page) pairs that compete somewhere, which keeps it
linear in the bank's size (a full softmax over 1,000 pages would not fit in a minute),
and it is exactly the decision it is used for: which of these close pages is it?

Its probability is added to the blend that ranks pages (:data:`kb.retrieval.verdict.BLEND`);
the verdict still reads the lexical and latent scores of the page ranked first. Raw
items are not training data, so the pairs the verdict model learns from (raw items
against their pages) are ranked as a new question would be.
Deterministic: a convex objective minimised by L-BFGS from zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.optimize
import scipy.sparse as sp

#: Pages per text the classifier chooses among (the text's own page is added in training).
CANDIDATES = 10
#: Inverse L2 strength (as scikit-learn's ``C``) and L-BFGS iterations.
C = 10.0
ITERATIONS = 100


def question_texts(fields: dict[str, str], aliases: Sequence[str]) -> list[str]:
    """A page's question in each of its wordings, then its one-line answer."""
    return [fields["title"], *map(str, aliases), fields["abstract"]]


def page_texts(fields: dict[str, str], aliases: Sequence[str]) -> list[str]:
    """A page's training texts: :func:`question_texts` and its headings.

    The prose is left out: learning from each paragraph as well made no difference to
    the import benchmark and cost a third of the training time at 10x.
    """
    return [*question_texts(fields, aliases), fields["headings"]]


class _Pairs:
    """The (term, page) pairs of texts against their candidate pages, as one sparse design matrix."""

    def __init__(self, x: sp.csr_matrix, candidates: np.ndarray, n_pages: int) -> None:
        n, k = candidates.shape
        row = np.repeat(np.arange(n), np.diff(x.indptr))
        cell = np.repeat(row, k) * k + np.tile(np.arange(k), len(row))  # (text, slot), flattened
        page = candidates.ravel()[cell]
        self.key = np.repeat(x.indices.astype(np.int64), k) * n_pages + page
        self.cell, self.weight, self.shape = cell, np.repeat(x.data.astype(np.float64), k), (n, k)


class PageClassifier:
    """A softmax regression over candidate pages (see the module docstring).

    Args:
        x: Training texts x terms (TF-IDF rows).
        pages: Each text's page (column).
        candidates: Per text, candidate pages (its own among them).
        n_pages: Number of pages.
    """

    def __init__(self, x: sp.csr_matrix, pages: np.ndarray, candidates: np.ndarray, n_pages: int) -> None:
        self.n_pages = n_pages
        pairs = _Pairs(x, candidates, n_pages)
        self.keys, column = np.unique(pairs.key, return_inverse=True)
        n, k = pairs.shape
        design = sp.csr_matrix((pairs.weight, (pairs.cell, column)), shape=(n * k, len(self.keys)))
        bias = sp.csr_matrix((np.ones(n * k), (np.arange(n * k), candidates.ravel())), shape=(n * k, n_pages))
        design = sp.hstack([design, bias]).tocsr()
        target = (candidates == pages[:, None]).argmax(axis=1)
        n_theta = len(self.keys)

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            z = (design @ w).reshape(n, k)
            z_max = z.max(axis=1, keepdims=True)
            e = np.exp(z - z_max)
            total = e.sum(axis=1, keepdims=True)
            value = float((np.log(total) + z_max).sum() - z[np.arange(n), target].sum())
            g = e / total
            g[np.arange(n), target] -= 1.0
            grad = design.T @ g.ravel()
            theta = w[:n_theta]
            grad[:n_theta] += theta / C
            return value + 0.5 / C * float(theta @ theta), grad

        w = scipy.optimize.minimize(loss, np.zeros(design.shape[1]), jac=True, method="L-BFGS-B",
                                    options={"maxiter": ITERATIONS}).x
        self.theta, self.bias = w[:n_theta], w[n_theta:]

    def probabilities(self, x: sp.csr_matrix, candidates: np.ndarray) -> np.ndarray:
        """Per text, the probability of each candidate page (rows sum to 1)."""
        pairs = _Pairs(x, candidates, self.n_pages)
        at = np.minimum(np.searchsorted(self.keys, pairs.key), max(0, len(self.keys) - 1))
        known = self.keys[at] == pairs.key if len(self.keys) else np.zeros(len(pairs.key), bool)
        n, k = pairs.shape
        z = np.bincount(pairs.cell[known], pairs.weight[known] * self.theta[at[known]], minlength=n * k)
        z = z.reshape(n, k) + self.bias[candidates]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
