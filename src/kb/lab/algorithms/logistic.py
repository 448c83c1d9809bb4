"""Binary logistic regression from scratch, trained by full-batch gradient descent."""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""Logistic function $\sigma(z) = 1/(1+e^{-z})$, without overflow for large $|z|$.

    Uses the identity $\sigma(z) = \tfrac12(1 + \tanh(z/2))$, which never evaluates
    ``exp`` of a large positive number.

    Args:
        z: Logits, any shape.

    Returns:
        Probabilities in ``[0, 1]``, same shape as ``z``.

    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def log_loss(z: np.ndarray, y: np.ndarray) -> float:
    r"""Mean binary cross-entropy computed from logits.

    $-\frac1n\sum_i [y_i\log\sigma(z_i) + (1-y_i)\log(1-\sigma(z_i))]$ simplifies to
    $\frac1n\sum_i [\log(1+e^{z_i}) - y_i z_i]$; ``np.logaddexp(0, z)`` evaluates
    $\log(1+e^{z})$ stably, so a confident wrong prediction costs about $|z|$, not ``inf``.

    Args:
        z: Logits, shape ``(n,)``.
        y: Labels in ``{0, 1}``, shape ``(n,)``.

    Returns:
        The mean loss.

    """
    z = np.asarray(z, dtype=float)
    return float(np.mean(np.logaddexp(0.0, z) - np.asarray(y, dtype=float) * z))


class LogisticRegressionGD:
    r"""L2-regularised binary logistic regression fitted by gradient descent.

    Minimises the same objective as scikit-learn's ``LogisticRegression``
    (``l1_ratio=0``, solver ``lbfgs``), divided by $nC$:

    $$
    J(w, b) = \frac1n\sum_{i=1}^n \Big[\log\big(1+e^{z_i}\big) - y_i z_i\Big]
    + \frac{\lambda}{2}\|w\|^2,\qquad z_i = w^\top x_i + b,\quad \lambda = \frac{1}{nC},
    $$

    with gradient $\nabla_w J = \frac1n X^\top(\sigma(z) - y) + \lambda w$ and
    $\partial_b J = \frac1n\sum_i(\sigma(z_i) - y_i)$; the intercept is not penalised.
    $J$ is convex and its gradient is $L$-Lipschitz with
    $L = \|[X, 1]\|_2^2/(4n) + \lambda$ (because $\sigma' \le 1/4$), so the fixed
    step $1/L$ decreases $J$ at every iteration without a line search.

    Args:
        C: Inverse regularisation strength, as in scikit-learn; ``np.inf`` means no penalty
            (on separable data the weights then grow without bound).
        max_iter: Maximum number of gradient steps.
        tol: Stop when the largest absolute gradient component falls below ``tol``.

    """

    def __init__(self, C: float = 1.0, max_iter: int = 100_000, tol: float = 1e-10) -> None:
        if not C > 0:
            raise ValueError("C must be positive")
        self.C = C
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X: np.ndarray, y: np.ndarray) -> LogisticRegressionGD:
        """Fit the weights and the intercept.

        Args:
            X: Features, shape ``(n, d)``.
            y: Labels with exactly two distinct values; the larger one is the positive class.

        Returns:
            ``self``, with ``coef_`` (shape ``(1, d)``), ``intercept_`` (shape ``(1,)``),
            ``classes_`` and ``n_iter_`` set, as in scikit-learn.

        """
        X = np.asarray(X, dtype=float)
        self.classes_, y01 = np.unique(np.asarray(y), return_inverse=True)
        if len(self.classes_) != 2:
            raise ValueError(f"binary logistic regression needs 2 classes, got {len(self.classes_)}")
        n, d = X.shape
        Xb = np.hstack([X, np.ones((n, 1))])  # last column: the intercept's feature
        lam = 0.0 if np.isinf(self.C) else 1.0 / (n * self.C)
        step = 1.0 / (np.linalg.norm(Xb, 2) ** 2 / (4 * n) + lam)
        penalised = np.r_[np.ones(d), 0.0]  # no penalty on the intercept
        w = np.zeros(d + 1)
        self.n_iter_ = 0  # gradient steps taken
        while self.n_iter_ < self.max_iter:
            grad = Xb.T @ (sigmoid(Xb @ w) - y01) / n + lam * penalised * w
            if np.max(np.abs(grad)) < self.tol:
                break
            w -= step * grad
            self.n_iter_ += 1
        self.coef_, self.intercept_ = w[None, :d], w[d:]
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Logits $z = Xw + b$, shape ``(n,)``."""
        return np.asarray(X, dtype=float) @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, shape ``(n, 2)``: columns follow ``classes_``."""
        p = sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted labels: the positive class where the logit is positive."""
        return self.classes_[(self.decision_function(X) > 0).astype(int)]
