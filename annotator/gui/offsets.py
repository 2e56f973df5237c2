"""The one place where core offsets (Python code points) meet Qt positions (UTF-16 code units).

`OffsetMap` is built once per document text. It also fixes line endings: QTextDocument turns "\\r\\n" and "\\r"
into ONE paragraph separator, which would shift every later position. `OffsetMap.display_text` therefore
replaces the "\\r" of "\\r\\n" by a space (invisible at a line end) and a lone "\\r" by "\\n", so the shown text has
exactly one Qt position per UTF-16 unit of the stored text. QTextDocument.setPlainText also drops a LEADING
U+FEFF / U+FFFE (byte-order mark), so a leading one is shown as U+2060 (word joiner: invisible, one UTF-16 unit).
Only astral characters (emoji, some CJK) then differ: one code point, two UTF-16 units. Their positions are
kept in a sorted array and looked up with bisect.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CR = re.compile("\r\n?")
_BOMS = ("\ufeff", "\ufffe")
_BOM_STAND_IN = "\u2060"  # word joiner: invisible, one UTF-16 unit, kept by setPlainText


LONG_LINE = 4096
"""A line longer than this (code points) is shown as paragraphs of about this length (see `_break_long_lines`)."""


def _display(text: str) -> str:
    """The text as shown: same UTF-16 length as `text`, with what QTextDocument would merge or drop replaced."""
    shown = _CR.sub(lambda m: " \n" if len(m.group()) == 2 else "\n", text) if "\r" in text else text
    if shown.startswith(_BOMS):
        shown = _BOM_STAND_IN + shown[1:]
    return _break_long_lines(shown)


def _break_long_lines(text: str, limit: int = LONG_LINE) -> str:
    """Show a very long line as several paragraphs: the first space after each `limit` characters of a line
    becomes a line break (one character for one, so every position stays where it is; the stored text is not
    touched). Qt lays a paragraph out whole, in one go: a 50 MB one-line article took over a minute and 2 GB
    to open as one paragraph; as paragraphs of ~4,000 characters it is laid out lazily like any other text.
    A stretch with no space at all stays one paragraph."""
    breaks = []
    start, length = 0, len(text)
    while start < length:
        end = text.find("\n", start)
        end = length if end < 0 else end
        while end - start > limit:
            cut = text.find(" ", start + limit, end)
            if cut < 0:
                break
            breaks.append(cut)
            start = cut + 1
        start = end + 1
    if not breaks:
        return text
    pieces, previous = [], 0
    for cut in breaks:
        pieces.append(text[previous:cut])
        previous = cut + 1
    pieces.append(text[previous:])
    return "\n".join(pieces)


class OffsetMap:
    """Convert positions between a stored text (code points) and the Qt document showing it (UTF-16)."""

    __slots__ = ("text", "display_text", "_astral", "_qt_astral_end", "qt_length")

    def __init__(self, text: str):
        self.text = text
        self.display_text = _display(text)
        # code-point index of every astral character, and the Qt position just after each one
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
        self._qt_astral_end = [cp + i + 2 for i, cp in enumerate(self._astral)]
        self.qt_length = len(text) + len(self._astral)

    def to_qt(self, position: int) -> int:
        """Qt position of a code-point position (0 ≤ position ≤ len(text))."""
        if not self._astral:
            return position
        return position + bisect_left(self._astral, position)

    def from_qt(self, position: int, *, round_up: bool = False) -> int:
        """Code-point position of a Qt position. A position inside a surrogate pair rounds down (or up)."""
        if not self._astral:
            return position
        done = bisect_right(self._qt_astral_end, position)  # astral characters wholly before `position`
        if done < len(self._astral) and self._qt_astral_end[done] - 1 == position:  # between two surrogates
            return self._astral[done] + (1 if round_up else 0)
        return position - done

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def range_from_qt(self, start: int, end: int) -> tuple[int, int]:
        """Code-point range of a Qt range; a half-covered emoji is included whole."""
        return self.from_qt(start), self.from_qt(end, round_up=True)
