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
from kb.content.pages import Page, Problem, iter_fences, page_rel, strip_fences
from kb.project import Project

#: The toc slug function configured in mkdocs.yml (Unicode headings keep their characters).
SLUGIFY = slugify(case="lower")

LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.+?)\s*(?:\{#(?P<id>[^}\s]+)[^}]*\})?\s*$")
INLINE_CODE = re.compile(r"`[^`\n]*`")
UNSAFE_HTML = (
    (re.compile(r"<\s*(script|iframe|object|embed|form|base|meta)\b", re.I),
     "raw HTML <{0}> is not allowed in pages"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "inline event handler attributes are not allowed"),
    (re.compile(r"javascript\s*:", re.I), "javascript: URLs are not allowed"),
)
EXECUTED_SHELLS = {"sh", "bash", "zsh"}
NOT_RUN_HINT = "use ```console for a shown command, or exactly ```python for a snippet that runs"


def prose_lines(page: Page) -> Iterable[tuple[int, str]]:
    """Body lines outside fenced blocks, with inline code removed, as (page line, text)."""
    fenced: set[int] = set()
    lines = page.body.split("\n")
    for fence in iter_fences(page.body):
        fenced.update(range(fence.line, fence.line + fence.code.count("\n") + 2))
    for number, text in enumerate(lines, 1):
        if number not in fenced:
            yield number + page.body_line - 1, INLINE_CODE.sub("", text)


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
                    "python block has no stated output: follow it with "
                    "<!--pytest-codeblocks:expected-output--> and a ```text block "
                    "(`kb update-output` writes it)"))
        elif lang in {"python", "py", "python3"} or lang.startswith("python"):
            problems.append(Problem(page.path, fence.line,
                f"```{fence.info} is not run or tested (pytest-codeblocks collects exactly "
                f"```python); {NOT_RUN_HINT}"))
        elif lang in EXECUTED_SHELLS:
            problems.append(Problem(page.path, fence.line,
                f"```{lang} blocks are executed by pytest-codeblocks; {NOT_RUN_HINT}"))
        elif lang in {"yaml", "yml"}:
            try:
                list(yaml.safe_load_all(fence.code))
            except yaml.YAMLError as exc:
                problems.append(Problem(page.path, fence.line, f"YAML block does not parse: {exc}"))
        elif lang == "json":
            try:
                json.loads(fence.code)
            except json.JSONDecodeError as exc:
                problems.append(Problem(page.path, fence.line + exc.lineno,
                                        f"JSON block does not parse: {exc.msg}"))
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
                problems.append(Problem(page.path, page.body_line, f"missing part: {text}"))
            continue
        if line < last:
            problems.append(Problem(page.path, line + page.body_line - 1,
                                    f"{text} is out of order (see CONTRIBUTING.md, 页面结构)"))
        last = max(last, line)
    for text in GENERATED_SECTIONS:
        if where[text] is not None:
            problems.append(Problem(page.path, where[text] + page.body_line - 1,
                                    f"{text} is generated by the build; remove it from the page"))
    return problems


SCAFFOLD_MARK = "TODO(kb new)"


def check_scaffold(page: Page) -> list[Problem]:
    """No placeholder left by ``kb new``."""
    return [Problem(page.path, number + page.body_line - 1,
                    f"unwritten placeholder {SCAFFOLD_MARK}: write this part of the page")
            for number, text in enumerate(page.body.split("\n"), 1) if SCAFFOLD_MARK in text]


def check_html(page: Page) -> list[Problem]:
    """No script tags, inline event handlers or ``javascript:`` URLs outside code."""
    problems = []
    for number, text in prose_lines(page):
        for pattern, message in UNSAFE_HTML:
            m = pattern.search(text)
            if m:
                problems.append(Problem(page.path, number, message.format(*m.groups())))
    return problems


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
                problems.append(Problem(page.path, number, f"broken link: {target} (no such page)"))
                continue
            if anchor and dest.suffix == ".md":
                text_ = page.body if dest == page_path.resolve() else dest.read_text(encoding="utf-8")
                if anchor not in anchors(text_) | GENERATED_ANCHORS:
                    problems.append(Problem(page.path, number,
                                            f"broken link: {target} (no heading #{anchor})"))
    return problems


#: Headings the build adds to every question page.
GENERATED_ANCHORS = {"勘误", "相关问题", "来源"}


def check_page_refs(page: Page, ids: set[str], by_page: dict[str, list[Entry]]) -> list[Problem]:
    """``related`` names existing pages; each correction's ``source`` is an item this page merges."""
    problems = []
    for rid in page.meta.get("related") or []:
        if rid not in ids:
            problems.append(Problem(page.path, page.line_of("related"), f"related: no page with id {rid!r}"))
    entries = by_page.get(page_rel(page), [])
    merged = {e.key for e in entries}
    if page.written and entries:
        problems.append(Problem(page.path, page.line_of("origin"),
            f"origin is 'written', but sources/mapping.yml maps {len(entries)} raw item(s) here "
            f"({entries[0].key}, ...): drop `origin: written`, or map those items elsewhere"))
    elif not page.written and not entries and page.meta:
        problems.append(Problem(page.path, 1,
            "no raw item of sources/mapping.yml is mapped to this page: map its raw items, or add "
            "`origin: written` to the front matter if the page was written for the knowledge base"))
    for i, fix in enumerate(page.meta.get("corrections") or [], 1):
        if isinstance(fix, dict) and fix.get("source") not in merged:
            problems.append(Problem(page.path, page.line_of("corrections"),
                f"correction #{i}: source {fix.get('source')!r} is not a raw item this page merges "
                "(see sources/mapping.yml)"))
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
                    f"duplicate {key} {value!r}: also used by {seen[value].path}"))
            else:
                seen[value] = page
    return problems


def check_page(page: Page, project: Project, ids: set[str], by_page: dict[str, list[Entry]]) -> list[Problem]:
    """Every per-page static check (what the build also enforces)."""
    path = project.docs / page_rel(page)
    return [
        *page.problems,
        *check_snippets(page),
        *check_html(page),
        *check_scaffold(page),
        *check_anatomy(page),
        *check_links(page, path, project.docs),
        *check_page_refs(page, ids, by_page),
    ]


def check_project(project: Project, *, duplicates: bool = True) -> list[Problem]:
    """All static checks of the project, sorted by path and line."""
    problems = list(project.mapping_problems)
    items = project.items
    entries = project.entries
    problems += coverage_problems(items, entries, project.docs, project.relative(project.mapping_path))
    by_page = pages_sources(entries)
    ids = {p.id for p in project.pages}
    for page in project.pages:
        problems += check_page(page, project, ids, by_page)
    problems += check_unique(project.pages)
    if duplicates:
        from kb.retrieval.analyzer import Analyzer

        problems += page_duplicate_problems(project.pages, items, entries, Analyzer.for_project(project.root))
    return sorted(set(problems))
