import math

import numpy as np
import pytest

from kb.lab.privacy import gaussian_mechanism, gaussian_sigma, laplace_mechanism, private_mean


def test_laplace_noise_scale():
    rng = np.random.default_rng(0)
    noisy = laplace_mechanism(np.zeros(200_000), sensitivity=2.0, epsilon=0.5, rng=rng)
    # Laplace(b) has mean absolute deviation b = sensitivity / epsilon = 4
    assert abs(np.abs(noisy).mean() - 4.0) < 0.05


def test_scalar_in_scalar_out():
    assert isinstance(laplace_mechanism(3.0, 1.0, 1.0, np.random.default_rng(0)), float)


def test_gaussian_sigma_formula():
    assert gaussian_sigma(1.0, 0.5, 1e-5) == pytest.approx(2 * math.sqrt(2 * math.log(1.25e5)))
    with pytest.raises(ValueError):
        gaussian_sigma(1.0, 2.0, 1e-5)


def test_gaussian_mechanism_std():
    rng = np.random.default_rng(0)
    noisy = gaussian_mechanism(np.zeros(100_000), 1.0, 0.5, 1e-5, rng)
    assert noisy.std() == pytest.approx(gaussian_sigma(1.0, 0.5, 1e-5), rel=0.02)


def test_private_mean_error_shrinks_with_epsilon():
    x = np.random.default_rng(1).uniform(0, 1, 1000)
    errs = []
    for eps in (0.01, 1.0):
        rng = np.random.default_rng(0)
        errs.append(np.mean([abs(private_mean(x, 0, 1, eps, rng) - x.mean()) for _ in range(200)]))
    assert errs[0] > 10 * errs[1]


def test_invalid_epsilon():
    with pytest.raises(ValueError):
        laplace_mechanism(1.0, 1.0, 0.0, np.random.default_rng(0))
