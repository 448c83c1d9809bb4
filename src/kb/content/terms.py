"""Bilingual terms, from the pages' "中文（English）" first uses.

The content standard asks every page to give the English term in full-width parentheses
at its first use: 精确率（Precision）. This module reads those pairs back, so the glossary
(and search synonyms) are derived from the pages and never kept by hand.

What counts as a term (a heuristic, tuned on the pages of 2026-12-01): the parentheses hold
one to five English words, an acronym, or both separated by a comma (``PTQ, Post-Training
Quantization``), without years, citations or Chinese, and not a single lowercase word; the Chinese side is the run of
Chinese characters right before the parenthesis, from its naming word (称为、即 ...) or its last 的/或 on, with leading
function words (jieba's adverbs, conjunctions, prepositions, pronouns: 还、所以、把 ...)
removed, two to eight characters long.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from kb.content.pages import Page, strip_fences

_PAIR = re.compile(r"([\u4e00-\u9fff]{2,})（([^（）\n]{1,60})）")
_WORD = r"[A-Za-z][A-Za-z0-9'+\-.]*"
_ENGLISH = re.compile(rf"^{_WORD}(?: {_WORD}){{0,4}}(?:, ?{_WORD}(?: {_WORD}){{0,4}})?$")
_NOT_A_TERM = re.compile(r"\bet al\b|\b(?:19|20)\d\d\b|^(?:e\.g|i\.e|vs|or|and|the)\b", re.I)
#: Words that start a Chinese run without belonging to the term (longest first).
_LEADING = tuple(sorted((
    # Not 在/对/上/中/后/有/可/先/并/用/使: terms start with them (在线学习, 对抗训练, 上采样, 有监督, 并行).
    "也就是", "所谓的", "所谓", "称为", "叫做", "也叫", "又称", "简称", "例如", "比如", "包括", "以及",
    "还有", "通过", "使用", "采用", "利用", "进行", "就是", "可以", "一个", "一种", "这个", "这种", "各类",
    "即", "和", "或", "与", "及", "是", "为", "的", "将", "把", "被", "从", "叫", "如", "等", "而",
    "但", "让", "由", "按", "做", "也",
), key=len, reverse=True))
MIN_ZH, MAX_ZH = 2, 8


@dataclass(frozen=True)
class Term:
    """One bilingual term.

    Attributes:
        zh: The Chinese term (its most frequent spelling across pages).
        en: The English term as first written.
        pages: Ids of the pages that introduce it, in page order.
    """

    zh: str
    en: str
    pages: tuple[str, ...]


#: jieba part-of-speech flags of words that do not start a term: adverbs, conjunctions,
#: prepositions, pronouns, particles (还、必须、所以、把、这些 ...).
_FUNCTION_FLAGS = ("c", "d", "p", "r", "u", "y", "e")
_NAMING = re.compile(r"^.*?(?:称为|叫做|也叫|又称|简称|即)")


def _chinese(run: str) -> str:
    import jieba.posseg  # loaded only when terms are read (the build loads jieba for search anyway)

    run = _NAMING.sub("", run) if len(_NAMING.sub("", run)) >= MIN_ZH else run
    for word in ("的", "或"):  # 少数类的精确率（Precision）, 树或近似最近邻（ANN）: the last part
        tail = run.rpartition(word)[2]
        run = tail if len(tail) >= MIN_ZH else run
    words = list(jieba.posseg.cut(run))
    while len(words) > 1 and (words[0].flag.startswith(_FUNCTION_FLAGS) or words[0].word in _LEADING) \
            and len("".join(w.word for w in words[1:])) >= MIN_ZH:
        words = words[1:]
    return "".join(w.word for w in words)


def pairs_in(page: Page) -> list[tuple[str, str]]:
    """The ``(中文, English)`` pairs a page introduces, first use of each English term only."""
    seen, out = set(), []
    for m in _PAIR.finditer(strip_fences(page.body)):
        zh, en = _chinese(m[1]), " ".join(m[2].split())
        if (not (MIN_ZH <= len(zh) <= MAX_ZH) or not _ENGLISH.match(en) or _NOT_A_TERM.search(en)
                or en.islower() and " " not in en and "-" not in en):  # "micro", "support": words
            continue
        if en.lower() not in seen:
            seen.add(en.lower())
            out.append((zh, en))
    return out


def terms(pages: list[Page]) -> list[Term]:
    """Every term across ``pages``, one per English term (case ignored), sorted by English."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    english: dict[str, str] = {}
    where: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        for zh, en in pairs_in(page):
            key = en.lower()
            english.setdefault(key, en)
            spellings[key][zh] += 1
            if page.id not in where[key]:
                where[key].append(page.id)
    return sorted((Term(spellings[k].most_common(1)[0][0], english[k], tuple(where[k]))
                   for k in english), key=lambda t: t.en.lower())


def term_pairs(pages: list[Page]) -> list[tuple[str, str]]:
    """``(中文, English)`` pairs, one per term: the synonyms search may feed on."""
    return [(t.zh, t.en) for t in terms(pages)]
