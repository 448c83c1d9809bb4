"""Did-you-mean suggestions for typos in keys, tags, topics and page ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: object, choices: Iterable[str], *, cutoff: float = 0.5) -> str:
    """A ``是不是想写 …？`` hint naming the closest allowed value, or ``""`` when none is close.

    Args:
        word: What was written.
        choices: The allowed values.
        cutoff: Minimum :func:`difflib.get_close_matches` similarity.

    Returns:
        The hint, ready to append to a sentence that ends in 。
    """
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=cutoff)
    return f"是不是想写 {close[0]!r}？" if close else ""


def nearest_first(word: str, choices: Iterable[str]) -> list[str]:
    """``choices`` sorted by similarity to ``word``, most similar first (ties keep their order)."""
    choices = list(choices)
    return sorted(choices, key=lambda c: -difflib.SequenceMatcher(None, word, c).ratio())
