"""What a span must hold, whoever draws or imports it (issue 17).

- An entity needs at least one visible character: a span of spaces, line breaks, tabs or invisible format
  characters (zero-width space, BOM, soft hyphen…) is refused by the window, `ops`, and import (file:line).
- A span that starts or ends in whitespace is kept exactly as drawn or imported (so an import round-trips
  unchanged) but flagged everywhere the same way: the window outlines its pill and marks its panel row (like a
  span cut inside a word), import counts it in its summary, and every export lists it (`ExportIssues`).
"""

from __future__ import annotations

import unicodedata

INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
"""Unicode general categories with no visible glyph: separators, controls and format characters."""


def is_invisible(char: str) -> bool:
    """Whether `char` (one code point) draws nothing: whitespace, a control or a format character."""
    return char.isspace() or unicodedata.category(char) in INVISIBLE_CATEGORIES


def has_visible_character(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds at least one visible character (offsets in code points)."""
    piece = text[start:end]
    if piece.strip() == "":
        return False
    return any(not is_invisible(char) for char in piece)


def has_blank_edge(text: str, start: int, end: int) -> bool:
    """Whether the span [start, end) starts or ends on whitespace (or an invisible character)."""
    return start < end and (is_invisible(text[start]) or is_invisible(text[end - 1]))


def describe_blank(text: str, start: int, end: int) -> str:
    """A short reason for refusing an invisible span, naming what it holds."""
    return f"[{start}, {end}) has no visible character ({text[start:end][:20]!r})"
