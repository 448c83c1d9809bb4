"""Practising in a real browser, from file:// in the offline build that `make offline` makes:
self-test, the practice page's schedule and progress, the home page, mobile layout."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

DAY_MS = 24 * 3600 * 1000
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


@pytest.fixture
def context(browser):
    """A fresh profile (empty localStorage) per test; records requests that leave the machine."""
    ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    ctx.external = []
    ctx.errors = []
    ctx.on("request", lambda r: ctx.external.append(r.url)
           if urlparse(r.url).scheme in {"http", "https"} else None)
    yield ctx
    assert ctx.external == []
    ctx.close()


def open_page(context, url):
    """A page whose errors thrown by the site's own scripts are recorded in ``context.errors``."""
    page = context.new_page()
    page.on("pageerror", lambda e: context.errors.append(e.stack)
            if "practice.js" in (e.stack or "") or "selftest.js" in (e.stack or "") else None)
    page.goto(url)
    return page


def url(site, path):
    return (site / path).as_uri()


def stored(page):
    return page.evaluate("JSON.parse(localStorage.getItem('kb-practice') || 'null')")


def visible(page, selector):
    return page.locator(selector).first.is_visible()


def test_self_test_hides_the_answer_reveals_it_and_remembers_the_toggle(context, offline_site):
    page = open_page(context, url(offline_site, "training/optimizers.html"))
    answer_parts = (".admonition.abstract", "h2#详解", "details.success", "h2#勘误", "details.failure")
    assert all(visible(page, s) for s in answer_parts)
    assert not visible(page, ".kb-reveal")
    page.get_by_text("自测模式").click()
    assert not any(visible(page, s) for s in answer_parts)
    assert visible(page, "h2#面试追问") and visible(page, "h2#代码")  # the questions stay
    assert visible(page, ".kb-reveal")
    page.keyboard.press("a")  # the shortcut
    assert all(visible(page, s) for s in answer_parts)

    page.goto(url(offline_site, "evaluation/classification-metrics.html"))  # another page: remembered
    assert page.locator(".kb-selftest-toggle input").is_checked()
    assert not visible(page, ".admonition.abstract")
    page.get_by_role("button", name="显示答案").click()
    assert visible(page, ".admonition.abstract")
    page.reload()
    assert not visible(page, ".admonition.abstract")
    page.get_by_text("自测模式").click()  # off again
    page.reload()
    assert visible(page, ".admonition.abstract")
    assert context.errors == []


def grade(page, question_id, label):
    page.evaluate(f"location.hash = 'q={question_id}'")
    page.wait_for_selector(f".kb-practice__card[data-id='{question_id}']")
    page.get_by_role("button", name="显示答案").click()
    assert page.locator(".kb-practice__answer").is_visible()
    assert not page.locator(".kb-practice__reveal").is_visible()
    page.locator(f".kb-practice__grades button:text-is('{label}')").click()
    return stored(page)["cards"][question_id]


def test_grading_good_schedules_later_than_again_and_survives_a_reload(context, offline_site):
    # "今天到期" is "due by the end of the reader's calendar day": run at midday, so that a card
    # failed now (back in a few minutes) is due today whenever the suite runs (it failed at 23:5x).
    context.clock.set_fixed_time("2026-12-01T12:00:00")
    page = open_page(context, url(offline_site, "practice.html"))
    assert page.locator(".kb-practice__title").inner_text().strip()
    before = page.evaluate("Date.now()")
    good = grade(page, "overfitting", "会")
    assert good["box"] == 2 and good["reviews"] == 1
    assert good["due"] - before >= 3 * DAY_MS - 60_000  # box 2: three days
    again = grade(page, "underfitting", "不会")
    assert again["box"] == 1
    assert again["due"] < good["due"]
    assert again["due"] - before < DAY_MS  # comes back in this session
    page.reload()
    state = stored(page)
    assert state["cards"]["overfitting"] == good and state["totals"] == {"again": 1, "hard": 0, "good": 1}
    assert "已练 2 / " in page.locator(".kb-practice__stats").inner_text()
    assert "今天到期 1 题" in page.locator(".kb-practice__stats").inner_text()  # underfitting
    assert page.locator(".kb-practice__due a").all_inner_texts() == [
        page.evaluate("KB_PRACTICE.questions.find(q => q.id === 'underfitting').title")]
    assert context.errors == []


def test_filters_limit_the_questions_to_a_topic_and_difficulty(context, offline_site):
    page = open_page(context, url(offline_site, "practice.html"))
    page.select_option("select[name=topic]", "llm")
    page.select_option("select[name=level]", "基础")
    for _ in range(5):
        page.get_by_role("button", name="随机一题").click()
        qid = page.locator(".kb-practice__card").get_attribute("data-id")
        q = page.evaluate(f"KB_PRACTICE.questions.find(q => q.id === '{qid}')")
        assert (q["topic"], q["level"]) == ("llm", "基础")


def test_export_then_import_round_trips_and_bad_files_change_nothing(context, offline_site, tmp_path):
    page = open_page(context, url(offline_site, "practice.html"))
    grade(page, "overfitting", "会")
    grade(page, "knn", "模糊")
    saved = stored(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="导出进度").click()
    exported = tmp_path / "progress.json"
    download.value.save_as(exported)
    assert json.loads(exported.read_text(encoding="utf-8")) == saved

    page.evaluate("localStorage.clear()")
    page.reload()
    assert stored(page) is None
    page.set_input_files(".kb-practice__import input", str(exported))
    page.wait_for_function("localStorage.getItem('kb-practice') !== null")
    assert stored(page) == saved
    assert "已导入 2 题" in page.locator(".kb-practice__message").inner_text()

    for name, text, why in [("corrupt.json", "{not json", "不是有效的 JSON"),
                            ("foreign.json", '{"cards": {"x": 1}}', "不是 kb 的练习进度文件"),
                            ("badcard.json", json.dumps({**saved, "cards": {"knn": {"box": 9}}}), "记录无效")]:
        bad = tmp_path / name
        bad.write_text(text, encoding="utf-8")
        page.set_input_files(".kb-practice__import input", str(bad))
        page.wait_for_function("document.querySelector('.kb-practice__message').textContent"
                               ".includes('导入失败')")
        message = page.locator(".kb-practice__message").inner_text()
        assert why in message and "现有进度未改变" in message, message
        assert stored(page) == saved
        page.get_by_role("button", name="下一题").click()  # clear the message for the next file
        page.evaluate("document.querySelector('.kb-practice__message').textContent = ''")


def test_practice_works_without_local_storage_and_says_so(context, offline_site):
    context.add_init_script("Object.defineProperty(window, 'localStorage', "
                            "{get() { throw new DOMException('denied', 'SecurityError'); }});")
    page = open_page(context, url(offline_site, "practice.html"))
    assert "进度不会保留" in page.locator(".kb-practice__notice").inner_text()
    page.get_by_role("button", name="显示答案").click()
    page.get_by_role("button", name="会", exact=True).click()
    assert "第 2 盒" in page.locator(".kb-practice__message").inner_text()
    assert "已练 1 / " in page.locator(".kb-practice__stats").inner_text()
    assert context.errors == []


def test_home_links_to_practice_random_and_errata(context, offline_site):
    page = open_page(context, url(offline_site, "index.html"))
    actions = page.locator(".kb-actions")
    for name in ("开始练习", "随机一题", "勘误表", "离线版（zip）"):
        assert actions.get_by_role("link", name=name).count() == 1, name
    assert "kb-offline.zip" in actions.get_by_role("link", name="离线版（zip）").get_attribute("href")
    assert page.locator(".kb-card").count() >= 10
    actions.get_by_role("link", name="随机一题").click()
    page.wait_for_selector(".kb-practice__card[data-id]")
    assert page.url.endswith("practice.html#random")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("path", ["index.html", "practice.html"])
def test_home_and_practice_have_no_horizontal_overflow(browser, offline_site, tmp_path, viewport, path):
    page = browser.new_page(viewport=viewport)
    page.goto(url(offline_site, path))
    page.screenshot(path=str(tmp_path / "shot.png"), full_page=True)
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width
    page.close()


def test_wide_tables_scroll_visibly_on_a_phone(browser, offline_site):
    page = browser.new_page(viewport=MOBILE)
    page.goto(url(offline_site, "deployment/framework-choice.html"))
    # Headless Chromium hides scrollbars (Playwright passes --hide-scrollbars), so the check is
    # the other hint: edge shadows drawn by the wrapper's background while there is more to see.
    wraps = page.eval_on_selector_all(".md-typeset__scrollwrap", """ws => ws.map(w => ({
        wide: w.scrollWidth > w.clientWidth, overflow: getComputedStyle(w).overflowX,
        shadow: getComputedStyle(w).backgroundImage}))""")
    wide = [w for w in wraps if w["wide"]]
    assert wide, "expected a table wider than 390 px on this page"
    assert all(w["overflow"] == "auto" and w["shadow"].count("gradient") == 4 for w in wide), wide
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.close()


def test_question_page_puts_the_answer_first_and_the_errata_last_and_folded(browser, offline_site):
    page = browser.new_page(viewport=MOBILE)
    page.goto(url(offline_site, "training/optimizers.html"))
    answer = page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                           "'.admonition.abstract p:not(.admonition-title)')).fontSize)")
    body = page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                         "'article > p:not(.kb-meta)')).fontSize)")
    assert answer > body
    headings = page.eval_on_selector_all("article h2", "hs => hs.map(h => h.id)")
    assert headings.index("面试追问") < headings.index("勘误") < headings.index("来源")
    assert page.locator("h2#勘误 + details.failure").get_attribute("open") is None
    assert "基础" in page.locator(".kb-level").inner_text() or "进阶" in page.locator(".kb-level").inner_text()
    page.close()


def test_print_shows_folded_errata_and_self_test_answers(context, offline_site):
    page = open_page(context, url(offline_site, "errata.html"))
    table = page.locator("details table").first
    assert not table.is_visible()  # folded on screen
    page.emulate_media(media="print")
    assert table.is_visible()  # printed (and in the PDF) open
    page.emulate_media(media="screen")
    page.goto(url(offline_site, "training/optimizers.html"))
    page.get_by_text("自测模式").click()
    assert not visible(page, ".admonition.abstract")
    page.emulate_media(media="print")
    assert visible(page, ".admonition.abstract") and not visible(page, ".kb-selftest-toggle")
