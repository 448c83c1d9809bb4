"""One rule for unsafe HTML: each vector, planted in each field, is refused with file, line and field."""

import pytest
from kb.site.audit import audit_html

from conftest import BIN, GOOD_PAGE, MINI_BANK, run
from kb.cli import main

PAGE = "docs/generalization/overfitting.md"
VECTORS = {
    "script": ("<script>alert(1)</script>", "不允许原始 HTML 标签 <script>"),
    "event handler": ("<img src=x onerror=alert(1)>", "不允许内联事件属性"),
    "javascript url": ("[点我](javascript:alert(1))", "不允许 javascript: 链接"),
    "iframe": ('<iframe src="https://example.com"></iframe>', "不允许原始 HTML 标签 <iframe>"),
}
CORRECTION = ("corrections:\n  - source: '000_mini.txt:3'\n    original: '{original}'\n"
              "    correction: '{correction}'\n    why: '{why}'\n")
#: Field -> how to plant a value there, and the field name the message must give.
FIELDS = {
    "title": (lambda v: GOOD_PAGE.replace("title: 什么是过拟合？", f"title: '{v}'"), "title"),
    "aliases": (lambda v: GOOD_PAGE.replace("aliases: [泛化差]", f"aliases: [泛化差, '{v}']"), "aliases[2]"),
    "original": (lambda v: GOOD_PAGE.replace("---\n\n", CORRECTION.format(original=v, correction="b", why="c")
                                             + "---\n\n", 1), "corrections[1].original"),
    "correction": (lambda v: GOOD_PAGE.replace("---\n\n", CORRECTION.format(original="a", correction=v, why="c")
                                               + "---\n\n", 1), "corrections[1].correction"),
    "why": (lambda v: GOOD_PAGE.replace("---\n\n", CORRECTION.format(original="a", correction="b", why=v)
                                        + "---\n\n", 1), "corrections[1].why"),
    "body": (lambda v: GOOD_PAGE + f"\n{v}\n", ""),
}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("vector", VECTORS)
def test_each_unsafe_vector_in_each_field_is_refused_by_kb_check(mini_project, capsys, field, vector):
    value, message = VECTORS[vector]
    plant, name = FIELDS[field]
    text = plant(value)
    (mini_project / PAGE).write_text(text, encoding="utf-8")
    assert main(["--root", str(mini_project), "check", "--no-duplicates"]) == 1
    out = capsys.readouterr().out
    line = next(n for n, t in enumerate(text.split("\n"), 1) if value in t)
    prefix = f"{PAGE}:{line}: " + (f"{name}：" if name else "")
    assert any(o.startswith(prefix) and message in o for o in out.splitlines()), out


def test_the_build_refuses_unsafe_html_in_front_matter_too(mini_project):
    (mini_project / PAGE).write_text(FIELDS["why"][0]("<img src=x onerror=alert(2)>"), encoding="utf-8")
    result = run([str(BIN / "mkdocs"), "build", "--strict"], mini_project, {"KB_EXECUTE": "false"})
    assert result.returncode != 0
    assert f"{PAGE}:" in result.stderr and "corrections[1].why：不允许内联事件属性" in result.stderr


def test_text_from_a_raw_bank_is_escaped_on_generated_pages(mini_project):
    bank = mini_project / "sources/raw/000_mini.txt"
    bank.write_text(MINI_BANK.replace("### 2. 什么是欠拟合？", "### 2. 什么是<script>alert(1)</script>欠拟合？"),
                    encoding="utf-8")
    result = run([str(BIN / "mkdocs"), "build", "--strict"], mini_project, {"KB_EXECUTE": "false"})
    assert result.returncode == 0, result.stderr
    sources = (mini_project / "site/sources/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sources
    article = sources.split('<article', 1)[1].split("</article>", 1)[0]
    assert audit_html(article) == []


@pytest.mark.parametrize("html", ['<p><script>x</script></p>', '<p><a href=" JavaScript:alert(1)">a</a></p>',
                                  '<p><img src=x onerror="alert(1)"></p>', '<iframe src="x"></iframe>'])
def test_the_rendered_html_audit_finds_each_vector(html):
    assert [f.kind for f in audit_html(html)] == ["html"]


def test_unsafe_html_in_a_mapping_reason_fails_the_build_at_the_mapping_line(mini_project):
    mapping = mini_project / "sources/mapping.yml"
    mapping.write_text(mapping.read_text().replace("示例项目只写过拟合一页", "<iframe src=x></iframe>"))
    result = run([str(BIN / "mkdocs"), "build", "--strict"], mini_project, {"KB_EXECUTE": "false"})
    assert result.returncode != 0
    expected = "sources/mapping.yml:3: 渲染后的页面里有 <iframe> 元素（出现在生成的页面 docs/sources.md）"
    assert expected in result.stderr, result.stderr
