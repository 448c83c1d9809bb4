"""CONTRIBUTING, README and the import record keep their promises: examples pass, quoted facts come from the code."""

import re
import shutil
import subprocess

import pytest

from conftest import BIN, ROOT
from kb.cli import build_parser, main
from kb.project import Project

DOCS = {name: (ROOT / name).read_text(encoding="utf-8")
        for name in ("README.md", "CONTRIBUTING.md", "benchmarks/import_quality.md")}
EXAMPLE = re.compile(r"^````markdown\n(.*?)^````$", re.M | re.S)


@pytest.fixture
def scratch(tmp_path):
    """A copy of the real project's pages, bank and mapping (no built assets)."""
    root = tmp_path / "scratch"
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("assets"))
    shutil.copytree(ROOT / "sources", root / "sources")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def place(root, example):
    """Put one CONTRIBUTING example where a contributor would: front matter or a page body."""
    project = Project(root)
    if example.startswith("corrections:"):
        source = re.search(r'source: "([^"]+)"', example)[1]
        path = project.docs / project.entries[source].page
        text = path.read_text(encoding="utf-8")
        items = example.split("\n", 1)[1]
        if re.search(r"^corrections:\s*\n", text, re.M):
            text = re.sub(r"^corrections:\s*\n", lambda m: m.group() + items, text, count=1, flags=re.M)
        else:
            text = text.replace("\n---\n", "\n" + example.rstrip() + "\n---\n", 1)
    else:
        path = project.docs / "training" / "lr-schedules.md"
        text = path.read_text(encoding="utf-8").replace("## 面试追问", example + "\n## 面试追问", 1)
    path.write_text(text, encoding="utf-8")
    return path


def test_contributing_has_markdown_examples():
    assert len(EXAMPLE.findall(DOCS["CONTRIBUTING.md"])) >= 3


@pytest.mark.parametrize("n", range(len(EXAMPLE.findall(DOCS["CONTRIBUTING.md"]))))
def test_every_contributing_example_passes_kb_check(scratch, capsys, n):
    example = EXAMPLE.findall(DOCS["CONTRIBUTING.md"])[n]
    path = place(scratch, example)
    code = main(["--root", str(scratch), "check", "--no-duplicates"])
    out = capsys.readouterr().out
    assert (code, out) == (0, ""), f"example {n} in {path.name}:\n{example}\n{out}"


def test_a_missing_anchor_lists_the_real_anchors_nearest_first(scratch, capsys):
    # Measured: CONTRIBUTING's old example `../training/lr-schedules.md#预热` failed with no hint.
    path = scratch / "docs/training/optimizers.md"
    if not path.exists():
        path = next(p for p in (scratch / "docs/training").glob("*.md") if p.name != "lr-schedules.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## 面试追问", "见[预热](lr-schedules.md#预热)。\n\n## 面试追问", 1),
                    encoding="utf-8")
    line = next(n for n, t in enumerate(path.read_text().split("\n"), 1) if "#预热)" in t)
    assert main(["--root", str(scratch), "check", "--no-duplicates"]) == 1
    out = capsys.readouterr().out
    assert (f"docs/training/{path.name}:{line}: 失效的链接 lr-schedules.md#预热：页面里没有锚点 #预热。"
            "该页的锚点（最接近的在前）：#预热为什么对-transformer-和大批量重要、") in out, out
    assert "锚点由标题生成：英文字母一律小写，空格变成 -，中文保留（pymdownx.slugs）" in out


def test_the_paths_the_docs_quote_exist():
    quoted = {p for text in DOCS.values() for p in re.findall(r"`((?:src|tests|docs|sources|benchmarks)/[^`*<\s]+)`",
                                                              text)}
    assert "src/kb/content/schema.py" in quoted
    missing = [p for p in quoted if not (ROOT / p).exists()]
    assert missing == []


def test_the_modules_the_docs_quote_exist():
    import importlib.util

    quoted = {m for text in DOCS.values() for m in re.findall(r"`(kb(?:\.\w+)+)`", text)}
    modules = {m for m in quoted if m.rsplit(".", 1)[1] not in {"pdf", "md", "yml", "txt", "json"}}  # files
    assert "kb.site.fence" in modules
    assert [m for m in modules if importlib.util.find_spec(m) is None] == []


def test_the_make_targets_the_docs_quote_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    quoted = {t for text in DOCS.values() for t in re.findall(r"\bmake ([a-z][\w-]*)", text)}
    assert {"serve", "test", "check"} <= quoted
    assert quoted - targets == set()


def test_the_kb_commands_and_options_the_docs_quote_exist():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices
    for text in DOCS.values():
        for cmd, rest in re.findall(r"\bkb ([a-z][\w-]*)((?:[ \t]+(?:\\\n\s*)?[^\s`|]+)*)", text):
            if cmd in ("check", "new", "sources", "import", "ingest", "update-output", "schema") or cmd in sub:
                assert cmd in sub, cmd
                options = {o for a in sub[cmd]._actions for o in a.option_strings}
                for option in re.findall(r"(--[a-z][\w-]*)", rest):
                    assert option in options, (cmd, option)


def test_the_environment_variables_the_docs_quote_are_read_somewhere():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    code += (ROOT / "mkdocs.yml").read_text(encoding="utf-8") + (ROOT / "Makefile").read_text(encoding="utf-8")
    quoted = {v for text in DOCS.values() for v in re.findall(r"\b(KB_[A-Z_]+)=?", text)}
    assert "KB_REPO" in quoted
    assert [v for v in quoted if v not in code] == []


def test_the_snippet_limits_the_docs_quote_are_the_codes():
    from kb.snippets import runner

    cpu = runner.DEFAULT_TIMEOUT
    wall = cpu * runner.WALL_FACTOR
    for name in ("README.md", "CONTRIBUTING.md"):  # the two that explain snippets
        text = DOCS[name]
        stated = re.findall(r"超过 (\d+(?:\.\d+)?) 秒 CPU 时间或 (\d+(?:\.\d+)?) 秒墙钟时间", text)
        assert stated, f"{name} does not state the snippet limits"
        assert {(float(a), float(b)) for a, b in stated} == {(cpu, wall)}, name
        for line in text.split("\n"):  # no other number of seconds next to the timeout setting
            if "KB_SNIPPET_TIMEOUT" in line:
                assert {float(s) for s in re.findall(r"(\d+(?:\.\d+)?) ?秒", line)} <= {cpu, wall, 2.0}, line


def test_make_check_lints_and_requires_docstrings_on_public_helpers():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^check:.*\n((?:\t.*\n)+)", makefile, re.M)[1]
    assert "kb check" in recipe and "ruff check src tests" in recipe
    result = subprocess.run([str(BIN / "ruff"), "check", "--stdin-filename", "src/kb/lab/helper.py", "-"],
                            input='"""Helpers."""\n\n\ndef toy(n):\n    return n\n', text=True,
                            capture_output=True, cwd=ROOT)
    assert result.returncode == 1 and "D103" in result.stdout, result.stdout
