"""Decoding from a language model: beam search, and sampling with temperature, top-k, top-p and repetition penalty."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: A language model for decoding: the token ids so far -> log-probabilities of the next token, shape ``(V,)``.
LogProbFn = Callable[[Sequence[int]], np.ndarray]


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable ``log(softmax(logits))`` over the last axis."""
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def beam_search(
    log_prob_fn: LogProbFn,
    beam_width: int,
    max_len: int,
    eos_id: int,
    length_penalty: float = 0.0,
) -> list[tuple[tuple[int, ...], float]]:
    r"""Keep the ``beam_width`` best partial sequences at every step.

    A hypothesis is finished when it emits ``eos_id`` (kept in the sequence) or reaches
    ``max_len`` tokens. Partial sequences are ranked by their summed log-probability
    $\sum_t \log p(y_t\mid y_{<t})$; finished ones by that sum divided by
    $|y|^{\alpha}$ with $\alpha$ = ``length_penalty`` (the Hugging Face convention;
    $\alpha=0$ ranks by raw log-probability, which favours short outputs).

    Args:
        log_prob_fn: The model, see :data:`LogProbFn`.
        beam_width: Number of hypotheses kept per step; 1 is greedy decoding.
        max_len: Maximum number of generated tokens.
        eos_id: End-of-sequence token id.
        length_penalty: Exponent $\alpha$ of the length normalisation of finished hypotheses.

    Returns:
        Up to ``beam_width`` ``(tokens, score)`` pairs, best first.

    """
    if beam_width < 1 or max_len < 1:
        raise ValueError("beam_width and max_len must be at least 1")
    alive: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
    finished: list[tuple[tuple[int, ...], float]] = []
    for _ in range(max_len):
        candidates = [
            (seq + (tok,), score + float(lp))
            for seq, score in alive
            for tok, lp in enumerate(log_prob_fn(seq))
        ]
        # stable sort: equal scores keep (beam, token id) order, so results are deterministic
        candidates.sort(key=lambda c: -c[1])
        alive = []
        for seq, score in candidates[:beam_width]:
            (finished if seq[-1] == eos_id else alive).append((seq, score))
        if not alive:
            break
    finished += alive  # hypotheses that hit max_len
    ranked = sorted(((seq, score / len(seq) ** length_penalty) for seq, score in finished), key=lambda c: -c[1])
    return ranked[:beam_width]


def apply_repetition_penalty(logits: np.ndarray, generated: Sequence[int], penalty: float) -> np.ndarray:
    """Make already generated tokens less likely, as in CTRL (Keskar et al., 2019) and Hugging Face.

    A positive logit of a token seen before is divided by ``penalty``, a negative one multiplied by it,
    so ``penalty > 1`` always lowers that token's probability.

    Args:
        logits: Next-token logits, shape ``(V,)``.
        generated: Token ids produced so far (each distinct id is penalised once).
        penalty: 1.0 leaves the logits unchanged.

    Returns:
        A new logits array.

    """
    out = np.array(logits, dtype=float)
    seen = np.unique(np.asarray(generated, dtype=int))
    if len(seen):
        vals = out[seen]
        out[seen] = np.where(vals > 0, vals / penalty, vals * penalty)
    return out


def filter_probs(logits: np.ndarray, temperature: float = 1.0, top_k: int | None = None,
                 top_p: float | None = None) -> np.ndarray:
    r"""Next-token distribution after temperature scaling, then top-k, then top-p (nucleus) truncation.

    Temperature divides the logits: $p_i \propto \exp(z_i / T)$. Top-k keeps the ``top_k`` most
    likely tokens. Top-p keeps the smallest set of most likely tokens whose total probability
    reaches ``top_p`` (Holtzman et al., 2020). The kept probabilities are renormalised to sum to 1.

    Args:
        logits: Next-token logits, shape ``(V,)``.
        temperature: Must be positive; use greedy decoding for the ``T -> 0`` limit.
        top_k: Keep this many tokens (``None``: no top-k).
        top_p: Keep this much probability mass, in ``(0, 1]`` (``None``: no top-p).

    Returns:
        Probabilities, shape ``(V,)``, zero outside the kept set.

    """
    if temperature <= 0:
        raise ValueError("temperature must be positive (use argmax for greedy decoding)")
    probs = np.exp(log_softmax(np.asarray(logits, dtype=float) / temperature))
    order = np.argsort(-probs, kind="stable")  # most likely first; ties by token id
    keep = np.ones(len(probs), dtype=bool)
    if top_k is not None:
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        keep[order[top_k:]] = False
    if top_p is not None:
        if not 0 < top_p <= 1:
            raise ValueError("top_p must be in (0, 1]")
        masked = np.where(keep, probs, 0.0)
        cum = np.cumsum(masked[order]) / masked.sum()
        # number of tokens needed to reach top_p; the small tolerance absorbs rounding in cumsum
        n_keep = int(np.searchsorted(cum, top_p - 1e-12)) + 1
        keep[order[n_keep:]] = False
    out = np.where(keep, probs, 0.0)
    return out / out.sum()


def sample_next(logits: np.ndarray, rng: np.random.Generator, **filters: float | int | None) -> int:
    """Draw one token id from :func:`filter_probs` ``(logits, **filters)``."""
    probs = filter_probs(logits, **filters)
    return int(rng.choice(len(probs), p=probs))


def entropy(probs: np.ndarray) -> float:
    """Shannon entropy in nats, ignoring zero-probability entries."""
    p = np.asarray(probs, dtype=float)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())
