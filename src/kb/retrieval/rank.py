"""Query the search index in Python, exactly as ``kb-search.js`` does in the browser.

Use it to rank pages for a wording offline (``kb import`` matching, tests, tuning)::

    ranker = Ranker(index)              # index: dict from kb.retrieval.index.build
    ranker.search("训练时GPU内存不足怎么办")  # -> [Hit(doc=..., score=..., location=...), ...]
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

from kb.retrieval import analyzer as an
from kb.retrieval.index import decode

#: Query bigrams that are not words of the corpus count this much (``存不`` in 内存不足).
NON_WORD_BIGRAM = 0.5
#: A prefix match (a lone character, the ASCII word being typed) counts this much.
PREFIX = 0.6
#: Pages scoring under this share of the best page are left out.
MIN_SHARE = 0.05
#: At most this many query units are used (a 500-character paste is cut).
MAX_UNITS = 64


@dataclass(frozen=True)
class Term:
    """A query term: its text, weight, and whether it came from a prefix look-up."""

    text: str
    weight: float
    prefix: bool = False


@dataclass(frozen=True)
class Unit:
    """What the reader typed as one unit (an ASCII word or a CJK piece) and its terms."""

    label: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Hit:
    """A ranked page."""

    doc: int
    score: float
    location: str
    title: str


class Ranker:
    """Rank an index's pages for a query, mirroring ``kb-search.js`` step for step.

    Args:
        index: The index :func:`kb.retrieval.index.build` returns.
    """

    def __init__(self, index: dict):
        self.kb = index["config"]["kb"]
        self.keys: list[str] = self.kb["keys"]
        self.terms: dict[str, list[int]] = {k: decode(p) for k, p in zip(self.keys, self.kb["postings"])}
        self.stop = set(self.kb["stop"])
        self.max_stop = max(map(len, self.stop))
        self.weak = set(self.kb["weak"])
        w2 = self.kb["words2"]
        self.words2 = {w2[i:i + 2] for i in range(0, len(w2), 2)}
        self.generated = set(self.kb["generated"])
        self.articles: dict[int, dict] = {}
        for doc in index["docs"]:
            self.articles.setdefault(doc["kb"], doc)

    @cached_property
    def size(self) -> int:
        """Number of pages."""
        return 1 + max(self.articles)

    def weight(self, term: str) -> float:
        """The query weight of a term."""
        return self.kb["weakWeight"] if term in self.weak else 1.0

    def prefixed(self, prefix: str, limit: int) -> list[str]:
        """Index terms longer than ``prefix`` that start with it, in order."""
        out = []
        for key in self.keys[bisect.bisect_left(self.keys, prefix):]:
            if not key.startswith(prefix) or len(out) >= limit:
                break
            if key != prefix:
                out.append(key)
        return out

    def analyze(self, query: str) -> list[Unit]:
        """The query's units, as the browser makes them."""
        units: list[Unit] = []
        norm = an.normalize(query)
        found = list(an._RUN.finditer(norm))
        typing = not query[-1:].isspace()
        single = len(found) == 1 and found[0].group(2) is not None and len(found[0].group(2)) == 1
        prev, end = "", -1
        for k, match in enumerate(found):
            run = match.group(1) or match.group(2)
            if match.group(1):
                terms = [Term(t, self.weight(t)) for t in an.ascii_terms(run)]
                if terms and typing and k == len(found) - 1 and len(terms[-1].text) >= 2:
                    last = terms[-1]
                    terms += [Term(t, last.weight * PREFIX, True) for t in self.prefixed(last.text, 20)]
                simple = an.stem(run) if run.isalnum() and run not in an.STOP_WORDS else ""
                if prev and simple and not norm[end:match.start()].strip():
                    terms.append(Term(f"{prev} {simple}", 1.0))
                prev, end = simple, match.end()
                if not terms:
                    continue
                units.append(Unit(run, tuple(terms)))
                continue
            prev = ""
            for piece in self._pieces(run):
                terms = []
                if len(piece) == 1:
                    if piece in self.terms:
                        terms.append(Term(piece, self.weight(piece)))
                    if single:
                        terms += [Term(t, PREFIX * self.weight(t), True) for t in self.prefixed(piece, 50)]
                else:
                    for i in range(len(piece) - 1):
                        t = piece[i:i + 2]
                        terms.append(Term(t, self.weight(t) * (1 if t in self.words2 else NON_WORD_BIGRAM)))
                    for n in range(3, min(self.kb["maxWord"], len(piece)) + 1):
                        for i in range(len(piece) - n + 1):
                            t = piece[i:i + n]
                            if t in self.terms:
                                terms.append(Term(t, self.weight(t)))
                if terms:
                    units.append(Unit(piece, tuple(terms)))
        return units[:MAX_UNITS]

    def _pieces(self, run: str) -> list[str]:
        return an.pieces(run, self.stop, self.max_stop)

    def search(self, query: str) -> list[Hit]:
        """Pages for a query, best first; aggregate pages after every question page."""
        units = self.analyze(query)
        if not units:
            return []
        score = [0.0] * self.size
        cover = [0.0] * self.size
        total = 0.0
        for unit in units:
            uw = max(t.weight for t in unit.terms)
            total += uw
            seen: set[int] = set()
            for term in unit.terms:
                post = self.terms.get(term.text, [])
                for i in range(0, len(post), 2):
                    d = post[i]
                    score[d] += term.weight * post[i + 1] / 100
                    if d not in seen:
                        seen.add(d)
                        cover[d] += uw
        # A page's score times the share of the query it covers; aggregate pages last.
        ranked = [(d in self.generated, -s * cover[d] / total, d) for d, s in enumerate(score) if s > 0]
        if not ranked:
            return []
        ranked.sort()
        floor = MIN_SHARE * max(-s for _, s, _ in ranked)
        return [Hit(d, -s, self.articles[d]["location"], self.articles[d]["title"])
                for _, s, d in ranked if -s >= floor]
