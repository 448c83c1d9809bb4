"""Helpers for the data-parallel demo: real processes, real ``torch.distributed`` all-reduce.

The worker runs in separate processes started with the ``spawn`` method, which pickles the
function by reference, so it must live in an importable module rather than in a snippet.
"""

from __future__ import annotations

import socket
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn


def free_port() -> int:
    """Return a TCP port on localhost that is free right now.

    Returns:
        A port number chosen by the operating system.

    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_model(in_features: int = 4, seed: int = 0) -> nn.Module:
    """Build the small model every process starts from.

    Args:
        in_features: Number of input features.
        seed: Seed of the initial weights, identical on every rank.

    Returns:
        A two-layer MLP with a scalar output.

    """
    g = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(in_features, 8), nn.Tanh(), nn.Linear(8, 1))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    return model


def local_gradients(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[torch.Tensor]:
    """Gradients of the mean squared error of ``model`` on one batch.

    Args:
        model: The model; its ``.grad`` fields are overwritten.
        x: Inputs, shape ``(n, d)``.
        y: Targets, shape ``(n, 1)``.

    Returns:
        One gradient tensor per parameter (detached copies).

    """
    model.zero_grad()
    nn.functional.mse_loss(model(x), y).backward()
    return [p.grad.detach().clone() for p in model.parameters()]


def _worker(
    rank: int,
    world_size: int,
    port: int,
    state: dict[str, torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
    queue,
) -> None:
    """One data-parallel rank: local gradients on its shard, then all-reduce and average."""
    dist.init_process_group(
        "gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world_size
    )
    try:
        torch.set_num_threads(1)
        model = make_model(x.shape[1])
        model.load_state_dict(state)
        shard = slice(rank * len(x) // world_size, (rank + 1) * len(x) // world_size)
        grads = local_gradients(model, x[shard], y[shard])
        local = [g.clone() for g in grads]
        for g in grads:  # what DDP does per bucket, overlapped with backward
            dist.all_reduce(g, op=dist.ReduceOp.SUM)
            g /= world_size
        queue.put((rank, [g.numpy() for g in local], [g.numpy() for g in grads]))
    finally:
        dist.destroy_process_group()


def default_start_method() -> str:
    """``fork`` on Linux (children inherit the imported torch: fast), else ``spawn``.

    Returns:
        The start method :func:`run_data_parallel` uses by default.

    """
    return "fork" if sys.platform.startswith("linux") else "spawn"


def run_data_parallel(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    world_size: int = 2,
    start_method: str | None = None,
) -> dict[int, tuple[list[torch.Tensor], list[torch.Tensor]]]:
    """Start ``world_size`` processes (gloo, localhost) that each see ``1/world_size`` of a batch.

    Each rank computes gradients on its equal-sized shard and averages them with
    ``dist.all_reduce``. With equal shards and a mean loss, the averaged gradient equals the
    full-batch gradient of a single process.

    Args:
        model: The starting model; its weights are sent to every rank.
        x: The full batch of inputs; its length must be divisible by ``world_size``.
        y: The full batch of targets.
        world_size: Number of processes.
        start_method: ``"fork"`` or ``"spawn"``; default :func:`default_start_method`.
            With ``spawn`` every child re-imports the caller's main module, so a script
            must call this under ``if __name__ == "__main__":``.

    Returns:
        ``{rank: (local_gradients, averaged_gradients)}``.

    """
    if len(x) % world_size:
        raise ValueError("batch size must be divisible by world_size")
    method = start_method or default_start_method()
    ctx = mp.get_context(method)
    queue = ctx.SimpleQueue()
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    mp.start_processes(
        _worker,
        args=(world_size, free_port(), state, x, y, queue),
        nprocs=world_size,
        join=True,
        start_method=method,
    )
    out = {}
    for _ in range(world_size):
        rank, local, reduced = queue.get()
        out[rank] = ([torch.from_numpy(a) for a in local], [torch.from_numpy(a) for a in reduced])
    return out
