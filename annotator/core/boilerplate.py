"""Web boilerplate lines in a news text (no spaCy): navigation, "please wait", media-player residue, share
and footer lines, "READ MORE:" link lines, photo captions and credits, and repeated headlines.

Used at ingest (lines are marked, kept in the text so offsets never move, and nothing is pre-extracted inside
them) and by the quote extractor (a "READ MORE: X says …" link line reports nothing). Rules are written from
what news sites paste around an article (BBC, Reuters, local papers); extend ``_BOILERPLATE_PATTERNS``.
"""

from __future__ import annotations

import json
import re

LINK_LINE = re.compile(
    r"^\s*(?:READ MORE|Read more|Read More|ALSO READ|Also read|Also Read|RELATED|Related|SEE ALSO|See also|"
    r"Recommended|RECOMMENDED|PHOTO|Photo|Photograph|PHOTOGRAPH|Image|IMAGE|Picture|Credit|CREDIT)"
    r"\s*[:|>»–—-]"
)
"""A link or caption line: ``READ MORE: …``, ``Related: …``, ``Photograph: …``."""

CAPTION_END = re.compile(
    r"(?:\((?:AP |AFP |Reuters |PA |EPA )?(?:Photo|Photograph|Picture|Image|Pic|File photo)\b[^)]{0,80}\)"
    r"|\b(?:Photo|Photograph|Picture|Image)(?: by)?\s*[:/]\s*[^.\n]{1,60}"
    r"|[|/]\s*(?:Getty Images|AFP|Reuters|AP|PA|EPA|Shutterstock)"
    r"|^Image (?:caption|source)\b.*)\s*\.?\s*$"
)
"""A photo caption: a line ending in a picture credit (``… on Monday. (AP Photo/Jim Lee)``,
``… Photograph: Ann Lee/Herald``, ``… | Getty Images``) or a BBC-style ``Image caption``/``Image source`` line."""

_TIMECODE = r"\d{1,2}:\d{2}(?::\d{2})?"
_BOILERPLATE_PATTERNS = [
    re.compile(rf"^\s*(?:{_TIMECODE}\s*){{2,}}$"),  # media player residue "0:00 0:01:19 0:00"
    re.compile(r"^\s*(?:Accessibility links|Skip to (?:main )?content|Skip to navigation|Skip to search|"
               r"Accessibility help|Breaking News|No media source currently available|Menu|Search|Home|Sign in|Log in|Subscribe|Sections|Navigation|"
               r"Please wait(?: while [^\n]*)?|Loading(?:\.\.\.|…)?|Advertisement|ADVERTISEMENT|"
               r"Share(?: this)?(?: article| story| page)?|Share on \w+|Share|Copy link|Copied|"
               r"Email|Print|Facebook|Twitter|WhatsApp|LinkedIn|Messenger|"
               r"Media playback is unsupported on your device|Playback unsupported|"
               r"Follow us(?: on [^\n]*)?|Related Topics|Related topics|More on this story|Top Stories|"
               r"Most read|Most Read|Copyright[^\n]*|©[^\n]*|All rights reserved\.?|"
               r"This video can not be played|Cookies?(?: policy| settings)?|Terms of use|Privacy policy|"
               r"Contact us|About us|Back to top|Next article|Previous article|Up next)\s*[.:]?\s*$",
               re.IGNORECASE),
    LINK_LINE,
]


def line_ranges(text: str) -> list[tuple[int, int]]:
    """Each line as a [start, end) code-point range without its newline."""
    out, start = [], 0
    for m in re.finditer(r"\n", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


MAX_LINE = 300
"""Longer lines are article text, never boilerplate (and are not copied to be checked)."""


def is_boilerplate_line(line: str) -> bool:
    """True for a navigation / player / share / footer / link line (see module docstring)."""
    if len(line) > MAX_LINE:
        return False
    stripped = line.strip()
    return bool(stripped) and (any(p.match(stripped) for p in _BOILERPLATE_PATTERNS)
                               or CAPTION_END.search(stripped) is not None)


def boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """[start, end) code-point ranges of boilerplate lines: the patterns above, plus a headline repeated
    (a second or third copy of the first real line, exactly or as a line holding it). Sorted, disjoint."""
    ranges: list[tuple[int, int]] = []
    headline: str | None = None
    for a, b in line_ranges(text):
        if b - a > MAX_LINE:
            if headline is None and text[a:b].strip():
                headline = ""  # a long first line: no headline to repeat
            continue
        line = text[a:b].strip()
        if not line:
            continue
        if is_boilerplate_line(line):
            ranges.append((a, b))
            continue
        if headline is None:
            headline = line
            continue
        if _same_headline(line, headline):
            ranges.append((a, b))
    return ranges


def _same_headline(line: str, headline: str) -> bool:
    if not headline:
        return False
    norm = " ".join(line.split()).casefold()
    head = " ".join(headline.split()).casefold()
    return norm == head or (len(head) >= 20 and norm.startswith(head) and len(norm) <= len(head) + 40
                            and not norm[len(head):].strip().endswith((".", "?", "!", '"', "”")))


def headline_of(text: str) -> str:
    """The title of an article: its first non-empty line that is not boilerplate (``""`` if none)."""
    for a, b in line_ranges(text):
        line = text[a:b].strip() if b - a <= MAX_LINE else text[a:a + MAX_LINE].strip()
        if line and not is_boilerplate_line(line):
            return line
    return ""


def boilerplate_json(doc) -> str:
    """The JSON the store keeps for a Document's boilerplate ranges (computed from its text when None)."""
    ranges = doc.boilerplate if doc.boilerplate is not None else boilerplate_ranges(doc.text)
    return json.dumps([[int(a), int(b)] for a, b in ranges])


def overlaps_any(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    """[start, end) shares a character with one of the ranges."""
    return any(a < end and start < b for a, b in ranges)


def inside_any(offset: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in ranges)
