"""The contributor workflow: `kb new`, `kb update-output`, `kb import`, the schema reference."""

from pathlib import Path

from conftest import BIN, GOOD_PAGE, ROOT, run
from kb.cli import main, schema_section

NEW = ["new", "--id", "bias-variance", "--title", "什么是偏差-方差权衡？", "--topic", "generalization",
       "--tags", "泛化,过拟合", "--difficulty", "进阶"]


def test_kb_new_scaffolds_a_page_that_check_accepts_once_written(mini_project, capsys):
    assert main(["--root", str(mini_project), *NEW, "--source", "000_mini.txt:9"]) == 0
    page = mini_project / "docs/generalization/bias-variance.md"
    assert "000_mini.txt:\n  3: generalization/overfitting.md\n  9: generalization/bias-variance.md" \
        in (mini_project / "sources/mapping.yml").read_text()
    capsys.readouterr()
    assert main(["--root", str(mini_project), "check", "--no-duplicates"]) == 1
    assert "docs/generalization/bias-variance.md:13: 还没写的占位符 TODO(kb new)" in capsys.readouterr().out
    text = page.read_text(encoding="utf-8")
    written = text.split("---\n", 2)
    written[2] = ('!!! abstract "一句话回答"\n    偏差来自模型过于简单，方差来自对训练集过于敏感。\n\n'
                  "## 详解\n\n期望误差 $= \\text{偏差}^2 + \\text{方差} + \\text{噪声}$。\n\n"
                  "## 代码\n\n```python\nprint(sum([0.5, 0.25]))\n```\n\n"
                  "## 面试追问\n\n- 怎么权衡？看验证误差随模型复杂度的 U 形曲线。\n")
    page.write_text("---\n".join(written), encoding="utf-8")
    assert main(["--root", str(mini_project), "update-output", str(page)]) == 0
    capsys.readouterr()
    assert main(["--root", str(mini_project), "check", "--no-duplicates"]) == 0
    result = run([str(BIN / "mkdocs"), "build", "--strict"], mini_project)
    assert result.returncode == 0, result.stderr


def test_kb_new_refuses_unknown_tags_and_taken_ids(mini_project, capsys):
    bad = [*NEW]
    bad[bad.index("泛化,过拟合")] = "玄学"
    assert main(["--root", str(mini_project), *bad]) == 2
    taken = [*NEW]
    taken[taken.index("bias-variance")] = "overfitting"
    assert main(["--root", str(mini_project), *taken]) == 2
    assert "已被 docs/generalization/overfitting.md 使用" in capsys.readouterr().err


def test_update_output_round_trips_with_pytest_codeblocks(mini_project, capsys):
    page = mini_project / "docs/generalization/overfitting.md"
    page.write_text(GOOD_PAGE.replace("print(1 + 1)", "import numpy as np\nprint(np.arange(3) * 2)\nprint('done')"),
                    encoding="utf-8")
    assert main(["--root", str(mini_project), "update-output", "--check", str(page)]) == 1
    assert main(["--root", str(mini_project), "update-output", str(page)]) == 0
    assert "    [0 2 4]\n    done\n" in page.read_text(encoding="utf-8")
    assert main(["--root", str(mini_project), "update-output", "--check", str(page)]) == 0
    result = run([str(BIN / "python"), "-m", "pytest", "-p", "no:cacheprovider", "--codeblocks",
                  "-o", "addopts=", str(page)], mini_project)
    assert "1 passed" in result.stdout, result.stdout


def test_kb_import_reports_duplicates_and_new_items(mini_project, tmp_path, capsys):
    bank = tmp_path / "new.txt"
    bank.write_text("### 1. 过拟合是什么？\n\n**答案：** 训练集好、测试集差。\n\n"
                    "### 2. 什么是梯度裁剪？\n\n**答案：** 限制梯度范数，防止梯度爆炸。\n", encoding="utf-8")
    before = sorted(p.read_bytes() for p in mini_project.rglob("*") if p.is_file())
    assert main(["--root", str(mini_project), "import", str(bank)]) == 0
    out = capsys.readouterr().out
    first, second = out.split(f"{bank}:5  2. 什么是梯度裁剪？\n")
    assert f"{bank}:1  1. 过拟合是什么？\n    1. docs/generalization/overfitting.md" in first
    assert "    -> duplicate docs/generalization/overfitting.md" in first
    assert second.split("\n\n")[0].endswith(")") and "    -> new" in second
    assert sorted(p.read_bytes() for p in mini_project.rglob("*") if p.is_file()) == before


def test_kb_import_rejects_a_malformed_bank_with_file_and_line(mini_project, tmp_path, capsys):
    bank = tmp_path / "broken.txt"
    bank.write_text("### 1. 题一\n\n```python\nprint(1)\n", encoding="utf-8")
    assert main(["--root", str(mini_project), "import", str(bank)]) == 2
    assert "broken.txt:3: 代码块（code fence）没有闭合" in capsys.readouterr().err


def test_contributing_front_matter_reference_is_generated_from_the_schema():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert schema_section() in text, "run `kb schema --write CONTRIBUTING.md`"
    assert Path(ROOT / "README.md").is_file()


def test_make_check_is_clean_on_the_project():
    venv = BIN.parent
    result = run(["make", "-o", f"{venv}/.installed", "check", f"VENV={venv}"], ROOT)  # the README's command
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 个问题" in result.stdout + result.stderr
    assert "All checks passed!" in result.stdout
