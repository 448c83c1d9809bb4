"""The verdict cache: reused across processes, invalidated by contents, never by mtimes."""

import json
import os
import shutil
import time

import pytest

from conftest import BIN, GOOD_PAGE, ROOT, run
from test_build import page_with


@pytest.fixture
def cached_project(mini_project, tmp_path):
    """The mini project, a page importing kb.lab.toy, and a private copy of the kb package."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "kb", src / "kb", ignore=shutil.ignore_patterns("__pycache__"))
    (mini_project / "docs/generalization/toy.md").write_text(page_with(
        "toy", ("from kb.lab.toy import make_noisy_sine\nprint(callable(make_noisy_sine))\n", "True")),
        encoding="utf-8")
    return mini_project, src


def build(project, src, **env):
    """Build the site against the kb copy; which question snippets ran (page -> ran, not cached)."""
    report = project / "report.json"
    result = run([str(BIN / "mkdocs"), "build", "--strict"], project,
                 {"PYTHONPATH": str(src), "KB_SNIPPET_REPORT": str(report), **env})
    ran = {e["page"].split("/")[-1]: not e["cached"] for e in json.loads(report.read_text())
           if e["page"].startswith("docs/generalization/")} if report.exists() else {}
    return result, ran


def test_verdicts_are_reused_and_invalidated_by_contents_only(cached_project):
    project, src = cached_project
    result, ran = build(project, src)
    assert result.returncode == 0, result.stderr
    assert ran == {"overfitting.md": True, "toy.md": True}
    assert build(project, src)[1] == {"overfitting.md": False, "toy.md": False}  # a new process reuses them

    for path in (src / "kb").rglob("*.py"):  # a fresh clone, a `touch`: new mtimes, same contents
        os.utime(path)
    assert build(project, src)[1] == {"overfitting.md": False, "toy.md": False}

    toy = src / "kb" / "lab" / "toy.py"
    toy.write_text(toy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert build(project, src)[1] == {"overfitting.md": False, "toy.md": True}  # only its importer

    page = project / "docs/generalization/overfitting.md"
    page.write_text(GOOD_PAGE.replace("print(1 + 1)", "print(1 + 2)").replace("    2\n", "    3\n"),
                    encoding="utf-8")
    result, ran = build(project, src)
    assert ran == {"overfitting.md": True, "toy.md": False}
    assert result.returncode == 0, result.stderr

    assert build(project, src, KB_SNIPPET_CACHE="off")[1] == {"overfitting.md": True, "toy.md": True}


def test_failures_are_recorded_but_always_run_again(cached_project):
    project, src = cached_project
    page = project / "docs/generalization/overfitting.md"
    page.write_text(GOOD_PAGE.replace("    2\n", "    5\n"), encoding="utf-8")
    for _ in range(2):
        result, ran = build(project, src)
        assert result.returncode != 0 and ran["overfitting.md"] is True
    checked = run([str(BIN / "kb"), "check", "--no-duplicates"], project, {"PYTHONPATH": str(src)})
    assert checked.returncode == 1
    line = GOOD_PAGE.split("\n").index("```python") + 1
    differs = "上次运行时代码片段的实际输出与页面写明的输出不同"
    assert f"docs/generalization/overfitting.md:{line}: {differs}" in checked.stdout


def test_kb_check_names_the_snippets_it_cannot_vouch_for(cached_project):
    project, src = cached_project
    checked = run([str(BIN / "kb"), "check", "--no-duplicates"], project, {"PYTHONPATH": str(src)})
    assert checked.returncode == 0, checked.stdout + checked.stderr
    line = GOOD_PAGE.split("\n").index("```python") + 1
    assert f"docs/generalization/overfitting.md:{line}: 无法担保" in checked.stderr
    assert "2 个代码片段未经担保" in checked.stderr
    assert build(project, src)[0].returncode == 0
    checked = run([str(BIN / "kb"), "check", "--no-duplicates"], project, {"PYTHONPATH": str(src)})
    assert "无法担保：" not in checked.stderr and "0 个代码片段未经担保" in checked.stderr


def test_prune_removes_entries_unused_for_a_month_and_a_hit_counts_as_use(tmp_path):
    from kb.snippets.cache import SnippetCache
    from kb.snippets.runner import Limits, Snippet

    cache = SnippetCache(tmp_path, Limits())
    used, stale, fresh = (Snippet(f"print({n})", f"{n}\n", "docs/x.md", n) for n in range(3))
    for snippet in (used, stale, fresh):
        cache.put(snippet, None, 0.1, ("snippets/runner.py",))
    month_ago = time.time() - 40 * 24 * 3600
    for snippet in (used, stale):
        os.utime(cache._file(snippet), (month_ago, month_ago))
    assert cache.get(used) is not None  # a hit: the entry is in use again
    assert cache.prune() == 1
    assert cache.get(stale) is None and cache.get(used) is not None and cache.get(fresh) is not None
