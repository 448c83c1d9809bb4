"""Chinese word segmentation from scratch: maximum matching and BMES-HMM Viterbi decoding.

Dictionary methods (forward, backward and bidirectional maximum matching) and the
Viterbi decoder of a character-tagging HMM with the four states ``B`` (begin),
``M`` (middle), ``E`` (end) and ``S`` (single-character word).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

#: The BMES tag set, in the row/column order used by the HMM arrays.
STATES: str = "BMES"


def _max_len(vocab: Collection[str], max_len: int | None) -> int:
    if max_len is not None:
        return max_len
    return max((len(w) for w in vocab), default=1)


def forward_max_match(text: str, vocab: Collection[str], max_len: int | None = None) -> list[str]:
    """Segment ``text`` by forward maximum matching (FMM).

    Scans left to right; at each position takes the longest dictionary word that starts
    there, or a single character when no word matches.

    Args:
        text: The sentence to segment.
        vocab: The dictionary (a set gives O(1) look-ups).
        max_len: Longest word length to try; defaults to the longest word in ``vocab``.

    Returns:
        The words, in order; joined they give back ``text``.

    """
    n = _max_len(vocab, max_len)
    words: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(n, len(text) - i), 0, -1):
            if size == 1 or text[i : i + size] in vocab:
                words.append(text[i : i + size])
                i += size
                break
    return words


def backward_max_match(text: str, vocab: Collection[str], max_len: int | None = None) -> list[str]:
    """Segment ``text`` by backward (reverse) maximum matching (BMM).

    Scans right to left; at each position takes the longest dictionary word that ends
    there, or a single character when no word matches.

    Args:
        text: The sentence to segment.
        vocab: The dictionary.
        max_len: Longest word length to try; defaults to the longest word in ``vocab``.

    Returns:
        The words, in left-to-right order; joined they give back ``text``.

    """
    n = _max_len(vocab, max_len)
    words: list[str] = []
    j = len(text)
    while j > 0:
        for size in range(min(n, j), 0, -1):
            if size == 1 or text[j - size : j] in vocab:
                words.append(text[j - size : j])
                j -= size
                break
    return words[::-1]


def bidirectional_max_match(
    text: str, vocab: Collection[str], max_len: int | None = None
) -> list[str]:
    """Segment ``text`` by bidirectional maximum matching.

    Runs FMM and BMM and keeps the result with fewer words; on a tie, the one with fewer
    single-character words; on a further tie, the BMM result.

    Args:
        text: The sentence to segment.
        vocab: The dictionary.
        max_len: Longest word length to try; defaults to the longest word in ``vocab``.

    Returns:
        The chosen segmentation.

    """
    fwd = forward_max_match(text, vocab, max_len)
    bwd = backward_max_match(text, vocab, max_len)

    def cost(words: list[str]) -> tuple[int, int]:
        return len(words), sum(len(w) == 1 for w in words)

    return fwd if cost(fwd) < cost(bwd) else bwd


def bmes_transition_mask() -> tuple[np.ndarray, np.ndarray]:
    """Which BMES starts and transitions are allowed.

    Returns:
        ``(start_ok, trans_ok)``: boolean arrays of shape ``(4,)`` and ``(4, 4)`` in
        :data:`STATES` order. A sentence starts with ``B`` or ``S``; ``B``/``M`` are
        followed by ``M``/``E``; ``E``/``S`` are followed by ``B``/``S``.

    """
    start_ok = np.array([True, False, False, True])
    inside = np.array([False, True, True, False])  # next tag continues a word: M or E
    trans_ok = np.array([inside, inside, ~inside, ~inside])
    return start_ok, trans_ok


def viterbi(
    log_start: np.ndarray,
    log_trans: np.ndarray,
    log_emit: np.ndarray,
    log_end: np.ndarray | None = None,
) -> tuple[list[int], float]:
    """Most likely hidden state sequence of an HMM (Viterbi decoding in log space).

    Computes ``delta[t, j] = max_i(delta[t-1, i] + log_trans[i, j]) + log_emit[t, j]``
    with ``delta[0] = log_start + log_emit[0]`` and follows the back-pointers.

    Args:
        log_start: Log initial probabilities, shape ``(K,)``.
        log_trans: Log transition probabilities ``log P(s_t=j | s_{t-1}=i)``, shape ``(K, K)``.
        log_emit: Log emission probabilities of the observed sequence,
            ``log_emit[t, j] = log P(o_t | s_t=j)``, shape ``(T, K)``.
        log_end: Optional log score added to the last state, shape ``(K,)``
            (``-inf`` forbids a state at the end of the sequence).

    Returns:
        ``(path, log_prob)``: the best state indices and the log joint probability of
        that path and the observations.

    Raises:
        ValueError: If the sequence is empty or the shapes do not agree.

    """
    log_emit = np.asarray(log_emit, dtype=float)
    log_trans = np.asarray(log_trans, dtype=float)
    T, K = log_emit.shape
    if T == 0 or log_trans.shape != (K, K) or np.shape(log_start) != (K,):
        raise ValueError("need log_start (K,), log_trans (K, K) and log_emit (T, K) with T > 0")
    delta = np.asarray(log_start, dtype=float) + log_emit[0]
    back = np.zeros((T, K), dtype=int)
    for t in range(1, T):
        scores = delta[:, None] + log_trans  # scores[i, j]: come from i, go to j
        back[t] = scores.argmax(axis=0)
        delta = scores.max(axis=0) + log_emit[t]
    if log_end is not None:
        delta = delta + np.asarray(log_end, dtype=float)
    path = [int(delta.argmax())]
    for t in range(T - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1], float(delta.max())


def tags_to_words(text: str, tags: Sequence[str] | str) -> list[str]:
    """Cut ``text`` into words after each ``E`` or ``S`` tag.

    Args:
        text: The characters.
        tags: One BMES tag per character.

    Returns:
        The words.

    Raises:
        ValueError: If the lengths differ.

    """
    if len(text) != len(tags):
        raise ValueError("one tag per character is required")
    words: list[str] = []
    start = 0
    for i, tag in enumerate(tags):
        if tag in "ES" or i == len(text) - 1:
            words.append(text[start : i + 1])
            start = i + 1
    return words


def hmm_segment(
    text: str,
    log_start: np.ndarray,
    log_trans: np.ndarray,
    log_emit: dict[str, np.ndarray],
    unknown: float = -20.0,
) -> tuple[list[str], str]:
    """Segment ``text`` with a BMES HMM decoded by :func:`viterbi`.

    The last character is constrained to end a word (tag ``E`` or ``S``).

    Args:
        text: The sentence (at least one character).
        log_start: Log start probabilities over ``B, M, E, S``, shape ``(4,)``.
        log_trans: Log transition probabilities, shape ``(4, 4)``.
        log_emit: Character -> log emission probabilities under ``B, M, E, S``.
        unknown: Log emission used for a character missing from ``log_emit`` (all states).

    Returns:
        ``(words, tags)``: the segmentation and the decoded tag string.

    """
    emit = np.array([log_emit.get(ch, np.full(4, unknown)) for ch in text], dtype=float)
    log_end = np.array([-np.inf, -np.inf, 0.0, 0.0])
    path, _ = viterbi(log_start, log_trans, emit, log_end)
    tags = "".join(STATES[k] for k in path)
    return tags_to_words(text, tags), tags
