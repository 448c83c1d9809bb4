r"""Parse every formula of the site with the vendored KaTeX, in one Node.js process.

``pymdownx.arithmatex`` only finds the delimiters; a formula KaTeX cannot parse
(``\fracc``, an unbalanced brace) shows in the browser as red error text. The build
sends all formulas to the same ``katex.min.js`` the site loads and fails on each error.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: arithmatex's generic output: ``\(...\)`` in a span, ``\[...\]`` in a div.
FORMULA = re.compile(r'<(span|div) class="arithmatex">(?:\\\(|\\\[)(.*?)(?:\\\)|\\\])</\1>', re.S)
SCRIPT = """
const katex = require(process.argv[1]);
const formulas = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const errors = formulas.map(([tex, display]) => {
  try { katex.renderToString(tex, { displayMode: display, throwOnError: true }); return null; }
  catch (e) { return String(e.message || e); }
});
process.stdout.write(JSON.stringify(errors));
"""


@dataclass(frozen=True)
class Formula:
    """One formula as rendered on a page.

    Attributes:
        page: The page it appears on, for messages (``docs/coding/svm.md``).
        tex: The LaTeX source.
        display: Whether it is display math.
    """

    page: str
    tex: str
    display: bool


def page_formulas(content: str, page: str) -> list[Formula]:
    """The formulas arithmatex found in a page's rendered ``content``."""
    return [Formula(page, html.unescape(m[2]), m[1] == "div") for m in FORMULA.finditer(content)]


def katex_errors(formulas: list[Formula], katex_js: Path) -> list[str | None]:
    """KaTeX's parse error for each formula (``None`` when it renders).

    Raises:
        FileNotFoundError: When Node.js is not installed.
    """
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("node")
    unique = list(dict.fromkeys((f.tex, f.display) for f in formulas))  # the errata repeat many
    if not unique:
        return []
    result = subprocess.run([node, "-e", SCRIPT, str(katex_js.resolve())], capture_output=True, text=True,
                            input=json.dumps(unique), timeout=300, check=True)
    errors = dict(zip(unique, json.loads(result.stdout)))
    return [errors[(f.tex, f.display)] for f in formulas]


def katex_problems(formulas: list[Formula], root: Path, texts: list[tuple[str, str]]) -> list:
    """Each formula KaTeX cannot parse, as ``path:line: message`` (located in its source).

    Args:
        formulas: What :func:`page_formulas` collected over the build.
        root: The project root (``docs/assets/vendor/katex/katex.min.js`` is under it).
        texts: ``(path, text)`` of the question pages, where generated pages' formulas come from.
    """
    from kb.content.pages import Problem
    from kb.site.audit import locate

    errors = katex_errors(formulas, root / "docs" / "assets" / "vendor" / "katex" / "katex.min.js")
    problems = []
    for formula, error in zip(formulas, errors):
        if error is None:
            continue
        own = root / formula.page
        sources = [(formula.page, own.read_text(encoding="utf-8"))] if own.is_file() else []
        path, line = locate(formula.tex.strip(), sources + texts) or (formula.page, 1)
        on = f"（出现在生成的页面 {formula.page}）" if path != formula.page else ""
        problems.append(Problem(path, line, f"KaTeX 无法解析公式 “{' '.join(formula.tex.split())[:60]}”{on}："
                                f"{error.splitlines()[0]}。请修正这个公式（可在 make serve 里看效果）"))
    return problems
