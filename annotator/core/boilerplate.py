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
    r"^\s*(?:(?:READ MORE|Read more|Read More|ALSO READ|Also read|Also Read|RELATED|Related|SEE ALSO|See also|"
    r"Recommended|RECOMMENDED|PHOTO|Photo|Photograph|PHOTOGRAPH|Image|IMAGE|Picture|Credit|CREDIT|"
    r"MOST READ|Most Read|Most read|TRENDING|Trending|POPULAR|Popular|TOP STORIES|Top Stories|"
    r"SPONSORED|Sponsored)\s*[:|>»–—-]"
    r"|(?:WATCH|Watch|LISTEN|Listen|VIDEO|Video|PICTURED|Pictured|GALLERY|Gallery|PODCAST|Podcast|AUDIO|Audio)"
    r"\s*[:|>»–—-][^.!?\n]{1,150}[.!?]?\s*$)"
)
"""A link or caption line: ``READ MORE: …``, ``Related: …``, ``Photograph: …``, sidebar ``Most Read: …`` /
``Trending: …``, and a media link whose rest is one headline (``WATCH: Minister tells MPs cuts are over``,
``PICTURED: …``); a ``WATCH:`` paragraph of several sentences describes a video in words and stays text."""

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
    re.compile(rf"^\s*{_TIMECODE}(?:\s*(?:/|\||of)?\s*{_TIMECODE})+$"),  # player: "0:00 0:01:19 0:00", "0:00 / 1:23"
    # cookie banners ("We use cookies … Accept all cookies")
    re.compile(r"^(?=[^\n]*\bcookies?\b)(?=[^\n]*\b(?:accept|manage|consent|preferences|agree|settings|"
               r"continuing to (?:browse|use))\b)", re.IGNORECASE),
    # bylines and dates: "By Ann Lee, Environment Correspondent", "Published 14 February 2024, 09:12 GMT"
    re.compile(r"^By (?:[A-Z][\w'’.-]*)(?: (?:[A-Z][\w'’.-]*|and|&|de|van|von|al)){0,5}"
               r"(?:\s*(?:,|[|–—-]|\bin\b)\s*[^.!?\n]{0,60})?$"),
    re.compile(r"^(?:Published|Updated|Last updated|First published|Posted|Modified)\b:?\s*(?:on\s+)?"
               r"(?:\d|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)"
               r"[^!?;\n]{0,70}$", re.IGNORECASE),
    re.compile(r"^\s*(?:Accessibility links|Skip to (?:main )?content|Skip to navigation|Skip to search|"
               r"Accessibility help|Breaking News|No media source currently available|Menu|Search|Home|Sign in|Log in|Subscribe|Sections|Navigation|"
               r"Please wait(?: while [^\n]*?)?(?:\.{3}|…)?|Loading(?:\.\.\.|…)?|Advertisement|ADVERTISEMENT|"
               r"Share(?: this)?(?: article| story| page)?|Share (?:on|via|by|to) \w+|Share|Copy link|Copied|"
               r"(?:Play|Watch) (?:video|the video|now)|Play|Pause|Replay|Mute|Unmute|Full ?screen|"
               r"Listen to (?:this|the) article|Topics|Tags|"
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


_NAV_LINE = re.compile(r"^[A-Z][\w&'’-]*(?: (?:[A-Z&][\w&'’-]*|and|of))?$")
"""One or two capitalised words and no punctuation: a section link (``News``, ``Sport``, ``UK``, ``Money``) or a
topic tag (``Flooding``), never a sentence."""
_TAG_HEADERS = re.compile(r"^(?:Related Topics|Topics|Tags|More on this story)\s*:?$", re.IGNORECASE)


SECTION_WORDS = frozenset({
    "news", "sport", "sports", "uk", "us", "world", "politics", "business", "opinion", "weather", "money",
    "culture", "health", "science", "technology", "tech", "entertainment", "lifestyle", "travel", "local",
    "football", "markets", "education", "environment", "arts", "life", "style", "video", "live", "latest",
    "europe", "africa", "asia", "americas", "australia", "middle east", "england", "scotland", "wales",
    "northern ireland", "ireland", "india", "obituaries", "letters", "comment", "features",
})
"""Section links a site's menu puts above the headline (casefolded)."""


def is_navigation_line(line: str) -> bool:
    """A navigation / topic-tag shaped line (``_NAV_LINE``); boilerplate only above the headline, in a run of
    two or more, or after a "Related Topics" line (a lone sub-heading has the same shape)."""
    return len(line) <= 40 and _NAV_LINE.match(line.strip()) is not None


def _scan(text: str) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """(boilerplate ranges, the headline's range or None). Above the headline a navigation-shaped line is
    boilerplate when it is a section word, follows boilerplate, or is in a run of them ("My Title" alone
    is a headline); below it, a run of them or any after "Related Topics"."""
    lines = [(a, b) for a, b in line_ranges(text) if text[a:b].strip()]
    nav = [b - a <= MAX_LINE and is_navigation_line(text[a:b]) for a, b in lines]
    ranges: list[tuple[int, int]] = []
    headline: tuple[int, int] | None = None
    head_text: str | None = None
    after_tags = False
    for k, (a, b) in enumerate(lines):
        if b - a > MAX_LINE:
            if head_text is None:
                head_text = ""  # a long first line: no headline to repeat
            after_tags = False
            continue
        line = text[a:b].strip()
        if is_boilerplate_line(line):
            ranges.append((a, b))
            after_tags = bool(_TAG_HEADERS.match(line))
            continue
        top = head_text is None and (line.casefold() in SECTION_WORDS or (k > 0 and ranges and ranges[-1] == lines[k - 1]))
        if nav[k] and (top or after_tags or (k + 1 < len(lines) and nav[k + 1])
                       or (k > 0 and nav[k - 1] and bool(ranges) and ranges[-1] == lines[k - 1])):
            ranges.append((a, b))  # section navigation above the headline, a run of links or topic tags
            continue
        after_tags = False
        if head_text is None:
            head_text, headline = line, (a, b)
            continue
        if _same_headline(line, head_text):
            ranges.append((a, b))  # a repeated headline; the first copy stays (the title, and it may hold a quote)
    ranges.sort()
    return ranges, headline


def boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """[start, end) code-point ranges of boilerplate lines: the patterns above, section navigation above the
    headline, link/tag runs below it, and the second and later copies of a repeated headline. Sorted, disjoint."""
    return _scan(text)[0]


def _same_headline(line: str, headline: str) -> bool:
    if not headline:
        return False
    norm = " ".join(line.split()).casefold()
    head = " ".join(headline.split()).casefold()
    return norm == head or (len(head) >= 20 and norm.startswith(head) and len(norm) <= len(head) + 40
                            and not norm[len(head):].strip().endswith((".", "?", "!", '"', "”")))


def headline_range(text: str) -> tuple[int, int] | None:
    """[start, end) of the headline line (see :func:`headline_of`), None when no short line qualifies."""
    return _scan(text)[1]


def headline_of(text: str) -> str:
    """The title of an article: its headline (the first line that is not boilerplate or navigation; the first
    copy when it is repeated), ``""`` if none."""
    headline = _scan(text)[1]
    if headline is not None:
        return text[headline[0]:headline[1]].strip()
    for a, b in line_ranges(text):
        if b - a > MAX_LINE and text[a:b].strip():
            return text[a:a + MAX_LINE].strip()
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
