import pytest
import torch
import torch.nn.functional as F
from torch import nn

from kb.lab.algorithms.attention import (
    MultiHeadAttention,
    causal_mask,
    padding_mask,
    scaled_dot_product_attention,
)

TOL = 1e-6


def _qkv(batch=2, heads=3, n_query=5, n_key=5, d=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    shape = (batch, heads)
    q = torch.randn(*shape, n_query, d, generator=g, dtype=torch.float64)
    k = torch.randn(*shape, n_key, d, generator=g, dtype=torch.float64)
    v = torch.randn(*shape, n_key, d + 2, generator=g, dtype=torch.float64)
    return q, k, v


def test_unmasked_attention_matches_torch_sdpa():
    q, k, v = _qkv(n_query=4, n_key=6)
    out, weights = scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v), atol=TOL, rtol=0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 4, dtype=torch.float64))


@pytest.mark.parametrize("n_query,n_key", [(5, 5), (3, 7)])
def test_causal_attention_matches_torch_sdpa_is_causal(n_query, n_key):
    q, k, v = _qkv(n_query=n_query, n_key=n_key)
    out, weights = scaled_dot_product_attention(q, k, v, causal=True)
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(out, ref, atol=TOL, rtol=0)
    future = ~causal_mask(n_query, n_key)
    assert torch.all(weights[..., future] == 0)


def test_boolean_padding_mask_matches_torch_sdpa_and_zeroes_padded_keys():
    q, k, v = _qkv()
    keep = padding_mask(torch.tensor([5, 2]), 5)[:, None, None, :]
    out, weights = scaled_dot_product_attention(q, k, v, mask=keep)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    torch.testing.assert_close(out, ref, atol=TOL, rtol=0)
    assert torch.all(weights[1, :, :, 2:] == 0)


def test_padding_mask_marks_real_tokens():
    assert padding_mask(torch.tensor([3, 1]), 4).tolist() == [
        [True, True, True, False],
        [True, False, False, False],
    ]


def _copy_from_torch_mha(ours: MultiHeadAttention, ref: nn.MultiheadAttention) -> None:
    w_q, w_k, w_v = ref.in_proj_weight.chunk(3)
    b_q, b_k, b_v = ref.in_proj_bias.chunk(3)
    with torch.no_grad():
        for lin, w, b in ((ours.w_q, w_q, b_q), (ours.w_k, w_k, b_k), (ours.w_v, w_v, b_v),
                          (ours.w_o, ref.out_proj.weight, ref.out_proj.bias)):
            lin.weight.copy_(w)
            lin.bias.copy_(b)


@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_attention_matches_torch_multihead_attention(causal):
    torch.manual_seed(0)
    d_model, heads, batch, length = 16, 4, 2, 6
    ref = nn.MultiheadAttention(d_model, heads, batch_first=True).double().eval()
    ours = MultiHeadAttention(d_model, heads).double()
    _copy_from_torch_mha(ours, ref)
    x = torch.randn(batch, length, d_model, dtype=torch.float64)
    keep = padding_mask(torch.tensor([6, 4]), length)
    out, weights = ours(x, key_padding_mask=keep, causal=causal)
    # nn.MultiheadAttention's boolean masks use the opposite convention: True = ignore.
    ref_out, ref_weights = ref(
        x, x, x, key_padding_mask=~keep,
        attn_mask=~causal_mask(length, length) if causal else None,
        average_attn_weights=False,
    )
    torch.testing.assert_close(out, ref_out, atol=TOL, rtol=0)
    torch.testing.assert_close(weights, ref_weights, atol=TOL, rtol=0)


def test_cross_attention_matches_torch_multihead_attention():
    torch.manual_seed(1)
    ref = nn.MultiheadAttention(8, 2, batch_first=True).double().eval()
    ours = MultiHeadAttention(8, 2).double()
    _copy_from_torch_mha(ours, ref)
    x, memory = torch.randn(3, 4, 8, dtype=torch.float64), torch.randn(3, 7, 8, dtype=torch.float64)
    out, _ = ours(x, memory)
    torch.testing.assert_close(out, ref(x, memory, memory)[0], atol=TOL, rtol=0)


@pytest.mark.parametrize("n_kv_heads", [1, 2])
def test_grouped_query_attention_matches_torch_sdpa_enable_gqa(n_kv_heads):
    torch.manual_seed(2)
    mha = MultiHeadAttention(16, 4, n_kv_heads=n_kv_heads, bias=False).double()
    x = torch.randn(2, 5, 16, dtype=torch.float64)
    out, _ = mha(x, causal=True)
    q, k, v = mha._split(mha.w_q(x), 4), mha._split(mha.w_k(x), n_kv_heads), mha._split(mha.w_v(x), n_kv_heads)
    assert k.shape == (2, n_kv_heads, 5, 4)
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
    torch.testing.assert_close(out, mha.w_o(ref.transpose(1, 2).reshape(2, 5, 16)), atol=TOL, rtol=0)


def test_gqa_has_fewer_key_value_parameters():
    full, grouped = MultiHeadAttention(64, 8), MultiHeadAttention(64, 8, n_kv_heads=2)
    assert grouped.w_k.weight.shape == (16, 64)
    assert sum(p.numel() for p in grouped.parameters()) < sum(p.numel() for p in full.parameters())


def test_head_counts_must_divide():
    with pytest.raises(ValueError):
        MultiHeadAttention(10, 3)
    with pytest.raises(ValueError):
        MultiHeadAttention(12, 4, n_kv_heads=3)
