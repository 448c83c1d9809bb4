"""k-nearest neighbours classification from scratch, with vectorised NumPy distances."""

from __future__ import annotations

import numpy as np


def pairwise_sq_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Squared Euclidean distances between every row of ``a`` and every row of ``b``.

    Uses $\|a-b\|^2 = \|a\|^2 - 2a^\top b + \|b\|^2$, one matrix product
    instead of a Python loop; tiny negative values from rounding are clipped to 0.

    Args:
        a: Array of shape ``(m, d)``.
        b: Array of shape ``(n, d)``.

    Returns:
        Array of shape ``(m, n)``.

    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    sq = (a * a).sum(axis=1)[:, None] - 2.0 * a @ b.T + (b * b).sum(axis=1)[None, :]
    return np.maximum(sq, 0.0)


class KNNClassifier:
    """k-NN classifier: majority vote among the ``k`` nearest training points.

    Ties in the vote go to the smallest class label (as in scikit-learn);
    ties in distance go to the training point that comes first.

    Args:
        k: Number of neighbours.
        batch_size: Query points processed per distance matrix, bounding memory
            at ``batch_size * n_train`` floats.

    """

    def __init__(self, k: int = 5, batch_size: int = 1024) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self.k = k
        self.batch_size = batch_size

    def fit(self, X: np.ndarray, y: np.ndarray) -> KNNClassifier:
        """Store the training data (k-NN is a lazy learner: fitting is memorising).

        Args:
            X: Training features, shape ``(n, d)``.
            y: Training labels, shape ``(n,)``; any sortable type (ints, strings).

        Returns:
            ``self``.

        """
        self.X_ = np.asarray(X, dtype=float)
        self.classes_, self.y_idx_ = np.unique(np.asarray(y), return_inverse=True)
        if self.k > len(self.X_):
            raise ValueError("k is larger than the number of training points")
        return self

    def kneighbors(self, X: np.ndarray) -> np.ndarray:
        """Return the indices of the ``k`` nearest training points of each query, nearest first.

        Args:
            X: Query points, shape ``(m, d)``.

        Returns:
            Integer array of shape ``(m, k)``.

        """
        X = np.atleast_2d(np.asarray(X, dtype=float))
        out = np.empty((len(X), self.k), dtype=int)
        for start in range(0, len(X), self.batch_size):
            d = pairwise_sq_distances(X[start:start + self.batch_size], self.X_)
            out[start:start + self.batch_size] = np.argsort(d, axis=1, kind="stable")[:, :self.k]
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predict the majority label of the ``k`` nearest neighbours of each query.

        Args:
            X: Query points, shape ``(m, d)``.

        Returns:
            Predicted labels, shape ``(m,)``.

        """
        neigh = self.kneighbors(X)
        votes = np.zeros((len(neigh), len(self.classes_)), dtype=int)
        rows = np.repeat(np.arange(len(neigh)), self.k)
        np.add.at(votes, (rows, self.y_idx_[neigh].ravel()), 1)
        return self.classes_[votes.argmax(axis=1)]  # argmax: first (smallest) label wins ties
