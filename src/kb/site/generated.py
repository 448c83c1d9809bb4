"""Markdown the build generates from front matter and the source mapping.

Nothing here is written by hand on the pages: per-page sections (aliases,
勘误, 相关问题, 来源) and the site-wide pages (勘误表, 来源, 统计, 标签).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from kb.bank.mapping import Entry
from kb.bank.parse import Item
from kb.content.pages import Page, page_rel
from kb.content.schema import DIFFICULTIES, TOPICS

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|$])")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """Escape Markdown/HTML-significant characters in a one-line text (shown as written)."""
    text = re.sub(r"[&<>]", lambda m: _HTML_SPECIAL[m.group()], " ".join(str(text).split()))
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class Site:
    """What generation needs to know about the whole site."""

    pages: list[Page]
    items: list[Item]
    entries: dict[str, Entry]

    @cached_property
    def _by_id(self) -> dict[str, Page]:
        return {p.id: p for p in self.pages}

    @cached_property
    def _by_path(self) -> dict[str, Page]:
        return {page_rel(p): p for p in self.pages}

    @cached_property
    def _items(self) -> dict[str, Item]:
        return {i.key: i for i in self.items}

    def by_id(self) -> dict[str, Page]:
        """Pages by id."""
        return self._by_id

    def by_path(self) -> dict[str, Page]:
        """Pages by ``topic/id.md``."""
        return self._by_path

    def item(self, key: str) -> Item | None:
        """The raw item ``file:line``."""
        return self._items.get(key)

    def sources_of(self, rel: str) -> list[Entry]:
        """Mapping entries that point at page ``rel``."""
        return [e for e in self.entries.values() if e.page == rel]


def link(from_rel: str, to_rel: str) -> str:
    """Relative Markdown link target from one docs path to another."""
    return posixpath.relpath(to_rel, posixpath.dirname(from_rel) or ".")


def page_header(page: Page) -> str:
    """Search aliases shown under the title."""
    aliases = page.meta.get("aliases") or []
    if not aliases:
        return ""
    return "*也可以这样问：" + " · ".join(escape(a) for a in aliases) + "*\n\n"


def corrections_section(page: Page) -> str:
    """The 勘误 section from ``corrections``."""
    fixes = page.meta.get("corrections") or []
    if not fixes:
        return ""
    out = ["## 勘误", "", "原始题库中以下说法有误或有误导性，本页已更正：", ""]
    for fix in fixes:
        out += [
            f'!!! failure "原文（{escape(fix["source"])}）"',
            "",
            f"    {escape(fix['original'])}",
            "",
            f"    **更正**：{fix['correction'].strip()}",
            "",
            f"    **原因**：{fix['why'].strip()}",
            "",
        ]
    return "\n".join(out) + "\n"


def related_section(page: Page, site: Site) -> str:
    """The 相关问题 section from ``related``."""
    ids = site.by_id()
    rel = page_rel(page)
    lines = [
        f"- [{escape(ids[r].meta.get('title', r))}]({link(rel, page_rel(ids[r]))})"
        for r in page.meta.get("related") or [] if r in ids
    ]
    return "## 相关问题\n\n" + "\n".join(lines) + "\n\n" if lines else ""


def sources_section(page: Page, site: Site, repo_url: str | None) -> str:
    """The 来源 section from the mapping, and the error-report link."""
    rel = page_rel(page)
    entries = site.sources_of(rel)
    out = ["## 来源", ""]
    if entries:
        out.append(f"本页合并了原始题库中的 {len(entries)} 道题（[全部来源]({link(rel, 'sources.md')})）：")
        out.append("")
        for e in entries:
            item = site.item(e.key)
            title = escape(item.heading) if item else "（题库中不存在）"
            out.append(f"- `{e.file}` 第 {e.line} 行：{title}")
    elif page.written:
        out.append("本页是为知识库专门撰写的经典面试题，不来自原始题库（因此没有勘误）。"
                   f"两类页面的数量见[统计]({link(rel, 'stats.md')})。")
    else:
        out.append("本页尚未对应原始题库中的题目。")
    if repo_url:
        report = (f"{repo_url.rstrip('/')}/issues/new?template=report-error.yml"
                  f"&page={quote(page.id)}&title={quote('[勘误] ' + page.id)}")
        out += ["", f"发现错误？[报告错误]({report}) · 页面 id：`{page.id}`"]
    return "\n".join(out) + "\n"


def decorate(markdown: str, page: Page, site: Site, repo_url: str | None) -> str:
    """Add the generated parts to a question page's Markdown."""
    fixes = corrections_section(page)
    marker = re.search(r"^## 面试追问\s*$", markdown, re.M)
    if marker and fixes:
        markdown = markdown[: marker.start()] + fixes + "\n" + markdown[marker.start():]
    elif fixes:
        markdown = markdown.rstrip() + "\n\n" + fixes
    return (page_header(page) + markdown.rstrip() + "\n\n"
            + related_section(page, site) + sources_section(page, site, repo_url))


def errata_page(site: Site) -> str:
    """The site-wide 勘误表, from every page's ``corrections``."""
    pages = [p for p in site.pages if p.meta.get("corrections")]
    total = sum(len(p.meta["corrections"]) for p in pages)
    out = ["# 勘误表", "",
           f"原始题库中共有 {total} 处错误或误导性说法在 {len(pages)} 个页面中得到更正。"
           "本页由各页面的 `corrections` 自动生成。“来源”写作 `题库编号:行号`，"
           "编号是 [来源](sources.md) 页中原始题库文件名的前三位。", ""]
    for topic, name in TOPICS.items():
        group = [p for p in pages if p.meta.get("topic") == topic]
        if not group:
            continue
        out += [f"## {name}", ""]
        for p in group:
            out += [f"### [{escape(p.meta['title'])}]({page_rel(p)})", ""]
            out += ["| 来源 | 原文 | 更正 | 原因 |", "|---|---|---|---|"]
            for fix in p.meta["corrections"]:
                cells = [short_source(fix["source"]), escape(fix["original"]),
                         *(cell(fix[k]) for k in ("correction", "why"))]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    return "\n".join(out) + "\n"


def short_source(key: str) -> str:
    """``000_943af2….txt:5`` -> ``000:5``: the bank's number prefix and the item's line."""
    file, _, line = str(key).rpartition(":")
    return f"{file.split('_')[0]}:{line}"


#: Inline or display math in Markdown text.
_MATH = re.compile(r"\$\$.+?\$\$|\$(?:\\.|[^$\\])+?\$")


def cell(text: str) -> str:
    r"""A table cell: one line, pipes escaped, math and formatting kept.

    A ``|`` splits a Markdown table row even inside ``$...$``, and an escaped ``\|``
    reaches KaTeX as a different symbol; so inside math ``\|`` becomes ``\Vert`` and
    ``|`` becomes ``\vert`` (the same symbols, no pipe), and outside math ``|`` is escaped.
    """
    text = " ".join(str(text).split())
    out, last = [], 0
    for m in _MATH.finditer(text):
        out += [text[last:m.start()].replace("|", "\\|"),
                re.sub(r"\\\||\|", lambda p: "\\Vert{}" if len(p.group()) == 2 else "\\vert{}", m.group())]
        last = m.end()
    return "".join(out) + text[last:].replace("|", "\\|")


def sources_page(site: Site) -> str:
    """Every raw item, where it went, and the counts."""
    by_path = site.by_path()
    counts = Counter(e.status for e in site.entries.values())
    merged_pages = {e.page for e in site.entries.values() if e.status == "merged"}
    out = ["# 来源", "",
           "原始题库中的每一道题都在这里：合并到哪个页面，或为何被搁置。"
           "本页由 `sources/mapping.yml` 与原始题库自动生成。", "",
           "| 统计 | 数量 |", "|---|---|",
           f"| 原始题目 | {len(site.items)} |",
           f"| 已合并 | {counts['merged']} |",
           f"| 待撰写 | {counts['planned']} |",
           f"| 搁置 | {counts['set-aside']} |",
           f"| 合并后的页面 | {len(merged_pages)} |",
           f"| 因重复而合并的题目 | {counts['merged'] - len(merged_pages)} |",
           f"| 为知识库专门撰写的页面（不来自原始题库） | {sum(1 for p in site.pages if p.written)} |", ""]
    files = sorted({i.file for i in site.items})
    for file in files:
        out += [f"## `{file}`", "", "| 行 | 编号 | 原题 | 去向 |", "|---|---|---|---|"]
        for item in (i for i in site.items if i.file == file):
            entry = site.entries.get(item.key)
            if entry is None:
                where = "**未登记**"
            elif entry.status == "set-aside":
                where = f"搁置：{cell(entry.reason)}"
            elif entry.page in by_path and entry.status == "merged":
                where = f"[{escape(by_path[entry.page].meta.get('title', entry.page))}]({entry.page})"
            else:
                where = f"待撰写：`{entry.page}`"
            out.append(f"| {item.line} | {item.number} | {escape(item.heading)} | {where} |")
        out.append("")
    return "\n".join(out) + "\n"


def stats_page(site: Site, snippet_count: int) -> str:
    """Counts per topic: pages, merged items, corrections, snippets."""
    out = ["# 统计", "", "本页在每次构建时由页面和来源映射生成。", "",
           "页面分两类：**题库页**合并并勘误原始题库中的题目；**撰写页**是原始题库没有问到、"
           "为知识库专门撰写的经典面试题（front matter 中 `origin: written`）。", "",
           "| 主题 | 页面 | 题库页 | 撰写页 | 合并的原始题目 | 勘误 | 代码片段 |",
           "|---|---|---|---|---|---|---|"]
    totals = Counter()
    for topic, name in TOPICS.items():
        pages = [p for p in site.pages if p.meta.get("topic") == topic]
        rels = {page_rel(p) for p in pages}
        row = Counter(
            pages=len(pages),
            raw=sum(1 for p in pages if not p.written),
            written=sum(1 for p in pages if p.written),
            items=sum(1 for e in site.entries.values() if e.page in rels and e.status == "merged"),
            fixes=sum(len(p.meta.get("corrections") or []) for p in pages),
            snippets=sum(len(p.snippets()) for p in pages),
        )
        totals.update(row)
        out.append(f"| {name} | {row['pages']} | {row['raw']} | {row['written']} | {row['items']} | "
                   f"{row['fixes']} | {row['snippets']} |")
    out.append(f"| **合计** | {totals['pages']} | {totals['raw']} | {totals['written']} | {totals['items']} | "
               f"{totals['fixes']} | {totals['snippets']} |")
    out += ["", f"全站共有 {snippet_count} 个 Python 代码片段，每次构建和测试都会执行并核对其输出。", ""]
    tags = Counter(t for p in site.pages for t in p.meta.get("tags") or [])
    out += ["## 标签", "", "| 标签 | 页面数 |", "|---|---|"]
    out += [f"| {escape(t)} | {n} |" for t, n in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(out) + "\n"


def difficulty_rank(page: Page) -> int:
    """Position of the page's difficulty in :data:`kb.content.schema.DIFFICULTIES` (unknown last)."""
    level = page.meta.get("difficulty")
    return DIFFICULTIES.index(level) if level in DIFFICULTIES else len(DIFFICULTIES)


TAGS_PAGE = "# 标签索引\n\n按标签浏览全部题目。\n\n<!-- material/tags -->\n"


def nav(site: Site, extra: Iterable[tuple[str, str]]) -> list:
    """The navigation: home, one section per topic (schema order), then the generated pages."""
    sections: list = [{"首页": "index.md"}]
    for topic, name in TOPICS.items():
        pages = sorted((p for p in site.pages if p.meta.get("topic") == topic),
                       key=lambda p: (difficulty_rank(p), p.meta.get("title", "")))
        if pages:
            sections.append({name: [page_rel(p) for p in pages]})
    sections.append({"总览": [{title: path} for title, path in extra]})
    return sections
