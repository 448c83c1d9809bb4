r"""Decision-tree split criteria and the best-split search, from scratch in NumPy.

Impurities (entropy in bits, as scikit-learn): $H(D)=-\sum_k p_k\log_2 p_k$,
$\mathrm{Gini}(D)=1-\sum_k p_k^2$. ID3 picks the attribute with the largest information gain,
C4.5 the largest gain ratio, CART the binary threshold split with the lowest weighted Gini.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def entropy(counts: np.ndarray) -> np.ndarray:
    """Shannon entropy in bits of class counts along the last axis (0 for an empty node).

    Args:
        counts: Class counts, shape ``(..., n_classes)``.

    Returns:
        Entropy, shape ``(...)``.

    """
    counts = np.asarray(counts, dtype=float)
    n = counts.sum(axis=-1, keepdims=True)
    p = np.divide(counts, n, out=np.zeros_like(counts), where=n > 0)
    logp = np.log2(p, out=np.zeros_like(p), where=p > 0)  # 0 * log 0 = 0
    return -(p * logp).sum(axis=-1)


def gini(counts: np.ndarray) -> np.ndarray:
    r"""Gini impurity $1-\sum_k p_k^2$ of class counts along the last axis (0 for an empty node).

    Args:
        counts: Class counts, shape ``(..., n_classes)``.

    Returns:
        Gini impurity, shape ``(...)``.

    """
    counts = np.asarray(counts, dtype=float)
    n = counts.sum(axis=-1, keepdims=True)
    p = np.divide(counts, n, out=np.zeros_like(counts), where=n > 0)
    return np.where(n[..., 0] > 0, 1.0 - (p * p).sum(axis=-1), 0.0)


CRITERIA = {"gini": gini, "entropy": entropy}


def attribute_gain(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    r"""ID3's information gain and C4.5's gain ratio of a multiway split on a discrete attribute.

    $\mathrm{Gain}(D,a)=H(D)-\sum_v \frac{|D^v|}{|D|}H(D^v)$,
    $\mathrm{IV}(a)=-\sum_v \frac{|D^v|}{|D|}\log_2\frac{|D^v|}{|D|}$,
    $\mathrm{GainRatio}=\mathrm{Gain}/\mathrm{IV}$ (0 when the attribute has a single value).

    Args:
        x: Attribute values, shape ``(n,)``; any hashable type.
        y: Class labels, shape ``(n,)``.

    Returns:
        ``(information gain, gain ratio)`` in bits.

    """
    x, y = np.asarray(x), np.asarray(y)
    _, xi = np.unique(x, return_inverse=True)
    _, yi = np.unique(y, return_inverse=True)
    table = np.zeros((xi.max() + 1, yi.max() + 1))
    np.add.at(table, (xi.ravel(), yi.ravel()), 1)      # contingency table: value x class
    weights = table.sum(axis=1) / len(y)
    gain = float(entropy(table.sum(axis=0)) - weights @ entropy(table))
    split_info = float(entropy(table.sum(axis=1)))     # IV(a): entropy of the partition itself
    return gain, gain / split_info if split_info > 0 else 0.0


@dataclass(frozen=True)
class Split:
    """The best binary split ``x[feature] <= threshold`` of a node.

    Attributes:
        feature: Column index of the split feature.
        threshold: Midpoint between the two neighbouring distinct values (as scikit-learn).
        gain: Impurity decrease, parent impurity minus the size-weighted child impurities.
        impurity: Parent impurity.
        left_impurity: Impurity of the left child (``<= threshold``).
        right_impurity: Impurity of the right child.
        n_left: Samples in the left child.

    """

    feature: int
    threshold: float
    gain: float
    impurity: float
    left_impurity: float
    right_impurity: float
    n_left: int


def best_split(X: np.ndarray, y: np.ndarray, criterion: str = "gini", min_samples_leaf: int = 1) -> Split | None:
    r"""Search every feature and threshold for the CART split with the largest impurity decrease.

    For each feature, sort once and sweep: cumulative class counts give the left child of
    every cut in one pass, so a feature costs $O(n\log n)$ and a node $O(d\,n\log n)$.
    Candidate thresholds lie between consecutive distinct values. Ties go to the lowest
    feature index, then the lowest threshold.

    Args:
        X: Features, shape ``(n, d)``.
        y: Class labels, shape ``(n,)``.
        criterion: ``"gini"`` or ``"entropy"``.
        min_samples_leaf: Minimum samples in each child.

    Returns:
        The best :class:`Split`, or ``None`` when no split is allowed (constant features, or too few samples).

    """
    impurity_of = CRITERIA[criterion]
    X = np.asarray(X, dtype=float)
    _, yi = np.unique(np.asarray(y), return_inverse=True)
    onehot = np.eye(yi.max() + 1)[yi.ravel()]
    n = len(yi)
    parent = float(impurity_of(onehot.sum(axis=0)))
    best = None
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        xs = X[order, j]
        left = np.cumsum(onehot[order], axis=0)[:-1]     # row i: class counts of xs[:i+1]
        right = onehot.sum(axis=0) - left
        n_left = np.arange(1, n)
        valid = (xs[1:] > xs[:-1]) & (n_left >= min_samples_leaf) & (n - n_left >= min_samples_leaf)
        if not valid.any():
            continue
        il, ir = impurity_of(left), impurity_of(right)
        gain = parent - (n_left * il + (n - n_left) * ir) / n
        gain[~valid] = -np.inf
        i = int(np.argmax(gain))
        if best is None or gain[i] > best.gain + 1e-12:
            best = Split(j, xs[i] / 2 + xs[i + 1] / 2, float(gain[i]), parent, float(il[i]), float(ir[i]), i + 1)
    return best
