import numpy as np
import pytest
import torch

from kb.lab.nn import (
    adam_step,
    count_parameters,
    evaluate,
    layer_grad_norms,
    make_mlp,
    make_regression,
    train_steps,
    training_state_bytes,
)


def test_make_regression_is_seeded():
    X1, y1 = make_regression(n=32, d=5, seed=3)
    X2, y2 = make_regression(n=32, d=5, seed=3)
    assert X1.shape == (32, 5) and y1.shape == (32, 1)
    assert torch.equal(X1, X2) and torch.equal(y1, y2)
    assert not torch.equal(X1, make_regression(n=32, d=5, seed=4)[0])


def test_make_mlp_structure_and_seed():
    a = make_mlp([4, 8, 8, 2], activation="tanh", batchnorm=True, seed=1)
    b = make_mlp([4, 8, 8, 2], activation="tanh", batchnorm=True, seed=1)
    kinds = [type(m).__name__ for m in a]
    assert kinds == ["Linear", "BatchNorm1d", "Tanh", "Linear", "BatchNorm1d", "Tanh", "Linear"]
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)


def test_make_mlp_does_not_touch_global_rng():
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    make_mlp([3, 3, 1], seed=7)
    assert torch.equal(torch.rand(1), expected)


def test_make_mlp_init_and_errors():
    m = make_mlp([1000, 1000, 1], init="he", seed=0)
    std = m[0].weight.std().item()
    assert abs(std - (2 / 1000) ** 0.5) < 2e-3
    assert torch.count_nonzero(m[0].bias) == 0
    x = make_mlp([1000, 1000, 1], init="xavier", seed=0)[0].weight.std().item()
    assert abs(x - (2 / 2000) ** 0.5) < 2e-3
    with pytest.raises(ValueError):
        make_mlp([2, 2], activation="swish")
    with pytest.raises(ValueError):
        make_mlp([2, 2], init="orthogonal")


def test_train_steps_reduces_loss():
    X, y = make_regression(n=128, d=4, seed=0)
    model = make_mlp([4, 16, 1], seed=0)
    before = evaluate(model, X, y)
    losses = train_steps(model, torch.optim.Adam(model.parameters(), lr=0.01), X, y, steps=50,
                         batch_size=32)
    assert len(losses) == 50
    assert evaluate(model, X, y) < before


def test_layer_grad_norms_one_per_linear():
    X, y = make_regression(n=16, d=4, seed=0)
    model = make_mlp([4, 8, 8, 1], seed=0)
    assert layer_grad_norms(model) == []
    torch.nn.functional.mse_loss(model(X), y).backward()
    norms = layer_grad_norms(model)
    assert len(norms) == 3 and all(n > 0 for n in norms)


@pytest.mark.parametrize(("decoupled", "cls"), [(False, torch.optim.Adam),
                                                (True, torch.optim.AdamW)])
def test_adam_step_matches_torch(decoupled, cls):
    rng = np.random.default_rng(1)
    theta = rng.normal(size=6)
    m, v = np.zeros(6), np.zeros(6)
    p = torch.tensor(theta.copy(), requires_grad=True)
    opt = cls([p], lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.2)
    for t in range(1, 6):
        g = rng.normal(size=6)
        theta, m, v = adam_step(theta, g, m, v, t, lr=0.05, betas=(0.8, 0.99), eps=1e-6,
                                weight_decay=0.2, decoupled=decoupled)
        p.grad = torch.tensor(g)
        opt.step()
    np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_adam_first_step_is_lr_times_sign():
    theta, _, _ = adam_step(np.zeros(3), np.array([5.0, -0.01, 2.0]), np.zeros(3), np.zeros(3),
                            t=1, lr=0.1, eps=0.0)
    np.testing.assert_allclose(theta, [-0.1, 0.1, -0.1])


def test_training_state_bytes_adam_is_two_copies():
    X, y = make_regression(n=8, d=4, seed=0)
    model = make_mlp([4, 8, 1], seed=0)
    n = count_parameters(model)
    assert n == 4 * 8 + 8 + 8 + 1
    opt = torch.optim.Adam(model.parameters())
    torch.nn.functional.mse_loss(model(X), y).backward()
    opt.step()
    b = training_state_bytes(model, opt)
    assert b == {"params": 4 * n, "grads": 4 * n, "optimizer": 8 * n}


def test_count_parameters_trainable_only():
    model = make_mlp([4, 8, 1], seed=0)
    model[0].weight.requires_grad_(False)
    assert count_parameters(model) == 8 + 8 + 1
    assert count_parameters(model, trainable_only=False) == 4 * 8 + 8 + 8 + 1
