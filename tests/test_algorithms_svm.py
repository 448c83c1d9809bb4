import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, make_blobs
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from kb.lab.algorithms.svm import LinearSVM


def _blobs():
    X, y = make_blobs(n_samples=200, centers=2, cluster_std=2.0, random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("C", [0.01, 0.1, 1.0])
def test_matches_sklearn_linear_svc(C):
    X, y = _blobs()
    ours = LinearSVM(C=C, n_iter=3000).fit(X, y)
    ref = SVC(kernel="linear", C=C).fit(X, y)
    assert (ours.predict(X) == ref.predict(X)).mean() >= 0.99
    np.testing.assert_allclose(ours.coef_, ref.coef_[0], atol=0.02)
    s = np.where(y == 1, 1.0, -1.0)
    hinge = np.maximum(0, 1 - s * ref.decision_function(X)).sum()
    ref_obj = 0.5 * ref.coef_[0] @ ref.coef_[0] + C * hinge
    assert ours.objective(X, y) <= ref_obj * 1.001


def test_minibatch_pegasos_accuracy_close_to_sklearn():
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    ours = LinearSVM(C=0.1, n_iter=3000, batch_size=32).fit(Xtr, ytr)
    ref = SVC(kernel="linear", C=0.1).fit(Xtr, ytr)
    acc_ours = (ours.predict(Xte) == yte).mean()
    acc_ref = (ref.predict(Xte) == yte).mean()
    assert abs(acc_ours - acc_ref) <= 0.02
    assert (ours.predict(Xte) == ref.predict(Xte)).mean() >= 0.97


def test_labels_are_preserved_and_binary_only():
    X, y = _blobs()
    labels = np.where(y == 1, "spam", "ham")
    assert set(LinearSVM(n_iter=200).fit(X, labels).predict(X)) <= {"spam", "ham"}
    with pytest.raises(ValueError):
        LinearSVM().fit(X, np.arange(len(X)) % 3)
