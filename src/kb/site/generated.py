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
from kb.content.schema import TOPICS
from kb.site.reading import by_topic

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


#: Aliases the header shows on its one folded line; the rest open on a click.
SHOWN_ALIASES = 4


def page_header(page: Page) -> str:
    """The other ways readers ask the question, under the title.

    A long list would push the one-line answer down (over a phone's first screen at 20+
    aliases), so beyond :data:`SHOWN_ALIASES` the header is one folded line showing the
    first few, which opens on the whole list. Search reads the aliases from the front
    matter, not from this text.
    """
    aliases = [escape(a) for a in page.meta.get("aliases") or []]
    if len(aliases) <= SHOWN_ALIASES:
        return "*也可以这样问：" + " · ".join(aliases) + "*\n\n" if aliases else ""
    first = " · ".join(aliases[:SHOWN_ALIASES]).replace('"', "&quot;")
    return (f'??? quote "也可以这样问：{first} …（共 {len(aliases)} 种）"\n\n'
            "    " + " · ".join(aliases) + "\n\n")


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


def decorate(markdown: str, page: Page, site: Site, repo_url: str | None, fixes: str = "") -> str:
    """Add the generated parts to a question page's Markdown.

    ``fixes`` (the 勘误 section, :func:`kb.site.errata.corrections_section`) goes after
    面试追问, the last hand-written part: the answer comes first, the raw banks' errors after.
    """
    fixes = fixes and fixes.rstrip() + "\n\n"
    return (page_header(page) + markdown.rstrip() + "\n\n" + fixes
            + related_section(page, site) + sources_section(page, site, repo_url))


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


TAGS_PAGE = "# 标签索引\n\n按标签浏览全部题目。\n\n<!-- material/tags -->\n"


def nav(site: Site, extra: Iterable[tuple[str, str]]) -> list:
    """The navigation: home, one section per topic, in reading order, then the generated pages.

    The order is :func:`kb.site.reading.by_topic`: topics as in the schema, pages easiest first.
    """
    sections: list = [{"首页": "index.md"}]
    for topic, pages in by_topic(site.pages).items():
        sections.append({TOPICS[topic]: [page_rel(p) for p in pages]})
    sections.append({"总览": [{title: path} for title, path in extra]})
    return sections
