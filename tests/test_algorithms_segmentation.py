import itertools

import numpy as np
import pytest

from kb.lab.algorithms.segmentation import (
    STATES,
    backward_max_match,
    bidirectional_max_match,
    bmes_transition_mask,
    forward_max_match,
    hmm_segment,
    tags_to_words,
    viterbi,
)

VOCAB = {"研究", "研究生", "生命", "命", "起源"}


def test_forward_and_backward_disagree_on_classic_example():
    assert forward_max_match("研究生命起源", VOCAB) == ["研究生", "命", "起源"]
    assert backward_max_match("研究生命起源", VOCAB) == ["研究", "生命", "起源"]


def test_bidirectional_prefers_fewer_words_then_fewer_singles_then_backward():
    vocab = {"结合", "合成", "成分", "分子"}
    assert forward_max_match("结合成分子", vocab) == ["结合", "成分", "子"]
    assert backward_max_match("结合成分子", vocab) == ["结", "合成", "分子"]
    assert bidirectional_max_match("结合成分子", vocab) == ["结", "合成", "分子"]
    assert bidirectional_max_match("研究生命起源", VOCAB) == ["研究", "生命", "起源"]


@pytest.mark.parametrize("fn", [forward_max_match, backward_max_match, bidirectional_max_match])
def test_segmentations_cover_the_text(fn):
    for text in ["", "研", "研究生命起源的研究", "abc研究"]:
        assert "".join(fn(text, VOCAB)) == text


def test_max_len_limits_the_window():
    assert forward_max_match("研究生", VOCAB, max_len=2) == ["研究", "生"]


def test_viterbi_matches_brute_force():
    rng = np.random.default_rng(0)
    K, T = 3, 5
    log_start = np.log(rng.dirichlet(np.ones(K)))
    log_trans = np.log(rng.dirichlet(np.ones(K), size=K))
    log_emit = np.log(rng.uniform(0.05, 1.0, size=(T, K)))

    def score(path):
        s = log_start[path[0]] + log_emit[0, path[0]]
        for t in range(1, T):
            s += log_trans[path[t - 1], path[t]] + log_emit[t, path[t]]
        return s

    best = max(itertools.product(range(K), repeat=T), key=score)
    path, logp = viterbi(log_start, log_trans, log_emit)
    assert tuple(path) == best
    assert logp == pytest.approx(score(best))


def test_viterbi_rejects_bad_shapes():
    with pytest.raises(ValueError):
        viterbi(np.zeros(2), np.zeros((2, 2)), np.zeros((0, 2)))
    with pytest.raises(ValueError):
        viterbi(np.zeros(3), np.zeros((2, 2)), np.zeros((4, 2)))


def test_bmes_mask_and_hmm_segment_respect_grammar():
    start_ok, trans_ok = bmes_transition_mask()
    assert [STATES[i] for i in np.flatnonzero(start_ok)] == ["B", "S"]
    assert trans_ok.sum() == 8
    with np.errstate(divide="ignore"):
        log_start = np.log(np.where(start_ok, 0.5, 0.0))
        log_trans = np.log(np.where(trans_ok, 0.5, 0.0))
    # emissions that alone would prefer the illegal tag sequence "MM"
    emit = {"北": np.log([0.4, 0.5, 0.05, 0.05]), "京": np.log([0.05, 0.5, 0.4, 0.05])}
    words, tags = hmm_segment("北京", log_start, log_trans, emit)
    assert tags == "BE" and words == ["北京"]


def test_tags_to_words():
    assert tags_to_words("我爱北京", "SSBE") == ["我", "爱", "北京"]
    with pytest.raises(ValueError):
        tags_to_words("我", "SS")
