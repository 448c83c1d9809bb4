"""kb: the library behind the machine-learning interview knowledge base.

The package is split by job, one subpackage each:

- :mod:`kb.bank`: the question-bank pipeline (parse raw banks, the source mapping,
  duplicate detection, matching new items against pages);
- :mod:`kb.content`: question pages (front matter schema, reading pages, static checks);
- :mod:`kb.snippets`: snippet execution (the in-child runner, the warm zygote and its pool,
  the verdict cache, rewriting stated outputs, the pytest plugin);
- :mod:`kb.site`: the MkDocs integration (the ``kb`` plugin, the python fence, generated
  pages, the theme override);
- :mod:`kb.lab`: the teaching helpers that page snippets import (toy data, small networks,
  from-scratch algorithms in :mod:`kb.lab.algorithms`, one module per topic);
- :mod:`kb.cli`: the ``kb`` command.

The names below are the stable API for tools built on the knowledge base; the API
reference page (``docs/api.md``) documents exactly these (``tests/test_api.py``).
"""

from __future__ import annotations

import importlib

# Name -> module. Imported on first use, so `import kb.lab.toy` in a snippet stays light.
_API = {
    "Doc": "kb.bank.dedup", "clusters": "kb.bank.dedup", "scored_pairs": "kb.bank.dedup",
    "Entry": "kb.bank.mapping", "load_mapping": "kb.bank.mapping",
    "BankError": "kb.bank.parse", "Item": "kb.bank.parse", "parse_bank": "kb.bank.parse",
    "Limits": "kb.snippets.runner", "Snippet": "kb.snippets.runner",
    "SnippetResult": "kb.snippets.runner", "check_snippet": "kb.snippets.runner",
    "run_snippet": "kb.snippets.runner",
    "Executor": "kb.snippets.executor", "Verdict": "kb.snippets.executor",
    "check_project": "kb.content.checks",
    "Page": "kb.content.pages", "Problem": "kb.content.pages", "load_page": "kb.content.pages",
    "validate_front_matter": "kb.content.schema",
    "Project": "kb.project",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
