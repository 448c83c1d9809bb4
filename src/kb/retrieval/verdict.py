"""From similarity scores to a verdict a maintainer can act on: ``duplicate``, ``maybe``, ``new``.

The verdict is a logistic regression over the best page's scores and how far it leads
the runner-up. It is trained, each time an :class:`~kb.retrieval.match.Index` is built,
on pairs the mapping already labels (no hand-set weights, nothing stored):

- **positives**: every merged raw item against its own page, with the item itself left
  out of the references (so it must be recognised through the page and its *other*
  wordings);
- **negatives**: the same item against the best page once its own page is removed
  (a question the site does not answer, whose closest page is a neighbour), and against
  a wrong page that outranks its own.

Beside them it learns from the labelled import sets of ``sources/labelled/``
(:mod:`kb.bank.labelled`): imported items a maintainer has labelled, each against its
best page, positive when it rewords that page's question. They hold what the mapping
cannot: near misses, another question of the right page (a sub-question, a method the
page names), whose best page is the page itself.

The probability is then cut in two places, also chosen on the mapping's pairs each time
(:meth:`VerdictModel.calibrate`): ``duplicate`` from the lowest cut at which at most
:data:`NEGATIVE_BUDGET` of the negatives pass, ``new`` below the lowest cut that keeps
at most :data:`MAYBE_BUDGET` of the pairs in between (``maybe``: a person decides).
``python benchmarks/import_quality.py`` prints the cuts and the confusion there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sklearn.linear_model import LogisticRegression

from kb.retrieval.fields import Fields, item_fields

if TYPE_CHECKING:
    from kb.retrieval.match import Index

#: Cut points used when the bank is too small to calibrate on (probability).
DUPLICATE_AT, NEW_BELOW = 0.55, 0.4
#: Share of the calibration negatives that may be called duplicates, tighter than the issue's
#: 1/8 for near misses: a calibration negative is a question whose page is missing, matched to
#: a neighbour, which is easier to tell than another question of the right page. Chosen on the
#: tuning set and holdouts 1-10; README "导入新题库" gives what each budget does there.
NEGATIVE_BUDGET = 1 / 12
#: Share of the calibration pairs that may fall between the cuts (``maybe``).
MAYBE_BUDGET = 0.10
#: Candidate cut points.
GRID = np.round(np.arange(0.05, 1.0, 0.05), 2)
#: How the scores are blended to rank pages (before the verdict model); absent ones are skipped.
BLEND = {"bm25": 0.5, "via": 0.2, "latent": 0.3, "classifier": 1.0, "meaning": 1.0}
#: Scores of the best page that the verdict model reads (plus its leads over the runner-up),
#: and the sentence model's cosine after them when a model is given (:mod:`kb.retrieval.meaning`).
SCORES = ("bm25", "via", "latent")
FEATURES = (*SCORES, "lead", "latent_lead")
OPTIONAL = ("meaning",)
#: Scores left out of the leads (see :func:`top_features`).
LEAD_SKIPS = ("classifier",)


@dataclass(frozen=True)
class Verdict:
    """The decision for one query."""

    label: str  # duplicate | maybe | new
    probability: float


def blend(s: dict[str, np.ndarray]) -> np.ndarray:
    """The ranking score of every (query, page)."""
    return sum(w * s[name] for name, w in BLEND.items() if name in s)


def top_features(s: dict[str, np.ndarray], mask: np.ndarray | None = None,
                 first: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per query: the order of pages (best first) and the feature row of the best page.

    The leads are over the best other page by the lexical and latent scores alone
    (:data:`LEAD_SKIPS` left out): the page classifier picks among close pages, and its
    probabilities are as sharp for a question none of them answers as for one that one
    of them does, so a lead that counted them would say "same question" for both.

    Args:
        s: Named query x page score matrices (:meth:`kb.retrieval.match.Index.score_matrices`).
        mask: Per query, a page to leave out (``-1``: none).
        first: Per query, a page to put first whatever its score (``-1``: none).
    """
    score = blend(s)
    lexical = blend({name: m for name, m in s.items() if name not in LEAD_SKIPS})
    if mask is not None:
        rows = np.flatnonzero(mask >= 0)
        score[rows, mask[rows]] = -np.inf
    if first is not None:
        chosen = np.flatnonzero(first >= 0)
        score[chosen, first[chosen]] = np.inf
    order = np.argsort(-score, axis=1, kind="stable")
    r = np.arange(len(score))
    first = order[:, 0]

    def lead(m: np.ndarray) -> np.ndarray:
        if m.shape[1] < 2:
            return np.zeros(len(m))
        others = m.copy()
        others[r, first] = -np.inf
        if mask is not None:
            others[rows, mask[rows]] = -np.inf
        return m[r, first] - others.max(axis=1)

    x = np.column_stack([*(s[name][r, first] for name in SCORES), lead(lexical), lead(s["latent"]),
                         *(s[name][r, first] for name in OPTIONAL if name in s)])
    return order, x


class VerdictModel:
    """The logistic regression over :data:`FEATURES` (and :data:`OPTIONAL`), trained on mapping-derived pairs.

    Attributes:
        labelled: How many labelled imports it also learned from.
    """

    def __init__(self) -> None:
        self.model: LogisticRegression | None = None
        self.calibration: tuple[np.ndarray, np.ndarray] | None = None
        self.duplicate_at, self.new_below = DUPLICATE_AT, NEW_BELOW
        self.labelled = 0

    def fit_from_index(self, index: Index, examples: Sequence[tuple[Fields, int]] = ()) -> VerdictModel:
        """Train on the index's own merged raw items and on labelled imports (see the module docstring).

        Args:
            index: The pages and the raw items merged into them.
            examples: Labelled imported items, each with the page column it rewords
                (``-1``: a near miss or a new question).
        """
        pairs = mapping_pairs(index)
        return self.fit(pairs, example_pairs(index, examples)) if pairs else self

    def fit(self, pairs: tuple[np.ndarray, np.ndarray],
            examples: tuple[np.ndarray, np.ndarray] | None = None) -> VerdictModel:
        """Train on feature rows and labels: the mapping's (:func:`mapping_pairs`), and labelled imports'.

        The cuts are read on the mapping's pairs only: they are the bank's own, and
        ``benchmarks/import_quality.py`` measures on the labelled sets.
        """
        x, y = pairs
        if examples is not None and len(examples[1]):
            x, y = np.vstack([x, examples[0]]), np.concatenate([y, examples[1]])
        self.labelled = 0 if examples is None else len(examples[1])
        self.model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000).fit(x, y)
        self.calibration = pairs
        self.calibrate()
        return self

    def calibrate(self) -> None:
        """Choose the two cut points on the calibration pairs (see the module docstring)."""
        x, y = self.calibration
        p = self.probability(x)
        negatives = p[y == 0]
        self.duplicate_at = float(next((t for t in GRID if np.mean(negatives >= t) <= NEGATIVE_BUDGET),
                                       GRID[-1]))
        below = [t for t in GRID if t <= self.duplicate_at
                 and np.mean((p >= t) & (p < self.duplicate_at)) <= MAYBE_BUDGET]
        self.new_below = float(min(below))

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Probability that each best page is the same question."""
        if self.model is None:
            # Too small a bank to learn from: fall back on the blended score itself.
            return np.clip(sum(w * x[:, SCORES.index(n)] for n, w in BLEND.items() if n in SCORES), 0, 1)
        return self.model.predict_proba(x)[:, 1]

    def label(self, p: float) -> str:
        """``duplicate``, ``maybe`` or ``new`` for probability ``p``."""
        return "duplicate" if p >= self.duplicate_at else "new" if p < self.new_below else "maybe"

    def verdicts(self, x: np.ndarray) -> list[Verdict]:
        """The verdict of every feature row."""
        return [Verdict(self.label(float(p)), round(float(p), 3)) for p in self.probability(x)]


def mapping_pairs(index: Index) -> tuple[np.ndarray, np.ndarray] | None:
    """Feature rows and labels of the mapping's pairs (see the module docstring); ``None`` if too few."""
    items = index.via_items
    if len(items) < 10 or len(index.pages) < 3:
        return None
    truth = index.via_page_arr
    s = index.score_matrices([item_fields(i) for i in items], exclude=[i.key for i in items])
    order, x_present = top_features(s)
    _, x_absent = top_features(s, mask=truth)
    y = np.concatenate([(order[:, 0] == truth).astype(int), np.zeros(len(x_absent), dtype=int)])
    return (np.vstack([x_present, x_absent]), y) if len(set(y)) == 2 else None


def example_pairs(index: Index, examples: Sequence[tuple[Fields, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows of labelled imports against their best page, positive when that page is the one they reword."""
    if not examples:
        return np.zeros((0, len(FEATURES))), np.zeros(0, dtype=int)
    order, x = top_features(index.score_matrices([query for query, _ in examples]))
    pages = np.array([page for _, page in examples], dtype=np.int64)
    return x, (order[:, 0] == pages).astype(int)
