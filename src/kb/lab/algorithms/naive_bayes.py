"""Gaussian naive Bayes from scratch, computed in log space."""

from __future__ import annotations

import numpy as np


class GaussianNaiveBayes:
    """Gaussian naive Bayes: one normal distribution per (class, feature).

    Mirrors scikit-learn's ``GaussianNB``: maximum-likelihood means and variances
    (``ddof=0``) per class, plus ``var_smoothing`` times the largest feature variance
    added to every variance so that no variance is zero.

    Args:
        var_smoothing: Fraction of the largest feature variance added to all variances.

    """

    def __init__(self, var_smoothing: float = 1e-9) -> None:
        self.var_smoothing = var_smoothing

    def fit(self, X: np.ndarray, y: np.ndarray) -> GaussianNaiveBayes:
        """Estimate class priors, per-class means and variances.

        Args:
            X: Features, shape ``(n, d)``.
            y: Labels, shape ``(n,)``.

        Returns:
            ``self``.

        """
        X = np.asarray(X, dtype=float)
        self.classes_, y_idx = np.unique(np.asarray(y), return_inverse=True)
        onehot = np.eye(len(self.classes_))[y_idx]  # (n, c)
        counts = onehot.sum(axis=0)
        self.class_prior_ = counts / len(X)
        self.theta_ = onehot.T @ X / counts[:, None]  # (c, d) means
        sq = onehot.T @ (X * X) / counts[:, None]
        self.epsilon_ = self.var_smoothing * X.var(axis=0).max()
        self.var_ = np.maximum(sq - self.theta_**2, 0.0) + self.epsilon_
        return self

    def joint_log_likelihood(self, X: np.ndarray) -> np.ndarray:
        r"""Log of prior times likelihood, $\log P(c) + \sum_j \log p(x_j \mid c)$.

        Args:
            X: Features, shape ``(m, d)``.

        Returns:
            Array of shape ``(m, c)``.

        """
        X = np.asarray(X, dtype=float)
        log_norm = -0.5 * np.log(2.0 * np.pi * self.var_).sum(axis=1)  # (c,)
        diff = X[:, None, :] - self.theta_[None, :, :]  # (m, c, d)
        quad = -0.5 * (diff**2 / self.var_[None, :, :]).sum(axis=2)
        return np.log(self.class_prior_) + log_norm + quad

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Posterior class probabilities, normalised with the log-sum-exp trick.

        Args:
            X: Features, shape ``(m, d)``.

        Returns:
            Array of shape ``(m, c)`` whose rows sum to 1.

        """
        jll = self.joint_log_likelihood(X)
        jll = jll - jll.max(axis=1, keepdims=True)
        p = np.exp(jll)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Most probable class of each row.

        Args:
            X: Features, shape ``(m, d)``.

        Returns:
            Labels, shape ``(m,)``.

        """
        return self.classes_[self.joint_log_likelihood(X).argmax(axis=1)]
