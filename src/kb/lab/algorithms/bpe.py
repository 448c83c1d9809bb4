"""Byte-pair encoding (BPE) from scratch: learn merges, apply them, and a byte-level tokenizer.

Training (Sennrich et al., 2016) starts from single symbols and repeatedly merges the most
frequent adjacent pair. Encoding replays the learned merges in the order they were learned.
The byte-level variant (as in GPT-2) starts from the 256 byte values, so any text, Chinese
or emoji included, encodes without an unknown token.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import Self

#: Simplified GPT-2 style pre-tokenizer: a word with its leading space, punctuation runs, spaces.
PRETOKENIZE = re.compile(r" ?\w+| ?[^\w\s]+|\s+")


def _merge(symbols: tuple, pair: tuple, merged: Hashable) -> tuple:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(merged)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn_bpe(word_counts: dict[tuple, int], num_merges: int) -> list[tuple]:
    """Learn BPE merges from words given as symbol tuples with their corpus counts.

    Each step counts adjacent pairs (weighted by word count), merges the most frequent one
    everywhere, and records it. Ties go to the pair seen first (words in the given order,
    left to right). Symbols must support ``+`` (``str`` or ``bytes``): the merge of ``a, b`` is ``a + b``.

    Args:
        word_counts: ``{("l", "o", "w", "</w>"): 5, ...}``.
        num_merges: How many merges to learn (stops early when no pair is left).

    Returns:
        The merges, in the order learned: the merge's rank is its index.

    """
    words = dict(word_counts)
    merges = []
    for _ in range(num_merges):
        pairs: Counter = Counter()
        for symbols, count in words.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs, key=pairs.__getitem__)          # first-seen pair wins ties
        merges.append(best)
        words = {_merge(s, best, best[0] + best[1]): c for s, c in words.items()}
    return merges


def apply_bpe(symbols: Sequence, ranks: dict[tuple, int]) -> tuple:
    """Encode one word: repeatedly merge the present pair with the lowest rank (earliest learned).

    Args:
        symbols: The word as initial symbols (characters or single bytes).
        ranks: ``{pair: rank}`` from :func:`learn_bpe`.

    Returns:
        The tokens of the word.

    """
    symbols = tuple(symbols)
    while len(symbols) > 1:
        pair = min(zip(symbols, symbols[1:]), key=lambda p: ranks.get(p, float("inf")))
        if pair not in ranks:
            break
        symbols = _merge(symbols, pair, pair[0] + pair[1])
    return symbols


class ByteBPE:
    """Byte-level BPE tokenizer: ids 0-255 are the bytes, id ``256 + r`` is the merge of rank ``r``.

    Args:
        vocab_size: Target vocabulary size, at least 256.

    """

    def __init__(self, vocab_size: int) -> None:
        if vocab_size < 256:
            raise ValueError("a byte-level vocabulary needs at least the 256 byte values")
        self.vocab_size = vocab_size
        self.vocab: list[bytes] = [bytes([b]) for b in range(256)]
        self.ranks: dict[tuple, int] = {}

    @staticmethod
    def _words(text: str) -> Iterable[tuple]:
        for word in PRETOKENIZE.findall(text):
            yield tuple(bytes([b]) for b in word.encode("utf-8"))

    def train(self, text: str) -> Self:
        """Learn ``vocab_size - 256`` merges from ``text`` (merges never cross pre-token boundaries).

        Args:
            text: Training corpus.

        Returns:
            ``self``.

        """
        merges = learn_bpe(Counter(self._words(text)), self.vocab_size - 256)
        self.ranks = {pair: r for r, pair in enumerate(merges)}
        self.vocab = [bytes([b]) for b in range(256)] + [a + b for a, b in merges]
        return self

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``.

        Args:
            text: Any string.

        Returns:
            List of ids in ``range(len(self.vocab))``.

        """
        index = {tok: i for i, tok in enumerate(self.vocab)}
        return [index[tok] for word in self._words(text) for tok in apply_bpe(word, self.ranks)]

    def decode(self, ids: Iterable[int]) -> str:
        """Text of token ids (invalid UTF-8, e.g. half a character, becomes U+FFFD).

        Args:
            ids: Token ids.

        Returns:
            The decoded string.

        """
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")
