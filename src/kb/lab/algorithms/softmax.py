"""Numerically stable softmax, log-softmax and cross-entropy via log-sum-exp, plus the online (streaming) form."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def logsumexp(x: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    r"""$\log\sum_i e^{x_i}$ computed as $m + \log\sum_i e^{x_i - m}$ with $m = \max_i x_i$.

    Subtracting the maximum makes the largest exponent $e^0 = 1$, so nothing overflows, and the
    sum is at least 1, so its log never underflows to ``-inf``. Entries equal to ``-inf`` (masked
    positions) contribute 0; a slice that is entirely ``-inf`` gives ``-inf``.

    Args:
        x: Input array.
        axis: Axis to reduce.
        keepdims: Keep the reduced axis with size 1.

    Returns:
        The reduced array.

    """
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    m_safe = np.where(np.isfinite(m), m, 0.0)  # an all -inf slice: avoid (-inf) - (-inf) = nan
    with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer for an all -inf slice
        out = np.log(np.sum(np.exp(x - m_safe), axis=axis, keepdims=True)) + m_safe
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""$\log\operatorname{softmax}(x)_i = x_i - \operatorname{logsumexp}(x)$.

    Finite even where softmax itself underflows to 0, which is why losses take log-probabilities from here.
    """
    x = np.asarray(x, dtype=float)
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""$\operatorname{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}$, evaluated as $e^{x_i - \operatorname{logsumexp}(x)}$.

    Never overflows: every exponent is at most 0.
    """
    return np.exp(log_softmax(x, axis=axis))


def cross_entropy(logits: np.ndarray, target: np.ndarray) -> float:
    """Mean cross-entropy of integer targets under ``softmax(logits)``, from logits (like ``F.cross_entropy``).

    Args:
        logits: Shape ``(n, C)``.
        target: Class indices, shape ``(n,)``.

    Returns:
        ``-mean(log_softmax(logits)[i, target[i]])``.

    """
    logp = log_softmax(logits, axis=-1)
    target = np.asarray(target)
    return -float(np.mean(logp[np.arange(len(target)), target]))


def online_logsumexp(chunks: Iterable[np.ndarray]) -> float:
    r"""Log-sum-exp of a vector seen one chunk at a time, in one pass and O(1) memory.

    Keeps a running maximum $m$ and a running sum $s = \sum e^{x_i - m}$; when a chunk raises the
    maximum to $m'$, the old sum is rescaled by $e^{m - m'}$ (Milakov & Gimelshein, 2018). This is
    the rescaling that FlashAttention applies block by block to the rows of the attention matrix.

    Args:
        chunks: Pieces of the vector, in any sizes.

    Returns:
        ``logsumexp`` of the concatenation.

    """
    m, s = -np.inf, 0.0
    for chunk in chunks:
        chunk = np.asarray(chunk, dtype=float)
        if chunk.size == 0:
            continue
        m_new = max(m, float(chunk.max()))
        if m_new == -np.inf:  # everything so far is masked
            continue
        s = s * np.exp(m - m_new) + float(np.exp(chunk - m_new).sum())
        m = m_new
    return m + np.log(s) if s > 0 else -np.inf
