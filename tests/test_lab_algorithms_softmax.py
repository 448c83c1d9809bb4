import numpy as np
import pytest
import torch

from kb.lab.algorithms.softmax import cross_entropy, log_softmax, logsumexp, online_logsumexp, softmax

CASES = {
    "ordinary": np.random.default_rng(0).normal(size=(4, 7)),
    "huge": np.array([[1000.0, 999.0, -1000.0], [1e4, 1e4, 1e4 - 50], [-1e4, -1e4 + 1, -1e4 + 2]]),
    "masked": np.array([[0.5, -np.inf, 2.0, -np.inf], [-np.inf, 3.0, -np.inf, -np.inf]]),
}


@pytest.mark.parametrize("name", CASES)
def test_matches_torch_including_huge_and_masked_logits(name):
    x = CASES[name]
    t = torch.tensor(x, dtype=torch.float64)
    np.testing.assert_allclose(softmax(x), torch.softmax(t, dim=-1).numpy(), atol=1e-12)
    np.testing.assert_allclose(log_softmax(x), torch.log_softmax(t, dim=-1).numpy(), atol=1e-12)
    np.testing.assert_allclose(logsumexp(x), torch.logsumexp(t, dim=-1).numpy(), rtol=1e-14)
    assert np.allclose(softmax(x).sum(axis=-1), 1.0)


def test_other_axes_and_keepdims():
    x = np.random.default_rng(1).normal(size=(3, 4, 5)) * 50
    t = torch.tensor(x)
    for axis in (0, 1, 2):
        np.testing.assert_allclose(softmax(x, axis=axis), torch.softmax(t, dim=axis).numpy(), atol=1e-12)
    assert logsumexp(x, axis=1, keepdims=True).shape == (3, 1, 5)


def test_fully_masked_row_gives_minus_inf_logsumexp_like_torch():
    x = np.array([-np.inf, -np.inf])
    assert logsumexp(x) == -np.inf == torch.logsumexp(torch.tensor(x), dim=0).item()


def test_cross_entropy_matches_torch_when_true_class_probability_underflows():
    logits = np.array([[0.0, 800.0, -5.0], [2.0, 1.0, 0.1], [-300.0, 300.0, 0.0]])
    target = np.array([0, 2, 0])  # rows 1 and 3: the true class has probability ~e^-800 and ~e^-600
    ref = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target)).item()
    assert np.isfinite(cross_entropy(logits, target))
    assert cross_entropy(logits, target) == pytest.approx(ref, rel=1e-12)


def test_naive_formula_fails_where_the_stable_one_does_not():
    x = np.array([1000.0, 0.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(x) / np.exp(x).sum()
    assert np.isnan(naive).any()
    np.testing.assert_allclose(softmax(x), [1.0, np.exp(-1000.0)])


@pytest.mark.parametrize("sizes", [[10], [3, 3, 4], [1] * 10, [0, 5, 0, 5]])
def test_online_logsumexp_equals_one_shot(sizes):
    x = np.random.default_rng(2).normal(size=10) * 300
    chunks = np.split(x, np.cumsum(sizes)[:-1])
    assert online_logsumexp(chunks) == pytest.approx(float(logsumexp(x)), rel=1e-14)


def test_online_logsumexp_with_masked_chunks():
    assert online_logsumexp([np.array([-np.inf]), np.array([0.0, 0.0])]) == pytest.approx(np.log(2))
    assert online_logsumexp([np.array([-np.inf, -np.inf])]) == -np.inf
