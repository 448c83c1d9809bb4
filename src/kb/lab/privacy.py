"""Differential-privacy mechanisms: Laplace and Gaussian noise calibrated to sensitivity."""

from __future__ import annotations

import math

import numpy as np


def laplace_mechanism(
    value: float | np.ndarray,
    sensitivity: float,
    epsilon: float,
    rng: np.random.Generator,
) -> float | np.ndarray:
    r"""Release ``value`` with Laplace noise of scale ``sensitivity / epsilon``.

    This is $\varepsilon$-differentially private when ``sensitivity`` is the
    L1 sensitivity $\Delta_1 f = \max \|f(D) - f(D')\|_1$ over neighbouring
    datasets (Dwork et al., 2006; Dwork & Roth, 2014, Theorem 3.6).

    Args:
        value: The true query answer (scalar or array).
        sensitivity: L1 sensitivity of the query.
        epsilon: Privacy budget, > 0; smaller is more private and noisier.
        rng: NumPy random generator.

    Returns:
        The noisy answer, same shape as ``value``.

    """
    if epsilon <= 0 or sensitivity < 0:
        raise ValueError("need epsilon > 0 and sensitivity >= 0")
    value = np.asarray(value, dtype=float)
    noisy = value + rng.laplace(0.0, sensitivity / epsilon, size=value.shape)
    return float(noisy) if noisy.ndim == 0 else noisy


def gaussian_sigma(sensitivity: float, epsilon: float, delta: float) -> float:
    r"""Noise standard deviation of the classic Gaussian mechanism.

    $\sigma = \Delta_2 f \sqrt{2\ln(1.25/\delta)} / \varepsilon$ gives
    $(\varepsilon, \delta)$-DP for $0 < \varepsilon < 1$
    (Dwork & Roth, 2014, Theorem A.1).

    Args:
        sensitivity: L2 sensitivity of the query.
        epsilon: Privacy budget in (0, 1).
        delta: Failure probability in (0, 1).

    Returns:
        The standard deviation $\sigma$.

    """
    if not (0 < epsilon < 1 and 0 < delta < 1):
        raise ValueError("the classic bound needs 0 < epsilon < 1 and 0 < delta < 1")
    return sensitivity * math.sqrt(2.0 * math.log(1.25 / delta)) / epsilon


def gaussian_mechanism(
    value: float | np.ndarray,
    sensitivity: float,
    epsilon: float,
    delta: float,
    rng: np.random.Generator,
) -> float | np.ndarray:
    """Release ``value`` with Gaussian noise of standard deviation :func:`gaussian_sigma`.

    Args:
        value: The true query answer (scalar or array).
        sensitivity: L2 sensitivity of the query.
        epsilon: Privacy budget in (0, 1).
        delta: Failure probability in (0, 1).
        rng: NumPy random generator.

    Returns:
        The noisy answer, same shape as ``value``.

    """
    value = np.asarray(value, dtype=float)
    sigma = gaussian_sigma(sensitivity, epsilon, delta)
    noisy = value + rng.normal(0.0, sigma, size=value.shape)
    return float(noisy) if noisy.ndim == 0 else noisy


def private_mean(
    x: np.ndarray,
    lower: float,
    upper: float,
    epsilon: float,
    rng: np.random.Generator,
) -> float:
    """Epsilon-DP mean of values clipped to ``[lower, upper]`` with a public count ``n``.

    Changing one record moves the clipped mean by at most ``(upper - lower) / n``,
    which is the sensitivity passed to :func:`laplace_mechanism`.

    Args:
        x: The private values, shape ``(n,)``.
        lower: Public lower clipping bound.
        upper: Public upper clipping bound.
        epsilon: Privacy budget, > 0.
        rng: NumPy random generator.

    Returns:
        The noisy mean.

    """
    x = np.clip(np.asarray(x, dtype=float), lower, upper)
    return float(laplace_mechanism(x.mean(), (upper - lower) / len(x), epsilon, rng))
