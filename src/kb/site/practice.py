"""The practice page and its question list, generated from front matter at build time.

The list is a JavaScript file (:data:`DATA_PATH`) that the page's script loads by adding a
``<script src>`` element: no ``fetch()``, so practice works from ``file://`` in the offline
build, and the page itself holds no script (the HTML audit refuses one).
The spaced-repetition schedule is defined here once (:data:`INTERVALS`) and handed to the
page's script with the list, so the page, the README and the script cannot disagree.
"""

from __future__ import annotations

import json
import posixpath

import markdown

from kb.content.answer import answer
from kb.content.pages import Page, page_rel
from kb.content.schema import DIFFICULTIES, TOPICS
from kb.site.reading import reading_order

PAGE_PATH = "practice.md"
DATA_PATH = "assets/javascripts/practice-data.js"
#: Generated pages' own front matter: the practice page is an app, not something to find by search.
FRONT_MATTER = "---\nsearch:\n  exclude: true\n---\n"

#: Leitner boxes 1..5: days until a question in that box is due again.
INTERVALS: tuple[int, ...] = (1, 3, 7, 14, 30)
#: A question graded 不会 comes back after this many minutes (in the same session).
AGAIN_MINUTES = 10


def answer_html(page: Page) -> str:
    """The page's 一句话回答 as HTML (formulas left for KaTeX, as on the page)."""
    found = answer(page)
    text = found[1] if found else ""
    return markdown.markdown(text, extensions=["pymdownx.arithmatex"],
                             extension_configs={"pymdownx.arithmatex": {"generic": True}})


def questions(pages: list[Page], urls: dict[str, str]) -> list[dict]:
    """One record per question page, in reading order.

    Args:
        pages: The question pages.
        urls: ``topic/id.md`` -> the page's URL relative to the site root (as MkDocs
            writes it: ``topic/id/`` online, ``topic/id.html`` offline).
    """
    return [{"id": p.id, "title": p.meta.get("title", p.id), "topic": p.meta.get("topic"),
             "level": p.meta.get("difficulty"), "tags": list(p.meta.get("tags") or []),
             "url": urls.get(page_rel(p), page_rel(p)), "answer": answer_html(p)}
            for p in reading_order(pages)]


def data_script(pages: list[Page], urls: dict[str, str]) -> str:
    """The content of :data:`DATA_PATH`: ``window.KB_PRACTICE = {...}``."""
    data = {"topics": TOPICS, "levels": list(DIFFICULTIES),
            "schedule": {"intervals": list(INTERVALS), "againMinutes": AGAIN_MINUTES},
            "questions": questions(pages, urls)}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "window.KB_PRACTICE = " + text.replace("</", "<\\/") + ";\n"


def schedule_doc() -> str:
    """The schedule in words (Markdown), from :data:`INTERVALS`."""
    boxes = "、".join(f"第 {i} 盒 {d} 天" for i, d in enumerate(INTERVALS, 1))
    return (f"复习安排用 **莱特纳盒子（Leitner system）**：每道题在 {len(INTERVALS)} 个盒子中的一个，"
            f"盒子决定下次复习的间隔：{boxes}。\n\n"
            f"- **不会**：回到第 1 盒，{AGAIN_MINUTES} 分钟后再出现（本次练习中就会再见到它）。\n"
            "- **模糊**：留在原来的盒子（新题进第 1 盒），按该盒的间隔复习。\n"
            f"- **会**：升一盒（新题直接进第 2 盒，最高第 {len(INTERVALS)} 盒），按新盒子的间隔复习。\n\n"
            "“下一题”先出到期的题（最早到期的先出），再出没练过的新题（按学习顺序）；"
            "“随机一题”从当前筛选范围内任选一题。")


def practice_page(page_url: str) -> str:
    """The Markdown of ``practice/`` (the script builds the controls inside ``#kb-practice``).

    Args:
        page_url: The practice page's own URL relative to the site root (``practice/``
            or ``practice.html``), to reach the data file from ``file://`` too.
    """
    folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    root = "../" * len([part for part in folder.split("/") if part])
    return "\n".join([
        "# 练习", "",
        "读题，先自己说出答案，再点 **显示答案** 对照，然后给自己打分：**不会**、**模糊** 或 **会**。"
        "没掌握的题会更早回来。进度只保存在这台设备的浏览器里（`localStorage`），"
        "可以导出为 JSON 文件，在另一台设备上导入。",
        "{: #random }", "",  # the anchor of the home page's 随机一题 link (practice.md#random)
        # practice.js loads the list with a <script> element it adds (the page holds no script).
        f'<div id="kb-practice" class="kb-practice" data-root="{root}" data-list="{root}{DATA_PATH}">'
        "<noscript>练习需要启用 JavaScript。</noscript></div>", "",
        "快捷键：`a` 显示答案，`1` 不会，`2` 模糊，`3` 会，`r` 随机一题。", "",
        "## 复习安排", "", schedule_doc(), "",
    ]) + "\n"
