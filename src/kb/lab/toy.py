"""Small seeded toy data sets shared by the evaluation and generalization pages.

Every function takes a ``random_state`` and returns NumPy arrays, so a snippet that
calls it prints the same numbers on every machine.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_classification


def make_imbalanced(
    n_samples: int = 2000,
    pos_rate: float = 0.1,
    class_sep: float = 1.0,
    random_state: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Make a binary classification set whose positive class (label 1) is rare.

    Args:
        n_samples: Number of rows.
        pos_rate: Approximate fraction of positives, in ``(0, 1)``.
        class_sep: Larger values make the classes easier to separate.
        random_state: Seed.

    Returns:
        ``(X, y)`` with ``X`` of shape ``(n_samples, 10)`` and ``y`` in ``{0, 1}``.

    """
    if not 0.0 < pos_rate < 1.0:
        raise ValueError("pos_rate must lie strictly between 0 and 1")
    X, y = make_classification(
        n_samples=n_samples,
        n_features=10,
        n_informative=4,
        n_redundant=2,
        weights=[1.0 - pos_rate],
        class_sep=class_sep,
        n_clusters_per_class=1,
        flip_y=0.0,
        random_state=random_state,
    )
    return X, y


def binormal_scores(
    n_pos: int,
    n_neg: int,
    separation: float = 1.5,
    random_state: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of one fixed classifier: N(separation, 1) for positives, N(0, 1) for negatives.

    Changing ``n_pos`` / ``n_neg`` changes only the class ratio, not the classifier,
    which isolates how a metric reacts to prevalence.

    Args:
        n_pos: Number of positives.
        n_neg: Number of negatives.
        separation: Distance between the two score means, in standard deviations.
        random_state: Seed.

    Returns:
        ``(y_true, y_score)``, positives first.

    """
    rng = np.random.default_rng(random_state)
    y_score = np.concatenate([rng.normal(separation, 1.0, n_pos), rng.normal(0.0, 1.0, n_neg)])
    y_true = np.concatenate([np.ones(n_pos, dtype=int), np.zeros(n_neg, dtype=int)])
    return y_true, y_score


def make_noisy_sine(
    n_samples: int = 30,
    noise: float = 0.3,
    random_state: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``y = sin(2*pi*x) + noise`` with ``x`` uniform on ``[0, 1]`` (Bishop, PRML 1.1).

    Args:
        n_samples: Number of points.
        noise: Standard deviation of the Gaussian noise.
        random_state: Seed.

    Returns:
        ``(X, y)`` with ``X`` of shape ``(n_samples, 1)`` and ``y`` of shape ``(n_samples,)``.

    """
    rng = np.random.default_rng(random_state)
    x = rng.uniform(0.0, 1.0, n_samples)
    y = np.sin(2 * np.pi * x) + rng.normal(0.0, noise, n_samples)
    return x.reshape(-1, 1), y
