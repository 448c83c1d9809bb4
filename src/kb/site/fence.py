"""The ```python fence: shown with its source, executed at build time, checked.

Registered in ``mkdocs.yml`` as a ``pymdownx.superfences`` custom fence. The page's
snippets are queued by :class:`kb.site.plugin.KbPlugin` before the page is
rendered (parsed with pytest-codeblocks' own parser, so the build and
``pytest --codeblocks`` see the same blocks); each ```python fence that Markdown
renders takes the next one, runs it with :func:`kb.snippets.runner.run_snippet` and
compares its output with the output the page states. The source is rendered by
markdown-exec's ``base_format``; the output is shown once, by the page's own
"输出" block, which the build has just proved equal to the real output.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from markdown_exec import base_format
from pytest_codeblocks.main import CodeBlock

from kb.content.pages import Problem
from kb.snippets.runner import DEFAULT_TIMEOUT, check_snippet


@dataclass
class SnippetQueue:
    """The snippets of the page being rendered, and what became of them."""

    path: str
    pending: list[CodeBlock]
    timeout: float = DEFAULT_TIMEOUT
    fingerprint: str = ""
    executed: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def take(self, source: str) -> CodeBlock | None:
        """The queued snippet whose source is ``source`` (the next one, normally)."""
        for i, block in enumerate(self.pending):
            if block.code.rstrip("\n") == source.rstrip("\n"):
                return self.pending.pop(i)
        return None


#: The queue of the page being rendered (set by the plugin, one page at a time).
current: SnippetQueue | None = None


def validator(language: str, inputs: dict, options: dict, attrs: dict, md) -> bool:  # noqa: ARG001
    """Accept every ```python fence; options are recorded so the formatter can reject them."""
    options["kb_inputs"] = dict(inputs)
    options["kb_attrs"] = dict(attrs)
    return True


def formatter(src: str, language: str, css_class: str, options: dict, md, **kwargs) -> str:  # noqa: ARG001
    """Run, check and render one ```python fence."""
    queue = current
    block = queue.take(src) if queue else None
    if queue is not None and block is None:
        queue.problems.append(Problem(queue.path, 1, "a ```python block with options or inside "
                                      "unsupported markup is not collected by pytest-codeblocks: "
                                      f"use a bare ```python fence (block starts {src[:40]!r})"))
    if block is not None:
        check(block, queue)
    return base_format(language="py", run=_shown_only, code=src, md=md, source="above")


def _shown_only(code: str, **kwargs) -> str:  # noqa: ARG001
    # The output is rendered by the page's stated-output block, already checked.
    return ""


#: Verdicts of snippets already run in this process, by (code, stated output, library
#: fingerprint). `mkdocs serve` rebuilds the whole site on every save; snippets are
#: deterministic, so an unchanged snippet against an unchanged `kb` need not run again.
_verdicts: dict[tuple[str, str | None, str], str | None] = {}


def library_fingerprint() -> str:
    """Changes whenever a file of the installed ``kb`` package changes."""
    root = Path(__file__).resolve().parents[1]
    stamp = [(str(p), p.stat().st_mtime_ns) for p in sorted(root.rglob("*.py"))]
    return hashlib.sha256(repr(stamp).encode()).hexdigest()


def check(block: CodeBlock, queue: SnippetQueue) -> None:
    """Execute ``block`` and record a problem when it fails or its output differs."""
    key = (block.code, block.expected_output, queue.fingerprint)
    start = time.process_time()
    if key not in _verdicts:
        _verdicts[key] = check_snippet(block.code, block.expected_output, path=queue.path,
                                       line=block.lineno, timeout=queue.timeout)
    problem = _verdicts[key]
    queue.executed.append({"page": queue.path, "line": block.lineno, "ok": problem is None,
                           "cpu_seconds": round(time.process_time() - start, 3)})
    if problem:
        queue.problems.append(Problem(queue.path, block.lineno, problem))


__all__ = ["SnippetQueue", "formatter", "validator"]
