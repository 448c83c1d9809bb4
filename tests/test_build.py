"""The site build: snippets run and are checked, problems fail it with page and line."""

import json
import re
import sys
from pathlib import Path

import pytest
from pytest_codeblocks.main import extract_from_file

from conftest import BIN, GOOD_PAGE, ROOT, run

BROKEN = {
    # name: (snippet source, stated output, expected message, what the message must also say)
    "raises": ("x = 1\nraise ValueError('boom')\n", "", "代码片段运行失败", "ValueError: boom"),
    "hangs": ("while True:\n    pass\n", "", "代码片段运行失败", "SnippetTimeout: 片段运行超过"),
    "exits": ("import sys\nsys.exit(0)\n", "", "代码片段运行失败", "调用了 sys.exit(0)"),
    "os-exits": ("import os\nos._exit(0)\n", "", "代码片段运行失败", "以退出状态 0 结束了自己的进程"),
    # Stopped by RLIMIT_CPU, or by the wall-clock limit first when the machine is busy.
    "busy-in-c": ("sum(range(10**12))\n", "", "代码片段运行失败", "秒 CPU 时间，已被终止"),
    "allocates": ("import numpy as np\nx = np.ones(4 * 10**9, dtype=np.uint8)\n", "", "代码片段运行失败",
                  "MemoryError"),
    "segfaults": ("import ctypes\nctypes.string_at(0)\n", "", "代码片段运行失败", "信号 SIGSEGV"),
    "drifts": ("print(2 + 2)\n", "5\n", "代码片段的实际输出与页面写明的输出不同", "+4"),
}


def broken_page(name, code, stated):
    body = (GOOD_PAGE.replace("id: overfitting", f"id: {name}").replace("什么是过拟合？", f"坏例子 {name}")
            .replace("[泛化差]", f"[{name} 怎么问]"))  # a wording belongs to one page
    body = body.replace("difficulty: 基础\n", "difficulty: 基础\norigin: written\n")  # no raw item of its own
    stated_block = "\n".join(f"    {line}" for line in stated.splitlines()) or "    "
    return body.replace("print(1 + 1)\n", code).replace("    2\n", stated_block + "\n")


@pytest.fixture
def broken_project(mini_project):
    for name, (code, stated, _, _) in BROKEN.items():
        (mini_project / f"docs/generalization/{name}.md").write_text(
            broken_page(name, code, stated), encoding="utf-8")
    return mini_project


def fence_line(path):
    return next(n for n, line in enumerate(Path(path).read_text().split("\n"), 1)
                if line == "```python")


def problem_messages(log: str) -> dict[str, str]:
    """Each reported problem's text (up to the next one), by its ``path:line``."""
    found = re.findall(r"^(?:ERROR\s+-\s+)?(docs/\S+?\.md:\d+): (.*?)(?=^(?:ERROR|INFO|WARNING)\b|\Z)",
                       log, re.M | re.S)
    return dict(found)


def test_every_way_a_snippet_can_end_fails_the_build_with_page_and_line(broken_project, tmp_path):
    report = tmp_path / "snippets.json"
    result = run([str(BIN / "mkdocs"), "build"], broken_project,
                 {"KB_SNIPPET_TIMEOUT": "2", "KB_SNIPPET_REPORT": str(report)})
    assert result.returncode != 0  # not strict, and still a failure
    problems = problem_messages(result.stderr)
    for name, (_, _, message, detail) in BROKEN.items():
        path = f"docs/generalization/{name}.md"
        line = fence_line(broken_project / path)
        assert problems.get(f"{path}:{line}", "").startswith(message), (name, result.stderr)
        assert detail in problems[f"{path}:{line}"], (name, problems[f"{path}:{line}"])
    raising = fence_line(broken_project / "docs/generalization/raises.md") + 2
    assert f"docs/generalization/raises.md:{raising}" in result.stderr  # the raising line itself
    assert f"页面中有 {len(BROKEN)} 个问题" in result.stderr  # the good page passed; every bad one is listed
    cpu = {e["page"]: e["cpu_seconds"] for e in json.loads(report.read_text())}
    assert cpu["docs/generalization/busy-in-c.md"] <= 2 + 2  # killed one second after the limit


def test_broken_snippets_fail_pytest_codeblocks_with_page_and_line(broken_project):
    result = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--codeblocks",
                  "-o", "addopts=", "docs/generalization"], broken_project,
                 {"KB_SNIPPET_TIMEOUT": "2"})
    assert result.returncode == 1
    for name, (_, _, message, detail) in BROKEN.items():
        path = f"docs/generalization/{name}.md"
        line = fence_line(broken_project / path)
        assert f"FAILED {path}::line {line}" in result.stdout, result.stdout
        assert f"{path}:{line}: {message}" in result.stdout and detail in result.stdout, name
    assert "1 passed" in result.stdout  # the good page


def page_with(name: str, *blocks: tuple[str, str]) -> str:
    """A valid question page whose 代码 section holds ``blocks`` (source, stated output)."""
    code = "\n".join(f"```python\n{src}```\n\n<!--pytest-codeblocks:expected-output-->\n"
                     f"???+ success \"输出\"\n\n    ```text\n    {out}\n    ```\n" for src, out in blocks)
    start, end = GOOD_PAGE.index("```python"), GOOD_PAGE.index("## 面试追问")
    page = GOOD_PAGE[:start] + code + "\n" + GOOD_PAGE[end:]
    page = page.replace("difficulty: 基础\n", "difficulty: 基础\norigin: written\n")  # no raw item of its own
    return (page.replace("id: overfitting", f"id: {name}").replace("什么是过拟合？", f"例子 {name}")
            .replace("[泛化差]", f"[{name} 怎么问]"))  # a wording belongs to one page


def test_what_a_snippet_changes_in_its_process_reaches_no_other_snippet(mini_project):
    docs = mini_project / "docs/generalization"
    (docs / "a-chdir.md").write_text(page_with("a-chdir", ("import os\nos.chdir('/')\nprint(os.getcwd())\n", "/")),
                                     encoding="utf-8")
    (docs / "dtype.md").write_text(page_with(
        "dtype",
        ("import torch\ntorch.set_default_dtype(torch.float64)\nprint(torch.zeros(1).dtype)\n", "torch.float64"),
        ("import warnings, sys\nwarnings.simplefilter('error')\nsys.path.insert(0, '/nowhere')\n"
         "import numpy\nnumpy.mean = None\nprint(1)\n", "1"),
        ("import sys, warnings, numpy, torch\nprint(torch.zeros(1).dtype, '/nowhere' in sys.path, "
         "warnings.filters[0][0] == 'error', callable(numpy.mean))\n", "torch.float32 False False True"),
    ), encoding="utf-8")
    built = run([str(BIN / "mkdocs"), "build", "--strict"], mini_project)
    assert built.returncode == 0, built.stderr  # the pages after the chdir still build
    tested = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--codeblocks",
                  "-o", "addopts=", "docs/generalization"], mini_project, {"KB_SNIPPET_CACHE": "off"})
    assert "5 passed" in tested.stdout, tested.stdout


def test_bad_front_matter_unknown_tag_and_broken_link_fail_the_build(mini_project):
    page = mini_project / "docs/generalization/overfitting.md"
    page.write_text(GOOD_PAGE.replace("[过拟合]", "[过拟合, 玄学]") + "\n[坏链接](nope.md)\n",
                    encoding="utf-8")
    result = run([str(BIN / "mkdocs"), "build"], mini_project)
    assert result.returncode != 0
    assert "docs/generalization/overfitting.md:5: 未知的标签 '玄学'" in result.stderr
    line = GOOD_PAGE.count("\n") + 2
    assert f"docs/generalization/overfitting.md:{line}: 失效的链接 nope.md：没有这个页面" in result.stderr


def test_fence_count_equals_collected_equals_executed(project, built_site):
    written = sum(line == "```python" for p in project.docs.rglob("*.md")
                  for line in (x.strip() for x in p.read_text(encoding="utf-8").split("\n")))
    collected = sum(b.syntax == "python" for p in project.docs.rglob("*.md")
                    for b in extract_from_file(p))
    executed = built_site["executed"]
    assert written == collected == len(executed)
    assert all(e["ok"] for e in executed)
    assert written > 0


def test_built_html_loads_nothing_from_other_hosts(built_site):
    # <link rel="canonical"> names the public URL and loads nothing; everything else counts.
    external = re.compile(r"<(?:link(?![^>]*rel=\"canonical\")|script)\b[^>]*(?:href|src)=\"(?:https?:)?//", re.I)
    offenders = [str(p.relative_to(built_site["dir"])) for p in built_site["dir"].rglob("*.html")
                 if external.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert not any("fonts.googleapis" in p.read_text(encoding="utf-8")
                   for p in built_site["dir"].rglob("*.html"))


# The search index's segmentation is tested in tests/test_search.py (test_index_is_segmented).


def test_generated_pages_and_sections_exist(built_site, project):
    errata = (built_site["dir"] / "errata" / "index.html").read_text(encoding="utf-8")
    sources = (built_site["dir"] / "sources" / "index.html").read_text(encoding="utf-8")
    assert "勘误表" in errata and "来源" in sources
    assert str(len(project.items)) in sources
    page = project.pages[0]
    html = (built_site["dir"] / page.meta["topic"] / page.id / "index.html").read_text(encoding="utf-8")
    assert 'id="来源"' in html and "报告错误" in html
    assert (built_site["dir"] / "assets/vendor/katex/katex.min.js").is_file()


def test_offline_build_has_local_search_shim(offline_site):
    html = (offline_site / "index.html").read_text(encoding="utf-8")
    assert "assets/vendor/iframe-worker/shim/index.js" in html
    assert not re.search(r"<script[^>]+src=\"https?://", html)


def test_the_readme_states_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme
    assert "make test" in [line.strip() for line in ci.splitlines()]


def test_a_long_alias_list_is_one_folded_line_under_the_title():
    from kb.content.pages import Page
    from kb.site.generated import SHOWN_ALIASES, page_header

    few = Page("docs/x/a.md", {"aliases": ["过拟合", "泛化差"]}, "", 1)
    assert page_header(few) == "*也可以这样问：过拟合 · 泛化差*\n\n"
    assert page_header(Page("docs/x/c.md", {}, "", 1)) == ""
    many = ['带"引号"的问法', *(f"说法{k}" for k in range(SHOWN_ALIASES + 3))]
    title, body = page_header(Page("docs/x/b.md", {"aliases": many}, "", 1)).split("\n\n")[:2]
    # The folded line: the first few (a quote cannot end the title early), then how many in all.
    assert title == f'??? quote "也可以这样问：带&quot;引号&quot;的问法 · 说法0 · 说法1 · 说法2 …（共 {len(many)} 种）"'
    assert body.startswith("    ") and body.strip().split(" · ") == many  # the whole list inside
