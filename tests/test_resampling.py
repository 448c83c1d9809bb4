import numpy as np
import pytest

from kb.lab.resampling import random_oversample, random_undersample


@pytest.fixture
def imbalanced():
    rng = np.random.default_rng(1)
    y = np.array([0] * 50 + [1] * 7 + [2] * 3)
    X = np.column_stack([np.arange(y.size), rng.normal(size=y.size)])  # column 0 = row id
    return X, y


def test_oversample_balances_by_growing_minorities(imbalanced):
    X, y = imbalanced
    Xr, yr = random_oversample(X, y, random_state=0)
    assert np.bincount(yr).tolist() == [50, 50, 50]
    assert Xr.shape == (150, 2)
    # every original row is kept, the majority class is not shrunk
    assert set(Xr[:, 0].astype(int)) == set(range(y.size))


def test_oversample_rows_keep_their_labels(imbalanced):
    X, y = imbalanced
    Xr, yr = random_oversample(X, y, random_state=0)
    np.testing.assert_array_equal(y[Xr[:, 0].astype(int)], yr)
    np.testing.assert_array_equal(X[Xr[:, 0].astype(int)], Xr)


def test_undersample_balances_by_shrinking_majorities(imbalanced):
    X, y = imbalanced
    Xr, yr = random_undersample(X, y, random_state=0)
    assert np.bincount(yr).tolist() == [3, 3, 3]
    ids = Xr[:, 0].astype(int)
    assert len(set(ids)) == ids.size  # no duplicates
    np.testing.assert_array_equal(y[ids], yr)
    assert set(ids[yr == 2]) == {57, 58, 59}  # the smallest class is kept whole


def test_seeded_and_varies_with_seed(imbalanced):
    X, y = imbalanced
    a = random_undersample(X, y, random_state=3)[0]
    b = random_undersample(X, y, random_state=3)[0]
    c = random_undersample(X, y, random_state=4)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_string_labels_and_nd_features():
    y = np.array(["a", "b", "b", "b"])
    X = np.arange(4 * 2 * 3).reshape(4, 2, 3)
    Xr, yr = random_oversample(X, y, random_state=0)
    assert Xr.shape == (6, 2, 3)
    assert sorted(yr.tolist()) == ["a", "a", "a", "b", "b", "b"]


def test_already_balanced_is_a_permutation():
    X = np.arange(6).reshape(6, 1)
    y = np.array([0, 1, 0, 1, 0, 1])
    for fn in (random_oversample, random_undersample):
        Xr, _ = fn(X, y, random_state=0)
        assert sorted(Xr.ravel().tolist()) == list(range(6))


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        random_oversample(np.zeros((3, 1)), np.array([0, 1]))
