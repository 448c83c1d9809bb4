"""The site build: snippets run and are checked, problems fail it with page and line."""

import json
import re
import sys
from pathlib import Path

import pytest
from pytest_codeblocks.main import extract_from_file

from conftest import BIN, GOOD_PAGE, ROOT, run

BROKEN = {
    # name: (snippet source, stated output, expected message)
    "raises": ("x = 1\nraise ValueError('boom')\n", "", "snippet failed"),
    "hangs": ("while True:\n    pass\n", "", "snippet failed"),
    "drifts": ("print(2 + 2)\n", "5\n", "snippet output differs from the stated output"),
}


def broken_page(name, code, stated):
    body = GOOD_PAGE.replace("id: overfitting", f"id: {name}").replace("什么是过拟合？", f"坏例子 {name}")
    stated_block = "\n".join(f"    {line}" for line in stated.splitlines()) or "    "
    return body.replace("print(1 + 1)\n", code).replace("    2\n", stated_block + "\n")


@pytest.fixture
def broken_project(mini_project):
    for name, (code, stated, _) in BROKEN.items():
        (mini_project / f"docs/generalization/{name}.md").write_text(
            broken_page(name, code, stated), encoding="utf-8")
    return mini_project


def fence_line(path):
    return next(n for n, line in enumerate(Path(path).read_text().split("\n"), 1)
                if line == "```python")


def test_broken_snippets_fail_the_build_with_page_and_line(broken_project):
    result = run([str(BIN / "mkdocs"), "build"], broken_project, {"KB_SNIPPET_TIMEOUT": "2"})
    assert result.returncode != 0  # not strict, and still a failure
    for name, (_, _, message) in BROKEN.items():
        path = f"docs/generalization/{name}.md"
        line = fence_line(broken_project / path)
        assert re.search(rf"{re.escape(path)}:{line}: {message}", result.stderr), (name, result.stderr)
    raising = fence_line(broken_project / "docs/generalization/raises.md") + 2
    assert f"docs/generalization/raises.md:{raising}" in result.stderr  # the raising line itself
    assert "snippet ran longer than 2 s of CPU time" in result.stderr


def test_broken_snippets_fail_pytest_codeblocks_with_page_and_line(broken_project):
    result = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--codeblocks",
                  "-o", "addopts=", "docs/generalization"], broken_project,
                 {"KB_SNIPPET_TIMEOUT": "2"})
    assert result.returncode == 1
    for name in BROKEN:
        line = fence_line(broken_project / f"docs/generalization/{name}.md")
        assert f"docs/generalization/{name}.md::line {line} FAILED" in result.stdout \
            or f"FAILED docs/generalization/{name}.md::line {line}" in result.stdout, result.stdout
    assert "1 passed" in result.stdout  # the good page


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


def test_search_index_is_segmented_by_jieba(built_site):
    index = json.loads((built_site["dir"] / "search" / "search_index.json").read_text())
    text = " ".join(d["text"] for d in index["docs"])
    assert "\u200b" in text
    assert "\u200b召回\u200b" in text and "\u200b蒸馏\u200b" in text  # words, not whole clauses


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
