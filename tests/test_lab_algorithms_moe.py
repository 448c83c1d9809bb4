import pytest
import torch

from kb.lab.algorithms.moe import MoE, load_balancing_loss, top_k_gating


def test_renormalised_top_k_gates_equal_softmax_over_the_top_k_logits():
    # Mixtral writes the gate as Softmax(TopK(x W_g)); renormalising the top-k probabilities is the same.
    logits = torch.randn(50, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    gates, experts, _ = top_k_gating(logits, 2)
    torch.testing.assert_close(gates, torch.softmax(logits.gather(1, experts), dim=-1))
    torch.testing.assert_close(gates.sum(-1), torch.ones(50, dtype=torch.float64))


def test_moe_output_matches_a_per_token_loop():
    torch.manual_seed(0)
    moe = MoE(d_model=12, d_hidden=20, n_experts=6, k=2).double()
    x = torch.randn(40, 12, dtype=torch.float64)
    out, _ = moe(x)
    gates, experts, _ = top_k_gating(moe.router(x), 2)
    ref = torch.stack([sum(gates[t, j] * moe.experts[int(experts[t, j])](x[t]) for j in range(2))
                       for t in range(len(x))])
    torch.testing.assert_close(out, ref, atol=1e-10, rtol=0)


def test_routing_to_every_expert_is_the_dense_softmax_mixture():
    torch.manual_seed(1)
    moe = MoE(8, 16, n_experts=4, k=4).double()
    x = torch.randn(10, 8, dtype=torch.float64)
    probs = torch.softmax(moe.router(x), dim=-1)
    dense = sum(probs[:, e, None] * moe.experts[e](x) for e in range(4))
    torch.testing.assert_close(moe(x)[0], dense, atol=1e-10, rtol=0)


def test_load_balancing_loss_is_one_when_uniform_and_n_when_collapsed():
    n = 8
    uniform = torch.full((64, n), 1.0 / n)
    balanced = torch.arange(64).remainder(n)[:, None]            # every expert gets 8 tokens
    assert load_balancing_loss(uniform, balanced).item() == pytest.approx(1.0)
    collapsed = torch.zeros(64, n)
    collapsed[:, 0] = 1.0
    assert load_balancing_loss(collapsed, torch.zeros(64, 1, dtype=torch.long)).item() == pytest.approx(n)


def test_gradient_of_the_auxiliary_loss_lowers_the_probability_of_overloaded_experts():
    logits = torch.zeros(100, 4)
    logits[:, 0] = 2.0                                           # expert 0 is favoured by every token
    logits.requires_grad_(True)
    _, experts, probs = top_k_gating(logits, 1)
    load_balancing_loss(probs, experts).backward()
    assert logits.grad[:, 0].mean() > 0 > logits.grad[:, 1:].mean()   # descent lowers expert 0's logit
