"""Group-fairness metrics and Kamiran & Calders reweighing."""

from __future__ import annotations

import numpy as np


def _rate_gap(values: np.ndarray, group: np.ndarray) -> float:
    rates = [values[group == g].mean() for g in np.unique(group)]
    return float(max(rates) - min(rates))


def demographic_parity_difference(y_pred: np.ndarray, group: np.ndarray) -> float:
    r"""Largest gap in selection rate $P(\hat Y = 1 \mid A = a)$ between groups.

    Args:
        y_pred: Binary predictions (0/1), shape ``(n,)``.
        group: Sensitive attribute per sample, shape ``(n,)``.

    Returns:
        ``max_a rate - min_a rate``; 0 means demographic parity holds.

    """
    return _rate_gap(np.asarray(y_pred, dtype=float), np.asarray(group))


def equal_opportunity_difference(
    y_true: np.ndarray, y_pred: np.ndarray, group: np.ndarray
) -> float:
    r"""Largest gap in true-positive rate $P(\hat Y = 1 \mid Y = 1, A = a)$.

    Args:
        y_true: Binary labels, shape ``(n,)``.
        y_pred: Binary predictions, shape ``(n,)``.
        group: Sensitive attribute, shape ``(n,)``.

    Returns:
        The TPR gap between the best and worst group.

    """
    y_true, y_pred, group = map(np.asarray, (y_true, y_pred, group))
    pos = y_true == 1
    return _rate_gap(y_pred[pos].astype(float), group[pos])


def equalized_odds_difference(
    y_true: np.ndarray, y_pred: np.ndarray, group: np.ndarray
) -> float:
    """Return the larger of the TPR gap and the FPR gap between groups.

    Equalised odds (Hardt et al., 2016) asks for equal TPR *and* equal FPR,
    so this is 0 only when both gaps are 0.

    Args:
        y_true: Binary labels, shape ``(n,)``.
        y_pred: Binary predictions, shape ``(n,)``.
        group: Sensitive attribute, shape ``(n,)``.

    Returns:
        ``max(TPR gap, FPR gap)``.

    """
    y_true, y_pred, group = map(np.asarray, (y_true, y_pred, group))
    neg = y_true == 0
    fpr_gap = _rate_gap(y_pred[neg].astype(float), group[neg])
    return max(equal_opportunity_difference(y_true, y_pred, group), fpr_gap)


def reweighing_weights(y: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Kamiran & Calders (2012) reweighing: $w(a, y) = P(A=a)P(Y=y) / P(A=a, Y=y)$.

    With these sample weights the weighted training data has the label
    independent of the group, while each group keeps its size.

    Args:
        y: Labels, shape ``(n,)``.
        group: Sensitive attribute, shape ``(n,)``.

    Returns:
        One weight per sample, shape ``(n,)``.

    """
    y, group = np.asarray(y), np.asarray(group)
    w = np.empty(len(y), dtype=float)
    for a in np.unique(group):
        for c in np.unique(y):
            cell = (group == a) & (y == c)
            if cell.any():
                w[cell] = (group == a).mean() * (y == c).mean() / cell.mean()
    return w
