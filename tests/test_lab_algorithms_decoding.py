import itertools

import numpy as np
import pytest

from kb.lab.algorithms.decoding import (
    apply_repetition_penalty,
    beam_search,
    entropy,
    filter_probs,
    log_softmax,
    sample_next,
)

V, EOS, MAX_LEN = 4, 0, 4


def toy_model(prefix):
    # deterministic "language model": next-token logits depend on the whole prefix
    rng = np.random.default_rng(abs(hash(tuple(prefix))) % 2**32)
    return log_softmax(rng.normal(scale=2.0, size=V))


def all_sequences():
    """Every sequence beam search can return: stops at EOS or at MAX_LEN tokens."""
    for n in range(1, MAX_LEN + 1):
        for seq in itertools.product(range(V), repeat=n):
            if EOS in seq[:-1] or (n < MAX_LEN and seq[-1] != EOS):
                continue
            yield seq, sum(float(toy_model(seq[:t])[seq[t]]) for t in range(n))


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_wide_beam_equals_brute_force_enumeration(alpha):
    brute = sorted(((s, score / len(s) ** alpha) for s, score in all_sequences()), key=lambda c: -c[1])
    beams = beam_search(toy_model, beam_width=V**MAX_LEN, max_len=MAX_LEN, eos_id=EOS, length_penalty=alpha)
    assert [s for s, _ in beams[:5]] == [s for s, _ in brute[:5]]
    np.testing.assert_allclose([c for _, c in beams[:5]], [c for _, c in brute[:5]], atol=1e-12)


def test_beam_width_one_is_greedy_decoding():
    seq = ()
    while len(seq) < MAX_LEN and (not seq or seq[-1] != EOS):
        seq += (int(np.argmax(toy_model(seq))),)
    (best, score), = beam_search(toy_model, beam_width=1, max_len=MAX_LEN, eos_id=EOS)
    assert best == seq
    assert score == pytest.approx(sum(float(toy_model(seq[:t])[seq[t]]) for t in range(len(seq))))


def test_narrow_beam_scores_are_sorted_and_exact():
    beams = beam_search(toy_model, beam_width=3, max_len=MAX_LEN, eos_id=EOS)
    assert len(beams) == 3
    scores = [c for _, c in beams]
    assert scores == sorted(scores, reverse=True)
    truth = dict(all_sequences())
    for seq, score in beams:
        assert score == pytest.approx(truth[seq])


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8, 0.95, 1.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_top_p_keeps_the_smallest_set_reaching_p(p, seed):
    logits = np.random.default_rng(seed).normal(size=8)
    probs = np.exp(log_softmax(logits))
    # brute force: among all subsets reaching mass p, the smallest (then the heaviest)
    subsets = [s for r in range(1, 9) for s in itertools.combinations(range(8), r) if probs[list(s)].sum() >= p - 1e-12]
    best = min(subsets, key=lambda s: (len(s), -probs[list(s)].sum()))
    out = filter_probs(logits, top_p=p)
    assert set(np.flatnonzero(out)) == set(best)
    np.testing.assert_allclose(out[list(best)], probs[list(best)] / probs[list(best)].sum())


def test_top_k_and_temperature_limits():
    logits = np.array([2.0, 1.0, 0.5, -1.0])
    assert filter_probs(logits, top_k=1).tolist() == [1.0, 0.0, 0.0, 0.0]
    assert np.count_nonzero(filter_probs(logits, top_k=2)) == 2
    assert filter_probs(logits, temperature=0.01)[0] == pytest.approx(1.0)
    np.testing.assert_allclose(filter_probs(logits, temperature=1e6), 0.25, atol=1e-5)
    entropies = [entropy(filter_probs(logits, temperature=t)) for t in (0.25, 0.5, 1, 2, 4)]
    assert all(a < b for a, b in zip(entropies, entropies[1:]))
    assert entropies[-1] < np.log(4)


def test_samples_follow_the_filtered_distribution():
    rng = np.random.default_rng(0)
    logits = np.array([1.5, 1.0, 0.2, -0.5, -2.0])
    target = filter_probs(logits, temperature=0.8, top_p=0.9)
    draws = [sample_next(logits, rng, temperature=0.8, top_p=0.9) for _ in range(20000)]
    freq = np.bincount(draws, minlength=5) / len(draws)
    np.testing.assert_allclose(freq, target, atol=0.015)
    assert freq[target == 0].sum() == 0


def test_repetition_penalty_follows_ctrl_rule():
    logits = np.array([2.0, -1.0, 0.5, 3.0])
    out = apply_repetition_penalty(logits, generated=[0, 1, 1], penalty=2.0)
    assert out.tolist() == [1.0, -2.0, 0.5, 3.0]
    before, after = filter_probs(logits), filter_probs(out)
    assert after[0] < before[0] and after[1] < before[1]
    assert apply_repetition_penalty(logits, [], 2.0).tolist() == logits.tolist()


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="temperature"):
        filter_probs(np.zeros(3), temperature=0)
    with pytest.raises(ValueError, match="top_p"):
        filter_probs(np.zeros(3), top_p=0)
    with pytest.raises(ValueError, match="top_k"):
        filter_probs(np.zeros(3), top_k=0)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(toy_model, beam_width=0, max_len=3, eos_id=EOS)
