"""Snap a selection to word boundaries (no spaCy): a word is a run of letters, digits, "_" and combining marks;
any other non-space character is a word of its own. Leading and trailing spaces are dropped."""

from __future__ import annotations

import unicodedata


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow [start, end) to whole words and trim spaces. Returns (start, start) if only spaces were selected."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, start
    while start > 0 and is_word_char(text[start]) and is_word_char(text[start - 1]):
        start -= 1
    while end < len(text) and is_word_char(text[end - 1]) and is_word_char(text[end]):
        end += 1
    return start, end


def word_at(text: str, position: int) -> tuple[int, int]:
    """The word (or single symbol) at `position`; an empty range on a space."""
    if not (0 <= position < len(text)) or text[position].isspace():
        return position, position
    return snap_to_words(text, position, position + 1)


def step(text: str, position: int, direction: int, *, edge: str = "end", by_word: bool = True) -> int:
    """Where a span's `edge` ("start" or "end") at `position` moves when pushed `direction` (+1 right, -1 left):
    to the neighbouring word's start (for a start) or end (for an end), or by one character without snapping."""
    n = len(text)
    if not by_word:
        return max(0, min(n, position + direction))
    pos = position
    if direction > 0:
        if edge == "start" and pos < n and not text[pos].isspace():
            pos = word_at(text, pos)[1]  # leave the current word
        while pos < n and text[pos].isspace():
            pos += 1
        if edge == "end" and pos < n:
            pos = word_at(text, pos)[1]
        return pos
    if edge == "end" and pos > 0 and not text[pos - 1].isspace():
        pos = word_at(text, pos - 1)[0]  # leave the current word
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    if edge == "start" and pos > 0:
        pos = word_at(text, pos - 1)[0]
    return pos


def snap_edge(text: str, position: int, *, edge: str) -> int:
    """Where a dragged span `edge` ("start" or "end") dropped at `position` lands: on the nearer boundary of the
    word under it, then past spaces (forward for a start, back for an end), so a span never starts or ends on one."""
    n = len(text)
    pos = max(0, min(n, position))
    if 0 < pos < n and is_word_char(text[pos - 1]) and is_word_char(text[pos]):
        word_start, word_end = snap_to_words(text, pos - 1, pos)  # the word around pos
        pos = word_start if pos - word_start <= word_end - pos else word_end
    if edge == "start":
        while pos < n and text[pos].isspace():
            pos += 1
    else:
        while pos > 0 and text[pos - 1].isspace():
            pos -= 1
    return pos


def cuts_a_word(text: str, start: int, end: int) -> bool:
    """Whether [start, end) starts or ends inside a word (a word character on both sides of an edge), or, once
    the export's tokens of `text` are known (`set_token_boundaries`), off those tokens ("3" of "$3.99", "U.S" of
    "U.S."). Such a span is kept exactly as drawn, but the spaCy export leaves it out: the window flags it."""
    def inside(position: int) -> bool:
        return 0 < position < len(text) and is_word_char(text[position - 1]) and is_word_char(text[position])

    return inside(start) or inside(end) or export_drops(text, start, end)


_TOKEN_BOUNDARIES: dict[str, tuple[frozenset[int], frozenset[int]]] = {}
"""text -> (token starts, token ends) of the spaCy export's tokenizer; the last few texts only."""
_BY_ID: dict[int, tuple[str, tuple[frozenset[int], frozenset[int]]]] = {}
"""id(text object) -> (that object, its boundaries): painting asks for every span, so a 600 kB text is compared
once per string object, not once per call."""


def set_token_boundaries(text: str, starts, ends) -> None:
    """Remember where the export's tokens of `text` start and end (code points); keeps the 4 latest texts."""
    while len(_TOKEN_BOUNDARIES) >= 4:
        _TOKEN_BOUNDARIES.pop(next(iter(_TOKEN_BOUNDARIES)))
    _TOKEN_BOUNDARIES[text] = (frozenset(starts), frozenset(ends))
    _BY_ID.clear()


def _known(text: str) -> tuple[frozenset[int], frozenset[int]] | None:
    entry = _BY_ID.get(id(text))
    if entry is not None and entry[0] is text:
        return entry[1]
    for known, boundaries in _TOKEN_BOUNDARIES.items():
        if len(known) == len(text) and known == text:
            if len(_BY_ID) > 16:
                _BY_ID.clear()
            _BY_ID[id(text)] = (text, boundaries)
            return boundaries
    return None


def has_token_boundaries(text: str) -> bool:
    return _known(text) is not None


def export_drops(text: str, start: int, end: int) -> bool:
    """Whether the spaCy export would leave [start, end) out (not on its token boundaries); False while the
    tokens of `text` are not known yet."""
    known = _known(text) if _TOKEN_BOUNDARIES else None
    return known is not None and start < end and (start not in known[0] or end not in known[1])
