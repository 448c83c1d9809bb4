"""Match new questions to existing pages by meaning: the core of ``kb import`` and ``kb check``.

For every query (a raw item, or a page being checked) and every page, four views of
similarity are computed:

- **BM25F** over analyzer terms against the page's weighted fields
  (:mod:`kb.retrieval.fields`), and against the raw items the mapping already merged
  into the page (the page's other known wordings);
- **latent similarity**: cosine in a TF-IDF -> TruncatedSVD space learned from the
  bank's own text (pages and raw items), which links words that co-occur
  (``显存`` with ``OOM``) even when the query shares none with the page;
- **which of the close pages** it is about: a classifier learned from every page's
  title, aliases, one-line answer and headings (:mod:`kb.retrieval.rerank`), so that
  a broad page sharing many words loses to the specific one the question names; a
  query's question and answer weigh the same in it, however long the answer;
- **sentence meaning**, only when a maintainer supplies a local sentence-embedding
  model (:mod:`kb.retrieval.meaning`): the best cosine between the question and the
  page's title, aliases and one-line answer.

The best page per query gets a calibrated probability of being the same question from
a logistic regression over these scores (:mod:`kb.retrieval.verdict`). One rule then
makes the verdict ``new`` whatever the probability: the question **names an English
term that no page of the bank mentions** (``peephole`` asked beside the LSTM page,
``NCCL timeout`` beside the distributed-training page). Pages that never name a method
do not answer a question about it (at most, the new question belongs on the closest
one); the term is reported with the candidates, so the maintainer sees why. Terms
that some page uses (``AI``, ``GPU``) are never evidence, so the rule fires for none
of the bank's own raw items (``tests/test_import.py`` checks it).

A second rule holds a ``duplicate`` back to ``maybe``: the question names an English
term that the best page **mentions only in passing**, in its prose or as a bare name
among its aliases but not where it states its question (title, one-line answer,
headings, aliases that word a question), and that few pages mention at all (``Lion``
beside the optimizers page, ``GloVe`` beside the word2vec page, whose aliases list
``GloVe`` so that search finds it). Such a question usually asks about that method,
which the page names without answering for it; a person decides. Stated too: a term
written from words the page states (``encoder-only`` where it states ``encoder`` and
``only``) and an English name its prose glosses a stated Chinese term with (``PS`` in
``参数服务器（Parameter Server，PS）``); a term with a digit (``A100``) names no method.
The rule too fires for none of the bank's own raw items.

Before all of this, :meth:`Matcher.known` looks for the question among the raw items
the bank already holds, with ``kb ingest``'s detector (:mod:`kb.bank.dedup`): banks copy
each other, and a copy needs no new decision. A copy of an item merged into a page is a
``duplicate`` of that page; a copy of one planned or set aside is ``maybe``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2

from kb.bank.dedup import THRESHOLD as DEDUP_THRESHOLD
from kb.bank.dedup import best_matches
from kb.bank.labelled import LabelledSet
from kb.bank.mapping import Entry
from kb.bank.matching import item_doc
from kb.bank.parse import Item
from kb.content.pages import Page, page_rel
from kb.retrieval.analyzer import Analyzer, _compact, normalize, term_weight, terms
from kb.retrieval.bm25 import BM25F
from kb.retrieval.fields import ITEM_WEIGHTS, MATH, PAGE_WEIGHTS, Fields, item_fields, page_fields, without_math
from kb.retrieval.lsa import LatentSpace
from kb.retrieval.meaning import SentenceModel, best_per_page
from kb.retrieval.rerank import CANDIDATES, PageClassifier, page_texts, question_texts
from kb.retrieval.verdict import VerdictModel, blend, top_features

if TYPE_CHECKING:
    from kb.project import Project

#: Dimensions of the latent space (capped by the number of reference documents).
LSA_DIMS = 128
#: Pages kept per query for features and display.
TOP = 3
#: Queries per block when comparing sentence vectors (bounds the query x text matrix).
MEANING_ROWS = 512
#: Weights of a merged raw item as a reference document of its page.
VIA_WEIGHTS = {"title": 2.0, "body": 0.3}
#: Fields where a page states its question, besides its aliases that are not bare names. The one-line
#: answer and the headings are the answer: the methods and examples they name are what it uses.
STATED = ("title",)
#: An alias of at most this many English words and nothing else is a bare name (``GloVe``, ``Ring AllReduce``).
NAME_WORDS = 3
#: A Chinese term glossed in full-width brackets with its English name or abbreviation:
#: ``参数服务器（Parameter Server，PS）`` (the body field has already lost its ASCII brackets).
_GLOSS = re.compile(r"([\u4e00-\u9fff]{2,16})（([A-Za-z][A-Za-z0-9 ,，/.+-]{0,60})）")
#: A term is named in passing only if at most this many pages mention it at all.
PASSING_PAGES = 3


class Terms:
    """Text -> terms with synonyms expanded, as :meth:`Analyzer.terms` (``expand=True``) gives them.

    Memoised, and with a cheap pre-test before each synonym pattern: a phrase can only
    match a text that contains it as a substring, so most of the table's regular
    expressions never run. The result is the analyzer's own (``tests/test_import.py``
    compares them); only the cost differs, which matters for 10,000-item banks.
    """

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        analyzer.terms("")  # registers the synonym phrases as jieba words, as the analyzer does
        self.patterns = [(_compact(phrase), pattern, others) for phrase, (pattern, others)
                         in zip((p for g in analyzer.synonyms for p in g), analyzer._patterns)]
        self.cached = lru_cache(maxsize=200_000)(self._terms)

    def expand(self, text: str) -> list[str]:
        """:meth:`Analyzer.expand`, faster."""
        compact = _compact(text)
        out: dict[str, None] = {}
        for key, pattern, others in self.patterns:
            if key in compact and pattern.search(compact):
                out.update(dict.fromkeys(others))
        return [p for p in out if _compact(p) not in compact]

    def _terms(self, text: str) -> tuple[str, ...]:
        out = terms(text)
        for phrase in self.expand(text):
            out += terms(phrase)
        return tuple(out)

    def __call__(self, text: str) -> list[str]:
        """The terms of ``text`` (a fresh list)."""
        return list(self.cached(text))


#: A term with a digit is a product, version or format (``A100``, ``fp16``), not a method a page answers for.
_CODE = re.compile(r"\d")
#: The version or size written onto a name: ``resnet50`` -> ``resnet``, ``llama2`` -> ``llama``.
_VERSIONED = re.compile(r"(?<=[a-z]{3})\d[\da-z]*$")
#: Inline code of Markdown: ```torch.randn```.
_INLINE_CODE = re.compile(r"`[^`\n]*`")
#: A number, optionally with a unit or a second number (``80g``, ``7b``, ``1.5x``, ``3x3``).
_SIZE = re.compile(r"^\d[\d.]*(?:[a-z]{1,2}|x\d+)?$")


def named_terms(text: str) -> list[str]:
    r"""The English words a text names (``nccl``, ``peephole``), each once, numbers and sizes left out.

    Chinese words are not used: a colloquial rewording's own words (``装不下``,
    ``揪出来``) are missing from its page as often as a near miss's new method is.
    Sizes (``80g``, ``13b``, ``3x3``) name no method either, and neither does math
    (``$\sum_j e^{z_j}$``, ``\frac12``): pages' fields leave their math out, so its
    symbols would look like terms no page mentions. Nor does inline code (```torch.randn```,
    ```early_stopping_patience=3```): an identifier the question quotes, not a method it asks about.
    """
    plain = MATH.sub(" ", _INLINE_CODE.sub(" ", text))
    return list(dict.fromkeys(t for t in terms(plain, with_words=False)
                              if t.isascii() and " " not in t and not _SIZE.match(t) and len(t) > 1))


def bare_name(alias: str) -> bool:
    """Whether an alias is only an English name (``GroupNorm``): a keyword for search, not a wording of a question."""
    return alias.isascii() and len(alias.split()) <= NAME_WORDS


def _glosses(chinese: str, said: str) -> bool:
    """Whether the Chinese run before a gloss ends with three or more characters of ``said`` (or is two of them)."""
    return any(chinese[-n:] in said for n in range(3, len(chinese) + 1)) or (len(chinese) == 2 and chinese in said)


def _joined(term: str, parts: Sequence[str], known) -> bool:
    """Whether ``term`` is two or more of ``parts`` written together, each of them ``known``."""
    usable = [p for p in parts if p in known and len(p) < len(term)]
    ends = {0}
    for i in range(len(term)):
        if i in ends:
            ends.update(i + len(p) for p in usable if term.startswith(p, i))
    return len(term) in ends


def _identity(terms_: list[str]) -> list[str]:
    return terms_


# --- references and scoring ------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """One page proposed for one query.

    Attributes:
        page: ``topic/id.md``.
        score: The ranking score (:func:`kb.retrieval.verdict.blend` of the scores below).
        bm25: BM25F score against the page itself.
        via: BM25F score against the best raw item merged into the page.
        via_key: That raw item's key (``""`` when none).
        latent: Cosine in the latent space.
        matched: Query words found in the page, with the fields they were found in.
        classifier: The page classifier's probability among the query's close pages.
        meaning: Sentence-model cosine (``None`` without a model).
    """

    page: str
    score: float
    bm25: float
    via: float
    via_key: str
    latent: float
    matched: tuple[tuple[str, str], ...]
    classifier: float
    meaning: float | None = None


class Index:
    """Pages (and the raw items merged into them) ready to be matched against.

    Args:
        pages: The question pages.
        items: Raw items already in the bank (their merged pages' other wordings).
        entries: The mapping, to know which page each raw item went to.
        analyzer: The shared analyzer (default: no synonyms).
        meaning: A local sentence model (:mod:`kb.retrieval.meaning`), or ``None``.
    """

    def __init__(self, pages: Sequence[Page], items: Sequence[Item] = (),
                 entries: dict[str, Entry] | None = None, analyzer: Analyzer | None = None,
                 meaning: SentenceModel | None = None) -> None:
        self.analyze = analyze = Terms(analyzer or Analyzer())
        self.pages = [page_rel(p) for p in pages]
        self.page_docs = [page_fields(p, page_rel(p)) for p in pages]
        column = {rel: k for k, rel in enumerate(self.pages)}
        entries = entries or {}
        self.via_items: list[Item] = []
        self.via_page: list[int] = []
        for item in items:
            entry = entries.get(item.key)
            if entry and entry.status == "merged" and entry.page in column:
                self.via_items.append(item)
                self.via_page.append(column[entry.page])
        self.via_page_arr = np.array(self.via_page, dtype=np.int64)
        self.bm25 = BM25F(self.page_docs, PAGE_WEIGHTS, analyze, term_weight)
        self.pages_with = np.asarray(self.bm25.presence.sum(axis=0)).ravel()  # per term: pages mentioning it
        via_docs = [Fields(i.key, {"title": item_fields(i).texts["question"],
                                   "body": item_fields(i).texts["answer"]}) for i in self.via_items]
        self.via_bm25 = BM25F(via_docs, VIA_WEIGHTS, analyze, term_weight) if via_docs else None
        self._fit_latent()
        aliases = [p.meta.get("aliases") or [] for p in pages]
        self.page_aliases = aliases
        self._fit_classifier(aliases)
        self.meaning = meaning
        if meaning is not None:
            self._fit_meaning(aliases)
        self._terms_cache: dict[int, dict[str, set[str]]] = {}
        self._stated_cache: dict[int, set[str]] = {}

    def _fit_latent(self) -> None:
        # Documents as already analysed field terms (each text is analysed once).
        corpus = [self.doc_terms(d) for d in self.page_docs]
        corpus += [self.doc_terms(item_fields(i)) for i in self.via_items]
        self.tfidf = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1)
        x = self.tfidf.fit_transform(corpus)
        self.space = LatentSpace(x, LSA_DIMS)
        z = l2(self.space.transform(x))
        n = len(self.page_docs)
        # A page's latent vector: its own text and its merged items, averaged.
        page_z = z[:n].copy()
        for k, p in enumerate(self.via_page):
            page_z[p] += z[n + k]
        self.page_latent_sum = page_z
        self.via_latent = z[n:]
        self.page_latent = l2(page_z)

    def _fit_classifier(self, aliases: Sequence[Sequence[str]]) -> None:
        raw, labels = [], []
        for k, (doc, names) in enumerate(zip(self.page_docs, aliases)):
            for text in page_texts(doc.texts, names):
                raw.append(text)
                labels.append(k)
        texts = [self.analyze(t) for t in raw]
        self.classifier: PageClassifier | None = None
        if len(self.pages) < 2 or not texts:
            return
        self.classifier_tfidf = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit(texts)
        labels_ = np.array(labels)
        # Each text against its own page and the pages the lexical scores confuse it with.
        queries = [Fields(str(k), {"question": t}) for k, t in enumerate(raw)]
        close = blend({"bm25": self.bm25.scores(self.bm25.query_matrix(queries, {"question": 1.0})),
                       "latent": self.latent(texts) @ self.page_latent.T})
        close[np.arange(len(texts)), labels_] = np.inf
        candidates = np.argsort(-close, axis=1, kind="stable")[:, :CANDIDATES + 1]
        self.classifier = PageClassifier(self.classifier_tfidf.transform(texts), labels_, candidates,
                                         len(self.pages))

    def _fit_meaning(self, aliases: Sequence[Sequence[str]]) -> None:
        # The page's question in its wordings and its one-line answer (adding the headings
        # made no difference to the benchmark and only cost encoding time).
        texts, starts = [], []
        for doc, names in zip(self.page_docs, aliases):
            starts.append(len(texts))
            texts += [t for t in question_texts(doc.texts, names) if t.strip()] or [doc.texts["title"]]
        self.meaning_starts = np.array(starts, dtype=np.int64)
        self.meaning_vectors = self.meaning.encode(texts)

    def meaning_scores(self, queries: Sequence[Fields]) -> np.ndarray:
        """Query x page: the best sentence-model cosine between the question and the page's texts."""
        q = self.meaning.encode([d.texts.get("question", "") for d in queries])
        out = np.empty((len(queries), len(self.pages)), dtype=np.float32)
        for start in range(0, len(queries), MEANING_ROWS):  # bounded memory at 10k queries
            rows = slice(start, start + MEANING_ROWS)
            out[rows] = best_per_page(q[rows] @ self.meaning_vectors.T, self.meaning_starts)
        return out

    def classify(self, queries: Sequence[Fields], base: np.ndarray) -> np.ndarray:
        """Query x page: the classifier's probability over each query's best pages by ``base`` (0 elsewhere).

        Each field of a query (its question, its answer) weighs the same, however long:
        the fields' TF-IDF vectors are unit length before they are added. Read as one
        text, a raw bank's long answer that lists remedies (正则化, Dropout, 早停) outvotes
        the question it answers (如何解决过拟合问题) and sends it to the remedies' page.
        """
        out = np.zeros(base.shape, dtype=np.float32)
        if self.classifier is None:
            return out
        candidates = np.argsort(-base, axis=1, kind="stable")[:, :CANDIDATES]
        fields = [self.classifier_tfidf.transform([self.analyze(q.texts.get(f, "")) for q in queries])
                  for f in ITEM_WEIGHTS]
        p = self.classifier.probabilities(l2(sum(fields)).tocsr(), candidates)
        np.put_along_axis(out, candidates, p.astype(np.float32), axis=1)
        return out

    def doc_terms(self, doc: Fields) -> list[str]:
        """The terms of all of a document's fields."""
        return [t for text in doc.texts.values() for t in self.analyze(text)]

    def latent(self, docs: Sequence[list[str]]) -> np.ndarray:
        """Unit vectors of analysed documents (term lists) in the latent space."""
        return l2(self.space.transform(self.tfidf.transform(docs)))

    def score_matrices(self, queries: Sequence[Fields], exclude: Sequence[str] = ()
                       ) -> dict[str, np.ndarray]:
        """Named query x page score matrices (``via_arg``: the best merged item per page).

        Args:
            queries: Query documents (``question`` and ``answer`` fields).
            exclude: Per query, a raw item key not to use as a reference (the query itself).
        """
        # Pages' fields leave their math out: a query's symbols (``sum``, ``zj``) would only dilute it.
        queries = [without_math(d) for d in queries]
        q = self.bm25.query_matrix(queries, ITEM_WEIGHTS)
        bm = self.bm25.scores(q)
        n_q, n_p = len(queries), len(self.pages)
        via = np.zeros((n_q, n_p), dtype=np.float32)
        via_arg = np.full((n_q, n_p), -1, dtype=np.int64)
        if self.via_bm25 is not None:
            vq = self.via_bm25.query_matrix(
                [Fields(d.name, {"title": d.texts.get("question", ""), "body": d.texts.get("answer", "")})
                 for d in queries], {"title": 1.0, "body": 0.4})
            vs = self.via_bm25.scores(vq)
            if exclude:
                keys = {i.key: k for k, i in enumerate(self.via_items)}
                for r, key in enumerate(exclude):
                    if key in keys:
                        vs[r, keys[key]] = -1.0
            for k, p in enumerate(self.via_page):
                better = vs[:, k] > via[:, p]
                via[better, p] = vs[better, k]
                via_arg[better, p] = k
        query_terms = [self.doc_terms(d) for d in queries]
        zq = self.latent(query_terms)
        lat = zq @ self.page_latent.T
        if exclude:
            # Leave the query's own merged item out of its page's latent vector too.
            keys = {i.key: k for k, i in enumerate(self.via_items)}
            for r, key in enumerate(exclude):
                k = keys.get(key)
                if k is not None:
                    p = self.via_page[k]
                    rest = self.page_latent_sum[p] - self.via_latent[k]
                    lat[r, p] = float(zq[r] @ rest) / max(1e-9, float(np.linalg.norm(rest)))
        s = {"bm25": bm, "via": via, "latent": lat}
        s["classifier"] = self.classify(queries, blend(s))  # over the lexically close pages
        if self.meaning is not None:
            s["meaning"] = self.meaning_scores(queries)
        return {**s, "via_arg": via_arg}

    def _page_terms(self, page: int) -> dict[str, set[str]]:
        cached = self._terms_cache.get(page)
        if cached is None:
            cached = {f: set(self.analyze(t)) for f, t in self.page_docs[page].texts.items()}
            self._terms_cache[page] = cached
        return cached

    def unnamed(self, query: Fields) -> tuple[str, ...]:
        """The English terms the query's question names and no page mentions anywhere."""
        known = self.bm25.vocab.index  # every term of every page field
        named = named_terms(query.texts.get("question", ""))
        # ``model.state_dict()`` also gives ``modelstatedict``: a joined form of known parts is known,
        # and so is a known name with a version or size written on (``resnet50``, ``gpt4``).
        return tuple(t for t in named if t not in known and not _joined(t, [w for w in named if w != t], known)
                     and _VERSIONED.sub("", t) not in known)

    def stated(self, page: int) -> set[str]:
        """The terms where ``page`` states its question: its title and the aliases that word it (not bare names).

        An English name or abbreviation the page's prose gives a term it states is
        stated too: ``PS`` where the page says ``参数服务器（Parameter Server，PS）``
        and its title says ``参数服务器``.
        """
        cached = self._stated_cache.get(page)
        if cached is None:
            fields = self._page_terms(page)
            cached = set().union(*(fields[f] for f in STATED))
            texts = self.page_docs[page].texts
            wordings = [a for a in self.page_aliases[page] if not bare_name(a)]
            for alias in wordings:
                cached.update(self.analyze(alias))
            said = normalize(" ".join([texts[f] for f in STATED] + wordings))
            for chinese, english in _GLOSS.findall(texts["body"]):
                if _glosses(chinese, said):
                    cached.update(t for t in terms(english, with_words=False) if t.isascii())
            self._stated_cache[page] = cached
        return cached

    def in_passing(self, query: Fields, page: int) -> tuple[str, ...]:
        """English terms the query's question names that ``page`` mentions only in passing, and few pages at all.

        A page states its question in its title and the aliases that word it; a method it
        names only in its answer (the one-line answer, the headings, the prose), or as a
        bare name among its aliases (there for search), is one it uses or touches, not the
        question it answers: ``Soft-NMS 怎么改分数`` beside the IoU/NMS page, whose one-line
        answer names Soft-NMS, asks a sub-question.
        """
        fields = self._page_terms(page)
        stated = self.stated(page)
        english = [t for t in stated if t.isascii()]
        vocab = self.bm25.vocab.index
        return tuple(t for t in named_terms(query.texts.get("question", ""))
                     if not _CODE.search(t) and any(t in terms_ for terms_ in fields.values()) and t not in stated
                     and self.pages_with[vocab[t]] <= PASSING_PAGES and not _joined(t, english, stated))

    def matched_words(self, query: Fields, page: int) -> tuple[tuple[str, str], ...]:
        """Words of the query's question found in the page, rarest first, with the fields holding them.

        Only words the question itself contains are shown (not synonyms it was expanded
        with), and a bigram only when it is a word of jieba's dictionary: ``训练``, not ``练集``.
        """
        import jieba

        text = query.texts.get("question", "")
        literal = normalize(text)
        dictionary = jieba.dt.FREQ
        in_field = self._page_terms(page)
        seen: dict[str, list[str]] = {}
        for term in self.analyze(text):
            if term in seen or term not in self.bm25.vocab.index or term not in literal:
                continue
            if not term.isascii() and (len(term) == 1 or (len(term) == 2 and not dictionary.get(term))):
                continue
            fields = [f for f in PAGE_WEIGHTS if term in in_field[f]]
            if fields:
                seen[term] = fields
        ranked = sorted(seen, key=lambda t: -self.bm25.idf[self.bm25.vocab.index[t]])
        words = [t for t in ranked if not any(t != o and t in o for o in ranked)]
        return tuple((t, "/".join(seen[t])) for t in words[:6])


@dataclass(frozen=True)
class Known:
    """A raw item of the bank that an imported item repeats, and where the mapping sent it.

    Attributes:
        key: The raw item's ``file:line``.
        score: The raw-bank detector's score of the pair (:mod:`kb.bank.dedup`).
        entry: The item's mapping entry (merged, planned or set aside), ``None`` if unmapped.
    """

    key: str
    score: float
    entry: Entry | None


@dataclass(frozen=True)
class Result:
    """What the matcher says about one query.

    Attributes:
        name: The query's name (an item's ``file:line``, a page's path).
        candidates: The best pages, best first (at most :data:`TOP`).
        verdict: ``duplicate`` (of ``candidates[0]``), ``maybe`` or ``new``.
        probability: The verdict model's probability that ``candidates[0]`` is the same question.
        unnamed: English terms the question names that no page mentions; when there
            are any, the verdict is ``new`` whatever the probability.
        in_passing: English terms the question names that the best page mentions only in
            passing (:meth:`Index.in_passing`); when there are any, a ``duplicate`` is held
            back to ``maybe``.
        same_as: The raw item already in the bank that asks the same question
            (:meth:`Matcher.known`), if any: its page comes first and decides the verdict.
    """

    name: str
    candidates: tuple[Candidate, ...]
    verdict: str
    probability: float
    unnamed: tuple[str, ...] = ()
    in_passing: tuple[str, ...] = ()
    same_as: Known | None = None

    @property
    def page(self) -> str | None:
        """The best page, or ``None`` when the site has none."""
        return self.candidates[0].page if self.candidates else None


class Matcher:
    """An :class:`Index` plus the verdict model trained on it: the one matching core.

    Args:
        pages: The question pages.
        items: Raw items already in the bank.
        entries: The mapping.
        analyzer: The shared analyzer.
        meaning: A local sentence model (:mod:`kb.retrieval.meaning`), or ``None``.
        labelled: Labelled import sets the verdict model learns from too (:mod:`kb.bank.labelled`).
    """

    def __init__(self, pages: Sequence[Page], items: Sequence[Item] = (),
                 entries: dict[str, Entry] | None = None, analyzer: Analyzer | None = None,
                 meaning: SentenceModel | None = None, labelled: Sequence[LabelledSet] = ()) -> None:
        self.index = Index(pages, items, entries, analyzer, meaning)
        self.model = VerdictModel().fit_from_index(self.index, self.examples(labelled))
        self.bank = list(items)
        self.entries = entries or {}

    @classmethod
    def for_project(cls, project: Project, meaning: SentenceModel | None = None,
                    labelled: Sequence[LabelledSet] | None = None) -> Matcher:
        """The matcher of a :class:`~kb.project.Project` (its pages, bank, mapping, synonyms, labelled sets).

        Args:
            project: The project.
            meaning: A local sentence model, or ``None``.
            labelled: The labelled sets to learn from (default: all of the project's).
        """
        return cls(project.pages, project.items, project.entries, Analyzer.for_project(project.root), meaning,
                   project.labelled if labelled is None else labelled)

    def examples(self, labelled: Sequence[LabelledSet]) -> list[tuple[Fields, int]]:
        """The labelled items as the verdict model's examples: each with the page column it rewords, or ``-1``.

        A rewording of a page the index lacks is left out (``kb check`` reports its label).
        """
        column = {rel: k for k, rel in enumerate(self.index.pages)}
        out = []
        for found in labelled:
            for item, label in found.labelled_items():
                page = column.get(label.page, -2) if label.kind == "rewording" else -1
                if page != -2:
                    out.append((item_fields(item), page))
        return out

    def match(self, queries: Sequence[Fields], skip: Sequence[int] | None = None,
              known: Sequence[Known | None] | None = None) -> list[Result]:
        """Candidates and a verdict for every query.

        Args:
            queries: Query documents (``question`` and ``answer`` fields).
            skip: Per query, a page index never to propose (the query page itself), or ``-1``.
            known: Per query, the raw item of the bank it repeats (:meth:`known`), or ``None``.
        """
        if not queries:
            return []
        known = list(known) if known is not None else [None] * len(queries)
        if not self.index.pages:
            return [Result(q.name, (), "maybe" if k else "new", 0.0, same_as=k) for q, k in zip(queries, known)]
        mask = np.asarray(skip, dtype=np.int64) if skip is not None else None
        column = {rel: p for p, rel in enumerate(self.index.pages)}
        merged = [column.get(k.entry.page, -1) if k and k.entry and k.entry.status == "merged" else -1
                  for k in known]
        s = self.index.score_matrices(queries)
        order, x = top_features(s, mask=mask, first=np.asarray(merged, dtype=np.int64))
        combined = blend(s)
        verdicts = self.model.verdicts(x)
        out = []
        for r, query in enumerate(queries):
            cands = []
            for p in order[r, :TOP]:
                if mask is not None and p == mask[r]:
                    continue
                k = int(s["via_arg"][r, p])
                cands.append(Candidate(
                    self.index.pages[p], round(float(combined[r, p]), 3), round(float(s["bm25"][r, p]), 3),
                    round(float(s["via"][r, p]), 3), self.index.via_items[k].key if k >= 0 else "",
                    round(float(s["latent"][r, p]), 3), self.index.matched_words(query, int(p)),
                    round(float(s["classifier"][r, p]), 3),
                    round(float(s["meaning"][r, p]), 3) if "meaning" in s else None))
            label, unnamed, passing = verdicts[r].label, (), ()
            if known[r] is not None:
                # The bank already holds this question: where its copy went decides. A copy
                # merged into a page duplicates it; one planned or set aside goes to a person.
                out.append(Result(query.name, tuple(cands), "duplicate" if merged[r] >= 0 else "maybe",
                                  verdicts[r].probability, same_as=known[r]))
                continue
            if label != "new" and cands:
                unnamed = self.index.unnamed(query)
                if unnamed:
                    label = "new"
            if label == "duplicate":
                passing = self.index.in_passing(query, int(order[r, 0]))
                if passing:
                    label = "maybe"
            out.append(Result(query.name, tuple(cands), label, verdicts[r].probability, unnamed, passing))
        return out

    def match_items(self, items: Sequence[Item]) -> list[Result]:
        """:meth:`match` for raw items of a new bank."""
        return self.match([item_fields(i) for i in items], known=self.known(items))

    def known(self, items: Sequence[Item]) -> list[Known | None]:
        """Per item, the raw item of the bank that asks the same question, or ``None``.

        Banks copy each other: an item that the raw-bank detector of ``kb ingest``
        (:mod:`kb.bank.dedup`, character n-grams of question and answer) pairs with one the
        mapping has already placed needs no new decision, whatever the pages say. Without
        this, a copy of "如何处理过拟合问题？" whose answer lists remedies ranks the
        regularization page first.
        """
        if not self.bank or not items:
            return [None] * len(items)
        best = best_matches([item_doc(i) for i in items], [item_doc(i) for i in self.bank])
        return [Known(self.bank[b].key, score, self.entries.get(self.bank[b].key)) if score >= DEDUP_THRESHOLD else None
                for b, score in best]

    def match_pages(self) -> list[Result]:
        """Every indexed page matched against the others (for the near-duplicate check)."""
        queries = [page_query(d) for d in self.index.page_docs]
        return self.match(queries, skip=list(range(len(queries))))


def page_query(doc: Fields) -> Fields:
    """A page asked as a question: its title and aliases; its one-line answer and headings."""
    t = doc.texts
    return Fields(doc.name, {"question": f"{t['title']} {t['aliases']}",
                             "answer": f"{t['abstract']} {t['headings']}"})
