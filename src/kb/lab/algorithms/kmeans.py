r"""k-means from scratch in NumPy: k-means++ seeding and Lloyd's algorithm.

k-means minimises the inertia $\sum_i \min_j \|x_i-\mu_j\|^2$. Lloyd's algorithm alternates
an assignment step and an update step; each step can only lower the inertia, so it converges,
but to a local optimum that depends on the seeds. k-means++ (Arthur & Vassilvitskii, 2007)
picks seeds far apart, with probability proportional to $D(x)^2$.
"""

from __future__ import annotations

from typing import Self

import numpy as np

from kb.lab.algorithms.knn import pairwise_sq_distances


def kmeans_plusplus(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Choose ``k`` initial centres: the first uniformly, each next one with probability ∝ D(x)².

    $D(x)$ is the distance from $x$ to the nearest centre chosen so far, so points far from
    every centre are likely picks and points already chosen have probability 0.

    Args:
        X: Data, shape ``(n, d)``.
        k: Number of centres.
        rng: NumPy random generator (seed it for reproducibility).

    Returns:
        Indices of the chosen rows of ``X``, shape ``(k,)``.

    """
    X = np.asarray(X, dtype=float)
    chosen = [int(rng.integers(len(X)))]
    d2 = pairwise_sq_distances(X, X[chosen])[:, 0]
    for _ in range(1, k):
        idx = int(rng.choice(len(X), p=d2 / d2.sum()))
        chosen.append(idx)
        d2 = np.minimum(d2, pairwise_sq_distances(X, X[[idx]])[:, 0])
    return np.array(chosen)


def lloyd(X: np.ndarray, centres: np.ndarray, max_iter: int = 300) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Run Lloyd's iterations from ``centres`` until no point changes cluster.

    A cluster that loses all its points is moved to the point farthest from its centre.

    Args:
        X: Data, shape ``(n, d)``.
        centres: Initial centres, shape ``(k, d)``.
        max_iter: Maximum number of update steps.

    Returns:
        ``(centres, labels, inertia, n_iter)``.

    """
    X = np.asarray(X, dtype=float)
    centres = np.array(centres, dtype=float)
    labels, n_iter = None, 0
    while n_iter < max_iter:
        n_iter += 1
        d2 = pairwise_sq_distances(X, centres)
        new_labels = d2.argmin(axis=1)                        # assignment step
        if labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(len(centres)):                         # update step: mean of each cluster
            members = labels == j
            if members.any():
                centres[j] = X[members].mean(axis=0)
            else:
                centres[j] = X[d2[np.arange(len(X)), labels].argmax()]
    d2 = pairwise_sq_distances(X, centres)
    labels = d2.argmin(axis=1)
    return centres, labels, float(d2[np.arange(len(X)), labels].sum()), n_iter


class KMeans:
    """k-means with k-means++ seeding, keeping the best of ``n_init`` runs (lowest inertia).

    Args:
        n_clusters: Number of clusters $k$.
        n_init: Number of seedings to try.
        seed: Seed of the random generator.
        max_iter: Maximum Lloyd iterations per run.

    """

    def __init__(self, n_clusters: int, n_init: int = 1, seed: int = 0, max_iter: int = 300) -> None:
        self.n_clusters, self.n_init, self.seed, self.max_iter = n_clusters, n_init, seed, max_iter

    def fit(self, X: np.ndarray) -> Self:
        """Cluster ``X``; sets ``cluster_centers_``, ``labels_``, ``inertia_``, ``n_iter_``.

        Args:
            X: Data, shape ``(n, d)``.

        Returns:
            ``self``.

        """
        X = np.asarray(X, dtype=float)
        rng = np.random.default_rng(self.seed)
        best = None
        for _ in range(self.n_init):
            seeds = X[kmeans_plusplus(X, self.n_clusters, rng)]
            run = lloyd(X, seeds, self.max_iter)
            if best is None or run[2] < best[2]:
                best = run
        self.cluster_centers_, self.labels_, self.inertia_, self.n_iter_ = best
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Index of the nearest centre for each row of ``X``.

        Args:
            X: Data, shape ``(m, d)``.

        Returns:
            Labels, shape ``(m,)``.

        """
        return pairwise_sq_distances(X, self.cluster_centers_).argmin(axis=1)
