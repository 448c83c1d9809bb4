"""Backpropagation by hand: a two-layer MLP with softmax cross-entropy, forward and backward in NumPy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Activation name -> (function, derivative expressed with the pre-activation ``z``).
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
}


class TwoLayerMLP:
    r"""``x -> Linear -> activation -> Linear -> softmax cross-entropy``, with a hand-written backward pass.

    Forward, for a batch $X\in\mathbb{R}^{n\times d}$ with integer labels $y$:

    $$
    Z_1 = XW_1 + b_1,\quad H = \phi(Z_1),\quad Z_2 = HW_2 + b_2,\quad
    L = -\frac1n\sum_i \log \operatorname{softmax}(Z_2)_{i,y_i}.
    $$

    Backward applies the chain rule from the loss down, reusing what the forward pass cached:
    $\partial L/\partial Z_2 = (P - Y)/n$ ($P$ the softmax, $Y$ one-hot), then
    $\partial W_2 = H^\top \partial Z_2$, $\partial H = \partial Z_2 W_2^\top$,
    $\partial Z_1 = \partial H \odot \phi'(Z_1)$, $\partial W_1 = X^\top \partial Z_1$;
    each bias gradient is the column sum of the gradient of its layer's output.

    Args:
        d_in: Input features.
        d_hidden: Hidden units.
        d_out: Classes.
        activation: ``"relu"`` or ``"tanh"``.
        seed: Seed for the He-style normal initialisation of the weights (biases start at 0).

    """

    def __init__(self, d_in: int, d_hidden: int, d_out: int, activation: str = "relu", seed: int = 0) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        self.activation = activation
        rng = np.random.default_rng(seed)
        self.params: dict[str, np.ndarray] = {
            "W1": rng.normal(0.0, np.sqrt(2.0 / d_in), size=(d_in, d_hidden)),
            "b1": np.zeros(d_hidden),
            "W2": rng.normal(0.0, np.sqrt(2.0 / d_hidden), size=(d_hidden, d_out)),
            "b2": np.zeros(d_out),
        }

    def forward(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Compute the mean cross-entropy and keep what the backward pass needs.

        Args:
            X: Inputs, shape ``(n, d_in)``.
            y: Integer class labels, shape ``(n,)``.

        Returns:
            ``(loss, cache)``; ``cache`` holds the inputs, ``Z1``, ``H`` and the softmax ``P``.

        """
        p = self.params
        phi, _ = ACTIVATIONS[self.activation]
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        Z1 = X @ p["W1"] + p["b1"]
        H = phi(Z1)
        Z2 = H @ p["W2"] + p["b2"]
        Z2 = Z2 - Z2.max(axis=1, keepdims=True)  # log-sum-exp shift: softmax is unchanged, exp cannot overflow
        log_P = Z2 - np.log(np.exp(Z2).sum(axis=1, keepdims=True))
        loss = -float(np.mean(log_P[np.arange(len(y)), y]))
        return loss, {"X": X, "y": y, "Z1": Z1, "H": H, "P": np.exp(log_P)}

    def backward(self, cache: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Gradients of the loss with respect to every parameter, by the chain rule.

        Args:
            cache: The second value returned by :meth:`forward`.

        Returns:
            A dict with the same keys and shapes as ``params``.

        """
        p = self.params
        _, dphi = ACTIVATIONS[self.activation]
        X, y, Z1, H, P = (cache[k] for k in ("X", "y", "Z1", "H", "P"))
        n = len(y)
        dZ2 = P.copy()
        dZ2[np.arange(n), y] -= 1.0  # softmax + cross-entropy: dL/dZ2 = (P - Y) / n
        dZ2 /= n
        dH = dZ2 @ p["W2"].T
        dZ1 = dH * dphi(Z1)
        return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": H.T @ dZ2, "b2": dZ2.sum(axis=0)}

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """One forward and one backward pass: ``(loss, grads)``."""
        loss, cache = self.forward(X, y)
        return loss, self.backward(cache)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""Central-difference estimate $\frac{f(x+\epsilon e_j) - f(x-\epsilon e_j)}{2\epsilon}$ of $\nabla f$.

    ``x`` is perturbed in place, one entry at a time, and restored; ``f`` must read it.
    Costs two evaluations of ``f`` per entry, which is why it is only used to check a gradient.

    Args:
        f: Function of no arguments returning a scalar that depends on ``x``.
        x: Array to differentiate with respect to (modified temporarily).
        eps: Step size.

    Returns:
        Array shaped like ``x``.

    """
    grad = np.zeros_like(x, dtype=float)
    for j in np.ndindex(x.shape):
        old = x[j]
        x[j] = old + eps
        plus = f()
        x[j] = old - eps
        minus = f()
        x[j] = old
        grad[j] = (plus - minus) / (2 * eps)
    return grad
