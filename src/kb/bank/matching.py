"""Compare items and pages with the site that exists: ``kb import`` and the page duplicate check."""

from __future__ import annotations

from dataclasses import dataclass

from kb.bank.dedup import THRESHOLD, Doc, best_matches, scored_pairs
from kb.bank.mapping import Entry
from kb.bank.parse import Item
from kb.content.pages import Page, Problem, page_rel, strip_fences


def page_doc(page: Page) -> Doc:
    """A page as the detector sees it: title and aliases as the question, prose as the answer."""
    question = " ".join([str(page.meta.get("title", "")), *map(str, page.meta.get("aliases") or [])])
    return Doc(question, strip_fences(page.body))


def item_doc(item: Item) -> Doc:
    """A raw item as the detector sees it."""
    return Doc(f"{item.title} {item.question}", item.answer)


@dataclass(frozen=True)
class Match:
    """The closest existing page to a new item.

    Attributes:
        item: The new item.
        page: The closest page (``topic/id.md``), or ``None`` when the site is empty.
        score: The detector's score for that page.
        via: What matched: ``page`` itself, or the key of a raw item already merged into it.
    """

    item: Item
    page: str | None
    score: float
    via: str

    @property
    def duplicate(self) -> bool:
        """Whether the score reaches the duplicate threshold."""
        return self.page is not None and self.score >= THRESHOLD


def match_items(new: list[Item], pages: list[Page], items: list[Item],
                entries: dict[str, Entry]) -> list[Match]:
    """For each new item, the existing page it most resembles (directly or via a merged item)."""
    refs: list[tuple[str, str, Doc]] = [(page_rel(p), "page", page_doc(p)) for p in pages]
    existing = {page_rel(p) for p in pages}
    for item in items:
        entry = entries.get(item.key)
        if entry and entry.page in existing:
            refs.append((entry.page, item.key, item_doc(item)))
    best = best_matches([item_doc(i) for i in new], [doc for _, _, doc in refs])
    return [
        Match(item, refs[k][0] if k >= 0 else None, score, refs[k][1] if k >= 0 else "")
        for item, (k, score) in zip(new, best)
    ]


def page_duplicate_problems(pages: list[Page]) -> list[Problem]:
    """Pages that ask the same question as another page (scored like raw items)."""
    problems = []
    for a, b, score in scored_pairs([page_doc(p) for p in pages], exact=True):
        first, second = sorted((pages[a], pages[b]), key=lambda p: p.path)
        problems.append(Problem(second.path, 1,
            f"与 {first.path} 几乎是同一个问题（near-duplicate，相似度 {score:.2f} ≥ {THRESHOLD}）。"
            "请把两页合并，或把两个问题写得明显不同"))
    return problems
