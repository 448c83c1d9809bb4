"""Random over- and undersampling for imbalanced classification, from scratch.

Both functions balance the classes by drawing row indices with numpy and never
touch the feature values, so they work for any ``X`` whose first axis is the
sample axis. Apply them to the training split only: the validation and test
splits must keep the real class distribution.
"""

from __future__ import annotations

import numpy as np


def _resample(
    X: np.ndarray, y: np.ndarray, *, target: int, replace: bool, random_state: int | None
) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels")
    rng = np.random.default_rng(random_state)
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    order = np.argsort(inverse, kind="stable")  # row indices grouped by class
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    if replace:
        # Keep every original row, then add (target - n_c) rows drawn with replacement.
        extra = np.maximum(target - counts, 0)
        owner = np.repeat(np.arange(classes.size), extra)
        offsets = np.floor(rng.random(owner.size) * counts[owner]).astype(np.intp)
        picked = np.concatenate((np.arange(y.size), order[starts[owner] + offsets]))
    else:
        # Keep a random subset of `target` rows of every class, without replacement.
        keys = rng.random(y.size)
        ranked = order[np.lexsort((keys[order], inverse[order]))]
        rank_in_class = np.arange(y.size) - np.repeat(starts, counts)
        picked = ranked[rank_in_class < target]
    picked = picked[rng.permutation(picked.size)]
    return X[picked], y[picked]


def random_oversample(
    X: np.ndarray, y: np.ndarray, *, random_state: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Duplicate random minority rows until every class has as many rows as the largest.

    Every original row is kept; minority classes gain copies drawn with replacement,
    so the result has ``n_classes * max_count`` rows.

    Args:
        X: Features, shape ``(n_samples, ...)``.
        y: Labels, shape ``(n_samples,)``.
        random_state: Seed for :func:`numpy.random.default_rng`.

    Returns:
        The resampled ``(X, y)``, rows shuffled.

    Raises:
        ValueError: If ``X`` and ``y`` have different numbers of rows.

    """
    counts = np.unique(np.asarray(y), return_counts=True)[1]
    return _resample(X, y, target=int(counts.max()), replace=True, random_state=random_state)


def random_undersample(
    X: np.ndarray, y: np.ndarray, *, random_state: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Keep a random subset of every class, as large as the smallest class.

    Rows are drawn without replacement, so the result has ``n_classes * min_count``
    distinct rows and majority-class information is thrown away.

    Args:
        X: Features, shape ``(n_samples, ...)``.
        y: Labels, shape ``(n_samples,)``.
        random_state: Seed for :func:`numpy.random.default_rng`.

    Returns:
        The resampled ``(X, y)``, rows shuffled.

    Raises:
        ValueError: If ``X`` and ``y`` have different numbers of rows.

    """
    counts = np.unique(np.asarray(y), return_counts=True)[1]
    return _resample(X, y, target=int(counts.min()), replace=False, random_state=random_state)
