import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

from kb.lab.algorithms.naive_bayes import GaussianNaiveBayes


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_digits])
def test_matches_sklearn_gaussian_nb(loader):
    X, y = loader(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    ours = GaussianNaiveBayes().fit(Xtr, ytr)
    ref = GaussianNB().fit(Xtr, ytr)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-6)
    np.testing.assert_allclose(ours.var_, ref.var_, rtol=1e-6)
    np.testing.assert_allclose(ours.class_prior_, ref.class_prior_)


def test_no_underflow_with_many_features():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (50, 2000)), rng.normal(0.3, 1, (50, 2000))])
    y = np.repeat([0, 1], 50)
    model = GaussianNaiveBayes().fit(X, y)
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all()
    assert (model.predict(X) == y).mean() > 0.95


def test_constant_feature_is_smoothed():
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 5.0], [1.0, 6.0]])
    model = GaussianNaiveBayes().fit(X, ["a", "a", "b", "b"])
    assert (model.var_ > 0).all()
    assert model.predict([[1.0, 0.5], [1.0, 5.5]]).tolist() == ["a", "b"]
