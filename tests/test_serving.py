import pytest
import torch

from kb.lab.serving import (
    assign_least_loaded,
    assign_round_robin,
    causal_attention,
    decode_with_cache,
    decode_without_cache,
    form_batches,
    kv_cache_bytes,
    tensor_parallel_mlp,
)


def _weights(d_model=8, d_head=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(d_model, d_head, generator=g, dtype=torch.float64) for _ in range(3)]


def test_kv_cache_bytes_formula():
    # Llama-2-7B shape: 32 layers, 32 KV heads, head_dim 128, fp16 -> 512 KiB per token.
    assert kv_cache_bytes(32, 32, 128, seq_len=1) == 512 * 1024
    assert kv_cache_bytes(32, 32, 128, seq_len=4096, batch_size=2) == 2 * 4096 * 512 * 1024
    assert kv_cache_bytes(2, 1, 4, seq_len=3, bytes_per_elem=1) == 2 * 2 * 1 * 4 * 3


def test_cached_and_uncached_decoding_match_full_attention():
    x = torch.randn(10, 8, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    wq, wk, wv = _weights()
    full = causal_attention(x, wq, wk, wv)
    no_cache, n_no_cache = decode_without_cache(x, wq, wk, wv)
    cached, n_cached = decode_with_cache(x, wq, wk, wv)
    torch.testing.assert_close(no_cache, full)
    torch.testing.assert_close(cached, full)
    assert n_no_cache == 10 * 11
    assert n_cached == 2 * 10


def test_causal_attention_first_row_is_first_value():
    x = torch.randn(5, 8, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    wq, wk, wv = _weights()
    out = causal_attention(x, wq, wk, wv)
    torch.testing.assert_close(out[0], x[0] @ wv)


def test_form_batches_full_and_timeout():
    # Four requests at tick 0 fill a batch of 4 at once; the fifth waits for its deadline.
    assert form_batches([0, 0, 0, 0, 1], max_batch_size=4, max_wait=3) == [
        (0, [0, 1, 2, 3]),
        (4, [4]),
    ]
    # A late arrival closes the previous batch at the oldest request's deadline.
    assert form_batches([0, 1, 10], max_batch_size=8, max_wait=2) == [(2, [0, 1]), (12, [2])]
    # max_wait=0 and batch size 1 -> one request per batch, dispatched on arrival.
    assert form_batches([0, 0, 3], 1, 0) == [(0, [0]), (0, [1]), (3, [2])]


def test_form_batches_keeps_every_request_once():
    arrivals = sorted(torch.randint(0, 50, (100,), generator=torch.Generator()).tolist())
    batches = form_batches(arrivals, max_batch_size=8, max_wait=4)
    ids = [i for _, b in batches for i in b]
    assert ids == list(range(100))
    assert all(len(b) <= 8 for _, b in batches)
    assert all(t >= arrivals[i] and t - arrivals[i] <= 4 for t, b in batches for i in b)


def test_form_batches_rejects_bad_arguments():
    with pytest.raises(ValueError):
        form_batches([0], 0, 1)


@pytest.mark.parametrize("n_shards", [1, 2, 4])
def test_tensor_parallel_mlp_matches_unsplit(n_shards):
    g = torch.Generator().manual_seed(3)
    x = torch.randn(5, 8, generator=g, dtype=torch.float64)
    w1 = torch.randn(8, 16, generator=g, dtype=torch.float64)
    w2 = torch.randn(16, 8, generator=g, dtype=torch.float64)
    expected = torch.nn.functional.gelu(x @ w1) @ w2
    torch.testing.assert_close(tensor_parallel_mlp(x, w1, w2, n_shards), expected)


def test_load_balancing_policies():
    costs = [10, 1, 1, 1, 10, 1, 1, 1]
    rr = assign_round_robin(costs, 4)
    ll = assign_least_loaded(costs, 4)
    assert rr.tolist() == [20, 2, 2, 2]
    assert ll.sum() == rr.sum() == sum(costs)
    assert ll.max() < rr.max()

