"""The shared analyzer: normalisation, segmentation, stop words, synonyms."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kb.retrieval.analyzer import (
    Analyzer,
    SynonymError,
    ascii_terms,
    bigrams,
    cosine,
    load_synonyms,
    normalize,
    pieces,
    terms,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.for_project(ROOT)


def test_normalize_folds_full_width_and_case():
    assert normalize("ＦＩ　Ａｄａｍ  Top-P") == "fi adam top-p"


def test_compound_terms_split_into_ascii_word_and_cjk():
    assert terms("F1值", with_words=False) == ["f1", "值"]
    assert terms("LoRA微调", with_words=False) == ["lora", "微调"]
    assert terms("AdamW和Adam区别", with_words=False) == ["adamw", "adam", "区别"]


def test_question_words_cut_runs_and_vanish():
    assert pieces("训练时显存不够怎么办") == ["训练", "显存不够"]
    got = terms("怎么办？如何？有哪些？为什么", with_words=False)
    assert got == []


def test_bigrams_overlap_and_single_characters_stay():
    assert bigrams("过拟合") == ["过拟", "拟合"]
    assert bigrams("值") == ["值"]
    assert bigrams("") == []


def test_hyphenated_ascii_gives_parts_and_joined_form():
    assert ascii_terms("top-p") == ["top", "topp"]
    assert ascii_terms("k-means") == ["mean", "kmean"]
    assert ascii_terms("labels") == ["label"]
    assert ascii_terms("loss") == ["loss"]


def test_jieba_words_of_three_or_more_characters_are_added(analyzer):
    assert "召回率" in analyzer.terms("召回率怎么算")
    assert "过拟合" in analyzer.terms("什么是过拟合")


def test_bad_input_gives_terms_or_nothing_never_an_error(analyzer):
    for text in ["", " ", "?", "<script>alert(1)</script>", "\\frac{a}{b}", "a" * 500, "＋－＊", "一"]:
        assert isinstance(analyzer.terms(text, expand=True), list)
    assert analyzer.terms("") == []
    assert analyzer.terms("一") == ["一"]


def test_synonyms_expand_to_the_other_phrases_of_the_group(analyzer):
    assert "召回率" in analyzer.expand("查全率是什么")
    assert "显存" in analyzer.expand("训练时GPU内存不足")  # spaces and case ignored
    assert "标签噪声" in analyzer.expand("很多标错的样本")
    assert "查全率" not in analyzer.expand("查全率")  # already there


def test_ascii_synonyms_match_whole_words_only():
    a = Analyzer(((("recall", "召回率")),))
    assert a.expand("recall@k") == ["召回率"]
    assert a.expand("recalled") == []


def test_reworded_question_is_closer_to_its_page_than_to_another(analyzer):
    page = analyzer.bag("训练大模型显存不够（OOM）怎么办？显存都被什么占了？")
    other = analyzer.bag("多任务学习怎么设计和优化？任务之间互相干扰怎么办？")
    query = analyzer.bag("训练时GPU内存不足怎么办")
    assert cosine(query, page) > cosine(query, other)
    assert cosine(Counter(), page) == 0.0


def test_synonym_file_errors_name_the_line(tmp_path):
    bad = tmp_path / "s.yml"
    bad.write_text("groups:\n  - [召回率, 查全率]\n  - [查全率, recall]\n", encoding="utf-8")
    with pytest.raises(SynonymError, match=r"s\.yml:3: '查全率' is already in the group on line 2"):
        load_synonyms(bad)
    bad.write_text("groups:\n  - [召回率]\n", encoding="utf-8")
    with pytest.raises(SynonymError, match=r"s\.yml:2: .*at least two"):
        load_synonyms(bad)
    bad.write_text("groups: 3\n", encoding="utf-8")
    with pytest.raises(SynonymError, match=r"s\.yml:1:"):
        load_synonyms(bad)


def test_project_synonym_table_loads(analyzer):
    assert len(analyzer.synonyms) > 50
