r"""A sparse mixture-of-experts (MoE) layer from scratch in PyTorch: top-k routing and load balancing.

Each token is sent to the $k$ experts with the largest router probabilities and the output is
$y=\sum_{j\in\mathrm{TopK}} g_j\,E_j(x)$ with the top-$k$ gates renormalised to sum to 1
(as in Mixtral). The auxiliary loss of Switch Transformers, $N\sum_i f_iP_i$, pushes the
router towards using all $N$ experts equally.
"""

from __future__ import annotations

import torch
from torch import nn


def top_k_gating(logits: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Route each token to its ``k`` most probable experts.

    Args:
        logits: Router logits ``(tokens, n_experts)``.
        k: Experts per token.

    Returns:
        ``(gates (tokens, k), experts (tokens, k), probs (tokens, n_experts))``: the renormalised
        gate of each chosen expert, the chosen expert indices, and the full router softmax.

    """
    probs = torch.softmax(logits, dim=-1)
    top_p, experts = probs.topk(k, dim=-1)
    return top_p / top_p.sum(dim=-1, keepdim=True), experts, probs


def load_balancing_loss(probs: torch.Tensor, experts: torch.Tensor) -> torch.Tensor:
    r"""Switch Transformer auxiliary loss $N\sum_i f_i P_i$, extended to top-$k$.

    $f_i$ is the fraction of routing slots given to expert $i$ (not differentiable) and
    $P_i$ the mean router probability of expert $i$ (differentiable). It equals 1 when routing
    is uniform and $N$ when every token goes to one expert with probability 1.

    Args:
        probs: Router softmax ``(tokens, n_experts)``.
        experts: Chosen experts ``(tokens, k)``.

    Returns:
        Scalar loss (multiply by a small coefficient such as 0.01 before adding it to the task loss).

    """
    n_experts = probs.size(-1)
    f = torch.bincount(experts.flatten(), minlength=n_experts).to(probs.dtype) / experts.numel()
    return n_experts * (f * probs.mean(dim=0)).sum()


class MoE(nn.Module):
    """Sparse MoE feed-forward layer: a linear router and ``n_experts`` two-layer MLP experts.

    Args:
        d_model: Token width.
        d_hidden: Hidden width of each expert.
        n_experts: Number of experts $N$.
        k: Experts per token.

    """

    def __init__(self, d_model: int, d_hidden: int, n_experts: int, k: int) -> None:
        super().__init__()
        self.k = k
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(d_model, d_hidden), nn.GELU(), nn.Linear(d_hidden, d_model))
            for _ in range(n_experts)
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mix the chosen experts' outputs for every token.

        Args:
            x: Tokens ``(tokens, d_model)`` (flatten batch and sequence first).

        Returns:
            ``(output (tokens, d_model), auxiliary load-balancing loss)``.

        """
        gates, experts, probs = top_k_gating(self.router(x), self.k)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            token, slot = torch.nonzero(experts == e, as_tuple=True)   # who was routed to expert e
            if len(token):                                             # each expert sees only its tokens
                out.index_add_(0, token, gates[token, slot, None] * expert(x[token]))
        return out, load_balancing_loss(probs, experts)
