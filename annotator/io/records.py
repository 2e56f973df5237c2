"""annotator's JSONL record (a Prodigy task plus `quotes`, FORMATS.md) <-> AnnotationSet.

This module is the single source of the record shape: the exporter, the Prodigy and doccano writers and the
extractor's output all build on it. Parsing validates as it goes and raises `InputError("path:line: reason")`.

Lossless round trips: record-level fields annotator does not use go to `AnnotationSet.extra`, span-level ones to
`Entity.extra` / `Quote.extra`, and come back on export. Derived fields kept there (`text`, `token_start`,
`token_end` of a span, `_task_hash`) are refreshed on export, so an edit never leaves them stale. The reserved key
`IMPORT_KEY` in `AnnotationSet.extra` remembers which rebuilt fields the source record had and a digest of its
annotations at import (to know whether the original `_task_hash` still holds); it is never written out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import (
    MODEL_ANNOTATOR,
    AnnotationSet,
    Document,
    Entity,
    Extraction,
    Origin,
    Quote,
    QuoteType,
    Status,
    Tag,
    TargetKind,
    TextRange,
    content_hash,
)
from annotator.core.errors import InputError
from annotator.io.choices import cats_tags, choice_tags, refresh_choice_and_cats
from annotator.core.normalise import nfc
from annotator.io.set_checks import check_set_content

IMPORT_KEY = "_annotator_import"
"""Reserved key in AnnotationSet.extra: {"had": [record keys present at import], "digest": int}."""

ENTITIES_KEY = "entities"
"""Key of the import marker (`records.IMPORT_KEY`): False when the source record annotated categories or
relations only, never entities (a spaCy `cats` record, a Prodigy `choice`, a doccano classification record or CSV
row, a `rel.manual` record with unlabelled spans). Decided from the source's keys at import, never from "no
entities": a person who finished a document and found no entity means "none here"."""


JUDGED_FIELD = "entities_judged"
"""Record field `false` that annotator's JSONL and Prodigy exports write on a set whose source never annotated
entities (`ENTITIES_KEY`) when nothing else in the record says so (a doccano CSV row: `tags` only; a `cats` or
`choice` record carries its own keys). Read back, the set's tokens stay missing for NER (attack v4 H4); the same
field Label Studio annotations carry (`labelstudio.UNJUDGED_FIELD`)."""


def entities_unjudged_marked(aset: AnnotationSet) -> bool:
    """Whether the import marker says the set's source never annotated entities (and the set has none)."""
    marker = aset.extra.get(IMPORT_KEY)
    return isinstance(marker, dict) and marker.get(ENTITIES_KEY) is False and not aset.entities


def mark_entities_not_annotated(aset: AnnotationSet) -> None:
    """Record in the import marker that the source never annotated entities (see `ENTITIES_KEY`)."""
    aset.extra.setdefault(IMPORT_KEY, {})[ENTITIES_KEY] = False


ANSWER_OF_STATUS = {Status.DONE: "accept", Status.REJECTED: "reject", Status.SKIPPED: "ignore"}
STATUS_OF_ANSWER = {"accept": Status.DONE, "reject": Status.REJECTED, "ignore": Status.SKIPPED}
STATUS_KEY = "status"
"""Record field that marks a person's UNFINISHED set in annotator's own exports (`"status": "in_progress"` or
`"new"`, written with no `answer`). Prodigy has no such state (a task in its database is always answered), so
the field is annotator's; any other value of a `status` field is a kept unknown field."""
UNFINISHED_OF_STATUS = {Status.NEW.value: Status.NEW, Status.IN_PROGRESS.value: Status.IN_PROGRESS}

GOLD_ANNOTATOR = "gold"
"""A Prodigy `review` record's reviewed answer goes to `gold@<reviewer>`: the reviewed version, named apart from
review's own `gold` set (a reserved name an import never writes)."""

QUOTE_LABEL, SPEAKER_LABEL, CUE_LABEL = "QUOTE", "SPEAKER", "CUE"
"""Span labels of the quote flavour (Prodigy spans + relations, doccano entities + relations)."""
QUOTE_PART_LABELS = {QUOTE_LABEL, SPEAKER_LABEL, CUE_LABEL}
QUOTE_TYPE_VALUES = frozenset(t.value for t in QuoteType)
QUOTE_MARKS = ("quote_type", "speaker_name")
"""Fields annotator writes on every QUOTE span of its quote flavour (Prodigy, doccano; Label Studio in `meta`).
A span labelled QUOTE is a quote only when it carries one of them or a SPEAKER/CUE relation joins a part to it;
any other QUOTE span is a person's entity with that label (a team's label set may have QUOTE), attack s4 H1."""


def is_marked_quote(source: dict[str, Any]) -> bool:
    """Whether a QUOTE span (a Prodigy span or doccano entity dict) carries annotator's quote fields."""
    return any(key in source for key in QUOTE_MARKS)


def bare_quote_warning(what: str, start: int, end: int, label: str = QUOTE_LABEL) -> str:
    """The one warning line for a span labelled QUOTE read as an entity while its record also looks like
    annotator's quote flavour (quotes or SPEAKER/CUE spans in it): it may have been meant as a quote."""
    return (f"{what} ({label} {start}-{end}) has none of annotator's quote marks (quote_type, speaker_name, a "
            f"SPEAKER/CUE relation): read as an entity labelled {label}, not as a quote")

RECORD_KEYS = ("text", "meta", "spans", "quotes", "tags", "answer", "relations")
"""Top-level keys of a Prodigy-style record that annotator rebuilds on export."""
SPAN_KEYS = ("start", "end", "label", "tags")
TOKEN_KEYS = ("token_start", "token_end")
"""Recomputed on every Prodigy export, so not kept for quote parts (entities keep them for JSONL exports)."""


# -- hashes -------------------------------------------------------------------------------------------------


def one_shot_encoder(*, ensure_ascii: bool = True, sort_keys: bool = False,
                     separators: tuple[str, str] | None = None) -> Callable[[Any], str]:
    """= json.JSONEncoder(...).encode (same text), with the C encoder made once instead of once a call (that
    setup costs about as much as encoding a small value). Strict like `dumps_strict`: NaN/Infinity raise ValueError. No circular-reference check: the values encoded are
    JSON read from files or built from rows, which cannot hold cycles."""
    encoder = json.JSONEncoder(ensure_ascii=ensure_ascii, sort_keys=sort_keys, separators=separators,
                               allow_nan=False)  # strict JSON out: NaN/Infinity raise ValueError
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    run = make(
        None, encoder.default, json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring,
        None, encoder.key_separator, encoder.item_separator, encoder.sort_keys, encoder.skipkeys, encoder.allow_nan,
    )
    join = "".join
    return lambda value: join(run(value, 0))


_HASH_JSON = one_shot_encoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
"""`json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`, without building an encoder a call."""


def _hash_of(data: str) -> int:
    digest = hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=4).digest()
    return int.from_bytes(digest, "little", signed=True)


def stable_hash(value: Any) -> int:
    """A stable signed 32-bit int of a JSON value (Prodigy's hashes are ints of that size; murmurhash not needed)."""
    return _hash_of(_HASH_JSON(value))


def input_hash(text: str) -> int:
    """The text's Prodigy-style `_input_hash`: a signed 32-bit int taken from its content hash (the sha256 the
    store keeps for every document), so an export never re-encodes a text just to hash it."""
    return input_hash_of_digest(content_hash(text))


def input_hash_of_digest(hexdigest: str) -> int:
    """`input_hash` from a document's stored content hash (`Document.hash`)."""
    return int.from_bytes(bytes.fromhex(hexdigest[:8]), "little", signed=True)


def content_key(aset: AnnotationSet) -> list[Any]:
    """The annotations of a set as plain data (no ids, no status): what `_task_hash` and the digest cover."""
    return [
        sorted([e.start, e.end, e.label] for e in aset.entities),
        sorted(
            [
                q.start,
                q.end,
                QuoteType(q.type).value,
                [q.speaker.start, q.speaker.end] if q.speaker else None,
                [q.cue.start, q.cue.end] if q.cue else None,
                q.speaker_name,
            ]
            for q in aset.quotes
        ),
    ]


def task_hash(text: str, aset: AnnotationSet, *, input_hash_value: int | None = None) -> int:
    """= stable_hash({"input": `_input_hash`, "annotations": content_key(aset)}), serialised directly; pass
    `input_hash_value` when it is known already (export computes it once a document)."""
    value = input_hash(text) if input_hash_value is None else input_hash_value
    return _hash_of('{"annotations":' + _HASH_JSON(content_key(aset)) + ',"input":' + str(int(value)) + "}")


def task_hash_from_key(content: list[Any], input_hash_value: int) -> int:
    """= task_hash for a set whose `content_key` is `content` (the exporter builds it from rows)."""
    return _hash_of('{"annotations":' + _HASH_JSON(content) + ',"input":' + str(int(input_hash_value)) + "}")


def digest(aset: AnnotationSet) -> int:
    return stable_hash(content_key(aset))


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, allow_nan=False)


def comparable(aset: AnnotationSet) -> str:
    """Everything an import writes, as canonical JSON: equal when writing would change nothing (idempotency).
    Works for a stored set (tags point at ids) and a parsed one (tags point at list positions)."""
    by_id = all(e.id is not None for e in aset.entities) and all(q.id is not None for q in aset.quotes)
    entity_at = {(e.id if by_id else i): [e.start, e.end, e.label] for i, e in enumerate(aset.entities)}
    quote_at = {(q.id if by_id else i): [q.start, q.end] for i, q in enumerate(aset.quotes)}

    def target(tag: Tag) -> Any:
        kind = TargetKind(tag.target_kind)
        if kind is TargetKind.DOCUMENT:
            return None
        return (entity_at if kind is TargetKind.ENTITY else quote_at).get(tag.target_id)

    value = {
        "status": Status(aset.status).value,
        "extra": aset.extra,
        "entities": sorted(([e.start, e.end, e.label, Origin(e.origin).value, e.extra] for e in aset.entities), key=_canon),
        "quotes": sorted((
            [q.start, q.end, QuoteType(q.type).value, q.speaker and [q.speaker.start, q.speaker.end],
             q.speaker_name, q.cue and [q.cue.start, q.cue.end], Origin(q.origin).value, q.extra]
            for q in aset.quotes
        ), key=_canon),
        "tags": sorted(([TargetKind(t.target_kind).value, target(t), t.tag] for t in aset.tags), key=_canon),
    }
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, allow_nan=False)


# -- parsing helpers ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class ImportedSet:
    """One annotation set read from a file, before it has a document id."""

    text: str
    meta: dict[str, Any]
    annotator: str | None
    """From the record (`_annotator_id`, `_session_id`, `user`), else None: the importer's default applies."""
    aset: AnnotationSet | None
    """None for a record with text only: a document to annotate (status new), not an empty answer."""
    line: int | None
    suggested: bool = False
    """The record had no answer (`record_status` is None): `aset` holds suggestions, stored as the model's
    pre-annotation (status new) of a document to annotate, never as anyone's annotations."""
    prediction: str | None = None
    """For a model's prediction (Label Studio `predictions`): the name to use when the document's `model` set
    (the pre-annotation) already holds something else, e.g. `model@<model_version>`. None for people's sets."""
    source: Path | None = None
    """The file the set was read from when it is not the imported path itself (a brat pair's `.ann` in an
    imported folder): messages about the set name it, not the folder."""


def where_text(path: Path, line: int | None) -> str:
    """`path:line`, or just `path` for a record without a line."""
    return f"{path}:{line}" if line is not None else str(path)


@dataclass(slots=True)
class Where:
    """Where a record came from, to raise `InputError("path:line: reason")`."""

    path: Path
    line: int | None
    notes: list[str] | None = None
    """Where warnings go (`path:line: reason`): things imported as the user meant, but worth a look."""
    place: str = ""
    """For files without lines (Label Studio JSON): "task 3 (id 41): " before each reason."""

    def fail(self, reason: str) -> InputError:
        return InputError(self.path, self.line, self.place + reason)

    def warn(self, reason: str) -> None:
        """Record a warning (stale span text, a repeated span...): the import goes on."""
        if self.notes is not None:
            where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
            self.notes.append(f"{where}: {self.place}{reason}")


def type_name(value: Any) -> str:
    return "null" if value is None else {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def need(where: Where, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if type(value) is kind:  # fast path: the exact type (bool is not int here)
        return value
    if kind is int or kind == (int,):
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        expected = {dict: "an object", list: "an array", str: "a string", int: "an integer"}.get(kind, str(kind))
        raise where.fail(f"{what} must be {expected}, got {type_name(value)}")
    return value


def check_range(where: Where, text: str, start: Any, end: Any, what: str) -> TextRange:
    if type(start) is int and type(end) is int and 0 <= start < end <= len(text):  # fast path: a valid range
        return TextRange(start, end)
    start, end = whole_number(start), whole_number(end)  # 6.0 from pandas / JavaScript writers is 6
    need(where, start, int, f"{what} start")
    need(where, end, int, f"{what} end")
    if start < 0 or end > len(text) or start > len(text):
        raise where.fail(f"{what} offsets {start}-{end} are outside the text (length {len(text)})")
    if end < start:
        raise where.fail(f"{what} offsets {start}-{end} are reversed")
    if end == start:
        raise where.fail(f"{what} at {start}-{end} is empty")
    return TextRange(start, end)


def whole_number(value: Any) -> Any:
    """A float with no fraction (6.0, as pandas and JavaScript exporters write offsets) as its int; anything
    else as it came (the caller's type check names it)."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def shown_value(value: Any) -> str:
    """"null" for None, else the type and the value (for "got ..." in messages)."""
    return "null" if value is None else f"{type_name(value)} {value!r}"


def check_span_text(where: Where, text: str, span: dict[str, Any], rng: TextRange, what: str) -> None:
    """A span's `text` field is a copy: when it is stale, the offsets win and a warning names file:line
    (Prodigy and doccano never read it back either). The span's `text` is rebuilt on export. A text equal under
    Unicode NFC (the span's "Zürich" composed, the record's decomposed) is the same text, with no warning."""
    written = span.get("text")
    if isinstance(written, str) and written != text[rng.start : rng.end]:
        if nfc(written) == nfc(text[rng.start : rng.end]):
            return
        if where.notes is None:  # a reader with no warnings channel (ingest of extract output): refuse
            raise where.fail(f"{what} text {written!r} does not match the text at {rng.start}-{rng.end} "
                             f"({text[rng.start:rng.end]!r}); offsets must count Unicode code points")
        where.warn(
            f"{what} text {written!r} does not match the text at {rng.start}-{rng.end} "
            f"({text[rng.start:rng.end]!r}); imported by its offsets (Unicode code points)"
        )
        span["text"] = text[rng.start : rng.end]  # the copy kept for export is the true one


def string_list(where: Where, value: Any, what: str) -> list[str]:
    need(where, value, list, what)
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise where.fail(f"{what} must be an array of non-empty strings, got an item {type_name(item)} {item!r}")
    return list(value)  # as written: a name with edge spaces is refused by the importer, not changed (issue 17)


def record_text(where: Where, record: dict[str, Any]) -> str:
    if "text" not in record:
        raise where.fail(
            'record has no "text": unknown layout (expected annotator/Prodigy JSONL with "text" and "spans", '
            'or doccano JSONL with "text" and "label" or "entities")'
        )
    text = need(where, record["text"], str, '"text"')
    if not text.strip():
        raise where.fail('"text" is empty')
    return text


def record_meta(where: Where, record: dict[str, Any]) -> dict[str, Any]:
    meta = record.get("meta", {})
    if meta is None:
        return {}
    return dict(need(where, meta, dict, '"meta"'))


def record_status(where: Where, record: dict[str, Any]) -> Status | None:
    """THE rule deciding what an imported Prodigy / annotator JSONL record is (one place: exchange import and its
    tests rely on it). Prodigy's convention: a task is an annotation only once it has an `answer`.
    - `answer` "accept" / "reject" / "ignore" -> done / rejected / skipped (someone's finished set);
    - no `answer` (absent or null) and `"status": "in_progress"` or `"new"` (annotator's export of a person's
      unfinished set) -> that status, never done;
    - no `answer`, no spans or quotes, and `cats` whose every score is exactly 0 or 1 -> done: spaCy's training
      format for text classification (`{"text": ..., "cats": {"SPORTS": 1.0, "POLITICS": 0.0}}`, spaCy's textcat
      docs and examples) is decided labels; a model's `doc.cats` output has fractional scores and stays a suggestion;
    - no `answer` and no such marker -> None: NOT an annotation. The record is a document to annotate and its
      spans / quotes are suggestions (what `annotator extract` writes, a Prodigy input task, a model's output):
      the importer stores them as the pre-annotation (the model's set, status new), never as a person's set.
    Raises InputError for an `answer` that is not one of the three."""
    answer = record.get("answer")
    if answer is None:
        if isinstance(record.get(STATUS_KEY), str):
            return UNFINISHED_OF_STATUS.get(record.get(STATUS_KEY))
        return Status.DONE if is_spacy_training_cats(record) else None
    if not isinstance(answer, str) or answer not in STATUS_OF_ANSWER:
        raise where.fail(f'"answer" must be "accept", "reject" or "ignore", got {answer!r}')
    return STATUS_OF_ANSWER[answer]


def is_spacy_training_cats(record: dict[str, Any]) -> bool:
    """A text-classification training example in spaCy's shape: `cats` with scores of exactly 0 or 1 only (no
    fractional model scores), and no spans or quotes that would make it a span task."""
    cats = record.get("cats")
    if not isinstance(cats, dict) or not cats or record.get("spans") or record.get("quotes"):
        return False
    return all(type(score) in (int, float) and score in (0, 1) for score in cats.values())


def is_suggestion_record(where: Where, record: dict[str, Any]) -> bool:
    """A record with annotations but no answer and no unfinished-status marker: suggestions (see record_status)."""
    return record_status(where, record) is None


def status_of(where: Where, record: dict[str, Any]) -> Status:
    """The status of a parsed set: `record_status`, and NEW for a suggestion record (the model's set)."""
    return record_status(where, record) or Status.NEW


def annotator_of(where: Where, record: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            return f"user{value}"
        name = need(where, value, str, f'"{key}"')
        return name if name.strip() else None  # kept as written: the importer refuses edge spaces (issue 17)
    return None


def check_no_overlap(where: Where, entities: list[Entity]) -> None:
    previous_end = -1
    for entity in entities:  # fast path: already in order without overlaps (the usual file), no sort needed
        if entity.start < previous_end:
            break
        previous_end = entity.end
    else:
        return
    ordered = sorted(entities, key=lambda e: (e.start, e.end))
    for left, right in zip(ordered, ordered[1:]):
        if right.start < left.end:
            raise where.fail(
                f"overlapping entities {left.label} {left.start}-{left.end} and {right.label} {right.start}-{right.end} "
                "(entities must not overlap to be trainable as NER)"
            )


def tags_from(
    where: Where, aset_tags: list[Tag], value: Any, kind: TargetKind, index: int | None, what: str
) -> None:
    if value is None:
        return
    for tag in dict.fromkeys(string_list(where, value, what)):
        aset_tags.append(Tag(tag=tag, target_kind=kind, target_id=index))


def categories_or_relations_only(record: dict[str, Any]) -> bool:
    """True for a record that annotated categories (spaCy `cats`, Prodigy `choice`'s `accept`/`options`, doccano
    classification labels) or relations, with no labelled span: its source never annotated entities. A record with
    a labelled span, or with none of these keys (`ner.manual` finished with nothing found), is a NER annotation."""
    spans = record.get("spans")
    if isinstance(spans, list) and any(isinstance(s, dict) and s.get("label") for s in spans):
        return False
    if record.get("entities"):  # doccano
        return False
    label = record.get("label")
    categories = isinstance(label, list) and bool(label) and all(isinstance(x, str) for x in label)
    return bool(categories or "cats" in record or "accept" in record or "options" in record
                or record.get("relations"))


def import_marker(record: dict[str, Any], aset: AnnotationSet, keys: tuple[str, ...] = RECORD_KEYS) -> dict[str, Any]:
    return {"had": [k for k in keys if k in record], "digest": digest(aset)}


# -- the annotator record -----------------------------------------------------------------------------------


def range_dict(text: str, rng: TextRange | None, extra: dict[str, Any] | None = None) -> dict[str, Any] | None:
    if rng is None:
        return None
    return {**(extra or {}), "start": rng.start, "end": rng.end, "text": text[rng.start : rng.end]}


def parse_quote(where: Where, text: str, value: Any, number: int) -> tuple[Quote, Any]:
    """A quote of the `quotes` array -> (Quote, its tags value)."""
    what = f"quote {number}"
    item = need(where, value, dict, what)
    rng = check_range(where, text, item.get("start"), item.get("end"), what)
    check_span_text(where, text, item, rng, what)
    kind = item.get("type", QuoteType.DIRECT.value)
    if kind not in QUOTE_TYPE_VALUES:
        raise where.fail(f'{what} "type" must be "direct", "indirect" or "mixed", got {kind!r}')
    extra = {k: v for k, v in item.items() if k not in {"start", "end", "text", "type", "speaker", "cue", "speaker_name", "tags"}}
    parts: dict[str, TextRange | None] = {}
    for part in ("speaker", "cue"):
        sub = item.get(part)
        if sub is None:
            parts[part] = None
            continue
        part_what = f"{what} {part}"
        need(where, sub, dict, part_what)
        parts[part] = check_range(where, text, sub.get("start"), sub.get("end"), part_what)
        check_span_text(where, text, sub, parts[part], part_what)
        sub_extra = {k: v for k, v in sub.items() if k not in {"start", "end", "text"}}
        if sub_extra:
            extra[f"{part}_span"] = sub_extra
    name = item.get("speaker_name")
    if name is not None:
        need(where, name, str, f"{what} speaker_name")
    quote = Quote(
        start=rng.start,
        end=rng.end,
        type=QuoteType(kind),
        speaker=parts["speaker"],
        speaker_name=name,
        cue=parts["cue"],
        extra=extra,
    )
    return quote, item.get("tags")


def quote_dict(text: str, quote: Quote, tags: list[str]) -> dict[str, Any]:
    """A quote as annotator's JSONL writes it (FORMATS.md)."""
    extra = {k: v for k, v in quote.extra.items() if k not in {"speaker_span", "cue_span"}}
    return {
        **extra,
        "start": quote.start,
        "end": quote.end,
        "text": text[quote.start : quote.end],
        "type": QuoteType(quote.type).value,
        "speaker": range_dict(text, quote.speaker, quote.extra.get("speaker_span")),
        "cue": range_dict(text, quote.cue, quote.extra.get("cue_span")),
        "speaker_name": quote.speaker_name,
        "tags": tags,
    }


def entity_span(text: str, entity: Entity, tags: list[str], *, with_text: bool) -> dict[str, Any]:
    # kept fields, then start, end, label, text, token_start, token_end: the same order whether or not the kept
    # fields hold the rebuilt ones, so a re-export of an export is the same file
    span = {**{k: v for k, v in entity.extra.items() if k != "text" and k not in TOKEN_KEYS},
            "start": entity.start, "end": entity.end, "label": entity.label}
    if with_text or "text" in entity.extra:
        span["text"] = text[entity.start : entity.end]
    for key in TOKEN_KEYS:
        if key in entity.extra:
            span[key] = entity.extra[key]
    if tags:
        span["tags"] = tags
    return span


def tag_lists(aset: AnnotationSet) -> tuple[list[str], dict[int, list[str]], dict[int, list[str]]]:
    """(document tags, entity index -> tags, quote index -> tags) of a stored set (tags refer to ids)."""
    entity_index = {e.id: i for i, e in enumerate(aset.entities)}
    quote_index = {q.id: i for i, q in enumerate(aset.quotes)}
    doc_tags: list[str] = []
    entity_tags: dict[int, list[str]] = {}
    quote_tags: dict[int, list[str]] = {}
    for tag in aset.tags:
        kind = TargetKind(tag.target_kind)
        if kind is TargetKind.DOCUMENT:
            doc_tags.append(tag.tag)
        elif kind is TargetKind.ENTITY and tag.target_id in entity_index:
            entity_tags.setdefault(entity_index[tag.target_id], []).append(tag.tag)
        elif kind is TargetKind.QUOTE and tag.target_id in quote_index:
            quote_tags.setdefault(quote_index[tag.target_id], []).append(tag.tag)
    return sorted(doc_tags), {k: sorted(v) for k, v in entity_tags.items()}, {k: sorted(v) for k, v in quote_tags.items()}


EXPORT_ISSUE_PREFIXES = {
    "misaligned": "not aligned", "duplicates": "several versions", "blank_edges": "whitespace edge",
    "dropped_relations": "relation", "left_out": "left out", "unjudged": "not judged",
    "declined_models": "model left out", "reviewed_out": "reviewed out",
}
"""ExportIssues list -> the word an export or a training run prints before each of its lines (in print order)."""


@dataclass(slots=True)
class ExportIssues:
    """What an export could not express exactly: reported, never silently dropped."""

    misaligned: list[str] = field(default_factory=list)
    dropped_relations: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    """Documents with more than one selected version, of which a training export kept one (which, and why)."""
    blank_edges: list[str] = field(default_factory=list)
    """Entities that start or end in whitespace: exported as stored, listed (issue 17; `core.spans`)."""
    model_sets_left_out: list[str] = field(default_factory=list)
    """Model sets (`model@...`) a training export left out (`io/training_version.py`; --include-model)."""
    unjudged: list[str] = field(default_factory=list)
    """Sets whose tokens were not all judged for entities (binary answers; categories or relations only): left
    out of CoNLL/IOB, doccano and brat (`io/training_version.entities_unjudged`; attack s4 H4)."""
    declined_models: list[str] = field(default_factory=list)
    """Model sets left out because a person skipped or rejected the document (`io/training_version.py`)."""
    reviewed_out: list[str] = field(default_factory=list)
    """Documents whose gold set the review rejected or skipped: a training export leaves them out, people's sets
    too (`io/training_version.py`)."""
    left_out: list[str] = field(default_factory=list)
    """Annotations a format cannot hold as what they are, with where they went instead (e.g. overlapping spans
    kept in a spaCy span group but not in `doc.ents`, a discontinuous brat entity kept out of NER)."""

    def prefixed_lines(self, kinds: tuple[str, ...] = tuple(EXPORT_ISSUE_PREFIXES)) -> list[str]:
        """The listed issues of `kinds` (field names, in that order) as the command line prints them, one line each:
        `not aligned: ...`, `several versions: ...` (the prefix names the kind, EXPORT_ISSUE_PREFIXES)."""
        return [f"{EXPORT_ISSUE_PREFIXES[kind]}: {line}" for kind in kinds for line in getattr(self, kind)]

    def blank_edged_entity(self, doc_id: int | None, annotator: str, start: int, end: int, label: str, text: str,
                           what: str = "entity") -> None:
        """List a span (an entity, or with `what` a quote, speaker or cue) that starts or ends in whitespace."""
        named = f"{what} {start}-{end} {label}".rstrip()
        self.blank_edges.append(
            f"document {doc_id} ({annotator}): {named} {text[start:end]!r} starts or ends in whitespace"
        )

    def misaligned_span(self, doc_id: int | None, annotator: str, start: int, end: int, what: str, fate: str) -> None:
        self.misaligned.append(
            f"document {doc_id} ({annotator}): {what} {start}-{end} does not align with tokens; {fate}"
        )

    def left_out_span(self, doc_id: int | None, annotator: str, start: int, end: int, what: str, why: str) -> None:
        """A span left out for another reason than its alignment (`why` says the reason and its fate)."""
        self.misaligned.append(f"document {doc_id} ({annotator}): {what} {start}-{end} {why}")


def overlap_warning(what: str, label: str, start: int, end: int) -> str:
    """The warning for a span kept aside because it overlaps an earlier one (nested or crossing entities)."""
    return (f"{what} ({label} {start}-{end}) overlaps an earlier span; kept in {OVERLAP_KEY} (written back on "
            "export), not as an entity: spaCy's doc.ents cannot hold overlapping entities")


OVERLAP_KEY = "overlapping_spans"
"""AnnotationSet.extra key: spans of a `spans_manual` task that overlap an entity (spancat allows it, NER does
not); written back into `spans` on export."""
def overlapping_spans(aset: AnnotationSet) -> list[dict[str, Any]]:
    """The kept overlapping spans (start, end, label first, then the rest by name: a stable order)."""
    result = []
    for span in aset.extra.get(OVERLAP_KEY, []) or []:
        if isinstance(span, dict):
            result.append({**{k: span[k] for k in ("start", "end", "label") if k in span},
                           **{k: v for k, v in sorted(span.items()) if k not in ("start", "end", "label")}})
    return result


def place_overlaps(record: dict[str, Any], aset: AnnotationSet, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The record's `spans` with the set's kept overlapping spans placed where a reader takes them back: a
    `spans_manual` task (its `_view_id` kept) holds them in `spans`, as Prodigy wrote them; any other record
    (overlaps from doccano, brat or Label Studio, which allow nested entities) gets them in its own
    `overlapping_spans` field, so `spans` stays a valid NER task and the import reads them back (attack s4 M1)."""
    overlaps = overlapping_spans(aset)
    if not overlaps:
        return spans
    if aset.extra.get("_view_id") == "spans_manual":
        return spans + overlaps
    record[OVERLAP_KEY] = overlaps
    return spans


def record_overlaps(where: Where, text: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    """A record's own `overlapping_spans` field (annotator's export, `place_overlaps`), checked as `spans` are:
    offsets inside the text, a label; returned as they came."""
    if record.get(OVERLAP_KEY) is None:
        return []
    need(where, record[OVERLAP_KEY], list, f'"{OVERLAP_KEY}"')
    return [dict(span.source) for span in parse_spans(where, text, record[OVERLAP_KEY])]


REBUILT_KEYS = frozenset({IMPORT_KEY, "tokens", "relations", "text", "meta", "_input_hash", "_task_hash",
                           "_annotator_id", "answer", OVERLAP_KEY, JUDGED_FIELD})


def base_record(doc: Document, aset: AnnotationSet, *, answer_always: bool) -> dict[str, Any]:
    """Kept fields + text, meta, hashes, annotator id and answer, shared by every Prodigy-style writer."""
    marker = aset.extra.get(IMPORT_KEY) or {}
    # Kept fields first, then the rebuilt ones in a fixed order, so a re-export of an export is the same file.
    record = {k: v for k, v in aset.extra.items() if k not in REBUILT_KEYS}
    record["text"] = doc.text
    record["meta"] = dict(doc.meta)
    computed = None  # the text's input hash, computed at most once a record
    if "_input_hash" in aset.extra:
        record["_input_hash"] = aset.extra["_input_hash"]
    else:
        record["_input_hash"] = computed = input_hash_of_digest(doc.hash)
    if "_task_hash" in aset.extra and "digest" in marker and marker["digest"] == digest(aset):
        record["_task_hash"] = aset.extra["_task_hash"]
    else:
        record["_task_hash"] = task_hash(doc.text, aset, input_hash_value=computed)
    record["_annotator_id"] = aset.annotator
    if "accept" in record or "cats" in record:
        refresh_choice_and_cats(record, tag_lists(aset)[0])
    answer = ANSWER_OF_STATUS.get(Status(aset.status))
    if answer:  # always: a finished set without an answer would come back as suggestions (record_status)
        record["answer"] = answer
    elif answer is None and aset.annotator != MODEL_ANNOTATOR:
        # a person's unfinished set: no answer (not an annotation yet) and the marker that brings it back as
        # unfinished, never done (record_status); the model's set has neither and comes back as suggestions
        record.pop("answer", None)
        record[STATUS_KEY] = Status(aset.status).value
    if isinstance(aset.extra.get("tokens"), list):
        record["tokens"] = canonical_tokens(aset.extra["tokens"])
    return record


TOKEN_ORDER = ("text", "start", "end", "id", "ws", "disabled")


def canonical_tokens(tokens: list[Any]) -> list[Any]:
    """Prodigy tokens with their keys in Prodigy's order (text, start, end, id, ws, disabled, then the rest), so
    an export does not depend on the order the store kept them in."""
    result = []
    for token in tokens:
        if isinstance(token, dict):
            token = {**{k: token[k] for k in TOKEN_ORDER if k in token},
                     **{k: v for k, v in sorted(token.items()) if k not in TOKEN_ORDER}}
        result.append(token)
    return result


def refresh_relations(
    relations: list[dict[str, Any]],
    spans: list[dict[str, Any]],
    where: str,
    issues: ExportIssues | None,
    overlaps: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Kept (entity-to-entity) relations, pointed at the spans as they are now; a relation whose span was
    edited away is reported and left out. `overlaps` are the set's kept overlapping (nested) spans: a relation
    may end on one of them and is kept with it (attack v4 H5); the record's own spans win on equal keys."""
    by_offsets = {(s["start"], s["end"], s["label"]): s for s in spans}
    by_token_end = {s.get("token_end"): s for s in spans if s.get("token_end") is not None}
    kept = []
    by_id = {s["id"]: s for s in spans if "id" in s}
    for span in overlaps or []:
        by_offsets.setdefault((span.get("start"), span.get("end"), span.get("label")), span)
        if "id" in span:
            by_id.setdefault(span["id"], span)
    for relation in relations:
        if "from_id" in relation and "head_span" not in relation:  # a doccano relation: make it Prodigy's
            head, child = by_id.get(relation.get("from_id")), by_id.get(relation.get("to_id"))
            if head is not None and child is not None:
                fresh = {k: v for k, v in relation.items() if k not in ("from_id", "to_id", "type")}
                if head.get("token_end") is not None and child.get("token_end") is not None:
                    fresh.update(head=head["token_end"], child=child["token_end"])
                fresh.update(label=relation.get("type"), head_span={k: v for k, v in head.items() if k != "tags"},
                             child_span={k: v for k, v in child.items() if k != "tags"})
                kept.append(fresh)
            elif issues is not None:
                issues.dropped_relations.append(
                    f"{where}: relation {relation.get('type')!r} {relation.get('from_id')}->{relation.get('to_id')} "
                    "left out: one of its entities was changed or deleted"
                )
            continue
        found = []
        for end_key, span_key in (("head", "head_span"), ("child", "child_span")):
            old = relation.get(span_key)
            if isinstance(old, dict) and old.get("label") is None:  # an unlabelled span (rel.manual): no entity
                found.append(old)  # kept as it came
            elif isinstance(old, dict):
                found.append(by_offsets.get((old.get("start"), old.get("end"), old.get("label"))))
            else:
                found.append(by_token_end.get(relation.get(end_key)))
        if None in found:
            if issues is not None:
                issues.dropped_relations.append(
                    f"{where}: relation {relation.get('label')!r} {relation.get('head')}->{relation.get('child')} "
                    "left out: one of its spans was changed or deleted"
                )
            continue
        head, child = found
        fresh = dict(relation)
        for end_key, span_key, span in (("head", "head_span", head), ("child", "child_span", child)):
            if span.get("token_end") is not None:
                fresh[end_key] = span["token_end"]
            if isinstance(relation.get(span_key), dict):
                fresh[span_key] = {**relation[span_key], **{k: v for k, v in span.items() if k != "tags"}}
        kept.append(fresh)
    return kept


def span_relation(relation: dict[str, Any], aset: AnnotationSet) -> dict[str, Any] | None:
    """A kept relation in Prodigy's shape (`label`, `head_span`, `child_span` with start, end, label), whatever
    its source: a Prodigy / brat / Label Studio relation as it is; a doccano one (`from_id`, `to_id`, `type`)
    pointed at the set's entities (or kept overlapping spans) by their doccano `id`, its other fields kept but
    the doccano id (attack s4 M2). None when an end is not (or no longer) in the set."""
    if isinstance(relation.get("head_span"), dict) and isinstance(relation.get("child_span"), dict):
        return relation
    if "from_id" not in relation and "to_id" not in relation:
        return None
    by_id: dict[Any, dict[str, Any]] = {}
    for entity in aset.entities:
        ident = entity.extra.get("id")
        if isinstance(ident, (int, str)) and not isinstance(ident, bool):
            by_id.setdefault(ident, {"start": entity.start, "end": entity.end, "label": entity.label})
    for span in overlapping_spans(aset):
        ident = span.get("id")
        if isinstance(ident, (int, str)) and not isinstance(ident, bool):
            by_id.setdefault(ident, {k: span[k] for k in ("start", "end", "label") if k in span})
    head, child = by_id.get(relation.get("from_id")), by_id.get(relation.get("to_id"))
    if head is None or child is None:
        return None
    rest = {k: v for k, v in relation.items() if k not in ("id", "from_id", "to_id", "type")}
    return {**rest, "label": relation.get("type"), "head_span": head, "child_span": child}


def relation_name(relation: dict[str, Any]) -> str:
    """A relation's type for messages: Prodigy's `label`, doccano's `type` (never a Python None)."""
    name = relation.get("label", relation.get("type"))
    return repr(name) if isinstance(name, str) else "(unnamed)"


def token_index(tokens: list[dict[str, Any]]) -> tuple[dict[int, int], dict[int, int]]:
    """(start offset -> token id, end offset -> token id) of Prodigy tokens."""
    starts, ends = {}, {}
    for position, token in enumerate(tokens):
        tid = token.get("id", position)
        starts[token["start"]] = tid
        ends[token["end"]] = tid
    return starts, ends


def record_from_set(
    doc: Document,
    aset: AnnotationSet,
    *,
    labels: set[str] | None = None,
    issues: ExportIssues | None = None,
) -> dict[str, Any]:
    """annotator's JSONL record for one (document, annotator): Prodigy task + `quotes` + `tags`. `quotes` is left
    out for a set whose source never annotated quotes (`quote_coverage.quotes_annotated`), `entities_judged: false`
    added for one that never annotated entities (`mark_unjudged_record`), so a re-import keeps both states."""
    from annotator.io.quote_coverage import quotes_annotated

    record = base_record(doc, aset, answer_always=True)
    doc_tags, entity_tags, quote_tags = tag_lists(aset)
    tokens = aset.extra.get("tokens")
    starts, ends = token_index(tokens) if isinstance(tokens, list) else ({}, {})
    spans = []
    for i, entity in enumerate(aset.entities):
        if labels is not None and entity.label not in labels:
            continue
        span = entity_span(doc.text, entity, entity_tags.get(i, []), with_text=True)
        if ("token_start" in span or "token_end" in span) and entity.start in starts and entity.end in ends:
            span["token_start"], span["token_end"] = starts[entity.start], ends[entity.end]
        spans.append(span)
    record["spans"] = place_overlaps(record, aset, spans)
    if "relations" in aset.extra:
        record["relations"] = refresh_relations(
            aset.extra["relations"], spans, f"document {doc.id} ({aset.annotator})", issues,
            overlaps=overlapping_spans(aset),
        )
    if aset.quotes or quotes_annotated(aset):  # absent = nobody judged quotes; [] = "no quote here" (attack v4 H3)
        record["quotes"] = [quote_dict(doc.text, q, quote_tags.get(i, [])) for i, q in enumerate(aset.quotes)]
    record["tags"] = doc_tags
    mark_unjudged_record(record, aset)
    return record


def mark_unjudged_record(record: dict[str, Any], aset: AnnotationSet) -> None:
    """Add `JUDGED_FIELD: false` to an exported record of a set whose source never annotated entities, unless the
    record's own keys already say so (`categories_or_relations_only`); a re-import reads it back (attack v4 H4)."""
    record.pop(JUDGED_FIELD, None)
    if entities_unjudged_marked(aset) and not aset.quotes and not categories_or_relations_only(record):
        record[JUDGED_FIELD] = False


def extraction_record(text: str, extraction: Extraction, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """An extractor's result as annotator's JSONL record (same shape as `record_from_set`, no annotator)."""
    aset = AnnotationSet(
        doc_id=0,
        annotator="model",
        status=Status.DONE,
        entities=sorted(extraction.entities, key=lambda e: (e.start, e.end)),
        quotes=sorted(extraction.quotes, key=lambda q: (q.start, q.end)),
    )
    record = record_from_set(Document(text=text, meta=dict(meta or {})), aset)
    return {k: record[k] for k in ("text", "meta", "spans", "quotes")}


PEOPLE_KEYS = ("answer", "_annotator_id", "_session_id", "user", "versions")
"""Fields that make a record someone's annotations (a Prodigy answer, a session): `annotator import` takes those."""


def carries_pre_extraction(record: dict[str, Any]) -> bool:
    """Whether a JSONL article carries pre-annotations to store as the model's set: `spans` and/or `quotes`
    (what `annotator extract` writes), and nothing saying a person made them. Like a Prodigy input task, whose
    `spans` are suggestions shown before anyone answers."""
    return ("spans" in record or "quotes" in record) and not any(key in record for key in PEOPLE_KEYS)


def refuse_people_fields(where: Where, record: dict[str, Any]) -> None:
    """A pre-extraction record (no `answer`) read by `annotator ingest` carries the model's set and nothing
    else: document `"tags"`, an `"annotator"` other than the model or a `"status"` are someone's annotations,
    which ingest does not store (it would drop them silently). Refused with `path:line`, pointing to
    `annotator import`, which keeps a record's document tags and reads its `status`."""
    if record.get("tags") not in (None, []):
        raise where.fail('"tags" on a pre-extraction record (spans/quotes, no "answer"): it holds the model\'s entities '
                         "and quotes only (tags are someone's annotations: use `annotator import`, which keeps them)")
    if record.get("annotator") not in (None, MODEL_ANNOTATOR):
        raise where.fail(f'"annotator": {record["annotator"]!r} on a pre-extraction record: it is stored as the '
                         "model's set (use `annotator import` for someone's annotations)")
    if record.get(STATUS_KEY) is not None:
        raise where.fail(f'"status": {record[STATUS_KEY]!r} on a pre-extraction record: a pre-extraction has no '
                         "workflow status (use `annotator import` for someone's annotations)")


def pre_extraction(where: Where, text: str, record: dict[str, Any]) -> Extraction:
    """The model's entities and quotes of an `annotator extract` record (the inverse of `extraction_record`):
    checked like an import (offsets in code points, inside the text, span `text` matching it, entities not
    overlapping; `InputError("path:line: reason")`), origin MODEL, derived fields (`text`, token indexes) not kept.
    `text` is the document's text as stored (after the reader's checks).

    Records exactly as `annotator extract` writes them take a fast path (a million records are read twice by
    ingest: once to check, once to write); anything else goes through the import's parsers, which give the
    error messages."""
    spans, quotes = optional_list(where, record, "spans"), optional_list(where, record, "quotes")
    refuse_people_fields(where, record)
    entities = _fast_entities(text, spans)
    if entities is None:
        entities = []
        for span in parse_spans(where, text, spans):
            if span.label in QUOTE_PART_LABELS:
                raise where.fail(
                    f'span {span.index} has label {span.label!r}: quotes go in "quotes" in annotator JSONL '
                    "(use `annotator import` for Prodigy files with QUOTE/SPEAKER/CUE spans and relations)"
                )
            if span.source.get("tags") not in (None, []):
                raise where.fail(f"span {span.index} has tags: a pre-extraction carries none (tags are someone's "
                                 "annotations: use `annotator import`)")
            extra = {k: v for k, v in span.extra.items() if k not in ("text", "tags", *TOKEN_KEYS)}
            entities.append(Entity(start=span.start, end=span.end, label=span.label, origin=Origin.MODEL, extra=extra))
    found = _fast_quotes(text, quotes)
    if found is None:
        found = []
        for number, item in enumerate(quotes):
            quote, tags = parse_quote(where, text, item, number)
            if tags is not None and string_list(where, tags, f"quote {number} tags"):
                raise where.fail(f"quote {number} has tags: a pre-extraction carries none (tags are someone's "
                                 "annotations: use `annotator import`)")
            quote.origin = Origin.MODEL
            found.append(quote)
    seen: dict[tuple, int] = {}
    for number, quote in enumerate(found):
        key = (quote.start, quote.end, quote.type, quote.speaker, quote.cue, quote.speaker_name)
        if key in seen:
            raise where.fail(f"quote {number} repeats quote {seen[key]} ({quote.start}-{quote.end})")
        seen[key] = number
    # the rules every stored set follows, shared with `annotator import` (issue 17)
    check_set_content(str(where.path), where.line, text, entities, found)
    check_no_overlap(where, entities)
    return Extraction(entities=entities, quotes=found)


def optional_list(where: Where, record: dict[str, Any], key: str) -> list[Any]:
    """`record[key]` when it is an array, [] when absent or null; anything else (`"quotes": {}`, a string) is
    refused: an empty object is not an empty list."""
    value = record.get(key)
    return [] if value is None else need(where, value, list, f'"{key}"')


_EXTRACTED_SPAN_KEYS = frozenset({"start", "end", "label", "text", *TOKEN_KEYS})
_EXTRACTED_QUOTE_KEYS = frozenset({"start", "end", "text", "type", "speaker", "cue", "speaker_name", "tags"})
_PART_KEYS = frozenset({"start", "end", "text"})
_QUOTE_TYPES = {t.value: t for t in QuoteType}


def _fast_entities(text: str, spans: Any) -> list[Entity] | None:
    """Entities of well-formed extract spans (the same checks as parse_spans), or None: take the slow path."""
    if type(spans) is not list:
        return None
    size, model, entities = len(text), Origin.MODEL, []
    for item in spans:
        if type(item) is not dict or not item.keys() <= _EXTRACTED_SPAN_KEYS:
            return None
        start, end, label, written = item.get("start"), item.get("end"), item.get("label"), item.get("text")
        if not (type(start) is int and type(end) is int and 0 <= start < end <= size and type(label) is str
                and label.strip() and label not in QUOTE_PART_LABELS
                and (written is None or (type(written) is str and written == text[start:end]))):
            return None
        entities.append(Entity(start, end, label, model))
    return entities


def _fast_range(text: str, part: Any) -> TextRange | None | bool:
    """A quote's speaker/cue range (None when absent), or False: take the slow path."""
    if part is None:
        return None
    if type(part) is not dict or not part.keys() <= _PART_KEYS:
        return False
    start, end, written = part.get("start"), part.get("end"), part.get("text")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)
            and (written is None or (type(written) is str and written == text[start:end]))):
        return False
    return TextRange(start, end)


def _fast_quotes(text: str, quotes: Any) -> list[Quote] | None:
    """Quotes of well-formed extract records (the same checks as parse_quote), or None: take the slow path."""
    if type(quotes) is not list:
        return None
    size, model, found = len(text), Origin.MODEL, []
    for item in quotes:
        if type(item) is not dict or not item.keys() <= _EXTRACTED_QUOTE_KEYS:
            return None
        start, end, written = item.get("start"), item.get("end"), item.get("text")
        kind, name = _QUOTE_TYPES.get(item.get("type", "direct")), item.get("speaker_name")
        if item.get("tags") not in (None, []):
            return None
        if not (type(start) is int and type(end) is int and 0 <= start < end <= size and kind is not None
                and (name is None or type(name) is str)
                and (written is None or (type(written) is str and written == text[start:end]))):
            return None
        speaker, cue = _fast_range(text, item.get("speaker")), _fast_range(text, item.get("cue"))
        if speaker is False or cue is False:
            return None
        found.append(Quote(start, end, kind, speaker, name, cue, model))
    return found


# -- reading a Prodigy-style record (annotator JSONL is a superset) -----------------------------------------


@dataclass(slots=True)
class RawSpan:
    index: int
    start: int
    end: int
    label: str
    source: dict[str, Any]

    @property
    def extra(self) -> dict[str, Any]:
        return {k: v for k, v in self.source.items() if k not in SPAN_KEYS}


def parse_spans(where: Where, text: str, value: Any, *, keep_quote_repeats: bool = False) -> list[RawSpan]:
    """A record's spans, checked (offsets in the text, a label, the text column); exact repeats dropped with a
    warning, except (`keep_quote_repeats`) repeats of a SPEAKER/CUE/QUOTE span, which annotator's Prodigy export
    writes once as an entity and once as a quote's part (attack v4 H2): the caller drops them once it knows which
    copy the quote took."""
    spans = []
    size = len(text)
    for number, item in enumerate(need(where, value, list, '"spans"')):
        if type(item) is dict:  # fast path: a valid span (anything else takes the checks below, same errors)
            start, end, label = item.get("start"), item.get("end"), item.get("label")
            if (
                type(start) is int and type(end) is int and 0 <= start < end <= size
                and isinstance(label, str) and label.strip()
            ):
                written = item.get("text")
                if not isinstance(written, str) or written == text[start:end]:
                    spans.append(RawSpan(number, start, end, label, item))
                    continue
        what = f"span {number}"
        need(where, item, dict, what)
        rng = check_range(where, text, item.get("start"), item.get("end"), what)
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            raise where.fail(f"{what} needs a non-empty string \"label\", got {shown_value(label)}")
        check_span_text(where, text, item, rng, what)
        spans.append(RawSpan(number, rng.start, rng.end, label, item))
    if keep_quote_repeats:
        return drop_repeated_spans(where, spans, keep_labels=frozenset(QUOTE_PART_LABELS))
    return drop_repeated_spans(where, spans)


def drop_repeated_spans(where: Where, spans: list[RawSpan], *, keep_labels: frozenset[str] = frozenset()) -> list[RawSpan]:
    """An exact repeat of a span (same start, end and label) is one span, with a warning: a file written twice
    over, or two clicks on the same words (doccano keeps both; a NER set cannot). Spans labelled in `keep_labels`
    are all kept (see `parse_spans`)."""
    if len(spans) < 2:
        return spans
    seen: dict[tuple[int, int, str], int] = {}
    kept = []
    for span in spans:
        if span.label in keep_labels:
            kept.append(span)
            continue
        key = (span.start, span.end, span.label)
        if key in seen:
            where.warn(f"span {span.index} repeats span {seen[key]} ({span.label} {span.start}-{span.end}); kept once")
            continue
        seen[key] = span.index
        kept.append(span)
    return kept


def relation_ends(where: Where, relation: dict[str, Any], spans: list[RawSpan], number: int) -> list[RawSpan | None]:
    """The spans a Prodigy relation joins: by `head_span`/`child_span` offsets, else by token_end."""
    found: list[RawSpan | None] = []
    for end_key, span_key in (("head", "head_span"), ("child", "child_span")):
        ref = relation.get(span_key)
        match = None
        if isinstance(ref, dict):
            for span in spans:
                if span.start == ref.get("start") and span.end == ref.get("end") and (
                    ref.get("label") in (None, span.label)
                ):
                    if match is None:
                        match = span
                    if {k: v for k, v in span.source.items() if k != "tags"} == ref:
                        match = span  # the very span the relation names: a quote's part beside an equal entity
                        break
        else:
            token_end = relation.get(end_key)
            if token_end is not None:
                need(where, token_end, int, f'relation {number} "{end_key}"')
                for span in spans:
                    if span.source.get("token_end") == token_end:
                        match = span
                        break
        found.append(match)
    return found


def unlabelled_ends(where: Where, text: str, relation: dict[str, Any], head: RawSpan | None,
                    child: RawSpan | None, number: int) -> bool:
    """Whether the ends of a relation that match no span are unlabelled spans of their own: Prodigy
    `rel.manual` (coreference, dependencies, `--wrap`) joins tokens or spans with no label, given only in the
    relation's `head_span` / `child_span` (`"label": null`). Their offsets are checked; the relation is kept as
    it came (and written back), the spans are no entities."""
    for found, key in ((head, "head_span"), (child, "child_span")):
        if found is not None:
            continue
        ref = relation.get(key)
        if not isinstance(ref, dict) or ref.get("label") is not None:
            return False
        check_range(where, text, ref.get("start"), ref.get("end"), f"relation {number} {key}")
    return True


def overlap_ends(relation: dict[str, Any], head: RawSpan | None, child: RawSpan | None,
                 overlaps: list[dict[str, Any]]) -> bool:
    """Whether the ends of a relation that match no span of `spans` are spans of the record's own
    `overlapping_spans` (annotator's export keeps nested entities there, `place_overlaps`): by `head_span` /
    `child_span` offsets and label. Such a relation is kept as it came (attack v4 H5)."""
    keys = {(o.get("start"), o.get("end"), o.get("label")) for o in overlaps}
    for found, key in ((head, "head_span"), (child, "child_span")):
        if found is not None:
            continue
        ref = relation.get(key)
        if not isinstance(ref, dict) or (ref.get("start"), ref.get("end"), ref.get("label")) not in keys:
            return False
    return True


def check_timestamp(where: Where, record: dict[str, Any]) -> None:
    """Prodigy writes `_timestamp` as an integer of seconds (Unix time); it decides which of two answers is current
    (`importer`), so any other type (a numeric string, "yesterday", a list, a float, true) is refused with the
    record's line rather than silently ignored (attack 12b #7)."""
    if "_timestamp" in record and record["_timestamp"] is not None:
        need(where, record["_timestamp"], int, '"_timestamp" (Prodigy\'s answer time, in whole seconds)')


def parse_prodigy_record(
    where: Where, record: dict[str, Any], *, annotator_keys: tuple[str, ...] = ("_annotator_id", "_session_id"),
    keep_overlaps: bool = False,
) -> list[ImportedSet]:
    """A Prodigy task or annotator JSONL record -> its annotation set(s). QUOTE spans carrying annotator's quote
    marks (`quote_type` / `speaker_name`, or a SPEAKER/CUE relation to a SPEAKER/CUE span) become quotes with
    those parts; a QUOTE span without them is an entity labelled QUOTE (`QUOTE_MARKS`, attack s4 H1); a review record's `versions` become one set per session. Spans that overlap an
    earlier one (a `spans_manual` task, or `keep_overlaps` for readers of tools that allow nested entities) are
    kept in `OVERLAP_KEY` with a warning; otherwise overlapping entities are refused."""
    text = record_text(where, record)
    meta = record_meta(where, record)
    check_timestamp(where, record)
    status = status_of(where, record)
    raw = parse_spans(where, text, record.get("spans", []), keep_quote_repeats=True)
    relations = need(where, record.get("relations", []), list, '"relations"')
    kept_overlaps = record_overlaps(where, text, record)  # annotator's own nested spans: relations may end on one
    tags: list[Tag] = []
    # Quote flavour: QUOTE spans, and SPEAKER/CUE spans a relation joins to one. A QUOTE span is a quote only
    # with annotator's marks (quote_type / speaker_name, or a SPEAKER/CUE relation); else an entity (s4 H1).
    quote_parts: dict[int, dict[str, RawSpan]] = {s.index: {} for s in raw if s.label == QUOTE_LABEL}
    part_relations: dict[int, dict[str, dict[str, Any]]] = {}
    consumed: set[int] = set()
    generic_relations = []
    for number, relation in enumerate(relations):
        need(where, relation, dict, f"relation {number}")
        head, child = relation_ends(where, relation, raw, number)
        pair = {head.label if head else None, child.label if child else None}
        if (head and child and QUOTE_LABEL in pair and pair & {SPEAKER_LABEL, CUE_LABEL} and len(pair) == 2
                and relation.get("label") in (None, *(pair - {QUOTE_LABEL}))):
            quote, part = (head, child) if head.label == QUOTE_LABEL else (child, head)
            kind = part.label.lower()
            if kind in quote_parts[quote.index]:
                raise where.fail(f"quote span {quote.start}-{quote.end} has more than one {part.label} relation")
            quote_parts[quote.index][kind] = part
            rel_extra = {
                k: v for k, v in relation.items() if k not in {"head", "child", "head_span", "child_span", "label"}
            }
            if rel_extra:
                part_relations.setdefault(quote.index, {})[f"{kind}_relation"] = rel_extra
            consumed.add(part.index)
        else:
            if (head is None or child is None) and not unlabelled_ends(where, text, relation, head, child, number) \
                    and not overlap_ends(relation, head, child, kept_overlaps):
                raise where.fail(
                    f"relation {number} does not point at spans of this record (head {relation.get('head')!r}, "
                    f"child {relation.get('child')!r})"
                )
            generic_relations.append(relation)
    quote_spans = {s.index for s in raw if s.label == QUOTE_LABEL and (quote_parts[s.index] or is_marked_quote(s.source))}
    # Repeats of SPEAKER/CUE/QUOTE spans were kept until now: a copy a quote took (head or part) and an equal
    # entity beside it are both kept; other repeats are one span, as any repeat (attack v4 H2).
    taken = quote_spans | consumed
    heads = drop_repeated_spans(where, [s for s in raw if s.index in quote_spans])
    quote_spans = {s.index for s in heads}
    raw = [*heads, *[s for s in raw if s.index in consumed],
           *drop_repeated_spans(where, [s for s in raw if s.index not in taken])]
    raw.sort(key=lambda s: s.index)
    bare = [s for s in raw if s.label == QUOTE_LABEL and s.index not in quote_spans]
    if bare and (quote_spans or any(s.label in (SPEAKER_LABEL, CUE_LABEL) for s in raw) or record.get("quotes")):
        where.warn(bare_quote_warning(f"span {bare[0].index}" + (f" and {len(bare) - 1} more" if bare[1:] else ""),
                                      bare[0].start, bare[0].end))
    entities = []
    overlapping: list[dict[str, Any]] = []
    spancat = keep_overlaps or record.get("_view_id") == "spans_manual"  # spans allow overlaps; NER does not
    for span in raw:
        if span.index in quote_spans or span.index in consumed:
            continue
        if spancat and any(e.start < span.end and span.start < e.end for e in entities):
            where.warn(overlap_warning(f"span {span.index}", span.label, span.start, span.end))
            overlapping.append(dict(span.source))
            continue
        entities.append(Entity(start=span.start, end=span.end, label=span.label, extra=span.extra))
        if span.source.get("tags") is not None:  # (tags_from does nothing with None; skip building its message)
            tags_from(where, tags, span.source["tags"], TargetKind.ENTITY, len(entities) - 1, f"span {span.index} tags")
    check_no_overlap(where, entities)
    quotes: list[Quote] = []
    for span in raw:
        if span.index not in quote_spans:
            continue
        kind = span.source.get("quote_type", QuoteType.DIRECT.value)
        if kind not in QUOTE_TYPE_VALUES:
            raise where.fail(f'span {span.index} "quote_type" must be "direct", "indirect" or "mixed", got {kind!r}')
        name = span.source.get("speaker_name")
        if name is not None:
            need(where, name, str, f"span {span.index} speaker_name")
        parts = quote_parts[span.index]
        extra = {k: v for k, v in span.extra.items() if k not in {"quote_type", "speaker_name", *TOKEN_KEYS}}
        for kind_name, part in parts.items():
            part_extra = {k: v for k, v in part.extra.items() if k not in TOKEN_KEYS}
            if part_extra:
                extra[f"{kind_name}_span"] = part_extra
        extra.update(part_relations.get(span.index, {}))
        quotes.append(
            Quote(
                start=span.start,
                end=span.end,
                type=QuoteType(kind),
                speaker=TextRange(parts["speaker"].start, parts["speaker"].end) if "speaker" in parts else None,
                speaker_name=name,
                cue=TextRange(parts["cue"].start, parts["cue"].end) if "cue" in parts else None,
                extra=extra,
            )
        )
        if span.source.get("tags") is not None:
            tags_from(where, tags, span.source["tags"], TargetKind.QUOTE, len(quotes) - 1, f"span {span.index} tags")
    seen_quotes: dict[str, int] = {}
    for number, item in enumerate(optional_list(where, record, "quotes")):
        quote, quote_tag_value = parse_quote(where, text, item, number)
        key = _canon(item)
        if key in seen_quotes:  # the same quote twice (a file written twice over): one quote, as for spans
            where.warn(f"quote {number} repeats quote {seen_quotes[key]} ({quote.start}-{quote.end}); kept once")
            continue
        seen_quotes[key] = number
        quotes.append(quote)
        if quote_tag_value is not None:
            tags_from(where, tags, quote_tag_value, TargetKind.QUOTE, len(quotes) - 1, f"quote {number} tags")
    tags_from(where, tags, record.get("tags"), TargetKind.DOCUMENT, None, '"tags"')
    if "accept" in record or "cats" in record:
        known = {t.tag for t in tags if t.target_kind is TargetKind.DOCUMENT}
        for tag in [*choice_tags(where, record), *cats_tags(where, record)]:
            if tag not in known:
                known.add(tag)
                tags.append(Tag(tag=tag, target_kind=TargetKind.DOCUMENT))
    extra = {k: v for k, v in record.items() if k not in RECORD_KEYS}
    if record.get("answer") is None and isinstance(record.get(STATUS_KEY), str) and (
            record[STATUS_KEY] in UNFINISHED_OF_STATUS):
        extra.pop(STATUS_KEY, None)  # the unfinished marker is the set's status, rebuilt on export
    if "relations" in record:
        extra["relations"] = generic_relations
    overlapping = [*kept_overlaps, *overlapping]  # kept apart by annotator's export
    if overlapping:
        extra[OVERLAP_KEY] = overlapping
    else:
        extra.pop(OVERLAP_KEY, None)
    if "tokens" in extra:
        need(where, extra["tokens"], list, '"tokens"')
    aset = AnnotationSet(doc_id=0, annotator="", status=status, entities=entities, quotes=quotes, tags=tags, extra=extra)
    judged = extra.pop(JUDGED_FIELD, None)
    if judged not in (None, False):
        raise where.fail(f'"{JUDGED_FIELD}" must be false (entities never annotated) or left out, not {judged!r}')
    aset.extra[IMPORT_KEY] = import_marker(record, aset)
    if not entities and not quotes and (judged is False or categories_or_relations_only(record)):
        mark_entities_not_annotated(aset)  # its tokens are missing for NER, never O (attack 12b #2)
    who = annotator_of(where, record, annotator_keys)
    if isinstance(record.get("versions"), list) and record["versions"]:
        # Prodigy `review` output: the reviewed answer is the gold version (the reviewer is in `_annotator_id`,
        # kept), each version is its sessions' own answer (a reviewer may be one of them).
        who = who if who and who.startswith(f"{GOLD_ANNOTATOR}@") else f"{GOLD_ANNOTATOR}@{who or 'review'}"
    result = [ImportedSet(text, meta, who, aset, where.line)]
    for version_number, version in enumerate(need(where, record.get("versions", []) or [], list, '"versions"')):
        need(where, version, dict, f"version {version_number}")
        sessions = string_list(where, version.get("sessions", []) or [], f"version {version_number} sessions")
        # the review's grouping (`sessions`, `default`) describes the version, not one session's answer: each
        # session's set is that session's own task again, with its own _session_id (attack 12b #12)
        body = {k: v for k, v in version.items() if k not in ("versions", "sessions", "default")}
        body.setdefault("text", text)
        if body["text"] != text:
            raise where.fail(f"version {version_number} has a different text than its review record")
        for session in sessions:
            inner = parse_prodigy_record(where, {**body, "_annotator_id": session, "_session_id": session})[0]
            inner.aset.extra.pop("_annotator_id", None)
            result.append(inner)
    return result


def apply_defaults(imported: ImportedSet, default_annotator: str) -> AnnotationSet:
    imported.aset.annotator = imported.annotator or default_annotator
    return imported.aset


TokenizeFn = Callable[[str], list[dict[str, Any]]]
