"""The site as a reader uses it, in headless Chromium: search, navigation, offline."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

#: (query, page id expected among the first three results): body terms, aliases, English terms.
QUERIES = [
    ("召回率", "classification-metrics"),
    ("样本不均衡", "class-imbalance"),
    ("过拟合", "overfitting"),
    ("欠拟合", "underfitting"),
    ("梯度爆炸", "vanishing-exploding-gradients"),
    ("学习率预热", "lr-schedules"),
    ("知识蒸馏", "model-compression"),
    ("continuous batching", "latency-throughput"),
    ("正向最大匹配", "chinese-word-segmentation"),
    ("差分隐私", "privacy"),
    ("朴素贝叶斯", "naive-bayes"),
    ("显存不够", "out-of-memory"),
]


@pytest.fixture(scope="module")
def served(built_site):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(built_site["dir"]))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def open_page(browser, url):
    """A new page that records every request leaving this machine."""
    page = browser.new_page()
    page.external = []
    page.on("request", lambda r: page.external.append(r.url)
            if urlparse(r.url).scheme in {"http", "https"}
            and urlparse(r.url).hostname not in {"127.0.0.1", "localhost"} else None)
    page.goto(url)
    return page


def search(page, query):
    """Type ``query`` into the search box; the result links, best first."""
    box = page.locator("input[data-md-component='search-query']")
    box.click()
    box.fill("")
    page.wait_for_function("document.querySelectorAll('.md-search-result__item').length === 0")
    box.fill(query)
    box.press("End")  # Material searches on key events; CJK text typed by an IME sends none
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    return page.eval_on_selector_all(".md-search-result__item > a", "as => as.map(a => a.href)")


def test_chinese_search_finds_pages_by_body_terms_and_aliases(browser, served):
    page = open_page(browser, served)
    misses = []
    for query, expected in QUERIES:
        top = [urlparse(h).path.rstrip("/").split("/")[-1] for h in search(page, query)[:3]]
        if expected not in top:
            misses.append((query, expected, top))
    assert misses == []
    assert page.external == []


def test_navigation_reaches_a_question_and_its_sections(browser, served):
    page = open_page(browser, served)
    nav = page.locator("nav.md-nav--primary")
    assert "模型评估" in nav.inner_text()  # topic sections, in Chinese, from the schema
    nav.locator("a[href*='classification-metrics']").first.click()
    page.wait_for_selector("h1")
    assert "精确率" in page.inner_text("article")
    for heading in ("一句话回答", "详解", "代码", "来源"):
        assert heading in page.inner_text("article")
    assert page.locator(".katex").count() > 0  # formulas rendered by the local KaTeX


def test_offline_build_searches_from_file_url_without_network(browser, offline_site):
    page = open_page(browser, (offline_site / "index.html").as_uri())
    hits = search(page, "召回率")
    assert any("classification-metrics" in h for h in hits[:3])
    assert page.external == []
