"""Federated averaging (FedAvg, McMahan et al., 2017) simulated with softmax regression in NumPy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _logits(params: np.ndarray, X: np.ndarray) -> np.ndarray:
    return X @ params[:-1] + params[-1]


def init_params(n_features: int, n_classes: int) -> np.ndarray:
    """Zero parameters of a softmax regression: weights stacked over a bias row.

    Args:
        n_features: Input dimension ``d``.
        n_classes: Number of classes ``k``.

    Returns:
        Array of shape ``(d + 1, k)``.

    """
    return np.zeros((n_features + 1, n_classes))


def predict(params: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Class with the largest logit.

    Args:
        params: Parameters from :func:`init_params`.
        X: Features, shape ``(n, d)``.

    Returns:
        Predicted class indices, shape ``(n,)``.

    """
    return _logits(params, X).argmax(axis=1)


def local_sgd(
    params: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    lr: float,
    batch_size: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Mini-batch SGD on the cross-entropy of a softmax regression (one client's update).

    Args:
        params: Starting parameters (not modified).
        X: Local features, shape ``(n, d)``.
        y: Local labels (class indices), shape ``(n,)``.
        epochs: Passes over the local data (``E`` in the FedAvg paper).
        lr: Learning rate.
        batch_size: Mini-batch size (``B`` in the paper).
        rng: Random generator for shuffling.

    Returns:
        The updated parameters.

    """
    params = params.copy()
    k = params.shape[1]
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            z = _logits(params, X[idx])
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            g = (p - np.eye(k)[y[idx]]) / len(idx)  # d loss / d logits
            params[:-1] -= lr * X[idx].T @ g
            params[-1] -= lr * g.sum(axis=0)
    return params


def fedavg(client_params: Sequence[np.ndarray], client_sizes: Sequence[int]) -> np.ndarray:
    r"""Server step of FedAvg: average client models weighted by their sample counts.

    $w_{t+1} = \sum_k \frac{n_k}{n} w^k_{t+1}$.

    Args:
        client_params: One parameter array per participating client.
        client_sizes: Number of local samples $n_k$ of each client.

    Returns:
        The new global parameters.

    """
    weights = np.asarray(client_sizes, dtype=float)
    weights /= weights.sum()
    return np.tensordot(weights, np.stack(client_params), axes=1)


def split_by_label(
    y: np.ndarray, n_clients: int, shards_per_client: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Pathological non-IID split: sort by label, cut into shards, deal shards to clients.

    This is the MNIST non-IID setting of McMahan et al. (2017): with two shards per
    client most clients see only two classes.

    Args:
        y: Labels, shape ``(n,)``.
        n_clients: Number of clients.
        shards_per_client: Shards dealt to each client.
        rng: Random generator for dealing shards.

    Returns:
        One index array per client.

    """
    order = np.argsort(y, kind="stable")
    shards = np.array_split(order, n_clients * shards_per_client)
    dealt = rng.permutation(len(shards)).reshape(n_clients, shards_per_client)
    return [np.concatenate([shards[s] for s in row]) for row in dealt]


def run_fedavg(
    X: np.ndarray,
    y: np.ndarray,
    client_indices: Sequence[np.ndarray],
    *,
    n_classes: int,
    rounds: int,
    local_epochs: int,
    lr: float,
    batch_size: int,
    client_fraction: float = 1.0,
    rng: np.random.Generator,
) -> np.ndarray:
    """Simulate FedAvg: each round, a fraction of clients trains locally, the server averages.

    Args:
        X: All features, shape ``(n, d)`` (each client only sees its own rows).
        y: All labels, shape ``(n,)``.
        client_indices: Rows held by each client.
        n_classes: Number of classes.
        rounds: Communication rounds.
        local_epochs: Local epochs per round (``E``).
        lr: Client learning rate.
        batch_size: Client mini-batch size (``B``).
        client_fraction: Fraction of clients sampled per round (``C``).
        rng: Random generator.

    Returns:
        The final global parameters.

    """
    params = init_params(X.shape[1], n_classes)
    m = max(1, round(client_fraction * len(client_indices)))
    for _ in range(rounds):
        chosen = rng.choice(len(client_indices), size=m, replace=False)
        updates = [
            local_sgd(params, X[client_indices[c]], y[client_indices[c]],
                      epochs=local_epochs, lr=lr, batch_size=batch_size, rng=rng)
            for c in chosen
        ]
        params = fedavg(updates, [len(client_indices[c]) for c in chosen])
    return params
