"""SQLite's integrity errors in a user's words (issue 15, attack #9).

A constraint the database enforces (UNIQUE, FOREIGN KEY, CHECK, NOT NULL) can only fail on a write a user caused
when something changed behind them: another window open under the same name put the row back first, another
program deleted the set a row belongs to. SQLite says "UNIQUE constraint failed: entities.id"; a user needs one
sentence saying what clashed. `Store.transaction` turns every IntegrityError that leaves a transaction into a
`ConflictError` with the sentence from `integrity_words`, so no view ever shows SQLite's own text.
"""

from __future__ import annotations

import re
import sqlite3

from annotator.core.errors import StoreError

WHAT = {"entities": "entity", "quotes": "quote", "tags": "tag", "annotators": "annotator",
        "documents": "document", "annotation_sets": "annotation set", "labels": "label", "tag_set": "tag"}
"""Table -> the word a user knows it by."""

ALREADY = {
    "entities.id": "that entity is in the database already",
    "quotes.id": "that quote is in the database already",
    "annotators.name": "that annotator name is taken already",
    "documents.hash": "that document (the same text) is in the database already",
    "labels.name": "that label exists already",
}

CHANGED_ELSEWHERE = "another window or program changed this document meanwhile"


class ConflictError(StoreError):
    """A write clashed with what is in the database now (a constraint failed); nothing of it was kept. The message
    is one sentence for the status bar or a message box."""


def integrity_words(error: sqlite3.IntegrityError) -> str:
    """One sentence for an IntegrityError: what clashed, in the field's words, and why it can happen.
    Examples: "UNIQUE constraint failed: entities.id" -> "that entity is in the database already (another window or
    program changed this document meanwhile)"; "FOREIGN KEY constraint failed" -> "the annotation set it belongs to
    is gone (…)"."""
    text = str(error)
    if match := re.search(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)", text):
        columns = match.group(1).split(", ")
        words = ALREADY.get(columns[0])
        if words is None:
            table = columns[0].split(".")[0]
            words = f"that {WHAT.get(table, table)} is there already"
        return f"{words} ({CHANGED_ELSEWHERE})"
    if "FOREIGN KEY constraint failed" in text:
        return f"what this change belongs to is gone ({CHANGED_ELSEWHERE})"
    if match := re.search(r"NOT NULL constraint failed: (\w+)\.(\w+)", text):
        return f"the {WHAT.get(match.group(1), match.group(1))} needs a {match.group(2)}, and none was given"
    if "CHECK constraint failed" in text:
        return "a value is out of the allowed range (an offset, a status or a type the database refuses)"
    return f"the database refused this change ({CHANGED_ELSEWHERE})"


def conflict(error: sqlite3.IntegrityError) -> ConflictError:
    """The ConflictError to raise for `error`: "<words>; this change was not saved"."""
    return ConflictError(f"{integrity_words(error)}; this change was not saved")
