import pytest

from kb.lab.algorithms.bpe import ByteBPE, apply_bpe, learn_bpe

# Sennrich, Haddow & Birch (2016), Algorithm 1's toy vocabulary.
SENNRICH = {("l", "o", "w", "</w>"): 5, ("l", "o", "w", "e", "r", "</w>"): 2,
            ("n", "e", "w", "e", "s", "t", "</w>"): 6, ("w", "i", "d", "e", "s", "t", "</w>"): 3}

CORPUS = ("低资源语言的分词很难。大模型用字节级 BPE 分词，分词器先把文本切成字节。"
          "the lowest newest widest lower low low low newer wider " * 3)


def test_learned_merges_match_the_hand_computed_sequence():
    # Worked by hand: pair counts e-s = s-t = t-</w> = 9 (ties: first seen wins), then l-o = 7, ...
    merges = learn_bpe(SENNRICH, 10)
    assert ["".join(m) for m in merges] == ["es", "est", "est</w>", "lo", "low", "ne", "new",
                                             "newest</w>", "low</w>", "wi"]


def test_encoding_replays_merges_in_rank_order():
    ranks = {pair: r for r, pair in enumerate(learn_bpe(SENNRICH, 10))}
    assert apply_bpe(("l", "o", "w", "e", "s", "t", "</w>"), ranks) == ("low", "est</w>")
    assert apply_bpe(("n", "e", "w", "e", "s", "t", "</w>"), ranks) == ("newest</w>",)
    assert apply_bpe(("x", "y"), ranks) == ("x", "y")          # unseen symbols stay as they are


def test_training_stops_when_every_word_is_a_single_token():
    merges = learn_bpe({("a", "b"): 3, ("c",): 1}, 50)
    assert merges == [("a", "b")]


@pytest.mark.parametrize("text", ["the lowest newest", "分词器把文本切成字节", "unseen 🤖 emoji, ünïcödé!",
                                  "  multiple   spaces\nand lines\t"])
def test_byte_bpe_round_trips_any_text(text):
    tok = ByteBPE(300).train(CORPUS)
    assert tok.decode(tok.encode(text)) == text


def test_byte_bpe_vocabulary_and_compression():
    tok = ByteBPE(300).train(CORPUS)
    assert len(tok.vocab) == 300
    sample = "分词器先把文本切成字节 the lowest"
    ids = tok.encode(sample)
    assert max(ids) < 300
    assert len(ids) < len(sample.encode("utf-8"))            # merges compress the training domain
    assert ByteBPE(256).train(CORPUS).encode("分") == list("分".encode())  # no merges: raw bytes


def test_byte_bpe_rejects_a_vocabulary_smaller_than_the_bytes():
    with pytest.raises(ValueError):
        ByteBPE(100)
