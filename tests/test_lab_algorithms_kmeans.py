import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import load_digits, load_iris, load_wine, make_blobs

from kb.lab.algorithms.kmeans import KMeans, kmeans_plusplus, lloyd


def _datasets():
    yield "blobs", make_blobs(n_samples=300, centers=4, cluster_std=1.5, random_state=0)[0], 4
    yield "iris", load_iris(return_X_y=True)[0], 3
    yield "wine", load_wine(return_X_y=True)[0], 3
    # digits has integer pixels, so exact distance ties are common and the two tie-breaks differ
    # (found when this test first ran on raw digits); a tiny jitter makes the comparison well posed.
    digits = load_digits(return_X_y=True)[0]
    yield "digits", digits + 1e-3 * np.random.default_rng(0).normal(size=digits.shape), 10


@pytest.mark.parametrize("name,X,k", list(_datasets()), ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lloyd_from_the_same_seeds_matches_sklearn(name, X, k, seed):
    seeds = X[kmeans_plusplus(X, k, np.random.default_rng(seed))]
    centres, labels, inertia, _ = lloyd(X, seeds)
    ref = SkKMeans(n_clusters=k, init=seeds, n_init=1, tol=0, max_iter=300).fit(X)
    np.testing.assert_array_equal(labels, ref.labels_)
    np.testing.assert_allclose(centres, ref.cluster_centers_, atol=1e-6)
    assert inertia == pytest.approx(ref.inertia_, rel=1e-9)


def test_kmeans_plusplus_samples_proportional_to_squared_distance():
    X = np.array([[0.0], [1.0], [3.0], [10.0]])
    counts = np.zeros((4, 4))
    for seed in range(8000):
        first, second = kmeans_plusplus(X, 2, np.random.default_rng(seed))
        counts[first, second] += 1
    for first in range(4):
        d2 = (X[:, 0] - X[first, 0]) ** 2
        np.testing.assert_allclose(counts[first] / counts[first].sum(), d2 / d2.sum(), atol=0.03)
    assert np.all(np.diag(counts) == 0)              # a chosen point has D(x) = 0: never picked twice


def test_inertia_never_increases_along_lloyd_iterations():
    X = make_blobs(n_samples=200, centers=5, cluster_std=2.5, random_state=3)[0]
    centres = X[:5].copy()
    previous = np.inf
    for steps in range(1, 8):
        _, _, inertia, _ = lloyd(X, centres, max_iter=steps)
        assert inertia <= previous + 1e-9
        previous = inertia


def test_converged_labels_are_nearest_centres_and_centres_are_cluster_means():
    X, _ = load_iris(return_X_y=True)
    model = KMeans(3, n_init=3, seed=0).fit(X)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    for j in range(3):
        np.testing.assert_allclose(model.cluster_centers_[j], X[model.labels_ == j].mean(axis=0))


def test_more_restarts_never_give_a_worse_inertia():
    X = make_blobs(n_samples=400, centers=8, cluster_std=1.0, random_state=1)[0]
    assert KMeans(8, n_init=10, seed=0).fit(X).inertia_ <= KMeans(8, n_init=1, seed=0).fit(X).inertia_


def test_an_empty_cluster_is_moved_to_the_farthest_point():
    X = np.array([[0.0], [0.1], [10.0]])
    centres, labels, _, _ = lloyd(X, np.array([[0.0], [100.0]]))
    assert sorted(labels.tolist()) == [0, 0, 1] and centres[1, 0] == 10.0
