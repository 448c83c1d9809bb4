"""Shared setup for the model-compression snippets: digits data, a tiny MLP, KD loss, sizes."""

from __future__ import annotations

import io

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn import functional as F  # noqa: N812

from kb.lab.nn import accuracy as accuracy  # one implementation, re-exported for the snippets


def digits_tensors(
    test_size: float = 0.3, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Load scikit-learn's shipped 8x8 digits, scaled to [0, 1], as a stratified split.

    Args:
        test_size: Fraction held out for testing.
        seed: ``random_state`` of the split.

    Returns:
        ``(x_train, x_test, y_train, y_test)`` as float32 / int64 tensors.

    """
    x, y = load_digits(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x / 16.0, y, test_size=test_size, random_state=seed, stratify=y
    )
    f = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    return f(x_tr), f(x_te), torch.tensor(y_tr), torch.tensor(y_te)


def mlp(hidden: int, in_features: int = 64, n_classes: int = 10, seed: int = 0) -> nn.Sequential:
    """Build a one-hidden-layer ReLU MLP with seeded initial weights (global RNG untouched).

    Args:
        hidden: Width of the hidden layer.
        in_features: Input dimension.
        n_classes: Number of output logits.
        seed: Seed of the initialisation.

    Returns:
        The model.

    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(
            nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, n_classes)
        )


def distillation_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor,
    temperature: float = 4.0,
    alpha: float = 0.9,
) -> torch.Tensor:
    r"""Compute the knowledge-distillation loss of Hinton et al. (2015).

    $$
    L = \alpha T^2 \, \mathrm{KL}(p_T^{\text{teacher}} \,\|\, p_T^{\text{student}})
        + (1-\alpha)\, \mathrm{CE}(y, p_1^{\text{student}}),
    $$

    where $p_T = \mathrm{softmax}(z / T)$. The $T^2$ factor keeps the soft-target
    gradients on the same scale as the hard-label gradients when $T$ changes.

    Args:
        student_logits: Student logits, shape ``(n, k)``.
        teacher_logits: Teacher logits (no gradient needed), shape ``(n, k)``.
        labels: Hard labels, shape ``(n,)``.
        temperature: Softmax temperature ``T``.
        alpha: Weight of the soft-target term.

    Returns:
        The scalar loss.

    """
    t = temperature
    soft = F.kl_div(
        F.log_softmax(student_logits / t, dim=1),
        F.softmax(teacher_logits.detach() / t, dim=1),
        reduction="batchmean",
    )
    hard = F.cross_entropy(student_logits, labels)
    return alpha * t * t * soft + (1 - alpha) * hard


def train(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int = 200,
    lr: float = 0.01,
    teacher: nn.Module | None = None,
    temperature: float = 4.0,
    alpha: float = 0.9,
) -> nn.Module:
    """Full-batch Adam training, with cross-entropy or (given a teacher) the KD loss.

    Adam is written out in a few tensor ops instead of ``torch.optim.Adam``: the first
    ``torch.optim`` step imports ``torch._dynamo`` (over a second of CPU), which would dominate
    these tiny snippets.

    Args:
        model: The model to train in place.
        x: Training inputs.
        y: Training labels.
        epochs: Number of full-batch steps.
        lr: Adam learning rate.
        teacher: If given, train with :func:`distillation_loss` against its logits.
        temperature: KD temperature.
        alpha: KD soft-target weight.

    Returns:
        The trained model (in eval mode).

    """
    params = [p for p in model.parameters() if p.requires_grad]
    m1 = [torch.zeros_like(p) for p in params]
    m2 = [torch.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    teacher_logits = None
    if teacher is not None:
        with torch.no_grad():
            teacher_logits = teacher.eval()(x)
    model.train()
    for step in range(1, epochs + 1):
        model.zero_grad()
        out = model(x)
        if teacher_logits is None:
            loss = F.cross_entropy(out, y)
        else:
            loss = distillation_loss(out, teacher_logits, y, temperature, alpha)
        loss.backward()
        with torch.no_grad():  # Adam (Kingma & Ba, 2015), written out to skip torch.optim's warm-up
            for p, m, v in zip(params, m1, m2, strict=True):
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                denom = (v / (1 - b2**step)).sqrt_().add_(eps)
                p.addcdiv_(m, denom, value=-lr / (1 - b1**step))
    return model.eval()


def state_dict_bytes(model: nn.Module) -> int:
    """Size of ``model.state_dict()`` serialised with ``torch.save``.

    Args:
        model: Any module (float or quantized).

    Returns:
        The number of bytes.

    """
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.getbuffer().nbytes


def sparsity(model: nn.Module) -> float:
    """Fraction of exactly-zero entries among all ``weight`` tensors of Linear layers.

    Args:
        model: The model (after ``torch.nn.utils.prune`` the masked weight is used).

    Returns:
        Zeros / total over Linear weights.

    """
    zeros = total = 0
    for m in model.modules():
        if isinstance(m, nn.Linear):
            zeros += int((m.weight == 0).sum())
            total += m.weight.numel()
    return zeros / total
