"""The 勘误 section of a question page and the site-wide 勘误表, from ``corrections``.

A raw bank often states the same wrong thing in several items that one page merges;
the page then shows that original once, with all its sources, collapsed under a one-line
summary so that the answer stays in front. The 勘误表 keeps every record, one row each,
and folds each page's rows so the page stays short on a phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.content.pages import Page, page_rel
from kb.content.schema import TOPICS
from kb.site.generated import Site, cell, escape

_STRONG = re.compile(r"\*\*|__")
_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CODE_HINT = re.compile(r"[=()\[\]{}]|^\s*(?:from|import|def|class)\b")


def source_label(key: str) -> str:
    """``000_943af2….txt:160`` -> ``题库 000 · 第 160 行``: the bank's number and the item's line."""
    file, _, line = str(key).rpartition(":")
    return f"题库 {file.split('_')[0]} · 第 {line} 行"


def plain_quote(original: str) -> str:
    """The original's words without Markdown markup (``**``, heading and list markers), one line."""
    text = " ".join(str(original).split())
    return _STRONG.sub("", _LEAD.sub("", text)).strip()


def quote_markdown(original: str) -> str:
    """The original as Markdown that shows its words: code as inline code, prose escaped."""
    text = plain_quote(original)
    if not _CJK.search(text) and _CODE_HINT.search(text):
        ticks = "``" if "`" in text else "`"
        return f"{ticks} {text} {ticks}" if ticks == "``" else f"`{text}`"
    return escape(text)


@dataclass
class Group:
    """The corrections of one page that quote the same original words.

    Attributes:
        original: The original (first spelling seen).
        sources: The raw items that say it, in page order, each once.
        fixes: Distinct ``(correction, why, sources)`` triples; usually one.
    """

    original: str
    sources: list[str] = field(default_factory=list)
    fixes: list[tuple[str, str, list[str]]] = field(default_factory=list)


def grouped(corrections: list[dict]) -> list[Group]:
    """Group ``corrections`` by identical original words (markup and spacing ignored)."""
    groups: dict[str, Group] = {}
    for fix in corrections:
        group = groups.setdefault(plain_quote(fix["original"]), Group(fix["original"]))
        if fix["source"] not in group.sources:
            group.sources.append(fix["source"])
        body = (fix["correction"].strip(), fix["why"].strip())
        for correction, why, sources in group.fixes:
            if (correction, why) == body:
                sources.append(fix["source"])
                break
        else:
            group.fixes.append((*body, [fix["source"]]))
    return list(groups.values())


def _indent(text: str, by: str = "    ") -> str:
    return "\n".join(by + line if line.strip() else "" for line in text.split("\n"))


def _labels(sources: list[str]) -> str:
    return "；".join(source_label(s) for s in sources)


def corrections_section(page: Page) -> str:
    """The 勘误 section: one collapsed block, one entry per distinct original."""
    fixes = page.meta.get("corrections") or []
    if not fixes:
        return ""
    groups = grouped(fixes)
    out = ["## 勘误", "",
           f'??? failure "原始题库中有 {len(groups)} 处说法有误或有误导性，本页已更正（点击展开）"', ""]
    for group in groups:
        entry = [f'!!! quote "原文（{_labels(group.sources)}）"', "",
                 _indent(quote_markdown(group.original)), ""]
        for correction, why, sources in group.fixes:
            where = f"（{_labels(sources)}）" if len(group.fixes) > 1 else ""
            entry += [_indent(f"**更正**{where}：{correction}"), "", _indent(f"**原因**：{why}"), ""]
        out += [_indent(line) if line else "" for line in entry]
    return "\n".join(out) + "\n"


def errata_page(site: Site) -> str:
    """The site-wide 勘误表: every record, grouped by topic, each page's rows folded."""
    pages = [p for p in site.pages if p.meta.get("corrections")]
    total = sum(len(p.meta["corrections"]) for p in pages)
    out = ["# 勘误表", "",
           f"原始题库中共有 {total} 处错误或误导性说法在 {len(pages)} 个页面中得到更正。"
           "本页由各页面的 `corrections` 自动生成；点击页面标题展开该页的全部勘误。"
           "“来源”中的题库编号是 [来源](sources.md) 页中原始题库文件名的前三位。", ""]
    for topic, name in TOPICS.items():
        group = [p for p in pages if p.meta.get("topic") == topic]
        if not group:
            continue
        count = sum(len(p.meta["corrections"]) for p in group)
        out += [f"## {name}", "", f"{len(group)} 个页面，{count} 处勘误。", ""]
        for p in group:
            title = escape(p.meta["title"]).replace('"', "＂")
            rows = ["| 来源 | 原文 | 更正 | 原因 |", "|---|---|---|---|"]
            rows += ["| " + " | ".join([source_label(fix["source"]), escape(plain_quote(fix["original"])),
                                        cell(fix["correction"]), cell(fix["why"])]) + " |"
                     for fix in p.meta["corrections"]]
            out += [f'??? note "{title}（{len(p.meta["corrections"])} 处）"', "",
                    f"    [打开页面]({page_rel(p)})", "", *(_indent(r) for r in rows), ""]
    return "\n".join(out) + "\n"
