"""Messages a newcomer can act on: Chinese, `path:line: 问题。怎么改。`, with did-you-mean (issue 15's cases)."""

import pytest

from conftest import GOOD_PAGE
from kb.cli import main

PAGE = "docs/generalization/overfitting.md"


def check(root, capsys, text):
    (root / PAGE).write_text(text, encoding="utf-8")
    code = main(["--root", str(root), "check", "--no-duplicates"])
    return code, capsys.readouterr().out


def line_of(text, needle):
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


CASES = {
    "key typo": (GOOD_PAGE.replace("aliases:", "alias:"), "alias:",
                 "未知的 front matter 键 'alias'。是不是想写 'aliases'？"
                 "允许的键见 CONTRIBUTING.md 的 Front matter 参考"),
    "tag typo points to the human list": (
        GOOD_PAGE.replace("[过拟合]", "[过拟和]"), "tags:",
        "未知的标签 '过拟和'。是不是想写 '过拟合'？允许的标签见 CONTRIBUTING.md 的 Front matter 参考（“允许的标签”）"),
    "topic typo": (GOOD_PAGE.replace("topic: generalization", "topic: generalisation"), "topic:",
                   "未知的主题 'generalisation'。是不是想写 'generalization'？可选："),
    "page id typo": (GOOD_PAGE.replace("aliases: [泛化差]", "aliases: [泛化差]\nrelated: [overfiting]"), "related:",
                     "related：没有 id 为 'overfiting' 的页面。是不是想写 'overfitting'？"),
    "indentation": (GOOD_PAGE.replace("difficulty: 基础", " difficulty: 基础"), "difficulty:",
                    "front matter 无法解析。YAML 写法有误：缩进不一致：这一行与上面同一层的键没有对齐。请检查缩进"),
    "tab indentation": (GOOD_PAGE.replace("aliases: [泛化差]", "aliases:\n\t- 泛化差"), "\t- 泛化差",
                        "front matter 无法解析。YAML 写法有误：YAML 不允许用 Tab 缩进。请改用空格"),
    "unclosed quote": (GOOD_PAGE.replace("title: 什么是过拟合？", 'title: "什么是过拟合？'), "title:",
                       "front matter 无法解析。YAML 写法有误："),
    "correction key typo": (
        GOOD_PAGE.replace("aliases: [泛化差]", "aliases: [泛化差]\ncorrections:\n"
                          "  - source: '000_mini.txt:3'\n    original: a\n    corection: b\n    why: c"),
        "corrections:",
        "第 1 条勘误必须恰好有这几个键：source、original、correction、why（多了 corection）。"
        "是不是想写 'correction'？"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_measured_mistake_gets_a_located_chinese_message_with_its_fix(mini_project, capsys, case):
    text, needle, message = CASES[case]
    code, out = check(mini_project, capsys, text)
    assert code == 1
    assert f"{PAGE}:{line_of(text, needle)}: {message}" in out, out


def test_yaml_jargon_is_kept_only_in_brackets_for_searching(mini_project, capsys):
    _, out = check(mini_project, capsys, GOOD_PAGE.replace("difficulty: 基础", " difficulty: 基础"))
    sentence, _, jargon = out.partition("（YAML: ")
    assert "block" not in sentence and jargon.startswith("expected <block end>, but found")


def test_an_unknown_tag_on_the_command_line_lists_the_tags_grouped_with_no_space_ambiguity(mini_project, capsys):
    assert main(["--root", str(mini_project), "new", "--id", "x-y", "--title", "题？", "--topic", "llm",
                 "--tags", "NLP应用", "--difficulty", "基础"]) == 2
    err = capsys.readouterr().err
    assert "kb new: --tags NLP应用：未知的标签 'NLP应用'。是不是想写 'NLP 应用'？" in err
    assert "  NLP 与大模型：中文分词、序列模型、Transformer、长文本、大模型、NLP 应用" in err


def test_a_missing_project_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert "中没有 kb 项目（mkdocs.yml + sources/）。请在仓库目录中运行，或用 --root 指定" in capsys.readouterr().err
