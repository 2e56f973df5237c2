"""The data model: plain dataclasses shared by the store, the extractor, exchange, review and the window.

Offsets are Python string offsets (code points), end exclusive, everywhere in the core.
Nothing here touches SQLite, spaCy or Qt.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

MODEL_ANNOTATOR = "model"
"""The annotator name under which the automatic pre-extraction is stored."""
MODEL_PREFIX = f"{MODEL_ANNOTATOR}@"
"""A model's set brought in by an import (`model@<version>`: Label Studio predictions, Prodigy model output)."""
GOLD_PREFIX = "gold@"
"""An imported reviewed answer (`gold@<reviewer>`: a Prodigy `review` record)."""


def is_model_set(name: str) -> bool:
    """The pre-extraction (`model`) or a model's set from an import (`model@<version>`)."""
    return name == MODEL_ANNOTATOR or name.startswith(MODEL_PREFIX)


def is_gold_set(name: str, gold: set[str]) -> bool:
    """Review's gold sets (`gold` names from `review.versions.gold_annotators`) or an imported reviewed answer."""
    return name in gold or name.startswith(GOLD_PREFIX)



class Origin(StrEnum):
    """Who produced an annotation: the extractor or a person."""

    MODEL = "model"
    HUMAN = "human"


class QuoteType(StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"


class Status(StrEnum):
    """Where one annotator stands on one document."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    REJECTED = "rejected"


class TargetKind(StrEnum):
    """What a tag is attached to."""

    DOCUMENT = "document"
    ENTITY = "entity"
    QUOTE = "quote"


def content_hash(text: str) -> str:
    """Stable identity of a document's text: the same text ingested twice is one document. Hashes the text's
    NFC form (issue 17): the same words composed (é) or decomposed (e + U+0301) are one document. A leading byte
    order mark (U+FEFF) is left out, as ingest strips it from a .txt: a record whose text starts with one is the
    same document (the importer maps its offsets, `normalise.OffsetMap`)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    digest = hashlib.sha256()
    for start in range(0, len(text), _HASH_CHUNK):  # in slices, so a 50 MB text is not encoded whole at once
        digest.update(text[start : start + _HASH_CHUNK].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class TextRange:
    """A half-open range [start, end) of code points in a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid range [{self.start}, {self.end})")

    def overlaps(self, other: TextRange) -> bool:
        return self.start < other.end and other.start < self.end

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(slots=True)
class Document:
    text: str
    title: str = ""
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    hash: str = ""
    boilerplate: list[tuple[int, int]] | None = None
    """Web boilerplate lines (navigation, player residue, share/footer, link lines, repeated headlines) as
    [start, end) code-point ranges, kept in the text; None = not computed yet (the store computes it on insert
    with :func:`annotator.core.boilerplate.boilerplate_ranges`)."""

    def __post_init__(self) -> None:
        if not self.hash:
            self.hash = content_hash(self.text)


@dataclass(slots=True)
class Entity:
    """A named-entity span. `extra` keeps fields from imported files that annotator does not use."""

    start: int
    end: int
    label: str
    origin: Origin = Origin.HUMAN
    id: int | None = None
    doc_id: int | None = None
    annotator_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def range(self) -> TextRange:
        return TextRange(self.start, self.end)

    def with_(self, **changes: Any) -> Entity:
        return replace(self, **changes)


@dataclass(slots=True)
class Quote:
    """A quote: its content span, type, the speaker as written (span) and resolved (name), and its cue."""

    start: int
    end: int
    type: QuoteType = QuoteType.DIRECT
    speaker: TextRange | None = None
    speaker_name: str | None = None
    cue: TextRange | None = None
    origin: Origin = Origin.HUMAN
    id: int | None = None
    doc_id: int | None = None
    annotator_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def range(self) -> TextRange:
        return TextRange(self.start, self.end)

    def with_(self, **changes: Any) -> Quote:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag from the tag set, on a document (target_id None), an entity or a quote."""

    tag: str
    target_kind: TargetKind = TargetKind.DOCUMENT
    target_id: int | None = None
    id: int | None = None
    doc_id: int | None = None
    annotator_id: int | None = None


@dataclass(slots=True)
class SourceRecord:
    """One article read from an input file, with where it came from (`path`, 1-based `line` or None for a
    .txt file) and the record's free `meta`. Made by annotator.io.articles, consumed by core.ingest."""

    document: Document
    path: str
    line: int | None
    meta: dict[str, Any] = field(default_factory=dict)
    extraction: Extraction | None = None
    """The model's entities and quotes when the record carries them (`annotator extract` output), else None."""


@dataclass(slots=True)
class Annotator:
    name: str
    id: int | None = None
    readonly_source: str | None = None
    """Where this annotator's work came from when it was brought in from a teammate (file or database)."""


@dataclass(slots=True)
class AnnotationSet:
    """Everything one annotator holds on one document: the unit of export, review and status."""

    doc_id: int
    annotator: str
    status: Status = Status.NEW
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    """Record-level fields from an imported file that annotator does not use (kept for export)."""
    updated_at: str | None = None

    def document_tags(self) -> list[str]:
        return sorted(t.tag for t in self.tags if t.target_kind is TargetKind.DOCUMENT)

    def tags_of(self, kind: TargetKind, target_id: int) -> list[str]:
        return sorted(t.tag for t in self.tags if t.target_kind is kind and t.target_id == target_id)

    def copy_for(self, annotator: str, *, status: Status | None = None,
                 origin: Origin | None = None) -> AnnotationSet:
        """This stored set as a new set of `annotator` for `Store.replace_annotation_set`: no ids, span tags
        pointing at list positions (a tag on a span that is gone is dropped), `status` (default: this set's)
        and, when given, one `origin` for every entity and quote (gold takes Origin.HUMAN)."""
        entity_pos = {e.id: i for i, e in enumerate(self.entities)}
        quote_pos = {q.id: i for i, q in enumerate(self.quotes)}
        tags = []
        for t in self.tags:
            if t.target_kind is TargetKind.DOCUMENT:
                tags.append(Tag(t.tag))
            elif t.target_kind is TargetKind.ENTITY and t.target_id in entity_pos:
                tags.append(Tag(t.tag, TargetKind.ENTITY, entity_pos[t.target_id]))
            elif t.target_kind is TargetKind.QUOTE and t.target_id in quote_pos:
                tags.append(Tag(t.tag, TargetKind.QUOTE, quote_pos[t.target_id]))
        return AnnotationSet(
            doc_id=self.doc_id, annotator=annotator, status=status or self.status,
            entities=[Entity(e.start, e.end, e.label, origin or e.origin, extra=dict(e.extra)) for e in self.entities],
            quotes=[q.with_(id=None, doc_id=None, annotator_id=None, origin=origin or q.origin) for q in self.quotes],
            tags=tags, extra=dict(self.extra),
        )


@dataclass(slots=True)
class Extraction:
    """What the pre-extraction found in one text (no ids yet)."""

    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


def find_overlap(entities: list[Entity]) -> tuple[Entity, Entity] | None:
    """Return the first pair of overlapping entities, or None. Entities must be trainable as NER."""
    ordered = sorted(entities, key=lambda e: (e.start, e.end))
    for left, right in zip(ordered, ordered[1:]):
        if right.start < left.end:
            return left, right
    return None
