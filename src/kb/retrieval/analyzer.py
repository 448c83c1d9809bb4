"""Text analysis shared by site search, ``kb import`` matching and near-duplicate checks.

One pipeline, so that a reader's query, another bank's wording and a page are
compared on the same terms:

1. :func:`normalize`: NFKC (full-width ``ＦＩ`` → ``fi``), lower case, one space.
2. :func:`runs`: split into ASCII words and CJK (Han) runs; everything else separates.
3. Stop phrases (question words such as 怎么办, 如何, 有哪些) cut CJK runs into
   pieces and are dropped; ASCII stop words are dropped.
4. :func:`terms`: ASCII words (``top-p`` gives ``top`` and ``topp``; two plain words in
   a row also give the pair ``label smoothing``), CJK character
   bigrams of every piece (a one-character piece stays a unigram) and, with jieba,
   the piece's words of three or more characters (``召回率``, ``过拟合``).

The browser repeats steps 1-4 on the query in ``kb-search.js``, with the index
vocabulary standing in for jieba's dictionary. Bigrams make compound terms
(``F1值``, ``LoRA微调``) match without a dictionary; jieba words add precision.

Synonyms (``sources/synonyms.yml``) are expanded with :meth:`Analyzer.expand`:
a text that contains one member of a group also gets the others.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

#: Where the synonym table lives, relative to the project root.
SYNONYMS_FILE = "sources/synonyms.yml"

#: CJK phrases that carry no topic: question words and function words. They cut a
#: run into pieces (so no bigram spans them) and are dropped. Longest match wins.
STOP_PHRASES: frozenset[str] = frozenset({
    # question words
    "怎么办", "怎么样", "怎么做", "怎么", "怎样", "如何", "为什么", "为何", "什么", "哪些", "哪个",
    "哪种", "哪里", "是否", "有没有", "能不能", "可不可以", "会不会", "要不要", "吗", "呢",
    "吧", "啊", "呀", "请问", "请", "一下", "一点", "一些", "有哪些", "有什么", "是什么", "区别是什么",
    # function words (single characters only where they rarely start or end a content
    # word: 中, 时, 用, 为 are not here because of 中文, 时间, 应用, 行为)
    "的", "和", "与", "或", "或者", "以及", "还是", "是", "把", "被", "让", "对于", "关于",
    "我们", "我的", "我", "你", "他", "她", "它", "这个", "那个", "这些", "那些", "这种", "那种",
    "应该", "该", "可以", "能够", "就", "都", "也", "又", "很", "一个", "很多", "许多", "一起",
    "里", "时候", "之间", "分别", "各自", "到底", "究竟",
})

#: ASCII words that carry no topic.
STOP_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "is", "are", "was", "be", "to", "of", "and", "or", "in", "on", "for", "with",
    "how", "what", "why", "when", "which", "who", "do", "does", "i", "my", "me", "it", "its", "vs",
    "versus", "can", "should", "between", "difference", "differences", "about", "use", "using",
})

#: Frequent topic-light words: kept, but a query gives them this fraction of a weight.
WEAK_WORDS: frozenset[str] = frozenset({
    "训练", "模型", "大模", "大模型", "问题", "方法", "数据", "效果", "使用", "进行", "区别", "不同",
    "需要", "多少", "model", "training", "train", "data", "method",
})
#: Weight of a :data:`WEAK_WORDS` term in a query.
WEAK_WEIGHT = 0.3

_ASCII = r"[a-z0-9]+(?:[-_.+'][a-z0-9]+)*"
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
_RUN = re.compile(f"({_ASCII})|({_HAN})")
_ASCII_PART = re.compile(r"[a-z0-9]+")
#: The default stop phrases as one pattern, longest first: at each position the longest one
#: starting there wins, as in :func:`pieces`' general loop (the same cut, in C).
_STOP_SPLIT = re.compile("|".join(map(re.escape, sorted(STOP_PHRASES, key=len, reverse=True))))
#: Longest CJK word taken from jieba or looked up in the index vocabulary.
MAX_WORD = 8


def normalize(text: str) -> str:
    """Fold a text to the form every comparison uses.

    Args:
        text: Any text: a query, a title, a page body.

    Returns:
        The NFKC form (full-width letters, digits and punctuation become ASCII),
        lower-cased, with runs of whitespace collapsed to one space.

    Examples:
        >>> normalize("ＦＩ  Ａｄａｍ")
        'fi adam'
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).lower().split())


def runs(text: str) -> Iterator[tuple[str, str]]:
    """Split a text into its ASCII words and CJK runs.

    Args:
        text: Any text; it is normalised first.

    Yields:
        ``("ascii", word)`` or ``("cjk", run)`` pairs in text order. Characters that
        are neither (punctuation, spaces, symbols) only separate runs.
    """
    for match in _RUN.finditer(normalize(text)):
        if match.group(1):
            yield "ascii", match.group(1)
        else:
            yield "cjk", match.group(2)


def stem(word: str) -> str:
    """A light English plural strip (``labels`` → ``label``), the same in the browser.

    Args:
        word: A lower-case ASCII word.

    Returns:
        ``word`` without a final ``s`` when it is longer than three letters and does
        not end in ``ss``; otherwise ``word``.
    """
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and not word[-2].isdigit():
        return word[:-1]
    return word


def ascii_terms(word: str) -> list[str]:
    """Terms of one ASCII word: its parts and, when it has several, the parts joined.

    Args:
        word: A normalised ASCII run such as ``top-p``, ``gpt-4`` or ``state_dict``.

    Returns:
        Parts of two or more characters (or containing a digit), stemmed, minus
        :data:`STOP_WORDS`, then the joined form: ``top-p`` → ``["top", "topp"]``.
    """
    parts = _ASCII_PART.findall(word)
    out = [stem(p) for p in parts if (len(p) > 1 or p.isdigit()) and p not in STOP_WORDS]
    if len(parts) > 1:
        out.append(stem("".join(parts)))
    return out


def pieces(run: str, stop: frozenset[str] | set[str] = STOP_PHRASES, longest: int = 0) -> list[str]:
    """Cut a CJK run at its stop phrases.

    Args:
        run: A run of Han characters.
        stop: The stop phrases (default :data:`STOP_PHRASES`).
        longest: Length of the longest stop phrase (computed when 0).

    Returns:
        The non-empty pieces between stop phrases, in order; the longest stop phrase
        starting at a position wins (``怎么办`` before ``怎么``).
    """
    if stop is STOP_PHRASES:
        return [p for p in _STOP_SPLIT.split(run) if p]
    longest = longest or max(map(len, stop), default=1)
    out, start, i = [], 0, 0
    while i < len(run):
        for n in range(min(longest, len(run) - i), 0, -1):
            if run[i:i + n] in stop:
                if i > start:
                    out.append(run[start:i])
                i += n
                start = i
                break
        else:
            i += 1
    if start < len(run):
        out.append(run[start:])
    return out


def bigrams(piece: str) -> list[str]:
    """Overlapping character bigrams of a CJK piece; a single character stays whole.

    Args:
        piece: A run of Han characters without stop phrases.

    Returns:
        ``["过拟", "拟合"]`` for ``过拟合``; ``["值"]`` for ``值``.
    """
    if len(piece) < 2:
        return [piece] if piece else []
    return [piece[i:i + 2] for i in range(len(piece) - 1)]


def _compact(text: str) -> str:
    """Normalised, with spaces dropped next to CJK characters (``GPU 内存`` → ``gpu内存``)."""
    return re.sub(r"(?<=[^a-z0-9]) | (?=[^a-z0-9])", "", normalize(text))


def _jieba():
    import jieba

    jieba.setLogLevel(60)  # its "Building prefix dict" lines are noise in a build log
    return jieba


def words(piece: str) -> list[str]:
    """The jieba words of three to :data:`MAX_WORD` characters in a CJK piece.

    Two-character words are already bigrams; longer ones (``召回率``) are extra
    terms that reward an exact word over overlapping bigrams.

    Args:
        piece: A run of Han characters without stop phrases.

    Returns:
        The words, in order.
    """
    if len(piece) < 3:
        return []
    return list(_words(piece))


@lru_cache(maxsize=200_000)
def _words(piece: str) -> tuple[str, ...]:
    # Memoised: pieces repeat across pages and items, and cutting is most of the time an index
    # takes to build. Adding a jieba word clears it (see Analyzer._patterns).
    return tuple(w for w in _jieba().cut(piece, HMM=False) if 3 <= len(w) <= MAX_WORD)


def terms(text: str, *, with_words: bool = True) -> list[str]:
    """The search terms of a text, in order, repeats kept (term frequency counts).

    Args:
        text: Any text.
        with_words: Add jieba words of three or more characters (needs jieba).
            The browser side has no jieba; it finds such words by looking substrings
            up in the index vocabulary instead.

    Returns:
        ASCII terms (see :func:`ascii_terms`), CJK bigrams and unigrams (see
        :func:`bigrams`) and, with ``with_words``, long jieba words.

    Examples:
        >>> terms("F1值", with_words=False)
        ['f1', '值']
        >>> terms("训练时GPU内存不足怎么办", with_words=False)
        ['训练', '练时', 'gpu', '内存', '存不', '不足']
    """
    out: list[str] = []
    norm = normalize(text)
    prev, end = "", -1
    for match in _RUN.finditer(norm):
        word, run = match.groups()
        if word:
            out += ascii_terms(word)
            # Two plain words in a row also make a pair term: "label smoothing" is more
            # than "label" and "smoothing" (the browser does the same).
            simple = stem(word) if word.isalnum() and word not in STOP_WORDS else ""
            if prev and simple and not norm[end:match.start()].strip():
                out.append(f"{prev} {simple}")
            prev, end = simple, match.end()
            continue
        prev = ""
        for piece in pieces(run):
            out += bigrams(piece)
            if with_words:
                out += words(piece)
    return out


def term_weight(term: str) -> float:
    """How much a query term counts: :data:`WEAK_WEIGHT` for topic-light words, else 1.

    Args:
        term: A term from :func:`terms`.

    Returns:
        The weight, in ``(0, 1]``.
    """
    return WEAK_WEIGHT if term in WEAK_WORDS else 1.0


class SynonymError(ValueError):
    """A malformed synonym table; the message reads ``path:line: message``."""


def load_synonyms(path: str | Path) -> list[list[str]]:
    """Read and check the synonym table.

    The file is a YAML mapping with one key, ``groups``: a list of lists of
    phrases that mean the same (``[召回率, 查全率, recall]``).

    Args:
        path: The YAML file.

    Returns:
        The groups, each a list of at least two distinct phrases as written.

    Raises:
        SynonymError: ``path:line: message`` for a group that is not a list of at
            least two strings, or a phrase that occurs in two groups.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        raise SynonymError(f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    groups_node = None
    if isinstance(root, yaml.MappingNode):
        groups_node = next((v for k, v in root.value if k.value == "groups"), None)
    if not isinstance(groups_node, yaml.SequenceNode):
        raise SynonymError(f"{path}:1: expected a mapping with a list under 'groups'")
    seen: dict[str, int] = {}
    groups: list[list[str]] = []
    for node in groups_node.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.SequenceNode) or not all(
                isinstance(v, yaml.ScalarNode) and str(v.value).strip() for v in node.value):
            raise SynonymError(f"{path}:{line}: a synonym group is a list of phrases, like [召回率, 查全率]")
        group = [str(v.value).strip() for v in node.value]
        keys = {normalize(p) for p in group}
        if len(keys) < 2:
            raise SynonymError(f"{path}:{line}: a synonym group needs at least two different phrases")
        for key in keys:
            if key in seen:
                raise SynonymError(f"{path}:{line}: '{key}' is already in the group on line {seen[key]}")
            seen[key] = line
        groups.append(group)
    return groups


@dataclass(frozen=True)
class Analyzer:
    """The analysis pipeline plus a synonym table.

    Attributes:
        synonyms: Groups of phrases that mean the same, as read by :func:`load_synonyms`.
    """

    synonyms: tuple[tuple[str, ...], ...] = field(default=())

    @classmethod
    def load(cls, path: str | Path) -> Analyzer:
        """An analyzer with the synonym table at ``path``.

        Args:
            path: A synonym file (see :func:`load_synonyms`).

        Returns:
            The analyzer.
        """
        return cls(tuple(tuple(g) for g in load_synonyms(path)))

    @classmethod
    def for_project(cls, root: str | Path) -> Analyzer:
        """The analyzer of the project at ``root`` (its ``sources/synonyms.yml``, if any).

        Args:
            root: The project root.

        Returns:
            The analyzer; without a synonym file it expands nothing.
        """
        path = Path(root) / SYNONYMS_FILE
        return cls.load(path) if path.is_file() else cls()

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern, tuple[str, ...]]]:
        out = []
        for group in self.synonyms:
            for phrase in group:
                key = _compact(phrase)
                # ASCII words match whole words only ("map" is not in "mapping").
                pattern = re.escape(key)
                if key[0].isascii():
                    pattern = r"(?<![a-z0-9])" + pattern
                if key[-1].isascii():
                    pattern += r"(?![a-z0-9])"
                out.append((re.compile(pattern), tuple(p for p in group if _compact(p) != key)))
        if self.synonyms:
            # Multi-character CJK phrases become jieba words, so that terms() keeps them whole.
            jieba = _jieba()
            for group in self.synonyms:
                for phrase in group:
                    if len(phrase) >= 3 and not phrase.isascii() and " " not in phrase:
                        jieba.add_word(normalize(phrase))
            _words.cache_clear()
        return out

    def expand(self, text: str) -> list[str]:
        """Synonyms of the phrases a text contains.

        Args:
            text: Any text.

        Returns:
            For every synonym group one of whose phrases occurs in ``text``, the
            group's other phrases that do not occur in it; each phrase once, in table
            order. Matching ignores case, full/half width and spaces (``GPU内存``
            matches ``GPU 内存``); ASCII ends match at word boundaries only.
        """
        compact = _compact(text)
        out: dict[str, None] = {}
        for pattern, others in self._patterns:
            if pattern.search(compact):
                out.update(dict.fromkeys(others))
        return [p for p in out if _compact(p) not in compact]

    def terms(self, text: str, *, expand: bool = False, with_words: bool = True) -> list[str]:
        """The terms of a text (see :func:`terms`), optionally with its synonyms' terms.

        Args:
            text: Any text.
            expand: Also add the terms of :meth:`expand` (``text``).
            with_words: Add jieba words of three or more characters.

        Returns:
            The terms, repeats kept.
        """
        self._patterns  # noqa: B018 - registers the synonym phrases as jieba words first
        out = terms(text, with_words=with_words)
        if expand:
            for phrase in self.expand(text):
                out += terms(phrase, with_words=with_words)
        return out

    def bag(self, text: str, *, expand: bool = True) -> Counter:
        """Term counts of a text with synonyms expanded: the unit for matching wordings.

        Args:
            text: Any text.
            expand: Add synonyms' terms (see :meth:`expand`).

        Returns:
            ``Counter`` of terms.
        """
        return Counter(self.terms(text, expand=expand))


def cosine(a: Counter, b: Counter, weights: dict[str, float] | None = None) -> float:
    """Cosine similarity of two term bags, each term weighted by ``weights`` (e.g. idf).

    Args:
        a: A bag from :meth:`Analyzer.bag`.
        b: Another bag.
        weights: Per-term weight; a missing term weighs :func:`term_weight` (term).

    Returns:
        A similarity in ``[0, 1]``; 0 when either bag is empty.
    """
    def w(t: str) -> float:
        return weights.get(t, term_weight(t)) if weights is not None else term_weight(t)

    dot = sum(a[t] * b[t] * w(t) ** 2 for t in a.keys() & b.keys())
    na = sum((c * w(t)) ** 2 for t, c in a.items()) ** 0.5
    nb = sum((c * w(t)) ** 2 for t, c in b.items()) ** 0.5
    return dot / (na * nb) if na and nb else 0.0


def vocabulary(texts: Iterable[str]) -> set[str]:
    """Every term (jieba words included) of some texts: what a query may be looked up in.

    Args:
        texts: Texts.

    Returns:
        The set of their terms.
    """
    out: set[str] = set()
    for text in texts:
        out.update(terms(text))
    return out
