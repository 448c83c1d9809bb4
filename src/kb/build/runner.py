"""Run one snippet exactly as both the site build and pytest-codeblocks do.

Both sides call :func:`run_snippet` (the build directly, pytest through
:mod:`kb.build.pytest_plugin`), so "the output of a snippet" means one thing:
everything written to ``sys.stdout`` while it runs, after the same seeding,
under the same time limit.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass

#: Seconds a snippet may run before it is stopped (override with ``KB_SNIPPET_TIMEOUT``).
DEFAULT_TIMEOUT = float(os.environ.get("KB_SNIPPET_TIMEOUT", "20"))

#: The seed given to ``random``, NumPy and torch before every snippet.
SEED = 0


class SnippetTimeout(Exception):
    """Raised inside a snippet that runs longer than its time limit."""


@dataclass(frozen=True)
class SnippetResult:
    """What one run of a snippet produced.

    Attributes:
        output: Everything the snippet wrote to standard output.
        error: A short traceback when the snippet raised or timed out, else ``None``.
    """

    output: str
    error: str | None = None


def seed_everything(seed: int = SEED) -> None:
    """Seed ``random``, NumPy and torch, and pin torch to one thread.

    One thread makes float reductions run in the same order on every machine,
    so printed numbers do not depend on the core count.
    """
    random.seed(seed)
    import numpy as np

    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a hard dependency
        return
    torch.manual_seed(seed)
    torch.set_num_threads(1)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`SnippetTimeout` in the block after ``seconds`` of wall time.

    Uses ``SIGALRM``, so it only works in the main thread of a POSIX process;
    elsewhere (e.g. a server's worker thread) the block runs without a limit.
    """
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _expire(signum, frame):
        raise SnippetTimeout(f"snippet ran longer than {seconds:g} s (KB_SNIPPET_TIMEOUT)")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def compile_snippet(code: str, path: str = "<snippet>", first_line: int = 1):
    """Compile ``code`` so that tracebacks name ``path`` and the page's own line numbers."""
    return compile("\n" * (first_line - 1) + code, path, "exec")


def run_snippet(
    code: str,
    *,
    path: str = "<snippet>",
    first_line: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
) -> SnippetResult:
    """Run ``code`` in fresh globals after seeding, capturing standard output.

    Args:
        code: The snippet's source.
        path: The page the snippet comes from, shown in tracebacks.
        first_line: The page line of the snippet's first source line.
        timeout: Seconds before the snippet is stopped.

    Returns:
        The captured output, and a traceback limited to the snippet's own frames
        if it raised or timed out.
    """
    seed_everything()
    buffer = io.StringIO()
    error = None
    with contextlib.redirect_stdout(buffer):
        try:
            compiled = compile_snippet(code, path, first_line)
            with time_limit(timeout):
                exec(compiled, {"__name__": "__main__"})
        except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
            error = format_error(exc, path)
    return SnippetResult(buffer.getvalue(), error)


def format_error(exc: BaseException, path: str) -> str:
    """Format ``exc`` keeping only frames from the snippet itself (no venv paths)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    lines = [f"  {path}:{f.lineno}: {f.line}" for f in frames]
    return "\n".join([*lines, f"{type(exc).__name__}: {exc}"])
