"""The errors the store raises, in a module of their own so every part of the core can name them."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be used (not a database, damaged, locked, too new, read-only)."""


class NotFoundError(KeyError):
    """A document, annotation or annotator that is not (or no longer) in the database."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""
