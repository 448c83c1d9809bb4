"""Benchmark: what the site build costs, and which snippets cost it.

Run:  .venv/bin/python benchmarks/build_time.py

Builds the site twice in one run, with snippets executed and with `KB_EXECUTE=false`,
and prints both wall times, their ratio, the CPU seconds spent in snippets per topic
and the five slowest snippets (from the build's `KB_SNIPPET_REPORT`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"


def build(out: Path, **env: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(MKDOCS), "build", "--strict", "--quiet", "--site-dir", str(out)], cwd=ROOT,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "snippets.json"
        executed = build(Path(tmp) / "a", KB_SNIPPET_REPORT=str(report))
        rendered = build(Path(tmp) / "b", KB_EXECUTE="false")
        snippets = json.loads(report.read_text())
    per_topic: dict[str, float] = defaultdict(float)
    for s in snippets:
        per_topic[s["page"].split("/")[1]] += s["cpu_seconds"]
    print(f"build with {len(snippets)} snippets executed: {executed:.1f} s wall")
    print(f"build without executing them:           {rendered:.1f} s wall")
    print(f"ratio: {executed / rendered:.2f}x; snippets' CPU time: {sum(per_topic.values()):.1f} s")
    print("\nsnippet CPU seconds per topic:")
    for topic, seconds in sorted(per_topic.items(), key=lambda kv: -kv[1]):
        print(f"  {topic:15} {seconds:6.2f}")
    print("\nslowest snippets:")
    for s in sorted(snippets, key=lambda s: -s["cpu_seconds"])[:5]:
        print(f"  {s['cpu_seconds']:5.2f} s  {s['page']}:{s['line']}")


if __name__ == "__main__":
    main()
