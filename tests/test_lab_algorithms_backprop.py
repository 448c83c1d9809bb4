import numpy as np
import pytest
import torch

from kb.lab.algorithms.backprop import TwoLayerMLP, numerical_gradient


def _torch_loss_and_grads(model, X, y):
    params = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in model.params.items()}
    act = torch.relu if model.activation == "relu" else torch.tanh
    H = act(torch.tensor(X) @ params["W1"] + params["b1"])
    loss = torch.nn.functional.cross_entropy(H @ params["W2"] + params["b2"], torch.tensor(y))
    loss.backward()
    return loss.item(), {k: t.grad.numpy() for k, t in params.items()}


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_and_gradients_match_torch_autograd(activation, seed):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(16, 5)), rng.integers(0, 3, size=16)
    model = TwoLayerMLP(5, 7, 3, activation=activation, seed=seed)
    loss, grads = model.loss_and_grads(X, y)
    ref_loss, ref_grads = _torch_loss_and_grads(model, X, y)
    assert loss == pytest.approx(ref_loss, abs=1e-12)
    for k in model.params:
        assert grads[k].shape == model.params[k].shape
        np.testing.assert_allclose(grads[k], ref_grads[k], atol=1e-10)


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(10, 4)), rng.integers(0, 2, size=10)
    model = TwoLayerMLP(4, 6, 2, activation="tanh", seed=3)
    _, grads = model.loss_and_grads(X, y)
    for k, value in model.params.items():
        numeric = numerical_gradient(lambda: model.forward(X, y)[0], value)
        np.testing.assert_allclose(grads[k], numeric, atol=1e-8)


def test_huge_logits_give_a_finite_loss_matching_torch():
    X = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    y = np.array([1, 1])
    model = TwoLayerMLP(2, 3, 2, seed=0)
    loss, grads = model.loss_and_grads(X, y)
    ref_loss, ref_grads = _torch_loss_and_grads(model, X, y)
    assert np.isfinite(loss) and loss == pytest.approx(ref_loss, rel=1e-12)
    for k in model.params:
        np.testing.assert_allclose(grads[k], ref_grads[k], atol=1e-10)


def test_gradient_descent_with_hand_gradients_learns_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    model = TwoLayerMLP(2, 8, 2, activation="tanh", seed=0)
    first, _ = model.loss_and_grads(X, y)
    for _ in range(2000):
        loss, grads = model.loss_and_grads(X, y)
        for k in model.params:
            model.params[k] -= 0.5 * grads[k]
    _, cache = model.forward(X, y)
    assert loss < 0.05 < first
    assert cache["P"].argmax(axis=1).tolist() == [0, 1, 1, 0]


def test_numerical_gradient_restores_its_input():
    x = np.array([1.0, 2.0, 3.0])
    grad = numerical_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_allclose(grad, 2 * x, atol=1e-6)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_unknown_activation_is_rejected():
    with pytest.raises(ValueError, match="activation must be one of"):
        TwoLayerMLP(2, 2, 2, activation="gelu")
