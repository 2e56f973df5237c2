"""The errors the store raises, in a module of their own so every part of the core can name them."""

from __future__ import annotations


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
