"""Entities, quotes and tags as JSON-ready dicts for the edit log's payloads, and back: the log keeps what an
edit changed (the rows as they were, the rows as they became), so that undo works after a restart
(core/edit_history.py). Offsets are code points, as everywhere."""

from __future__ import annotations

from typing import Any

from annotator.core.model import Entity, Origin, Quote, QuoteType, Tag, TargetKind, TextRange


def entity_row(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "doc_id": e.doc_id, "annotator_id": e.annotator_id, "start": e.start, "end": e.end,
            "label": e.label, "origin": Origin(e.origin).value, "extra": e.extra or {}}


def entity_from(d: dict[str, Any]) -> Entity:
    return Entity(d["start"], d["end"], d["label"], Origin(d["origin"]), d["id"], d["doc_id"], d["annotator_id"],
                  d.get("extra") or {})


def _range(r: TextRange | None) -> list[int] | None:
    return [r.start, r.end] if r else None


def quote_row(q: Quote) -> dict[str, Any]:
    return {"id": q.id, "doc_id": q.doc_id, "annotator_id": q.annotator_id, "start": q.start, "end": q.end,
            "type": QuoteType(q.type).value, "speaker": _range(q.speaker), "speaker_name": q.speaker_name,
            "cue": _range(q.cue), "origin": Origin(q.origin).value, "extra": q.extra or {}}


def quote_from(d: dict[str, Any]) -> Quote:
    speaker, cue = d.get("speaker"), d.get("cue")
    return Quote(d["start"], d["end"], QuoteType(d["type"]), TextRange(*speaker) if speaker else None,
                 d.get("speaker_name"), TextRange(*cue) if cue else None, Origin(d["origin"]), d["id"], d["doc_id"],
                 d["annotator_id"], d.get("extra") or {})


def tag_row(t: Tag) -> dict[str, Any]:
    return {"id": t.id, "doc_id": t.doc_id, "annotator_id": t.annotator_id, "tag": t.tag,
            "kind": TargetKind(t.target_kind).value, "target": t.target_id}


def tag_from(d: dict[str, Any]) -> Tag:
    return Tag(d["tag"], TargetKind(d["kind"]), d["target"], d["id"], d["doc_id"], d["annotator_id"])


def rows_of(entities=(), quotes=(), tags=()) -> dict[str, list[dict[str, Any]]]:
    """{"entities": [...], "quotes": [...], "tags": [...]} for a payload."""
    return {"entities": [entity_row(e) for e in entities], "quotes": [quote_row(q) for q in quotes],
            "tags": [tag_row(t) for t in tags]}
