"""Benchmark: the in-process DDP page, run again and again, must never hang.

Run:  .venv/bin/python benchmarks/ddp_repeat.py [--rounds 20] [--page docs/distributed/distributed-training.md]

Before snippets ran in fresh processes, 1 build in 7 deadlocked in this page's gloo
snippet. Each round runs every snippet of the page fresh (no cache), each in its own
child of the warm zygote, as a build does; a round that hangs is stopped by the
wall-clock limit and counted as a failure. Prints rounds passed, failures with their
message, and the slowest round's wall time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kb.content.pages import load_page
from kb.snippets.executor import Executor
from kb.snippets.runner import Limits, Snippet

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--page", default="docs/distributed/distributed-training.md")
    args = parser.parse_args()
    page = load_page(ROOT / args.page, ROOT / "docs")
    snippets = [Snippet(b.code, b.expected_output, page.path, b.lineno) for b in page.snippets()]
    with tempfile.TemporaryDirectory() as cache_root:
        executor = Executor(Path(cache_root), Limits(), cache=False)
        failures, walls = [], []
        for round_ in range(args.rounds):
            executor.refresh()  # forget this process's verdicts: every round runs every snippet again
            start = time.perf_counter()
            verdicts = [executor.submit(s) for s in snippets]
            for snippet, verdict in zip(snippets, verdicts):
                problem = verdict.result().problem
                if problem:
                    failures.append(f"round {round_ + 1}: {snippet.path}:{snippet.line}: {problem}")
            walls.append(time.perf_counter() - start)
        executor.close()
    print(f"{args.page}: {len(snippets)} snippets x {args.rounds} rounds; "
          f"{args.rounds - len({f.split(':')[0] for f in failures})} rounds passed, {len(failures)} failure(s); "
          f"slowest round {max(walls):.1f} s, median {sorted(walls)[len(walls) // 2]:.1f} s")
    for failure in failures:
        print(failure)
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
