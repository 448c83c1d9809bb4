import numpy as np
import pytest

from kb.lab.fairness import (
    demographic_parity_difference,
    equal_opportunity_difference,
    equalized_odds_difference,
    reweighing_weights,
)

Y = np.array([1, 1, 0, 0, 1, 0, 0, 0])
G = np.array([0, 0, 0, 0, 1, 1, 1, 1])


def test_demographic_parity():
    y_pred = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    assert demographic_parity_difference(y_pred, G) == pytest.approx(0.75 - 0.25)


def test_equal_opportunity_and_odds():
    y_pred = np.array([1, 0, 1, 0, 1, 0, 0, 0])
    # TPR: group0 1/2, group1 1/1 ; FPR: group0 1/2, group1 0/3
    assert equal_opportunity_difference(Y, y_pred, G) == pytest.approx(0.5)
    assert equalized_odds_difference(Y, y_pred, G) == pytest.approx(0.5)
    assert equalized_odds_difference(Y, Y, G) == 0.0


def test_reweighing_makes_label_independent_of_group():
    w = reweighing_weights(Y, G)
    rates = [np.average(Y[G == a], weights=w[G == a]) for a in (0, 1)]
    assert rates[0] == pytest.approx(rates[1]) == pytest.approx(Y.mean())
    # each group keeps its total weight
    assert w[G == 0].sum() == pytest.approx((G == 0).sum())
    assert w[Y == 1].sum() == pytest.approx((Y == 1).sum())
