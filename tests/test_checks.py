"""`kb check`: each kind of mistake, planted in a mini project, gives `path:line: message`."""

import pytest

from conftest import GOOD_PAGE
from kb.cli import main

PAGE = "docs/generalization/{}.md"
APPENDED = GOOD_PAGE.count("\n") + 2  # the line of text appended to GOOD_PAGE after a blank line


def write(root, name, text):
    path = root / PAGE.format(name)
    path.write_text(text, encoding="utf-8")
    return path


def check(root, capsys, *extra):
    code = main(["--root", str(root), "check", *extra])
    return code, capsys.readouterr().out.splitlines()


def test_a_clean_mini_project_passes(mini_project, capsys):
    assert check(mini_project, capsys) == (0, [])


MISTAKES = {
    "malformed front matter": (
        GOOD_PAGE.replace("tags: [过拟合]", "tags: [过拟合"), "bad", 6,
        "front matter 无法解析。YAML 写法有误：方括号列表 `[...]` 没有闭合"),
    "unknown tag": (GOOD_PAGE.replace("[过拟合]", "[过拟合, 玄学]"), "bad", 5, "未知的标签 '玄学'。"),
    "id differs from file name": (GOOD_PAGE, "bad", 2, "必须与文件名 'bad' 相同。请把 id 改成 'bad'"),
    "unknown front matter key": (
        GOOD_PAGE.replace("aliases:", "sources: [x]\naliases:"), "bad", 7,
        "未知的 front matter 键 'sources'。"),
    "broken link": (
        GOOD_PAGE + "\n见 [欠拟合](underfitting.md)。\n", "bad", APPENDED,
        "失效的链接 underfitting.md：没有这个页面。"),
    "broken anchor": (
        GOOD_PAGE + "\n见 [代码](overfitting.md#不存在)。\n", "bad", APPENDED,
        "失效的链接 overfitting.md#不存在：页面里没有锚点 #不存在。"),
    "script tag": (GOOD_PAGE + "\n<script>alert(1)</script>\n", "bad", APPENDED,
                   "不允许原始 HTML 标签 <script>"),
    "event handler": (GOOD_PAGE + '\n<img src="x.png" onerror="alert(1)">\n', "bad", APPENDED,
                      "不允许内联事件属性"),
    "javascript url": (GOOD_PAGE + "\n[点我](javascript:alert(1))\n", "bad", APPENDED,
                       "不允许 javascript: 链接"),
    "snippet without stated output": (
        GOOD_PAGE + "\n```python\nprint(3)\n```\n", "bad", APPENDED, "python 代码块没有陈述输出"),
    "python fence with options": (
        GOOD_PAGE + '\n```python title="x.py"\nprint(3)\n```\n', "bad", APPENDED, "既不会运行也不会被测试"),
    "executed shell fence": (GOOD_PAGE + "\n```bash\nrm -rf /\n```\n", "bad", APPENDED,
                             "```bash 代码块会被 pytest-codeblocks 执行"),
    "missing part": (GOOD_PAGE.replace("## 详解\n\n训练误差低、验证误差高，两者差距大。\n\n", ""), "bad", 9,
                     "缺少必需的部分 ## 详解"),
    "hand-written generated section": (GOOD_PAGE + "\n## 来源\n", "bad", APPENDED,
                                       "## 来源 一节由构建自动生成，不要手写"),
    "alias of another page": (GOOD_PAGE, "bad", 7,
                              "alias '泛化差' 也是 docs/generalization/overfitting.md 的 aliases：一种问法只属于"),
    "alias that is another page's title": (
        GOOD_PAGE.replace("[泛化差]", "[什么是 过拟合？]"), "bad", 7,
        "alias '什么是 过拟合？' 也是 docs/generalization/overfitting.md 的 title"),
    "alias that is one of the page's follow-ups": (
        GOOD_PAGE.replace("[泛化差]", "[泛化差, 怎么判断是否过拟合]")
        .replace("- 怎么判断？看学习曲线。", "- **怎么判断是否过拟合？** 看学习曲线。"), "bad", 7,
        "alias '怎么判断是否过拟合' 也是本页“面试追问”里的一问"),
    "yaml that does not parse": (GOOD_PAGE + "\n```yaml\na: [1\n```\n", "bad", APPENDED + 1,
                                 "yaml 代码块无法解析"),
}


@pytest.mark.parametrize("kind", MISTAKES)
def test_each_planted_mistake_is_reported_with_path_and_line(mini_project, capsys, kind):
    text, name, line, message = MISTAKES[kind]
    if kind != "id differs from file name":
        text = text.replace("id: overfitting", f"id: {name}").replace("什么是过拟合？", "示例页")
    write(mini_project, name, text)
    code, out = check(mini_project, capsys, "--no-duplicates")
    assert code == 1
    assert any(o.startswith(f"{PAGE.format(name)}:{line}: ") and message in o for o in out), out


def test_a_page_that_repeats_an_existing_question_is_flagged(mini_project, capsys):
    write(mini_project, "overfit-again", GOOD_PAGE.replace("id: overfitting", "id: overfit-again")
          .replace("title: 什么是过拟合？", "title: 过拟合是什么？"))
    code, out = check(mini_project, capsys)
    assert code == 1
    assert any(o.startswith(f"{PAGE.format('overfitting')}:1: 与 "
                            f"{PAGE.format('overfit-again')} 几乎是同一个问题") for o in out), out


def test_a_merged_item_whose_page_is_missing_fails(mini_project, capsys):
    (mini_project / PAGE.format("overfitting")).unlink()
    code, out = check(mini_project, capsys)
    assert code == 1
    assert any(o.startswith("sources/mapping.yml:2: 000_mini.txt:3 合并到了 docs/generalization/overfitting.md，"
                            "但这个页面不存在") for o in out), out


def test_a_correction_must_cite_an_item_the_page_merges(mini_project, capsys):
    text = GOOD_PAGE.replace("aliases: [泛化差]", 'aliases: [泛化差]\ncorrections:\n'
                             '  - {source: "000_mini.txt:9", original: a, correction: b, why: c}')
    write(mini_project, "overfitting", text)
    code, out = check(mini_project, capsys)
    assert code == 1
    assert any("第 1 条勘误：source '000_mini.txt:9' 不是本页合并的原始题目。" in o for o in out), out


def test_the_real_site_passes_kb_check(project, capsys):
    code, out = check(project.root, capsys)
    assert (code, out) == (0, [])


def test_a_written_page_needs_no_raw_source_but_may_not_claim_one(mini_project, capsys):
    written = GOOD_PAGE.replace("difficulty:", "origin: written\ndifficulty:")
    write(mini_project, "overfitting", written)
    code, out = check(mini_project, capsys)
    assert code == 1
    assert any("docs/generalization/overfitting.md:" in line and "origin 是 'written'" in line
               and "000_mini.txt:3" in line for line in out), out


def test_a_raw_page_with_no_mapped_item_is_reported(mini_project, capsys):
    write(mini_project, "extra", GOOD_PAGE.replace("id: overfitting", "id: extra")
          .replace("title: 什么是过拟合？", "title: 另一道题？"))
    code, out = check(mini_project, capsys)
    assert any(line.startswith("docs/generalization/extra.md:1:") and "origin: written" in line
               for line in out), out


def test_a_written_page_passes_and_has_no_corrections(mini_project, capsys):
    page = (GOOD_PAGE.replace("id: overfitting", "id: extra")
            .replace("title: 什么是过拟合？", "title: 什么是梯度下降？")
            .replace("difficulty:", "origin: written\ndifficulty:").replace("aliases: [泛化差]", "aliases: [GD]")
            .replace("模型在训练集上好、在新数据上差。", "沿负梯度方向迭代更新参数。")
            .replace("训练误差低、验证误差高，两者差距大。", "每步按学习率乘以梯度更新参数。")
            .replace("怎么判断？看学习曲线。", "学习率怎么选？"))
    write(mini_project, "extra", page)
    assert check(mini_project, capsys) == (0, [])
