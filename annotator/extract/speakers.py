"""Speaker resolution: pronouns, titles, surnames and organisations to a name.

Works on a parsed spaCy ``Doc`` (duck-typed; spaCy itself is not imported here).
"""

from __future__ import annotations

import bisect
import re
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
_MALE = {"he", "him", "his", "himself"}
_FEMALE = {"she", "her", "hers", "herself"}
_MALE_HONORIFICS = {"mr", "sir", "lord"}
_FEMALE_HONORIFICS = {"mrs", "ms", "miss", "dame", "lady", "madam"}
TITLE_WORDS = {
    # offices and jobs written before a name ("Superintendent Robert Kim", "Cllr Susan Blake"); stripped from
    # names, and "the <title>" refers back to the person introduced with it
    "president", "vice", "prime", "minister", "secretary", "senator", "sen", "sen.", "representative", "rep",
    "rep.", "congressman", "congresswoman", "governor", "gov", "gov.", "mayor", "councillor", "councilor", "cllr",
    "councilman", "councilwoman", "chancellor", "ambassador", "judge", "justice", "magistrate", "attorney",
    "prosecutor", "sheriff", "detective", "inspector", "sergeant", "sgt", "constable", "officer", "chief",
    "commissioner", "superintendent", "principal", "professor", "prof", "dr", "dr.", "doctor", "general", "gen",
    "colonel", "col", "major", "captain", "capt", "lieutenant", "lt", "admiral", "commander", "director",
    "chairman", "chairwoman", "chair", "chairperson", "executive", "ceo", "cfo", "coo", "founder", "manager",
    "coach", "striker", "goalkeeper", "defender", "midfielder", "forward", "spokesman", "spokeswoman",
    "spokesperson", "analyst", "economist", "king", "queen", "prince", "princess", "pope", "bishop",
    "archbishop", "rabbi", "imam", "reverend", "rev", "father", "pastor", "speaker", "leader", "premier",
    "deputy", "assistant", "associate", "senior", "junior", "head", "editor", "author", "reporter",
    # roles written before a name in local and sports news ("Neighbour Gary Sutcliffe", "Winger Sam Whitfield")
    "neighbour", "neighbor", "resident", "winger", "fisherman", "shopkeeper", "farmer", "teacher", "nurse",
    "driver", "student", "pensioner", "homeowner", "engineer", "pharmacist", "lawyer", "witness", "volunteer",
    "veteran", "activist", "campaigner", "researcher", "scientist", "meteorologist", "biologist", "ecologist",
}
ROLE_EQUIVALENTS = {
    # "the prosecutor" is the person introduced as "(Assistant) District Attorney …" or "Crown Prosecutor …"
    "prosecutor": ({"district", "attorney"}, {"prosecuting"}, {"crown"}, {"state", "attorney"}),
}
ORG_NOUNS = {
    # "the company said": a definite description of the organisation the article is about
    "company", "firm", "airline", "carrier", "bank", "group", "carmaker", "automaker", "maker", "retailer",
    "insurer", "lender", "chain", "business", "startup", "corporation", "conglomerate", "manufacturer",
    "agency", "organization", "organisation", "charity", "club", "team", "union", "university", "hospital",
    "ministry", "department", "council", "network", "broadcaster", "publisher", "studio", "operator",
    "developer", "utility", "supplier", "producer", "platform", "exchange", "fund", "regulator", "watchdog",
    "party", "campaign", "foundation", "institute", "school", "district", "board", "league", "federation",
}
_LEGAL_SUFFIX = re.compile(r",?\s+(?:Inc|Ltd|LLC|plc|PLC|Corp|Co|GmbH|AG|SA|NV|LLP)\.?$")
_QUOTE_CHARS = {'"', "'", "“", "”", "‘", "’", "«", "»"}
_NAME_LIKE_LABELS = {"GPE", "ORG", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"}


def _drop_nickname(tokens: list[Any]) -> list[Any]:
    """Name tokens without a quoted nickname in the middle: Marcus "Tank" Mbeki -> Marcus Mbeki."""
    marks = [k for k, t in enumerate(tokens) if t.text in _QUOTE_CHARS]
    if len(marks) == 2 and marks[0] > 0 and marks[1] < len(tokens) - 1 and marks[1] - marks[0] <= 4:
        return tokens[: marks[0]] + tokens[marks[1] + 1 :]
    return tokens


def join_tokens(tokens: list[Any]) -> str:
    """Tokens as one name: a space where the text had whitespace (any kind, as one plain space) or where
    tokens were left out, none inside a hyphenated name (``Jean-Luc``, ``Osei-Bonsu``)."""
    out: list[str] = []
    for k, t in enumerate(tokens):
        if k and (tokens[k - 1].whitespace_ or tokens[k - 1].i + 1 != t.i):
            out.append(" ")
        out.append(" ".join(t.text.split()) or t.text)
    return "".join(out)


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
        self._outside = outside
        self._name_tokens: set[int] = set()
        self._not_name: set[int] = set()
        """Tokens of a PERSON entity left out of its name (another line: "Fiona Hart\n\nCouncillors")."""
        single_subjects = self._single_subject_words()
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                tokens = self._with_first_name(self._clean_name_tokens(ent))
            elif ent.label_ in _NAME_LIKE_LABELS:
                # a person the NER called a place or a company: "Amara Okafor" (GPE) ... "Okafor said"
                tokens = self._with_first_name(self._clean_name_tokens(ent))
                if not (
                    2 <= len(tokens) <= 3
                    and all(t.pos_ == "PROPN" and t.text.istitle() for t in tokens)
                    and (tokens[-1].text in single_subjects or self._person_context(tokens[-1]))
                ):
                    continue
            else:
                continue
            if not tokens or (len(tokens) == 1 and tokens[0].tag_ == "NNS"):
                continue  # "• Schools will stay closed": a plural common noun is nobody
            if ent.label_ == "PERSON":
                a = tokens[0].idx
                self._not_name.update(t.i for t in ent if "\n" in self.text[min(a, t.idx) : max(a, t.idx)])
            self._name_tokens.update(t.i for t in ent)
            name = join_tokens(tokens)
            start = tokens[0].idx
            person = self._person_for(tokens, start)
            if person is None and len(tokens) == 1 and ent.label_ == "PERSON":
                # "Mrs Pickering" when the NER missed the first mention "Doreen Pickering, 78, ..."
                chain = self._earlier_chain(tokens[0])
                if len(chain) >= 2:
                    tokens = chain
                    name = join_tokens(tokens)
                    person = self._person_for(tokens, start)
            if person is None and len(tokens) >= 2:
                person = Person(name=name, start=start)
                self.people.append(person)
                self._by_last.setdefault(tokens[-1].text, []).append(person)
                self._by_first.setdefault(tokens[0].text, []).append(person)
            if person is not None:
                person.title |= self._title_words(ent, tokens)
                person.title |= {_norm(t.text) for t in ent if t.i < tokens[0].i and _norm(t.text) in TITLE_WORDS}
                full = person.name
            else:
                full = name
            if outside(start):
                subject = any(t.dep_ in ("nsubj", "nsubjpass") for t in tokens) or (
                    ent.root.dep_ in ("nsubj", "nsubjpass")
                ) or self._line_subject(tokens)
                self.mentions.append(_Mention(start, full, subject))
        self._add_token_mentions()
        self.mentions.sort(key=lambda m: m.pos)
        self._positions = [m.pos for m in self.mentions]
        self._infer_genders()
        self.orgs = self._organisations()
        self.quote_speakers: list[tuple[int, str, bool]] = []  # (pos, name, is_person)
        self._desc_gender: dict[str, str] = {}
        """Gender of nameless person-like speakers ("a former engineer, who … she …")."""

    # ----------------------------------------------------------------- building the index
    @staticmethod
    def _clean_name_tokens(ent: Any) -> list[Any]:
        # a name never crosses a line break: keep the longest line of the entity
        segments: list[list[Any]] = [[]]
        for t in ent:
            if "\n" in t.text:
                segments.append([])
            elif not t.is_space:
                segments[-1].append(t)
        tokens = _drop_nickname(max(segments, key=len))
        marks = [k for k, t in enumerate(tokens) if t.text in _QUOTE_CHARS]
        if len(marks) == 1:
            tokens = tokens[marks[0] + 1 :]  # the entity began inside a nickname: "Lulu" Almeida
        tokens = [t for t in tokens if any(ch.isalnum() for ch in t.text)]  # "• Schools": a bullet is no name
        while tokens and (tokens[-1].text in ("'s", "’s", "'", "’") or tokens[-1].is_punct):
            tokens = tokens[:-1]
        while tokens and (_norm(tokens[0].text) in HONORIFICS or tokens[0].is_punct):
            tokens = tokens[1:]
        while len(tokens) > 2 and _norm(tokens[0].text) in TITLE_WORDS:
            tokens = tokens[1:]  # "Superintendent Robert Kim"
        return tokens

    def _person_for(self, tokens: list[Any], pos: int) -> Person | None:
        """An already introduced person this mention refers to (same full name, or a part of it)."""
        name = join_tokens(tokens)
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

    def _single_subject_words(self) -> set[str]:
        """Proper nouns standing alone as a subject somewhere ("Okafor said"): surnames in use."""
        doc = self.doc
        out = set()
        for t in doc:
            if t.pos_ == "PROPN" and t.dep_ in ("nsubj", "nsubjpass") and t.text.istitle():
                prev_ok = t.i == 0 or doc[t.i - 1].pos_ != "PROPN"
                if prev_ok and not any(c.dep_ == "compound" for c in t.children):
                    out.add(t.text)
        return out

    def _add_token_mentions(self) -> None:
        """Mentions the NER missed: a bare known surname ("Hollis dismissed …") and "the <title>" for the
        person introduced with that title ("The judge was unmoved")."""
        doc = self.doc
        for t in doc:
            if t.i in self._name_tokens or not self._outside(t.idx):
                continue
            subject = t.dep_ in ("nsubj", "nsubjpass")
            if t.pos_ == "PROPN" and t.text.istitle() and (t.text in self._by_last or t.text in self._by_first):
                if (t.i > 0 and doc[t.i - 1].pos_ == "PROPN" and doc[t.i - 1].i not in self._name_tokens
                        and _norm(doc[t.i - 1].text) not in TITLE_WORDS | HONORIFICS):
                    continue
                if t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN":
                    continue
                person = self.lookup_name(t.text, t.idx)
                if person is not None:
                    self.mentions.append(_Mention(t.idx, person.name, subject))
            elif t.pos_ == "NOUN" and t.lower_ in TITLE_WORDS and any(
                c.dep_ == "det" and c.lower_ == "the" for c in t.children
            ):
                person = self.by_title({t.lower_}, t.lower_, t.idx)
                if person is not None:
                    self.mentions.append(_Mention(t.idx, person.name, subject))

    def _infer_genders(self) -> None:
        """Gender of people from honorifics (Mr, Ms) and from he/she/his/her outside quotes when the
        current and previous sentence mention only one person before the pronoun."""
        votes: dict[str, list[str]] = {}
        doc = self.doc
        for m in self.mentions:
            k = self._token_index(m.pos)
            if k > 0 and _norm(doc[k - 1].text) in _MALE_HONORIFICS | _FEMALE_HONORIFICS:
                g = "m" if _norm(doc[k - 1].text) in _MALE_HONORIFICS else "f"
                votes.setdefault(m.name, []).extend([g, g])
        # "Hale said he regretted it": the subject pronoun of a reported clause is the reporter
        for t in doc:
            if t.lower_ in ("he", "she") and t.dep_ in ("nsubj", "nsubjpass") and self._outside(t.idx):
                clause = t.head
                if clause.dep_ != "ccomp":
                    continue
                verb = clause.head
                while verb.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
                    verb = verb.head  # "Hale pleaded guilty and said he …"
                subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
                if not subj or subj[0].lower_ in ("he", "she", "i", "we", "they", "it"):
                    continue
                k = bisect.bisect_left(self._positions, subj[0].left_edge.idx)
                names = {m.name for m in self.mentions[k:] if m.pos <= subj[0].idx}
                if len(names) == 1:
                    votes.setdefault(names.pop(), []).extend(["m" if t.lower_ == "he" else "f"] * 2)
        sents = list(doc.sents)
        starts = [s.start_char for s in sents]
        for t in doc:
            low = t.lower_
            if low not in _MALE | _FEMALE or not self._outside(t.idx):
                continue
            if t.i > 0 and (doc[t.i - 1].text in _QUOTE_CHARS or (
                    doc[t.i - 1].text == "," and t.i > 1 and doc[t.i - 2].text in _QUOTE_CHARS)):
                continue  # '"…," she said': the pronoun being resolved, no evidence
            si = bisect.bisect_right(starts, t.idx) - 1
            window_start = starts[max(0, si - 1)] if si >= 0 else 0
            lo = bisect.bisect_left(self._positions, window_start)
            hi = bisect.bisect_left(self._positions, t.idx)
            names = {m.name for m in self.mentions[lo:hi]}
            if len(names) == 1:
                votes.setdefault(names.pop(), []).append("m" if low in _MALE else "f")
        for person in self.people:
            v = votes.get(person.name)
            if v and person.gender is None:
                m, f = v.count("m"), v.count("f")
                if m != f:
                    person.gender = "m" if m > f else "f"

    def _token_index(self, offset: int) -> int:
        starts = getattr(self, "_tok_starts", None)
        if starts is None:
            starts = self._tok_starts = [t.idx for t in self.doc]
        return max(0, bisect.bisect_right(starts, offset) - 1)

    def _organisations(self) -> list[tuple[int, str, str]]:
        """ORG mentions outside quotes as (offset, group key = first word, name as written)."""
        out = []
        for ent in self.doc.ents:
            if ent.label_ != "ORG":
                continue
            tokens = [t for t in ent if not t.is_space and t.text not in ("'s", "’s")]
            while tokens and tokens[0].lower_ in DETERMINERS:
                tokens = tokens[1:]
            if not tokens or any("\n" in t.text for t in ent):
                continue
            name = self.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]
            out.append((tokens[0].idx, tokens[0].text, name))
        return out

    def main_org(self, pos: int) -> str | None:
        """The organisation mentioned most often before pos (ties: the latest); its most frequent spelling of
        two or more words without a legal suffix ("Brightwell Robotics, Inc." x2 and "Brightwell Robotics" beat
        a one-off "Brightwell Customer Summit"), else its longest."""
        spellings: dict[str, dict[str, int]] = {}
        for _opos, key, name in self.orgs:
            name = _LEGAL_SUFFIX.sub("", name)
            counts_of = spellings.setdefault(key, {})
            counts_of[name] = counts_of.get(name, 0) + 1
        names: dict[str, str] = {
            key: max(sp, key=lambda n: (len(n.split()) >= 2, sp[n], len(n))) for key, sp in spellings.items()
        }
        if not names:
            return None
        counts: dict[str, list[int]] = {}
        for key in names:
            hits = [m.start() for m in re.finditer(r"\b" + re.escape(key) + r"\b", self.text)]
            counts[key] = [h for h in hits if h < pos] or []
        if not any(counts.values()):
            return None
        best = max(counts, key=lambda k: (len(counts[k]), counts[k][-1] if counts[k] else -1))
        return names[best]

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
            if person.start > pos:
                continue
            if head not in person.title and not any(
                    alias <= person.title for alias in ROLE_EQUIVALENTS.get(head, ())):
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
        return self._desc_gender.get(name)

    def main_person(self) -> str | None:
        """The person mentioned most often outside quotes (the interviewee of a Q&A)."""
        counts: dict[str, int] = {}
        for m in self.mentions:
            counts[m.name] = counts.get(m.name, 0) + 1
        return max(counts, key=lambda n: (counts[n], -self._first_pos(n))) if counts else None

    def _first_pos(self, name: str) -> int:
        return min((m.pos for m in self.mentions if m.name == name), default=0)

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
        people = [t for t in tokens if t.ent_type_ == "PERSON" and t.i not in self._not_name
                  and not self._under_preposition(t, tokens)]
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
            # "Anne-Marie Duval" where the entity starts at "Marie": take the hyphenated first part along
            while (run[0].i >= tokens[0].i + 2 and doc[run[0].i - 1].text in ("-", "‐") and not doc[run[0].i - 1].whitespace_
                   and not doc[run[0].i - 2].whitespace_ and doc[run[0].i - 2].text[:1].isupper()):
                run = [doc[run[0].i - 2], doc[run[0].i - 1]] + run
            run = [t for t in run if t.text not in ("'s", "’s") and _norm(t.text) not in HONORIFICS]
            while len(run) > 2 and _norm(run[0].text) in TITLE_WORDS:
                run = run[1:]
            if run:
                name = self.full_name(join_tokens(run), pos)
                if len(run) == 1 and name == run[0].text:
                    longer = self._earlier_chain(run[0])
                    if len(longer) >= 2:
                        return join_tokens(longer), True
                return name, True
        heads = [t for t in tokens if t.head.i < tokens[0].i or t.head.i > tokens[-1].i or t.head == t]
        head = heads[0] if heads else tokens[-1]
        lower = head.text.lower()
        if len(tokens) == 1 and lower in PERSON_PRONOUNS | PLURAL_PRONOUNS:
            name = self.resolve_pronoun(lower, pos)
            return name, name is not None and lower not in PLURAL_PRONOUNS
        if lower in FIRST_PERSON:
            return None, False
        # a bare surname the NER missed ("Kerry" tagged ORG, "Price" tagged NOUN)
        if head.pos_ == "PROPN" or (head.text.istitle() and head.i > 0 and not head.is_sent_start):
            person = self.lookup_name(head.text, pos)
            if person is not None:
                return person.name, True
        # a description with the name in apposition: "Pike's lawyer, Daniel Orr," / "its organizer, Carla Nunez"
        for child in head.children:
            if child.dep_ == "appos" and child.i > head.i and child.pos_ == "PROPN":
                run = [t for t in child.subtree if t.pos_ == "PROPN" and t.i <= child.i and t.i > head.i]
                while len(run) > 2 and _norm(run[0].text) in TITLE_WORDS | HONORIFICS:
                    run = run[1:]
                if run and (child.ent_type_ == "PERSON" or self.lookup_name(child.text, pos) is not None):
                    return self.full_name(join_tokens(run), pos), True
        # a title: "The Secretary of State", "the US Secretary"
        words = {_norm(t.text) for t in tokens if not t.is_punct} - _TITLE_STOP - DETERMINERS
        person = self.by_title(words, _norm(head.text), pos)
        if person is not None:
            return person.name, True
        # "the company", "the airline": the organisation the article is about
        content = [t for t in tokens if not t.is_punct]
        if (
            len(content) == 2
            and content[0].lower_ == "the"
            and content[1].pos_ == "NOUN"
            and content[1].lower_ in ORG_NOUNS
        ):
            org = self.main_org(pos)
            if org is not None:
                return org, False
        # a name the NER missed altogether: "Spokeswoman Ella Grant" (ORG), "Ruiz:" after "Carmen Ruiz"
        if (
            (head.pos_ == "PROPN" or len(tokens) == 1)
            and head.text.istitle()
            and _norm(head.text) not in TITLE_WORDS
            and head.ent_type_ not in ("GPE", "NORP", "LOC")  # "Pakistan" is no one's surname
        ):
            chain = self._propn_chain(head) if head.pos_ == "PROPN" else [head]
            if len(chain) == 1:
                chain = self._earlier_chain(head)
            truncated = chain[0].i > 0 and self.doc[chain[0].i - 1].pos_ == "PROPN" and _norm(
                self.doc[chain[0].i - 1].text) not in TITLE_WORDS | HONORIFICS
            if len(chain) >= 2 and not truncated:
                org = chain[-1].ent_type_ in ("ORG", "FAC", "PRODUCT") and _norm(head.text) not in HONORIFICS
                titled = chain[0].i > 0 and _norm(self.doc[chain[0].i - 1].text) in TITLE_WORDS | HONORIFICS
                return join_tokens(chain), titled or not org
        # an organisation or a description: as written, without a leading determiner / possessive
        clean = [t for t in tokens if not t.is_punct or t.text in ("&", ".", "-")]
        while clean and (clean[0].lower_ in DETERMINERS or clean[0].lower_ == "one"):
            clean = clean[1:]
        while clean and clean[-1].text in ("'s", "’s"):
            clean = clean[:-1]
        if not clean:
            return None, False
        start, end = clean[0].idx, clean[-1].idx + len(clean[-1].text)
        name = self.text[start:end]
        gender = self._person_like(head)
        if gender is not None:
            if gender:
                self._desc_gender[name] = gender
            return name, True
        return name, False

    @staticmethod
    def _under_preposition(tok: Any, tokens: list[Any]) -> bool:
        """``one commuter at Waverley station`` / ``a friend of Ann Cole``: a name inside a prepositional phrase
        of a common-noun speaker is a place or another person, not the speaker."""
        first, last = tokens[0].i, tokens[-1].i
        node = tok
        for _ in range(8):
            if node.head is node or not first <= node.head.i <= last:
                return False
            if node.dep_ == "pobj" and node.head.dep_ == "prep" and node.head.head.pos_ == "NOUN":
                return True
            node = node.head
        return False

    def _earlier_chain(self, tok: Any) -> list[Any]:
        """The first two- or three-word name ending with tok's word elsewhere in the text (outside quotes)."""
        for other_i, longer in self._chains_ending_with(tok.text):
            if other_i != tok.i:
                return longer
        return [tok]

    def _chains_ending_with(self, word: str) -> list[tuple[int, list[Any]]]:
        """The first two (token index, name of 2-3 words) ending with `word` outside quotes, in text order: all
        `_earlier_chain` needs (the first one not at the asking token). Built once per word from one index of
        the doc's tokens by text: walking the whole doc per mention was quadratic (attack on issue 11, item 7:
        100k characters of one repeated sentence took 155 s)."""
        cache = self.__dict__.setdefault("_chain_cache", {})
        found = cache.get(word)
        if found is None:
            index = self.__dict__.get("_tokens_by_text")
            if index is None:
                index = {}
                for other in self.doc:
                    index.setdefault(other.text, []).append(other.i)
                self._tokens_by_text = index
            found = []
            for i in index.get(word, ()):
                other = self.doc[i]
                if self._outside(other.idx):
                    longer = self._propn_chain(other)
                    if len(longer) >= 2:
                        found.append((i, longer))
                        if len(found) == 2:
                            break
            cache[word] = found
        return found

    def _propn_chain(self, tok: Any) -> list[Any]:
        """Title-case proper nouns ending at tok on one line, without leading titles: "Carmen Ruiz"."""
        doc = self.doc
        chain = [tok]
        k = tok.i - 1
        while k >= 0 and len(chain) < 3:
            t = doc[k]
            if t.text in _QUOTE_CHARS and len(chain) == 1:
                # a nickname in marks between first and last name: Marcus "Tank" Mbeki
                j = k - 1
                while j >= 0 and j > k - 5 and doc[j].text not in _QUOTE_CHARS:
                    j -= 1
                if (0 < j < k - 1 and doc[j].text in _QUOTE_CHARS and doc[j - 1].pos_ == "PROPN"
                        and doc[j - 1].text.istitle()):
                    k = j - 1
                    t = doc[k]
            if t.text in ("-", "‐") and k > 0 and not t.whitespace_ and not doc[k - 1].whitespace_ \
                    and doc[k - 1].text[:1].isupper():
                chain[0:0] = [doc[k - 1], t]  # "Anne-Marie", "Osei-Bonsu": one name part
                k -= 2
                continue
            if t.pos_ != "PROPN" or not t.text.istitle() or _norm(t.text) in TITLE_WORDS | HONORIFICS:
                break
            if "\n" in self.text[t.idx : chain[0].idx]:
                break
            chain.insert(0, t)
            k -= 1
        return chain

    def _line_subject(self, tokens: list[Any]) -> bool:
        """A name opening a line that the parser hung on the line above (a headline or timestamp line):
        "Fisherman Colin Reade, 62, has been …" under "13:15 — …" is the subject of its own sentence."""
        first = tokens[0]
        k = first.i
        while k > 0 and self.doc[k - 1].pos_ in ("PROPN", "NOUN", "ADJ", "DET") and "\n" not in self.doc[k - 1].text:
            k -= 1
        line_start = k == 0 or "\n" in self.doc[k - 1].text
        root = tokens[-1]
        while root.head.i != root.i and tokens[0].i <= root.head.i <= tokens[-1].i:
            root = root.head
        return line_start and root.head.i < k and root.dep_ not in ("pobj", "poss")

    def _with_first_name(self, tokens: list[Any]) -> list[Any]:
        """A one-word name preceded on its line by a first name the NER left out (Lucas "Lulu" Almeida)."""
        if len(tokens) == 1 and tokens[0].pos_ == "PROPN":
            chain = self._propn_chain(tokens[0])
            if len(chain) >= 2:
                return chain
        return tokens

    def _person_context(self, last: Any) -> bool:
        """A name followed by ", who …" or by an age (", 45,"): a person, whatever the NER label."""
        doc = self.doc
        k = last.i + 1
        if k + 1 >= len(doc) or doc[k].text != ",":
            return False
        nxt = doc[k + 1]
        if nxt.lower_ == "who":
            return True
        return nxt.text.isdigit() and 1 <= int(nxt.text) <= 120 and k + 2 < len(doc) and doc[k + 2].text == ","

    def _person_like(self, head: Any) -> str | None:
        """For a nameless description: "" or "m"/"f" when it denotes a person (a title word, a "who"
        clause, or he/she inside its own phrase: "a former engineer, who asked … because she …"), else None."""
        if head.tag_ in ("NNS", "NNPS") or head.lower_ in ORG_NOUNS:
            return None
        sub = [t for t in head.subtree if t.i != head.i]
        pronouns = [t.lower_ for t in sub if t.lower_ in _MALE | _FEMALE]
        if pronouns:
            return "m" if pronouns[0] in _MALE else "f"
        if head.lower_ in TITLE_WORDS or any(t.lower_ == "who" and t.head.dep_ == "relcl" for t in sub):
            return ""
        return None
