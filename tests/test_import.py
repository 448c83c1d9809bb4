"""`kb import` and the page near-duplicate check: one matching core, verdicts, bad input."""

import hashlib
import json
from pathlib import Path

import pytest

from conftest import ROOT
from kb.bank.matching import PAGE_RATIO, page_duplicate_problems
from kb.bank.parse import parse_bank
from kb.cli import main
from kb.content.pages import load_page
from kb.content.schema import TOPICS
from kb.retrieval.analyzer import Analyzer
from kb.retrieval.fields import follow_up_fields, page_fields
from kb.retrieval.match import Matcher
from kb.retrieval.verdict import MAYBE_BUDGET, NEGATIVE_BUDGET
from kb.scaffold import SCAFFOLD

LABELLED = ROOT / "sources" / "labelled"


@pytest.fixture(scope="module")
def matcher(project) -> Matcher:
    return Matcher.for_project(project)


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` except tool caches."""
    skip = {".git", ".venv", ".cache", "site", "__pycache__", ".pytest_cache", ".ruff_cache", "node_modules"}
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not skip & set(path.relative_to(root).parts):
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def labelled_set(project, name):
    return next(s for s in project.labelled if s.name == name)


def test_the_labelled_sets_read_without_a_problem(project):
    assert project.labelled_problems == []
    assert {s.name for s in project.labelled} == {"import_set", *HOLDOUTS}


def test_labelled_import_set_has_the_kinds_and_spread_it_promises(project):
    tuning = labelled_set(project, "import_set")
    assert sorted(tuning.labels) == sorted(i.line for i in tuning.items), "every item is labelled"
    kinds = [label.kind for _, label in tuning.labelled_items()]
    assert len(tuning.items) >= 60
    assert kinds.count("rewording") >= 30 and kinds.count("near-miss") >= 12 and kinds.count("new") >= 18
    for label in tuning.labels.values():
        assert label.page is None or (ROOT / "docs" / label.page).is_file(), label.page
    reworded_topics = {label.page.split("/")[0] for label in tuning.labels.values() if label.kind == "rewording"}
    assert reworded_topics >= {t for t in TOPICS if any((ROOT / "docs" / t).glob("*.md"))} - {"ml", "dl", "transformer"}


#: Each holdout and its (rewordings, near misses, new) as written.
HOLDOUTS = {"import_holdout": (16, 8, 8), "import_holdout2": (24, 10, 12),
            **{f"import_holdout{n}": (20, 8, 12) for n in range(3, 19)}}


@pytest.mark.parametrize(("name", "counts"), HOLDOUTS.items())
def test_holdout_set_labels_every_item_and_names_real_pages(project, name, counts):
    holdout = labelled_set(project, name)
    assert sorted(holdout.labels) == sorted(i.line for i in holdout.items), "every item is labelled"
    kinds = [label.kind for label in holdout.labels.values()]
    assert (kinds.count("rewording"), kinds.count("near-miss"), kinds.count("new")) == counts
    for label in holdout.labels.values():
        assert label.page is None or (ROOT / "docs" / label.page).is_file(), label.page


def test_page_fields_leave_out_the_follow_up_questions(project):
    page = next(p for p in project.pages if str(p.path).endswith("trust/robustness.md"))
    fields = page_fields(page, "trust/robustness.md")
    follow_ups = follow_up_fields(page, "trust/robustness.md")
    assert "鲁棒性" in fields.texts["title"] and fields.texts["abstract"].strip()
    assert follow_ups and "FGSM 和 PGD 的区别" in follow_ups[1].texts["question"]
    assert "FGSM 和 PGD 的区别" not in fields.texts["body"]


def test_a_reworded_question_with_little_overlap_is_a_duplicate_of_its_page(matcher, tmp_path):
    bank = tmp_path / "other.txt"
    bank.write_text("### 1. 类别极不均衡怎么办\n\n**题目：** 欺诈样本只占千分之一，模型把所有样本都预测成正常，"
                    "准确率却很高，怎么处理？\n\n**答案：** 对少数类过采样、加类别权重，改看召回率。\n",
                    encoding="utf-8")
    [result] = matcher.match_items(parse_bank(bank))
    assert result.verdict == "duplicate" and result.page == "data/class-imbalance.md"
    assert len(result.candidates) == 3
    assert any(word == "欺诈" for word, _ in result.candidates[0].matched)


def test_a_question_no_page_answers_is_new(matcher, tmp_path):
    bank = tmp_path / "other.txt"
    bank.write_text("### 1. 语音识别里的 CTC 解决了什么问题？\n\n**答案：** 引入空白符，对所有对齐路径求和。\n",
                    encoding="utf-8")
    [result] = matcher.match_items(parse_bank(bank))
    assert result.verdict == "new"


def test_verdict_cuts_are_calibrated_within_their_budgets(matcher):
    model = matcher.model
    x, y = model.calibration
    p = model.probability(x)
    assert 0 < model.new_below <= model.duplicate_at < 1
    assert (p[y == 0] >= model.duplicate_at).mean() <= NEGATIVE_BUDGET
    assert ((p >= model.new_below) & (p < model.duplicate_at)).mean() <= MAYBE_BUDGET
    assert (p[y == 1] >= model.duplicate_at).mean() > 0.5, "the positives must mostly pass"


def test_kb_import_prints_three_candidates_matched_words_and_a_verdict(project, capsys):
    assert main(["--root", str(project.root), "import", str(LABELLED / "import_set.txt")]) == 0
    out = capsys.readouterr().out
    first = out.split("import_set.txt:11")[0]
    assert first.count("\n    1. docs/") == 1 and "\n    3. docs/" in first and "matched: " in first
    assert "    -> " in first
    assert "Nothing was changed." in out


def test_kb_import_json_gives_one_object_per_item(project, capsys):
    assert main(["--root", str(project.root), "import", "--json", str(LABELLED / "import_set.txt")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(parse_bank(LABELLED / "import_set.txt"))
    row = rows[2]
    assert row["verdict"] in ("duplicate", "maybe", "new") and 0 <= row["probability"] <= 1
    fields = {"page", "score", "bm25", "latent", "classifier", "matched"}
    assert len(row["candidates"]) == 3 and fields <= set(row["candidates"][0])
    assert (row["page"] is None) == (row["verdict"] == "new")


def test_kb_import_never_modifies_files(project, capsys):
    before = tree_digest(project.root)
    assert main(["--root", str(project.root), "import", str(LABELLED / "import_set.txt")]) == 0
    assert main(["--root", str(project.root), "import", "--json", str(LABELLED / "import_set.txt")]) == 0
    capsys.readouterr()
    assert tree_digest(project.root) == before



REMEDIES = ("过拟合可以从数据、模型和训练三方面缓解：1. **正则化**：L1/L2 正则、权重衰减限制权重的大小；"
            "2. **Dropout**：训练时随机丢弃一部分神经元；3. **早停**：验证集损失不再下降就停止训练；"
            "4. **数据增强**：扩充训练数据；5. **降低模型复杂度**：减少层数和参数量。")


def test_a_long_answer_listing_remedies_does_not_outvote_the_question(matcher):
    from kb.retrieval.fields import Fields

    # No copy of the bank is consulted here (match, not match_items): only the pages decide.
    [result] = matcher.match([Fields("q", {"question": "如何解决过拟合问题？", "answer": REMEDIES})])
    assert result.page == "generalization/overfitting.md" and result.verdict == "duplicate"
    assert result.same_as is None


def test_a_copy_of_an_item_already_in_the_bank_is_a_duplicate_of_the_page_it_went_to(matcher, project, tmp_path,
                                                                                        capsys):
    original = next(i for i in project.items if i.title == "如何处理过拟合问题？")
    bank = write_bank(tmp_path / "copied.txt", (original.title, original.question, original.answer),
                      ("如何解决过拟合问题？", "如何解决过拟合问题？", REMEDIES))
    results = matcher.match_items(parse_bank(bank))
    for result in results:
        assert result.verdict == "duplicate" and result.page == "generalization/overfitting.md"
        assert result.same_as.entry.page == "generalization/overfitting.md"
    assert results[0].same_as.key == original.key and results[0].same_as.score > 0.99
    assert main(["--root", str(project.root), "import", str(bank)]) == 0
    out = capsys.readouterr().out
    assert f"same question as {original.key} in the bank" in out
    assert "merged into docs/generalization/overfitting.md" in out
    assert main(["--root", str(project.root), "import", "--json", str(bank)]) == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["same_as"] == {"item": original.key, "score": results[0].same_as.score, "status": "merged",
                              "page": "generalization/overfitting.md", "reason": None}


def test_importing_the_banks_own_raw_items_again_puts_each_on_its_page(matcher, project):
    results = matcher.match_items(project.items)
    wrong = [(i.key, r.verdict, r.page) for i, r in zip(project.items, results)
             if (r.verdict, r.page) != ("duplicate", project.entries[i.key].page)]
    assert wrong == []


def test_a_copy_of_an_item_set_aside_goes_to_a_person_with_the_reason(project, tmp_path):
    import dataclasses

    from kb.cli import placed

    original = next(i for i in project.items if i.title == "如何处理过拟合问题？")
    entries = dict(project.entries)
    entries[original.key] = dataclasses.replace(entries[original.key], status="set-aside", page=None,
                                                reason="只问“如何处理”，太宽泛")
    others = [i for i in project.items if i.title != original.title and "过拟合" not in i.title]
    matcher = Matcher(project.pages, [*others, original], entries, Analyzer.for_project(project.root))
    bank = write_bank(tmp_path / "copied.txt", (original.title, original.question, original.answer))
    [result] = matcher.match_items(parse_bank(bank))
    assert result.verdict == "maybe" and result.same_as.key == original.key
    assert placed(result.same_as.entry) == "set aside: 只问“如何处理”，太宽泛"
    assert placed(None) == "not in sources/mapping.yml yet"

BAD_INPUT = {  # kind: (bytes, line, message)
    "empty": (b"", 1, "文件是空的"),
    "blank": (b"\n  \n", 1, "文件是空的"),
    "binary": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 3, "二进制数据"),
    "latin-1": ("### 1. caf\xe9\n".encode("latin-1"), 1, "不是 UTF-8"),
    "json": (json.dumps([{"question": "什么是过拟合？"}], ensure_ascii=False).encode(), 1, "这是 JSON"),
    "csv": ("question,answer,topic\n什么是过拟合？,训练好测试差,泛化\n".encode(), 1, "CSV/TSV"),
    "prose": ("这不是题库，只是一段话。\n".encode(), 1, "没有找到带编号的题目标题"),
}


@pytest.mark.parametrize("kind", BAD_INPUT)
def test_kb_import_rejects_a_file_that_is_not_a_raw_bank_with_file_and_line(mini_project, tmp_path, capsys,
                                                                           kind):
    data, line, message = BAD_INPUT[kind]
    bank = tmp_path / f"bad-{kind}.txt"
    bank.write_bytes(data)
    assert main(["--root", str(mini_project), "import", str(bank)]) == 2
    err = capsys.readouterr().err
    assert f"{bank}:{line}: " in err and message in err and "Traceback" not in err


def test_kb_import_rejects_a_folder_and_a_missing_file(mini_project, tmp_path, capsys):
    assert main(["--root", str(mini_project), "import", str(tmp_path)]) == 2
    assert f"{tmp_path}:1: 这不是一个文件" in capsys.readouterr().err
    assert main(["--root", str(mini_project), "import", str(tmp_path / "nope.txt")]) == 2
    assert f"{tmp_path / 'nope.txt'}:1: 文件不存在" in capsys.readouterr().err


def scaffold(tmp_path: Path, page_id: str, title: str) -> object:
    path = tmp_path / "docs" / "generalization" / f"{page_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SCAFFOLD.format(id=page_id, title=json.dumps(title, ensure_ascii=False), topic="generalization",
                                    tags="过拟合", difficulty="基础", origin="origin: written\n", path="x"),
                    encoding="utf-8")
    return load_page(path, tmp_path / "docs")


@pytest.fixture(scope="module")
def page_problems(project, tmp_path_factory):
    """The page check over today's pages plus a duplicate and a genuinely new page."""
    tmp = tmp_path_factory.mktemp("pages")
    dup = scaffold(tmp, "fix-overfitting", "如何解决过拟合问题？")
    fresh = scaffold(tmp, "ctc", "语音识别里的 CTC 损失解决了什么问题？")
    # Names methods the word2vec page lists only as bare-name aliases (GloVe, fastText).
    vectors = scaffold(tmp, "word-vectors", "词向量是怎么训练出来的？word2vec、GloVe 和 fastText 有什么区别？")
    problems = page_duplicate_problems([*project.pages, dup, fresh, vectors], project.items, project.entries,
                                       Analyzer.for_project(project.root))
    return problems, dup, fresh, vectors


def test_page_check_names_the_page_a_new_page_duplicates(page_problems):
    problems, dup, _, _ = page_problems
    [problem] = [p for p in problems if p.path == dup.path]
    assert "几乎是同一个问题" in problem.message and "generalization/overfitting.md" in problem.message


def test_page_check_names_a_page_that_also_asks_the_others_question_whatever_else_it_names(page_problems):
    # word2vec is stated by the word2vec page; GloVe and fastText are only bare-name aliases there.
    problems, _, _, vectors = page_problems
    flagged = [p for p in problems if p.path == vectors.path or "word-vectors.md" in p.message]
    assert flagged and all("transformer/word2vec.md" in f"{p.path} {p.message}" for p in flagged)


def test_page_check_lets_a_page_on_a_method_another_page_names_in_passing_pass(matcher):
    from kb.bank.matching import _also_asks_its_question
    from kb.retrieval.fields import Fields
    from kb.retrieval.match import Candidate, Result

    def held_back(page: str, term: str) -> Result:
        return Result("new.md", (Candidate(page, 1.0, 1.0, 0.0, "", 1.0, (), 1.0),), "maybe", 0.9, (), (term,))

    # architecture-choice names GCN in its prose: a page on GCN asks a new question.
    gcn = Fields("new.md", {"question": "图神经网络 GCN 的原理"})
    assert not _also_asks_its_question(matcher.index, gcn, held_back("deployment/architecture-choice.md", "gcn"))
    vectors = Fields("new.md", {"question": "word2vec 和 GloVe 有什么区别"})
    assert _also_asks_its_question(matcher.index, vectors, held_back("transformer/word2vec.md", "glove"))


def test_page_check_lets_a_new_page_on_a_new_question_pass(page_problems):
    problems, _, fresh, _ = page_problems
    assert not [p for p in problems if p.path == fresh.path or "ctc.md" in p.message]


def test_page_check_does_not_flag_todays_distinct_pages(page_problems):
    problems, dup, _, vectors = page_problems
    others = [p for p in problems if p.path not in (dup.path, vectors.path) and "word-vectors.md" not in p.message]
    assert others == [], f"{[str(p) for p in others]} (PAGE_RATIO {PAGE_RATIO})"


def test_fast_synonym_expansion_gives_the_analyzers_own_terms(project):
    from kb.retrieval.match import Terms

    analyzer = Analyzer.for_project(project.root)
    fast = Terms(analyzer)
    texts = ["训练时GPU内存不足怎么办", "查准率和查全率怎么权衡？F1 值是什么", "过拟合、Dropout 与 early stopping",
             "ROC 曲线下面积 AUC", "mapping 不是 map", ""]
    texts += [p.meta["title"] for p in project.pages[:20]]
    for text in texts:
        assert fast(text) == analyzer.terms(text, expand=True), text


def write_bank(path: Path, *items: tuple[str, str, str]) -> Path:
    """A raw bank in the seeds' format from ``(title, question, answer)`` triples."""
    path.write_text("### 题库\n\n" + "".join(f"#### 题目{n}：{t}\n\n**题目：** {q}\n\n**答案：** {a}\n\n"
                                              for n, (t, q, a) in enumerate(items, 1)), encoding="utf-8")
    return path


def test_a_question_naming_a_term_its_page_never_mentions_is_held_back_from_duplicate(matcher, tmp_path):
    bank = write_bank(tmp_path / "bank.txt",
                      ("LSTM 的 peephole 连接是什么？", "LSTM 加上 peephole 连接后，门也能看到细胞状态，有什么用？",
                       "门的计算也用到细胞状态。"),
                      ("LSTM 里遗忘门、输入门和输出门各管什么？", "LSTM 的三个门分别控制什么？参数量怎么算？",
                       "遗忘门决定保留多少旧状态，输入门决定写入多少新内容，输出门决定输出多少。"))
    peephole, gates = matcher.match_items(parse_bank(bank))
    assert gates.verdict == "duplicate" and gates.page == "dl/rnn-lstm-gru.md" and gates.unnamed == ()
    assert peephole.page == "dl/rnn-lstm-gru.md" and peephole.unnamed == ("peephole",)
    assert peephole.verdict == "new"


def test_sizes_and_code_written_together_are_not_unknown_terms(matcher):
    from kb.retrieval.fields import Fields
    from kb.retrieval.match import named_terms

    assert named_terms("8 张 80G 的卡，13B 模型，3x3 卷积，快 1.5x，V100") == ["v100"]
    question = "PyTorch 里直接 torch.save(model) 和只存 model.state_dict() 有什么区别？8 张 80G 的卡也会爆显存"
    assert "modelstatedict" in named_terms(question)  # the analyzer joins the identifier's parts
    assert matcher.index.unnamed(Fields("q", {"question": question})) == ()
    assert matcher.index.unnamed(Fields("q", {"question": "k-medoids 的 PAM 算法"})) != ()
    # A known name with its version or size written on is known; an unknown one stays unknown.
    assert matcher.index.unnamed(Fields("q", {"question": "ResNet50 预训练模型冻住还是全调？GPT4 呢"})) == ()
    assert matcher.index.unnamed(Fields("q", {"question": "Jamba2 的混合层怎么排"})) == ("jamba2",)


def test_inline_code_in_a_question_names_no_term(matcher):
    from kb.retrieval.fields import Fields
    from kb.retrieval.match import named_terms

    # A config key or an API the question quotes is not a method it asks about (holdout 14:
    # `early_stopping_patience=3` held a regularization rewording back as "patience in passing").
    question = "配置里写着 `weight_decay=0.01`、`dropout=0.1`、`early_stopping_patience=3`，这些开关各管什么？"
    assert named_terms(question) == []
    assert named_terms("权重直接用 `torch.randn` 初始化，NCCL 呢") == ["nccl"]
    result = matcher.match([Fields("q", {"question": question})])[0]
    assert result.in_passing == () and result.unnamed == ()


def test_math_in_a_question_names_no_term(matcher):
    from kb.retrieval.fields import Fields
    from kb.retrieval.match import named_terms

    # Pages' fields leave math out, so its symbols (sumj, zj, frac) would be terms no page mentions.
    question = r"softmax 的 $\sum_j e^{z_j}$ 为什么会溢出？$$p_i = e^{z_i}$$ 与 \(\sqrt{d_k}\)、\frac12 呢"
    assert named_terms(question) == ["softmax"]
    result = matcher.match([Fields("q", {"question": question})])[0]
    assert result.unnamed == () and result.page == "dl/softmax.md" and result.verdict == "duplicate"


def test_the_unknown_term_rule_fires_for_none_of_the_banks_own_items(matcher):
    from kb.retrieval.fields import item_fields

    assert [i.key for i in matcher.index.via_items if matcher.index.unnamed(item_fields(i))] == []


def test_a_method_its_page_names_only_in_passing_is_held_back_to_maybe(matcher, project, tmp_path, capsys):
    bank = write_bank(tmp_path / "bank.txt",
                      ("Lion 优化器", "Lion 优化器和 AdamW 相比有什么不同？为什么更省显存？",
                       "Lion 只保留一份动量，用符号函数决定更新方向，所以比 AdamW 少存一份二阶矩。"),
                      ("优化器怎么选", "SGD、Momentum 和 Adam 的更新公式有什么区别？训练时怎么选？",
                       "SGD 沿负梯度走，Momentum 累积历史梯度，Adam 再按二阶矩给每个参数缩放步长。"))
    lion, choice = matcher.match_items(parse_bank(bank))
    assert choice.verdict == "duplicate" and choice.page == "training/optimizers.md" and choice.in_passing == ()
    assert lion.page == "training/optimizers.md" and lion.in_passing == ("lion",)
    assert lion.verdict == "maybe"
    assert main(["--root", str(project.root), "import", str(bank)]) == 0
    assert "the page mentions lion only in passing" in capsys.readouterr().out


def test_a_method_its_page_lists_only_as_a_bare_name_alias_is_a_passing_mention(matcher):
    from kb.retrieval.fields import Fields
    from kb.retrieval.match import bare_name

    assert bare_name("GloVe") and bare_name("Ring AllReduce") and not bare_name("GloVe 和 word2vec 的区别")
    index = matcher.index
    word2vec = index.pages.index("transformer/word2vec.md")
    assert "GloVe" in index.page_aliases[word2vec]  # for search; the page states no question about it
    glove = Fields("q", {"question": "GloVe 的共现矩阵损失是怎么设计的？"})
    assert index.in_passing(glove, word2vec) == ("glove",)
    # ``encoder-only`` is only a bare-name alias, but written from words the page states.
    architecture = index.pages.index("transformer/transformer-architecture.md")
    both = Fields("q", {"question": "encoder-only、decoder-only 和 encoder-decoder 三种结构有什么区别？"})
    assert index.in_passing(both, architecture) == ()


def test_a_method_its_page_names_only_in_its_one_line_answer_is_a_passing_mention(matcher):
    from kb.retrieval.fields import Fields

    index = matcher.index
    nms = index.pages.index("coding/iou-nms.md")
    assert "Soft-NMS" in index.page_docs[nms].texts["abstract"] and "Soft" not in index.page_docs[nms].texts["title"]
    soft = Fields("q", {"question": "Soft-NMS 是怎么衰减重叠框的分数的？"})
    assert "soft" in index.in_passing(soft, nms)  # a sub-question: the answer uses it, the title does not ask it
    plain = Fields("q", {"question": "面试让手写 NMS，重叠的框怎么去掉？"})
    assert index.in_passing(plain, nms) == ()


def test_an_abbreviation_the_page_glosses_and_a_hardware_name_are_not_passing_mentions(matcher):
    from kb.retrieval.fields import Fields

    index = matcher.index
    # The prose says 参数服务器（Parameter Server，PS）, and the title states 参数服务器.
    distributed = index.pages.index("distributed/distributed-training.md")
    assert "ps" in index.stated(distributed)
    ps = Fields("q", {"question": "推荐模型用 PS 异步训练，大模型用 ZeRO，分布式训练有哪几类做法？"})
    assert index.in_passing(ps, distributed) == ()
    # A100 is named only in the prose of the compute-allocation page, but names no method.
    allocation = index.pages.index("training/compute-allocation.md")
    gpus = Fields("q", {"question": "三个组抢一批 A100，GPU 集群的卡该怎么分？"})
    assert index.in_passing(gpus, allocation) == ()


def test_the_passing_mention_rule_fires_for_none_of_the_banks_own_items_on_their_pages(matcher):
    from kb.retrieval.fields import item_fields

    index = matcher.index
    assert [i.key for i, p in zip(index.via_items, index.via_page) if index.in_passing(item_fields(i), p)] == []
