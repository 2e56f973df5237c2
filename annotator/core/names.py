"""Label and tag names: what they may hold, and how a long one is shown (issue 17).

A name is one line of visible text. Control characters (newline, tab, NUL, …), line and paragraph separators
and lone surrogates are refused wherever a name comes in (import with file:line, the tag-set editor, a typed
label), because a pill or a list row cannot draw them and a file written with them breaks other tools' readers.
Long names are kept whole but shown elided (`elide`), with the full name in the tooltip.
"""

from __future__ import annotations

import unicodedata

REFUSED_CATEGORIES = {"Cc": "a control character", "Zl": "a line separator", "Zp": "a paragraph separator",
                      "Cs": "a lone surrogate"}
SHOWN_CHARACTERS = 32
"""Names longer than this are elided in lists and panels (pills elide by width in pixels)."""


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a label or tag name, or None when it can: empty, or holding a character of
    REFUSED_CATEGORIES (named with its code point)."""
    if not name.strip():
        return "is empty"
    for position, char in enumerate(name):
        kind = REFUSED_CATEGORIES.get(unicodedata.category(char))
        if kind:
            return f"contains {kind} (U+{ord(char):04X} at character {position + 1})"
    return None


def check_name(name: str, what: str) -> str:
    """`name` stripped, or ValueError("<what> <name…> contains a control character (U+000A at character 4)")."""
    problem = name_problem(name)
    if problem:
        raise ValueError(f'{what} "{shown(name)}" {problem}')
    return name.strip()


def elide(name: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`name` cut to `limit` characters with "…" when longer (for list rows and panel titles)."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def shown(name: str, limit: int = 40) -> str:
    """A name safe to put in a one-line message: elided, control characters written as escapes."""
    text = elide(name, limit)
    return "".join(c if unicodedata.category(c) not in REFUSED_CATEGORIES else f"\\u{ord(c):04x}" for c in text)


RESERVED_ANNOTATORS = ("model", "gold")
"""Annotator names nobody annotates as: `model` holds the pre-extraction, `gold` review's adjudicated set."""


def reserved_annotator_problem(name: str) -> str | None:
    """Why `name` cannot be the window's annotator (`model`, `gold`, also with surrounding whitespace), or None.
    The same names import refuses as --annotator (io/importer.py)."""
    if name.strip() in RESERVED_ANNOTATORS:
        return (f"the annotator name {name.strip()!r} is reserved (model: the pre-extraction; gold: review's "
                "adjudicated set, written only in review mode); choose your own name")
    return None
