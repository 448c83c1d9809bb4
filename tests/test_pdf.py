"""`make pdf`: one PDF of the whole bank, with every page title and no raw LaTeX."""

import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run
from kb.content.pages import load_pages

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


def squeeze(text: str) -> str:
    """Text without whitespace: pdftotext breaks long titles over lines."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory) -> str:
    pdf = ROOT / "kb.pdf"
    result = run(["make", "pdf"], ROOT)  # exactly the README's command
    assert result.returncode == 0, result.stdout + result.stderr
    text = tmp_path_factory.mktemp("pdf") / "kb.txt"
    subprocess.run(["pdftotext", str(pdf), str(text)], check=True)
    return text.read_text(encoding="utf-8")


def test_the_pdf_contains_every_question_page_title(pdf_text):
    text = squeeze(pdf_text)
    missing = [p.meta["title"] for p in load_pages(ROOT / "docs") if squeeze(p.meta["title"]) not in text]
    assert not missing


def test_the_pdf_has_a_cover_with_the_build_date_contents_and_errata(pdf_text):
    head = squeeze(pdf_text[:3000])
    assert re.search(r"构建日期\d{4}-\d{2}-\d{2}", head)
    assert "目录" in head
    assert "勘误表" in squeeze(pdf_text)


def test_the_pdf_shows_no_raw_latex(pdf_text):
    raw = re.findall(r".{0,30}(?:\$\\|\\\(|\\\[|\\frac|\\mathbb|\\sum_)", pdf_text)
    assert not raw
