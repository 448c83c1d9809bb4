import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, load_wine
from sklearn.decomposition import PCA as SkPCA

from kb.lab.algorithms.pca import PCA

TOL = 1e-6


def _align_signs(a, b):
    # each principal direction is defined up to sign
    return a * np.sign((a * b).sum(axis=1))[:, None]


@pytest.mark.parametrize("loader,k", [(load_iris, 2), (load_wine, 5), (load_digits, 10)])
def test_matches_sklearn_pca(loader, k):
    X, _ = loader(return_X_y=True)
    ours = PCA(k).fit(X)
    ref = SkPCA(k, svd_solver="full").fit(X)
    np.testing.assert_allclose(_align_signs(ours.components_, ref.components_), ref.components_, atol=TOL)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, atol=1e-12)
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-9)
    signs = np.sign((ours.components_ * ref.components_).sum(axis=1))
    np.testing.assert_allclose(ours.transform(X) * signs, ref.transform(X), atol=1e-6)


def test_components_are_orthonormal_eigenvectors_of_the_covariance():
    X, _ = load_wine(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    pca = PCA().fit(X)
    V = pca.components_
    np.testing.assert_allclose(V @ V.T, np.eye(len(V)), atol=1e-10)
    cov = np.cov(X, rowvar=False)
    np.testing.assert_allclose(cov @ V.T, V.T * pca.explained_variance_, atol=1e-9)   # S v = lambda v
    assert np.all(np.diff(pca.explained_variance_) <= 1e-12)                          # sorted, largest first


def test_scores_are_uncorrelated_with_the_explained_variances():
    X, _ = load_iris(return_X_y=True)
    pca = PCA().fit(X)
    np.testing.assert_allclose(np.cov(pca.transform(X), rowvar=False), np.diag(pca.explained_variance_),
                               atol=1e-10)


def test_reconstruction_error_equals_the_discarded_variance():
    # Eckart-Young: the rank-k reconstruction error is the sum of the remaining sigma_i^2.
    X, _ = load_digits(return_X_y=True)
    full = PCA().fit(X)
    for k in (5, 20):
        pca = PCA(k).fit(X)
        err = ((X - pca.inverse_transform(pca.transform(X))) ** 2).sum()
        assert err == pytest.approx((full.singular_values_[k:] ** 2).sum(), rel=1e-8)


def test_sign_convention_is_deterministic():
    X, _ = load_iris(return_X_y=True)
    V = PCA().fit(X).components_
    assert np.all(V[np.arange(len(V)), np.abs(V).argmax(axis=1)] > 0)
