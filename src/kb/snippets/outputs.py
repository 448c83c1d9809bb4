"""Rewrite a page's stated outputs from real runs (``kb update-output``).

pytest-codeblocks checks stated outputs but cannot write them; markdown-exec runs
code but never checks. This closes the loop: contributors never paste output by
hand, and reviewers see output changes as a diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.content.pages import Problem, load_page
from kb.snippets.executor import Executor, shared
from kb.snippets.runner import FAILED, Limits, Snippet

MARKER = "<!--pytest-codeblocks:expected-output-->"
ADMONITION = '???+ success "输出"'


@dataclass
class Update:
    """What ``update_page`` did to one page."""

    path: str
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] | None = None


def output_block(output: str) -> list[str]:
    """The stated-output Markdown for ``output``."""
    body = [f"    {line}" if line else "" for line in output.rstrip("\n").split("\n")]
    return ["", MARKER, ADMONITION, "", "    ```text", *body, "    ```"]


def update_page(path: Path, docs_dir: Path | None = None, *, write: bool = True,
                executor: Executor | None = None) -> Update:
    """Run every ```python block of ``path`` and rewrite its stated output.

    The blocks run as in the build (in parallel, each in a fresh process); a block that
    fails keeps its old stated output and is reported as a problem. Each output written
    is recorded in the verdict cache, so ``kb check`` then vouches for it.
    """
    executor = executor or shared(Path.cwd(), Limits.from_env())
    page = load_page(path, docs_dir)
    result = Update(page.path, problems=list(page.problems))
    if page.problems:
        return result
    lines = path.read_text(encoding="utf-8").split("\n")
    fences = {f.line: f for f in page.fences()}
    blocks = sorted(page.snippets(), key=lambda b: -b.lineno)
    runs = [executor.run(Snippet(b.code, b.expected_output, page.path, b.lineno)) for b in blocks]
    for block, future in zip(blocks, runs):
        run = future.result()
        if not run.error:
            executor.vouch(Snippet(block.code, run.output, page.path, block.lineno), run)
        if run.error:
            result.problems.append(Problem(page.path, block.lineno, f"{FAILED}\n{run.error}"))
            continue
        if block.expected_output == run.output:
            result.unchanged += 1
            continue
        fence = fences[block.lineno]
        close = block.lineno + fence.code.count("\n") + 1  # 1-based line of the closing fence
        start, end = stated_span(lines, close, fences)
        lines[start:end] = output_block(run.output)
        result.changed += 1
    if write and result.changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return result


def stated_span(lines: list[str], close: int, fences: dict) -> tuple[int, int]:
    """0-based ``[start, end)`` of the existing stated-output Markdown after a snippet.

    Returns an empty span just after the closing fence when there is none.
    """
    i = close  # 0-based index of the line after the closing fence
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != MARKER:
        return close, close
    j = i + 1
    while j < len(lines) and not lines[j].lstrip().startswith(("```", "~~~")):
        j += 1
    fence = fences.get(j + 1)
    end = j + 1 + (fence.code.count("\n") if fence else 0) + 1
    return close, end


__all__ = ["Update", "update_page"]
