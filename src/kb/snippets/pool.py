"""The parent's side of the zygote: submit snippets, get futures of their results.

A :class:`Pool` starts ``python -m kb.snippets.zygote`` (see there for the isolation and
the limits), writes requests to its stdin and resolves futures from its stdout on a
reader thread. Submitting never blocks (a writer thread feeds the zygote's stdin, whose
pipe holds 64 KiB while the zygote is still importing torch); the zygote runs ``workers``
children at a time, so a build can submit every snippet of the site as soon as the pages
are known.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future

from kb.snippets.runner import Limits, SnippetResult

#: The error of a run the pool can no longer make.
STOPPED = "运行片段的进程池已经停止"


class Pool:
    """One warm zygote and the futures of the runs it has not answered yet.

    Args:
        workers: Children run at once (default: one per core).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kb.snippets.zygote", str(self.workers)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": "0"})
        self._ids = itertools.count()
        self._futures: dict[int, Future] = {}
        self._lock = threading.Lock()
        self.ready = threading.Event()
        #: The largest resident size of any child so far, in MiB (for the benchmark).
        self.peak_rss_mb = 0
        self._requests: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._stopped = False  # set by close() and when the zygote dies: later runs fail at once
        self._reader = threading.Thread(target=self._read, name="kb-snippet-pool", daemon=True)
        self._reader.start()
        self._writer = threading.Thread(target=self._write, name="kb-snippet-pool-writer", daemon=True)
        self._writer.start()

    def submit(self, code: str, *, path: str, first_line: int, limits: Limits) -> Future:
        """Queue one run; the future's result is a :class:`SnippetResult`."""
        future: Future = Future()
        with self._lock:
            if self._stopped:
                future.set_result(SnippetResult("", STOPPED))
                return future
            request_id = next(self._ids)
            self._futures[request_id] = future
            request = {"id": request_id, "code": code, "path": path, "first_line": first_line,
                       "timeout": limits.timeout, "memory": limits.memory}
            self._requests.put((json.dumps(request) + "\n").encode())
        return future

    def _write(self) -> None:
        while (request := self._requests.get()) is not None:
            if self._stopped:  # closing: the zygote would drop what is still queued anyway
                continue
            try:
                self.proc.stdin.write(request)
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):  # the zygote died: the reader fails what is owed
                return
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def _read(self) -> None:
        for line in self.proc.stdout:
            message = json.loads(line)
            if message.get("ready"):
                self.ready.set()
                continue
            self.peak_rss_mb = max(self.peak_rss_mb, message.get("max_rss_mb", 0))
            with self._lock:
                future = self._futures.pop(message["id"])
            future.set_result(SnippetResult(message["output"], message["error"], tuple(message["warnings"]),
                                            message["cpu_seconds"], tuple(message["modules"])))
        self.ready.set()
        with self._lock:  # the zygote died: fail what it still owed, never hang
            self._stopped = True
            owed, self._futures = self._futures, {}
        for future in owed.values():
            future.set_result(SnippetResult("", f"{STOPPED}（退出状态 {self.proc.wait()}）"))

    def close(self) -> None:
        """Stop the zygote (running children are killed) and wait for it."""
        with self._lock:
            self._stopped = True
        self._requests.put(None)  # the writer then closes the zygote's stdin
        self._writer.join(timeout=10)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)


__all__ = ["Pool"]
