"""One error family: every error the ``kb`` command reports is a :class:`KbError`.

Messages follow one style, ``path:line: 问题。怎么改。``: what is wrong, then what to do.
"""

from __future__ import annotations


class KbError(Exception):
    """Base class of the errors ``kb`` reports as a message (never as a traceback)."""


class UsageError(KbError):
    """A command line or an answer that cannot be carried out."""


class ProjectNotFoundError(KbError, FileNotFoundError):
    """No kb project (``mkdocs.yml`` + ``sources/``) above the working directory."""


class LocatedError(KbError):
    """An error at a place in an input file.

    Attributes:
        path: The file, as shown to the reader.
        line: The 1-based line.
        message: What is wrong and what to do.
    """

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}")
