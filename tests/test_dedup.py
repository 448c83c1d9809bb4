"""The duplicate detector on hand-labelled pairs, hard negatives, and at scale."""

from pathlib import Path

import yaml

from kb.bank.dedup import THRESHOLD, Doc, Scorer, clusters, lsh_candidates, scored_pairs
from kb.bank.matching import item_doc

LABELLED = Path(__file__).parent / "fixtures" / "labelled_pairs.yml"


def labelled_scores(project):
    index = {i.key: n for n, i in enumerate(project.items)}
    docs = [item_doc(i) for i in project.items]
    x = Scorer(docs).corpus
    pairs = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    return {kind: [(a, b, why, float(x[index[a]].multiply(x[index[b]]).sum()))
                   for a, b, why in pairs[kind]] for kind in ("duplicate", "distinct")}


def test_labelled_pairs_name_real_items(project):
    keys = {i.key for i in project.items}
    for kind, rows in labelled_scores(project).items():
        assert len(rows) >= 30, kind
        assert all(a in keys and b in keys for a, b, _, _ in rows)


def test_precision_and_recall_on_labelled_pairs(project):
    scores = labelled_scores(project)
    tp = sum(s >= THRESHOLD for *_, s in scores["duplicate"])
    fp = sum(s >= THRESHOLD for *_, s in scores["distinct"])
    precision, recall = tp / (tp + fp), tp / len(scores["duplicate"])
    assert precision >= 0.9 and recall >= 0.85, (precision, recall)


def test_hard_negatives_named_in_the_brief_stay_apart(project):
    scores = labelled_scores(project)["distinct"]
    for topic in ("过拟合与欠拟合", "学习率调度与优化器选择"):
        assert all(s < THRESHOLD for _, _, why, s in scores if topic in why), topic


def test_exact_and_reworded_duplicates_cluster_together():
    docs = [Doc("如何处理AI大模型的过拟合问题？", "正则化、早停、数据增强"),
            Doc("大模型训练中的过拟合问题如何解决？", "使用正则化和早停"),
            Doc("如何选择学习率调度策略？", "余弦退火、预热")]
    assert clusters(3, scored_pairs(docs)) == [[0, 1]]


def test_lsh_finds_planted_duplicates_without_scoring_all_pairs():
    topics = [f"主题{chr(0x4E00 + 37 * i)}{chr(0x4E00 + 91 * i + 5)}{chr(0x4E00 + 53 * i + 11)}"
              for i in range(1500)]
    questions = [f"如何理解{t}的原理" for t in topics]
    questions += [f"{t}的原理是什么" for t in topics[:100]]  # planted rewordings
    pairs = {tuple(p) for p in lsh_candidates(questions).tolist()}
    found = sum((i, 1500 + i) in pairs for i in range(100))
    assert found >= 95
    assert len(pairs) < 20 * len(questions)  # far from the 1.3 million possible pairs
