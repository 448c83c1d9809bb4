import numpy as np
import pytest
import torch
from torch import nn

from kb.lab.transfer import (
    LoRALinear,
    accuracy,
    chain_step,
    count_parameters,
    fit,
    make_covariate_shift,
    make_task,
    mlp,
    pseudo_label,
)


@pytest.mark.parametrize("task,n_classes", [("source", 4), ("target", 2), ("unrelated", 4)])
def test_make_task_shapes_and_determinism(task, n_classes):
    x, y = make_task(300, task, seed=5)
    assert x.shape == (300, 50) and x.dtype == torch.float32
    assert y.shape == (300,) and y.dtype == torch.int64
    assert int(y.min()) >= 0 and int(y.max()) < n_classes
    x2, y2 = make_task(300, task, seed=5)
    assert torch.equal(x, x2) and torch.equal(y, y2)


def test_make_task_rejects_unknown_task():
    with pytest.raises(ValueError):
        make_task(10, "nope")


def test_target_is_roughly_balanced():
    _, y = make_task(5000, "target", seed=0)
    assert 0.4 < y.float().mean().item() < 0.6


def test_fit_and_accuracy_learn_the_source_task():
    torch.manual_seed(0)
    x, y = make_task(1000, "source", seed=1)
    model = fit(mlp(4), x, y, epochs=100)
    assert accuracy(model, *make_task(1000, "source", seed=2)) > 0.7


def test_fit_only_updates_given_params():
    torch.manual_seed(0)
    model = mlp(2)
    before = model[0].weight.detach().clone()
    x, y = make_task(50, "target", seed=0)
    fit(model, x, y, epochs=5, params=model[-1].parameters())
    assert torch.equal(before, model[0].weight)


def test_lora_starts_as_identity_and_merges():
    torch.manual_seed(0)
    base = nn.Linear(8, 5)
    lora = LoRALinear(base, r=2, alpha=4)
    x = torch.randn(3, 8)
    assert torch.allclose(lora(x), base(x))
    assert count_parameters(lora) == 2 * 8 + 5 * 2
    with torch.no_grad():
        lora.B.normal_()
    merged = lora.merged()
    assert torch.allclose(merged(x), lora(x), atol=1e-5)
    assert not base.weight.requires_grad


def test_pseudo_label_threshold():
    proba = np.array([[0.95, 0.05], [0.6, 0.4], [0.1, 0.9]])
    labels, keep = pseudo_label(proba, threshold=0.9)
    assert labels.tolist() == [0, 0, 1]
    assert keep.tolist() == [True, False, True]


def test_covariate_shift_moves_x_not_the_rule():
    xs, ys = make_covariate_shift(2000, "source", seed=0)
    xt, yt = make_covariate_shift(2000, "target", seed=0)
    assert xs[:, 0].mean() < -0.5 and xt[:, 0].mean() > 1.0
    for x, y in [(xs, ys), (xt, yt)]:
        rule = (x[:, 1] > 0.5 * x[:, 0] ** 2 - 1).astype(int)
        assert 0.9 < (rule == y).mean() < 1.0
    with pytest.raises(ValueError):
        make_covariate_shift(5, "elsewhere")


def test_chain_step():
    assert chain_step(0, 0) == (0, 0.1, True)
    assert chain_step(2, 0) == (1, 0.0, False)
    assert chain_step(3, 1) == (4, 0.0, False)
    assert chain_step(4, 1) == (5, 1.0, True)
