"""Quotation-mark pairing on plain text (no spaCy).

Marks are paired by kind: straight ``"``, curly “ ” (and „ closed by “ or ”), « », ‹ ›, single ‘ ’ and
straight ``'``. A paragraph break closes any open mark (a quote that runs on into the next paragraph
reopens with a mark and leaves the previous paragraph unclosed). Apostrophes (``Pakistan's``,
``don't``, ``the players' union``, ``'90s``) are told apart from single quotation marks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

DOUBLE_OPEN = {"“": "double", "„": "double", "«": "guillemet", "‹": "guillemet1", "‘": "single", "‚": "single"}
CLOSE_KIND = {"”": "double", "»": "guillemet", "›": "guillemet1", "’": "single"}
ALL_MARKS = frozenset('"\'“”„«»‹›‘’‚')
OPENING_MARKS = frozenset('“„«‹‘‚')
CLOSING_MARKS = frozenset('”»›’')

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")


@dataclass(frozen=True, slots=True)
class MarkedSpan:
    """A stretch of text between quotation marks.

    ``open`` is the offset of the opening mark, ``[start, end)`` the content, ``close`` the offset of the
    closing mark or None when a paragraph break closed the quote. ``continued`` is True when the next
    paragraph reopens with a mark of the same kind (the quote runs on).
    """

    open: int
    start: int
    end: int
    close: int | None
    kind: str
    continued: bool = False

    @property
    def outer_end(self) -> int:
        """End of the quote including its closing mark."""
        return self.close + 1 if self.close is not None else self.end

    def contains(self, other: MarkedSpan) -> bool:
        return self.open <= other.open and other.outer_end <= self.outer_end and self != other


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Paragraphs as [start, end) ranges (trailing whitespace excluded).

    A newline ends a paragraph unless the next line starts with a lowercase letter (a hard-wrapped
    sentence going on).
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    pos = 0
    while True:
        nl = text.find("\n", pos)
        if nl < 0:
            break
        # look at the next non-space character after the newline(s)
        j = nl + 1
        while j < n and text[j] in " \t\r\n\u00a0":
            j += 1
        blank = "\n" in text[nl + 1 : j]
        if j < n and not blank and text[j].islower():
            pos = nl + 1
            continue
        _push(bounds, text, start, nl)
        start = j
        pos = j if j > nl else nl + 1
        if pos >= n:
            break
    if start < n:
        _push(bounds, text, start, n)
    return bounds


def _push(bounds: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    if end > start:
        bounds.append((start, end))


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """All paired (and paragraph-closed) quotation-mark spans, nested ones included, by position."""
    spans: list[MarkedSpan] = []
    paragraphs = paragraph_bounds(text)
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        stack: list[tuple[int, str]] = []  # (offset of the opening mark, kind)
        i = p_start
        while i < p_end:
            ch = text[i]
            if ch not in ALL_MARKS:
                i += 1
                continue
            prev = text[i - 1] if i > p_start else " "
            nxt = text[i + 1] if i + 1 < p_end else " "
            if ch == '"':
                idx = _find_open(stack, "straight")
                if idx is not None:
                    spans.append(_closed(text, stack[idx][0], i, "straight"))
                    del stack[idx:]
                elif not nxt.isspace() or prev.isspace():
                    stack.append((i, "straight"))
            elif ch == "'" or ch == "’":
                kind = "straight1" if ch == "'" else "single"
                if _is_word(prev) and _is_word(nxt):
                    pass  # apostrophe inside a word: Pakistan's, don't
                else:
                    idx = _find_open(stack, kind)
                    opener = (prev.isspace() or prev in "([{—–-\"“") and (_is_word(nxt) or nxt in "“\"")
                    if idx is not None and not prev.isspace():
                        if not _possessive(text, i, p_end, ch):
                            spans.append(_closed(text, stack[idx][0], i, kind))
                            del stack[idx:]
                    elif ch == "'" and opener and not nxt.isdigit():
                        stack.append((i, kind))
            elif ch in ("“",) and _find_open(stack, "low") is not None:
                idx = _find_open(stack, "low")
                spans.append(_closed(text, stack[idx][0], i, "double"))
                del stack[idx:]
            elif ch in DOUBLE_OPEN:
                kind = DOUBLE_OPEN[ch]
                if ch == "„":
                    kind = "low"
                if ch in "‘‚" and (_is_word(prev) or nxt.isdigit() or nxt.isspace()):
                    pass  # ‘90s, or a stray mark
                else:
                    stack.append((i, kind))
            elif ch in CLOSE_KIND:
                kind = CLOSE_KIND[ch]
                idx = _find_open(stack, kind)
                if kind == "double" and idx is None:
                    idx = _find_open(stack, "low")
                if idx is not None:
                    spans.append(_closed(text, stack[idx][0], i, kind))
                    del stack[idx:]
                elif ch == "”" and (prev.isspace() or i == p_start) and _is_word(nxt):
                    stack.append((i, "double"))  # sloppy ”…” used as an opener
            i += 1
        # a paragraph break closes what is still open (single quotes excepted: too ambiguous)
        for open_at, kind in stack[:1]:
            if kind in ("single", "straight1"):
                continue
            end = p_end
            start = open_at + 1
            if end - start < 1:
                continue
            continued = False
            if p_index + 1 < len(paragraphs):
                nxt_start = paragraphs[p_index + 1][0]
                first = text[nxt_start]
                continued = first == text[open_at] or (first in OPENING_MARKS and text[open_at] in OPENING_MARKS)
            spans.append(MarkedSpan(open_at, start, _rstrip(text, start, end), None, kind, continued))
    spans.sort(key=lambda s: (s.open, -s.outer_end))
    return spans


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _closed(text: str, open_at: int, close_at: int, kind: str) -> MarkedSpan:
    start, end = open_at + 1, close_at
    if kind.startswith("guillemet"):  # « Bonjour » carries inner spaces
        while start < end and text[start].isspace():
            start += 1
        end = _rstrip(text, start, end)
    return MarkedSpan(open_at, start, end, close_at, kind)


def _find_open(stack: list[tuple[int, str]], kind: str) -> int | None:
    for idx in range(len(stack) - 1, -1, -1):
        if stack[idx][1] == kind:
            return idx
    return None


def _possessive(text: str, i: int, p_end: int, ch: str) -> bool:
    """``the players' union``: s + mark + space + lowercase word, with another closing candidate later."""
    if text[i - 1] not in "sS" or i + 2 >= p_end or text[i + 1] != " " or not text[i + 2].islower():
        return False
    rest = text[i + 1 : p_end]
    return any(
        rest[k] == ch and not (k + 1 < len(rest) and _is_word(rest[k + 1])) and not rest[k - 1].isspace()
        for k in range(1, len(rest))
    )


def outermost(spans: list[MarkedSpan]) -> list[MarkedSpan]:
    """Drop spans nested inside another span (‘inner’ quotes within “outer” ones)."""
    result: list[MarkedSpan] = []
    for span in sorted(spans, key=lambda s: (s.open, -s.outer_end)):
        if result and span.open < result[-1].outer_end:
            continue
        result.append(span)
    return result


class MarkIndex:
    """Fast "is this offset inside a quote?" look-ups over outermost spans."""

    def __init__(self, spans: list[MarkedSpan]):
        self.spans = outermost(spans)
        self._opens = [s.open for s in self.spans]

    def span_at(self, offset: int) -> MarkedSpan | None:
        """The span whose marks-inclusive range [open, outer_end) holds offset."""
        k = bisect.bisect_right(self._opens, offset) - 1
        if k >= 0 and offset < self.spans[k].outer_end:
            return self.spans[k]
        return None

    def inside(self, offset: int) -> bool:
        return self.span_at(offset) is not None

    def within(self, start: int, end: int) -> list[MarkedSpan]:
        """Spans lying (marks included) entirely inside [start, end)."""
        k = bisect.bisect_left(self._opens, start)
        out = []
        while k < len(self.spans) and self.spans[k].open < end:
            if self.spans[k].outer_end <= end:
                out.append(self.spans[k])
            k += 1
        return out
