"""Toy tasks and small helpers for the transfer pages (迁移与适应).

The synthetic "world" below lets a snippet pretrain on a data-rich source task and reuse the
network on a small target task in about a second on a CPU:

* every input is ``x ~ N(0, I_50)``;
* the *shared* features are ``h = relu(x @ W)`` with a fixed ``W`` of shape ``(50, 4)``;
* ``"source"`` (4 classes) and ``"target"`` (2 classes) read different linear combinations of the
  same ``h``, so they are related tasks;
* ``"unrelated"`` (4 classes) reads features built from an independent ``W'``, so its learned
  representation is of little use for ``"target"``.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from kb.lab.nn import accuracy as nn_accuracy
from kb.lab.nn import count_parameters as count_parameters  # re-exported for the snippets

N_FEATURES = 50
N_HIDDEN = 4

_world = np.random.default_rng(20261123)
_W_SHARED = _world.normal(size=(N_FEATURES, N_HIDDEN))
_W_OTHER = _world.normal(size=(N_FEATURES, N_HIDDEN))
_V_SOURCE = _world.normal(size=(N_HIDDEN, 4))
_V_OTHER = _world.normal(size=(N_HIDDEN, 4))
_V_TARGET = _world.normal(size=N_HIDDEN)
# E[relu(g)] = sigma / sqrt(2 pi) for g ~ N(0, sigma^2): centre every score at its mean so that
# the classes are roughly balanced.
_H_MEAN = np.linalg.norm(_W_SHARED, axis=0) / math.sqrt(2 * math.pi)
_H_MEAN_OTHER = np.linalg.norm(_W_OTHER, axis=0) / math.sqrt(2 * math.pi)

TASKS = ("source", "target", "unrelated")


def make_task(n: int, task: str = "target", *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``n`` labelled examples of one task of the synthetic world.

    Args:
        n: Number of examples.
        task: ``"source"`` (4 classes, shared features), ``"target"`` (2 classes, shared
            features) or ``"unrelated"`` (4 classes, independent features).
        seed: Seed of the sample (the world itself is fixed).

    Returns:
        ``(X, y)``: float32 inputs of shape ``(n, 50)`` and int64 labels of shape ``(n,)``.

    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, N_FEATURES))
    if task == "source":
        y = np.argmax((np.maximum(x @ _W_SHARED, 0) - _H_MEAN) @ _V_SOURCE, axis=1)
    elif task == "unrelated":
        y = np.argmax((np.maximum(x @ _W_OTHER, 0) - _H_MEAN_OTHER) @ _V_OTHER, axis=1)
    else:
        y = ((np.maximum(x @ _W_SHARED, 0) - _H_MEAN) @ _V_TARGET > 0).astype(np.int64)
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y.astype(np.int64))


def mlp(n_out: int, n_in: int = N_FEATURES, hidden: int = 64) -> nn.Sequential:
    """Build a one-hidden-layer network ``Linear -> ReLU -> Linear`` (index ``-1`` is the head)."""
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


def fit(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int = 200,
    lr: float = 1e-2,
    params: object = None,
) -> nn.Module:
    """Train ``model`` full-batch with Adam on cross-entropy.

    Args:
        model: Any module mapping ``x`` to logits.
        x: Inputs.
        y: Integer class labels.
        epochs: Number of full-batch steps.
        lr: Adam learning rate.
        params: The parameters (or parameter groups) to update; all of ``model``'s by default.
            Pass only the head's to train a frozen feature extractor.

    Returns:
        The same ``model``, trained in place.

    """
    opt = torch.optim.Adam(model.parameters() if params is None else params, lr=lr)
    model.train()
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return model


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """:func:`kb.lab.nn.accuracy`, rounded to 3 decimals for printing."""
    return round(nn_accuracy(model, x, y), 3)


class LoRALinear(nn.Module):
    """A frozen ``nn.Linear`` plus a trainable low-rank update (Hu et al., 2021).

    The layer computes ``W x + b + (alpha / r) * B A x`` where ``W`` (``d_out x d_in``) and
    ``b`` are frozen, ``A`` (``r x d_in``) starts Gaussian and ``B`` (``d_out x r``) starts at
    zero, so the wrapped layer initially computes exactly what ``base`` did. After training the
    update can be merged, ``W <- W + (alpha / r) B A``, so inference costs nothing extra.

    Args:
        base: The pretrained layer; its parameters are frozen.
        r: Rank of the update.
        alpha: Scaling numerator; the update is multiplied by ``alpha / r``.

    """

    def __init__(self, base: nn.Linear, r: int = 4, alpha: float = 8.0):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.A = nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
        self.B = nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = alpha / r

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the frozen layer plus the scaled low-rank update."""
        return self.base(x) + self.scale * (x @ self.A.T @ self.B.T)

    @torch.no_grad()
    def merged(self) -> nn.Linear:
        """Return a plain ``nn.Linear`` whose weight is ``W + (alpha / r) B A``."""
        out = nn.Linear(self.base.in_features, self.base.out_features)
        out.weight.copy_(self.base.weight + self.scale * self.B @ self.A)
        out.bias.copy_(self.base.bias)
        return out


def pseudo_label(proba: np.ndarray, threshold: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Hard pseudo-labels and the mask of predictions confident enough to keep.

    Args:
        proba: Predicted class probabilities, shape ``(n, n_classes)``.
        threshold: Keep a row only when its largest probability is at least this.

    Returns:
        ``(labels, keep)``: the arg-max class of every row and a boolean mask of kept rows.

    """
    proba = np.asarray(proba)
    return proba.argmax(axis=1), proba.max(axis=1) >= threshold


def make_covariate_shift(
    n: int, domain: str = "source", *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two domains with different ``p(x)`` but the same ``p(y | x)`` (covariate shift).

    ``x`` is 2-D Gaussian centred at ``(-1, 0)`` in the source and ``(1.5, 0)`` in the target; the
    label is ``1`` above the parabola ``x2 = 0.5 x1^2 - 1``, with 5 % of labels flipped. A linear
    model fits the parabola well only locally, so the region it is trained on matters.

    Args:
        n: Number of examples.
        domain: ``"source"`` or ``"target"``.
        seed: Seed of the sample.

    Returns:
        ``(X, y)``: float inputs of shape ``(n, 2)`` and int labels of shape ``(n,)``.

    """
    if domain not in ("source", "target"):
        raise ValueError(f"domain must be 'source' or 'target', got {domain!r}")
    rng = np.random.default_rng(seed)
    mean = (-1.0, 0.0) if domain == "source" else (1.5, 0.0)
    x = rng.normal(mean, 1.0, size=(n, 2))
    y = (x[:, 1] > 0.5 * x[:, 0] ** 2 - 1).astype(int)
    flip = rng.random(n) < 0.05
    y[flip] = 1 - y[flip]
    return x, y


def chain_step(state: int, action: int, n_states: int = 6) -> tuple[int, float, bool]:
    """One step of a chain MDP with a tempting exit on the left.

    States are ``0 .. n_states - 1``; the episode starts in ``0``. Action ``1`` moves right;
    reaching the last state pays ``1`` and ends the episode. Action ``0`` moves left; taking it in
    state ``0`` pays ``0.1`` at once and ends the episode. With ``gamma = 0.9`` and 6 states the
    optimal policy is "always right" (value ``0.9**4 = 0.656`` in state 0, against ``0.1``).

    Args:
        state: Current state.
        action: ``0`` (left) or ``1`` (right).
        n_states: Length of the chain.

    Returns:
        ``(next_state, reward, done)``.

    """
    if action == 1:
        nxt = state + 1
        return (nxt, 1.0, True) if nxt == n_states - 1 else (nxt, 0.0, False)
    if state == 0:
        return 0, 0.1, True
    return state - 1, 0.0, False
