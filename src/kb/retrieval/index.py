"""The site's search index: ranked postings made with the shared analyzer.

Material's search plugin writes ``search/search_index.json`` (one entry per page
section, full HTML text, 43 KB a page). After it, :func:`rewrite_search_index`
replaces that file with:

- ``docs``: one short display entry per page (title, a readable preview of the
  one-sentence answer, tags) and its sections (heading, a short preview);
- ``config.kb``: sorted ``keys`` (terms) and their ``postings`` (see :func:`encode`), computed with
  BM25F over weighted fields (title, aliases, tags, headings, answer, body) and
  the synonym table, plus what the browser needs to analyse a query the same way
  (stop phrases, weak words, two-character words).

``kb-search.js`` (the search worker behind Material's search box) reads it.
Aggregate pages (勘误表, 来源, 统计, 标签索引, API 参考, the home page and any
other page that is not a question page) are indexed by title only and always
ranked after question pages.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb.retrieval import analyzer as an
from kb.retrieval.preview import readable

#: Field weights: what a field's (saturated) term frequency is worth.
WEIGHTS: dict[str, float] = {
    "title": 3.0, "aliases": 2.5, "tags": 1.5, "heads": 1.0, "answer": 1.0, "body": 0.5, "code": 0.2,
}
#: A synonym of a phrase found in a field counts this fraction of an occurrence.
SYNONYM_FACTOR = 0.5
#: Fields whose phrases are expanded with synonyms (the body is too long to expand reliably).
EXPANDED = ("title", "aliases", "tags", "heads", "answer")
#: Fields whose CJK pieces (3 to MAX_WORD characters) are also terms: the phrases readers use.
PHRASES = ("aliases",)
#: Saturation: a field's frequency ``tf`` counts ``tf / (tf + K)``; the body's ``K`` grows
#: with the page's length (BM25's ``k1`` and ``b``), so long pages do not win by length.
K, K1, B = 0.5, 1.2, 0.5
#: Characters kept of a preview (the one-sentence answer) and of a section preview.
PREVIEW_CHARS, SECTION_CHARS = 220, 140
#: Sections that are not prose: indexed at the ``code`` weight, not shown as results.
CODE_SECTIONS = ("代码",)
#: Index format, checked by the worker.
VERSION = 2



@dataclass
class Section:
    """One section of a page: anchor location, heading, text."""

    location: str
    title: str
    text: str


@dataclass
class Document:
    """One page as search sees it.

    Attributes:
        location: Material's location (``topic/id/`` or ``topic/id.html``).
        title: The page title.
        question: Whether it is a question page (aggregate pages rank after them).
        preview: Readable text shown under the title in the results.
        tags: Tags shown as chips.
        fields: Text per field name of :data:`WEIGHTS`.
        sections: The page's sections.
    """

    location: str
    title: str
    question: bool
    preview: str = ""
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)


def page_key(location: str) -> str:
    """``topic/id`` for any form of a page location (``topic/id/``, ``topic/id.html#x``)."""
    path = location.split("#")[0]
    path = path[:-5] if path.endswith(".html") else path.rstrip("/")
    return "index" if path in ("", "index") else path.removesuffix("/index")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n].rstrip() + "…"


def documents(entries: Iterable[Mapping], questions: Mapping[str, Mapping]) -> list[Document]:
    """Group Material's index entries into documents.

    Args:
        entries: Material's ``docs``: ``location``, ``title``, ``text`` (HTML), ``tags``.
        questions: Front matter of the question pages by :func:`page_key`
            (``topic/id``); every other page is an aggregate page.

    Returns:
        One document per page, in the entries' order.
    """
    docs: dict[str, Document] = {}
    for entry in entries:
        key = page_key(entry["location"])
        title = readable(entry.get("title", ""))
        text = readable(entry.get("text", ""))
        doc = docs.get(key)
        if doc is None:
            meta = questions.get(key)
            doc = docs[key] = Document(entry["location"], str(meta["title"]) if meta else title, meta is not None)
            if meta:
                doc.tags = [str(t) for t in meta.get("tags") or []]
                doc.fields = {"title": doc.title, "aliases": " · ".join(map(str, meta.get("aliases") or [])),
                              "tags": " · ".join(doc.tags), "heads": "", "answer": "", "body": "", "code": ""}
                # The page text before the first heading: the alias line, then the answer.
                answer = text.split("一句话回答", 1)[1] if "一句话回答" in text else (
                    "" if text.startswith("也可以这样问") else text)
                answer = answer.strip()
                doc.fields["answer"] = answer
                doc.preview = _clip(answer, PREVIEW_CHARS)
            else:
                doc.fields = {"title": title}
            continue
        if not doc.question:
            continue  # aggregate pages: title only
        is_code = title in CODE_SECTIONS
        doc.fields["heads"] += " " + title
        doc.fields["code" if is_code else "body"] += " " + text
        if text and not is_code and title != "勘误":
            doc.sections.append(Section(entry["location"], title, _clip(text, SECTION_CHARS)))
    return list(docs.values())


def _field_terms(analyzer: an.Analyzer, name: str, text: str) -> Counter:
    """Term counts of one field, synonyms included (at :data:`SYNONYM_FACTOR`) where allowed."""
    bag: Counter = Counter(analyzer.terms(text))
    if name in PHRASES:
        # A reader's phrase kept whole ("线性加速比", "显存不足"): a query containing it
        # finds it by vocabulary look-up and scores the exact phrase above scattered bigrams.
        bag.update(p for kind, run in an.runs(text) if kind == "cjk" for p in an.pieces(run)
                   if 3 <= len(p) <= an.MAX_WORD)
    if name in EXPANDED:
        for phrase in analyzer.expand(text):
            for term in analyzer.terms(phrase):
                bag[term] += SYNONYM_FACTOR
    return bag


def postings(docs: list[Document], analyzer: an.Analyzer) -> dict[str, list[int]]:
    """Field-weighted BM25 postings: ``term -> [doc, score×100, doc, score×100, ...]``.

    A term's score in a page is ``idf × Σ_field WEIGHTS[field] × tf / (tf + k)``, with
    ``k`` = :data:`K` for the short fields and BM25's length-normalised ``k1`` for the
    body and code; ``idf`` is BM25's, over the question pages.

    Args:
        docs: The documents.
        analyzer: The shared analyzer (with the project's synonyms).

    Returns:
        Postings sorted by term; scores are integers (hundredths) to keep the index small.
    """
    bags = [{name: _field_terms(analyzer, name, text) for name, text in doc.fields.items() if text.strip()}
            for doc in docs]
    lengths = [sum(b.get("body", Counter()).values()) for b in bags]
    avg = sum(lengths) / max(sum(d.question for d in docs), 1) or 1.0
    n = sum(d.question for d in docs) or 1
    df = Counter(t for doc, bag in zip(docs, bags) if doc.question for t in set().union(*bag.values()))
    out: dict[str, list[int]] = defaultdict(list)
    for i, (bag, length) in enumerate(zip(bags, lengths)):
        long_k = K1 * (1 - B + B * length / avg)
        tf_score: dict[str, float] = defaultdict(float)
        for name, counts in bag.items():
            k = long_k if name in ("body", "code") else K
            for term, tf in counts.items():
                tf_score[term] += WEIGHTS[name] * tf / (tf + k)
        for term, value in tf_score.items():
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            if (q := round(idf * value * 100)) > 0:
                out[term] += [i, q]
    return dict(sorted(out.items()))


def two_char_words(docs: list[Document]) -> set[str]:
    """Two-character jieba words of the documents: bigrams a query should trust most."""
    jieba = an._jieba()
    out: set[str] = set()
    for doc in docs:
        for text in doc.fields.values():
            for kind, run in an.runs(text):
                if kind == "cjk":
                    for piece in an.pieces(run):
                        out.update(w for w in jieba.cut(piece, HMM=False) if len(w) == 2)
    return out


def page_documents(pages: Iterable) -> list[Document]:
    """Documents straight from question pages, without a site build (for ``kb import``).

    Args:
        pages: :class:`kb.content.pages.Page` objects.

    Returns:
        One document per page, located at ``topic/id``; the body is the Markdown
        without code fences, the answer its first admonition.
    """
    from kb.content.pages import page_rel, strip_fences

    out = []
    for page in pages:
        meta = page.meta
        body = strip_fences(page.body)
        answer = body.split("\n## ", 1)[0]
        out.append(Document(page_rel(page).removesuffix(".md"), str(meta.get("title", "")), True,
                            fields={"title": str(meta.get("title", "")),
                                    "aliases": " · ".join(map(str, meta.get("aliases") or [])),
                                    "tags": " · ".join(map(str, meta.get("tags") or [])),
                                    "answer": answer, "body": body}))
    return out


def build(entries: Iterable[Mapping], questions: Mapping[str, Mapping], analyzer: an.Analyzer,
          config: Mapping) -> dict:
    """The search index that ``kb-search.js`` reads.

    Args:
        entries: Material's index entries.
        questions: Question pages' front matter by ``topic/id``.
        analyzer: The shared analyzer.
        config: Material's index ``config`` (kept: its page highlighter reads it).

    Returns:
        ``{"config": {..., "kb": {...}}, "docs": [...]}``, JSON-ready.
    """
    return build_from(documents(entries, questions), analyzer, config)


def build_from(docs: list[Document], analyzer: an.Analyzer, config: Mapping | None = None) -> dict:
    """The search index of some documents (see :func:`build`, :func:`page_documents`).

    Args:
        docs: The documents.
        analyzer: The shared analyzer.
        config: Material's index ``config``, kept as is.

    Returns:
        The index, JSON-ready; :class:`kb.retrieval.rank.Ranker` searches it.
    """
    config = config or {}
    display = []
    for i, doc in enumerate(docs):
        display.append({"location": doc.location, "title": doc.title, "text": doc.preview,
                        **({"tags": doc.tags} if doc.tags else {}), "kb": i})
        display += [{"location": s.location, "title": s.title, "text": s.text, "kb": i} for s in doc.sections]
    kb = {
        "version": VERSION,
        "stop": sorted(an.STOP_PHRASES), "stopWords": sorted(an.STOP_WORDS),
        "weak": sorted(an.WEAK_WORDS), "weakWeight": an.WEAK_WEIGHT, "maxWord": an.MAX_WORD,
        "words2": "".join(sorted(two_char_words(docs))),
        "generated": [i for i, d in enumerate(docs) if not d.question],
    }
    table = postings(docs, analyzer)
    kb["keys"] = list(table)  # sorted: the worker binary-searches it for prefixes
    kb["postings"] = [encode(p) for p in table.values()]
    return {"config": {**config, "kb": kb}, "docs": display}


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def encode(post: list[int]) -> str:
    """Postings ``[doc, score, ...]`` as a string ``doc.score,doc.score`` in base 36.

    A string per term parses and crosses to the worker far faster than arrays of
    numbers, and the worker decodes only the terms of the query.
    """
    return ",".join(f"{_base36(post[i])}.{_base36(post[i + 1])}" for i in range(0, len(post), 2))


def decode(text: str) -> list[int]:
    """The inverse of :func:`encode`."""
    out: list[int] = []
    for pair in filter(None, text.split(",")):
        doc, score = pair.split(".")
        out += [int(doc, 36), int(score, 36)]
    return out


def rewrite_search_index(site_dir: str | Path, questions: Mapping[str, Mapping], analyzer: an.Analyzer) -> None:
    """Replace Material's ``search/search_index.json`` in a built site with :func:`build`'s.

    Args:
        site_dir: The built site.
        questions: Question pages' front matter by ``topic/id``.
        analyzer: The shared analyzer.
    """
    path = Path(site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    material = json.loads(path.read_text(encoding="utf-8"))
    index = build(material["docs"], questions, analyzer, material["config"])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
