"""Small, exact models of inference-serving ideas used on the deployment pages.

Everything here counts work (projections, forward passes, queueing ticks) instead of
timing it, so the numbers printed on the pages cannot change with machine load.

- `kv_cache_bytes`: memory of a Transformer KV cache.
- `causal_attention`, `decode_without_cache`, `decode_with_cache`:
  single-head causal self-attention, decoded token by token with and without a KV cache.
- `form_batches`: a dynamic batcher (dispatch when full or when the oldest request
  has waited long enough), simulated in integer ticks.
- `tensor_parallel_mlp`: a Megatron-style column/row split of a two-layer MLP.
- `assign_round_robin`, `assign_least_loaded`: two load-balancing policies.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

import numpy as np
import torch


def kv_cache_bytes(
    n_layers: int,
    n_kv_heads: int,
    head_dim: int,
    seq_len: int,
    batch_size: int = 1,
    bytes_per_elem: int = 2,
) -> int:
    """Bytes held by a KV cache: keys and values for every layer, head and position.

    ``2 * n_layers * n_kv_heads * head_dim * seq_len * batch_size * bytes_per_elem``;
    the leading 2 counts K and V. With grouped-query attention ``n_kv_heads`` is the
    number of key/value heads, not the number of query heads.

    Args:
        n_layers: Transformer layers.
        n_kv_heads: Key/value heads per layer.
        head_dim: Dimension of one head.
        seq_len: Cached positions (prompt plus generated tokens).
        batch_size: Sequences in the batch.
        bytes_per_elem: 2 for fp16/bf16, 1 for int8/fp8, 4 for fp32.

    Returns:
        The cache size in bytes.

    """
    return 2 * n_layers * n_kv_heads * head_dim * seq_len * batch_size * bytes_per_elem


def causal_attention(
    x: torch.Tensor, wq: torch.Tensor, wk: torch.Tensor, wv: torch.Tensor
) -> torch.Tensor:
    """Single-head causal self-attention over a whole sequence at once.

    Args:
        x: Token representations, shape ``(T, d_model)``.
        wq: Query projection, shape ``(d_model, d_head)``; ``wk`` and ``wv`` likewise.
        wk: Key projection.
        wv: Value projection.

    Returns:
        Attention outputs, shape ``(T, d_head)``; row ``t`` attends to positions ``<= t``.

    """
    q, k, v = x @ wq, x @ wk, x @ wv
    scores = q @ k.T / math.sqrt(k.shape[-1])
    t = x.shape[0]
    mask = torch.ones(t, t, dtype=torch.bool).triu(1)
    return torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1) @ v


def _attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    weights = torch.softmax(q @ k.T / math.sqrt(k.shape[-1]), dim=-1)
    return weights @ v


def decode_without_cache(
    x: torch.Tensor, wq: torch.Tensor, wk: torch.Tensor, wv: torch.Tensor
) -> tuple[torch.Tensor, int]:
    """Decode step by step, recomputing keys and values of the whole prefix every step.

    Args:
        x: Token representations, shape ``(T, d_model)``, fed one position per step.
        wq: Query projection, shape ``(d_model, d_head)``.
        wk: Key projection.
        wv: Value projection.

    Returns:
        The outputs, shape ``(T, d_head)``, and the number of token-vector projections
        through ``wk`` and ``wv`` (``T * (T + 1)`` in total).

    """
    outputs, projections = [], 0
    for t in range(1, x.shape[0] + 1):
        prefix = x[:t]
        k, v = prefix @ wk, prefix @ wv
        projections += 2 * t
        outputs.append(_attend(x[t - 1 : t] @ wq, k, v))
    return torch.cat(outputs), projections


def decode_with_cache(
    x: torch.Tensor, wq: torch.Tensor, wk: torch.Tensor, wv: torch.Tensor
) -> tuple[torch.Tensor, int]:
    """Decode step by step, projecting only the new token and appending to a KV cache.

    Args:
        x: Token representations, shape ``(T, d_model)``, fed one position per step.
        wq: Query projection, shape ``(d_model, d_head)``.
        wk: Key projection.
        wv: Value projection.

    Returns:
        The outputs, shape ``(T, d_head)``, and the number of token-vector projections
        through ``wk`` and ``wv`` (``2 * T`` in total).

    """
    k_cache: list[torch.Tensor] = []
    v_cache: list[torch.Tensor] = []
    outputs, projections = [], 0
    for t in range(x.shape[0]):
        new = x[t : t + 1]
        k_cache.append(new @ wk)
        v_cache.append(new @ wv)
        projections += 2
        outputs.append(_attend(new @ wq, torch.cat(k_cache), torch.cat(v_cache)))
    return torch.cat(outputs), projections


def form_batches(
    arrivals: Sequence[int], max_batch_size: int, max_wait: int
) -> list[tuple[int, list[int]]]:
    """Group requests the way a dynamic batcher does, in integer ticks.

    A batch is dispatched as soon as it holds ``max_batch_size`` requests, or when its
    oldest request has waited ``max_wait`` ticks, whichever comes first. Compute time is
    not modelled: the server is assumed free whenever a batch is ready.

    Args:
        arrivals: Arrival tick of each request, non-decreasing.
        max_batch_size: Largest batch the model accepts.
        max_wait: Longest a request may wait for others (0 = never wait).

    Returns:
        ``(dispatch_tick, request_indices)`` for each batch, in dispatch order.

    """
    if max_batch_size < 1 or max_wait < 0:
        raise ValueError("max_batch_size must be >= 1 and max_wait >= 0")
    batches: list[tuple[int, list[int]]] = []
    current: list[int] = []
    for i, tick in enumerate(arrivals):
        if current and tick > arrivals[current[0]] + max_wait:
            batches.append((arrivals[current[0]] + max_wait, current))
            current = []
        current.append(i)
        if len(current) == max_batch_size:
            batches.append((tick, current))
            current = []
    if current:
        batches.append((arrivals[current[0]] + max_wait, current))
    return batches


def tensor_parallel_mlp(
    x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, n_shards: int
) -> torch.Tensor:
    """Compute ``gelu(x @ w1) @ w2`` split over ``n_shards`` devices, Megatron style.

    ``w1`` is split by columns (each shard computes part of the hidden units, and GeLU is
    applied locally), ``w2`` by rows; the shards' partial outputs are summed, which is
    the all-reduce a real tensor-parallel layer performs.

    Args:
        x: Input, shape ``(n, d_model)``.
        w1: First weight, shape ``(d_model, d_hidden)``; ``d_hidden`` divisible by ``n_shards``.
        w2: Second weight, shape ``(d_hidden, d_model)``.
        n_shards: Number of tensor-parallel ranks.

    Returns:
        The MLP output, shape ``(n, d_model)``.

    """
    cols = torch.chunk(w1, n_shards, dim=1)
    rows = torch.chunk(w2, n_shards, dim=0)
    partials = [torch.nn.functional.gelu(x @ a) @ b for a, b in zip(cols, rows, strict=True)]
    return torch.stack(partials).sum(dim=0)


def assign_round_robin(costs: Sequence[float], n_replicas: int) -> np.ndarray:
    """Send request ``i`` to replica ``i % n_replicas``; return each replica's total cost."""
    loads = np.zeros(n_replicas)
    np.add.at(loads, np.arange(len(costs)) % n_replicas, np.asarray(costs, dtype=float))
    return loads


def assign_least_loaded(costs: Sequence[float], n_replicas: int) -> np.ndarray:
    """Send each request to the replica with the least work assigned so far.

    All requests are treated as outstanding at once (a burst), so "work assigned so far"
    equals the outstanding work a least-loaded balancer would see.

    Returns:
        Each replica's total cost.

    """
    heap = [(0.0, r) for r in range(n_replicas)]
    loads = np.zeros(n_replicas)
    for cost in costs:
        load, r = heapq.heappop(heap)
        loads[r] = load + cost
        heapq.heappush(heap, (loads[r], r))
    return loads

