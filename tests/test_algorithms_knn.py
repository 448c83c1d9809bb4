import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

from kb.lab.algorithms.knn import KNNClassifier, pairwise_sq_distances


def test_pairwise_sq_distances_matches_loop():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(7, 3))
    expected = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    np.testing.assert_allclose(pairwise_sq_distances(a, b), expected, atol=1e-12)


@pytest.mark.parametrize("loader", [load_iris, load_wine])
@pytest.mark.parametrize("k", [1, 4, 5, 8])
def test_same_predictions_as_sklearn(loader, k):
    X, y = loader(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    ours = KNNClassifier(k, batch_size=16).fit(Xtr, ytr).predict(Xte)
    ref = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(Xtr, ytr).predict(Xte)
    np.testing.assert_array_equal(ours, ref)


def test_raw_example_with_lists_and_string_labels():
    model = KNNClassifier(k=2).fit([[1, 2], [2, 3], [3, 3], [4, 5]], ["A", "A", "B", "B"])
    assert model.predict([[1, 1], [4, 4]]).tolist() == ["A", "B"]


def test_vote_tie_goes_to_smallest_label():
    model = KNNClassifier(k=2).fit([[0.0], [1.0]], [1, 0])
    assert model.predict([[0.4]]).tolist() == [0]


def test_k_validation():
    with pytest.raises(ValueError):
        KNNClassifier(k=0)
    with pytest.raises(ValueError):
        KNNClassifier(k=3).fit([[0.0], [1.0]], [0, 1])
