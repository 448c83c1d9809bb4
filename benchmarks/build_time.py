"""Benchmark: what the site build costs with isolated, parallel, cached snippets.

Run:  .venv/bin/python benchmarks/build_time.py [--scale 10] [--json .cache/bench/build_time.json]

Everything runs on a copy of the project (and of the ``kb`` package, put first on
``PYTHONPATH``) in a temporary folder, so the cache starts empty and edits touch
nothing here. One run reports, as ratios measured in that run:

- render-only build (``KB_EXECUTE=false``), the baseline;
- cold build (empty ``.cache/kb``) / render-only (target <= 2.0 on 2 cores);
- warm build (every verdict cached) / render-only (target <= 1.25);
- rebuild after editing one snippet of one page, and after editing one ``kb.lab``
  helper: wall time and how many snippets ran again (exactly that page's, exactly the
  helper's importers);
- a synthetic ``--scale``x site (the pages plus verbatim copies under ``docs/copy-N/``,
  which are plain pages), cold: its time / the 1x cold time
  (target <= 11 for 10x), and the peak memory of the whole process tree while it
  builds (sum of PSS, which counts pages shared by the forked children once, and sum
  of RSS, which counts them in every child);
- CPU seconds spent in snippets per topic, and the five slowest snippets.

The machine may be shared: wall times are noisy, so read the ratios, and the load
average printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"


def copy_project(dest: Path) -> Path:
    """A buildable copy of the project at ``dest`` (with its own ``src/kb``)."""
    dest.mkdir(parents=True)
    for name in ("mkdocs.yml", "snippets", "sources", "docs"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    shutil.copytree(ROOT / "src" / "kb", dest / "src" / "kb", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def tree_memory(root_pid: int) -> tuple[int, int]:
    """(sum of PSS, sum of RSS) in KiB of ``root_pid`` and all its descendants."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(stat.parent.name))
    pss = rss = 0
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        pss += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
        rss += int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))
    return pss, rss


def build(project: Path, report: Path | None = None, strict: bool = True, **env: str) -> dict:
    """Build ``project``; wall seconds, peak tree memory and the snippet report."""
    cmd = [str(MKDOCS), "build", "--quiet", "--site-dir", str(project / "site")] + (["--strict"] if strict else [])
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "src"), **env}
    if report:
        full_env["KB_SNIPPET_REPORT"] = str(report)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]

    def sample() -> None:
        while proc.poll() is None:
            pss, rss = tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"build failed in {project}:\n{err.decode()[-3000:]}")
    snippets = json.loads(report.read_text()) if report else []
    return {"wall": wall, "pss_mib": peak[0] // 1024, "rss_mib": peak[1] // 1024, "snippets": snippets,
            "ran": sum(not s["cached"] for s in snippets)}


def scaled(project: Path, copies: int) -> None:
    """Add ``copies - 1`` verbatim copies of every question page under ``docs/copy-N``.

    Only ``docs/<topic>/*.md`` are question pages, so the copies are plain pages: not in
    the nav (a warning), not in the id and source checks; their snippets all run.
    """
    pages = [p for p in (project / "docs").glob("*/*.md") if p.parent.name != "assets"]
    for n in range(1, copies):
        for page in pages:
            dest = project / "docs" / f"copy-{n}" / page.relative_to(project / "docs")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(page, dest)


def edit_one_snippet(project: Path) -> str:
    """Add a comment to the first snippet of one page; that page's path."""
    page = project / "docs" / "generalization" / "overfitting.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("```python\n", "```python\n# edited\n", 1), encoding="utf-8")
    return page.relative_to(project).as_posix()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="size of the synthetic site (0: skip it)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    results: dict = {"load_before": os.getloadavg(), "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        one = copy_project(Path(tmp) / "one")
        render = build(one, KB_EXECUTE="false")["wall"]
        cold = build(one, Path(tmp) / "cold.json")
        warm = build(one, Path(tmp) / "warm.json")
        edited = edit_one_snippet(one)
        page_edit = build(one, Path(tmp) / "page.json")
        toy = one / "src" / "kb" / "lab" / "toy.py"
        toy.write_text(toy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        helper_edit = build(one, Path(tmp) / "helper.json")
        importers = sum("kb.lab.toy" in p.read_text(encoding="utf-8") for p in (one / "docs").rglob("*.md"))
        results.update(render=render, cold=cold["wall"], warm=warm["wall"], snippets=len(cold["snippets"]),
                       cold_pss_mib=cold["pss_mib"], page_edit=page_edit["wall"], page_edit_ran=page_edit["ran"],
                       page_edit_page=edited, helper_edit=helper_edit["wall"], helper_edit_ran=helper_edit["ran"],
                       pages_importing_toy=importers, warm_ran=warm["ran"])
        if args.scale > 1:
            big = copy_project(Path(tmp) / "big")
            scaled(big, args.scale)
            large = build(big, Path(tmp) / "big.json", strict=False)  # copies are not in the nav: warnings
            results.update(scaled=large["wall"], scaled_snippets=len(large["snippets"]), scaled_ran=large["ran"],
                           scaled_pss_mib=large["pss_mib"], scaled_rss_mib=large["rss_mib"])
    results["load_after"] = os.getloadavg()
    report(results, cold["snippets"], args.scale)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


def report(r: dict, snippets: list[dict], scale: int) -> None:
    print(f"{r['cores']} cores; load average before {r['load_before'][0]:.2f}, after {r['load_after'][0]:.2f}")
    print(f"render only (KB_EXECUTE=false):      {r['render']:6.1f} s")
    print(f"cold build, {r['snippets']} snippets run:      {r['cold']:6.1f} s  {r['cold'] / r['render']:.2f}x render"
          f"  (peak PSS {r['cold_pss_mib']} MiB)")
    print(f"warm build, {r['warm_ran']} snippets run:        {r['warm']:6.1f} s  {r['warm'] / r['render']:.2f}x render")
    print(f"one snippet of {r['page_edit_page']} edited: {r['page_edit']:6.1f} s, {r['page_edit_ran']} snippet(s) ran")
    print(f"kb/lab/toy.py edited: {r['helper_edit']:6.1f} s, {r['helper_edit_ran']} snippet(s) ran "
          f"({r['pages_importing_toy']} page(s) import kb.lab.toy)")
    if scale > 1:
        print(f"{scale}x site, {r['scaled_snippets']} snippets ({r['scaled_ran']} run), cold: {r['scaled']:6.1f} s  "
              f"{r['scaled'] / r['cold']:.2f}x the 1x cold build; peak PSS {r['scaled_pss_mib']} MiB, "
              f"RSS sum {r['scaled_rss_mib']} MiB")
    per_topic: dict[str, float] = defaultdict(float)
    for s in snippets:
        per_topic[s["page"].split("/")[1]] += s["cpu_seconds"]
    print(f"\nsnippets' CPU time: {sum(per_topic.values()):.1f} s; per topic:")
    for topic, seconds in sorted(per_topic.items(), key=lambda kv: -kv[1]):
        print(f"  {topic:15} {seconds:6.2f}")
    print("\nslowest snippets:")
    for s in sorted(snippets, key=lambda s: -s["cpu_seconds"])[:5]:
        print(f"  {s['cpu_seconds']:5.2f} s  {s['page']}:{s['line']}")


if __name__ == "__main__":
    main()
