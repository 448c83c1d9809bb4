r"""LayerNorm, RMSNorm and BatchNorm forward passes from scratch, in PyTorch.

All three compute $y=\gamma\odot\hat{x}+\beta$ and differ in which axis the statistics of
$\hat{x}$ come from: LayerNorm and RMSNorm use the features of one sample (one token),
BatchNorm uses one channel across the batch.
"""

from __future__ import annotations

import torch


def layer_norm(
    x: torch.Tensor, weight: torch.Tensor | None = None, bias: torch.Tensor | None = None, eps: float = 1e-5,
) -> torch.Tensor:
    r"""LayerNorm over the last dimension: $\gamma\odot(x-\mu)/\sqrt{\sigma^2+\epsilon}+\beta$.

    Args:
        x: Input ``(..., d)``.
        weight: Gain $\gamma$ ``(d,)`` (default 1).
        bias: Shift $\beta$ ``(d,)`` (default 0).
        eps: Added to the variance (PyTorch's default ``1e-5``).

    Returns:
        Tensor of the shape of ``x``.

    """
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True, correction=0)  # biased variance, as torch.nn.LayerNorm
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def rms_norm(x: torch.Tensor, weight: torch.Tensor | None = None, eps: float | None = None) -> torch.Tensor:
    r"""RMSNorm over the last dimension: $\gamma\odot x/\sqrt{\mathrm{mean}(x^2)+\epsilon}$, no centring, no bias.

    Args:
        x: Input ``(..., d)``.
        weight: Gain $\gamma$ ``(d,)`` (default 1).
        eps: Added to the mean square; ``None`` uses the dtype's machine epsilon, as ``torch.nn.RMSNorm``.

    Returns:
        Tensor of the shape of ``x``.

    """
    eps = torch.finfo(x.dtype).eps if eps is None else eps
    y = x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps)
    return y if weight is None else y * weight


def batch_norm(
    x: torch.Tensor,
    running_mean: torch.Tensor,
    running_var: torch.Tensor,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    training: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    r"""BatchNorm per channel (dimension 1) over the batch and all spatial/time positions.

    Training normalises with the batch's mean and biased variance and updates the running
    estimates in place, $\hat{s}\leftarrow(1-m)\,\hat{s}+m\,s_{batch}$, with the *unbiased*
    variance (as PyTorch). Evaluation normalises with the running estimates, so the output
    of a sample no longer depends on the rest of the batch.

    Args:
        x: Input ``(N, C)``, ``(N, C, L)`` or ``(N, C, H, W)``.
        running_mean: Running mean ``(C,)``, updated in place when training.
        running_var: Running variance ``(C,)``, updated in place when training.
        weight: Gain $\gamma$ ``(C,)`` (default 1).
        bias: Shift $\beta$ ``(C,)`` (default 0).
        training: Use batch statistics (and update the running ones) or the running ones.
        momentum: Weight $m$ of the new batch in the running estimates.
        eps: Added to the variance.

    Returns:
        Tensor of the shape of ``x``.

    """
    dims = [d for d in range(x.dim()) if d != 1]           # every axis except the channel
    shape = [1, -1] + [1] * (x.dim() - 2)                  # broadcast (C,) against x
    if training:
        mean, var = x.mean(dim=dims), x.var(dim=dims, correction=0)
        n = x.numel() // x.size(1)
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean)
            running_var.mul_(1 - momentum).add_(momentum * var * n / (n - 1))
    else:
        mean, var = running_mean, running_var
    y = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps)
    if weight is not None:
        y = y * weight.view(shape)
    if bias is not None:
        y = y + bias.view(shape)
    return y
