"""Read question pages: front matter, body and the snippets pytest-codeblocks will collect.

One parser serves the build, ``kb check`` and the tests, so they agree on what a
page says. Problems are :class:`Problem` records that print as ``path:line: message``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pytest_codeblocks.main import CodeBlock, extract_from_buffer

from kb.content.schema import TOPICS, validate_front_matter
from kb.content.yaml_text import escape_message, escaped_control_characters, explain

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located by path and 1-based line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Fence:
    """A fenced code block as written in the page source.

    Attributes:
        line: 1-based line of the opening fence.
        info: The info string after the backticks (``python``, ``text``, ``yaml`` ...).
        code: The block's content, dedented by the fence's own indentation.
        indent: The opening fence's indentation.
    """

    line: int
    info: str
    code: str
    indent: str = ""


@dataclass
class Page:
    """A question page read from disk.

    Attributes:
        path: Path as given (used in messages).
        meta: Parsed front matter (empty when it could not be parsed).
        body: The Markdown after the front matter.
        body_line: 1-based page line where ``body`` starts.
        problems: Front matter problems found while reading.
        text: The whole file, front matter included (for line numbers of keys).
    """

    path: str
    meta: dict
    body: str
    body_line: int
    problems: list[Problem] = field(default_factory=list)
    text: str = ""

    def line_of(self, key: str) -> int:
        """The page line where front matter ``key`` is defined (1 if absent)."""
        return key_line(self.text, key)

    @property
    def id(self) -> str:
        """The page id (the file name without ``.md``)."""
        return Path(self.path).stem

    @property
    def written(self) -> bool:
        """Whether the page was written for the knowledge base rather than merged from raw banks."""
        return self.meta.get("origin") == "written"

    def fences(self) -> list[Fence]:
        """All fenced blocks of the body, with page line numbers."""
        return [
            Fence(f.line + self.body_line - 1, f.info, f.code, f.indent)
            for f in iter_fences(self.body)
        ]

    def snippets(self) -> list[CodeBlock]:
        """The ``python`` blocks pytest-codeblocks collects, with page line numbers."""
        return [
            CodeBlock(b.code, b.lineno + self.body_line - 1, b.syntax, b.expected_output)
            for b in read_snippets(self.body)
        ]


def read_snippets(markdown: str) -> list[CodeBlock]:
    """Parse ``markdown`` with pytest-codeblocks' own parser; keep the ``python`` blocks.

    Line numbers are those of the opening fence, relative to ``markdown``.
    """
    blocks = extract_from_buffer(io.StringIO(markdown))
    return [b for b in blocks if b.syntax == "python"]


def iter_fences(markdown: str) -> Iterator[Fence]:
    """Yield every fenced code block in ``markdown`` (CommonMark-style backtick/tilde fences)."""
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m["indent"], m["fence"], m["info"].strip()
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body = []
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            line = lines[j]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            j += 1
        yield Fence(i + 1, info, "\n".join(body) + ("\n" if body else ""), indent)
        i = j + 1


def split_front_matter(text: str, path: str) -> tuple[dict, str, int, list[Problem]]:
    """Split ``text`` into (meta, body, body_line, problems)."""
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text, 1, [Problem(path, 1, "页面必须以 front matter 开头：第一行 `---`，然后是 YAML，"
                                           "再以一行 `---` 结束。请照 CONTRIBUTING.md 的例子补上")]
    raw = m.group(1)
    body_line = raw.count("\n") + 3
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        line, message = explain(exc, first_line=2)
        return {}, text[m.end():], body_line, [Problem(path, line, f"front matter 无法解析。{message}")]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return {}, text[m.end():], body_line, [Problem(path, 2, "front matter 必须是 `键: 值` 形式的 YAML 映射。"
                                                       "请对照 CONTRIBUTING.md 的 Front matter 参考")]
    escapes = [Problem(path, line, escape_message(field, esc))
               for line, field, esc in escaped_control_characters(raw, first_line=2)]
    return meta, text[m.end():], body_line, escapes


def key_line(text: str, key: str) -> int:
    """The 1-based line where front matter ``key`` is defined (1 if not found)."""
    if key:
        for number, line in enumerate(text.split("\n"), 1):
            if re.match(rf"^{re.escape(key)}\s*:", line):
                return number
            if number > 1 and line.strip() == "---":
                break
    return 1


def load_page(path: Path | str, docs_dir: Path | str | None = None) -> Page:
    """Read and validate one question page.

    Args:
        path: The Markdown file.
        docs_dir: The docs folder; messages then use paths relative to its parent
            (``docs/topic/page.md``) so they are clickable from the repository root.

    Returns:
        The page, with every front matter problem in ``problems``.
    """
    path = Path(path)
    shown = display_path(path, docs_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Page(shown, {}, "", 1, [Problem(shown, 1, f"不是 UTF-8 文本（{exc.reason}）。请把文件另存为 UTF-8")])
    meta, body, body_line, problems = split_front_matter(text, shown)
    if not problems or meta:
        problems += [
            Problem(shown, key_line(text, key), message)
            for key, message in validate_front_matter(
                meta, topic_dir=path.parent.name, stem=path.stem
            )
        ]
    return Page(shown, meta, body, body_line, problems, text)


def display_path(path: Path, docs_dir: Path | str | None) -> str:
    """``docs/topic/page.md`` for pages inside ``docs_dir``; otherwise the path as given."""
    if docs_dir is not None:
        docs = Path(docs_dir).resolve()
        try:
            return str(Path(docs.name) / path.resolve().relative_to(docs))
        except ValueError:
            pass
    return str(path)


def question_paths(docs_dir: Path | str) -> list[Path]:
    """Every question page: ``docs/<topic>/*.md`` for the topics of the schema."""
    docs = Path(docs_dir)
    return sorted(p for topic in TOPICS for p in (docs / topic).glob("*.md"))


def load_pages(docs_dir: Path | str) -> list[Page]:
    """Load every question page under ``docs_dir``."""
    return [load_page(p, docs_dir) for p in question_paths(docs_dir)]


def strip_fences(markdown: str) -> str:
    """``markdown`` with fenced blocks blanked out (line count preserved)."""
    lines = markdown.split("\n")
    for fence in iter_fences(markdown):
        for i in range(fence.line - 1, min(len(lines), fence.line + fence.code.count("\n") + 1)):
            lines[i] = ""
    return "\n".join(lines)


def page_rel(page: Page) -> str:
    """``topic/id.md``: the page's path as the mapping writes it."""
    parts = Path(page.path).parts
    return "/".join(parts[-2:])
