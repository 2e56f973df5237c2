"""The resolved person for a speaker marked by hand, as the pre-extraction resolves it (extract/speakers.py does the
full job on a parsed document; this is the part a hand-marked span needs, without spaCy):

- a surname or a shorter form ("Kerry", "Mr Kerry", "Secretary Kerry") -> the fullest PERSON entity of the
  document whose words contain it ("John Kerry"), the nearest one before the speaker first;
- a pronoun ("he", "she") -> the nearest PERSON entity before the speaker;
- anything else -> the marked text itself, titles and honorifics removed.

Offsets are code points. Pure functions: the window calls this on "Set speaker" (key S).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from annotator.core.model import Entity, Quote

PRONOUNS = {"he", "she", "him", "her", "they", "them", "i", "we"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "madam"}
TITLES = {
    "president", "vice", "prime", "minister", "secretary", "senator", "sen", "governor", "gov", "mayor",
    "chancellor", "ambassador", "judge", "justice", "attorney", "general", "sheriff", "detective", "inspector",
    "sergeant", "officer", "chief", "commissioner", "professor", "doctor", "captain", "director", "chairman",
    "chairwoman", "spokesman", "spokeswoman", "spokesperson", "king", "queen", "prince", "princess", "pope",
    "coach", "leader", "premier", "deputy", "state", "foreign", "us", "u.s.",
    "organiser", "organizer", "founder", "activist", "campaigner", "author", "analyst", "economist", "lawyer",
    "councillor", "councilor", "manager", "ceo", "executive", "chair", "head", "resident", "witness",
}
PERSON_LABELS = {"PERSON", "PER"}
_WORD = re.compile(r"[\w.'’-]+")


def _words(text: str) -> list[str]:
    return [w.strip(".'’").lower() for w in _WORD.findall(text) if w.strip(".'’")]


def _name_words(text: str) -> list[str]:
    words = [w for w in _words(text) if w not in ("s",)]
    while words and (words[0] in HONORIFICS or words[0] in TITLES or words[0] == "the"):
        words.pop(0)
    return words


def _clean(text: str) -> str:
    """The marked text without leading titles/honorifics, trailing possessive and surrounding punctuation."""
    text = " ".join(text.split()).strip(" ,.:;\"“”'‘’")
    text = re.sub(r"['’]s$", "", text)
    parts = text.split(" ")
    while len(parts) > 1 and parts[0].strip(".").lower() in HONORIFICS | TITLES | {"the"}:
        parts.pop(0)
    return " ".join(parts)


def resolve_speaker(text: str, start: int, end: int, entities: Iterable[Entity] = (),
                    quotes: Iterable[Quote] = (), *, editing: int | None = None) -> str:
    """The person a speaker span [start, end) names (see the module docstring). `entities`: the set's entities
    (PERSON ones are used); `quotes`: the set's quotes, whose resolved speaker names count as known people too —
    except the quote being edited (`editing`, its id: its old name is what is being replaced) and a quote whose
    speaker span holds a PERSON entity (the entity, as the annotator corrected it, is the name; the stored name
    may be the model's stale one, "Organiser João Pereira" after the entity was cut to "João Pereira", attack 15
    #6)."""
    marked = text[start:end]
    words = _name_words(marked)
    persons = [e for e in entities if e.label.upper() in PERSON_LABELS]
    people = [(e.start, text[e.start:e.end]) for e in persons]
    people += [(q.speaker.start if q.speaker else q.start, q.speaker_name) for q in quotes
               if q.speaker_name and (editing is None or q.id != editing)
               and not (q.speaker and any(e.start < q.speaker.end and q.speaker.start < e.end for e in persons))]
    if not words:
        return _clean(marked)
    if len(words) == 1 and words[0] in PRONOUNS:
        before = [(s, name) for s, name in people if s < start]
        return _clean(max(before)[1]) if before else _clean(marked)
    fuller = [(s, name) for s, name in people if set(words) <= set(_name_words(name))
              and len(_name_words(name)) > len(words)]
    if not fuller:
        return _clean(marked)
    before = [(s, name) for s, name in fuller if s < start]
    pick = max(before) if before else min(fuller)
    longest = max((name for _, name in fuller if set(_name_words(pick[1])) <= set(_name_words(name))),
                  key=lambda n: len(_name_words(n)))
    return _clean(longest)
