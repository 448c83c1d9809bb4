"""Compare items and pages with the site that exists: ``kb import`` and the page duplicate check.

Both use the one matching core, :class:`kb.retrieval.match.Matcher` (BM25F over page
fields, latent similarity, a verdict model calibrated on the mapping). The raw-bank
detector of :mod:`kb.bank.dedup` (character n-grams) still proposes clusters *inside*
the raw banks for ``kb ingest``; these documents are what it compares.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from kb.bank.dedup import Doc
from kb.bank.mapping import Entry
from kb.bank.parse import Item
from kb.content.pages import Page, Problem, strip_fences

if TYPE_CHECKING:
    from kb.retrieval.analyzer import Analyzer
    from kb.retrieval.fields import Fields
    from kb.retrieval.match import Index, Result

#: A page duplicates another when its question scores at least this share of what it
#: scores against itself there (and the verdict model calls the pair a duplicate).
#: Today's distinct pages stay below 0.57; "如何解决过拟合问题？" against the
#: overfitting page reaches 0.67 (tests/test_import.py measures both).
PAGE_RATIO = 0.6


def page_doc(page: Page) -> Doc:
    """A page as the raw-bank detector sees it: title and aliases as the question, prose as the answer."""
    question = " ".join([str(page.meta.get("title", "")), *map(str, page.meta.get("aliases") or [])])
    return Doc(question, strip_fences(page.body))


def item_doc(item: Item) -> Doc:
    """A raw item as the raw-bank detector sees it."""
    return Doc(f"{item.title} {item.question}", item.answer)


def declared_distinct(a: Page, b: Page) -> bool:
    """Whether either page lists the other in ``related``: its author compared the two and kept both."""
    def related(page: Page) -> set[str]:
        return {str(r) for r in page.meta.get("related") or []}

    return b.id in related(a) or a.id in related(b)


def _also_asks_its_question(index: Index, query: Fields, result: Result) -> bool:
    """Whether a page the passing-mention rule held back also names a term the other page states.

    ``GCN 的原理`` beside a page that names GCN only in passing is a new question; ``word2vec、
    GloVe 和 fastText 有什么区别`` beside the word2vec page, which lists GloVe only as a bare-name
    alias, still asks that page's own question.
    """
    from kb.retrieval.match import named_terms

    if not result.in_passing:
        return False
    named = set(named_terms(query.texts.get("question", ""))) - set(result.in_passing)
    return bool(named & index.stated(index.pages.index(result.page)))


def page_duplicate_problems(pages: Sequence[Page], items: Sequence[Item] = (),
                            entries: dict[str, Entry] | None = None,
                            analyzer: Analyzer | None = None) -> list[Problem]:
    """Pages that ask the same question as another page.

    A page is flagged when the verdict model calls its closest other page a duplicate
    *and* its question scores at least :data:`PAGE_RATIO` of its self-score there; a pair
    whose pages name each other in ``related`` was declared distinct and is not flagged.

    Args:
        pages: The question pages.
        items: The raw items (other wordings of the pages they are merged into).
        entries: The mapping.
        analyzer: The shared :class:`~kb.retrieval.analyzer.Analyzer` (synonyms).
    """
    from kb.retrieval.match import Matcher, page_query
    from kb.retrieval.verdict import SCORES, blend

    if len(pages) < 2:
        return []
    matcher = Matcher(pages, items, entries, analyzer)
    index = matcher.index
    queries = [page_query(d) for d in index.page_docs]
    n = len(queries)
    own = np.arange(n)
    s = index.score_matrices(queries)
    # The classifier was trained on these very pages (each is sure of itself): the ratio reads
    # the lexical and latent scores only, as the check was calibrated on.
    scores = blend({name: s[name] for name in SCORES})
    self_score = np.maximum(scores[own, own], 1e-9)
    results = matcher.match(queries, skip=list(own))
    flagged: dict[tuple[int, int], str] = {}
    for k, result in enumerate(results):
        if result.verdict != "duplicate" and not _also_asks_its_question(index, queries[k], result):
            continue
        other = index.pages.index(result.page)
        if declared_distinct(pages[k], pages[other]):
            continue
        ratio = float(scores[k, other] / self_score[k])
        if ratio < PAGE_RATIO:
            continue
        words = ", ".join(w for w, _ in result.candidates[0].matched[:4])
        flagged[(k, other)] = (f"与 {pages[other].path} 几乎是同一个问题（near-duplicate：在那一页得到自身得分的 "
                               f"{ratio:.0%}，p={result.probability:.2f}；共同的词：{words}）。"
                               "请把两页合并，或把两个问题写得明显不同")
    problems = []
    for (k, other), message in flagged.items():
        # A pair flagged both ways is reported once, on the later path.
        if (other, k) in flagged and str(pages[k].path) < str(pages[other].path):
            continue
        problems.append(Problem(pages[k].path, 1, message))
    return problems
