import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from kb.lab.federated import fedavg, init_params, local_sgd, predict, run_fedavg, split_by_label


def _digits():
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


def test_fedavg_is_weighted_mean():
    a, b = np.zeros((2, 2)), np.ones((2, 2))
    np.testing.assert_allclose(fedavg([a, b], [1, 3]), np.full((2, 2), 0.75))


def test_split_by_label_is_partition_and_non_iid():
    y = np.repeat(np.arange(10), 20)
    parts = split_by_label(y, 10, 2, np.random.default_rng(0))
    assert sorted(np.concatenate(parts).tolist()) == list(range(200))
    assert max(len(np.unique(y[p])) for p in parts) <= 2


def test_one_client_full_participation_equals_local_training():
    Xtr, _, ytr, _ = _digits()
    idx = [np.arange(len(ytr))]
    p1 = run_fedavg(Xtr, ytr, idx, n_classes=10, rounds=1, local_epochs=2, lr=0.05,
                    batch_size=32, rng=np.random.default_rng(0))
    rng = np.random.default_rng(0)
    rng.choice(1, size=1, replace=False)
    p2 = local_sgd(init_params(64, 10), Xtr, ytr, epochs=2, lr=0.05, batch_size=32, rng=rng)
    np.testing.assert_allclose(p1, p2)


def test_fedavg_learns_digits():
    Xtr, Xte, ytr, yte = _digits()
    rng = np.random.default_rng(0)
    clients = split_by_label(ytr, 10, 2, rng)
    p = run_fedavg(Xtr, ytr, clients, n_classes=10, rounds=10, local_epochs=5, lr=0.05,
                   batch_size=32, rng=rng)
    assert (predict(p, Xte) == yte).mean() > 0.85
