import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.tree import DecisionTreeClassifier

from kb.lab.algorithms.tree import attribute_gain, best_split, entropy, gini

# Quinlan (1986), "Induction of Decision Trees", Table 1: the Saturday-morning weather data.
WEATHER = [
    ("sunny", "hot", "high", "false", "N"), ("sunny", "hot", "high", "true", "N"),
    ("overcast", "hot", "high", "false", "P"), ("rain", "mild", "high", "false", "P"),
    ("rain", "cool", "normal", "false", "P"), ("rain", "cool", "normal", "true", "N"),
    ("overcast", "cool", "normal", "true", "P"), ("sunny", "mild", "high", "false", "N"),
    ("sunny", "cool", "normal", "false", "P"), ("rain", "mild", "normal", "false", "P"),
    ("sunny", "mild", "normal", "true", "P"), ("overcast", "mild", "high", "true", "P"),
    ("overcast", "hot", "normal", "false", "P"), ("rain", "mild", "high", "true", "N"),
]


def test_impurities_of_known_distributions():
    assert entropy([5, 5]) == pytest.approx(1.0)
    assert entropy([9, 5]) == pytest.approx(0.940, abs=5e-4)
    assert entropy([4, 0]) == 0.0
    assert gini([5, 5]) == pytest.approx(0.5)
    assert gini([1, 1, 1, 1]) == pytest.approx(0.75)
    np.testing.assert_allclose(gini([[3, 0], [0, 0]]), [0.0, 0.0])   # empty node counts as pure


def test_information_gains_match_quinlan_1986():
    data = np.array(WEATHER)
    gains = {name: attribute_gain(data[:, j], data[:, 4])[0]
             for j, name in enumerate(["outlook", "temperature", "humidity", "windy"])}
    # Quinlan reports 0.246, 0.029, 0.151 and 0.048 bits.
    assert gains == pytest.approx({"outlook": 0.2467, "temperature": 0.0292,
                                   "humidity": 0.1518, "windy": 0.0481}, abs=1e-4)


def test_gain_ratio_divides_by_split_information():
    data = np.array(WEATHER)
    gain, ratio = attribute_gain(data[:, 0], data[:, 4])
    split_info = entropy([5, 4, 5])            # outlook: 5 sunny, 4 overcast, 5 rain
    assert ratio == pytest.approx(gain / split_info)
    assert ratio == pytest.approx(0.156, abs=5e-4)


def test_gain_ratio_penalises_many_valued_attributes_but_does_not_remove_the_bias():
    data = np.array(WEATHER)
    ident = np.arange(len(data))               # one value per sample: maximal gain, useless split
    gain_id, ratio_id = attribute_gain(ident, data[:, 4])
    gain_outlook, ratio_outlook = attribute_gain(data[:, 0], data[:, 4])
    assert gain_id == pytest.approx(entropy([9, 5])) and gain_id > gain_outlook
    assert ratio_id == pytest.approx(gain_id / np.log2(14))   # IV of 14 singleton branches
    assert ratio_id / gain_id < ratio_outlook / gain_outlook  # divided by more...
    assert ratio_id > ratio_outlook                           # ...yet still ranked first here


def _float32(X):
    # scikit-learn stores X as float32; compare on the same numbers.
    return np.asarray(X, dtype=np.float32).astype(float)


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_root_split_matches_sklearn_stump(criterion, seed):
    rng = np.random.default_rng(seed)
    X = _float32(rng.normal(size=(120, 5)))
    y = (X[:, 2] + 0.5 * X[:, 4] + rng.normal(scale=0.7, size=120) > 0).astype(int) + (X[:, 0] > 1)
    ours = best_split(X, y, criterion)
    t = DecisionTreeClassifier(criterion=criterion, max_depth=1, random_state=0).fit(X, y).tree_
    assert ours.feature == t.feature[0]
    assert ours.threshold == pytest.approx(t.threshold[0], abs=1e-6)
    assert ours.impurity == pytest.approx(t.impurity[0], abs=1e-9)
    assert (ours.left_impurity, ours.right_impurity) == pytest.approx((t.impurity[1], t.impurity[2]), abs=1e-9)
    assert ours.n_left == t.n_node_samples[1]


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer])
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_every_node_of_a_sklearn_tree_is_our_best_split(loader, criterion):
    X, y = loader(return_X_y=True)
    X = _float32(X)
    clf = DecisionTreeClassifier(criterion=criterion, max_depth=4, min_samples_leaf=3, random_state=0).fit(X, y)
    t, paths = clf.tree_, clf.decision_path(X).tocsc()
    for node in np.flatnonzero(t.children_left >= 0):
        rows = paths[:, node].nonzero()[0]
        ours = best_split(X[rows], y[rows], criterion, min_samples_leaf=3)
        left, right = t.children_left[node], t.children_right[node]
        n, nl, nr = t.n_node_samples[[node, left, right]]
        sk_gain = t.impurity[node] - (nl * t.impurity[left] + nr * t.impurity[right]) / n
        # Equal-gain splits on different features are ties; scikit-learn breaks them at random.
        assert ours.gain == pytest.approx(sk_gain, abs=1e-9)
        if ours.feature == t.feature[node]:
            assert ours.threshold == pytest.approx(t.threshold[node], abs=1e-6)


def test_no_split_for_constant_features_or_tiny_nodes():
    assert best_split(np.ones((6, 2)), [0, 1, 0, 1, 0, 1]) is None
    assert best_split(np.arange(4.0)[:, None], [0, 0, 1, 1], min_samples_leaf=3) is None


def test_iris_root_separates_setosa_perfectly():
    X, y = load_iris(return_X_y=True)
    s = best_split(X, y, "gini")
    assert s.feature in (2, 3) and s.left_impurity == 0.0 and s.n_left == 50
    assert s.gain == pytest.approx(2 / 3 - 100 / 150 * 0.5)
