"""Static checks of question pages and the mapping: fast, no snippet execution.

Each check returns :class:`~kb.content.pages.Problem` records (``path:line: message``). The
site build runs the per-page checks too, so ``kb check`` and ``mkdocs build``
agree on what is wrong.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import yaml
from pymdownx.slugs import slugify

from kb.bank.mapping import Entry, coverage_problems, pages_sources
from kb.bank.matching import page_duplicate_problems
from kb.content.answer import check_answer
from kb.content.pages import Page, Problem, iter_fences, page_rel, strip_fences
from kb.content.safety import front_matter_html_problems, unsafe_html
from kb.content.suggest import did_you_mean, nearest_first
from kb.content.yaml_text import explain
from kb.project import Project
from kb.retrieval.fields import follow_up_fields

#: The toc slug function configured in mkdocs.yml (Unicode headings keep their characters).
SLUGIFY = slugify(case="lower")

LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.+?)\s*(?:\{#(?P<id>[^}\s]+)[^}]*\})?\s*$")
INLINE_CODE = re.compile(r"`[^`\n]*`")
EXECUTED_SHELLS = {"sh", "bash", "zsh"}
NOT_RUN_HINT = "只展示的命令请用 ```console，要运行的片段请写成恰好 ```python"


def prose_lines(page: Page) -> Iterable[tuple[int, str]]:
    """Body lines outside fenced blocks, with inline code removed, as (page line, text)."""
    fenced: set[int] = set()
    lines = page.body.split("\n")
    for fence in iter_fences(page.body):
        fenced.update(range(fence.line, fence.line + fence.code.count("\n") + 2))
    for number, text in enumerate(lines, 1):
        if number not in fenced:
            yield number + page.body_line - 1, INLINE_CODE.sub("", text)


DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
DOLLAR = re.compile(r"(?<!\\)\$")


def check_math_delimiters(page: Page) -> list[Problem]:
    r"""A paragraph whose ``$`` do not pair up: a formula opened and never closed.

    The build finds the same mistake in the rendered page (:mod:`kb.site.audit`); this
    finds it in a second, without building. Display math (``$$ … $$``) and code are left
    out; an escaped ``\$`` is a dollar sign.
    """
    problems, paragraph = [], []
    for number, text in [*prose_lines(page), (0, "")]:
        if text.strip():
            paragraph.append((number, text))
            continue
        if paragraph:
            joined = DISPLAY_MATH.sub("", "\n".join(t for _, t in paragraph))
            if len(DOLLAR.findall(joined)) % 2:
                first = next(n for n, t in paragraph if DOLLAR.search(t))
                problems.append(Problem(page.path, first, "这一段的 `$` 没有配对：有一个公式少了结尾的 `$`。"
                                        "请补上；要写美元符号时用 `\\$`"))
        paragraph = []
    return problems


def check_snippets(page: Page) -> list[Problem]:
    """Every executed block is exactly ```python with a stated output; data blocks parse."""
    problems = []
    stated = {block.lineno: block for block in page.snippets()}
    for fence in page.fences():
        lang = fence.info.split()[0] if fence.info else ""
        if fence.info == "python":
            block = stated.get(fence.line)
            if block is None or block.expected_output is None:
                problems.append(Problem(page.path, fence.line,
                    "python 代码块没有陈述输出（stated output）。请运行 "
                    "`.venv/bin/kb update-output <页面>`，它会在代码块后写入 "
                    "<!--pytest-codeblocks:expected-output--> 和 ```text 输出块"))
        elif lang in {"python", "py", "python3"} or lang.startswith("python"):
            problems.append(Problem(page.path, fence.line,
                f"```{fence.info} 既不会运行也不会被测试（pytest-codeblocks 只收集恰好 "
                f"```python 的代码块）。{NOT_RUN_HINT}"))
        elif lang in EXECUTED_SHELLS:
            problems.append(Problem(page.path, fence.line,
                f"```{lang} 代码块会被 pytest-codeblocks 执行。{NOT_RUN_HINT}"))
        elif lang in {"yaml", "yml"}:
            try:
                list(yaml.safe_load_all(fence.code))
            except yaml.YAMLError as exc:
                line, message = explain(exc, first_line=fence.line + 1)
                problems.append(Problem(page.path, line, f"yaml 代码块无法解析。{message}"))
        elif lang == "json":
            try:
                json.loads(fence.code)
            except json.JSONDecodeError as exc:
                problems.append(Problem(page.path, fence.line + exc.lineno,
                                        f"json 代码块无法解析（{exc.msg}，第 {exc.colno} 列）。请修正这一行"))
    return problems


#: The page anatomy of content-standard.md, in order: (Markdown that opens the part, required).
ANATOMY = (('!!! abstract "一句话回答"', True), ("## 详解", True), ("## 代码", False),
           ("## 面试追问", True))
#: Sections the build generates; a page must not write them by hand.
GENERATED_SECTIONS = ("## 勘误", "## 相关问题", "## 来源")


def check_anatomy(page: Page) -> list[Problem]:
    """The parts of a question page are there, in order, and none of the generated ones."""
    lines = strip_fences(page.body).split("\n")
    where = {text: next((n for n, line in enumerate(lines, 1) if line.strip() == text), None)
             for text, _ in ANATOMY + tuple((g, False) for g in GENERATED_SECTIONS)}
    problems = []
    last = 0
    for text, required in ANATOMY:
        line = where[text]
        if line is None:
            if required:
                problems.append(Problem(page.path, page.body_line,
                                        f"缺少必需的部分 {text}。请照 CONTRIBUTING.md 的“页面结构”补上"))
            continue
        if line < last:
            problems.append(Problem(page.path, line + page.body_line - 1,
                                    f"{text} 的位置不对。请按 CONTRIBUTING.md 的“页面结构”排列各部分"))
        last = max(last, line)
    for text in GENERATED_SECTIONS:
        if where[text] is not None:
            problems.append(Problem(page.path, where[text] + page.body_line - 1,
                                    f"{text} 一节由构建自动生成，不要手写。请从页面中删掉它"))
    return problems


SCAFFOLD_MARK = "TODO(kb new)"


def check_scaffold(page: Page) -> list[Problem]:
    """No placeholder left by ``kb new``."""
    return [Problem(page.path, number + page.body_line - 1,
                    f"还没写的占位符 {SCAFFOLD_MARK}。请写完这一部分（不需要的部分整节删掉）")
            for number, text in enumerate(page.body.split("\n"), 1) if SCAFFOLD_MARK in text]


def check_html(page: Page) -> list[Problem]:
    """No script tags, inline event handlers or ``javascript:`` URLs in the body or front matter."""
    problems = [Problem(page.path, number, message)
                for number, text in prose_lines(page) for message in unsafe_html(text)]
    return problems + front_matter_html_problems(page)


def anchors(markdown: str) -> set[str]:
    """The heading ids MkDocs will generate for ``markdown``."""
    found: Counter[str] = Counter()
    ids = set()
    for fence_free in strip_fences(markdown).split("\n"):
        m = HEADING.match(fence_free)
        if not m:
            continue
        slug = m["id"] or SLUGIFY(re.sub(r"[*_`\[\]()]", "", m["text"]), "-")
        ids.add(slug if not found[slug] else f"{slug}_{found[slug]}")
        found[slug] += 1
    return ids


def check_links(page: Page, page_path: Path, docs: Path) -> list[Problem]:
    """Relative links point at existing files under ``docs/`` and at existing anchors."""
    problems = []
    for number, text in prose_lines(page):
        for m in LINK.finditer(text):
            target = m["target"]
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
                continue
            file_part, _, anchor = target.partition("#")
            dest = (page_path.parent / file_part).resolve() if file_part else page_path.resolve()
            if file_part and (not dest.is_file() or docs.resolve() not in dest.parents):
                problems.append(Problem(page.path, number, f"失效的链接 {target}：没有这个页面。"
                                        + missing_page_hint(file_part, page_path, docs)))
                continue
            if anchor and dest.suffix == ".md":
                text_ = page.body if dest == page_path.resolve() else dest.read_text(encoding="utf-8")
                real = anchors(text_) | GENERATED_ANCHORS
                if anchor not in real:
                    problems.append(Problem(page.path, number, f"失效的链接 {target}：页面里没有锚点 "
                                            f"#{anchor}。{anchor_hint(anchor, real)}"))
    return problems


#: Headings the build adds to every question page.
GENERATED_ANCHORS = {"勘误", "相关问题", "来源"}


def anchor_hint(anchor: str, real: set[str]) -> str:
    """The page's real anchors, nearest to ``anchor`` first, and the slug rule."""
    listed = "、".join(f"#{a}" for a in nearest_first(anchor, sorted(real))[:8])
    return (f"{did_you_mean(anchor, real)}该页的锚点（最接近的在前）：{listed}。"
            "锚点由标题生成：英文字母一律小写，空格变成 -，中文保留（pymdownx.slugs）")


def missing_page_hint(file_part: str, page_path: Path, docs: Path) -> str:
    """A did-you-mean for a link to a page that does not exist."""
    known = [str(Path("..") / p.relative_to(docs)) if page_path.parent != p.parent else p.name
             for p in docs.glob("*/*.md")]
    return did_you_mean(file_part, known) or "请用相对于本页的路径，如 ../training/lr-schedules.md"


def check_page_refs(page: Page, ids: set[str], by_page: dict[str, list[Entry]]) -> list[Problem]:
    """``related`` names existing pages; each correction's ``source`` is an item this page merges."""
    problems = []
    for rid in page.meta.get("related") or []:
        if rid not in ids:
            problems.append(Problem(page.path, page.line_of("related"),
                                    f"related：没有 id 为 {rid!r} 的页面。{did_you_mean(rid, ids)}"
                                    "related 里写页面 id（文件名，不含 .md）"))
    entries = by_page.get(page_rel(page), [])
    merged = {e.key for e in entries}
    if page.written and entries:
        problems.append(Problem(page.path, page.line_of("origin"),
            f"origin 是 'written'，但 sources/mapping.yml 把 {len(entries)} 道原始题目映射到这一页"
            f"（{entries[0].key} 等）。请删掉 `origin: written`，或把这些题目映射到别的页面"))
    elif not page.written and not entries and page.meta:
        problems.append(Problem(page.path, 1,
            "sources/mapping.yml 中没有任何原始题目映射到这一页。请映射它合并的原始题目；"
            "如果这一页是为题库新写的，在 front matter 中加上 `origin: written`"))
    for i, fix in enumerate(page.meta.get("corrections") or [], 1):
        if isinstance(fix, dict) and fix.get("source") not in merged:
            problems.append(Problem(page.path, page.line_of("corrections"),
                f"第 {i} 条勘误：source {fix.get('source')!r} 不是本页合并的原始题目。"
                f"{did_you_mean(fix.get('source'), merged)}"
                "请写 `文件名:行号`，且它在 sources/mapping.yml 中指向本页"))
    return problems


def check_unique(pages: list[Page]) -> list[Problem]:
    """Page ids and titles are unique across the site."""
    problems = []
    for key in ("id", "title"):
        seen: dict[str, Page] = {}
        for page in pages:
            value = page.meta.get(key)
            if not isinstance(value, str):
                continue
            if value in seen:
                problems.append(Problem(page.path, 1,
                    f"{key} {value!r} 重复：{seen[value].path} 已经用了它。请改成全站唯一的 {key}"))
            else:
                seen[value] = page
    return problems + check_aliases_unique(pages)


def _wording(text: str) -> str:
    """A wording as compared: case, spaces and question marks do not make it another one."""
    return re.sub(r"[\s?？]+", "", text).casefold()


def check_aliases_are_not_follow_ups(page: Page) -> list[Problem]:
    """An alias words the page's own question; a 面试追问 is another question, so no text is both."""
    follow_ups = {_wording(f.texts["question"]) for f in follow_up_fields(page, page.path)}
    return [Problem(page.path, page.line_of("aliases"),
                    f"alias {alias!r} 也是本页“面试追问”里的一问：aliases 是本页问题的其他说法，追问是另一个问题"
                    "（kb import 会把这个追问当成本页的问题）。请从 aliases 删掉它，或把它写进正文、不再作为追问")
            for alias in _aliases(page) if _wording(alias) in follow_ups]


def _aliases(page: Page) -> list[str]:
    aliases = page.meta.get("aliases")
    return [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []


def check_aliases_unique(pages: list[Page]) -> list[Problem]:
    """Each wording (title or alias) belongs to one page: search and ``kb import`` find pages by them.

    A shared alias is reported on every page that lists it, naming the other pages, so
    that whoever adds it (in either page) sees the problem in their own file.
    """
    holders: dict[str, dict[str, str]] = {}  # wording -> {page path: "title" or "aliases"}
    for page in pages:
        title = page.meta.get("title")
        if isinstance(title, str):
            holders.setdefault(_wording(title), {})[page.path] = "title"
    for page in pages:
        for alias in _aliases(page):
            holders.setdefault(_wording(alias), {}).setdefault(page.path, "aliases")
    problems = []
    for page in pages:
        for alias in _aliases(page):
            others = [f"{path} 的 {field}" for path, field in holders[_wording(alias)].items() if path != page.path]
            if others:
                problems.append(Problem(page.path, page.line_of("aliases"),
                    f"alias {alias!r} 也是 {'、'.join(others)}：一种问法只属于回答它的那一页"
                    "（站内搜索和 kb import 都按它找页）。请只留在一页上"))
    return problems


def check_page(page: Page, project: Project, ids: set[str], by_page: dict[str, list[Entry]]) -> list[Problem]:
    """Every per-page static check (what the build also enforces)."""
    path = project.docs / page_rel(page)
    return [
        *page.problems,
        *check_snippets(page),
        *check_html(page),
        *check_math_delimiters(page),
        *check_scaffold(page),
        *check_anatomy(page),
        *check_answer(page),
        *check_links(page, path, project.docs),
        *check_page_refs(page, ids, by_page),
        *check_aliases_are_not_follow_ups(page),
    ]


def check_project(project: Project, *, duplicates: bool = True) -> list[Problem]:
    """All static checks of the project, sorted by path and line."""
    problems = list(project.mapping_problems)
    items = project.items
    entries = project.entries
    problems += coverage_problems(items, entries, project.docs, project.relative(project.mapping_path))
    problems += project.labelled_problems
    by_page = pages_sources(entries)
    ids = {p.id for p in project.pages}
    for page in project.pages:
        problems += check_page(page, project, ids, by_page)
    problems += check_unique(project.pages)
    if duplicates:
        from kb.retrieval.analyzer import Analyzer

        problems += page_duplicate_problems(project.pages, items, entries, Analyzer.for_project(project.root))
    return sorted(set(problems))
