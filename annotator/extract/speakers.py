"""Speaker resolution: pronouns, titles, surnames and organisations to a name.

Works on a parsed spaCy ``Doc`` (duck-typed; spaCy itself is not imported here).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSON_PRONOUNS = {"he", "she", "him", "her"}
PLURAL_PRONOUNS = {"they", "them", "it"}
FIRST_PERSON = {"i", "we", "me", "us"}
RELATIVE = {"who", "which", "that"}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "mr.", "mrs.", "ms.", "dr."}
_TITLE_STOP = {"of", "the", "a", "an", "and", "for", "'s", ",", "-", "to", "in", "on"}
_MALE = {"he", "him", "his"}
_FEMALE = {"she", "her", "hers"}


def _norm(word: str) -> str:
    return word.lower().replace(".", "").strip()


@dataclass(slots=True)
class Person:
    name: str
    """Full name as written (e.g. 'John Kerry')."""
    start: int
    """Character offset of the mention that introduced the name."""
    title: set[str] = field(default_factory=set)
    gender: str | None = None


@dataclass(slots=True)
class _Mention:
    pos: int
    name: str
    subject: bool


class SpeakerResolver:
    """Resolves a speaker span to a name using the people the article introduced.

    ``outside_quote(offset)`` tells whether an offset lies outside every quotation (mentions inside a
    quote do not introduce referents for pronouns).
    """

    def __init__(self, doc: Any, outside_quote: Callable[[int], bool] | None = None):
        self.doc = doc
        self.text = doc.text
        self.people: list[Person] = []
        self._by_last: dict[str, list[Person]] = {}
        self._by_first: dict[str, list[Person]] = {}
        self.mentions: list[_Mention] = []
        self._positions: list[int] = []
        outside = outside_quote or (lambda _o: True)
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            tokens = self._clean_name_tokens(ent)
            if not tokens:
                continue
            name = " ".join(t.text for t in tokens)
            start = tokens[0].idx
            person = self._person_for(tokens, start)
            if person is None and len(tokens) >= 2:
                person = Person(name=name, start=start)
                self.people.append(person)
                self._by_last.setdefault(tokens[-1].text, []).append(person)
                self._by_first.setdefault(tokens[0].text, []).append(person)
            if person is not None:
                person.title |= self._title_words(ent, tokens)
                full = person.name
            else:
                full = name
            if outside(start):
                subject = any(t.dep_ in ("nsubj", "nsubjpass") for t in tokens) or (
                    ent.root.dep_ in ("nsubj", "nsubjpass")
                )
                self.mentions.append(_Mention(start, full, subject))
        self.mentions.sort(key=lambda m: m.pos)
        self._positions = [m.pos for m in self.mentions]
        self.quote_speakers: list[tuple[int, str, bool]] = []  # (pos, name, is_person)

    # ----------------------------------------------------------------- building the index
    @staticmethod
    def _clean_name_tokens(ent: Any) -> list[Any]:
        tokens = [t for t in ent if not t.is_space]
        # a name never crosses a line break
        for k, t in enumerate(ent):
            if "\n" in t.text:
                tokens = [x for x in ent[k + 1 :] if not x.is_space]
        while tokens and (tokens[-1].text in ("'s", "’s", "'", "’") or tokens[-1].is_punct):
            tokens = tokens[:-1]
        while tokens and (_norm(tokens[0].text) in HONORIFICS or tokens[0].is_punct):
            tokens = tokens[1:]
        return tokens

    def _person_for(self, tokens: list[Any], pos: int) -> Person | None:
        """An already introduced person this mention refers to (same full name, or a part of it)."""
        name = " ".join(t.text for t in tokens)
        for person in reversed(self.people):
            if person.name == name:
                return person
        if len(tokens) == 1:
            return self.lookup_name(tokens[0].text, pos)
        return None

    def _title_words(self, ent: Any, tokens: list[Any]) -> set[str]:
        words: set[str] = set()
        root = ent.root
        doc = self.doc
        first = tokens[0].i
        # words to the left in the same noun phrase: "U.S. Secretary of State John Kerry"
        left = root.left_edge.i
        pre = [t for t in doc[left:first]]
        for k, t in enumerate(pre):
            if "\n" in t.text:
                pre = pre[k + 1 :]
        # appositions: "John Kerry, the US Secretary of State," / "The Secretary, John Kerry,"
        for child in root.children:
            if child.dep_ == "appos" and child.i > root.i:
                pre.extend(t for t in child.subtree)
        if root.dep_ == "appos" and root.head.i < root.i:
            head = root.head
            pre.extend(t for t in doc[head.left_edge.i : head.i + 1])
        for t in pre:
            if t.is_punct or t.is_space or t.pos_ in ("VERB", "AUX", "ADP", "DET", "PRON"):
                continue
            if t.ent_type_ == "PERSON":
                continue
            w = _norm(t.text)
            if w and w not in _TITLE_STOP:
                words.add(w)
        return words

    # ----------------------------------------------------------------- look-ups
    def lookup_name(self, word: str, pos: int) -> Person | None:
        """A person whose last (or first) name is ``word``: the latest introduced before pos, else the first."""
        for table in (self._by_last, self._by_first):
            candidates = table.get(word)
            if candidates:
                before = [p for p in candidates if p.start <= pos]
                return before[-1] if before else candidates[0]
        return None

    def full_name(self, name: str, pos: int) -> str:
        parts = name.split()
        if len(parts) == 1:
            person = self.lookup_name(parts[0], pos)
            if person is not None:
                return person.name
        elif parts:
            for person in self.people:
                if person.name == name:
                    return name
            person = self.lookup_name(parts[-1], pos)
            if person is not None and person.name.endswith(name):
                return person.name
        return name

    def by_title(self, words: set[str], head: str, pos: int) -> Person | None:
        """The person introduced with a title containing ``head`` (most shared words, then the latest before)."""
        scored = []
        for person in self.people:
            if head not in person.title:
                continue
            before = person.start <= pos
            key = (len(words & person.title), before, person.start if before else -person.start)
            scored.append((key, person))
        return max(scored, key=lambda item: item[0])[1] if scored else None

    def note_quote_speaker(self, pos: int, name: str | None, is_person: bool, pronoun: str = "") -> None:
        if name:
            self.quote_speakers.append((pos, name, is_person))
            if is_person and pronoun:
                gender = "m" if pronoun in _MALE else "f" if pronoun in _FEMALE else None
                if gender:
                    for person in self.people:
                        if person.name == name:
                            person.gender = gender

    def _gender_of(self, name: str) -> str | None:
        for person in self.people:
            if person.name == name:
                return person.gender
        return None

    def resolve_pronoun(self, pronoun: str, pos: int) -> str | None:
        pronoun = pronoun.lower()
        if pronoun in PLURAL_PRONOUNS:
            for qpos, name, is_person in reversed(self.quote_speakers):
                if qpos < pos and not is_person:
                    return name
            return None
        want = "m" if pronoun in _MALE else "f" if pronoun in _FEMALE else None
        candidates: list[tuple[int, str]] = []
        for qpos, name, is_person in self.quote_speakers:
            if qpos < pos and is_person:
                candidates.append((qpos, name))
        k = bisect.bisect_left(self._positions, pos)
        subjects = [(m.pos, m.name) for m in self.mentions[:k] if m.subject]
        candidates.extend(subjects)
        candidates.sort()
        for _cpos, name in reversed(candidates):
            gender = self._gender_of(name)
            if want and gender and gender != want:
                continue
            return name
        for m in reversed(self.mentions[:k]):
            gender = self._gender_of(m.name)
            if want and gender and gender != want:
                continue
            return m.name
        return None

    def resolve(self, tokens: list[Any]) -> tuple[str | None, bool]:
        """Resolve the speaker tokens (as written) to (name, is_person)."""
        tokens = [t for t in tokens if not t.is_space]
        if not tokens:
            return None, False
        pos = tokens[0].idx
        doc = self.doc
        # a PERSON entity inside the span
        people = [t for t in tokens if t.ent_type_ == "PERSON"]
        if people:
            # the last contiguous PERSON run
            last = people[-1]
            run = [last]
            k = last.i - 1
            while k >= tokens[0].i and doc[k].ent_type_ == "PERSON" and doc[k].ent_iob_ != "O":
                run.insert(0, doc[k])
                if doc[k + 1].ent_iob_ == "B":
                    run = run[1:]
                    break
                k -= 1
            run = [t for t in run if t.text not in ("'s", "’s") and _norm(t.text) not in HONORIFICS]
            if run:
                return self.full_name(" ".join(t.text for t in run), pos), True
        heads = [t for t in tokens if t.head.i < tokens[0].i or t.head.i > tokens[-1].i or t.head == t]
        head = heads[0] if heads else tokens[-1]
        lower = head.text.lower()
        if len(tokens) == 1 and lower in PERSON_PRONOUNS | PLURAL_PRONOUNS:
            name = self.resolve_pronoun(lower, pos)
            return name, name is not None and lower not in PLURAL_PRONOUNS
        if lower in FIRST_PERSON:
            return None, False
        # a bare surname the NER missed ("Kerry" tagged ORG)
        if head.pos_ == "PROPN":
            person = self.lookup_name(head.text, pos)
            if person is not None:
                return person.name, True
        # a title: "The Secretary of State", "the US Secretary"
        words = {_norm(t.text) for t in tokens if not t.is_punct} - _TITLE_STOP - DETERMINERS
        person = self.by_title(words, _norm(head.text), pos)
        if person is not None:
            return person.name, True
        # an organisation or a description: as written, without a leading determiner / possessive
        clean = [t for t in tokens if not t.is_punct or t.text in ("&", ".", "-")]
        while clean and clean[0].lower_ in DETERMINERS:
            clean = clean[1:]
        while clean and clean[-1].text in ("'s", "’s"):
            clean = clean[:-1]
        if not clean:
            return None, False
        start, end = clean[0].idx, clean[-1].idx + len(clean[-1].text)
        return self.text[start:end], False
