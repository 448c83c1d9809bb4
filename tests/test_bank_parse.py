"""The raw-bank parser: every shape of the real banks, and clear errors for bad input."""

import pytest

from kb.bank.parse import BankError, parse_bank, parse_text


def test_all_five_real_banks_parse_to_157_items(project):
    items = project.items
    assert len(items) == 157
    per_file = {p.name: sum(i.file == p.name for i in items) for p in project.bank_paths}
    assert sorted(per_file.values()) == [30, 30, 30, 30, 37]


def test_heading_shapes_levels_3_to_5_and_titled_numbers(project):
    by_key = {i.key: i for i in project.items}
    assert by_key["000_943af211b0ca8767.txt:5"].title == "如何评估AI大模型性能？"
    assert by_key["000_943af211b0ca8767.txt:5"].number == "1"
    assert by_key["003_088d41c9027ed21d.txt:7"].number == "1"          # ##### 1.
    assert by_key["004_7d811211b8ce7538.txt:3"].title == "AI 大模型训练的数据需求"  # ### 1.
    assert by_key["002_9c6d0930ab72ac58.txt:5"].question.startswith("你如何评估")  # **面试题：**


def test_bold_items_two_series_and_coding_questions_in_one_file(project):
    items = [i for i in project.items if i.file.startswith("001_")]
    series = [(i.series, i.number) for i in items]
    assert series[:7] == [(1, "1"), (1, "2"), (1, "3"), (1, "4"), (2, "1"), (2, "2"), (2, "3")]
    assert {s for s, _ in series[7:]} == {3} and len(series[7:]) == 30
    knn = items[4]
    assert knn.title == "K近邻算法" and knn.code[0].language == "python"
    assert "from collections import Counter" in knn.code[0].code


def test_follow_up_questions_are_not_items(project):
    item = next(i for i in project.items if i.key == "001_3cb297f9d4c65af4.txt:200")
    assert item.follow_ups == ["什么是大规模深度神经网络？它如何影响人工智能的发展？",
                               "大模型在自然语言处理领域有哪些应用？"]
    titles = {i.title for i in project.items}
    assert "大模型在自然语言处理领域有哪些应用？" not in titles


def test_section_titles_end_an_item_without_becoming_one(project):
    nb = next(i for i in project.items if i.key == "001_3cb297f9d4c65af4.txt:128")
    assert "本文介绍了" not in nb.answer        # the "三、总结" section is not part of it
    assert "总结" not in {i.title for i in project.items}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "题库是空的"),
        ("### 1. 题一\n\n**答案：** 有\n\n```python\nprint(1)\n", 5, "没有闭合"),
        ("### 1. 题一\n\n### 2. 题二\n\n答案\n", 1, "没有内容"),
        ("### 1. 题一\n答\n### 2. 题二\n答\n### 4. 题四\n答\n", 5, "紧跟在第 2 题之后"),
        ("### 1. 题一\n答\n### 2题二\n答\n", 3, "格式不对"),
    ],
    ids=["empty", "unterminated-fence", "heading-without-body", "numbering-gap", "bad-heading"],
)
def test_malformed_bank_gives_file_and_line(text, line, message):
    with pytest.raises(BankError) as err:
        parse_text(text, "bad.txt")
    assert str(err.value).startswith(f"bad.txt:{line}: ")
    assert message in str(err.value)


def test_non_utf8_bank_names_the_line(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("### 1. 题一\n答案\n".encode() + "### 2. 编码\n".encode("gbk"))
    with pytest.raises(BankError, match=r"^gbk.txt:3: 不是 UTF-8"):
        parse_bank(path)
