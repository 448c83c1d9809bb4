import numpy as np
import pytest
import torch
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from kb.lab.algorithms.logistic import LogisticRegressionGD, log_loss, sigmoid


def _reference(X, y, C):
    # newton-cholesky solves the same objective as lbfgs to near machine precision,
    # so a disagreement is ours, not the reference's early stop.
    return LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_coefficients_match_sklearn_on_synthetic_data(C):
    X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    ours = LogisticRegressionGD(C=C).fit(X, y)
    ref = _reference(X, y, C)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_coefficients_match_sklearn_on_breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ours = LogisticRegressionGD(C=0.1).fit(X, y)
    ref = _reference(X, y, 0.1)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_string_labels_keep_sklearn_class_order():
    X, y = make_classification(n_samples=100, n_features=4, random_state=1)
    labels = np.where(y == 1, "spam", "ham")
    ours = LogisticRegressionGD().fit(X, labels)
    ref = _reference(X, labels, 1.0)
    assert ours.classes_.tolist() == ref.classes_.tolist() == ["ham", "spam"]
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_log_loss_matches_torch_bce_with_logits_even_for_huge_logits():
    z = np.array([-800.0, -30.0, -1.0, 0.0, 2.0, 40.0, 900.0])
    y = np.array([1, 0, 1, 0, 1, 0, 1], dtype=float)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(z, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    ).item()
    assert np.isfinite(log_loss(z, y))
    assert log_loss(z, y) == pytest.approx(ref, abs=1e-12)


def test_sigmoid_is_stable_and_matches_torch():
    z = np.array([-1000.0, -20.0, 0.0, 3.0, 1000.0])
    with np.errstate(all="raise"):  # no overflow warning turned into an error
        ours = sigmoid(z)
    np.testing.assert_allclose(ours, torch.sigmoid(torch.tensor(z)).numpy(), atol=1e-15)


def test_each_step_decreases_the_objective():
    X, y = make_classification(n_samples=200, n_features=4, random_state=2)
    lam = 1.0 / (len(X) * 1.0)

    def objective(model):
        return log_loss(model.decision_function(X), y) + lam / 2 * np.sum(model.coef_**2)

    values = [objective(LogisticRegressionGD(max_iter=k).fit(X, y)) for k in (2, 5, 20, 100)]
    assert all(a > b for a, b in zip(values, values[1:]))


def test_rejects_bad_input():
    with pytest.raises(ValueError, match="C must be positive"):
        LogisticRegressionGD(C=0)
    with pytest.raises(ValueError, match="2 classes"):
        LogisticRegressionGD().fit(np.zeros((3, 1)), [0, 1, 2])
