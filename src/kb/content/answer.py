r"""The 一句话回答 of a page: read it, and check it is short enough to say first.

The content standard asks for one to three sentences. A reader should take it in at a
glance, so it is also held to :data:`MAX_CHARS` visible characters: Markdown markup
(``**``, backticks) is not counted, and a formula counts roughly as its rendered glyphs
(``\approx`` is one character, braces and ``^``/``_`` none). On 2026-12-01 the 67 pages had
a median of 181 such characters; 15 pages over 200 characters or three sentences were
tightened, not cut.
"""

from __future__ import annotations

import re

from kb.content.pages import Page, Problem

MARKER = '!!! abstract "一句话回答"'
#: At most this many visible characters (see the module docstring).
MAX_CHARS = 200
#: At most this many sentences.
MAX_SENTENCES = 3

_MARKUP = re.compile(r"\*\*|`")
_MATH = re.compile(r"\$([^$]+)\$")
_TEX_TEXT = re.compile(r"\\(?:text|mathrm|mathbb|mathcal|operatorname)\{([^{}]*)\}")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_TEX_SYNTAX = re.compile(r"[{}^_]")
_SENTENCE_END = re.compile(r"[。！？](?:[”’）)]*)")


def answer(page: Page) -> tuple[int, str] | None:
    """The 一句话回答 as Markdown (dedented, one paragraph), and its body line; None if absent."""
    lines = page.body.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == MARKER:
            body = []
            for text in lines[i + 1:]:
                if text.strip() and not text.startswith("    "):
                    break
                body.append(text[4:])
            return i + 1 + page.body_line, " ".join(t.strip() for t in body if t.strip())
    return None


def visible(markdown: str) -> str:
    """``markdown`` as a reader sees it (markup dropped, formulas as glyphs): what is counted."""
    def glyphs(m: re.Match) -> str:
        tex = _TEX_TEXT.sub(r"\1", m[1])
        return _TEX_SYNTAX.sub("", _TEX_COMMAND.sub("x", tex))
    return _MATH.sub(glyphs, _MARKUP.sub("", markdown))


def sentences(text: str) -> list[str]:
    """``text`` split after each 。！？ (closing quotes stay with their sentence)."""
    parts, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        parts.append(text[start:m.end()])
        start = m.end()
    parts.append(text[start:])
    return [p for p in (p.strip() for p in parts) if p]


def check_answer(page: Page) -> list[Problem]:
    """The 一句话回答 has one to three sentences and at most :data:`MAX_CHARS` characters."""
    found = answer(page)
    if found is None:
        return []  # a missing part is check_anatomy's message
    line, text = found
    shown = visible(text)
    problems = []
    if not shown:
        problems.append(Problem(page.path, line, "一句话回答是空的。请写出面试时先说的一到三句话"))
    elif len(sentences(shown)) > MAX_SENTENCES:
        problems.append(Problem(page.path, line, f"一句话回答有 {len(sentences(shown))} 句话，超过 "
                                f"{MAX_SENTENCES} 句。请只留面试时先说的话，细节移到详解"))
    if len(shown) > MAX_CHARS:
        problems.append(Problem(page.path, line, f"一句话回答有 {len(shown)} 个字符，超过 "
                                f"{MAX_CHARS} 个。请精简措辞（不丢事实），细节移到详解"))
    return problems
