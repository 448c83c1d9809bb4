"""The reviewed source mapping (``sources/mapping.yml``): raw item -> canonical page.

The mapping is the single record of where every raw item went. Each bank file maps
heading lines to one of:

- ``topic/page.md``: *merged*, the page exists and merges the item;
- ``{planned: topic/page.md}``: decided, page not written yet;
- ``{set-aside: "reason"}``: deliberately not a page.

Pages list their sources from here; nothing else records it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.bank.parse import Item
from kb.content.pages import Problem
from kb.content.yaml_text import explain

STATUSES = ("merged", "planned", "set-aside")
PAGE_PATH = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+\.md$")


@dataclass(frozen=True)
class Entry:
    """Where one raw item went.

    Attributes:
        file: The bank's file name.
        line: The item's heading line.
        status: ``merged``, ``planned`` or ``set-aside``.
        page: The canonical page's path under ``docs/`` (``None`` when set aside).
        reason: Why the item is set aside (``None`` otherwise).
        source_line: The mapping file's line that states this entry.
    """

    file: str
    line: int
    status: str
    page: str | None
    reason: str | None
    source_line: int

    @property
    def key(self) -> str:
        """``file:line`` of the raw item."""
        return f"{self.file}:{self.line}"


def load_mapping(path: Path | str) -> tuple[dict[str, Entry], list[Problem]]:
    """Read the mapping file.

    Returns:
        Entries by item key, and every structural problem as ``path:line: message``.
    """
    path = Path(path)
    shown = str(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line, message = explain(exc)
        return {}, [Problem(shown, line, f"映射文件无法解析。{message}")]
    lines = locate_keys(text)
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return {}, [Problem(shown, 1, "映射文件必须是 `题库文件名:` 下列出 `行号: 去向` 的 YAML 映射。"
                            "请照已有条目的格式写")]
    for file, items in data.items():
        if not isinstance(items, dict):
            problems.append(Problem(shown, lines.get((file, None), 1),
                                    f"{file}：下面应是 `行号: 页面` 的条目。请照已有条目的格式写"))
            continue
        for line, value in items.items():
            where = lines.get((str(file), str(line)), 1)
            entry, message = parse_value(str(file), line, value, where)
            if message:
                problems.append(Problem(shown, where, message))
            else:
                entries[entry.key] = entry
    return entries, problems


def parse_value(file: str, line: object, value: object, where: int) -> tuple[Entry | None, str]:
    """Turn one mapping value into an :class:`Entry`, or explain why it is invalid."""
    if not isinstance(line, int) or line < 1:
        return None, f"{file}：键 {line!r} 必须是该题标题所在的行号"
    if isinstance(value, str):
        status, page, reason = "merged", value, None
    elif isinstance(value, dict) and len(value) == 1:
        (status, target), = value.items()
        page, reason = (None, target) if status == "set-aside" else (target, None)
        if status not in STATUSES[1:]:
            return None, f"{file}:{line}：未知的状态 {status!r}。请用 planned 或 set-aside"
        if status == "set-aside" and not (isinstance(reason, str) and reason.strip()):
            return None, f"{file}:{line}：搁置（set-aside）的题目需要写明原因"
    else:
        return None, f"{file}:{line}：去向必须是页面路径、{{planned: 路径}} 或 {{set-aside: 原因}}"
    if page is not None and not (isinstance(page, str) and PAGE_PATH.match(page)):
        return None, f"{file}:{line}：{page!r} 不是 主题/页面.md 形式的页面路径"
    return Entry(file, line, status, page, reason, where), ""


def locate_keys(text: str) -> dict[tuple[str, str | None], int]:
    """Map (file, line-key) to the mapping file line that defines it."""
    found: dict[tuple[str, str | None], int] = {}
    file = None
    for number, raw in enumerate(text.split("\n"), 1):
        top = re.match(r"^([^\s#][^:]*):\s*(#.*)?$", raw)
        if top:
            file = top.group(1).strip()
            found[(file, None)] = number
            continue
        sub = re.match(r"^\s+[\"']?(\d+)[\"']?\s*:", raw)  # 5: or "5":
        if sub and file:
            found[(file, sub.group(1))] = number
    return found


def coverage_problems(
    items: list[Item], entries: dict[str, Entry], docs_dir: Path | str, mapping_path: str
) -> list[Problem]:
    """Check that every item is accounted for exactly once and every merged page exists."""
    problems = []
    keys = {item.key for item in items}
    for item in items:
        if item.key not in entries:
            problems.append(Problem(mapping_path, 1, f"原始题目 {item.key}（{item.heading}）不在映射里。"
                                    "请把它映射到一个页面，或写明搁置原因"))
    docs = Path(docs_dir)
    for entry in entries.values():
        if entry.key not in keys:
            problems.append(Problem(mapping_path, entry.source_line,
                                    f"{entry.key} 不是原始题库中任何一道题的标题行。"
                                    "请用 `kb sources` 查到正确的 文件名:行号"))
        elif entry.status == "merged" and not (docs / entry.page).is_file():
            problems.append(Problem(mapping_path, entry.source_line,
                                    f"{entry.key} 合并到了 docs/{entry.page}，但这个页面不存在。请创建页面或改正路径"))
        elif entry.status == "planned" and (docs / entry.page).is_file():
            problems.append(Problem(mapping_path, entry.source_line,
                                    f"{entry.key}：docs/{entry.page} 已经存在。"
                                    "请把它从 planned 改成已合并（直接写页面路径）"))
    return problems


def pages_sources(entries: dict[str, Entry]) -> dict[str, list[Entry]]:
    """Merged and planned entries grouped by page path, in mapping order."""
    grouped: dict[str, list[Entry]] = {}
    for entry in entries.values():
        if entry.page:
            grouped.setdefault(entry.page, []).append(entry)
    return grouped
