"""`kb check`: each kind of mistake, planted in a mini project, gives `path:line: message`."""

import pytest

from conftest import GOOD_PAGE
from kb.cli import main

PAGE = "docs/generalization/{}.md"


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
        GOOD_PAGE.replace("tags: [过拟合]", "tags: [过拟合"), "bad", 6, "malformed front matter"),
    "unknown tag": (GOOD_PAGE.replace("[过拟合]", "[过拟合, 玄学]"), "bad", 5, "unknown tag '玄学'"),
    "id differs from file name": (GOOD_PAGE, "bad", 2, "must equal the file name 'bad'"),
    "unknown front matter key": (
        GOOD_PAGE.replace("aliases:", "sources: [x]\naliases:"), "bad", 7,
        "unknown front matter key 'sources'"),
    "broken link": (
        GOOD_PAGE + "\n见 [欠拟合](underfitting.md)。\n", "bad", 26,
        "broken link: underfitting.md (no such page)"),
    "broken anchor": (
        GOOD_PAGE + "\n见 [代码](overfitting.md#不存在)。\n", "bad", 26,
        "broken link: overfitting.md#不存在 (no heading #不存在)"),
    "script tag": (GOOD_PAGE + "\n<script>alert(1)</script>\n", "bad", 26,
                   "raw HTML <script> is not allowed"),
    "event handler": (GOOD_PAGE + '\n<img src="x.png" onerror="alert(1)">\n', "bad", 26,
                      "inline event handler"),
    "javascript url": (GOOD_PAGE + "\n[点我](javascript:alert(1))\n", "bad", 26,
                       "javascript: URLs are not allowed"),
    "snippet without stated output": (
        GOOD_PAGE + "\n```python\nprint(3)\n```\n", "bad", 26, "python block has no stated output"),
    "python fence with options": (
        GOOD_PAGE + '\n```python title="x.py"\nprint(3)\n```\n', "bad", 26, "is not run or tested"),
    "executed shell fence": (GOOD_PAGE + "\n```bash\nrm -rf /\n```\n", "bad", 26,
                             "```bash blocks are executed by pytest-codeblocks"),
    "yaml that does not parse": (GOOD_PAGE + "\n```yaml\na: [1\n```\n", "bad", 26,
                                 "YAML block does not parse"),
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
    assert any(o.startswith(f"{PAGE.format('overfitting')}:1: near-duplicate of "
                            f"{PAGE.format('overfit-again')}") for o in out), out


def test_a_merged_item_whose_page_is_missing_fails(mini_project, capsys):
    (mini_project / PAGE.format("overfitting")).unlink()
    code, out = check(mini_project, capsys)
    assert code == 1
    assert "sources/mapping.yml:2: 000_mini.txt:3 is merged into docs/generalization/overfitting.md, " \
           "which does not exist" in out


def test_a_correction_must_cite_an_item_the_page_merges(mini_project, capsys):
    text = GOOD_PAGE.replace("aliases: [泛化差]", 'aliases: [泛化差]\ncorrections:\n'
                             '  - {source: "000_mini.txt:9", original: a, correction: b, why: c}')
    write(mini_project, "overfitting", text)
    code, out = check(mini_project, capsys)
    assert code == 1
    assert any("correction #1: source '000_mini.txt:9' is not a raw item this page merges" in o
               for o in out)


def test_the_real_site_passes_kb_check(project, capsys):
    code, out = check(project.root, capsys)
    assert (code, out) == (0, [])
