"""One rule for unsafe HTML, wherever a page's text comes from.

The body and every front matter string (title, aliases, each correction's fields ...)
go through :func:`unsafe_html`; the build also audits the rendered HTML of every page,
generated ones included (:mod:`kb.site.audit`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.content.pages import Page, Problem

INLINE_CODE = re.compile(r"`[^`\n]*`")
#: (pattern, message): what is refused, and why, in one place.
UNSAFE: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"<\s*(script|iframe|object|embed|form|base|meta)\b", re.I),
     "不允许原始 HTML 标签 <{0}>（会在读者的浏览器里执行或嵌入外部内容）。"
     "请删掉它；要展示代码就放进 `行内代码` 或代码块"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
     "不允许内联事件属性（onclick=、onerror= 等 inline event handler）。请删掉这个属性"),
    (re.compile(r"javascript\s*:", re.I),
     "不允许 javascript: 链接。请改成指向页面或网址的普通链接"),
)


def unsafe_html(text: str) -> list[str]:
    """Messages for every unsafe construct in ``text`` (inline code excepted)."""
    text = INLINE_CODE.sub("", text)
    return [message.format(*m.groups()) for pattern, message in UNSAFE if (m := pattern.search(text))]


def strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a front matter value, with its field path (``corrections[1].why``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value, 1):
            yield from strings(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}" if path else str(key))


def front_matter_line(page: Page, field: str, value: str) -> int:
    """The page line that holds ``value`` (the first line of its field when it spans several)."""
    lines = page.text.split("\n")[: max(1, page.body_line - 1)]
    probe = value.strip().split("\n")[0][:40]
    for number, line in enumerate(lines, 1):
        if probe and probe in line:
            return number
    return page.line_of(field.split("[")[0].split(".")[0])


def front_matter_html_problems(page: Page) -> list[Problem]:
    """Unsafe HTML in any front matter string, located by line and named by field."""
    problems = []
    for field, value in strings(page.meta, ""):
        for message in unsafe_html(value):
            problems.append(Problem(page.path, front_matter_line(page, field, value), f"{field}：{message}"))
    return problems
