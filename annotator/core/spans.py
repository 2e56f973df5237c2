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

BLANK_GLYPHS = frozenset({
    0x034F,  # combining grapheme joiner
    0x115F, 0x1160, 0x3164, 0xFFA0,  # Hangul fillers (default ignorable, letters by category)
    0x180B, 0x180C, 0x180D, 0x180E, 0x180F,  # Mongolian variation selectors and vowel separator
    0x17B4, 0x17B5,  # Khmer inherent vowels (default ignorable)
    0x2800,  # braille pattern blank: a symbol that draws nothing
})
"""Code points that are not whitespace, control or format characters by category but draw nothing: Unicode's
Default_Ignorable_Code_Point outside Cf (DerivedCoreProperties.txt), plus the blank braille pattern."""


def is_invisible(char: str) -> bool:
    """Whether `char` (one code point) draws nothing on its own: whitespace, a control or format character, a
    default-ignorable code point (variation selectors U+FE00–FE0F and U+E0100–E01EF, Hangul fillers, the
    combining grapheme joiner) or U+2800 braille blank. Ordinary combining marks (U+0301) are not invisible, but
    a span of marks alone has nothing to sit on (see `has_visible_character`)."""
    code = ord(char)
    return (char.isspace() or unicodedata.category(char) in INVISIBLE_CATEGORIES or code in BLANK_GLYPHS
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def has_visible_character(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds at least one visible character (offsets in code points)."""
    piece = text[start:end]
    if piece.strip() == "":
        return False
    return any(not is_invisible(char) and not unicodedata.category(char).startswith("M") for char in piece)


def any_visible(text: str) -> bool:
    """Whether a whole text holds a visible character; stops at the first one (no copy of a long text)."""
    return any(not is_invisible(char) and not unicodedata.category(char).startswith("M") for char in text)


def has_blank_edge(text: str, start: int, end: int) -> bool:
    """Whether the span [start, end) starts or ends on whitespace (or an invisible character)."""
    return start < end and (is_invisible(text[start]) or is_invisible(text[end - 1]))


def describe_blank(text: str, start: int, end: int) -> str:
    """A short reason for refusing an invisible span, naming what it holds."""
    return f"[{start}, {end}) has no visible character ({text[start:end][:20]!r})"
