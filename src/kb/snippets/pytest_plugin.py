"""pytest plugin (registered by the package): pytest-codeblocks collects, kb runs.

pytest-codeblocks finds the ```python blocks and their stated outputs; this plugin
replaces how each one is executed with :func:`kb.snippets.runner.check_snippet`, the
function the site build uses. Build and tests therefore agree on everything: the
seeding, the time limit, ``__name__ == "__main__"``, what counts as output (all of
stdout), and the failure message, which names the page and the fence's line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.snippets.runner import check_snippet


class SnippetFailure(Exception):
    """A snippet raised, timed out, or printed something other than its stated output."""


def _runtest(item: pytest.Item) -> None:
    block = item.obj
    try:
        path = str(Path(item.path).resolve().relative_to(Path(item.config.rootpath).resolve()))
    except ValueError:
        path = str(item.path)
    problem = check_snippet(block.code, block.expected_output, path=path, line=block.lineno)
    if problem:
        raise SnippetFailure(f"{path}:{block.lineno}: {problem}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run every collected ```python block with the build's runner."""
    for item in items:
        if type(item).__module__.startswith("pytest_codeblocks") and item.obj.syntax == "python":
            item.runtest = lambda item=item: _runtest(item)
