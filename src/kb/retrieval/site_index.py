"""The build step that writes the search index (called from the kb MkDocs plugin)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mkdocs.exceptions import PluginError

from kb.content.pages import Page, page_rel
from kb.retrieval.analyzer import Analyzer, SynonymError
from kb.retrieval.index import rewrite_search_index


def write(site_dir: str | Path, root: str | Path, pages: Iterable[Page]) -> None:
    """Replace Material's search index in ``site_dir`` with kb's.

    Args:
        site_dir: The built site.
        root: The project root (its ``sources/synonyms.yml`` is read).
        pages: The question pages.

    Raises:
        PluginError: ``path:line: message`` when the synonym table is malformed.
    """
    try:
        analyzer = Analyzer.for_project(root)
    except SynonymError as exc:
        raise PluginError(str(exc)) from None
    questions = {page_rel(p).removesuffix(".md"): p.meta for p in pages}
    rewrite_search_index(site_dir, questions, analyzer)
