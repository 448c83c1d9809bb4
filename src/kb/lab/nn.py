"""Tiny, seeded neural-network helpers for the training pages.

The snippets on the ``training/`` pages compare optimisers, initialisations and
memory layouts on the same small problem. This module hides the plumbing: a
deterministic toy data set, an MLP factory, a few-step training loop, per-layer
gradient norms, a from-scratch Adam step and byte counts of a model's training
state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

_ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "gelu": nn.GELU,
}


def make_regression(
    n: int = 256, d: int = 10, noise: float = 0.1, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Make a seeded nonlinear regression problem ``y = sin(X w) + noise``.

    Args:
        n: Number of samples.
        d: Number of input features.
        noise: Standard deviation of the Gaussian label noise.
        seed: Seed of the private ``torch.Generator``.

    Returns:
        ``(X, y)`` with shapes ``(n, d)`` and ``(n, 1)``, dtype float32.

    """
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g)
    w = torch.randn(d, 1, generator=g) / d**0.5
    y = torch.sin(2 * X @ w) + noise * torch.randn(n, 1, generator=g)
    return X, y


def make_mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    init: str | None = None,
    batchnorm: bool = False,
    seed: int = 0,
) -> nn.Sequential:
    """Build a seeded multilayer perceptron.

    Args:
        sizes: Layer widths, input first and output last, e.g. ``[10, 32, 1]``.
        activation: One of ``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"gelu"``.
        init: ``None`` keeps PyTorch's default; ``"he"`` (Kaiming normal, fan_in) or
            ``"xavier"`` (Glorot normal) re-initialise every ``Linear`` weight, biases zero.
        batchnorm: Insert ``BatchNorm1d`` before every hidden activation.
        seed: Seed used for the weights (the global RNG state is restored afterwards).

    Returns:
        The model as an ``nn.Sequential``.

    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            linear = nn.Linear(fan_in, fan_out)
            if init == "he":
                nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
                nn.init.zeros_(linear.bias)
            elif init == "xavier":
                nn.init.xavier_normal_(linear.weight)
                nn.init.zeros_(linear.bias)
            elif init is not None:
                raise ValueError(f"unknown init {init!r}")
            layers.append(linear)
            if i < len(sizes) - 2:
                if batchnorm:
                    layers.append(nn.BatchNorm1d(fan_out))
                layers.append(_ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def train_steps(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    X: torch.Tensor,
    y: torch.Tensor,
    steps: int,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    batch_size: int | None = None,
    seed: int = 0,
) -> list[float]:
    """Run a few optimisation steps and return the loss before each step.

    Args:
        model: The model to train (in place).
        optimizer: An optimiser over ``model``'s parameters.
        X: Inputs.
        y: Targets.
        steps: Number of optimiser steps.
        loss_fn: Loss function; mean squared error when ``None``.
        batch_size: Mini-batch size sampled without replacement each step; full batch if ``None``.
        seed: Seed of the private generator that draws the mini-batches.

    Returns:
        The training loss (of the batch used) at each step, as Python floats.

    """
    loss_fn = loss_fn or nn.functional.mse_loss
    g = torch.Generator().manual_seed(seed)
    model.train()
    losses: list[float] = []
    for _ in range(steps):
        if batch_size is None:
            xb, yb = X, y
        else:
            idx = torch.randperm(len(X), generator=g)[:batch_size]
            xb, yb = X[idx], y[idx]
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Return the mean squared error of ``model`` on ``(X, y)`` in eval mode, without gradients."""
    model.eval()
    with torch.no_grad():
        return nn.functional.mse_loss(model(X), y).item()


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of inputs whose arg-max logit is the true class, computed in eval mode.

    Args:
        model: A classifier returning logits.
        x: Inputs.
        y: True class indices.

    Returns:
        Accuracy in [0, 1]. The model's train/eval mode is restored afterwards.
    """
    was_training = model.training
    model.eval()
    try:
        return (model(x).argmax(dim=1) == y).float().mean().item()
    finally:
        model.train(was_training)


def layer_grad_norms(model: nn.Module) -> list[float]:
    """Return the L2 norm of the weight gradient of every ``nn.Linear``, input side first.

    Call it after ``loss.backward()``.
    """
    return [
        m.weight.grad.norm().item()
        for m in model.modules()
        if isinstance(m, nn.Linear) and m.weight.grad is not None
    ]


def adam_step(
    theta: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam (or AdamW) step written from the update rule (Kingma & Ba, 2015).

    ``decoupled=False`` adds ``weight_decay * theta`` to the gradient (L2, as
    ``torch.optim.Adam``); ``decoupled=True`` shrinks ``theta`` by
    ``lr * weight_decay`` first (Loshchilov & Hutter, 2019, as ``torch.optim.AdamW``).

    Args:
        theta: Current parameters.
        grad: Gradient of the loss at ``theta``.
        m: First-moment estimate from the previous step (zeros at ``t=1``).
        v: Second-moment estimate from the previous step (zeros at ``t=1``).
        t: Step number, starting at 1 (used for bias correction).
        lr: Learning rate.
        betas: Decay rates ``(beta1, beta2)`` of the two moment estimates.
        eps: Term added to the denominator.
        weight_decay: Weight-decay coefficient.
        decoupled: Use AdamW's decoupled weight decay.

    Returns:
        ``(theta, m, v)`` after the step (new arrays).

    """
    beta1, beta2 = betas
    if decoupled:
        theta = theta * (1 - lr * weight_decay)
    elif weight_decay:
        grad = grad + weight_decay * theta
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Return the number of (trainable) parameters of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def training_state_bytes(model: nn.Module, optimizer: torch.optim.Optimizer) -> dict[str, int]:
    """Count the bytes held by parameters, gradients and optimiser state.

    Call it after at least one ``optimizer.step()`` (optimisers create their state lazily).
    Activations are not included: they depend on the batch and are freed after ``backward``.

    Returns:
        ``{"params": ..., "grads": ..., "optimizer": ...}`` in bytes.

    """
    params = sum(p.numel() * p.element_size() for p in model.parameters())
    grads = sum(p.grad.numel() * p.grad.element_size() for p in model.parameters()
                if p.grad is not None)
    state = sum(
        t.numel() * t.element_size()
        for s in optimizer.state.values()
        for t in s.values()
        if torch.is_tensor(t) and t.dim() > 0
    )
    return {"params": params, "grads": grads, "optimizer": state}
