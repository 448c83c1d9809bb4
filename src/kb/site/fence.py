"""The ```python fence: shown with its source, executed at build time, checked.

Registered in ``mkdocs.yml`` as a ``pymdownx.superfences`` custom fence. The page's
snippets are queued by :class:`kb.site.plugin.KbPlugin` before the page is
rendered (parsed with pytest-codeblocks' own parser, so the build and
``pytest --codeblocks`` see the same blocks); each ```python fence that Markdown
renders takes the next one and asks :class:`kb.snippets.executor.Executor` for its
verdict (the plugin submitted every snippet of the site before the first page rendered,
so they run in parallel, each in a fresh process). The page does not wait for it: the
rendered HTML does not depend on the verdict, so pages render while snippets run and
:meth:`SnippetQueue.collect` gathers the verdicts after the site is rendered. The source is rendered by
markdown-exec's ``base_format``; the output is shown once, by the page's own
"输出" block, which the build has just proved equal to the real output.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

from markdown_exec import base_format
from pytest_codeblocks.main import CodeBlock

from kb.content.pages import Problem
from kb.snippets.executor import Executor
from kb.snippets.runner import Snippet


@dataclass
class SnippetQueue:
    """The snippets of the page being rendered, and what became of them."""

    path: str
    pending: list[CodeBlock]
    executor: Executor
    executed: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    verdicts: list[tuple[CodeBlock, Future]] = field(default_factory=list)

    def take(self, source: str) -> CodeBlock | None:
        """The queued snippet whose source is ``source`` (the next one, normally)."""
        for i, block in enumerate(self.pending):
            if block.code.rstrip("\n") == source.rstrip("\n"):
                return self.pending.pop(i)
        return None

    def collect(self) -> None:
        """Wait for the verdicts asked for so far; record what ran and every failure."""
        for block, future in self.verdicts:
            verdict = future.result()
            self.executed.append({"page": self.path, "line": block.lineno, "ok": verdict.problem is None,
                                  "cpu_seconds": round(verdict.cpu_seconds, 3), "cached": verdict.cached})
            if verdict.problem:
                self.problems.append(Problem(self.path, block.lineno, verdict.problem))
        self.verdicts = []


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
        queue.problems.append(Problem(queue.path, 1, "带选项或嵌在不支持的标记里的 ```python 代码块，"
                                      "pytest-codeblocks 收集不到，也就不会被检查。"
                                      f"请改成单独一行的 ```python 围栏（代码块开头：{src[:40]!r}）"))
    if block is not None:
        check(block, queue)
    return base_format(language="py", run=_shown_only, code=src, md=md, source="above")


def _shown_only(code: str, **kwargs) -> str:  # noqa: ARG001
    # The output is rendered by the page's stated-output block, already checked.
    return ""


def check(block: CodeBlock, queue: SnippetQueue) -> None:
    """Ask for ``block``'s verdict; :meth:`SnippetQueue.collect` records it."""
    queue.verdicts.append((block, queue.executor.submit(
        Snippet(block.code, block.expected_output, queue.path, block.lineno))))


__all__ = ["SnippetQueue", "formatter", "validator"]
