"""Fast gradient sign method (FGSM) attacks and adversarial training in PyTorch."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from kb.lab.nn import accuracy as accuracy  # one implementation, re-exported for the snippets


def fgsm(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epsilon: float,
    clip: tuple[float, float] | None = None,
) -> torch.Tensor:
    r"""FGSM (Goodfellow et al., 2015): $x' = x + \varepsilon\,\mathrm{sign}(\nabla_x J)$.

    ``J`` is the cross-entropy loss of ``model`` at ``(x, y)``; the perturbation has
    L-infinity norm ``epsilon``. The model's parameter gradients are left untouched.

    Args:
        model: A classifier returning logits.
        x: Inputs.
        y: True class indices.
        epsilon: Perturbation size (L-infinity budget).
        clip: Optional ``(low, high)`` valid input range (e.g. ``(0, 1)`` for pixels).

    Returns:
        The adversarial inputs, detached from the graph.

    """
    x = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), y)
    (grad,) = torch.autograd.grad(loss, x)
    x_adv = (x + epsilon * grad.sign()).detach()
    return x_adv if clip is None else x_adv.clamp(*clip)


def train(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    lr: float = 1e-2,
    batch_size: int = 64,
    adv_epsilon: float = 0.0,
    adv_weight: float = 0.5,
    clip: tuple[float, float] | None = None,
    generator: torch.Generator | None = None,
) -> nn.Module:
    r"""Train with Adam; with ``adv_epsilon > 0`` use FGSM adversarial training.

    The adversarial loss is Goodfellow et al.'s mixture
    $\alpha J(x, y) + (1 - \alpha) J(x_{\mathrm{FGSM}}, y)$ with
    $1 - \alpha$ = ``adv_weight``, the attack recomputed on every batch.

    Args:
        model: The classifier to train (modified in place).
        x: Training inputs.
        y: Training labels.
        epochs: Passes over the data.
        lr: Adam learning rate.
        batch_size: Mini-batch size.
        adv_epsilon: FGSM budget used during training; 0 means standard training.
        adv_weight: Weight of the adversarial term.
        clip: Valid input range passed to :func:`fgsm`.
        generator: Random generator for shuffling.

    Returns:
        The trained model.

    """
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx], y[idx]
            loss = F.cross_entropy(model(xb), yb)
            if adv_epsilon > 0:
                x_adv = fgsm(model, xb, yb, adv_epsilon, clip)
                loss = (1 - adv_weight) * loss + adv_weight * F.cross_entropy(model(x_adv), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model
