"""What a page and a raw item say, split into weighted fields for matching.

A page answers the question in its title; its aliases are other wordings of that
question; the 一句话回答 and the 详解 headings say what the answer covers; the prose is
the weakest evidence (it mentions neighbouring topics). The 面试追问 section lists *other*
questions and is left out: it would draw near misses to the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.bank.parse import Item
from kb.content.pages import Page, strip_fences

#: Field weights of a page (term frequencies are multiplied by these, BM25F-style).
PAGE_WEIGHTS = {"title": 3.0, "aliases": 2.0, "abstract": 1.5, "headings": 1.0, "body": 0.3}
#: Field weights of a query item: what it asks counts more than what it answers.
ITEM_WEIGHTS = {"question": 1.0, "answer": 0.4}

_ABSTRACT = re.compile(r'^!!! abstract "一句话回答"\s*\n((?:[ \t]+.*\n?|\s*\n)+)', re.MULTILINE)
_HEADING = re.compile(r"^#{2,4}\s+(.+?)\s*$", re.MULTILINE)
_SECTION = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
#: Sections of a page that are not evidence of the page's own question.
SKIPPED_SECTIONS = ("面试追问", "代码")
#: Marks an unwritten line of a page scaffolded by ``kb new``.
PLACEHOLDER = "TODO(kb new)"
#: TeX: display and inline math (``$$…$$``, ``$…$``, ``\(…\)``, ``\[…\]``) and bare commands (``\frac``).
MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]|\\[A-Za-z]+", re.DOTALL)
#: What a page's fields leave out: its math (:data:`MATH`), Markdown markup and links.
_MARKUP = re.compile(f"{MATH.pattern}|[`*_>|#\\[\\]()!]|https?://\\S+", re.DOTALL)


@dataclass(frozen=True)
class Fields:
    """Named texts of one document (page or item)."""

    name: str
    texts: dict[str, str]


def _sections(body: str) -> list[tuple[str, str]]:
    """``(heading, text)`` for each ``## `` section; the text before the first is ``("", ...)``."""
    marks = list(_SECTION.finditer(body))
    out = [("", body[: marks[0].start()] if marks else body)]
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(body)
        out.append((m.group(1), body[m.end():end]))
    return out


def page_fields(page: Page, name: str) -> Fields:
    """The weighted fields of a question page."""
    meta = page.meta
    # Scaffold placeholders are not content: two fresh `kb new` pages share them word for word.
    body = "\n".join(line for line in strip_fences(page.body).split("\n") if PLACEHOLDER not in line)
    abstract = _ABSTRACT.search(body)
    kept = [(h, t) for h, t in _sections(body) if not any(s in h for s in SKIPPED_SECTIONS)]
    prose = "\n".join(t for _, t in kept)
    if abstract:
        prose = prose.replace(abstract.group(0), "")
    headings = " ".join(_HEADING.findall(prose))
    return Fields(name, {
        "title": str(meta.get("title", "")),
        "aliases": " ".join(map(str, meta.get("aliases") or [])),
        "abstract": _MARKUP.sub(" ", abstract.group(1)) if abstract else "",
        "headings": _MARKUP.sub(" ", headings),
        "body": _MARKUP.sub(" ", _HEADING.sub(" ", prose)),
    })


def item_fields(item: Item) -> Fields:
    """The weighted fields of a raw item (its title and question; its answer)."""
    question = item.title if item.question == item.title else f"{item.title} {item.question}"
    return Fields(item.key, {"question": question, "answer": item.answer[:800]})


def without_math(doc: Fields) -> Fields:
    """``doc`` with its TeX left out, as a page's fields leave theirs (:data:`MATH`)."""
    return Fields(doc.name, {f: MATH.sub(" ", t) if "$" in t or "\\" in t else t for f, t in doc.texts.items()})


_FOLLOW_UP = re.compile(r"^- \*\*(?P<q>.+?)\*\*\s*(?P<a>.*)$", re.MULTILINE)


def follow_up_fields(page: Page, name: str) -> list[Fields]:
    """The page's 面试追问 as queries: same topic, a different question each.

    ``kb check`` reads them so that no alias (a wording of the page's own question) is
    also one of them.
    """
    out = []
    for heading, text in _sections(page.body):
        if "面试追问" in heading:
            for m in _FOLLOW_UP.finditer(text):
                out.append(Fields(f"{name}#{len(out) + 1}",
                                  {"question": _MARKUP.sub(" ", m["q"]), "answer": _MARKUP.sub(" ", m["a"])}))
    return out
