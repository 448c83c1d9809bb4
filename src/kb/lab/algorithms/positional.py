r"""Positional encodings from scratch in PyTorch: sinusoidal, RoPE and ALiBi.

Sinusoidal (Vaswani et al., 2017) is added to the input embeddings; RoPE (Su et al., 2021)
rotates queries and keys so that $q_m^\top k_n$ depends on $m-n$ only; ALiBi (Press et al., 2022)
adds a head-specific linear penalty $-s_h\,(m-n)$ to the attention scores.
"""

from __future__ import annotations

import torch


def sinusoidal_encoding(n_positions: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    r"""$PE_{(p,2i)}=\sin(p/b^{2i/d})$, $PE_{(p,2i+1)}=\cos(p/b^{2i/d})$ with $b=10000$.

    Args:
        n_positions: Number of positions $p=0,\dots,n-1$.
        d_model: Even model width $d$.
        base: The base $b$.

    Returns:
        Tensor ``(n_positions, d_model)``.

    """
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]
    freq = base ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)  # 1 / b^{2i/d}
    pe = torch.empty(n_positions, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe


def rope_frequencies(d_head: int, base: float = 10000.0) -> torch.Tensor:
    r"""Rotation speeds $\theta_i=b^{-2i/d}$, $i=0,\dots,d/2-1$: fast for the first pairs, slow for the last."""
    return base ** (-torch.arange(0, d_head, 2, dtype=torch.float64) / d_head)


def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    r"""Rotate each pair $(x_i, x_{i+d/2})$ of ``x`` by the angle $p\,\theta_i$ of its position $p$.

    This is the "rotate-half" layout of GPT-NeoX and Hugging Face Llama: dimension $i$ is
    paired with $i+d/2$. The original RoFormer pairs neighbours $(2i, 2i+1)$; the two are the
    same rotation up to a fixed permutation of dimensions (learned projections absorb it).

    Args:
        x: Queries or keys ``(..., seq, d_head)`` with even ``d_head``.
        positions: Integer positions ``(seq,)``.
        base: The base $b$ of the frequencies.

    Returns:
        Rotated tensor of the shape and dtype of ``x``.

    """
    half = x.size(-1) // 2
    angles = positions.to(torch.float64)[:, None] * rope_frequencies(x.size(-1), base)  # (seq, d/2)
    cos, sin = torch.cos(angles).to(x.dtype), torch.sin(angles).to(x.dtype)
    x1, x2 = x[..., :half], x[..., half:]
    # 2-D rotation of every pair: [x1, x2] -> [x1 cos - x2 sin, x1 sin + x2 cos]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


def alibi_slopes(n_heads: int) -> torch.Tensor:
    r"""ALiBi head slopes $s_h=2^{-8h/H}$, $h=1,\dots,H$ (for 8 heads: $1/2,1/4,\dots,1/256$).

    For a number of heads that is not a power of two, the paper interleaves the slopes of the
    next power of two; this helper covers powers of two only.

    Args:
        n_heads: Number of heads $H$, a power of two.

    Returns:
        Tensor ``(n_heads,)``.

    """
    if n_heads & (n_heads - 1):
        raise ValueError("alibi_slopes expects a power of two number of heads")
    return 2.0 ** (-8.0 * torch.arange(1, n_heads + 1, dtype=torch.float64) / n_heads)


def alibi_bias(n_heads: int, seq_len: int) -> torch.Tensor:
    r"""Bias $-s_h\,(m-n)$ added to the score of query $m$ and key $n\le m$ (causal).

    Args:
        n_heads: Number of heads (a power of two).
        seq_len: Sequence length.

    Returns:
        Tensor ``(n_heads, seq_len, seq_len)``; entries above the diagonal are 0 and must still be masked.

    """
    pos = torch.arange(seq_len)
    distance = (pos[:, None] - pos[None, :]).clamp(min=0).to(torch.float64)  # m - n for n <= m
    return 0.0 - alibi_slopes(n_heads)[:, None, None] * distance  # 0.0 - x: no "-0." entries
