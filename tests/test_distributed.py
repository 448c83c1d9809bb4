import socket

import pytest
import torch

from kb.lab.distributed import free_port, local_gradients, make_model, run_data_parallel


def test_free_port_is_bindable():
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))


def test_make_model_is_deterministic():
    a, b = make_model(seed=3), make_model(seed=3)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)


def test_averaged_gradients_equal_full_batch():
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(12, 4, generator=g), torch.randn(12, 1, generator=g)
    model = make_model()
    full = local_gradients(model, x, y)
    results = run_data_parallel(model, x, y, world_size=2)
    assert sorted(results) == [0, 1]
    for local, averaged in results.values():
        assert any(not torch.allclose(a, b) for a, b in zip(local, full, strict=True))
        for a, b in zip(averaged, full, strict=True):
            assert torch.allclose(a, b, atol=1e-6)


def test_three_ranks():
    x, y = torch.randn(9, 4), torch.randn(9, 1)
    model = make_model()
    full = local_gradients(model, x, y)
    results = run_data_parallel(model, x, y, world_size=3)
    for _, averaged in results.values():
        for a, b in zip(averaged, full, strict=True):
            assert torch.allclose(a, b, atol=1e-6)


def test_uneven_batch_rejected():
    with pytest.raises(ValueError):
        run_data_parallel(make_model(), torch.randn(5, 4), torch.randn(5, 1), world_size=2)
