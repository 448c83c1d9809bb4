import math

import pytest
import torch

from kb.lab.algorithms.positional import alibi_bias, alibi_slopes, apply_rope, sinusoidal_encoding


def test_sinusoidal_encoding_matches_the_paper_formula():
    pe = sinusoidal_encoding(20, 8)
    for pos in (0, 3, 19):
        for i in range(4):
            angle = pos / 10000 ** (2 * i / 8)
            assert pe[pos, 2 * i].item() == pytest.approx(math.sin(angle))
            assert pe[pos, 2 * i + 1].item() == pytest.approx(math.cos(angle))


def test_sinusoidal_dot_product_depends_only_on_the_offset():
    pe = sinusoidal_encoding(64, 16)
    gram = pe @ pe.T
    for offset in (0, 1, 5, 20):
        diagonal = torch.diagonal(gram, offset)
        torch.testing.assert_close(diagonal, torch.full_like(diagonal, diagonal[0].item()))


def _rope_complex_reference(x, positions, base=10000.0):
    # Meta's Llama reference: adjacent pairs (2i, 2i+1) as complex numbers times e^{i p theta}.
    d = x.size(-1)
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    rot = torch.polar(torch.ones(len(positions), d // 2, dtype=torch.float64), positions[:, None] * theta)
    z = torch.view_as_complex(x.reshape(*x.shape[:-1], d // 2, 2).contiguous())
    return torch.view_as_real(z * rot).flatten(-2)


def test_rope_equals_the_complex_form_up_to_the_pairing_permutation():
    torch.manual_seed(0)
    d, positions = 16, torch.arange(7)
    x = torch.randn(2, 7, d, dtype=torch.float64)
    # our dims (i, i + d/2) are the reference's (2i, 2i + 1)
    to_interleaved = torch.stack([torch.arange(d // 2), torch.arange(d // 2) + d // 2], dim=1).flatten()
    ref = _rope_complex_reference(x[..., to_interleaved], positions)
    ours = apply_rope(x, positions)
    torch.testing.assert_close(ours[..., to_interleaved], ref, atol=1e-12, rtol=0)


def test_rope_scores_depend_only_on_relative_position():
    torch.manual_seed(1)
    q, k = torch.randn(1, 32, dtype=torch.float64), torch.randn(1, 32, dtype=torch.float64)

    def score(m, n):
        return (apply_rope(q, torch.tensor([m])) @ apply_rope(k, torch.tensor([n])).T).item()

    assert score(5, 2) == pytest.approx(score(105, 102), abs=1e-9)
    assert score(7, 7) == pytest.approx((q @ k.T).item(), abs=1e-9)    # offset 0: plain dot product
    assert abs(score(5, 2) - score(5, 4)) > 1e-3


def test_rope_preserves_norms_and_is_identity_at_position_zero():
    x = torch.randn(3, 5, 8, dtype=torch.float64)
    y = apply_rope(x, torch.arange(5))
    torch.testing.assert_close(y.norm(dim=-1), x.norm(dim=-1))
    torch.testing.assert_close(y[:, 0], x[:, 0])


def test_alibi_slopes_follow_the_geometric_sequence():
    torch.testing.assert_close(alibi_slopes(8), torch.tensor([1 / 2 ** h for h in range(1, 9)], dtype=torch.float64))
    assert alibi_slopes(16)[0].item() == pytest.approx(2 ** -0.5)
    with pytest.raises(ValueError):
        alibi_slopes(12)


def test_alibi_bias_is_linear_in_distance():
    bias = alibi_bias(4, 6)
    assert bias.shape == (4, 6, 6)
    assert torch.all(torch.diagonal(bias, dim1=1, dim2=2) == 0)
    assert bias[0, 5, 0].item() == pytest.approx(-5 * alibi_slopes(4)[0].item())
    assert torch.all(bias.triu(1) == 0)
