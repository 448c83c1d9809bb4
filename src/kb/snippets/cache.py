"""Persistent verdicts of snippets, keyed on everything that can change them.

One JSON file per snippet in ``.cache/kb/snippets/`` (git-ignored), shared by
``mkdocs build``, ``mkdocs serve``, ``pytest --codeblocks`` and ``kb check``.

- The **key** hashes the snippet's source and stated output, the seed, the limits,
  and the versions of Python, numpy, scikit-learn, torch and threadpoolctl.
- An entry also records the **content hash of every file of the ``kb`` package the
  run imported** (the runner and the zygote always among them). It holds only while
  each of those files still has that content: editing ``kb/lab/nn.py`` re-runs
  exactly the snippets that imported it, and a ``touch`` or a fresh clone re-runs
  nothing (contents, not mtimes).
- Failures are recorded too, but never trusted: a failed snippet runs again every
  time (a time or memory limit hit on a busy machine must not stick). ``kb check``
  reads them to tell "failed at its last run" from "never run against this code".
- **Pruning**: an entry's modification time is its last use (a hit refreshes it once a
  day); :meth:`SnippetCache.prune`, run once per build process, removes entries unused
  for :data:`MAX_AGE_DAYS`, so the verdicts of edited-away snippets do not pile up.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from kb.snippets.runner import SEED, Limits, Snippet

#: Where the verdicts live, under the project root.
CACHE_DIR = Path(".cache") / "kb" / "snippets"
#: The libraries whose version can change what a snippet prints.
LIBRARIES = ("numpy", "scikit-learn", "torch", "threadpoolctl")
KB_ROOT = Path(__file__).resolve().parents[1]
#: Entries unused for this many days are removed by :meth:`SnippetCache.prune`.
MAX_AGE_DAYS = 30
_DAY = 24 * 3600


@dataclass
class Entry:
    """One stored verdict.

    Attributes:
        problem: ``None`` when the snippet ran and printed its stated output, else the message.
        cpu_seconds: What the run cost.
        modules: Content hash of each ``kb`` file the run imported, by path in the package.
    """

    problem: str | None
    cpu_seconds: float
    modules: dict[str, str]

    @property
    def ok(self) -> bool:
        """Whether the snippet passed."""
        return self.problem is None


def environment() -> dict[str, str]:
    """The interpreter and library versions a verdict depends on (no import needed)."""
    versions = {"python": platform.python_version(), "implementation": platform.python_implementation()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def kb_hashes() -> dict[str, str]:
    """Content hash of every file of the ``kb`` package, by path relative to the package."""
    return {p.relative_to(KB_ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(KB_ROOT.rglob("*.py"))}


def package_hash(hashes: dict[str, str] | None = None) -> str:
    """One hash of the whole ``kb`` package's contents (the zygote restarts when it changes)."""
    return hashlib.sha256(json.dumps(hashes or kb_hashes(), sort_keys=True).encode()).hexdigest()


class SnippetCache:
    """Verdicts under ``root/.cache/kb/snippets``.

    Args:
        root: The project root.
        limits: The limits runs are made under (part of the key).
        read: ``False`` (``KB_SNIPPET_CACHE=off``) ignores stored verdicts; new ones are
            still written, for the next build to reuse.
    """

    def __init__(self, root: Path, limits: Limits, *, read: bool = True) -> None:
        self.dir = Path(root) / CACHE_DIR
        self.read = read
        self.salt = json.dumps({"env": environment(), "seed": SEED, "limits": asdict(limits)}, sort_keys=True)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the contents of the ``kb`` package (call when it may have changed)."""
        self.hashes = kb_hashes()

    def key(self, snippet: Snippet) -> str:
        """The hash naming ``snippet``'s entry (its page and line are not part of it)."""
        text = json.dumps([self.salt, snippet.code, snippet.expected])
        return hashlib.sha256(text.encode()).hexdigest()

    def _file(self, snippet: Snippet) -> Path:
        key = self.key(snippet)
        return self.dir / key[:2] / f"{key}.json"

    def lookup(self, snippet: Snippet) -> Entry | None:
        """The stored entry, if any and still valid for the current ``kb`` contents."""
        path = self._file(snippet)
        try:
            entry = Entry(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        if any(self.hashes.get(name) != digest for name, digest in entry.modules.items()):
            return None
        try:  # the entry was used: keep it from being pruned (one write a day at most)
            if time.time() - path.stat().st_mtime > _DAY:
                os.utime(path)
        except OSError:
            pass
        return entry

    def get(self, snippet: Snippet) -> Entry | None:
        """A passing verdict the build may reuse instead of running ``snippet``."""
        if not self.read:
            return None
        entry = self.lookup(snippet)
        return entry if entry is not None and entry.ok else None

    def put(self, snippet: Snippet, problem: str | None, cpu_seconds: float, modules: tuple[str, ...]) -> None:
        """Record a verdict (written atomically: parallel builds may share the folder)."""
        if not modules:  # the run died before it could say what it imported: tie it to all of kb
            modules = tuple(self.hashes)
        entry = Entry(problem, cpu_seconds, {m: self.hashes.get(m, "") for m in modules})
        path = self._file(snippet)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(entry), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    def prune(self, max_age_days: float = MAX_AGE_DAYS) -> int:
        """Remove the entries unused for ``max_age_days``; how many were removed."""
        cutoff = time.time() - max_age_days * _DAY
        removed = 0
        for path in self.dir.glob("*/*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:  # another build pruned or rewrote it meanwhile
                continue
        return removed


__all__ = ["SnippetCache", "environment", "kb_hashes", "package_hash"]
