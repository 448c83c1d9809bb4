"""Linear soft-margin SVM from scratch, trained on the primal hinge loss (Pegasos)."""

from __future__ import annotations

import numpy as np


class LinearSVM:
    r"""Binary linear SVM minimising the regularised hinge loss with Pegasos.

    Objective (``n`` samples, labels $y_i \in \{-1, +1\}$):

    $$
    \min_{w,b}\ \frac{\lambda}{2}\|w\|^2
    + \frac{1}{n}\sum_i \max(0,\ 1 - y_i(w^\top x_i + b)),
    \qquad \lambda = \frac{1}{nC},
    $$

    which is the SVC objective $\tfrac12\|w\|^2 + C\sum_i \xi_i$ divided by
    $nC$. Pegasos (Shalev-Shwartz et al., 2011) takes sub-gradient steps
    of size $1/(\lambda t)$ on mini-batches; the bias is not regularised.
    The returned weights are the average of the second half of the iterates.

    Args:
        C: Inverse regularisation strength, as in scikit-learn's ``SVC``.
        n_iter: Number of sub-gradient steps.
        batch_size: Samples per step; ``None`` uses the full batch.
        random_state: Seed for mini-batch sampling.

    """

    def __init__(
        self,
        C: float = 1.0,
        n_iter: int = 2000,
        batch_size: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> LinearSVM:
        """Fit ``w`` and ``b``.

        Args:
            X: Features, shape ``(n, d)``.
            y: Two distinct labels, shape ``(n,)``; the larger one is the positive class.

        Returns:
            ``self``.

        """
        X = np.asarray(X, dtype=float)
        self.classes_, y_idx = np.unique(np.asarray(y), return_inverse=True)
        if len(self.classes_) != 2:
            raise ValueError(f"LinearSVM is binary; got {len(self.classes_)} classes")
        s = 2.0 * y_idx - 1.0  # {-1, +1}
        n, d = X.shape
        lam = 1.0 / (n * self.C)
        rng = np.random.default_rng(self.random_state)
        w, b = np.zeros(d), 0.0
        w_sum, b_sum, n_avg = np.zeros(d), 0.0, 0
        for t in range(1, self.n_iter + 1):
            idx = slice(None) if self.batch_size is None else rng.integers(0, n, self.batch_size)
            Xb, sb = X[idx], s[idx]
            active = sb * (Xb @ w + b) < 1.0  # margin violators: hinge sub-gradient is -y x
            eta = 1.0 / (lam * t)
            grad_w = lam * w - (sb[active, None] * Xb[active]).sum(axis=0) / len(sb)
            grad_b = -sb[active].sum() / len(sb)
            w = w - eta * grad_w
            b = b - eta * grad_b
            if t > self.n_iter // 2:
                w_sum += w
                b_sum += b
                n_avg += 1
        self.coef_ = w_sum / n_avg
        self.intercept_ = b_sum / n_avg
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        r"""Signed score $w^\top x + b$; positive means the larger label.

        Args:
            X: Features, shape ``(m, d)``.

        Returns:
            Scores, shape ``(m,)``.

        """
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predict labels from the sign of the decision function.

        Args:
            X: Features, shape ``(m, d)``.

        Returns:
            Labels, shape ``(m,)``.

        """
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def objective(self, X: np.ndarray, y: np.ndarray) -> float:
        r"""Compute the SVC primal objective $\tfrac12\|w\|^2 + C\sum_i\max(0, 1-y_i f(x_i))$.

        Args:
            X: Features, shape ``(n, d)``.
            y: Labels, shape ``(n,)``.

        Returns:
            The objective value at the fitted ``w`` and ``b``.

        """
        s = np.where(np.asarray(y) == self.classes_[1], 1.0, -1.0)
        hinge = np.maximum(0.0, 1.0 - s * self.decision_function(X))
        return float(0.5 * self.coef_ @ self.coef_ + self.C * hinge.sum())
