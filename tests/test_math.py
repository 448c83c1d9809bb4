"""Unrendered math fails the build with `path:line`; LaTeX eaten by YAML escapes fails `kb check`."""

import pytest

from conftest import BIN, GOOD_PAGE, run
from kb.cli import main
from kb.site.audit import audit_html
from kb.site.generated import cell

PAGE = "docs/generalization/overfitting.md"


def build(root):
    return run([str(BIN / "mkdocs"), "build", "--strict"], root, {"KB_EXECUTE": "false"})


def plant(root, text):
    (root / PAGE).write_text(text, encoding="utf-8")


def line_of(text, needle):
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


def test_a_table_cell_keeps_norms_and_bars_inside_math_without_a_pipe():
    text = r"距离 $\|a-b\|^2$，条件概率 $P(y|x)$，表格外的 a|b"
    out = cell(text)
    assert out == r"距离 $\Vert{}a-b\Vert{}^2$，条件概率 $P(y\vert{}x)$，表格外的 a\|b"
    assert "|" not in out.replace(r"\|", "")


def test_the_audit_sees_raw_math_but_not_rendered_math_or_code():
    rendered = '<p><span class="arithmatex">\\(x^2\\)</span> and <code>$HOME</code></p><pre>\\frac</pre>'
    assert audit_html(rendered) == []
    raw = audit_html("<p>价格是 $x^2 不闭合</p><p>\\frac{1}{2}</p>")
    assert [f.kind for f in raw] == ["math", "math"]


def test_an_unclosed_dollar_in_a_body_fails_the_build_with_its_line(mini_project):
    text = GOOD_PAGE.replace("两者差距大。", "两者差距大，误差为 $\\epsilon 没有闭合。")
    plant(mini_project, text)
    result = build(mini_project)
    assert result.returncode != 0
    line = line_of(text, "没有闭合")
    assert f"{PAGE}:{line}: 公式没有渲染，读者会看到原始 LaTeX" in result.stderr, result.stderr


def test_kb_check_finds_an_unclosed_dollar_without_building(mini_project, capsys):
    text = GOOD_PAGE.replace("两者差距大。", "两者差距大，误差为 $\\epsilon 没有闭合。")
    plant(mini_project, text)
    assert main(["--root", str(mini_project), "check", "--no-duplicates"]) == 1
    out = capsys.readouterr().out
    assert f"{PAGE}:{line_of(text, '没有闭合')}: 这一段的 `$` 没有配对" in out, out


def test_kb_check_accepts_paired_inline_display_and_escaped_dollars(mini_project, capsys):
    text = GOOD_PAGE.replace("两者差距大。", "两者差距大，$a+b$ 与 \\$5 美元。\n\n$$\nx^2\n$$\n\n用 `$HOME` 也行。")
    plant(mini_project, text)
    assert main(["--root", str(mini_project), "check", "--no-duplicates"]) == 0, capsys.readouterr().out


def test_display_math_in_a_list_item_without_blank_lines_fails_the_build(mini_project):
    text = GOOD_PAGE.replace("训练误差低、验证误差高，两者差距大。",
                             "1. 权重：\n   $$\n   w=\\frac{1}{2}\n   $$\n   加权后独立。")
    plant(mini_project, text)
    result = build(mini_project)
    assert result.returncode != 0
    assert f"{PAGE}:{line_of(text, '$$')}: 公式没有渲染" in result.stderr, result.stderr


def test_a_norm_in_a_correction_renders_on_the_errata_table(mini_project):
    text = GOOD_PAGE.replace("aliases: [泛化差]", "aliases: [泛化差]\ncorrections:\n"
                             "  - source: '000_mini.txt:3'\n    original: 只看训练误差\n"
                             "    correction: '惩罚 $\\|w\\|^2$，即 $P(y|x)$ 的先验'\n    why: 见 $\\lambda\\|w\\|$")
    plant(mini_project, text)
    result = build(mini_project)
    assert result.returncode == 0, result.stderr
    errata = (mini_project / "site" / "errata" / "index.html").read_text(encoding="utf-8")
    assert r'<span class="arithmatex">\(\Vert{}w\Vert{}^2\)</span>' in errata


@pytest.mark.parametrize(("latex", "escape"), [("\\frac{1}{2}", "\\f"), ("\\text{偏差}", "\\t"),
                                               ("\\nabla f", "\\n"), ("\\beta", "\\b")])
def test_latex_in_a_double_quoted_yaml_string_is_refused_naming_field_and_fix(mini_project, capsys, latex, escape):
    text = GOOD_PAGE.replace("aliases: [泛化差]", "aliases: [泛化差]\ncorrections:\n"
                             "  - source: '000_mini.txt:3'\n    original: 只看训练误差\n"
                             f'    correction: "误差 ${latex}$"\n    why: 见教材')
    plant(mini_project, text)
    assert main(["--root", str(mini_project), "check", "--no-duplicates"]) == 1
    out = capsys.readouterr().out
    line = line_of(text, "correction:")
    assert (f"{PAGE}:{line}: corrections[1].correction：双引号字符串里的 {escape} 被 YAML 当作转义符，"
            "变成了控制字符") in out, out
    assert "请改用单引号 '...'（反斜杠原样保留）或块标量 |" in out


def test_an_unknown_yaml_escape_is_explained_in_plain_words(mini_project, capsys):
    text = GOOD_PAGE.replace("aliases: [泛化差]", 'aliases: ["\\operatorname{softmax}"]')
    plant(mini_project, text)
    assert main(["--root", str(mini_project), "check", "--no-duplicates"]) == 1
    out = capsys.readouterr().out
    assert (f"{PAGE}:{line_of(text, 'aliases')}: front matter 无法解析。YAML 写法有误：双引号字符串里的反斜杠"
            in out), out
    assert "含 LaTeX 的值请改用单引号" in out and "（YAML: found unknown escape character 'o'）" in out


def test_a_quoted_newline_in_raw_code_is_not_mistaken_for_latex(mini_project, capsys):
    text = GOOD_PAGE.replace("aliases: [泛化差]", 'aliases: ["import numpy\\nkubectl apply"]')
    plant(mini_project, text)
    assert main(["--root", str(mini_project), "check", "--no-duplicates"]) == 0, capsys.readouterr().out


def test_a_formula_katex_cannot_parse_fails_the_build_with_its_line(mini_project):
    text = GOOD_PAGE.replace("两者差距大。", "两者差距大，$\\fracc{1}{2}$。")
    plant(mini_project, text)
    result = build(mini_project)
    assert result.returncode != 0
    assert (f"{PAGE}:{line_of(text, 'fracc')}: KaTeX 无法解析公式 “\\fracc{{1}}{{2}}”："
            "KaTeX parse error: Undefined control sequence: \\fracc") in result.stderr, result.stderr
