"""Site search as a reader uses it: Material's box, kb's index and worker, over http and file://."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import yaml

from kb.retrieval.analyzer import MAX_WORD
from kb.retrieval.rank import Ranker
from test_browser import open_page, search, served  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
QUERIES = {q["q"]: q for q in yaml.safe_load(
    (ROOT / "tests" / "fixtures" / "search_queries.yml").read_text(encoding="utf-8"))["queries"]}
#: A fast subset of the benchmark's queries: every kind, compound terms, synonyms, full width.
FAST = ["训练时GPU内存不足怎么办", "数据里有很多标错的样本怎么处理", "多张显卡怎么一起训练",
        "怎么把大模型变小一点", "查全率", "爆显存", "LoRA微调", "F1值", "AdamW和Adam区别", "Ｆ１值",
        "label smoothing", "梯度爆炸", "知识蒸馏"]
#: Inputs a reader can type that must not raise a console error or freeze the box.
BAD_INPUTS = ["top-p", "-", "+", "*", "~", "^2", "title:", "a:b", "\"过拟合", "<script>alert(1)</script>",
              "\\frac{a}{b}", "ＦＩ", "Ａｄａｍ", "C++", "a", "树", "x" * 500, "过拟合 " * 70, "😀"]
GENERATED = {"errata", "sources", "stats", "tags", "api", "index", ""}


def ids(hrefs: list[str]) -> list[str]:
    return [urlparse(h).path.rstrip("/").split("/")[-1].removesuffix(".html") for h in hrefs]


def index_of(site: Path) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_fast_queries_are_in_the_benchmark_set():
    assert set(FAST) <= set(QUERIES)


def test_reader_queries_find_their_page_in_the_top_three(browser, served):  # noqa: F811
    page = open_page(browser, served)
    misses = []
    for query in FAST:
        top = ids(search(page, query))[:3]
        if not set(QUERIES[query]["expect"]) & set(top):
            misses.append((query, top))
    assert misses == []
    assert page.external == []


def test_file_url_gives_the_same_results_as_http(browser, served, offline_site):  # noqa: F811
    hosted = open_page(browser, served)
    local = open_page(browser, (offline_site / "index.html").as_uri())
    for query in FAST[:6]:
        assert ids(search(local, query))[:5] == ids(search(hosted, query))[:5], query
    assert local.external == [] and hosted.external == []


def test_bad_input_gives_no_console_error(browser, served):  # noqa: F811
    page = open_page(browser, served)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    box = page.locator("input[data-md-component='search-query']")
    for text in BAD_INPUTS:
        box.click()
        box.fill(text)
        box.press("End")
        page.wait_for_function(
            "document.querySelectorAll('.md-search-result__item').length > 0"
            " || /没有找到/.test(document.querySelector('.md-search-result__meta').textContent)")
    assert errors == []


def test_previews_are_highlighted_and_free_of_tex(browser, served):  # noqa: F811
    page = open_page(browser, served)
    search(page, "精确率和召回率有什么区别")
    first = page.locator(".md-search-result__item").first
    assert first.locator("mark").count() > 0
    text = first.inner_text()
    assert "P=TP/(TP+FP)" in text and "\\frac" not in text


def test_aggregate_pages_never_outrank_question_pages(browser, served):  # noqa: F811
    page = open_page(browser, served)
    for query in ("勘误", "来源", "召回率"):
        got = ids(search(page, query))
        kinds = [x in GENERATED for x in got]
        assert kinds == sorted(kinds), (query, got)  # every question page before any aggregate page


def test_index_is_segmented(built_site):
    """Fails when the index was built without segmentation (Material's index, or whole clauses)."""
    index = index_of(built_site["dir"])
    terms = index["config"]["kb"]["keys"]
    han = [t for t in terms if re.search(r"[\u4e00-\u9fff]", t)]
    assert han and max(map(len, han)) <= MAX_WORD
    assert {"显存", "召回", "召回率", "f1", "lora", "label smoothing"} <= set(terms)
    ranker = Ranker(index)
    for query in ("训练时GPU内存不足怎么办", "F1值", "LoRA微调"):
        top = [ids([h.location])[0] for h in ranker.search(query)[:3]]
        assert set(QUERIES[query]["expect"]) & set(top), (query, top)


def test_index_previews_are_readable_text(built_site):
    docs = index_of(built_site["dir"])["docs"]
    markup = r"\\\(|\\\[|\\frac|\\sum|</?(?:p|code|span|div|a|em|strong|li|ul|ol|table|tr|td|pre|br)\b"
    assert docs and not [d for d in docs if re.search(markup, d["text"] + d["title"])]  # "</w>" (BPE) is text


def test_index_is_less_than_half_of_materials_per_page(built_site):
    index = index_of(built_site["dir"])
    size = (built_site["dir"] / "search" / "search_index.json").stat().st_size
    pages = 1 + max(d["kb"] for d in index["docs"])
    assert size / pages < 43_000 / 2
