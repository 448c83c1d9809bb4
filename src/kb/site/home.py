"""The home page's generated part: what the bank is, in live numbers, and where to start.

``docs/index.md`` stays a hand-written page; the build replaces its :data:`MARKER` line
with :func:`home_section`, so every count on the home page is computed from front matter,
the source mapping and the snippets at build time.
"""

from __future__ import annotations

from kb.content.pages import page_rel
from kb.content.schema import TOPICS
from kb.site.generated import Site, escape
from kb.site.reading import by_topic, difficulty_mix

MARKER = "<!-- kb:home -->"
#: Where ``pages.yml`` publishes the offline site, next to the online one.
OFFLINE_ZIP = "kb-offline.zip"


def numbers(site: Site) -> dict[str, int]:
    """The live numbers the home page states."""
    return {
        "pages": len(site.pages),
        "topics": len(by_topic(site.pages)),
        "corrections": sum(len(p.meta.get("corrections") or []) for p in site.pages),
        "snippets": sum(len(p.snippets()) for p in site.pages),
        "banks": len({i.file for i in site.items}),
        "items": len(site.items),
        "merged": sum(1 for e in site.entries.values() if e.status == "merged"),
    }


def _card(topic: str, pages: list) -> list[str]:
    mix = " · ".join(f'<span class="kb-level" data-level="{level}">{level} {n}</span>'
                     for level, n in difficulty_mix(pages).items())
    first = page_rel(pages[0])
    return ['<div class="kb-card" markdown>', "",
            f"[**{escape(TOPICS[topic])}**]({first})", "",
            f'<span class="kb-card__count">{len(pages)} 题</span> {mix}', "",
            f"从这里开始：[{escape(pages[0].meta.get('title', pages[0].id))}]({first})", "",
            "</div>", ""]


def home_section(site: Site, site_url: str | None) -> str:
    """The generated Markdown of the home page: statement, entry points and topic cards."""
    n = numbers(site)
    zip_url = f"{site_url.rstrip('/')}/{OFFLINE_ZIP}" if site_url else OFFLINE_ZIP
    out = [
        f"这里有 **{n['pages']} 道题、{n['topics']} 个主题**，每道题一页。"
        f"它和别的面试题库不同在三点：**勘误**——原始题库中的 {n['corrections']} 处错误或误导性说法"
        f"逐条更正并说明依据（[勘误表](errata.md)）；**可运行**——{n['snippets']} 个 Python 代码片段"
        "在每次构建时真实执行，页面上的输出就是它的输出；**可追溯**——"
        f"{n['banks']} 份原始题库的 {n['items']} 道题每一道都有去向，{n['merged']} 道合并进了这些页面"
        "（[来源](sources.md)）。",
        "",
        '<div class="kb-actions" markdown>',
        "",
        "[开始练习](practice.md){ .md-button .md-button--primary }",
        "[随机一题](practice.md#random){ .md-button }",
        "[勘误表](errata.md){ .md-button }",
        "[术语表](glossary.md){ .md-button }",
        f'<a class="md-button" href="{zip_url}">离线版（zip）</a>',
        "",
        "</div>",
        "",
        "## 按主题学习",
        "",
        "主题按学习顺序排列，左侧导航同序，每个主题内由浅入深："
        + " → ".join(escape(TOPICS[t]) for t in by_topic(site.pages)) + "。",
        "",
        '<div class="kb-cards" markdown>',
        "",
    ]
    for topic, pages in by_topic(site.pages).items():
        out += _card(topic, pages)
    out += ["</div>", ""]
    return "\n".join(out)


def render_home(markdown: str, site: Site, site_url: str | None) -> str:
    """``docs/index.md`` with its :data:`MARKER` replaced by :func:`home_section`."""
    return markdown.replace(MARKER, home_section(site, site_url), 1)
