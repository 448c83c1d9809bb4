"""Latent semantic analysis: a truncated SVD of a TF-IDF document-term matrix.

Computed through the documents' Gram matrix (``X Xᵀ``, documents x documents): the
bank has thousands of documents but tens of thousands of terms, so the exact
eigendecomposition of the small side is faster and steadier than a randomized SVD of
the wide matrix, and it is deterministic.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp


class LatentSpace:
    """Project TF-IDF rows onto the top ``dims`` singular directions of a fitted matrix.

    Args:
        x: Documents x terms (TF-IDF).
        dims: Dimensions kept (at most the number of non-zero singular values).
    """

    def __init__(self, x: sp.csr_matrix, dims: int) -> None:
        gram = (x @ x.T).toarray().astype(np.float64)
        n = gram.shape[0]
        top = min(dims, n)
        # Only the top eigenpairs are needed; LAPACK's subset driver skips the rest.
        eigenvalues, vectors = scipy.linalg.eigh(gram, subset_by_index=[n - top, n - 1], driver="evr")
        order = np.argsort(eigenvalues)[::-1]
        keep = order[eigenvalues[order] > 1e-10 * max(1.0, eigenvalues.max(initial=0.0))]
        singular = np.sqrt(eigenvalues[keep])
        # Right singular vectors V = Xᵀ U S⁻¹, stored as terms x dims.
        self.components = np.asarray(x.T @ (vectors[:, keep] / singular)).astype(np.float32)
        self.singular_values = singular

    def transform(self, y: sp.csr_matrix) -> np.ndarray:
        """Coordinates of rows ``y`` (same term columns as the fitted matrix)."""
        if self.components.shape[1] == 0:
            return np.zeros((y.shape[0], 1), dtype=np.float32)
        return np.asarray(y @ self.components)
