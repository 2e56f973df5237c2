"""Rows <-> model objects: how entities, quotes and tags are read from and written to their tables, and the
small helpers (timestamps, JSON columns) every writer shares."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from annotator.core.model import Entity, Origin, Quote, QuoteType, Tag, TargetKind, TextRange


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, allow_nan=False).encode
"""= json.dumps(value, ensure_ascii=False, sort_keys=True), without building an encoder per call (bulk writes)."""


def _json(value: dict[str, Any]) -> str:
    return _ENCODE_JSON(value) if value else "{}"


def entity_from_row(row: dict[str, Any] | sqlite3.Row) -> Entity:
    return Entity(
        start=row["start"],
        end=row["end"],
        label=row["label"],
        origin=Origin(row["origin"]),
        id=row["id"],
        doc_id=row["doc_id"],
        annotator_id=row["annotator_id"],
        extra=json.loads(row["extra"]),
    )


def quote_from_row(row: dict[str, Any] | sqlite3.Row) -> Quote:
    speaker = TextRange(row["speaker_start"], row["speaker_end"]) if row["speaker_start"] is not None else None
    cue = TextRange(row["cue_start"], row["cue_end"]) if row["cue_start"] is not None else None
    return Quote(
        start=row["start"],
        end=row["end"],
        type=QuoteType(row["type"]),
        speaker=speaker,
        speaker_name=row["speaker_name"],
        cue=cue,
        origin=Origin(row["origin"]),
        id=row["id"],
        doc_id=row["doc_id"],
        annotator_id=row["annotator_id"],
        extra=json.loads(row["extra"]),
    )


def tag_from_row(row: dict[str, Any] | sqlite3.Row) -> Tag:
    kind = TargetKind(row["target_kind"])
    return Tag(
        tag=row["tag"],
        target_kind=kind,
        target_id=None if kind is TargetKind.DOCUMENT else row["target_id"],
        id=row["id"],
        doc_id=row["doc_id"],
        annotator_id=row["annotator_id"],
    )


def quote_columns(quote: Quote) -> dict[str, Any]:
    return {
        "start": quote.start,
        "end": quote.end,
        "type": QuoteType(quote.type).value,
        "speaker_start": quote.speaker.start if quote.speaker else None,
        "speaker_end": quote.speaker.end if quote.speaker else None,
        "speaker_name": quote.speaker_name,
        "cue_start": quote.cue.start if quote.cue else None,
        "cue_end": quote.cue.end if quote.cue else None,
        "origin": Origin(quote.origin).value,
        "extra": _json(quote.extra),
    }


def quoted_column(column: str) -> str:
    return f'"{column}"'


def tag_target(tag: Tag, entity_ids: list[int], quote_ids: list[int]) -> tuple[str, int]:
    """(target_kind, target_id column) of a tag in a set being written, whose entity and quote tags point at
    list positions (`AnnotationSet.tags`); `entity_ids`/`quote_ids` are the ids those positions were given."""
    kind = TargetKind(tag.target_kind)
    if kind is TargetKind.DOCUMENT:
        return kind.value, 0
    return kind.value, (entity_ids if kind is TargetKind.ENTITY else quote_ids)[tag.target_id]
