"""Benchmark: the reading experience on a 390 px phone, measured as a reader sees it.

Run:  .venv/bin/python benchmarks/reading.py

Builds the site without executing snippets (with this tree's own plugin, so the script
also measures an older checkout it is copied into), serves it locally and opens every question
page and the 勘误表 in headless Chromium at 390 x 844. Prints, in one run:
the 勘误 section's share of page height as displayed (median, max), the 勘误表's height,
quotes showing a literal ``**``, tables wider than the screen and how many of them sit in
a horizontal scroll container, and the font size of the 一句话回答 against body text.
"""

from __future__ import annotations

import functools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kb.content.pages import load_pages  # noqa: E402
from kb.site.browser import CHROMIUM_ARGS, find_chromium  # noqa: E402

try:  # absent from trees older than the answer check: then that line is left out
    from kb.content.answer import MAX_CHARS, answer, visible
except ImportError:
    answer = None

CHROMIUM = find_chromium()

MEASURE = """() => {
  const doc = document.documentElement.scrollHeight;
  const head = document.getElementById('勘误');
  let errata = 0;
  if (head) {
    const top = head.getBoundingClientRect().top;
    let el = head.nextElementSibling;
    while (el && el.tagName !== 'H2') el = el.nextElementSibling;
    const end = el || document.querySelector('article');
    errata = (el ? end.getBoundingClientRect().top : end.getBoundingClientRect().bottom) - top;
  }
  const stars = head ? [...document.querySelectorAll('#勘误 ~ *')].filter(e => e.innerText.includes('**')).length : 0;
  const width = document.querySelector('article').clientWidth;
  const tables = [...document.querySelectorAll('article table')].map(t => ({
    wide: t.scrollWidth > width,
    scrolls: [t.parentElement, t.parentElement.parentElement, t].some(
      e => getComputedStyle(e).overflowX === 'auto' && e.scrollWidth > e.clientWidth)}));
  const size = s => {
    const e = document.querySelector(s);
    return e ? parseFloat(getComputedStyle(e).fontSize) : null;
  };
  return {doc, errata, stars, tables, answer: size('.admonition.abstract p:not(.admonition-title)'),
          body: size('article > p:not(.kb-meta)')};
}"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D102
        pass


def main() -> None:
    from playwright.sync_api import sync_playwright

    pages = load_pages(ROOT / "docs")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--quiet",
                        "--site-dir", str(site)], cwd=ROOT, check=True, capture_output=True,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_EXECUTE": "false",
                            "PYTHONPATH": str(ROOT / "src")})  # this tree's plugin
        handler = functools.partial(Quiet, directory=str(site))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 390, "height": 844})
            for page in pages:
                tab.goto(f"{base}{page.meta['topic']}/{page.id}/")
                rows.append(tab.evaluate(MEASURE))
            tab.goto(base + "errata/")
            errata_height = tab.evaluate("document.documentElement.scrollHeight")
            browser.close()
        server.shutdown()

    shares = [r["errata"] / r["doc"] for r in rows if r["errata"]]
    tables = [t for r in rows for t in r["tables"]]
    wide = [t for t in tables if t["wide"]]
    print(f"question pages: {len(pages)}, with a 勘误 section: {len(shares)}")
    print(f"勘误 share of page height at 390 px: median {statistics.median(shares):.1%}, max {max(shares):.1%}")
    print(f"勘误表 height at 390 px: {errata_height:,} px")
    print(f"勘误 blocks showing a literal '**': {sum(r['stars'] for r in rows)}")
    print(f"tables: {len(tables)}, wider than the screen: {len(wide)}, "
          f"of those in a horizontal scroll container: {sum(t['scrolls'] for t in wide)}")
    print(f"一句话回答 font size / body text: {statistics.median(r['answer'] / r['body'] for r in rows):.2f} "
          f"({rows[0]['answer']:.1f} px / {rows[0]['body']:.1f} px)")
    if answer is not None:
        lengths = [len(visible(a[1])) for p in pages if (a := answer(p))]
        print(f"一句话回答 visible characters: median {statistics.median(lengths):.0f}, "
              f"max {max(lengths)}, over {MAX_CHARS}: {sum(n > MAX_CHARS for n in lengths)}")


if __name__ == "__main__":
    main()
