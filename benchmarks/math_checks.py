"""Benchmark: what the math checks add to a build.

Run:  .venv/bin/python benchmarks/math_checks.py

Builds the site once without executing snippets (`KB_EXECUTE=false`), then, on the built
pages, times the two math checks the build runs: the rendered-HTML audit (raw `$`, TeX
commands outside math, unsafe HTML) and the KaTeX parse of every formula in one Node.js
process. Prints formula counts, each check's time and its share of the render-only build.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.site.audit import audit_html
from kb.site.katex import katex_errors, page_formulas

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"
ARTICLE = re.compile(r'<article class="md-content__inner[^>]*>(.*)</article>', re.S)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        start = time.perf_counter()
        subprocess.run([str(MKDOCS), "build", "--strict", "--quiet", "--site-dir", str(site)], cwd=ROOT,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_EXECUTE": "false"}, check=True,
                       capture_output=True)
        build = time.perf_counter() - start
        pages = [(str(p.relative_to(site)), m[1]) for p in sorted(site.rglob("*.html"))
                 if (m := ARTICLE.search(p.read_text(encoding="utf-8")))]
    start = time.perf_counter()
    findings = sum(len(audit_html(content)) for _, content in pages)
    audit = time.perf_counter() - start
    formulas = [f for name, content in pages for f in page_formulas(content, name)]
    start = time.perf_counter()
    errors = katex_errors(formulas, ROOT / "docs/assets/vendor/katex/katex.min.js")
    katex = time.perf_counter() - start
    unique = len({(f.tex, f.display) for f in formulas})
    print(f"render-only build (checks included): {build:.2f} s, {len(pages)} pages")
    print(f"HTML audit: {audit:.3f} s ({audit / build:.1%} of the build), {findings} findings")
    print(f"KaTeX: {len(formulas)} formulas ({unique} distinct) in {katex:.3f} s "
          f"({katex / build:.1%} of the build, {unique / katex:.0f} formulas/s), "
          f"{sum(e is not None for e in errors)} errors")


if __name__ == "__main__":
    main()
