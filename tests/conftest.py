"""Shared fixtures: the real project, a built site, and throwaway mini projects."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.project import Project
from kb.site.browser import CHROMIUM_ARGS, find_chromium
from kb.snippets.pytest_plugin import wait_for_snippets

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: int = 900):
    """Run a command, capturing text output."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    chromium = find_chromium()
    if not chromium:
        pytest.fail("Chromium not found: `make browser` (Debian: apt-get install chromium) "
                    "or set KB_CHROMIUM=/path/to/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, pytestconfig) -> dict:
    """The real site, built once by the README's `make site`, plus its snippet report."""
    wait_for_snippets(pytestconfig)  # the session's own runs fill the cache: the build reuses them
    out = tmp_path_factory.mktemp("site")
    report = out / "snippets.json"
    venv = BIN.parent
    result = run(["make", "-o", f"{venv}/.installed", "site", f"VENV={venv}", f"SITE_DIR={out / 'site'}"],
                 ROOT, {"KB_SNIPPET_REPORT": str(report)})
    assert result.returncode == 0, result.stdout + result.stderr
    return {"dir": out / "site", "executed": json.loads(report.read_text()), "log": result.stderr}


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The offline build made by the exact `make offline` that `pages.yml` runs.

    Only the output folder and this venv are passed in (``-o`` keeps make from reinstalling
    it); snippets are not re-executed (``KB_EXECUTE=false``), the built site checks those.
    """
    out = tmp_path_factory.mktemp("offline") / "site"
    venv = BIN.parent
    result = run(["make", "-o", f"{venv}/.installed", "offline", f"VENV={venv}",
                  f"OFFLINE_DIR={out}"], ROOT, {"KB_EXECUTE": "false"})
    assert result.returncode == 0, result.stdout + result.stderr
    return out


MINI_BANK = """### 面试题

### 1. 什么是过拟合？

**题目：** 什么是过拟合？

**答案：** 训练集好、测试集差。

### 2. 什么是欠拟合？

**题目：** 什么是欠拟合？

**答案：** 训练集和测试集都差。
"""

GOOD_PAGE = """---
id: overfitting
title: 什么是过拟合？
topic: generalization
tags: [过拟合]
difficulty: 基础
aliases: [泛化差]
---

!!! abstract "一句话回答"
    模型在训练集上好、在新数据上差。

## 详解

训练误差低、验证误差高，两者差距大。

## 代码

```python
print(1 + 1)
```

<!--pytest-codeblocks:expected-output-->
???+ success "输出"

    ```text
    2
    ```

## 面试追问

- 怎么判断？看学习曲线。
"""


@pytest.fixture
def mini_project(tmp_path) -> Path:
    """A tiny but complete project (real mkdocs.yml and assets, one bank, one page)."""
    root = tmp_path / "mini"
    (root / "docs" / "generalization").mkdir(parents=True)
    (root / "sources" / "raw").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "snippets", root / "snippets")
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    shutil.copytree(ROOT / "src" / "kb" / "site" / "theme", root / "src" / "kb" / "site" / "theme")
    from kb.site.plugin import ABOUT  # the hand-written pages the nav lists

    for name in ("index.md", *(path for _, path in ABOUT)):
        shutil.copy(ROOT / "docs" / name, root / "docs" / name)
    (root / "sources" / "raw" / "000_mini.txt").write_text(MINI_BANK, encoding="utf-8")
    (root / "sources" / "mapping.yml").write_text(
        "000_mini.txt:\n  3: generalization/overfitting.md\n"
        "  9: {set-aside: 示例项目只写过拟合一页}\n", encoding="utf-8")
    (root / "docs" / "generalization" / "overfitting.md").write_text(GOOD_PAGE, encoding="utf-8")
    return root
