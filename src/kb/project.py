"""Where the project's inputs live, and loading them once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kb.bank.labelled import LabelledSet, load_labelled, page_problems
from kb.bank.mapping import Entry, load_mapping
from kb.bank.parse import Item, parse_bank
from kb.content.pages import Page, Problem, load_pages
from kb.errors import ProjectNotFoundError


@dataclass
class Project:
    """A kb checkout: ``docs/``, ``sources/raw/*.txt``, ``sources/mapping.yml`` and ``sources/labelled/``.

    Attributes:
        root: The repository root (the folder holding ``mkdocs.yml``).
    """

    root: Path

    @classmethod
    def find(cls, start: Path | str | None = None) -> Project:
        """The project containing ``start`` (default: the current directory)."""
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "mkdocs.yml").is_file() and (folder / "sources").is_dir():
                return cls(folder)
        raise ProjectNotFoundError(f"{here} 及其上层目录中没有 kb 项目（mkdocs.yml + sources/）。"
                                   "请在仓库目录中运行，或用 --root 指定")

    @property
    def docs(self) -> Path:
        """The MkDocs docs folder."""
        return self.root / "docs"

    @property
    def raw_dir(self) -> Path:
        """The folder of raw banks."""
        return self.root / "sources" / "raw"

    @property
    def mapping_path(self) -> Path:
        """The reviewed mapping file."""
        return self.root / "sources" / "mapping.yml"

    @property
    def labelled_dir(self) -> Path:
        """The folder of labelled import sets (:mod:`kb.bank.labelled`)."""
        return self.root / "sources" / "labelled"

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, for messages."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    @cached_property
    def bank_paths(self) -> list[Path]:
        """The raw bank files, sorted by name."""
        return sorted(self.raw_dir.glob("*.txt"))

    @cached_property
    def items(self) -> list[Item]:
        """Every item of every raw bank (raises ``BankError`` on a malformed bank)."""
        return [item for path in self.bank_paths for item in parse_bank(path)]

    @cached_property
    def _mapping(self) -> tuple[dict[str, Entry], list[Problem]]:
        entries, problems = load_mapping(self.mapping_path)
        shown = self.relative(self.mapping_path)
        return entries, [Problem(shown, p.line, p.message) for p in problems]

    @property
    def entries(self) -> dict[str, Entry]:
        """Mapping entries by item key."""
        return self._mapping[0]

    @property
    def mapping_problems(self) -> list[Problem]:
        """Structural problems of the mapping file."""
        return self._mapping[1]

    @cached_property
    def pages(self) -> list[Page]:
        """Every question page."""
        return load_pages(self.docs)

    @cached_property
    def _labelled(self) -> tuple[list[LabelledSet], list[Problem]]:
        shown = self.relative(self.labelled_dir)
        sets, problems = load_labelled(self.labelled_dir, shown)
        return sets, problems + page_problems(sets, self.docs, shown)

    @property
    def labelled(self) -> list[LabelledSet]:
        """The labelled import sets (their valid labels only)."""
        return self._labelled[0]

    @property
    def labelled_problems(self) -> list[Problem]:
        """Problems of the labelled import sets' files, and labels naming a page the site lacks."""
        return self._labelled[1]
