"""``kb new``: ask for a new page's front matter one answer at a time, then write page and mapping.

Each answer is checked as it is typed and asked again when it is wrong, so nothing typed
is lost. Nothing is written until every answer is valid, and the page and the mapping are
written together: a failure leaves neither behind.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kb.content.safety import unsafe_html
from kb.content.schema import DIFFICULTIES, ID_PATTERN, TAG_GROUPS, TAGS, TOPICS
from kb.content.suggest import did_you_mean
from kb.errors import UsageError
from kb.project import Project

#: Separators accepted between tags (a tag may contain a space: "NLP 应用").
TAG_SEPARATORS = re.compile(r"[,，、;；]")


def check_id(value: str, taken: dict[str, str]) -> str:
    """Why ``value`` cannot be a new page id (``""`` when it can)."""
    if not ID_PATTERN.match(value):
        return f"id {value!r} 只能由小写字母、数字和连字符组成，如 bias-variance"
    if value in taken:
        return f"id {value!r} 已被 {taken[value]} 使用。请换一个 id，或去改进那一页"
    return ""


def check_title(value: str, titles: dict[str, str]) -> str:
    """Why ``value`` cannot be a new page title."""
    if not value.strip():
        return "标题不能为空：写读者会这样问的问题，如 什么是偏差-方差权衡？"
    if value in titles:
        return f"标题 {value!r} 已被 {titles[value]} 使用。请去改进那一页，或把问题写得不同"
    unsafe = unsafe_html(value)
    return f"标题：{unsafe[0]}" if unsafe else ""


def check_topic(value: str) -> str:
    """Why ``value`` is not a topic."""
    if value in TOPICS:
        return ""
    return f"未知的主题 {value!r}。{did_you_mean(value, TOPICS)}可选：{'、'.join(TOPICS)}"


def split_tags(value: str) -> list[str]:
    """The tags of a comma-separated answer."""
    return [t.strip() for t in TAG_SEPARATORS.split(value) if t.strip()]


def check_tags(value: str) -> str:
    """Why ``value`` is not a valid tag list."""
    tags = split_tags(value)
    if not tags:
        return "至少写一个标签，多个标签用逗号分隔"
    wrong = [t for t in tags if t not in TAGS]
    if wrong:
        return "；".join(f"未知的标签 {t!r}。{did_you_mean(t, TAGS)}" for t in wrong) + \
            "请从按类别列出的允许标签中选（也见 CONTRIBUTING.md 的 Front matter 参考）"
    return ""


def check_difficulty(value: str) -> str:
    """Why ``value`` is not a difficulty level."""
    if value in DIFFICULTIES:
        return ""
    return f"未知的难度 {value!r}。请从 {' / '.join(DIFFICULTIES)} 中选一个"


def topics_help() -> str:
    """The allowed topics, one a line."""
    return "\n".join(f"  {k:<15}{v}" for k, v in TOPICS.items())


def tags_help() -> str:
    """The allowed tags, grouped as in the schema."""
    return "\n".join(f"  {group}：" + "、".join(tags) for group, tags in TAG_GROUPS.items())


@dataclass
class Question:
    """One front matter answer: its option name, prompt, check and the allowed values."""

    option: str
    prompt: str
    check: Callable[[str], str]
    choices: str = ""


@dataclass
class Answers:
    """The validated answers of ``kb new``."""

    id: str
    title: str
    topic: str
    tags: list[str]
    difficulty: str
    sources: list[str] = field(default_factory=list)


def ask(question: Question, given: str | None, *, read: Callable[[str], str] | None = None) -> str:
    """The value of one answer: from the command line (checked), or typed until it is valid."""
    if given is not None:
        error = question.check(given.strip())
        if error:
            shown = f"\n{question.choices}" if question.choices else ""
            raise UsageError(f"--{question.option} {given}：{error}{shown}")
        return given.strip()
    if read is None:
        if not sys.stdin.isatty():
            raise UsageError(f"缺少 --{question.option}（没有终端，无法逐项询问）。"
                             f"请在命令行上给出 --{question.option}")
        read = input
    if question.choices:
        print(question.choices, file=sys.stderr)
    while True:
        try:
            value = read(f"{question.prompt}: ").strip()
        except EOFError:
            raise UsageError(f"没有读到 {question.option}，什么也没有写入") from None
        error = question.check(value)
        if not error:
            return value
        print(f"  {error}。请重新输入。", file=sys.stderr)


def collect(project: Project, args, *, read: Callable[[str], str] | None = None) -> Answers:
    """Every answer, validated; ``--source`` items checked against the mapping."""
    taken = {p.id: p.path for p in project.pages}
    titles = {p.meta["title"]: p.path for p in project.pages if isinstance(p.meta.get("title"), str)}
    questions = [
        Question("id", "id（小写字母、数字和连字符，如 bias-variance）", lambda v: check_id(v, taken)),
        Question("title", "标题（读者会这样问的问题）", lambda v: check_title(v, titles)),
        Question("topic", "主题（topic，见上表）", check_topic, "可选的主题：\n" + topics_help()),
        Question("tags", "标签（用逗号分隔，见上表）", check_tags, "允许的标签（按类别）：\n" + tags_help()),
        Question("difficulty", f"难度（{' / '.join(DIFFICULTIES)}）", check_difficulty),
    ]
    values = [ask(q, getattr(args, q.option), read=read) for q in questions]
    answers = Answers(values[0], values[1], values[2], split_tags(values[3]), values[4])
    rel = f"{answers.topic}/{answers.id}.md"
    keys = {i.key for i in project.items}
    for key in args.source:
        if key not in keys:
            raise UsageError(f"--source {key}：原始题库中没有这道题。{did_you_mean(key, keys)}"
                             "请用 `kb sources` 查到 文件名:行号")
        entry = project.entries.get(key)
        if entry and entry.status == "merged" and entry.page != rel and not args.move:
            raise UsageError(f"--source {key}：这道题已经合并到 docs/{entry.page}。请去改进那一页；"
                             "如果确实要把它移到新页面，加上 --move（再删掉那一页中引用它的勘误）")
        answers.sources.append(key)
    return answers


SCAFFOLD = """---
id: {id}
title: {title}
topic: {topic}
tags: [{tags}]
difficulty: {difficulty}
{origin}aliases: []
related: []
corrections: []
---

!!! abstract "一句话回答"
    TODO(kb new): 一到三句话的回答。

## 详解

TODO(kb new): 合并、更正后的完整解释；公式用 LaTeX，比较用表格。

## 代码

TODO(kb new): 一个短小、确定、可运行的 ```python 片段，然后运行 `kb update-output {path}`
写入它的输出；不需要代码时删除本节。

## 面试追问

- TODO(kb new): 面试官接下来会问的问题。
"""


def yaml_str(text: str) -> str:
    """``text`` as a one-line YAML scalar."""
    return json.dumps(text, ensure_ascii=False)


def remapped(mapping_text: str, key: str, page: str) -> str:
    """The mapping text with raw item ``key`` pointing at ``page`` (merged), comments kept."""
    file, line = key.rsplit(":", 1)
    text = mapping_text.split("\n")
    current = None
    for n, raw in enumerate(text):
        if re.match(r"^[^\s#]", raw):
            current = raw.split(":")[0].strip()
        m = re.match(rf"^(\s+{line}:\s*)([^#]*?)(\s*#.*)?$", raw)
        if current == file and m:
            text[n] = f"{m.group(1)}{page}{m.group(3) or ''}"
            return "\n".join(text)
    raise UsageError(f"{key} 不在 sources/mapping.yml 中。请先在映射文件里为它登记一行")


def write_all(files: dict[Path, str]) -> None:
    """Write every file or none: temporary files first, then renames; undone on any failure."""
    before = {path: path.read_bytes() if path.exists() else None for path in files}
    temps: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temps[path] = path.with_name(f".{path.name}.kb-new")
            temps[path].write_text(text, encoding="utf-8")
        for path, temp in temps.items():
            os.replace(temp, path)
            done.append(path)
    except BaseException:
        for path in done:  # put back what was there: no half-written page or mapping
            if before[path] is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before[path])
        raise
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


def create(project: Project, answers: Answers) -> Path:
    """Write the page and (for ``--source``) the mapping, together."""
    path = project.docs / answers.topic / f"{answers.id}.md"
    if path.exists():
        raise UsageError(f"{project.relative(path)} 已经存在。请换一个 id")
    rel = f"{answers.topic}/{answers.id}.md"
    page = SCAFFOLD.format(id=answers.id, title=yaml_str(answers.title), topic=answers.topic,
                           tags=", ".join(answers.tags), difficulty=answers.difficulty,
                           origin="" if answers.sources else "origin: written\n",  # no raw item: new question
                           path=project.relative(path))
    files = {path: page}
    if answers.sources:
        mapping = project.mapping_path.read_text(encoding="utf-8")
        for key in answers.sources:
            mapping = remapped(mapping, key, rel)
        files[project.mapping_path] = mapping
    write_all(files)
    return path
