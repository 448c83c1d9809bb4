import math

import numpy as np
import pytest

from kb.lab.algorithms.retrieval import (
    bm25_scores,
    chunk_text,
    recall_at_k,
    reciprocal_rank,
    reciprocal_rank_fusion,
    tokenize,
)

DOCS = [["a", "b", "b"], ["a", "c"], ["c", "c", "c", "d"]]


def test_bm25_matches_a_hand_computed_score():
    # query "b" on DOCS: n_b = 1, N = 3 -> idf = ln(1 + 2.5/1.5); doc 0: tf 2, |D| 3, avgdl 3.
    idf = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    expected = idf * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / 3))
    np.testing.assert_allclose(bm25_scores(["b"], DOCS), [expected, 0.0, 0.0])


def test_bm25_is_a_sum_over_query_terms():
    both = bm25_scores(["a", "c"], DOCS)
    np.testing.assert_allclose(both, bm25_scores(["a"], DOCS) + bm25_scores(["c"], DOCS))
    assert bm25_scores(["zzz"], DOCS).tolist() == [0.0, 0.0, 0.0]


def test_bm25_term_frequency_saturates():
    docs = [["x"] * tf + ["pad"] * (10 - tf) for tf in range(1, 11)] + [["other"] * 10]
    s = bm25_scores(["x"], docs, b=0.0)[:10]
    assert np.all(np.diff(s) > 0)                            # more occurrences, higher score...
    assert np.all(np.diff(np.diff(s)) < 0)                   # ...with diminishing returns
    idf = math.log(1 + (11 - 10 + 0.5) / (10 + 0.5))
    assert s[-1] < idf * (1.2 + 1)                           # bounded by idf * (k1 + 1)


def test_bm25_length_normalisation_penalises_long_documents_only_when_b_is_positive():
    docs = [["x", "y"], ["x"] + ["filler"] * 20, ["y"]]
    short, long_ = bm25_scores(["x"], docs)[:2]
    assert short > long_
    flat = bm25_scores(["x"], docs, b=0.0)
    assert flat[0] == pytest.approx(flat[1])


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = reciprocal_rank_fusion([[1, 2, 3], [2, 3, 1]], k=60)
    assert fused[0] == 2                                     # 1/62 + 1/61 beats 1/61 + 1/63
    assert reciprocal_rank_fusion([[5, 6], [7]]) == [5, 7, 6]


def test_recall_and_reciprocal_rank():
    ranking = [4, 2, 9, 1]
    assert recall_at_k(ranking, {2, 1}, 2) == 0.5
    assert recall_at_k(ranking, {2, 1}, 4) == 1.0
    assert reciprocal_rank(ranking, {9}) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranking, {7}) == 0.0


def test_chunks_cover_the_text_with_the_requested_overlap():
    text = "".join(chr(0x4E00 + i) for i in range(53))
    chunks = chunk_text(text, size=20, overlap=5)
    assert all(len(c) <= 20 for c in chunks)
    assert all(a[-5:] == b[:5] for a, b in zip(chunks, chunks[1:]))
    assert "".join([chunks[0]] + [c[5:] for c in chunks[1:]]) == text
    assert chunk_text("short", 20, 5) == ["short"]
    with pytest.raises(ValueError):
        chunk_text(text, 10, 10)


def test_tokenize_mixes_words_and_chinese_bigrams():
    assert tokenize("RAG 检索增强") == ["rag", "检索", "索增", "增强"]
    assert tokenize("用 BM25") == ["bm25", "用"]
