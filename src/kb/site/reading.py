"""What a learner sees besides the answer: reading order, the difficulty line, topic counts.

The reading order is derived, never kept by hand: topics in the order of
:data:`kb.content.schema.TOPICS`; within a topic, easier pages first, then the pages that
more other pages point to in their ``related`` (the foundations others build on), then by title.
"""

from __future__ import annotations

import html
from collections import Counter

from kb.content.pages import Page
from kb.content.schema import DIFFICULTIES, TOPICS


def _rank(page: Page) -> int:
    level = page.meta.get("difficulty")
    return DIFFICULTIES.index(level) if level in DIFFICULTIES else len(DIFFICULTIES)


def reading_order(pages: list[Page]) -> list[Page]:
    """``pages`` in a learner's reading order (see the module docstring)."""
    cited = Counter(r for p in pages for r in set(p.meta.get("related") or []))
    topics = list(TOPICS)

    def key(page: Page) -> tuple:
        topic = page.meta.get("topic")
        return (topics.index(topic) if topic in topics else len(topics), _rank(page),
                -cited[page.id], page.meta.get("title", ""))

    return sorted(pages, key=key)


def by_topic(pages: list[Page]) -> dict[str, list[Page]]:
    """Topic -> its pages in reading order, topics in schema order (empty topics left out)."""
    out: dict[str, list[Page]] = {}
    for page in reading_order(pages):
        if page.meta.get("topic") in TOPICS:
            out.setdefault(page.meta["topic"], []).append(page)
    return out


def difficulty_mix(pages: list[Page]) -> dict[str, int]:
    """How many of ``pages`` are at each level, easiest first (levels with none left out)."""
    counts = Counter(p.meta.get("difficulty") for p in pages)
    return {level: counts[level] for level in DIFFICULTIES if counts[level]}


def meta_line(page: Page) -> str:
    """The line under a question's title: its topic and difficulty.

    The ``kb-meta`` paragraph also marks the page as a question page for the
    self-test script, which adds its toggle there.
    """
    level = html.escape(str(page.meta.get("difficulty", "")))
    topic = html.escape(TOPICS.get(page.meta.get("topic"), ""))
    return (f'<p class="kb-meta" data-kb-page="{html.escape(page.id)}">'
            f'<span class="kb-topic">{topic}</span>'
            f'<span class="kb-level" data-level="{level}">难度：{level}</span></p>\n\n')
