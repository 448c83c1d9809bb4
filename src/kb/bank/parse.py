"""Parse a raw question bank (loosely Markdown, Chinese) into items.

The raw banks use several shapes for an item heading, all recognised by content,
never by file name:

- Markdown headings of any level whose text starts with a number:
  ``### 1. 标题``, ``##### 12. 标题``, ``#### 题目3：标题``;
- a bold line of its own: ``**1. 标题**``.

A heading without a number (``#### 二、算法编程题库及解析``, ``### 结语``) is a section
title: it ends the current item. A rule of three or more dashes ends the current
series; numbering restarts after it. Inside an item, bold labels split the text:
``**题目：**``/``**面试题：**`` (the question), ``**答案：**``/``**解析：**`` (the
answer), ``**相关面试题：**`` (follow-up questions, which are not items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import LocatedError

HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
BOLD_LINE = re.compile(r"^\*\*(?P<text>[^*].*?)\*\*\s*$")
NUMBERED = re.compile(r"^(?:题目\s*(?P<n1>\d+)\s*[：:]|(?P<n2>\d+)\s*[.．、]\s*)\s*(?P<title>\S.*)$")
LOOKS_NUMBERED = re.compile(r"^(?:题目\s*\d+|\d+\s*[.．、:：]?\s*\S)")
RULE = re.compile(r"^\s*-{3,}\s*$")
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+#.-]*)")
LABEL = re.compile(r"^\*\*(?P<label>[^*：:]{1,12})[：:]\s*\*\*\s*(?P<rest>.*)$")
BULLET = re.compile(r"^\s*[-*+]\s+(?:\*\*)?(?P<text>.+?)(?:\*\*)?\s*$")

QUESTION_LABELS = {"题目", "面试题", "问题"}
FOLLOW_UP_LABELS = {"相关面试题", "相关问题", "延伸问题"}


class BankError(LocatedError, ValueError):
    """A raw bank that cannot be read without losing or merging items."""


@dataclass(frozen=True)
class CodeSample:
    """A fenced code block inside an item."""

    language: str
    code: str
    line: int


@dataclass
class Item:
    """One question of a raw bank.

    Attributes:
        file: The bank's file name.
        line: 1-based line of the item's heading.
        number: The item's number as printed (``"12"``).
        heading: The heading text as printed, without Markdown markup.
        title: The heading without its number.
        question: The question text (the ``题目：`` line, or the title when there is none).
        answer: The answer, explanation and code text, in source order.
        code: The fenced code blocks of the item.
        follow_ups: Follow-up questions listed under ``相关面试题``.
        series: 1 for the first numbered series of the file, 2 after a rule or a restart, ...
    """

    file: str
    line: int
    number: str
    heading: str
    title: str
    question: str = ""
    answer: str = ""
    code: list[CodeSample] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)
    series: int = 1

    @property
    def key(self) -> str:
        """``file:line``, the item's stable identifier."""
        return f"{self.file}:{self.line}"


def parse_bank(path: Path | str) -> list[Item]:
    """Parse the raw bank at ``path``.

    Raises:
        BankError: For an empty or non-UTF-8 file, an unterminated code fence, an item
            heading with no body, or numbering that skips (a lost item).
    """
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError(path.name, line,
                        f"不是 UTF-8 文本（字节 0x{data[exc.start]:02x}）。请把文件另存为 UTF-8") from None
    return parse_text(text, path.name)


def heading_text(line: str) -> str | None:
    """The text of a Markdown heading or a bold line of its own, else ``None``."""
    m = HEADING.match(line) or BOLD_LINE.match(line)
    return m["text"].strip().strip("*").strip() if m else None


def parse_text(text: str, name: str) -> list[Item]:
    """Parse bank ``text``; ``name`` is used in items and error messages."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise BankError(name, 1, "题库是空的，没有任何题目。请放入原样的题库文本。")
    lines = text.split("\n")
    items: list[Item] = []
    body: list[tuple[int, str]] = []
    current: Item | None = None
    series, last_number = 1, 0
    fence_open: tuple[int, str] | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            fill(current, body)
            items.append(current)
        current = None
        body.clear()

    for number, line in enumerate(lines, 1):
        if fence_open:
            if re.match(rf"^\s*{re.escape(fence_open[1][0])}{{{len(fence_open[1])},}}\s*$", line):
                fence_open = None
            if current is not None:
                body.append((number, line))
            continue
        fence = FENCE.match(line)
        if fence:
            fence_open = (number, fence["fence"])
            if current is not None:
                body.append((number, line))
            continue
        if RULE.match(line):
            close()
            if last_number:
                series, last_number = series + 1, 0
            continue
        text_ = heading_text(line)
        numbered = NUMBERED.match(text_) if text_ else None
        if numbered:
            close()
            n = int(numbered["n1"] or numbered["n2"])
            if n == 1 and last_number:
                series += 1
            elif last_number and n != last_number + 1:
                raise BankError(name, number, f"第 {n} 题紧跟在第 {last_number} 题之后："
                                "中间有一道题的标题缺失或格式不对。请检查两题之间的标题")
            last_number = n
            current = Item(name, number, str(n), text_, numbered["title"].strip(), series=series)
            continue
        if text_ is not None and LOOKS_NUMBERED.match(text_):
            raise BankError(name, number, f"标题 {text_!r} 像是一道题，但格式不对。请写成 '1. 标题' 或 '题目1：标题'")
        if text_ is not None and HEADING.match(line):
            close()  # a section title ends the item
            continue
        if current is not None:
            body.append((number, line))
    if fence_open:
        raise BankError(name, fence_open[0], "代码块（code fence）没有闭合。请在代码末尾加上 ```")
    close()
    if not items:
        raise BankError(name, 1, "没有找到带编号的题目标题。请用 '### 1. 标题' 这样的标题")
    return items


def fill(item: Item, body: list[tuple[int, str]]) -> None:
    """Split an item's body lines into question, answer, code and follow-ups."""
    if not any(line.strip() for _, line in body):
        raise BankError(item.file, item.line, f"第 {item.number} 题只有标题、没有内容。请补上题干或答案")
    question: list[str] = []
    answer: list[str] = []
    section = "answer"
    in_code: tuple[int, str, str, list[str]] | None = None
    for number, line in body:
        if in_code:
            if re.match(rf"^\s*{re.escape(in_code[1][0])}{{{len(in_code[1])},}}\s*$", line):
                item.code.append(CodeSample(in_code[2], "\n".join(in_code[3]) + "\n", in_code[0]))
                in_code = None
            else:
                in_code[3].append(line)
            answer.append(line)
            continue
        fence = FENCE.match(line)
        if fence:
            in_code = (number, fence["fence"], fence["lang"] or "text", [])
            answer.append(line)
            continue
        label = LABEL.match(line)
        if label:
            name = label["label"].strip()
            section = (
                "question" if name in QUESTION_LABELS
                else "follow_up" if name in FOLLOW_UP_LABELS
                else "answer"
            )
            line = label["rest"]
        if section == "question":
            question.append(line)
        elif section == "follow_up":
            bullet = BULLET.match(line)
            if bullet:
                item.follow_ups.append(bullet["text"].strip("* "))
        else:
            answer.append(line)
    item.question = "\n".join(question).strip() or item.title
    item.answer = "\n".join(answer).strip()
