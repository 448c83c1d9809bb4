"""The warm parent: imports the heavy libraries once, then forks one child per snippet.

Started by :class:`kb.snippets.pool.Pool` as ``python -m kb.snippets.zygote WORKERS``.
It reads one JSON request a line on stdin, runs at most ``WORKERS`` children at a
time, and writes one JSON result a line on stdout, in the order the children end.

Why a hand-rolled ``os.fork`` zygote rather than ``multiprocessing``'s forkserver:
the zygote is the direct parent of every child, so ``os.wait4`` gives it the child's
exit status *and* its CPU time, which is how a C-level busy loop killed by
``RLIMIT_CPU`` is told apart from any other ``SIGKILL``. Forking is safe because the
zygote is single-threaded when it forks: the BLAS/OpenMP pools are limited to one
thread through the environment before numpy and torch are imported, so no pool thread
exists (checked at start-up), and whatever threads a snippet starts (gloo, DataLoader)
die with its child.

Every child gets, before the snippet runs: its own process group, ``RLIMIT_CPU`` a
second above the CPU limit (the in-process ``ITIMER_PROF`` limit stops Python code
with a traceback first; the rlimit stops C code), and ``RLIMIT_DATA`` at the memory
limit (a 4 GB ``np.zeros`` fails at allocation with ``MemoryError``, even before its
pages are touched, which a resident-size poll would miss). The zygote kills a child's
process group when it outlives the wall-clock limit.
"""

from __future__ import annotations

import gc
import importlib.abc
import json
import math
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy/torch load: no thread pools exist when we fork

from kb.snippets import runner  # noqa: E402

#: The zygote kills a child this many seconds after its in-process wall-clock limit.
WALL_GRACE = 2.0
KB_ROOT = Path(runner.__file__).resolve().parents[1]


def kb_files(names) -> set[str]:
    """The files, relative to the package, of the imported ``kb`` modules among ``names``."""
    found = set()
    for name in names:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and Path(file).resolve().is_relative_to(KB_ROOT):
            found.add(Path(file).resolve().relative_to(KB_ROOT).as_posix())
    return found


class KbImports(importlib.abc.MetaPathFinder):
    """Notes every ``kb`` module a child imports; finds nothing itself.

    Installed in the warm parent, so each child starts with an empty list. Walking
    ``sys.modules`` in the child instead would touch the 3,000 module objects torch
    loads, and every touch of a page shared with the parent is a copy-on-write fault:
    14 ms of CPU per snippet.
    """

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, name, path=None, target=None):  # noqa: D102 - the finder protocol
        if name == "kb" or name.startswith("kb."):
            self.names.append(name)
        return None


#: The kb files imported by the warm parent, and the finder that notes a child's (set in ``main``).
_WARM: tuple[str, ...] = ()
_IMPORTS = KbImports()


def kb_modules() -> tuple[str, ...]:
    """Files of the ``kb`` package this process has imported, relative to the package."""
    return tuple(sorted(set(_WARM) | kb_files(_IMPORTS.names)))


def child(request: dict, result_path: Path, closing: list[int]) -> None:
    """Run one snippet in this (forked) process, write its result, and end without cleanup."""
    me = os.getpid()
    try:
        signal.set_wakeup_fd(-1)
        for fd in closing:
            os.close(fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # the zygote's stdin is the protocol: a snippet reading input gets EOF
        os.close(devnull)
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        os.setpgid(0, 0)
        cpu = math.ceil(request["timeout"]) + 1
        if request["timeout"] > 0:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if request["memory"] > 0:
            limit = request["memory"] * 2**20
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        result = runner.run_snippet(request["code"], path=request["path"],
                                    first_line=request["first_line"], timeout=request["timeout"])
        if os.getpid() != me:  # a process the snippet forked came back here: not ours to report
            os._exit(0)
        data = {"output": result.output, "error": result.error, "warnings": list(result.warnings),
                "modules": list(kb_modules())}
        tmp = result_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.rename(result_path)
    finally:
        # No atexit handlers, no thread joins, no destructors: nothing the snippet left
        # behind (a gloo process group, a DataLoader worker) can hang the end of the run.
        os._exit(0)


def ending(request: dict, status: int, cpu: float, killed: bool) -> str:
    """What stopped a child that wrote no result, as the text after :data:`kb.snippets.runner.FAILED`."""
    timeout = request["timeout"]
    if killed:
        wall = timeout * runner.WALL_FACTOR
        return (f"片段运行超过 {wall:g} 秒墙钟时间，已被终止（上限见 KB_SNIPPET_TIMEOUT）。"
                "片段在等什么？请去掉 sleep、网络或读输入")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL) and timeout > 0 and cpu >= timeout:
            return (f"SnippetTimeout：片段在 C 代码里运行超过 {timeout:g} 秒 CPU 时间，已被终止"
                    "（上限见 KB_SNIPPET_TIMEOUT）。请减少数据量或迭代次数")
        return (f"片段的进程被信号 {signal.Signals(sig).name}（{signal.strsignal(sig)}）终止。"
                "片段让解释器崩溃了（ctypes？越界访问？），请改掉那一行")
    code = os.WEXITSTATUS(status)
    return (f"片段在运行完之前以退出状态 {code} 结束了自己的进程（os._exit？）。"
            "片段必须运行到最后，请删掉结束进程的那一行")


class Zygote:
    """The event loop: queue requests, fork children, reap them, enforce wall-clock limits."""

    def __init__(self, workers: int, out) -> None:
        self.workers = max(1, workers)
        self.out = out
        self.queue: deque[dict] = deque()
        self.running: dict[int, tuple[dict, float, float]] = {}  # pid -> (request, deadline, start)
        self.killed: set[int] = set()
        self.tmp = Path(tempfile.mkdtemp(prefix="kb-zygote-"))
        self.buffer = b""
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select() when a child ends
        self.fds = [self.wake_r, wake_w, out.fileno()]

    def serve(self) -> None:
        """Run until stdin closes, then kill what is still running."""
        stdin = sys.stdin.fileno()
        open_input = True
        try:
            while open_input or self.queue or self.running:
                self.start()
                deadlines = [d for _, d, _ in self.running.values()]
                wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
                readable, _, _ = select.select([stdin, self.wake_r] if open_input else [self.wake_r],
                                               [], [], wait)
                if stdin in readable:
                    open_input = self.read(stdin)
                if self.wake_r in readable:
                    os.read(self.wake_r, 4096)
                self.reap()
                self.enforce()
                if not open_input:  # the parent went away: nobody wants the rest
                    self.queue.clear()
                    for pid in list(self.running):
                        self.kill(pid)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def read(self, fd: int) -> bool:
        """Queue the requests that arrived; ``False`` once stdin is closed."""
        chunk = os.read(fd, 1 << 16)
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        self.queue.extend(json.loads(line) for line in lines if line.strip())
        return bool(chunk)

    def start(self) -> None:
        """Fork children for queued requests, up to ``workers`` at a time."""
        while self.queue and len(self.running) < self.workers:
            request = self.queue.popleft()
            path = self.tmp / f"{request['id']}.json"
            pid = os.fork()
            if pid == 0:
                child(request, path, self.fds)
            wall = request["timeout"] * runner.WALL_FACTOR + WALL_GRACE if request["timeout"] > 0 else math.inf
            now = time.monotonic()
            self.running[pid] = (request, now + wall, now)

    def kill(self, pid: int) -> None:
        """Kill a child and everything it started (its process group)."""
        self.killed.add(pid)
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except ProcessLookupError:
                pass

    def enforce(self) -> None:
        """Kill the children past their wall-clock deadline."""
        now = time.monotonic()
        for pid, (_, deadline, _) in list(self.running.items()):
            if now >= deadline and pid not in self.killed:
                self.kill(pid)

    def reap(self) -> None:
        """Report every child that has ended, with its CPU time."""
        while self.running:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid not in self.running:
                continue
            request, _, _ = self.running.pop(pid)
            killed = pid in self.killed
            self.killed.discard(pid)
            try:  # whatever the snippet started and left running: its process group outlives it
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            cpu = usage.ru_utime + usage.ru_stime
            path = self.tmp / f"{request['id']}.json"
            if path.exists() and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                data = json.loads(path.read_text(encoding="utf-8"))
                path.unlink()
            else:
                data = {"output": "", "error": ending(request, status, cpu, killed),
                        "warnings": [], "modules": []}
            data.update(id=request["id"], cpu_seconds=round(cpu, 3), max_rss_mb=usage.ru_maxrss // 1024)
            self.out.write(json.dumps(data) + "\n")
            self.out.flush()


def main() -> None:
    """Warm up, say so, then serve requests until stdin closes."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # C-level writes of a snippet go to the build's stderr, never into the protocol
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which closes our stdin
    runner.warm_up()
    import kb  # noqa: F401

    # Children import kb's helpers from source and write no .pyc: under `mkdocs serve`,
    # which watches src/kb, a fresh .pyc would trigger one more rebuild.
    sys.dont_write_bytecode = True

    global _WARM
    _WARM = tuple(sorted(kb_files(list(sys.modules))))
    sys.meta_path.insert(0, _IMPORTS)
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
    gc.collect()
    gc.freeze()  # the warm heap stays shared with the children instead of being copied on write
    out.write(json.dumps({"ready": True, "threads": threads}) + "\n")
    out.flush()
    Zygote(int(sys.argv[1]) if len(sys.argv) > 1 else os.cpu_count() or 1, out).serve()


if __name__ == "__main__":
    main()
