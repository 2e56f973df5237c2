"""Quote extraction on a parsed spaCy ``Doc`` (duck-typed: spaCy is not imported here).

Pipeline (rules after the Gender Gap Tracker and textacy, written from their published descriptions):

1. pair quotation marks by kind (:mod:`.marks`);
2. a marked span in "sentence position" (paragraph start, after ``.?!:;``, after ``X said,``) is a *direct*
   candidate; one in the middle of a clause is a fragment (part of a mixed quote, or a scare quote);
3. a direct candidate is attributed to the nearest cue outside every quote: after it (``"…," he said``,
   ``"…," said Kerry``) or before it (``Kerry said: "…"``); a paragraph left open that the next paragraph
   reopens takes the attribution of its continuation; a candidate without a cue that directly follows an
   attributed quote inherits its speaker (split and floating quotes, up to a few in a row);
4. *indirect* quotes are ``ccomp`` clauses of a cue verb with a subject (inherited through ``advcl`` /
   ``xcomp`` / ``conj`` for ``..., saying …`` and ``… and added that …``), ``called on X to …`` and
   ``according to X``; such a clause holding a quoted fragment is *mixed*;
5. speakers are resolved (:mod:`.speakers`); speakers inside another quote (``I``/``we``) are dropped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import Origin, Quote, QuoteType, TextRange

from annotator.core.boilerplate import LINK_LINE, SECTION_WORDS
from .cues import NOUN_CUES, CueLexicon
from .marks import MarkedSpan, MarkIndex, find_marked_spans, paragraph_bounds
from .speakers import FIRST_PERSON, ORG_NOUNS, RELATIVE, TITLE_WORDS, SpeakerResolver

MAX_FLOATING = 3
"""How many unattributed quotes in a row may inherit the previous quote's speaker."""
MAX_GAP_WORDS = 20
"""A quote inherits the previous speaker across at most this many words of attribution sentence."""
NEAR_AFTER = 8
"""A cue this many tokens after a quote ending in . ? ! still attributes it (``"…." Kerry said.``)."""
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
INHERIT_DEPS = ("advcl", "xcomp", "conj", "pcomp", "acl")
_SENT_END = ".?!…"
TO_INFINITIVE_CUES = frozenset({
    "urge", "pledge", "vow", "promise", "threaten", "warn", "advise", "implore", "beg", "instruct", "tell",
    "order", "demand", "appeal", "caution", "swear", "plead",
})
"""Cue verbs whose to-infinitive complement is the report (``urged residents to …``, ``vowed to …``)."""
NAMING_VERBS = frozenset({"call", "describe", "dub", "brand", "label", "term", "characterize", "characterise"})
"""``called the budget "a shell game"``: the quoted fragment naming the object is the speaker's words."""
NOT_REPORTING_HEADS = frozenset({"decline", "refuse", "fail", "hesitate"})
"""``declined to say why …``: a cue under these verbs reports that nothing was said."""
UNIT_ABBREVIATIONS = frozenset({
    "lbs", "lb", "kg", "kgs", "oz", "ft", "in", "yds", "min", "mins", "sec", "secs", "hr", "hrs", "km", "mi",
    "cm", "mm", "ml", "approx", "yr", "yrs", "sq", "cu", "pt", "pts", "no", "nos", "vs", "est", "ca",
})
"""Lowercase abbreviations whose full stop does not end the sentence when a lowercase word follows."""
_HEADLINE_LABEL = re.compile(r"^([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3})\s*:\s*$")
"""``Mayor Kline:`` opening a headline line whose rest is a quote."""
_NOT_SPEAKER_LABELS = {"q", "a", "question", "answer", "update", "updated", "note", "editor's note", "warning",
                       "breaking", "live", "watch", "exclusive", "opinion", "analysis", "review", "comment"}
_DASH_NAME = re.compile(r"[ \t]*(?:\n[ \t]*)?[-–—―]{1,2}[ \t]*([A-Z][^\n,(;:]{1,60}?)[ \t]*(?=[\n,(;]|$)")
"""A closed quote followed by ``-Councillor Tomas Vik`` (same line or the next)."""
_SOCIAL_POST = re.compile(
    r"^(?P<text>\S.*?)\s*[—–-]{1,2}\s*(?P<name>[^\n()@—–]{2,60}?)\s*\(@\w{1,30}\)\s*"
    r"(?:[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+\.? \d{4}|\d{4}-\d{2}-\d{2})?\s*$")
"""An embedded social post: ``text — Name (@handle) Month d, yyyy``."""
_QUESTION_LABEL = re.compile(r"(?:Q|Question|QUESTION)\s*[:.)]\s+\S")
_ANSWER_LABEL = re.compile(r"(A|Answer|ANSWER|[A-Z][\w’'.-]+(?: [A-Z][\w’'.-]+){0,2})\s*:\s+(?=\S)")


@dataclass(slots=True)
class Cue:
    verb: Any
    """The head token of the cue (the verb, or ``according``)."""
    last: Any
    """The last token of the cue span (``on`` in ``called on``)."""
    kind: str
    """``verb``, ``verb_prep`` (called on), ``according``."""

    @property
    def range(self) -> TextRange:
        return TextRange(self.verb.idx, self.last.idx + len(self.last.text))


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    type: QuoteType
    cue: Cue | None = None
    speaker: list[Any] = field(default_factory=list)
    marked: MarkedSpan | None = None
    inherited: bool = False
    attribution_end: int = 0
    chain: int = 0
    name: str | None = None
    """Resolved speaker given without a speaker span (``A:`` answers of an interview)."""


class QuoteExtractor:
    def __init__(self, cues: CueLexicon):
        self.cues = cues

    # ------------------------------------------------------------------ public
    def __call__(self, doc: Any) -> list[Quote]:
        return _DocRun(doc, self.cues).run()


class _DocRun:
    def __init__(self, doc: Any, cues: CueLexicon):
        self.doc = doc
        self.text: str = doc.text
        self.cues = cues
        self.marks = MarkIndex(find_marked_spans(self.text))
        self.paragraphs = paragraph_bounds(self.text)
        self._para_starts = [p[0] for p in self.paragraphs]
        # token index by character offset
        self._tok_starts = [t.idx for t in doc]
        self.in_quote = [self.marks.inside(t.idx) for t in doc]
        self.cue_at: dict[int, Cue] = {}
        self._positional_speaker: dict[int, list[Any]] = {}
        for tok in doc:
            if not self.in_quote[tok.i]:
                cue = self._match_cue(tok)
                if cue is not None:
                    self.cue_at[tok.i] = cue

    # ------------------------------------------------------------------ helpers
    def _paragraph(self, offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(self._para_starts, offset) - 1
        if k < 0:
            return (0, len(self.text))
        return self.paragraphs[k]

    def _token_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._tok_starts, offset) - 1)

    def _tokens_between(self, start: int, end: int) -> list[Any]:
        a = bisect.bisect_left(self._tok_starts, start)
        b = bisect.bisect_left(self._tok_starts, end)
        return [self.doc[i] for i in range(a, b)]

    def _match_cue(self, tok: Any) -> Cue | None:
        lower = tok.lower_
        lemma = tok.lemma_.lower()
        doc = self.doc
        for first in (lemma, lower):
            for parts in self.cues.multi.get(first, ()):
                n = len(parts)
                if tok.i + n > len(doc):
                    continue
                following = doc[tok.i + 1 : tok.i + n]
                if all(t.lower_ == w or t.lemma_.lower() == w for t, w in zip(following, parts[1:])):
                    last = doc[tok.i + n - 1]
                    if parts[0] == "according" or lemma == "accord":
                        return Cue(tok, last, "according")
                    if last.dep_ == "prep" or last.pos_ == "ADP" and last.dep_ != "prt":
                        return Cue(tok, last, "verb_prep")
                    return Cue(tok, last, "verb")
        if tok.pos_ not in ("VERB", "AUX") and not tok.tag_.startswith("VB"):
            return None
        if lemma in self.cues.words or lower in self.cues.words:
            return Cue(tok, tok, "verb")
        return None

    def _speaker_of(self, verb: Any, *, inverted: bool = False, depth: int = 0) -> list[Any]:
        """The subject of a cue verb, expanded to its noun phrase; inherited through advcl/xcomp/conj."""
        for child in verb.children:
            if (
                child.dep_ in SUBJECT_DEPS
                and child.dep_ != "csubj"
                and not self.in_quote[child.i]
                and self._paragraph(child.idx) == self._paragraph(verb.idx)  # parses run across lines
            ):
                subj = child
                if subj.lower_ in RELATIVE and verb.dep_ == "relcl":
                    subj = verb.head
                return self._phrase(_appositive_name(subj))
        for child in verb.children:
            # "Councillor Dana Whyte, pictured, says …": the parser makes the caption word a clause with the
            # speaker as its subject
            if child.i < verb.i and child.lower_ in _CAPTION_MARKERS and child.dep_ in (
                    "ccomp", "advcl", "parataxis", "acl") and all(
                    c.dep_ in ("nsubj", "nsubjpass", "punct", "advmod") for c in child.children):
                subj = [c for c in child.children if c.dep_ in ("nsubj", "nsubjpass") and not self.in_quote[c.i]]
                if subj and self.doc[child.i - 1].text == "," and subj[0].i < child.i:
                    return self._phrase(_appositive_name(subj[0]))
        if inverted:
            # "…," said Kerry  — parsers sometimes hang Kerry as dobj/attr/npadvmod
            for child in verb.rights:
                if child.dep_ in ("dobj", "attr", "npadvmod", "dep", "appos", "oprd") and (
                    child.pos_ in ("PROPN", "PRON", "NOUN")
                ):
                    if not self.in_quote[child.i]:
                        return self._phrase(child)
        subj = self._subject_on_line_above(verb)
        if subj is None:
            subj = self._subject_cut_off_by_paragraph(verb)
        if subj is not None:
            return self._phrase(subj)
        if verb.dep_ in INHERIT_DEPS and depth < 3 and verb.head is not verb:
            head = verb.head
            if self._paragraph(head.idx) != self._paragraph(verb.idx):
                return []  # a headline or byline parsed into the sentence: its subject is not the speaker
            if verb.dep_ == "advcl" and head.dep_ == "ccomp" and head.head.i in self.cue_at:
                # "announced she will retire, saying …": the participle belongs to the reporter, not to the
                # subject of the reported clause it was hung on
                return self._speaker_of(head.head, depth=depth + 1)
            if verb.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN", "PRON"):
                if verb.tag_ in ("VBG", "VBN") and head.i < verb.i:
                    return self._phrase(head)  # "Kerry, saying …"
                # "defended a plan to close X, saying …": the speaker is the subject of the noun's verb
                if head.head is not head and head.head.pos_ in ("VERB", "AUX"):
                    return self._speaker_of(head.head, depth=depth + 1)
                return []
            return self._speaker_of(head, depth=depth + 1)
        dangling = self._dangling_subject(verb)
        return self._phrase(_appositive_name(dangling)) if dangling is not None else []

    def _dangling_subject(self, verb: Any) -> Any | None:
        """A noun the parser made the root of a sentence of its own because an abbreviation's full stop
        (``lost 20 lbs. and …``) split the real sentence: the nearest such root before a subjectless cue."""
        p_start, _ = self._paragraph(verb.idx)
        for k in range(verb.i - 1, -1, -1):
            t = self.doc[k]
            if t.idx < p_start or self._is_sentence_end(t):
                return None
            if t.dep_ == "ROOT" and t.pos_ in ("PROPN", "NOUN") and not self.in_quote[k]:
                return t
        return None

    def _subject_cut_off_by_paragraph(self, verb: Any) -> Any | None:
        """The parser ran a headline or byline into the paragraph (``By Grace Liu ¶ State health officials on
        Monday reported …``) and hung the paragraph's first noun phrase on it: that noun, when the cue verb itself
        hangs outside its paragraph and has no subject."""
        p_start, _ = self._paragraph(verb.idx)
        if p_start == 0 or verb.head.idx >= p_start:
            return None
        for t in self._tokens_between(p_start, verb.idx):
            if t.is_space or t.is_punct:
                continue
            if t.pos_ in ("NOUN", "PROPN") and t.head.idx < p_start and not self.in_quote[t.i]:
                return t
            if t.head.idx >= p_start and t.head.pos_ in ("NOUN", "PROPN") and t.head.head.idx < p_start:
                return t.head if not self.in_quote[t.head.i] else None
            break
        return None

    def _subject_on_line_above(self, verb: Any) -> Any | None:
        """The noun right before a subjectless cue verb that the parser hung on the previous line (a
        headline or timestamp line run into the sentence): "12:40 — … warning\nThe Met Office has raised …"."""
        k = verb.i - 1
        while k >= 0 and self.doc[k].dep_ in ("aux", "auxpass", "neg", "advmod"):
            k -= 1
        if k < 0:
            return None
        tok = self.doc[k]
        if tok.pos_ not in ("PROPN", "NOUN") or self.in_quote[tok.i] or tok.head.i >= tok.i:
            return None
        if "\n" not in self.text[tok.head.idx : tok.idx]:
            return None
        return tok

    def _phrase(self, head: Any) -> list[Any]:
        """The noun phrase of head: its subtree without relative clauses, appositions after a comma, or
        text across a line break."""
        doc = self.doc
        left, right = head.left_edge.i, head.right_edge.i
        # cut after head at the first comma / relative clause / parenthesis
        end = head.i
        for k in range(head.i + 1, right + 1):
            t = doc[k]
            if t.text in (",", "(", "—", "–", ";", ":") or t.dep_ in ("relcl", "acl") or "\n" in t.text:
                break
            if t.tag_ in ("WP", "WDT", "WP$") and k > head.i:
                break  # "members who complained": the relative pronoun starts the clause
            if self.in_quote[k]:
                break
            end = k
        start = head.i
        for k in range(head.i - 1, left - 1, -1):
            t = doc[k]
            if "\n" in t.text or t.text in (",", ")", ":", ";") or self.in_quote[k]:
                break
            start = k
        tokens = [t for t in doc[start : end + 1] if not t.is_space]
        while tokens and tokens[-1].is_punct:
            tokens.pop()
        while tokens and tokens[0].is_punct:
            tokens.pop(0)
        return tokens

    def _clause_range(self, clause: Any, verb: Any, from_token: Any = None) -> tuple[int, int] | None:
        """Character range of a reported clause: its subtree without a leading 'that' or punctuation,
        without trailing punctuation, widened to whole quotation marks, kept inside the paragraph of
        the cue verb."""
        doc = self.doc
        left, right = clause.left_edge.i, clause.right_edge.i
        if from_token is not None:
            left = min(left, from_token.i)
        while left <= right and (
            (doc[left].dep_ == "mark" and doc[left].lower_ in ("that", "if"))
            or (doc[left].is_punct and not _is_quote_mark(doc[left].text))
            or doc[left].is_space
            # a bullet ("•", "–") at the start of a line
            or not any(ch.isalnum() or ch in "\"'“”‘’«»$£€" for ch in doc[left].text)
        ):
            left += 1
        for k in range(left + 1, right):
            # ", in a statement issued on Sunday" / ", in an interview with …": the attribution, not the report
            if (doc[k].text == "," and doc[k + 1].dep_ == "prep" and doc[k + 1].lower_ in ("in", "on", "during",
                                                                                            "via", "at", "through")
                    and any(c.dep_ == "pobj" and c.lemma_.lower() in _ATTRIBUTION_NOUNS for c in doc[k + 1].children)
                    and not self.in_quote[k]):
                right = k - 1
                break
        while right >= left and (
            (doc[right].is_punct and not _is_quote_mark(doc[right].text)) or doc[right].is_space
        ):
            right -= 1
        if right < left:
            return None
        start = doc[left].idx
        end = doc[right].idx + len(doc[right].text)
        span = self.marks.span_at(start)
        if span is not None:
            start = min(start, span.open)
        span = self.marks.span_at(end - 1)
        if span is not None:
            end = max(end, span.outer_end)
        end = self._with_trailing_fragment(end)
        p_start, p_end = self._paragraph(verb.idx)
        start, end = max(start, p_start), min(end, p_end)
        return (start, end) if end > start else None

    def _with_trailing_fragment(self, end: int) -> int:
        """Widen a clause that stops right before a quoted fragment closing the sentence (the parser hung
        "… in her hallway 'still holding the pan'." on the cue verb): the fragment belongs to the clause."""
        k = end
        while k < len(self.text) and self.text[k] in " \t":
            k += 1
        for span in self.marks.spans:
            if span.open == k and span.close is not None:
                rest = self.text[span.outer_end : span.outer_end + 2].lstrip(" ")
                if not rest or rest[0] in ".?!\n":
                    return span.outer_end
        return end

    # ------------------------------------------------------------------ direct quotes
    def _sentence_position(self, span: MarkedSpan) -> bool:
        p_start, _ = self._paragraph(span.open)
        before = self.text[p_start : span.open].rstrip()
        if not before:
            return True
        last = before[-1]
        if last == "." and self._abbreviation_stop(p_start + len(before) - 1):
            return False  # "lost 20 lbs. "and a belt size"": the sentence goes on
        if last in _SENT_END + ":;—–":
            return True
        if last in "\"”»’'" and before.rstrip("\"”»’' ")[-1:] in _SENT_END:
            return True  # "A." "B."
        if last in "(-":
            return True
        prev_tok = self.doc[self._token_at(p_start + len(before) - 1)]
        if last == ",":
            # "Kerry said, "…""
            k = prev_tok.i - 1
            return k >= 0 and k in self.cue_at or (k >= 1 and (k - 1) in self.cue_at and self.doc[k].dep_ in SUBJECT_DEPS)
        # "he said "…"" without a colon
        if not self.text[span.start:span.end].lstrip()[:1].isupper():
            return False  # "expresses "strong dissatisfaction"": a fragment inside a clause
        return prev_tok.i in self.cue_at and self.cue_at[prev_tok.i].kind == "verb"

    def _gap_cues(self, start: int, end: int) -> list[Cue]:
        return [self.cue_at[t.i] for t in self._tokens_between(start, end) if t.i in self.cue_at]

    def _after_gap(self, span: MarkedSpan) -> tuple[int, int]:
        _, p_end = self._paragraph(span.open)
        start = span.outer_end
        end = p_end
        for k in range(start, p_end):
            ch = self.text[k]
            if self.marks.inside(k):
                end = k
                break
            if ch in _SENT_END and k > start and self.text[start:k].strip(" ,\"'”’"):
                end = k + 1
                break
        return start, end

    def _before_gap(self, span: MarkedSpan) -> tuple[int, int]:
        p_start, _ = self._paragraph(span.open)
        start = p_start
        k = span.open - 1
        while k >= p_start:
            if self.marks.inside(k):
                start = k + 1
                break
            if self.text[k] in _SENT_END:
                start = k + 1
                break
            k -= 1
        return start, span.open

    def _attribute_direct(self, span: MarkedSpan) -> tuple[Cue | None, list[Any]]:
        content = self.text[span.start : span.end].rstrip()
        a_start, a_end = self._after_gap(span)
        after = [c for c in self._gap_cues(a_start, a_end) if c.kind != "verb_prep"]
        if not after:
            positional = self._positional_cue(span)
            if positional is not None:
                after = [positional]
        b_start, b_end = self._before_gap(span)
        before = [c for c in self._gap_cues(b_start, b_end) if c.kind != "verb_prep"]
        before_text = self.text[b_start:b_end].rstrip()
        ends_open = bool(content) and content[-1] in ",—–-:;"
        if ends_open or (span.close is not None and self.text[span.outer_end : span.outer_end + 2].lstrip()[:1] == ","):
            ends_open = True
        choice: Cue | None = None
        if ends_open and after:
            choice = after[0]
        elif before and before_text[-1:] in (":", ",") or (before and before[-1].last.i == self._token_at(b_start + len(before_text) - 1)):
            choice = before[-1]
        elif after and len(self._tokens_between(a_start, after[0].verb.idx)) <= NEAR_AFTER:
            choice = after[0]
        elif before:
            choice = before[-1]
        elif after:
            choice = after[0]
        if choice is None and not before_text:
            choice = self._cue_closing_previous_paragraph(span.open)
        if choice is None:
            return self._attribution_without_cue(span, b_start, before_text)
        if choice.kind == "according":
            return choice, self._according_speaker(choice)
        speaker = self._speaker_of(choice.verb, inverted=True)
        named = self._name_before_appositive(choice.verb, speaker)
        if named:
            speaker = named
        if choice.verb.i in self._positional_speaker and not any(
                t.pos_ == "PROPN" or t.ent_type_ == "PERSON" for t in speaker):
            speaker = self._positional_speaker[choice.verb.i]  # the name after a verb the parser did not link
        return choice, speaker

    def _name_before_appositive(self, verb: Any, speaker: list[Any]) -> list[Any]:
        """``"…," scoffed Lorcan Devlin, the party's finance spokesman``: the parser may make the appositive the
        subject and the name an object; the name right after the verb is the speaker."""
        if not speaker or speaker[0].i <= verb.i + 1:
            return []
        name: list[Any] = []
        k = verb.i + 1
        while k < speaker[0].i and self.doc[k].pos_ == "PROPN" and not self.in_quote[k]:
            name.append(self.doc[k])
            k += 1
        if not name or self.doc[k].text != "," or k + 1 != speaker[0].i:
            return []
        return name

    def _positional_cue(self, span: MarkedSpan) -> Cue | None:
        """``"…!" sighed Greta Moe`` / ``"…," Omar Sykes snarled``: a past or present verb right after a quote
        ending in , ! ? — with a name next to it is a cue by its position, whatever the verb."""
        content = self.text[span.start:span.end].rstrip()
        if span.close is None or not content or content[-1] not in ",!?—–":
            return None
        toks = [t for t in self._tokens_between(span.outer_end, self._paragraph(span.open)[1]) if not t.is_space][:6]
        if not toks or self.in_quote[toks[0].i]:
            return None
        if toks[0].text == ",":
            toks = toks[1:]

        def is_verb(t: Any, first: bool = False) -> bool:
            # right after the quote the tagger may call the verb a participle ("beamed coach Sally Brent")
            tags = ("VBD", "VBZ", "VBP", "VBN") if first else ("VBD", "VBZ", "VBP")
            return t.pos_ == "VERB" and t.tag_ in tags and not self.in_quote[t.i]

        def is_name(t: Any) -> bool:
            return t.pos_ in ("PROPN", "PRON", "ADJ", "NOUN") or t.lower_ in ("the", "a", "an", "one")

        if len(toks) >= 2 and is_verb(toks[0], first=True) and is_name(toks[1]):
            name = []
            for t in toks[1:]:
                if t.is_punct or t.pos_ not in ("PROPN", "NOUN", "ADJ", "DET", "PRON") and t.lower_ != "one":
                    break
                name.append(t)
            k = name[-1].i + 1 if name else 0
            if name and k + 1 < len(self.doc) and self.doc[k].text == "," and self.doc[k + 1].pos_ == "PROPN":
                k += 1  # "shrugged the captain, Jake Moss"
                while k < len(self.doc) and self.doc[k].pos_ == "PROPN":
                    name.append(self.doc[k])
                    k += 1
            if name and (name[-1].pos_ == "PROPN" or name[-1].ent_type_ == "PERSON"
                         or name[-1].lower_ in TITLE_WORDS or name[-1].lemma_.lower() in _AGENT_NOUNS):
                # "sighed the commuter", "groaned one commuter at Waverley": a person noun; never a thing
                # ("read the sign")
                self._positional_speaker[toks[0].i] = name
                return Cue(toks[0], toks[0], "verb")
        for k in range(1, min(4, len(toks))):
            if is_verb(toks[k]) and all(t.pos_ in ("PROPN", "PRON") for t in toks[:k]):
                if toks[0].pos_ == "PRON" and toks[0].lower_ not in ("he", "she", "they", "i", "we"):
                    return None
                return Cue(toks[k], toks[k], "verb")
        return None

    def _attribution_without_cue(self, span: MarkedSpan, b_start: int, before_text: str
                                 ) -> tuple[Cue | None, list[Any]]:
        """Quotes attributed without a reporting verb: a headline ``Mayor Kline: '…'`` (cue = the colon), a
        colon introduction ``Harbour master Lena Ostrowski was blunt: "…"`` (in the same or the previous
        paragraph), ``And from X:``, and ``"…" -Councillor Name`` after the quote (no cue)."""
        p_start, p_end = self._paragraph(span.open)
        if b_start == p_start and before_text.endswith(":") and not self.text[span.outer_end:p_end].strip(" .!?"):
            m = _HEADLINE_LABEL.match(before_text)
            if m and m.group(1).casefold() not in _NOT_SPEAKER_LABELS:
                label = [t for t in self._tokens_between(p_start, p_start + len(m.group(1))) if not t.is_space]
                colon = [t for t in self._tokens_between(p_start + len(m.group(1)), span.open) if t.text == ":"]
                if label and colon and not any(t.pos_ in ("VERB", "AUX") for t in label) and (any(
                        t.ent_type_ in ("PERSON", "ORG", "NORP") or t.lower_ in TITLE_WORDS | ORG_NOUNS
                        for t in label) or self._name_shaped(label, span)):  # "Mayor Kline:", not "Weather:"
                    return Cue(colon[0], colon[0], "colon"), label
        if before_text.endswith(":"):
            speaker = self._colon_speaker(b_start, b_start + len(before_text) - 1)
            if speaker:
                return None, speaker
        elif not before_text:
            k = bisect.bisect_right(self._para_starts, span.open) - 1
            if k >= 1 and self.paragraphs[k][0] == span.open:
                a, b = self.paragraphs[k - 1]
                prev = self.text[a:b].rstrip()
                if prev.endswith(":") and not self.marks.within(a, b):
                    speaker = self._colon_speaker(a, a + len(prev) - 1)
                    if speaker:
                        return None, speaker
        m = _DASH_NAME.match(self.text, span.outer_end)
        content = self.text[span.start:span.end].strip()
        if m and span.close is not None and not self._looks_like_title(span) and (
                len(content.split()) >= 4 or content[-1:] in ".!?"):
            name = [t for t in self._tokens_between(m.start(1), m.end(1)) if not t.is_space]
            if name and any(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" for t in name):
                return None, name
        return None, []

    def _name_shaped(self, label: list[Any], span: MarkedSpan) -> bool:
        """``Pemberton-Ruiz``, ``Okafor`` (with a first-person quote): capitalised proper-noun tokens the NER did
        not call a person; never a place, date, event or section word (``Ukraine:``, ``Weather:``). A lone word
        needs more, since topic labels share its shape (``Brexit: 'The deal is done'``): a hyphenated name, the
        word inside a PERSON elsewhere in the text, or a quote in the first person (``Okafor: "We will …"``)."""
        words = [t for t in label if t.text != "-"]
        if not words or " ".join(t.text for t in label).casefold() in SECTION_WORDS:
            return False
        if len(words) == 1 and len(label) == 1:
            word = words[0].text
            quoted = {t.lower_ for t in self._tokens_between(span.start, span.end)}
            if not (quoted & FIRST_PERSON or quoted & {"my", "our"} or any(
                    e.label_ == "PERSON" and word in e.text.split() for e in self.doc.ents)):
                return False
        hyphenated = len(words) < len(label)  # "Pemberton-Ruiz": the NER often tags a part as a place
        return all(t.pos_ == "PROPN" and t.text[:1].isupper() and (hyphenated or t.ent_type_ not in (
            "GPE", "LOC", "FAC", "EVENT", "DATE", "TIME", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE")) for t in words)

    def _colon_speaker(self, start: int, colon: int) -> list[Any]:
        """The person introducing a quote with a colon and no cue: the subject of the clause before the colon
        (``X was blunt:``, ``X put it simply:``) or the object of ``from`` (``And from X:``), when it names a
        person (a PERSON entity or a proper name), never a thing (``The sign read:``)."""
        for k in range(colon - 1, start - 1, -1):
            if self.text[k] in _SENT_END and not self.marks.inside(k) and not self._abbreviation_stop(k):
                start = k + 1
                break
        tokens = [t for t in self._tokens_between(start, colon) if not t.is_space and not self.in_quote[t.i]]
        if not tokens:
            return []
        words = [t.lower_ for t in tokens[:2]]
        if "from" in words:
            frm = tokens[words.index("from")]
            objs = [c for c in frm.children if c.dep_ == "pobj"]
            cand = objs[0] if objs else None
        else:
            roots = [t for t in tokens if t.head.i == t.i or not (tokens[0].i <= t.head.i <= tokens[-1].i)]
            subj = [c for r in roots[:1] for c in r.children if c.dep_ in ("nsubj",)]
            cand = subj[0] if subj else None
            owner = [c for c in cand.children if c.dep_ == "poss"] if cand is not None and cand.pos_ == "NOUN" else []
            if owner and (owner[0].pos_ == "PROPN" or owner[0].lower_ in ("her", "his", "their")
                          or owner[0].ent_type_ in ("PERSON", "ORG") or owner[0].lemma_.lower() in _SPEAKING_NOUNS):
                # "Her advice to buyers is blunt:", "Kline's message was clear:": the owner speaks
                tokens_owner = [t for t in self._phrase(owner[0]) if t.text not in ("'s", "’s")]
                return tokens_owner
        if cand is None:
            return []
        phrase = self._phrase(_appositive_name(cand))
        if not any(t.ent_type_ == "PERSON" or t.lower_ in TITLE_WORDS or (
                t.pos_ == "NOUN" and t.lemma_.lower() in _SPEAKING_NOUNS) or (t.pos_ == "PROPN" and t.ent_type_ not in (
                "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "DATE", "TIME")) for t in phrase):
            return []
        return phrase

    def _introduced_person(self, f: _Found) -> list[Any]:
        """A quote paragraph with no cue right after a paragraph introducing a person (``The study was led
        by Dr. Priya Vellanki, a soil scientist …`` ¶ ``"We found …"``): that person, the last one named in
        the previous paragraph's last sentence, when that paragraph holds no quotation marks."""
        if f.marked is None:
            return []
        k = bisect.bisect_right(self._para_starts, f.marked.open) - 1
        if k < 1 or self.paragraphs[k][0] != f.marked.open or self.text[f.marked.outer_end:self.paragraphs[k][1]].strip():
            return []
        a, b = self.paragraphs[k - 1]
        prev = self.text[a:b].rstrip()
        if not prev.endswith((".", "!")) or self.marks.within(a, b) or any(ch in prev for ch in "\"“”"):
            return []
        last_start = a
        for j in range(a + len(prev) - 2, a - 1, -1):
            if self.text[j] in _SENT_END and not self._abbreviation_stop(j):
                last_start = j + 1
                break
        people = [e for e in self.doc.ents if e.label_ == "PERSON" and last_start <= e.start_char and e.end_char <= b]
        if not people and any(t.lower_ in ("he", "she") for t in self._tokens_between(last_start, b)):
            # "Maya Singh teaches at Brook. She has run the club …": the person the pronoun stands for
            people = [e for e in self.doc.ents if e.label_ == "PERSON" and a <= e.start_char and e.end_char <= b]
        if not people:
            return []
        return self._phrase(people[-1].root)

    def _cue_closing_previous_paragraph(self, offset: int) -> Cue | None:
        """``He said:`` ending the paragraph before a quote paragraph: the cue of its last sentence."""
        k = bisect.bisect_right(self._para_starts, offset) - 1
        if k < 1 or self.paragraphs[k][0] != offset:
            return None
        a, b = self.paragraphs[k - 1]
        prev = self.text[a:b].rstrip()
        if not prev.endswith(":"):
            return None
        s = a
        for j in range(a + len(prev) - 2, a - 1, -1):
            if self.text[j] in _SENT_END and not self.marks.inside(j):
                s = j + 1
                break
        cues = [c for c in self._gap_cues(s, a + len(prev)) if c.kind != "verb_prep"]
        return cues[-1] if cues else None

    def _according_speaker(self, cue: Cue) -> list[Any]:
        for child in cue.last.children:
            if child.dep_ == "pobj":
                # "according to a statement from the police department": the source is the department
                if child.pos_ == "NOUN" and child.ent_type_ == "":
                    for prep in child.children:
                        if prep.dep_ == "prep" and prep.lower_ in ("from", "by"):
                            inner = [c for c in prep.children if c.dep_ == "pobj"]
                            if inner and inner[0].pos_ == "PROPN":
                                return self._phrase(inner[0])
                return self._phrase(child)
        nxt = cue.last.i + 1
        if nxt < len(self.doc):
            return self._phrase(self.doc[nxt])
        return []

    # ------------------------------------------------------------------ run
    def _interview_answers(self) -> list[_Found]:
        """Q&A interviews: a paragraph ``Name: …`` (or ``A: …``) after a ``Q: …`` paragraph is the
        interviewee's words, a direct quote without marks and without a cue."""
        out: list[_Found] = []
        texts = [self.text[a:b] for a, b in self.paragraphs]
        if not any(_QUESTION_LABEL.match(t) for t in texts):
            return out
        after_question = False
        for (a, b), t in zip(self.paragraphs, texts):
            if _QUESTION_LABEL.match(t):
                after_question = True
                continue
            m = _ANSWER_LABEL.match(t)
            if after_question and m:
                label = m.group(1)
                speaker = [tok for tok in self._tokens_between(a, a + len(label)) if not tok.is_space]
                f = _Found(a + m.end(), b, QuoteType.DIRECT)
                if label in ("A", "Answer", "ANSWER"):
                    f.name = _MAIN_PERSON
                else:
                    f.speaker = speaker
                f.attribution_end = b
                out.append(f)
            after_question = False
        return out

    def run(self) -> list[Quote]:
        found: list[_Found] = []
        direct_spans: list[MarkedSpan] = []
        answers = self._interview_answers()

        def in_answer(offset: int) -> bool:
            return any(f.start <= offset < f.end for f in answers)

        for span in self.marks.spans:
            if span.end <= span.start:
                continue
            if in_answer(span.open):
                continue  # quoted words inside an interviewee's answer
            if not self._sentence_position(span):
                continue
            cue, speaker = self._attribute_direct(span)
            direct_spans.append(span)
            f = _Found(span.start, span.end, QuoteType.DIRECT, cue, speaker, span)
            f.attribution_end = max([span.outer_end] + [t.idx + len(t.text) for t in speaker] + ([cue.range.end] if cue else []))
            found.append(f)
        # a paragraph left open takes the attribution of the paragraph that continues it
        for k in range(len(found) - 2, -1, -1):
            f = found[k]
            if f.cue is None and f.marked is not None and f.marked.continued:
                nxt = found[k + 1]
                if nxt.cue is not None or nxt.speaker:
                    f.cue, f.speaker, f.inherited = nxt.cue, nxt.speaker, True
        direct_ranges = [(s.open, s.outer_end) for s in direct_spans]

        indirect = [f for f in self._indirect(direct_ranges, found) if not in_answer(f.start)]
        found.extend(indirect)
        for span in self.marks.spans:
            named = self._naming_fragment(span) if span not in direct_spans else None
            if named is not None and not any(g.start <= named.start and named.end <= g.end for g in indirect):
                found.append(named)
        found.extend(self._social_posts(found))
        links = [(a, b) for a, b in self.paragraphs if LINK_LINE.match(self.text[a:b])]
        found = [f for f in found if not any(a <= f.start < b for a, b in links)]
        found.extend(answers)
        found.sort(key=lambda f: f.start)

        # floating quotes: unattributed sentence quotes right after an attributed quote
        prev: _Found | None = None
        kept: list[_Found] = []
        for f in found:
            if f.cue is None and not f.speaker and not f.name:
                if prev is not None and prev.chain < MAX_FLOATING and self._looks_like_sentence(f):
                    if self._attribution_gap(prev.attribution_end, f.marked.open if f.marked else f.start):
                        f.cue, f.speaker, f.inherited = prev.cue, prev.speaker, True
                        f.chain = prev.chain + 1
                        f.attribution_end = max(f.marked.outer_end if f.marked else f.end, f.end)
                if f.cue is None and not f.speaker and not f.name and self._looks_like_sentence(f):
                    f.speaker = self._introduced_person(f)
                if f.cue is None and not f.speaker and not f.name:
                    continue  # unattributed: a title, a scare quote, a stray mark
            kept.append(f)
            prev = f

        return self._finish(kept)

    def _naming_fragment(self, span: MarkedSpan) -> _Found | None:
        """``called the revised budget "a shell game"`` / ``described the report as "a whitewash"``: a quoted
        fragment naming the object of a naming verb with a subject is the subject's words (a direct quote;
        a quoted Title Case name, ``called the bridge 'The Old Lady'``, is not)."""
        if span.close is None or span.end <= span.start or self._looks_like_title(span):
            return None
        if len(self.text[span.start:span.end].split()) < 2:
            return None  # one quoted word ("a "testament" to …") is a scare quote
        tok = self.doc[self._token_at(span.start)]
        if self.in_quote[tok.i] is False:
            return None
        node, path = tok, []
        for _ in range(4):
            if node.head is node:
                break
            path.append(node.dep_)
            node = node.head
            if node.lower_ == "as" and node.dep_ == "prep":
                path.append("pobj")  # "described the ward as 'unacceptable and unsafe'": the parser makes it amod
            if node.pos_ == "VERB" and node.lemma_.lower() in NAMING_VERBS:
                break
        else:
            return None
        verb = node
        if verb.lemma_.lower() not in NAMING_VERBS or self.in_quote[verb.i] or verb.i > tok.i:
            return None
        if any(c.dep_ == "auxpass" for c in verb.children) or not any(
                c.dep_ in ("oprd", "pobj", "xcomp", "attr", "dobj", "ccomp", "npadvmod") for c in [tok]) and not set(
                path) & {"oprd", "pobj", "xcomp", "attr", "dobj", "ccomp"}:
            return None
        if not any(c.dep_ == "dobj" and c.i < tok.i and not self.in_quote[c.i] for c in verb.children):
            return None
        speaker = self._speaker_of(verb)
        if not speaker:
            return None
        f = _Found(span.start, span.end, QuoteType.DIRECT, Cue(verb, verb, "verb"), speaker, span)
        f.attribution_end = span.outer_end
        return f

    def _social_posts(self, found: list[_Found]) -> list[_Found]:
        """Embedded posts ``text — Name (@handle) date``: the text is Name's words (direct, no cue)."""
        out = []
        for a, b in self.paragraphs:
            m = _SOCIAL_POST.match(self.text[a:b])
            if m is None:
                continue
            start, end = a + m.start("text"), a + m.end("text")
            if any(f.start < end and start < f.end for f in found):
                continue
            name = [t for t in self._tokens_between(a + m.start("name"), a + m.end("name")) if not t.is_space]
            if not name:
                continue
            f = _Found(start, end, QuoteType.DIRECT, None, name)
            f.attribution_end = b
            out.append(f)
        return out

    def _attribution_gap(self, start: int, end: int) -> bool:
        """True when text[start:end] is only the rest of the previous quote's attribution sentence
        (``… Hollis told reporters after the vote.``, ``said Ortiz, 23, who joined in January.``): no
        sentence end outside quotes before its last word, no other quote, at most MAX_GAP_WORDS words."""
        gap = self.text[start:end]
        if not gap.strip(" \t\r\n\u00a0.,;:—–-\"'“”‘’«»"):
            return True
        if self._paragraph(start) != self._paragraph(end):
            # the quote opens the next paragraph: judge the tail of the attribution paragraph
            # ("…," X said in a statement on Friday.  ¶ "…")
            p_start, _ = self._paragraph(end)
            if self.text[p_start:end].strip() or self._paragraph(start)[1] < self._paragraph(p_start - 1)[0]:
                return False
            end = start + len(self.text[start:p_start].rstrip())
            if not self.text[start:end].rstrip().endswith((".", "!", "?", "…")):
                return False
        tokens = [t for t in self._tokens_between(start, end) if not t.is_space]
        words = [t for t in tokens if not t.is_punct and not self.in_quote[t.i]]
        if len(words) > MAX_GAP_WORDS:
            return False
        ends = [k for k, t in enumerate(tokens) if self._is_sentence_end(t)]
        if any(any(not x.is_punct for x in tokens[k + 1 :]) for k in ends):
            return False  # a sentence of its own in between
        return not any(t.i in self.cue_at and not self._source_document(self.cue_at[t.i]) for t in words)

    def _source_document(self, cue: Cue) -> bool:
        """``according to a transcript`` / ``according to the official record``: a tail naming a document,
        not a second speaker (its object is a common noun with no ``from``/``by`` source)."""
        if cue.kind != "according":
            return False
        objs = [c for c in cue.last.children if c.dep_ == "pobj"]
        if not objs or objs[0].pos_ != "NOUN" or objs[0].ent_type_ or objs[0].lemma_.lower() in _AGENT_NOUNS:
            return False
        return not any(c.dep_ == "prep" and c.lower_ in ("from", "by", "of") for c in objs[0].children)

    def _looks_like_sentence(self, f: _Found) -> bool:
        content = self.text[f.start : f.end].strip()
        words = content.split()
        return len(words) >= 4 or (len(words) >= 2 and content[-1:] in _SENT_END + ",") or (
            len(words) == 1 and content[-1:] in ".!?" and content[:1].isupper())  # "Finally," he said. "Finally."

    def _indirect(self, direct_ranges: list[tuple[int, int]], direct: list[_Found]) -> list[_Found]:
        out: list[_Found] = []
        taken: list[tuple[int, int]] = []

        def overlaps_direct(start: int, end: int) -> bool:
            return any(s < end and start < e for s, e in direct_ranges)

        for i in sorted(self.cue_at):
            cue = self.cue_at[i]
            verb = cue.verb
            content: tuple[int, int] | None = None
            speaker: list[Any] = []
            clauses: list[Any] | None = None
            to_infinitive = None
            agent: list[Any] = []
            if cue.kind == "verb":
                if any(c.dep_ == "neg" for c in verb.children):
                    continue  # "has not said whether …", "did not say how many …"
                if any(c.dep_ == "auxpass" for c in verb.children):
                    # "having been told …", "was told that …": the subject heard it, said nothing; only a
                    # by-agent ("were warned by the minister to …") names who spoke
                    agent = self._passive_agent(verb)
                    if not agent:
                        continue
                if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in NOT_REPORTING_HEADS:
                    continue  # "declined to say why …"
                clauses = [c for c in verb.children if c.dep_ == "ccomp" and self._same_sentence(verb, c)
                           and _has_verb(c)]  # "told the court, her voice breaking": no clause
                if not clauses:
                    clauses = self._that_clause_on_object(verb)
                if not clauses:
                    clauses = self._parenthetical_host(verb)
                if not clauses:
                    to_infinitive = self._fronted_misparse(verb)
                    if to_infinitive is not None:
                        agent = self._phrase([c for c in verb.children if c.dep_ == "nsubj"][-1])
                if not clauses and to_infinitive is None:
                    to_infinitive = self._to_infinitive(verb)
                    if to_infinitive is None:
                        continue
            if to_infinitive is not None:
                content = to_infinitive
                speaker = agent or self._speaker_of(verb)
                if not _agentive(speaker):
                    continue  # "the row threatens to derail the talks": no one speaks
            elif clauses:
                after = [c for c in clauses if c.i > verb.i]
                clause = after[0] if after else clauses[-1]
                if self._is_question(clause) or (_wh_clause(clause) and not any(
                        c.dep_ == "csubj" for c in clause.children)):
                    continue  # "asked whether …", "detailed how …": a reported question or manner, no statement
                # "said said he believes …": a subjectless cue verb as the clause — descend
                for _ in range(2):
                    inner = [c for c in clause.children if c.dep_ == "ccomp"]
                    if (
                        clause.i in self.cue_at
                        and inner
                        and not any(c.dep_ in SUBJECT_DEPS for c in clause.children)
                    ):
                        clause = inner[-1]
                    else:
                        break
                from_token = None
                if verb.dep_ == "parataxis" and clause is verb.head:
                    from_token = self._sentence_start(clause.left_edge)  # "Schools, Ferraro says, have …"
                elif not any(c.dep_ in SUBJECT_DEPS or c.dep_ == "expl" for c in clause.children):
                    # misparse "said [the results of …]dobj, [were …]ccomp": the object is the subject;
                    # "said Thursday [one of …]": the subject hung on a date
                    objs = [c for c in verb.children if c.dep_ in ("dobj", "npadvmod")
                            and verb.i < c.i < clause.i]
                    if objs:
                        from_token = objs[0].left_edge
                        while (from_token.ent_type_ in ("DATE", "TIME") and from_token.i < clause.i
                               and from_token.i < objs[0].right_edge.i):
                            from_token = self.doc[from_token.i + 1]
                if clause.i < verb.i and from_token is None:
                    from_token = self._sentence_start(clause.left_edge)
                content = self._clause_range(clause, verb, from_token)
                content = self._with_second_that_clause(verb, clause, content)
                content = self._before_second_report(clause, content)
                speaker = agent or self._speaker_of(verb)
            elif cue.kind == "verb_prep":
                objs = [c for c in cue.last.children if c.dep_ == "pobj"]
                comps = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp") and c.i > cue.last.i]
                if not objs or not comps:
                    continue
                start = self.doc[objs[0].left_edge.i].idx
                rng = self._clause_range(comps[-1], verb)
                if rng is None:
                    continue
                content = (start, rng[1])
                speaker = self._speaker_of(verb)
            elif cue.kind == "according":
                speaker = self._according_speaker(cue)
                content = self._according_content(cue, speaker)
            if content is None or not speaker:
                continue
            start, end = content
            if any(self.in_quote[t.i] for t in speaker):
                continue  # "I"/"we" inside someone else's quote
            if len(speaker) == 1 and speaker[0].lower_ in FIRST_PERSON and self._inside_any(speaker[0].idx, direct):
                continue
            if overlaps_direct(start, end):
                # the clause is a direct quote: give it the cue if it has none ("according to")
                for f in direct:
                    if f.marked and f.marked.open < end and start < f.marked.outer_end and f.cue is None:
                        f.cue, f.speaker = cue, speaker
                continue
            if len(self.text[start:end].split()) < 2:
                continue
            if any(s <= start and end <= e for s, e in taken):
                continue  # nested report inside an outer one
            inner_marks = [m for m in self.marks.within(start, end) if not self._looks_like_title(m)]
            qtype = QuoteType.MIXED if inner_marks else QuoteType.INDIRECT
            taken = [(s, e) for s, e in taken if not (start <= s and e <= end)]
            out = [f for f in out if not (start <= f.start and f.end <= end)]
            f = _Found(start, end, qtype, cue, speaker)
            f.attribution_end = max(end, cue.range.end, speaker[-1].idx + len(speaker[-1].text))
            out.append(f)
            taken.append((start, end))
        for f in self._noun_cue_reports():
            if not overlaps_direct(f.start, f.end) and not any(s < f.end and f.start < e for s, e in taken):
                out.append(f)
        return out

    def _noun_cue_reports(self) -> list[_Found]:
        """``Vance's allegation that …`` / ``Police issued a warning that …``: a reporting noun with a
        that-clause is an indirect quote of the noun's possessor, or of the subject of the verb the noun is
        the object of (``issued``, ``made``, ``repeated`` …)."""
        out = []
        for tok in self.doc:
            lemma = tok.lemma_.lower()
            if tok.pos_ != "NOUN" or lemma not in NOUN_CUES | _VOICED_NOUNS or self.in_quote[tok.i]:
                continue
            if lemma in _VOICED_NOUNS and not (tok.dep_ == "dobj" and tok.head.lemma_.lower() in _VOICING_VERBS):
                continue  # "amid fears that …", "her concern that …": no one said it
            that_next = tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "that"
            clauses = [c for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl", "appos") and c.i > tok.i
                       and (any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                            or that_next and c.i > tok.i + 2)  # "a warning that gusts of …": "that" misparsed
                       and any(m.dep_ in SUBJECT_DEPS for m in c.children)]
            if not clauses:
                continue
            owners = [c for c in tok.children if c.dep_ == "poss" and c.lower_ not in ("its", "their", "his", "her")
                      or c.dep_ == "poss" and c.i < tok.i]
            speaker: list[Any] = []
            if owners:
                speaker = [t for t in self._phrase(owners[0]) if t.text not in ("'s", "’s")]
            elif tok.dep_ == "dobj" and tok.head.lemma_.lower() in _NOUN_CUE_VERBS:
                speaker = self._speaker_of(tok.head)
            if not speaker or any(self.in_quote[t.i] for t in speaker) or not _agentive(speaker):
                continue
            rng = self._clause_range(clauses[0], tok)
            if rng is not None and that_next and rng[0] == self.doc[tok.i + 1].idx:
                rng = (self.doc[tok.i + 2].idx, rng[1])  # "that" parsed as the clause's subject
            if rng is None or len(self.text[rng[0]:rng[1]].split()) < 3:
                continue
            inner = [m for m in self.marks.within(*rng) if not self._looks_like_title(m)]
            f = _Found(rng[0], rng[1], QuoteType.MIXED if inner else QuoteType.INDIRECT, Cue(tok, tok, "noun"), speaker)
            f.attribution_end = rng[1]
            out.append(f)
        return out

    def _parenthetical_host(self, verb: Any) -> list[Any]:
        """``Schools, Ferraro says, have no plan …`` / ``…, he said, but …``: a cue verb with a subject set
        off by commas inside the sentence it reports (parsed as ``parataxis``): that sentence is the report."""
        head = verb.head
        if verb.dep_ != "parataxis" or head is verb or self.in_quote[head.i] or head.pos_ not in ("VERB", "AUX"):
            return []
        subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
        if not subjects:
            return []
        before = self.doc[subjects[0].left_edge.i - 1] if subjects[0].left_edge.i > 0 else None
        if before is None or before.text not in (",", "—", "–") or not self._same_sentence(verb, head):
            return []
        if self.marks.within(self._sentence_start(head).idx, verb.idx):
            return []  # "…," he said, "…": the marked parts are direct quotes
        return [head]

    def _fronted_misparse(self, verb: Any) -> tuple[int, int] | None:
        """``The bridge reopened on Friday, engineer Ravi Menon said.``: the parser reads the fronted clause as
        a noun with a participle (``bridge`` nsubj, ``reopened`` acl) and gives the cue two subjects; the words
        from the sentence start to the comma before the second subject are the report."""
        subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
        if len(subjects) != 2:
            return None
        first, second = subjects
        if not any(c.dep_ in ("acl", "relcl") and c.tag_ in ("VBD", "VBN") and c.i > first.i for c in first.children):
            return None
        comma = self.doc[second.left_edge.i - 1] if second.left_edge.i > 0 else None
        if comma is None or comma.text != "," or self.in_quote[first.i]:
            return None
        start = self._sentence_start(first.left_edge)
        if start.i > first.left_edge.i or self.marks.within(start.idx, comma.idx):
            return None
        return start.idx, comma.idx

    def _passive_agent(self, verb: Any) -> list[Any]:
        """``Landlords were warned by the housing minister to …`` / ``X was told by police that …``: the
        by-agent of a passive cue (a name, an office, an organisation), else []."""
        if verb.tag_ != "VBN" or any(c.dep_ == "aux" and c.lower_ in ("having",) for c in verb.children):
            return []
        for c in verb.children:
            if c.dep_ == "agent" and c.i > verb.i:
                objs = [o for o in c.children if o.dep_ == "pobj"]
                if objs and not self.in_quote[objs[0].i]:
                    phrase = self._phrase(objs[0])
                    return phrase if _agentive(phrase) else []
        return []

    def _to_infinitive(self, verb: Any) -> tuple[int, int] | None:
        """``urged residents to boil …`` / ``pledged to bring …``: the to-infinitive of a cue of promise or
        request, from its ``to`` to its end (no quotation marks inside: those are handled as direct)."""
        if verb.lemma_.lower() not in TO_INFINITIVE_CUES or verb.tag_ == "VBN" and verb.dep_ != "ROOT" and not any(
                c.dep_ == "agent" for c in verb.children):
            return None
        has_object = any(c.dep_ == "dobj" for c in verb.children)
        for c in verb.children:
            # "urged residents in low-lying streets to move …": with a modified object the parser may hang the
            # to-infinitive on the verb as an advcl; it is still the object's instruction
            if (c.dep_ == "xcomp" or c.dep_ == "advcl" and has_object) and c.i > verb.i and c.pos_ in ("VERB", "AUX") \
                    and self._same_sentence(verb, c):
                to = [a for a in c.children if a.dep_ == "aux" and a.tag_ == "TO" and a.i < c.i]
                if not to:
                    return None
                first = min([to[0]] + [a for a in c.children if a.dep_ == "neg" and a.i < to[0].i],
                            key=lambda a: a.i)  # "urged residents not to travel"
                rng = self._clause_range(c, verb, first)
                if rng is None:
                    return None
                return (first.idx, rng[1])
        return None

    def _before_second_report(self, clause: Any, content: tuple[int, int] | None) -> tuple[int, int] | None:
        """``announced she will retire …, saying the team …`` / ``… , adding that …``: a second cue hung
        inside the first reported clause after a comma or conjunction starts a report of its own; the first
        one ends before it."""
        if content is None:
            return None
        for tok in clause.subtree:
            if tok.i == clause.i or tok.i not in self.cue_at or tok.dep_ not in ("advcl", "conj"):
                continue
            if tok.tag_ != "VBG" and not any(c.dep_ == "nsubj" for c in tok.children):
                continue
            if not any(c.dep_ == "ccomp" for c in tok.children) and not self._that_clause_on_object(tok):
                continue
            k = tok.left_edge.i if tok.left_edge.i < tok.i else tok.i
            while k > clause.left_edge.i and (self.doc[k - 1].is_punct or self.doc[k - 1].dep_ == "cc"
                                              or self.doc[k - 1].is_space):
                k -= 1
            end = self.doc[k - 1].idx + len(self.doc[k - 1].text)
            if content[0] < end < content[1]:
                return (content[0], end)
        return content

    def _with_second_that_clause(self, verb: Any, clause: Any, content: tuple[int, int] | None
                                 ) -> tuple[int, int] | None:
        """``said X, but that Y``: a second that-clause hung on the cue verb as a conjunct continues the
        reported content."""
        if content is None:
            return None
        for c in verb.children:
            if (
                c.dep_ == "conj"
                and c.i > clause.i
                and self._same_sentence(verb, c)
                and c.left_edge.lower_ == "that"  # mark, or misparsed as "that local measures" (det)
                and c.left_edge.i > clause.right_edge.i
            ):
                rng = self._clause_range(c, verb)
                if rng is not None and rng[1] > content[1]:
                    return (content[0], rng[1])
        return content

    def _is_sentence_end(self, tok: Any) -> bool:
        """A full stop / ? / ! outside every quote (abbreviations such as ``a.m.`` are one token)."""
        if tok.text not in (".", "?", "!", "…") or self.in_quote[tok.i]:
            return False
        return not (tok.text == "." and self._abbreviation_stop(tok.idx))

    def _abbreviation_stop(self, offset: int) -> bool:
        """The full stop at offset closes a unit abbreviation in mid-sentence (``20 lbs. and a belt size``)."""
        m = re.search(r"([A-Za-z]+)$", self.text[max(0, offset - 8):offset])
        if m is None or m.group(1) not in UNIT_ABBREVIATIONS:
            return False
        rest = self.text[offset + 1: offset + 6].lstrip(" \"'“‘")
        return rest[:1].islower() or rest[:1].isdigit()  # "6 ft. 4 in. tall"

    def _same_sentence(self, verb: Any, clause: Any) -> bool:
        """No sentence end between the cue verb and the clause (the parser sometimes hangs the next
        sentence on the verb as a second ``ccomp``)."""
        if clause.i > verb.i:
            a, b = verb.i + 1, clause.left_edge.i
        else:
            a, b = clause.right_edge.i + 1, verb.i
        if self._paragraph(clause.idx) != self._paragraph(verb.idx):
            return False  # a bullet or headline line parsed into the cue's sentence
        return not any(self._is_sentence_end(self.doc[k]) for k in range(a, b))

    def _sentence_start(self, tok: Any) -> Any:
        """The first token of tok's sentence, found by walking back to a sentence end or paragraph start."""
        doc = self.doc
        p_start, _ = self._paragraph(tok.idx)
        k = tok.i
        while k - 1 >= 0 and doc[k - 1].idx >= p_start and not self._is_sentence_end(doc[k - 1]):
            if self.in_quote[k - 1] and not self.in_quote[tok.i]:
                break
            k -= 1
        return doc[k]

    def _that_clause_on_object(self, verb: Any) -> list[Any]:
        """``said in a statement that …`` / ``told the court that …`` parsed with the that-clause hanging
        on the noun (acl / relcl / ccomp of ``statement``): that clause, if it has its own subject."""
        nouns = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.i > verb.i:
                nouns.extend(c for c in prep.children if c.dep_ == "pobj")
        out = []
        for noun in nouns:
            for c in noun.children:
                if (
                    c.dep_ in ("acl", "relcl", "ccomp")
                    and c.i > noun.i
                    and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                    and any(m.dep_ in SUBJECT_DEPS for m in c.children)
                ):
                    out.append(c)
                elif (
                    c.dep_ == "relcl"
                    and c.i > noun.i
                    and noun.dep_ in ("dobj", "dative")
                    and verb.lemma_.lower() in _TELLING
                    and _agentive([noun])
                    and c.left_edge.tag_ not in ("WP", "WDT", "WRB", "WP$")
                    and any(m.dep_ in ("nsubj", "nsubjpass") and m.i < c.i and m.lower_ not in RELATIVE
                            and m.pos_ in ("PRON", "PROPN", "NOUN") for m in c.children)
                ):
                    out.append(c)  # "told the inquiry he had raised the alarm": the parser took a zero-that
                    # clause after the listener for a relative clause
        return out

    @staticmethod
    def _is_question(clause: Any) -> bool:
        return any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in clause.children)

    def _looks_like_title(self, span: MarkedSpan) -> bool:
        """A short Title Case phrase in marks (a name, a work, an event) rather than someone's words."""
        words = self.text[span.start : span.end].strip(" .,;:!?").split()
        small = {"a", "an", "the", "of", "in", "on", "and", "for", "to", "at", "by", "with"}
        if len(words) >= 2 and words[0] in ("the", "a", "an"):
            words = words[1:]  # "the Wall": a nickname
        return 0 < len(words) <= 6 and words[0][:1].isupper() and all(
            w[:1].isupper() or w.lower() in small for w in words
        ) and not (len(words) == 1 and self.text[span.end - 1 : span.end] in ".!?")

    def _inside_any(self, offset: int, found: list[_Found]) -> bool:
        return any(f.marked and f.marked.open <= offset < f.marked.outer_end for f in found)

    def _according_content(self, cue: Cue, speaker: list[Any]) -> tuple[int, int] | None:
        sent = cue.verb.sent
        doc = self.doc
        a = cue.verb.i
        b = speaker[-1].i if speaker else cue.last.i
        # widen the phrase over the pobj's own subtree (", who spoke on Monday")
        for child in cue.last.children:
            if child.dep_ == "pobj":
                b = max(b, child.right_edge.i)
        left = [t for t in doc[sent.start : a]]
        right = [t for t in doc[b + 1 : sent.end]]

        def trim(tokens: list[Any]) -> list[Any]:
            while tokens and (tokens[0].is_space or (tokens[0].is_punct and not _is_quote_mark(tokens[0].text))):
                tokens = tokens[1:]
            while tokens and (tokens[-1].is_space or (tokens[-1].is_punct and not _is_quote_mark(tokens[-1].text))):
                tokens = tokens[:-1]
            return tokens

        left, right = trim(left), trim(right)
        side = left if len(left) >= len(right) else right
        if len(side) < 3:
            return None
        start, end = side[0].idx, side[-1].idx + len(side[-1].text)
        p_start, p_end = self._paragraph(cue.verb.idx)
        start, end = max(start, p_start), min(end, p_end)
        return (start, end) if end > start else None

    def _finish(self, kept: list[_Found]) -> list[Quote]:
        resolver = SpeakerResolver(self.doc, outside_quote=lambda o: not self.marks.inside(o))
        quotes: list[Quote] = []
        for f in sorted(kept, key=lambda f: f.start):
            speaker_range = None
            name = None
            if f.speaker:
                s, e = f.speaker[0].idx, f.speaker[-1].idx + len(f.speaker[-1].text)
                speaker_range = TextRange(s, e)
                name, is_person = resolver.resolve(f.speaker)
                pronoun = f.speaker[0].lower_ if len(f.speaker) == 1 else ""
                resolver.note_quote_speaker(s, name, is_person, pronoun)
            elif f.name == _MAIN_PERSON:
                name = resolver.main_person()
            quotes.append(
                Quote(
                    start=f.start,
                    end=f.end,
                    type=f.type,
                    speaker=speaker_range,
                    speaker_name=name,
                    cue=f.cue.range if f.cue else None,
                    origin=Origin.MODEL,
                )
            )
        return quotes


_MAIN_PERSON = "\0main"
"""Marker for "the person the article is about" (resolved at the end)."""


_ASKING = {"ask", "wonder", "inquire", "enquire"}
_CAPTION_MARKERS = {"pictured", "photographed", "shown", "inset", "above", "below", "left", "right", "centre", "center"}
"""``X, pictured, says …``: a word pointing at a photo, set off by commas after the speaker."""
_ATTRIBUTION_NOUNS = {"statement", "interview", "letter", "email", "e-mail", "post", "release", "video", "speech",
                      "briefing", "conference", "tweet", "message", "broadcast", "podcast", "filing", "memo",
                      "blog", "column", "op-ed", "affidavit", "submission", "note", "address", "call", "hearing"}
"""Nouns of ", in a statement …" closing a reported clause: where it was said, not what."""
_TELLING = {"tell", "inform", "assure", "remind", "warn", "convince", "reassure", "advise", "notify"}
_NOUN_CUE_VERBS = {"issue", "make", "repeat", "deliver", "give", "send", "voice", "post", "publish", "file", "lodge",
                   "express", "air", "share",
                   "level", "renew", "reiterate", "put", "sound", "raise"}


_VOICED_NOUNS = {"fear", "concern", "worry", "doubt", "hope"}
"""States of mind that are reports only when voiced: ``voiced fears that …``, ``raised concerns that …``."""
_VOICING_VERBS = {"voice", "raise", "express", "air", "repeat", "reiterate", "renew", "share"}

_AGENT_NOUNS = TITLE_WORDS | ORG_NOUNS | {
    "official", "officials", "police", "government", "authority", "authorities", "administration", "parliament",
    "congress", "senate", "court", "lawmaker", "legislator", "politician", "critic", "expert", "analyst", "resident",
    "parent", "family", "doctor", "scientist", "lawyer", "attorney", "prosecutor", "protester", "worker", "owner",
    "investor", "voter", "member", "leader", "opposition", "campaigner", "activist", "spokesman", "spokeswoman",
    "officer", "minister", "mayor", "governor", "president", "chief", "coach", "player", "fan", "teacher", "victim",
    "witness", "neighbour", "neighbor", "citizen", "employee", "staff", "management", "board", "committee", "panel",
    # listeners of "told X …"
    "inquiry", "jury", "tribunal", "reporter", "journalist", "audience", "crowd", "hearing", "media", "press",
    "listener", "viewer", "meeting", "conference", "briefing", "mp", "lawmaker", "shareholder", "supporter",
    # public bodies and people met in local news
    "service", "office", "force", "brigade", "trust", "commission", "coastguard", "inspector", "inspectorate",
    "nurse", "paramedic", "engineer", "economist", "solicitor", "headteacher", "commuter", "passenger", "driver",
    "shopper", "trader", "landlord", "tenant", "farmer", "student", "pupil", "patient", "councillor", "official",
}
"""Nouns that can head a speaker (people, offices, organisations); "the row", "the rise" cannot."""
_SPEAKING_NOUNS = _AGENT_NOUNS - {"inquiry", "jury", "tribunal", "audience", "crowd", "hearing", "media", "press",
                                  "listener", "viewer", "meeting", "conference", "briefing", "court"}
"""Agent nouns that introduce their own words with a colon (``The coach was blunt:``), listeners left out."""


def _agentive(speaker: list[Any]) -> bool:
    """The speaker phrase denotes someone who can speak: a name, a personal pronoun, a named organisation or
    country, or a noun of person or organisation (used by the newer, riskier cues: to-infinitive and nouns)."""
    if not speaker:
        return False
    head = speaker[-1]
    for t in speaker:
        if t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
            return True
    if head.pos_ == "PROPN" or head.lower_ in ("he", "she", "they", "we", "i", "you"):
        return True
    return head.lemma_.lower() in _AGENT_NOUNS or head.lower_ in _AGENT_NOUNS


def _appositive_name(subj: Any) -> Any:
    """``Pruett's father, Anders, says`` / ``His therapist, Clare Devlin, says``: a common-noun subject with a
    proper-name apposition speaks under that name."""
    if subj.pos_ != "NOUN":
        return subj
    for c in subj.children:
        if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i > subj.i:
            return c
    return subj


def _has_verb(clause: Any) -> bool:
    return clause.pos_ in ("VERB", "AUX") or any(t.pos_ in ("VERB", "AUX") for t in clause.subtree)


def _wh_clause(clause: Any) -> bool:
    """A clause opened by a wh-word: "what the river has meant to him"."""
    first = clause.left_edge
    if first.lower_ == "that":
        return False  # a complementizer the parser tagged WDT
    if first.tag_ == "WP$" or first.head.tag_ in ("WP", "WDT", "WRB"):
        first = first.head  # "whose …", "how many …"
    # the wh-word belongs to the clause itself ("how the animals were kept"), not to a clause inside it
    # ("when Islamabad acts, there is …")
    return first.tag_ in ("WP", "WDT", "WRB", "WP$") and first.i < clause.i and (
        first.head.i == clause.i or first.head.head.i == clause.i and first.head.dep_ in (
            "dobj", "pobj", "prep", "advmod", "amod", "npadvmod", "nsubj", "attr", "acomp"))  # "how long …"


def _is_quote_mark(text: str) -> bool:
    return len(text) >= 1 and all(ch in "\"'“”„«»‹›‘’‚`" for ch in text)


def extract_quotes(doc: Any, cues: CueLexicon) -> list[Quote]:
    """Quotes of one parsed document."""
    return QuoteExtractor(cues)(doc)
