"""Verdicts of snippets: from the cache when it can vouch for them, else from a fresh run.

The site build and ``pytest --codeblocks`` both go through :func:`shared`: they submit
every snippet as soon as they know it, and wait only for the verdict they need next.
A verdict is the same whatever the number of workers, and problems are reported by
page and line, so messages come out in the same order too.
"""

from __future__ import annotations

import atexit
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from kb.snippets.cache import SnippetCache, package_hash
from kb.snippets.pool import Pool
from kb.snippets.runner import Limits, Snippet, SnippetResult, judge


@dataclass(frozen=True)
class Verdict:
    """What became of one snippet.

    Attributes:
        problem: ``None`` when it ran to its end and printed its stated output; else
            the message to report at its fence line.
        cpu_seconds: CPU time of the run (of the cached run, for a cached verdict).
        cached: Whether the verdict came from the cache, without running.
    """

    problem: str | None
    cpu_seconds: float = 0.0
    cached: bool = False


class Executor:
    """Run snippets in a pool of fresh processes, reusing cached verdicts.

    Args:
        root: The project root (the cache is ``root/.cache/kb``).
        limits: Time and memory limits (default: from the environment, read now).
        workers: Snippets run at once (default: one per core).
        cache: ``False`` ignores stored verdicts (``KB_SNIPPET_CACHE=off``).
    """

    def __init__(self, root: Path, limits: Limits | None = None, *, workers: int | None = None,
                 cache: bool = True) -> None:
        self.root = Path(root)
        self.limits = limits or Limits.from_env()
        self.workers = workers
        self.cache = SnippetCache(self.root, self.limits, read=cache)
        self._pool: Pool | None = None
        self._pool_code = ""
        self._memo: dict[tuple, Future] = {}
        self._lock = threading.Lock()
        self._pruned = False

    @property
    def pool(self) -> Pool:
        """The warm pool, restarted when the ``kb`` package's contents have changed."""
        code = package_hash(self.cache.hashes)
        if self._pool is None or code != self._pool_code:
            if self._pool is not None:
                self._pool.close()
            self._pool, self._pool_code = Pool(self.workers), code
        return self._pool

    def refresh(self) -> None:
        """Start a new build: re-read ``kb``'s contents; forget this process's verdicts."""
        with self._lock:
            self.cache.refresh()
            self._memo.clear()

    def start(self) -> None:
        """Start the warm pool now, so its imports overlap with the caller's own work."""
        with self._lock:
            self.pool  # noqa: B018 - the property starts it

    def submit(self, snippet: Snippet) -> Future:
        """The future :class:`Verdict` of ``snippet`` (the same future when submitted again)."""
        with self._lock:
            memo = (snippet, self.limits)
            if memo in self._memo:
                return self._memo[memo]
            verdict: Future = Future()
            self._memo[memo] = verdict
            entry = self.cache.get(snippet)
            if entry is not None:
                verdict.set_result(Verdict(None, entry.cpu_seconds, cached=True))
                return verdict
            run = self.pool.submit(snippet.code, path=snippet.path, first_line=snippet.line + 1,
                                   limits=self.limits)
        run.add_done_callback(lambda done: self._judged(snippet, done.result(), verdict))
        return verdict

    def _judged(self, snippet: Snippet, result: SnippetResult, verdict: Future) -> None:
        problem = judge(snippet, result)
        try:
            self.cache.put(snippet, problem, result.cpu_seconds, result.modules)
        finally:
            verdict.set_result(Verdict(problem, result.cpu_seconds))

    def wait(self) -> None:
        """Wait until every verdict submitted so far is known (and cached)."""
        with self._lock:
            pending = list(self._memo.values())
        for verdict in pending:
            verdict.result()

    def run(self, snippet: Snippet) -> Future:
        """Run ``snippet`` fresh, in its own process: the future :class:`SnippetResult` (no cache)."""
        with self._lock:
            pool = self.pool
        return pool.submit(snippet.code, path=snippet.path, first_line=snippet.line + 1, limits=self.limits)

    def vouch(self, snippet: Snippet, result: SnippetResult) -> None:
        """Record that ``result`` (a run of ``snippet``'s code) printed ``snippet``'s stated output."""
        self.cache.put(snippet, judge(snippet, result), result.cpu_seconds, result.modules)

    def prune(self) -> None:
        """Remove long-unused cache entries, once per process (``mkdocs serve`` rebuilds often)."""
        if not self._pruned:
            self._pruned = True
            self.cache.prune()

    def close(self) -> None:
        """Stop the pool."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


_shared: Executor | None = None


def shared(root: Path, limits: Limits, *, workers: int | None = None, cache: bool = True) -> Executor:
    """The executor of this process for ``root``, kept across builds (``mkdocs serve``).

    A new build calls this again: the executor re-reads ``kb``'s contents, so its pool
    restarts with the new code when a helper was edited.
    """
    global _shared
    if _shared is not None and (_shared.root, _shared.limits, _shared.workers, _shared.cache.read) != \
            (Path(root), limits, workers, cache):
        _shared.close()
        _shared = None
    if _shared is None:
        _shared = Executor(root, limits, workers=workers, cache=cache)
        atexit.register(_close_shared)
    else:
        _shared.refresh()
    return _shared


def _close_shared() -> None:
    if _shared is not None:
        _shared.close()


__all__ = ["Executor", "Verdict", "shared"]
