"""pytest plugin (registered by the package): pytest-codeblocks collects, kb runs.

pytest-codeblocks finds the ```python blocks and their stated outputs; this plugin
replaces how each one is executed with the site build's executor
(:class:`kb.snippets.executor.Executor`): each snippet in a fresh process, with the same
seeding, limits and verdict cache. Build and tests therefore agree on everything,
including the failure message, which names the page and the fence's line.

When collection is done, every selected snippet is submitted at once, so they run in
parallel (one per core) while pytest works through the items in order. Limits and the
cache switch are read from the environment then (``KB_SNIPPET_TIMEOUT``,
``KB_SNIPPET_MEMORY``, ``KB_SNIPPET_CACHE=off``), with the defaults of ``mkdocs.yml``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.snippets.executor import Executor
from kb.snippets.runner import Limits, Snippet


class SnippetFailure(Exception):
    """A snippet raised, ended its process, hit a limit, or printed something other than its stated output."""


def _is_snippet(item: pytest.Item) -> bool:
    return type(item).__module__.startswith("pytest_codeblocks") and item.obj.syntax == "python"


def _snippet(item: pytest.Item) -> Snippet:
    block = item.obj
    try:
        path = str(Path(item.path).resolve().relative_to(Path(item.config.rootpath).resolve()))
    except ValueError:
        path = str(item.path)
    return Snippet(block.code, block.expected_output, path, block.lineno)


_EXECUTOR = pytest.StashKey[Executor]()


def _executor(config: pytest.Config) -> Executor:
    """The session's executor, made on first use (limits read from the environment then)."""
    if _EXECUTOR not in config.stash:
        cache = os.environ.get("KB_SNIPPET_CACHE", "on").lower() not in {"off", "false", "0", "no"}
        config.stash[_EXECUTOR] = Executor(Path(config.rootpath), Limits.from_env(), cache=cache)
    return config.stash[_EXECUTOR]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the session's pool."""
    if _EXECUTOR in config.stash:
        config.stash[_EXECUTOR].close()


def _runtest(item: pytest.Item) -> None:
    snippet = _snippet(item)
    verdict = _executor(item.config).submit(snippet).result()
    if verdict.problem:
        raise SnippetFailure(f"{snippet.path}:{snippet.line}: {verdict.problem}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run every collected ```python block with the build's executor."""
    for item in items:
        if _is_snippet(item):
            item.runtest = lambda item=item: _runtest(item)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Submit every selected snippet now (skipped ones excepted): they run while pytest works."""
    snippets = [item for item in session.items if _is_snippet(item)
                and not any(item.iter_markers("skip")) and not any(item.iter_markers("skipif"))]
    if snippets:
        executor = _executor(session.config)
        for item in snippets:
            executor.submit(_snippet(item))


def wait_for_snippets(config: pytest.Config) -> None:
    """Wait for the verdicts of every snippet this session submitted.

    A test that builds the site calls this first: the build then finds every verdict
    in the cache instead of running the same snippets a second time, concurrently.
    """
    if _EXECUTOR in config.stash:
        config.stash[_EXECUTOR].wait()
