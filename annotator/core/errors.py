"""The errors the store raises, in a module of their own so every part of the core can name them."""

from __future__ import annotations

import os


class StoreError(RuntimeError):
    """The database cannot be used (not a database, damaged, locked, too new, read-only)."""


class ReadOnlyError(StoreError):
    """The database (or its folder) is read-only: it can be opened for reading, not written."""


class StoreWriteError(StoreError):
    """A change could not be saved (disk full, read-only, I/O error); it was rolled back, nothing of it is kept."""


class NotFoundError(KeyError):
    """A document, annotation or annotator that is not (or no longer) in the database."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""


class InputError(ValueError):
    """Bad input, located at `path:line` (line is 1-based, None for the whole file). Raised by the readers in
    annotator.io (which re-export it) and by ingest; the message is the one line a user sees."""

    def __init__(self, path: str | os.PathLike, line: int | None, reason: str):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class UserError(ValueError):
    """A mistake a user made that is not tied to a line of a file (a refused name, a bad config value): the
    message is the one line they see (the CLI prints it as "Error: …", the window in a message box)."""


class Cancelled(RuntimeError):
    """The user cancelled a long job (import, export) and what it had written was rolled back / removed. The
    window's background runner (gui/background.py) reports it as "cancelled", not as a failure."""
