"""The 术语表 page, derived from the pages' "中文（English）" first uses (:mod:`kb.content.terms`)."""

from __future__ import annotations

from kb.content.pages import page_rel
from kb.content.terms import terms
from kb.site.generated import Site, escape

PAGE_PATH = "glossary.md"
#: Generated pages' own front matter: search finds the defining pages, not this list.
FRONT_MATTER = "---\nsearch:\n  exclude: true\n---\n"


def glossary_page(site: Site) -> str:
    """The Markdown of the glossary: one row per English term, linked to its pages."""
    ids = site.by_id()
    found = terms(site.pages)
    out = ["# 术语表", "",
           f"全站 {len(found)} 个中英文术语，按英文排序。本页在构建时从各页面中"
           "“中文（English）”形式的首次出现自动提取，每个术语链接到引入它的页面。", "",
           "| English | 中文 | 页面 |", "|---|---|---|"]
    for term in found:
        links = "、".join(f"[{escape(ids[i].meta.get('title', i))}]({page_rel(ids[i])})"
                         for i in term.pages)
        out.append(f"| {escape(term.en)} | {escape(term.zh)} | {links} |")
    return "\n".join(out) + "\n"
