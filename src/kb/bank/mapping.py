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
        mark = getattr(exc, "problem_mark", None)
        return {}, [Problem(shown, mark.line + 1 if mark else 1, f"malformed mapping: {exc}")]
    lines = locate_keys(text)
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return {}, [Problem(shown, 1, "mapping must be a YAML mapping of bank file -> items")]
    for file, items in data.items():
        if not isinstance(items, dict):
            problems.append(Problem(shown, lines.get((file, None), 1), f"{file}: expected line: page"))
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
        return None, f"{file}: key {line!r} must be the item's heading line number"
    if isinstance(value, str):
        status, page, reason = "merged", value, None
    elif isinstance(value, dict) and len(value) == 1:
        (status, target), = value.items()
        page, reason = (None, target) if status == "set-aside" else (target, None)
        if status not in STATUSES[1:]:
            return None, f"{file}:{line}: unknown status {status!r} (use planned or set-aside)"
        if status == "set-aside" and not (isinstance(reason, str) and reason.strip()):
            return None, f"{file}:{line}: a set-aside item needs a reason"
    else:
        return None, f"{file}:{line}: value must be a page path, {{planned: path}} or {{set-aside: reason}}"
    if page is not None and not (isinstance(page, str) and PAGE_PATH.match(page)):
        return None, f"{file}:{line}: {page!r} is not a page path like topic/page.md"
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
        sub = re.match(r"^\s+(\d+)\s*:", raw)
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
            problems.append(Problem(mapping_path, 1, f"raw item {item.key} ({item.heading}) is not "
                                    "in the mapping: map it to a page or set it aside"))
    docs = Path(docs_dir)
    for entry in entries.values():
        if entry.key not in keys:
            problems.append(Problem(mapping_path, entry.source_line,
                                    f"{entry.key} names no item of the raw banks"))
        elif entry.status == "merged" and not (docs / entry.page).is_file():
            problems.append(Problem(mapping_path, entry.source_line,
                                    f"{entry.key} is merged into docs/{entry.page}, which does not exist"))
        elif entry.status == "planned" and (docs / entry.page).is_file():
            problems.append(Problem(mapping_path, entry.source_line,
                                    f"{entry.key}: docs/{entry.page} exists; mark the item merged"))
    return problems


def pages_sources(entries: dict[str, Entry]) -> dict[str, list[Entry]]:
    """Merged and planned entries grouped by page path, in mapping order."""
    grouped: dict[str, list[Entry]] = {}
    for entry in entries.values():
        if entry.page:
            grouped.setdefault(entry.page, []).append(entry)
    return grouped
