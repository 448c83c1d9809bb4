r"""Principal component analysis via the SVD of the centred data, from scratch in NumPy.

With $X_c=U\Sigma V^\top$, the principal directions are the rows of $V^\top$, the scores are
$U\Sigma = X_cV$ and the variance along direction $i$ is $\sigma_i^2/(n-1)$, the $i$-th
eigenvalue of the sample covariance matrix.
"""

from __future__ import annotations

from typing import Self

import numpy as np


class PCA:
    r"""PCA by singular value decomposition.

    Signs are fixed so that the largest-magnitude entry of every component is positive
    (an SVD determines each singular vector only up to sign).

    Args:
        n_components: Number of components to keep (default: all, ``min(n, d)``).

    Attributes:
        mean_: Feature means, shape ``(d,)``.
        components_: Principal directions as rows, shape ``(k, d)``, orthonormal.
        explained_variance_: Variance along each direction, $\sigma_i^2/(n-1)$.
        explained_variance_ratio_: Share of the total variance per direction.
        singular_values_: The $k$ largest singular values of the centred data.

    """

    def __init__(self, n_components: int | None = None) -> None:
        self.n_components = n_components

    def fit(self, X: np.ndarray) -> Self:
        """Centre ``X`` and take its thin SVD.

        Args:
            X: Data, shape ``(n, d)``.

        Returns:
            ``self``.

        """
        X = np.asarray(X, dtype=float)
        n = len(X)
        self.mean_ = X.mean(axis=0)
        # SVD of the centred data, not an eigendecomposition of X^T X: forming the covariance
        # squares the condition number and costs d x d memory.
        _, s, vt = np.linalg.svd(X - self.mean_, full_matrices=False)
        signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
        vt *= signs[:, None]
        k = len(s) if self.n_components is None else self.n_components
        variance = s**2 / (n - 1)
        self.components_ = vt[:k]
        self.singular_values_ = s[:k]
        self.explained_variance_ = variance[:k]
        self.explained_variance_ratio_ = variance[:k] / variance.sum()
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        r"""Project onto the principal directions: $(X-\mu)V_k$.

        Args:
            X: Data, shape ``(m, d)``.

        Returns:
            Scores, shape ``(m, k)``.

        """
        return (np.asarray(X, dtype=float) - self.mean_) @ self.components_.T

    def inverse_transform(self, Z: np.ndarray) -> np.ndarray:
        r"""Map scores back to the input space: the best rank-$k$ reconstruction $ZV_k^\top+\mu$.

        Args:
            Z: Scores, shape ``(m, k)``.

        Returns:
            Reconstructed data, shape ``(m, d)``.

        """
        return np.asarray(Z) @ self.components_ + self.mean_
