"""The search index the build writes and the Python ranker that mirrors the browser's."""

from __future__ import annotations

from kb.retrieval.analyzer import Analyzer
from kb.retrieval.index import build, decode, documents, encode, page_key
from kb.retrieval.preview import readable, tex_to_text
from kb.retrieval.rank import Ranker

CONFIG = {"lang": ["zh"], "separator": "[\\s]+", "pipeline": [], "fields": {}}
SYNONYMS = Analyzer(((("召回率", "查全率", "recall")), ("显存", "GPU 内存")))


def entry(location, title, text=""):
    return {"location": location, "title": title, "text": text}


QUESTIONS = {
    "evaluation/metrics": {"title": "精确率和召回率有什么区别？", "tags": ["评估指标"], "aliases": ["F1 分数"]},
    "training/oom": {"title": "训练显存不够怎么办？", "tags": ["显存"], "aliases": ["CUDA out of memory"]},
    "generalization/overfitting": {"title": "什么是过拟合？", "tags": ["过拟合"], "aliases": ["泛化差"]},
}
ENTRIES = [
    entry("evaluation/metrics/", "x",
          "<p>也可以这样问：F1 分数</p> <p>一句话回答</p> <p>召回率 \\(R=\\frac{TP}{TP+FN}\\)。</p>"),
    entry("evaluation/metrics/#详解", "详解", "<p>召回率回答“真的有多少被找到”。</p>"),
    entry("evaluation/metrics/#代码", "代码", "<pre>print(recall)</pre>"),
    entry("training/oom/", "x", "<p>一句话回答</p> <p>梯度累积、激活检查点。</p>"),
    entry("generalization/overfitting/", "x", "<p>一句话回答</p> <p>训练集好、测试集差。</p>"),
    entry("errata/", "勘误表", "<p>召回率 召回率 召回率 显存 过拟合</p>"),
    entry("errata/#x", "召回率", "<p>召回率</p>"),
]


def test_tex_becomes_readable_text():
    assert tex_to_text(r"P=\frac{TP}{TP+FP}") == "P=TP/(TP+FP)"
    assert tex_to_text(r"16\times7\times10^9") == "16×7×10⁹"
    assert tex_to_text(r"\hat{y}_i = \sigma(w^\top x)") == "ŷᵢ = σ(wᵀ x)"
    assert tex_to_text(r"\text{AP}=\sum_n (R_n-R_{n-1})P_n") == "AP=Σₙ (Rₙ-Rₙ₋₁)Pₙ"
    assert tex_to_text(r"\frac{1}{\sqrt{d_k}}") == "1/(√dₖ)"
    assert tex_to_text("\\unknown{x} + \\") == "x +"


def test_readable_strips_tags_entities_and_zero_width_spaces():
    assert readable("<p>精确\u200b率 \\(P=\\frac{a}{b}\\) &amp; <code>x</code></p>") == "精确率 P=a/b & x"


def test_page_key_accepts_every_location_form():
    assert page_key("training/oom/") == page_key("training/oom.html#x") == "training/oom"
    assert page_key("") == page_key("index.html") == "index"


def test_documents_keep_the_answer_as_preview_and_aggregate_pages_title_only():
    docs = {d.location: d for d in documents(ENTRIES, QUESTIONS)}
    metrics = docs["evaluation/metrics/"]
    assert metrics.question and metrics.title == "精确率和召回率有什么区别？"
    assert metrics.preview == "召回率 R=TP/(TP+FN)。"
    assert [s.title for s in metrics.sections] == ["详解"]  # code is indexed, not shown
    assert "print(recall)" in metrics.fields["code"]
    errata = docs["errata/"]
    assert not errata.question and errata.fields == {"title": "勘误表"}


def test_postings_round_trip_through_their_text_form():
    post = [0, 5, 35, 1296, 700, 1]
    assert decode(encode(post)) == post
    assert decode("") == []


def test_synonyms_and_compound_terms_find_the_page():
    ranker = Ranker(build(ENTRIES, QUESTIONS, SYNONYMS, CONFIG))
    assert ranker.search("查全率")[0].location == "evaluation/metrics/"
    assert ranker.search("训练时GPU内存不足怎么办")[0].location == "training/oom/"
    assert ranker.search("F1值")[0].location == "evaluation/metrics/"
    assert ranker.search("怎么办？如何？") == []


def test_aggregate_pages_rank_after_every_question_page():
    ranker = Ranker(build(ENTRIES, QUESTIONS, SYNONYMS, CONFIG))
    hits = [h.location for h in ranker.search("召回率 勘误表")]
    assert hits.index("errata/") == len(hits) - 1


def test_index_docs_are_display_text_and_the_config_is_materials():
    index = build(ENTRIES, QUESTIONS, SYNONYMS, CONFIG)
    assert {k: index["config"][k] for k in CONFIG} == CONFIG
    first = index["docs"][0]
    assert first["text"] == "召回率 R=TP/(TP+FN)。" and first["tags"] == ["评估指标"]
    assert index["config"]["kb"]["keys"] == sorted(index["config"]["kb"]["keys"])


def test_pages_can_be_ranked_without_a_site_build(project):
    from kb.retrieval.index import build_from, page_documents

    ranker = Ranker(build_from(page_documents(project.pages), Analyzer.for_project(project.root)))
    assert ranker.search("训练时GPU内存不足怎么办")[0].location == "training/out-of-memory"
    assert ranker.search("数据里有很多标错的样本怎么处理")[0].location == "data/label-noise"
