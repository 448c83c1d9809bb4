import pytest
import torch
import torch.nn.functional as F
from torch import nn

from kb.lab.algorithms.norms import batch_norm, layer_norm, rms_norm

TOL = 1e-6


def _randomise(module: nn.Module, seed: int) -> nn.Module:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype))
    return module


def test_layer_norm_matches_torch_layer_norm():
    x = torch.randn(4, 7, 16, dtype=torch.float64) * 3 + 2
    ref = _randomise(nn.LayerNorm(16, dtype=torch.float64), 0)
    out = layer_norm(x, ref.weight, ref.bias, eps=ref.eps)
    torch.testing.assert_close(out, ref(x), atol=TOL, rtol=0)


def test_layer_norm_without_affine_gives_zero_mean_unit_variance_per_token():
    y = layer_norm(torch.randn(3, 5, 64, dtype=torch.float64) * 10 - 4)
    torch.testing.assert_close(y.mean(-1), torch.zeros(3, 5, dtype=torch.float64), atol=1e-9, rtol=0)
    torch.testing.assert_close(y.var(-1, correction=0), torch.ones(3, 5, dtype=torch.float64), atol=1e-5, rtol=0)


@pytest.mark.parametrize("eps", [None, 1e-6])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_rms_norm_matches_torch_rms_norm(eps, dtype):
    x = torch.randn(2, 9, 32, dtype=dtype) + 1.5
    ref = _randomise(nn.RMSNorm(32, eps=eps, dtype=dtype), 1)
    torch.testing.assert_close(rms_norm(x, ref.weight, eps=eps), ref(x), atol=TOL, rtol=0)
    torch.testing.assert_close(rms_norm(x, eps=eps), F.rms_norm(x, (32,), eps=eps), atol=TOL, rtol=0)


def test_rms_norm_is_invariant_to_rescaling_but_not_to_shifting():
    x = torch.randn(5, 16, dtype=torch.float64)
    torch.testing.assert_close(rms_norm(3.7 * x), rms_norm(x), atol=1e-9, rtol=0)
    torch.testing.assert_close(layer_norm(x + 5.0), layer_norm(x), atol=1e-9, rtol=0)
    assert not torch.allclose(rms_norm(x + 5.0), rms_norm(x), atol=1e-3)


@pytest.mark.parametrize("shape,module", [((8, 6), nn.BatchNorm1d), ((8, 6, 5), nn.BatchNorm1d),
                                           ((4, 6, 3, 3), nn.BatchNorm2d)])
def test_batch_norm_matches_torch_over_training_steps_and_in_eval(shape, module):
    ref = _randomise(module(6, dtype=torch.float64), 2).train()
    running_mean, running_var = torch.zeros(6, dtype=torch.float64), torch.ones(6, dtype=torch.float64)
    g = torch.Generator().manual_seed(3)
    for _ in range(3):
        x = torch.randn(*shape, generator=g, dtype=torch.float64) * 2 + 1
        out = batch_norm(x, running_mean, running_var, ref.weight, ref.bias, training=True)
        torch.testing.assert_close(out, ref(x), atol=TOL, rtol=0)
    torch.testing.assert_close(running_mean, ref.running_mean, atol=TOL, rtol=0)
    torch.testing.assert_close(running_var, ref.running_var, atol=TOL, rtol=0)
    ref.eval()
    x = torch.randn(*shape, generator=g, dtype=torch.float64)
    out = batch_norm(x, running_mean, running_var, ref.weight, ref.bias, training=False)
    torch.testing.assert_close(out, ref(x), atol=TOL, rtol=0)


def test_batch_norm_output_depends_on_the_rest_of_the_batch_only_in_training():
    x = torch.randn(4, 3, dtype=torch.float64)
    x2 = x.clone()
    x2[1:] += 10.0                                  # change every sample but the first
    stats = (torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64))
    train_a = batch_norm(x, *[s.clone() for s in stats])[0]
    train_b = batch_norm(x2, *[s.clone() for s in stats])[0]
    assert not torch.allclose(train_a, train_b)
    eval_a = batch_norm(x, *stats, training=False)[0]
    eval_b = batch_norm(x2, *stats, training=False)[0]
    torch.testing.assert_close(eval_a, eval_b)
    torch.testing.assert_close(layer_norm(x)[0], layer_norm(x2)[0])
