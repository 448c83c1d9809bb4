"""Labelled import sets (``sources/labelled/``): imported banks with what each item turned out to be.

Each set is a raw bank ``NAME.txt`` beside its labels ``NAME.yml``, keyed by the line of
each item's heading (as in ``sources/mapping.yml``)::

    items:
      5: {kind: rewording, page: generalization/overfitting.md}  # asks that page's question
      11: {kind: new}                                           # no page answers it
      23: {kind: near-miss, near: data/label-noise.md}          # that page's topic, another question

The verdict of ``kb import`` learns from them beside the mapping
(:mod:`kb.retrieval.verdict`), and ``benchmarks/import_quality.py`` measures on each one
with a model trained without it. ``kb check`` reports every problem of a set; a label
with a problem is left out of training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.bank.mapping import locate_keys
from kb.bank.parse import BankError, Item, parse_bank
from kb.content.pages import Problem
from kb.content.yaml_text import explain

KINDS = ("rewording", "near-miss", "new")
#: The page field each kind needs (``new`` needs none).
PAGE_FIELD = {"rewording": "page", "near-miss": "near"}
_FORMAT = "请照 `行号: {kind: rewording, page: 主题/页面.md}` 的格式写（kind 为 rewording、near-miss 或 new）"


@dataclass(frozen=True)
class Label:
    """What one imported item turned out to be.

    Attributes:
        kind: ``rewording``, ``near-miss`` or ``new``.
        page: The page a rewording asks the question of, or the page a near miss is near.
        line: The line of the labels file that says so.
    """

    kind: str
    page: str | None
    line: int


@dataclass
class LabelledSet:
    """One labelled import set.

    Attributes:
        name: The file stem (``import_holdout3``).
        bank: The raw bank's path.
        labels_path: The labels file's path.
        items: The bank's items.
        labels: Label by item heading line (only valid labels of existing items).
    """

    name: str
    bank: Path
    labels_path: Path
    items: list[Item] = field(default_factory=list)
    labels: dict[int, Label] = field(default_factory=dict)

    def labelled_items(self) -> list[tuple[Item, Label]]:
        """Each labelled item with its label, in the bank's order."""
        return [(item, self.labels[item.line]) for item in self.items if item.line in self.labels]


def _heading_line(key: object) -> object:
    """A labels key as the heading line it names: ``5`` or ``"5"`` (quoted) both mean line 5."""
    return int(key) if isinstance(key, str) and key.isdigit() else key


def _label(value: object, line: int) -> tuple[Label | None, str]:
    if not isinstance(value, dict) or value.get("kind") not in KINDS:
        kind = value.get("kind") if isinstance(value, dict) else value
        return None, f"标签 {kind!r} 不是 rewording、near-miss 或 new。{_FORMAT}"
    kind = value["kind"]
    need = PAGE_FIELD.get(kind)
    page = value.get(need) if need else None
    if need and not (isinstance(page, str) and page.endswith(".md")):
        return None, f"{kind} 需要 `{need}: 主题/页面.md`（docs/ 下的页面路径）。{_FORMAT}"
    return Label(kind, page, line), ""


def load_set(bank: Path, shown: str) -> tuple[LabelledSet, list[Problem]]:
    """Read one set: the bank ``bank`` and its labels beside it (``shown``: the folder as displayed)."""
    labels_path = bank.with_suffix(".yml")
    out = LabelledSet(bank.stem, bank, labels_path)
    show_bank, show_labels = f"{shown}/{bank.name}", f"{shown}/{labels_path.name}"
    try:
        out.items = parse_bank(bank)
    except BankError as exc:
        return out, [Problem(show_bank, exc.line, exc.message)]
    if not labels_path.is_file():
        return out, [Problem(show_bank, 1, f"没有标签文件 {labels_path.name}。请在旁边写上每道题的标签（{_FORMAT}）")]
    text = labels_path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line, message = explain(exc)
        return out, [Problem(show_labels, line, f"标签文件无法解析。{message}")]
    if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
        return out, [Problem(show_labels, 1, f"标签文件要有 `items:`，下面每行一道题。{_FORMAT}")]
    where = {key: line for (top, key), line in locate_keys(text).items() if top == "items" and key}
    headings = {item.line: item for item in out.items}
    problems = []
    for key, value in data["items"].items():
        line = where.get(str(key), 1)
        key = _heading_line(key)
        if key not in headings:
            problems.append(Problem(show_labels, line, f"{bank.name}:{key} 不是一道题的标题行。"
                                                       "请写该题标题所在的行号"))
            continue
        label, message = _label(value, line)
        if message:
            problems.append(Problem(show_labels, line, message))
        else:
            out.labels[key] = label
    written = {_heading_line(k) for k in data["items"]}
    for item in out.items:
        if item.line not in written:
            problems.append(Problem(show_labels, 1, f"{item.key}（{item.heading}）没有标签。{_FORMAT}"))
    return out, problems


def load_labelled(folder: Path, shown: str = "sources/labelled") -> tuple[list[LabelledSet], list[Problem]]:
    """Every labelled set of ``folder`` (none if it is missing), and every problem found reading them."""
    sets, problems = [], []
    if not folder.is_dir():
        return [], []
    for bank in sorted(folder.glob("*.txt")):
        found, trouble = load_set(bank, shown)
        sets.append(found)
        problems += trouble
    for labels in sorted(folder.glob("*.yml")):
        if not labels.with_suffix(".txt").is_file():
            problems.append(Problem(f"{shown}/{labels.name}", 1,
                                    f"没有与之配对的题库 {labels.stem}.txt。请把题库放在旁边，或删掉这个标签文件"))
    return sets, problems


def page_problems(sets: list[LabelledSet], docs: Path, shown: str = "sources/labelled") -> list[Problem]:
    """Labels that name a page the site does not have."""
    return [Problem(f"{shown}/{s.labels_path.name}", label.line,
                    f"{label.kind} 指向 docs/{label.page}，但这个页面不存在。请改正路径")
            for s in sets for label in s.labels.values() if label.page and not (docs / label.page).is_file()]
