"""Label and tag names: what they may hold, and how a long one is shown (issue 17).

A name (label, tag, annotator) is one line of visible text. Refused wherever a name comes in (import with
file:line, the tag-set editor, a typed label, `--annotator`/`--as`/`--gold`):
- control characters (newline, tab, NUL, ESC…), line and paragraph separators and lone surrogates: a pill or a
  list row cannot draw them, a terminal obeys them, and a file written with them breaks other tools' readers;
- format characters (Unicode category Cf: zero-width space, BOM, soft hyphen, bidi controls such as U+202E,
  which shows "PER\u202eSON" as "PERNOS"), and spaces other than U+0020 (no-break space…): they make two names
  that look the same, or one that reads backwards;
- a space or invisible character at either end, and a name with no visible character at all.
Names are refused, never silently stripped, so what is stored is what the file said.
Long names are kept whole but shown elided (`elide`), with the full name in the tooltip.
"""

from __future__ import annotations

import unicodedata

from annotator.core.errors import UserError
from annotator.core.spans import has_visible_character, is_invisible

REFUSED_CATEGORIES = {"Cc": "a control character", "Zl": "a line separator", "Zp": "a paragraph separator",
                      "Cs": "a lone surrogate", "Cf": "an invisible format character"}
SHOWN_CHARACTERS = 32
"""Names longer than this are elided in lists and panels (pills elide by width in pixels)."""


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a label, tag or annotator name, or None when it can: empty or with no visible
    character, holding a character of REFUSED_CATEGORIES or a space other than U+0020 (named with its code point),
    or starting or ending with a space or an invisible character."""
    if not name.strip():
        return "is empty"
    for position, char in enumerate(name):
        category = unicodedata.category(char)
        kind = REFUSED_CATEGORIES.get(category) or ("a special space" if category == "Zs" and char != " " else None)
        if kind:
            return f"contains {kind} (U+{ord(char):04X} at character {position + 1})"
    if not has_visible_character(name, 0, len(name)):
        return "has no visible character"
    for char, edge in ((name[0], "starts"), (name[-1], "ends")):
        if is_invisible(char):
            return f"{edge} with a space or an invisible character (U+{ord(char):04X})"
    return None


TAG_SCHEME_LABELS = frozenset({"O", "-"})
TAG_SCHEME_PREFIXES = ("B-", "I-", "L-", "U-", "E-", "S-", "O-")
"""Entity labels that collide with the token tag schemes NER training and CoNLL/IOB files use (spaCy's BILUO,
IOB, BIOES): "O" is "outside", "-" is spaCy's "missing", and a "B-X" label turns into "B-B-X" in a tag
column, which readers split at the first dash. spaCy trained such labels wrongly ("-" is never learned)."""


def scheme_problem(label: str) -> str | None:
    """Why an ENTITY label collides with BILUO / IOB tags ("O", "-", a "B-"/"I-"/"L-"/"U-"/"E-"/"S-"/"O-"
    prefix), or None. Tags (document and span tags) are not NER labels and may be anything name_problem allows."""
    if label in TAG_SCHEME_LABELS:
        return f"is a token tag of NER training ({label!r} means {'outside' if label == 'O' else 'missing'})"
    if label.startswith(TAG_SCHEME_PREFIXES):
        return f"starts with {label[:2]!r}, a BILUO/IOB tag prefix (it would read as {label[2:] or '?'!r})"
    return None


def label_problem(label: str) -> str | None:
    """Why `label` cannot be an entity label: name_problem, then scheme_problem; None when it can."""
    return name_problem(label) or scheme_problem(label)


def check_name(name: str, what: str) -> str:
    """`name` as given, or UserError (a ValueError): '<what> "<name…>" contains a control character (U+000A at
    character 4)'."""
    problem = name_problem(name)
    if problem:
        raise UserError(f'{what} "{shown(name)}" {problem}')
    return name


def elide(name: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`name` cut to `limit` characters with "…" when longer (for list rows and panel titles)."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def shown(name: str, limit: int = 40) -> str:
    """A name safe to put in a one-line message: elided, control characters written as escapes."""
    text = elide(name, limit)
    return "".join(c if unicodedata.category(c) not in REFUSED_CATEGORIES and (c == " " or not is_invisible(c))
                   else f"\\u{ord(c):04x}" for c in text)



RESERVED_ANNOTATORS = ("model", "gold")
"""Annotator names nobody annotates as: `model` holds the pre-extraction, `gold` review's adjudicated set."""


def reserved_annotator_problem(name: str) -> str | None:
    """Why `name` cannot be the window's annotator (`model`, `gold`, also with surrounding whitespace), or None.
    The same names import refuses as --annotator (io/importer.py)."""
    if name.strip() in RESERVED_ANNOTATORS:
        return (f"the annotator name {name.strip()!r} is reserved (model: the pre-extraction; gold: review's "
                "adjudicated set, written only in review mode); choose your own name")
    return None


ANNOTATOR_NAME_LIMIT = 64
"""The longest annotator name a person may type (in characters): a name is shown in the status bar, in lists and in
"Annotated by"; a pasted paragraph is a mistake, not a name."""


def annotator_name_problem(name: str) -> str | None:
    """Why a typed annotator name cannot be used, as one sentence, or None: the visible-name rule of
    `name_problem` (no newline, tab, zero-width or bidi control, no space at either end, something visible), at most
    ANNOTATOR_NAME_LIMIT characters, and not a reserved name (`model`, `gold`). Used wherever a person types their
    name: the first-start and Change-annotator dialogs, `annotator gui --annotator`, a remembered name."""
    problem = name_problem(name)
    if problem:
        return f'the annotator name "{shown(name)}" {problem}'
    if len(name) > ANNOTATOR_NAME_LIMIT:
        return (f'the annotator name "{shown(name)}" is {len(name)} characters long; '
                f"use at most {ANNOTATOR_NAME_LIMIT}")
    return reserved_annotator_problem(name)
