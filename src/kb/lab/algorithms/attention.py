r"""Scaled dot-product attention and multi-head attention from scratch, in PyTorch.

$\mathrm{Attention}(Q,K,V)=\mathrm{softmax}(QK^\top/\sqrt{d_k})\,V$ (Vaswani et al., 2017),
with the boolean mask convention of ``torch.nn.functional.scaled_dot_product_attention``:
``True`` means "may attend".
"""

from __future__ import annotations

import math

import torch
from torch import nn


def causal_mask(n_query: int, n_key: int) -> torch.Tensor:
    """Boolean ``(n_query, n_key)`` mask where query ``i`` may attend to keys ``0..i``.

    Aligned to the top-left corner, as ``is_causal=True`` in PyTorch's SDPA.

    Args:
        n_query: Number of query positions.
        n_key: Number of key positions.

    Returns:
        Lower-triangular boolean tensor (``True`` = may attend).

    """
    return torch.ones(n_query, n_key, dtype=torch.bool).tril()


def padding_mask(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
    """Boolean ``(batch, max_len)`` mask, ``True`` on real tokens and ``False`` on padding.

    Args:
        lengths: Integer tensor ``(batch,)``, the true length of each sequence.
        max_len: Padded length.

    Returns:
        Boolean tensor; reshape it to ``(batch, 1, 1, max_len)`` to mask keys of every head and query.

    """
    return torch.arange(max_len)[None, :] < lengths[:, None]


def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: torch.Tensor | None = None,
    causal: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Compute $\mathrm{softmax}(QK^\top/\sqrt{d_k} + M)\,V$ and the attention weights.

    Masked positions get $-\infty$ before the softmax, so their weight is exactly 0.
    A query whose keys are all masked has no defined output (NaN), as in PyTorch.

    Args:
        q: Queries ``(..., L, d_k)``.
        k: Keys ``(..., S, d_k)``.
        v: Values ``(..., S, d_v)``.
        mask: Optional boolean mask broadcastable to ``(..., L, S)``; ``True`` = may attend.
        causal: Also forbid attending to later positions (decoder self-attention).

    Returns:
        ``(output (..., L, d_v), weights (..., L, S))``.

    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    allowed = torch.ones_like(scores, dtype=torch.bool)
    if causal:
        allowed = allowed & causal_mask(q.size(-2), k.size(-2))
    if mask is not None:
        allowed = allowed & mask
    scores = scores.masked_fill(~allowed, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


class MultiHeadAttention(nn.Module):
    r"""Multi-head attention: $h$ heads in parallel subspaces, concatenated, then $W^O$.

    $\mathrm{head}_i=\mathrm{Attention}(QW_i^Q, KW_i^K, VW_i^V)$ with $d_k=d_{model}/h$.
    ``n_kv_heads < n_heads`` gives grouped-query attention (GQA; 1 = multi-query attention):
    each key/value head is shared by ``n_heads // n_kv_heads`` query heads.

    Args:
        d_model: Model width.
        n_heads: Number of query heads; must divide ``d_model``.
        n_kv_heads: Number of key/value heads (default ``n_heads``); must divide ``n_heads``.
        bias: Whether the four projections have a bias.

    """

    def __init__(self, d_model: int, n_heads: int, n_kv_heads: int | None = None, bias: bool = True) -> None:
        super().__init__()
        n_kv_heads = n_heads if n_kv_heads is None else n_kv_heads
        if d_model % n_heads or n_heads % n_kv_heads:
            raise ValueError("need n_heads | d_model and n_kv_heads | n_heads")
        self.n_heads, self.n_kv_heads, self.d_head = n_heads, n_kv_heads, d_model // n_heads
        self.w_q = nn.Linear(d_model, d_model, bias=bias)
        self.w_k = nn.Linear(d_model, n_kv_heads * self.d_head, bias=bias)
        self.w_v = nn.Linear(d_model, n_kv_heads * self.d_head, bias=bias)
        self.w_o = nn.Linear(d_model, d_model, bias=bias)

    def _split(self, x: torch.Tensor, heads: int) -> torch.Tensor:
        # (B, T, heads * d_head) -> (B, heads, T, d_head): every head attends independently.
        return x.view(x.size(0), x.size(1), heads, self.d_head).transpose(1, 2)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor | None = None,
        value: torch.Tensor | None = None,
        key_padding_mask: torch.Tensor | None = None,
        causal: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Attend from ``query`` to ``key``/``value`` (self-attention when they are omitted).

        Args:
            query: ``(B, L, d_model)``.
            key: ``(B, S, d_model)``; defaults to ``query``.
            value: ``(B, S, d_model)``; defaults to ``key``.
            key_padding_mask: Boolean ``(B, S)``, ``True`` on real tokens (see :func:`padding_mask`).
            causal: Apply the causal mask.

        Returns:
            ``(output (B, L, d_model), weights (B, n_heads, L, S))``.

        """
        key = query if key is None else key
        value = key if value is None else value
        q = self._split(self.w_q(query), self.n_heads)
        k = self._split(self.w_k(key), self.n_kv_heads)
        v = self._split(self.w_v(value), self.n_kv_heads)
        group = self.n_heads // self.n_kv_heads
        k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        mask = None if key_padding_mask is None else key_padding_mask[:, None, None, :]
        out, weights = scaled_dot_product_attention(q, k, v, mask=mask, causal=causal)
        out = out.transpose(1, 2).reshape(query.size(0), query.size(1), -1)  # concat heads
        return self.w_o(out), weights
