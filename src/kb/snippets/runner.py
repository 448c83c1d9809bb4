"""Run one snippet in the current process, exactly as the build and pytest do.

The build and ``pytest --codeblocks`` both run every snippet through
:class:`kb.snippets.executor.Executor`, which runs :func:`run_snippet` in a fresh
child process (:mod:`kb.snippets.zygote`). So "the output of a snippet" means one
thing: everything written to ``sys.stdout`` while it runs, after the same seeding,
under the same limits, and :func:`judge` turns a run into one verdict message.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import logging
import os
import random
import signal
import threading
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

#: CPU seconds a snippet may use before it is stopped (``timeout`` in mkdocs.yml, ``KB_SNIPPET_TIMEOUT``).
DEFAULT_TIMEOUT = 20.0
#: MiB of private memory a snippet's process may map (``memory`` in mkdocs.yml, ``KB_SNIPPET_MEMORY``).
DEFAULT_MEMORY = 2048

log = logging.getLogger("mkdocs.plugins.kb.snippets")

#: The seed given to ``random``, NumPy and torch before every snippet.
SEED = 0


class SnippetTimeout(Exception):
    """Raised inside a snippet that runs longer than its time limit."""


@dataclass(frozen=True)
class Limits:
    """What a snippet may use; part of every cached verdict's key.

    Attributes:
        timeout: CPU seconds (the wall-clock limit is ``WALL_FACTOR`` times as long).
        memory: MiB of private memory of the snippet's process (``RLIMIT_DATA``), the
            libraries preloaded by the warm parent included (about 350 MiB).
    """

    timeout: float = DEFAULT_TIMEOUT
    memory: int = DEFAULT_MEMORY

    @classmethod
    def from_env(cls) -> Limits:
        """The limits set by ``KB_SNIPPET_TIMEOUT`` and ``KB_SNIPPET_MEMORY``, read now."""
        return cls(float(os.environ.get("KB_SNIPPET_TIMEOUT", DEFAULT_TIMEOUT)),
                   int(os.environ.get("KB_SNIPPET_MEMORY", DEFAULT_MEMORY)))


@dataclass(frozen=True)
class Snippet:
    """One ```python block of a page, with the output the page states for it.

    Attributes:
        code: The block's source.
        expected: The stated output, or ``None`` when the page states none.
        path: The page, relative to the project root (``docs/...``).
        line: The page line of the opening fence (problems are reported there).
    """

    code: str
    expected: str | None
    path: str
    line: int


@dataclass(frozen=True)
class SnippetResult:
    """What one run of a snippet produced.

    Attributes:
        output: Everything the snippet wrote to standard output.
        error: A short traceback when the snippet raised or timed out, else ``None``.
    """

    output: str
    error: str | None = None
    warnings: tuple[str, ...] = ()
    #: CPU seconds the run took (measured by the parent of an isolated run).
    cpu_seconds: float = 0.0
    #: Files of the ``kb`` package the run had imported, relative to the package folder.
    modules: tuple[str, ...] = ()


def warm_up() -> None:
    """Import the heavy modules once, outside any snippet's time limit.

    A snippet stopped in the middle of an import (torch's first optimizer step imports
    ``torch._dynamo``) would leave a half-initialised module behind and break every
    later snippet of the process; importing up front also keeps import cost out of
    the limit.
    """
    global _warm
    if _warm:
        return
    import numpy  # noqa: F401
    import sklearn  # noqa: F401
    import sklearn.datasets  # noqa: F401  (the modules most pages import: once, in the warm parent)
    import sklearn.linear_model  # noqa: F401
    import sklearn.metrics  # noqa: F401
    import sklearn.model_selection  # noqa: F401
    import sklearn.pipeline  # noqa: F401
    import sklearn.preprocessing  # noqa: F401
    import torch
    import torch._dynamo  # noqa: F401  (imported lazily by the first optimizer step)
    import torch.optim  # noqa: F401
    from threadpoolctl import threadpool_limits

    # One BLAS/OpenMP thread: the same float reductions on every machine, and no
    # oversubscription when the machine is busy (snippet data is tiny).
    threadpool_limits(limits=1)
    _warm = True


_warm = False


def seed_everything(seed: int = SEED) -> None:
    """Seed ``random``, NumPy and torch, and pin torch to one thread.

    One thread makes float reductions run in the same order on every machine,
    so printed numbers do not depend on the core count.
    """
    warm_up()
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)


#: The wall-clock limit is this many times the CPU limit: it catches snippets that block
#: (sleep, I/O) without letting a busy machine fail snippets that are merely slowed down.
WALL_FACTOR = 6


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`SnippetTimeout` in the block after ``seconds`` of CPU time.

    CPU time (``ITIMER_PROF``) does not grow when other processes load the machine,
    so the limit means the same on a laptop and on a busy CI runner; a wall-clock
    limit of ``WALL_FACTOR`` times as long catches blocked snippets. Uses signals, so
    it only works in the main thread of a POSIX process; elsewhere (e.g. a server's
    worker thread) the block runs without a limit.
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
        kind = "CPU " if signum == signal.SIGPROF else "墙钟"
        limit = seconds if signum == signal.SIGPROF else seconds * WALL_FACTOR
        raise SnippetTimeout(f"片段运行超过 {limit:g} 秒{kind}时间（上限见 KB_SNIPPET_TIMEOUT）。"
                             "请减少数据量或迭代次数")

    previous = {sig: signal.signal(sig, _expire) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


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
    # Warnings are recorded, not printed: stderr is not part of a snippet's output.
    with contextlib.redirect_stdout(buffer), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        try:
            compiled = compile_snippet(code, path, first_line)
            with time_limit(timeout):
                exec(compiled, {"__name__": "__main__"})
        except BaseException as exc:  # noqa: BLE001 - sys.exit() included: reported, not raised
            error = format_error(exc, path)
    noted = tuple(dict.fromkeys(f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
                                for w in caught))
    return SnippetResult(buffer.getvalue(), error, noted)


def check_snippet(code: str, expected: str | None, *, path: str, line: int,
                  timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Run the snippet whose fence opens at page ``line`` in this process; what is wrong, if anything.

    The build and pytest use :class:`kb.snippets.executor.Executor` instead, which runs
    each snippet in a fresh process; this is the same check without the isolation.

    Returns:
        ``None`` when it ran and printed exactly ``expected``; otherwise a message
        (the traceback, or a diff of stated versus real output).
    """
    result = run_snippet(code, path=path, first_line=line + 1, timeout=timeout)
    return judge(Snippet(code, expected, path, line), result)


def judge(snippet: Snippet, result: SnippetResult) -> str | None:
    """The problem with ``result`` as a run of ``snippet``, or ``None`` when it is right."""
    expected = snippet.expected
    for warning in result.warnings:
        log.info("%s:%d: 片段发出警告：%s", snippet.path, snippet.line, warning)
    if result.error:
        return f"{FAILED}\n{result.error}"
    if expected is None:
        return f"python 代码块没有写明输出。运行 `.venv/bin/kb update-output {snippet.path}` 写入"
    if result.output != expected:
        diff = difflib.unified_diff(expected.splitlines(), result.output.splitlines(),
                                    "页面写明的输出", "实际输出", lineterm="")
        return (f"{DIFFERS}。确认实际输出正确后运行 `.venv/bin/kb update-output {snippet.path}` 更新：\n"
                + "\n".join(diff))
    return None


def format_error(exc: BaseException, path: str) -> str:
    """Format ``exc`` keeping only frames from the snippet itself (no venv paths)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    lines = [f"  {path}:{f.lineno}: {f.line}" for f in frames]
    message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, SystemExit):
        message = f"SystemExit：片段调用了 sys.exit({exc.code!r})。片段必须运行到最后，请删掉这一行"
    elif isinstance(exc, MemoryError) or "can't allocate memory" in str(exc):
        message += f"（超过片段内存上限？{MEMORY_HINT}）"
    return "\n".join([*lines, message])


MEMORY_HINT = f"每个片段最多用 `memory` MiB（KB_SNIPPET_MEMORY，默认 {DEFAULT_MEMORY}）"
#: The first line of the message of a snippet that did not run to its end.
FAILED = "代码片段运行失败："
#: The start of the message of a snippet whose output is not its stated output.
DIFFERS = "代码片段的实际输出与页面写明的输出不同"
