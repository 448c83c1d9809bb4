"""One PDF of the whole bank, printed by headless Chromium from the built site.

The PDF is made from the HTML that ``mkdocs build`` wrote, so it cannot drift from the
site: :func:`book_html` takes every question page's article, in the order of the site's
navigation, adds a cover with the build date, a table of contents by topic and the
errata table, and :func:`print_pdf` prints that one document with Playwright's
``page.pdf()``. Chromium (not WeasyPrint) because the formulas are rendered by KaTeX,
which needs JavaScript, and Chromium lays out CJK text with the system's Noto CJK fonts
(Debian package ``fonts-noto-cjk``).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from kb.content.pages import page_rel
from kb.project import Project
from kb.site.browser import CHROMIUM_ARGS, find_chromium
from kb.site.generated import Site, nav

#: Where the combined document is written inside the built site. Two folders deep, like
#: question pages, so that nothing in it depends on where it sits.
BOOK_DIR = "_print/book"

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; }
.md-typeset { font-size: 10.5pt; }
.kb-book-page { break-before: page; }
.kb-cover { height: 240mm; display: flex; flex-direction: column; justify-content: center; text-align: center; }
.kb-cover h1 { font-size: 28pt; margin-bottom: 8mm; }
.kb-toc ol { columns: 1; }
.headerlink, .md-content__button, .kb-no-print { display: none !important; }
details > summary::after { display: none; }
.md-typeset pre > code { white-space: pre-wrap; word-break: break-all; }
.md-typeset table:not([class]) { font-size: 8.5pt; }
"""


class PdfError(Exception):
    """The PDF could not be made (no built site, no Chromium, ...)."""


@dataclass(frozen=True)
class BookPage:
    """One page of the built site that goes into the book.

    Attributes:
        url: Site-relative URL, e.g. ``training/optimizers/``.
        title: The navigation title.
        section: The navigation section (topic) it belongs to.
    """

    url: str
    title: str
    section: str


def book_pages(project: Project) -> list[BookPage]:
    """The question pages in the order of the site's navigation (:func:`kb.site.generated.nav`)."""
    site = Site(project.pages, [], {})
    titles = {page_rel(p): str(p.meta.get("title", p.id)) for p in project.pages}
    pages = []
    for section in nav(site, []):
        for name, paths in section.items():
            if isinstance(paths, list):
                pages += [BookPage(rel[:-3] + "/", titles[rel], name) for rel in paths if rel in titles]
    return pages


def rebase(fragment: str, page_url: str, anchors: dict[str, str]) -> str:
    """Rewrite the page-relative URLs of ``fragment`` so they work from :data:`BOOK_DIR`.

    Links to another page of the book become in-document anchors.
    """
    base = "http://site/" + page_url

    def fix(match: re.Match) -> str:
        attr, value = match.groups()
        if not value or value.startswith(("#", "data:", "mailto:")) or "://" in value:
            return match.group(0)
        absolute = urljoin(base, html.unescape(value))
        parts = urlsplit(absolute)
        path = parts.path.lstrip("/")
        if attr == "href" and path in anchors:
            return f'href="#{anchors[path]}"'
        return f'{attr}="../../{html.escape(path)}{"#" + parts.fragment if parts.fragment else ""}"'

    return URL_ATTR.sub(fix, fragment)


def article(site_dir: Path, url: str) -> str:
    """The ``<article>`` content of a built page."""
    path = site_dir / url / "index.html"
    match = ARTICLE.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    if not match:
        raise PdfError(f"{path}: page missing from the built site, or it has no article")
    return match.group(1)


def book_html(site_dir: Path, project: Project, *, date: dt.date | None = None, site_name: str = "kb") -> str:
    """The whole bank as one HTML document (to be written at ``site_dir/BOOK_DIR``)."""
    if not (site_dir / "index.html").is_file():
        raise PdfError(f"{site_dir}: no built site here (index.html is missing); run `mkdocs build` first")
    pages = book_pages(project)
    anchors = {p.url: f"p-{i}" for i, p in enumerate(pages)}
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    styles = "\n".join(f'<link rel="stylesheet" href="{rebase_url(h)}">' for h in STYLESHEET.findall(home))
    date = date or dt.date.today()
    toc, body, section = [], [], None
    for p in pages:
        if p.section != section:
            if section is not None:
                toc.append("</ol>")
            toc.append(f"<h3>{html.escape(p.section)}</h3><ol>")
            section = p.section
        toc.append(f'<li><a href="#{anchors[p.url]}">{html.escape(p.title)}</a></li>')
        body.append(f'<section class="kb-book-page" id="{anchors[p.url]}">'
                    f"{rebase(article(site_dir, p.url), p.url, anchors)}</section>")
    toc.append("</ol>")
    errata = ""
    if (site_dir / "errata" / "index.html").is_file():
        errata = (f'<section class="kb-book-page" id="errata">'
                  f'{rebase(article(site_dir, "errata/"), "errata/", anchors)}</section>')
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{html.escape(site_name)}</title>
{styles}
<style>{PRINT_CSS}</style></head>
<body><div class="md-container"><main class="md-main"><div class="md-main__inner md-grid">
<div class="md-content"><article class="md-content__inner md-typeset">
<section class="kb-cover"><h1>{html.escape(site_name)}</h1>
<p>共 {len(pages)} 道题 · 构建日期 {date.isoformat()}</p>
<p>每个代码片段都在构建时运行，页面上的输出即真实输出；勘误表列出对原始题库的全部更正。</p></section>
<section class="kb-book-page kb-toc"><h2>目录</h2>{"".join(toc)}
<p><a href="#errata">勘误表</a></p></section>
{"".join(body)}
{errata}
</article></div></div></main></div>
<script src="../../assets/vendor/katex/katex.min.js"></script>
<script src="../../assets/vendor/katex/auto-render.min.js"></script>
</body></html>
"""


def rebase_url(href: str) -> str:
    """A URL from the home page (site root) as seen from :data:`BOOK_DIR`."""
    return href if "://" in href else "../../" + href.lstrip("./")


def chromium_path() -> str:
    """The Chromium to print with (:func:`kb.site.browser.find_chromium`), or a clear error."""
    path = find_chromium()
    if not path:
        raise PdfError("no Chromium found: install Debian's `chromium` (and `fonts-noto-cjk` for Chinese), "
                       "or set KB_CHROMIUM=/path/to/chrome")
    return path


def print_pdf(site_dir: Path, out: Path, project: Project, *, date: dt.date | None = None,
              site_name: str = "kb") -> Path:
    """Write the book for the built site at ``site_dir`` and print it to ``out``."""
    from playwright.sync_api import sync_playwright

    site_dir = Path(site_dir).resolve()
    book = site_dir / BOOK_DIR / "index.html"
    book.parent.mkdir(parents=True, exist_ok=True)
    book.write_text(book_html(site_dir, project, date=date, site_name=site_name), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())  # nothing from the network
            page.goto(book.as_uri(), wait_until="load")
            page.evaluate("""() => {
              // Open answers and outputs; implementation sources (mkdocstrings) stay folded: they are
              // code, shown on the site, and their docstrings hold TeX that is not meant to render.
              document.querySelectorAll('details').forEach(d => d.open = !d.closest('.doc'));
              renderMathInElement(document.body, {delimiters: [
                {left: '$$', right: '$$', display: true}, {left: '\\\\[', right: '\\\\]', display: true},
                {left: '\\\\(', right: '\\\\)', display: false}, {left: '$', right: '$', display: false}],
                output: 'html', throwOnError: false});
            }""")
            page.emulate_media(media="print")
            out = Path(out)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>",
                     footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                     '<span class="pageNumber"></span> / <span class="totalPages"></span></div>',
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()
    shutil.rmtree(site_dir / BOOK_DIR.split("/")[0], ignore_errors=True)
    return out
