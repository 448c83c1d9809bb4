"""Labelled import sets: read with every problem located, checked by `kb check`, learned from by the verdict."""

import importlib.util

import numpy as np
import pytest

from conftest import ROOT
from kb.bank.labelled import Label, load_labelled
from kb.cli import main
from kb.project import Project
from kb.retrieval.match import Matcher

BANK = """### 1. 训练集很好测试集很差

**答案：** 过拟合。

### 2. 语音识别里的 CTC 是什么

**答案：** 对所有对齐路径求和的损失。

### 3. 早停怎么定耐心值

**答案：** 看验证集曲线。
"""
LABELS = """items:
  1: {kind: rewording, page: generalization/overfitting.md}
  5: {kind: new}
  9: {kind: near-miss, near: generalization/overfitting.md}
"""


def write_set(folder, labels=LABELS, bank=BANK, name="other"):
    folder.mkdir(parents=True, exist_ok=True)
    if bank is not None:
        (folder / f"{name}.txt").write_text(bank, encoding="utf-8")
    if labels is not None:
        (folder / f"{name}.yml").write_text(labels, encoding="utf-8")
    return folder


def test_a_labelled_set_pairs_each_item_with_its_label(tmp_path):
    [found], problems = load_labelled(write_set(tmp_path / "labelled"), "labelled")
    assert problems == []
    assert [(item.line, label.kind, label.page) for item, label in found.labelled_items()] == [
        (1, "rewording", "generalization/overfitting.md"), (5, "new", None),
        (9, "near-miss", "generalization/overfitting.md")]
    assert found.labels[5].line == 3, "a label knows its line in the labels file"


def test_a_key_written_in_quotes_is_the_same_heading_line(tmp_path):
    [found], problems = load_labelled(write_set(tmp_path / "labelled", LABELS.replace("  5:", '  "5":')), "labelled")
    assert problems == [] and found.labels[5] == Label("new", None, 3)


BAD_LABELS = {  # case: (labels text or None, bank text or None, expected "file:line: message start")
    "unknown kind": (LABELS.replace("kind: new", "kind: dup"), BANK, "labelled/other.yml:3: 标签 'dup' 不是"),
    "rewording without its page": (LABELS.replace(", page: generalization/overfitting.md", ""), BANK,
                                   "labelled/other.yml:2: rewording 需要 `page: 主题/页面.md`"),
    "key that is no heading": (LABELS.replace("  5:", "  6:"), BANK,
                               "labelled/other.yml:3: other.txt:6 不是一道题的标题行"),
    "item left unlabelled": (LABELS.replace("  5: {kind: new}\n", ""), BANK, "labelled/other.yml:1: other.txt:5"),
    "no labels file": (None, BANK, "labelled/other.txt:1: 没有标签文件 other.yml"),
    "labels without their bank": (LABELS, None, "labelled/other.yml:1: 没有与之配对的题库 other.txt"),
    "not YAML": ("items:\n  1: {kind: new\n", BANK, "labelled/other.yml:"),
    "no items": ("labels: []\n", BANK, "labelled/other.yml:1: 标签文件要有 `items:`"),
    "malformed bank": (LABELS, "\x00\x01 not a bank", "labelled/other.txt:"),
}


@pytest.mark.parametrize("case", BAD_LABELS)
def test_each_malformed_labelled_set_is_located(tmp_path, case):
    labels, bank, expected = BAD_LABELS[case]
    _, problems = load_labelled(write_set(tmp_path / "labelled", labels, bank), "labelled")
    assert any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]


def test_kb_check_names_a_label_whose_page_does_not_exist(mini_project, capsys):
    write_set(mini_project / "sources" / "labelled", LABELS.replace("near: generalization/overfitting.md",
                                                                    "near: generalization/underfitting.md"))
    assert main(["--root", str(mini_project), "check"]) == 1
    out = capsys.readouterr().out
    assert ("sources/labelled/other.yml:4: near-miss 指向 docs/generalization/underfitting.md，但这个页面不存在"
            in out)


def test_kb_import_says_which_labels_it_left_out_and_still_reports(mini_project, capsys):
    write_set(mini_project / "sources" / "labelled", LABELS.replace("kind: new", "kind: dup"))
    new_bank = mini_project.parent / "new.txt"
    new_bank.write_text(BANK, encoding="utf-8")
    assert main(["--root", str(mini_project), "import", str(new_bank)]) == 0
    captured = capsys.readouterr()
    assert "sources/labelled/other.yml:3: 标签 'dup' 不是" in captured.err and "没有用来训练判定" in captured.err
    assert "Nothing was changed." in captured.out


def test_labelled_near_misses_teach_the_verdict_that_they_are_not_the_page(project):
    # Holdout 9's near misses ask about methods its pages name (Soft-NMS, RRF, GRPO): the
    # mapping alone holds no such pair, so the model trained on it alone is sure of most.
    holdout = next(s for s in project.labelled if s.name == "import_holdout9")
    pairs = holdout.labelled_items()
    items = [item for item, _ in pairs]

    def mean_probability(matcher: Matcher, kind: str) -> float:
        results = matcher.match_items(items)
        return float(np.mean([r.probability for r, (_, label) in zip(results, pairs) if label.kind == kind]))

    alone, taught = Matcher.for_project(project, labelled=[]), Matcher.for_project(project, labelled=[holdout])
    assert alone.model.labelled == 0 and taught.model.labelled == len(pairs)
    assert mean_probability(taught, "near-miss") < mean_probability(alone, "near-miss") - 0.05
    assert mean_probability(taught, "rewording") > 0.9


def _benchmark():
    spec = importlib.util.spec_from_file_location("import_quality", ROOT / "benchmarks" / "import_quality.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_the_benchmark_measures_each_set_with_a_model_that_did_not_learn_from_it():
    bench = _benchmark()
    assert bench.SETS[0] == "import_set" and sorted(bench.SETS) == sorted(s.name for s in Project(ROOT).labelled)
    q = bench.quality("import_holdout11")
    assert "import_holdout11" not in q["learned_from"]
    assert sorted(q["learned_from"]) == sorted(s.name for s in Project(ROOT).labelled if s.name != "import_holdout11")
    assert q["items"] == 40 and sum(q["per_kind"].values()) == 40


def test_the_benchmark_sums_the_sets_and_names_those_meeting_all_four_targets():
    bench = _benchmark()
    results = [bench.quality(name) for name in ("import_holdout11", "import_holdout12")]
    o = bench.overall(results)
    assert o["items"] == 80 and o["of"]["rewording duplicate of the right page"] == 40
    assert o["counts"]["new items called new"] == sum(q["confusion"]["new|new"] for q in results)
    assert o["rates"]["near misses called duplicate"] == o["counts"]["near misses called duplicate"] / 16
    assert o["all four met"] == [q["set"] for q in results if all(bench.met(q["rates"]).values())]
    assert o["rules"]["unknown term|rewording"] == sum(q["rules"]["unknown term|rewording"] for q in results)
    assert set(o["rules"]) == {f"{rule}|{k}" for rule in bench.RULES for k in bench.KINDS}
