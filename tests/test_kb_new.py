"""`kb new` loses nothing: each answer is checked as typed, allowed values are shown, data never moves silently."""


import pytest

from kb.cli import main

NEW = ["new", "--id", "bias-variance", "--title", "什么是偏差-方差权衡？", "--topic", "generalization",
       "--tags", "泛化,过拟合", "--difficulty", "进阶"]
PAGE = "docs/generalization/bias-variance.md"


class Terminal:
    """A stdin that says it is a terminal."""

    def isatty(self):
        return True


def type_answers(monkeypatch, answers):
    """Answer the prompts in order; record them."""
    prompts = []
    queue = list(answers)

    def fake_input(prompt):
        prompts.append(prompt)
        return queue.pop(0)

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", fake_input)
    return prompts


def test_a_bad_answer_is_asked_again_and_nothing_typed_is_lost(mini_project, monkeypatch, capsys):
    prompts = type_answers(monkeypatch, ["Bias Variance", "bias-variance", "什么是偏差-方差权衡？",
                                         "generalisation", "generalization", "泛化,过拟和", "泛化，过拟合",
                                         "中等", "进阶"])
    assert main(["--root", str(mini_project), "new"]) == 0
    err = capsys.readouterr().err
    assert len(prompts) == 9
    assert "id 'Bias Variance' 只能由小写字母、数字和连字符组成" in err
    assert "未知的主题 'generalisation'。是不是想写 'generalization'？" in err
    assert "未知的标签 '过拟和'。是不是想写 '过拟合'？" in err
    assert "未知的难度 '中等'。请从 基础 / 进阶 / 高级 中选一个" in err
    text = (mini_project / PAGE).read_text(encoding="utf-8")
    assert "title: \"什么是偏差-方差权衡？\"\ntopic: generalization\ntags: [泛化, 过拟合]\ndifficulty: 进阶" in text


def test_the_prompts_show_topics_tags_grouped_as_in_the_schema_and_difficulty(mini_project, monkeypatch, capsys):
    prompts = type_answers(monkeypatch, ["bias-variance", "什么是偏差-方差权衡？", "generalization",
                                         "NLP 应用", "进阶"])
    assert main(["--root", str(mini_project), "new"]) == 0
    err = capsys.readouterr().err
    assert "  generalization 泛化与正则化" in err
    assert "  NLP 与大模型：中文分词、序列模型、Transformer、长文本、大模型、NLP 应用" in err
    assert prompts[-1] == "难度（基础 / 进阶 / 高级）: "
    assert "tags: [NLP 应用]" in (mini_project / PAGE).read_text(encoding="utf-8")


def test_an_item_merged_elsewhere_is_refused_without_move_and_named(mini_project, capsys):
    mapping = mini_project / "sources/mapping.yml"
    before = mapping.read_text(encoding="utf-8")
    assert main(["--root", str(mini_project), *NEW, "--source", "000_mini.txt:3"]) == 2
    err = capsys.readouterr().err
    assert ("kb new: --source 000_mini.txt:3：这道题已经合并到 docs/generalization/overfitting.md。"
            "请去改进那一页；如果确实要把它移到新页面，加上 --move") in err
    assert mapping.read_text(encoding="utf-8") == before
    assert not (mini_project / PAGE).exists()


def test_move_remaps_an_item_merged_elsewhere(mini_project):
    assert main(["--root", str(mini_project), *NEW, "--source", "000_mini.txt:3", "--move"]) == 0
    assert "  3: generalization/bias-variance.md\n" in (mini_project / "sources/mapping.yml").read_text()


def test_a_typo_in_a_source_gets_a_suggestion(mini_project, capsys):
    assert main(["--root", str(mini_project), *NEW, "--source", "000_mini.txt:8"]) == 2
    assert "--source 000_mini.txt:8：原始题库中没有这道题。是不是想写 '000_mini.txt:9'？" in capsys.readouterr().err


def test_a_failed_mapping_write_leaves_no_half_written_page(mini_project, monkeypatch, capsys):
    import kb.scaffold

    real = kb.scaffold.os.replace
    calls = []

    def fail_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real(src, dst)

    mapping = mini_project / "sources/mapping.yml"
    before = mapping.read_text(encoding="utf-8")
    monkeypatch.setattr(kb.scaffold.os, "replace", fail_second)
    with pytest.raises(OSError):
        kb.scaffold.create(kb.scaffold.Project(mini_project), kb.scaffold.Answers(
            "bias-variance", "题", "generalization", ["泛化"], "进阶", ["000_mini.txt:9"]))
    assert not (mini_project / PAGE).exists()
    assert mapping.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in (mini_project / "docs/generalization").iterdir()) == ["overfitting.md"]
    assert not list((mini_project / "sources").glob(".*kb-new"))


def test_without_a_terminal_a_missing_answer_names_the_option(mini_project, capsys):
    args = [a for a in NEW if a not in ("--difficulty", "进阶")]
    assert main(["--root", str(mini_project), *args]) == 2
    assert "缺少 --difficulty（没有终端，无法逐项询问）。请在命令行上给出 --difficulty" in capsys.readouterr().err
    assert not (mini_project / PAGE).exists()


