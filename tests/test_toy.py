import numpy as np
import pytest

from kb.lab.toy import binormal_scores, make_imbalanced, make_noisy_sine


def test_make_imbalanced_shape_and_rate():
    X, y = make_imbalanced(n_samples=1000, pos_rate=0.05, random_state=0)
    assert X.shape == (1000, 10)
    assert set(np.unique(y)) == {0, 1}
    assert abs(y.mean() - 0.05) < 0.01


def test_make_imbalanced_is_seeded():
    a = make_imbalanced(n_samples=200, random_state=3)
    b = make_imbalanced(n_samples=200, random_state=3)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_make_imbalanced_rejects_bad_rate():
    with pytest.raises(ValueError):
        make_imbalanced(pos_rate=1.0)


def test_binormal_scores_counts_and_separation():
    y, s = binormal_scores(n_pos=3000, n_neg=3000, separation=2.0, random_state=0)
    assert y.sum() == 3000 and len(y) == 6000
    assert abs(s[y == 1].mean() - s[y == 0].mean() - 2.0) < 0.1


def test_make_noisy_sine_noise_level():
    X, y = make_noisy_sine(n_samples=20000, noise=0.3, random_state=0)
    assert X.shape == (20000, 1) and y.shape == (20000,)
    assert 0.0 <= X.min() and X.max() <= 1.0
    resid = y - np.sin(2 * np.pi * X[:, 0])
    assert abs(resid.std() - 0.3) < 0.01


def test_make_noisy_sine_is_seeded():
    assert np.array_equal(make_noisy_sine(random_state=1)[1], make_noisy_sine(random_state=1)[1])
