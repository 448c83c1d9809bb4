"""What the practice features derive from the pages: answer limits, errata, terms, data, order."""

from __future__ import annotations

import json
import re

from conftest import GOOD_PAGE, ROOT
from kb.content.answer import MAX_CHARS, check_answer, visible
from kb.content.pages import load_page
from kb.content.schema import TOPICS
from kb.content.terms import pairs_in, term_pairs
from kb.site.errata import corrections_section, grouped, plain_quote, source_label
from kb.site.practice import AGAIN_MINUTES, INTERVALS, data_script, practice_page
from kb.site.reading import by_topic, reading_order


def page_with(tmp_path, text):
    path = tmp_path / "docs" / "generalization" / "overfitting.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_page(path, tmp_path / "docs")


def test_every_page_answer_fits_the_limit(project):
    assert [str(p) for page in project.pages for p in check_answer(page)] == []


def test_a_long_or_four_sentence_answer_is_reported_with_path_and_line(tmp_path):
    long = GOOD_PAGE.replace("模型在训练集上好、在新数据上差。", "很长" * (MAX_CHARS // 2 + 1))
    problems = check_answer(page_with(tmp_path, long))
    line = long.split("\n").index("    " + "很长" * (MAX_CHARS // 2 + 1)) + 1
    assert [str(p) for p in problems] == [
        f"docs/generalization/overfitting.md:{line}: 一句话回答有 {MAX_CHARS + 2} 个字符，超过 "
        f"{MAX_CHARS} 个。请精简措辞（不丢事实），细节移到详解"]
    four = GOOD_PAGE.replace("模型在训练集上好、在新数据上差。", "一。二。三。四。")
    assert "有 4 句话" in str(check_answer(page_with(tmp_path, four))[0])
    assert check_answer(page_with(tmp_path, GOOD_PAGE)) == []


def test_answer_length_ignores_markup_and_counts_formulas_as_glyphs():
    assert visible(r"**AdamW** 用 `torch` 和 $C\approx6ND$") == r"AdamW 用 torch 和 Cx6ND"


def test_identical_originals_are_grouped_and_their_sources_listed_once():
    fixes = [{"source": f"000_abc.txt:{n}", "original": "**任务类型**：错的", "correction": "对的",
              "why": "因为"} for n in (5, 9)]
    fixes.append({"source": "004_def.txt:3", "original": "任务类型：错的", "correction": "另一更正",
                  "why": "另一原因"})
    groups = grouped(fixes)
    assert len(groups) == 1
    assert groups[0].sources == ["000_abc.txt:5", "000_abc.txt:9", "004_def.txt:3"]
    assert [f[:2] for f in groups[0].fixes] == [("对的", "因为"), ("另一更正", "另一原因")]
    section = corrections_section(type("P", (), {"meta": {"corrections": fixes}})())
    assert section.count("!!! quote") == 1 and "**" not in section.split("!!! quote")[1].split("\n")[2]
    assert "原文（题库 000 · 第 5 行；题库 000 · 第 9 行；题库 004 · 第 3 行）" in section
    assert section.startswith("## 勘误\n\n??? failure")  # collapsed


def test_source_labels_and_quotes_are_readable():
    assert source_label("000_943af211b0ca8767.txt:160") == "题库 000 · 第 160 行"
    assert plain_quote("**模型蒸馏（Model Distillation）**：将权重传递") == "模型蒸馏（Model Distillation）：将权重传递"


def test_errata_page_keeps_every_record(project, built_site):
    html = (built_site["dir"] / "errata" / "index.html").read_text(encoding="utf-8")
    records = sum(len(p.meta.get("corrections") or []) for p in project.pages)
    assert html.count("<tr>") - html.count("<thead>") == records  # one row per record, headers aside
    assert "**" not in re.sub(r"<code>.*?</code>", "", html)


def test_terms_come_from_chinese_english_first_uses(tmp_path):
    page = page_with(tmp_path, GOOD_PAGE.replace(
        "训练误差低、验证误差高，两者差距大。",
        "称为精确率（Precision）；还有召回率（Recall）与早停（Early Stopping）；"
        "见某论文（Smith et al., 2020），再说精确率（Precision）。"))
    assert pairs_in(page) == [("精确率", "Precision"), ("召回率", "Recall"), ("早停", "Early Stopping")]


def test_site_terms_link_to_existing_pages(project):
    pairs = dict((en, zh) for zh, en in term_pairs(project.pages))
    assert pairs.get("Precision") == "精确率" and pairs.get("Knowledge Distillation") == "知识蒸馏"
    assert len(pairs) > 100


def test_practice_data_is_every_page_in_reading_order_with_its_schedule(project):
    urls = {f"{p.meta['topic']}/{p.id}.md": f"{p.meta['topic']}/{p.id}/" for p in project.pages}
    script = data_script(project.pages, urls)
    assert script.startswith("window.KB_PRACTICE = ") and "</" not in script
    data = json.loads(script[len("window.KB_PRACTICE = "):].rstrip(";\n"))
    assert [q["id"] for q in data["questions"]] == [p.id for p in reading_order(project.pages)]
    assert data["schedule"] == {"intervals": list(INTERVALS), "againMinutes": AGAIN_MINUTES}
    q = next(q for q in data["questions"] if q["id"] == "optimizers")
    assert q["level"] == "进阶" and q["url"] == "training/optimizers/" and "<strong>AdamW</strong>" in q["answer"]


def test_practice_page_reaches_its_data_from_any_url_style():
    assert 'data-list="../assets/javascripts/practice-data.js"' in practice_page("practice/")
    assert 'data-list="assets/javascripts/practice-data.js"' in practice_page("practice.html")
    assert "<script" not in practice_page("practice/")
    assert "第 1 盒 1 天" in practice_page("practice/")  # the schedule, documented from INTERVALS


def test_reading_order_follows_the_schema_topics_and_difficulty(project):
    order = by_topic(project.pages)
    assert list(order) == [t for t in TOPICS if t in order]
    for pages in order.values():
        levels = [p.meta["difficulty"] for p in pages]
        assert levels == sorted(levels, key=["基础", "进阶", "高级"].index)


def test_home_states_live_numbers(project, built_site):
    html = (built_site["dir"] / "index.html").read_text(encoding="utf-8")
    fixes = sum(len(p.meta.get("corrections") or []) for p in project.pages)
    assert f"{len(project.pages)} 道题" in html and f"{fixes} 处错误" in html
    snippets = sum(len(p.snippets()) for p in project.pages)  # question pages' (all executed)
    assert f"{snippets} 个 Python 代码片段" in html and snippets <= len(built_site["executed"])
    assert html.count('class="kb-card"') == len(by_topic(project.pages))


def test_make_offline_passes_a_bool_to_the_offline_plugin():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\noffline:")[1].split("\n\n")[0]
    assert "KB_OFFLINE=true" in recipe and "KB_OFFLINE=1" not in recipe
