"""Extraction + text → annotator's JSONL record (FORMATS.md: a Prodigy task plus ``quotes``)."""

from __future__ import annotations

from typing import Any

from annotator.core.model import Entity, Extraction, Quote, TextRange


def _range(text: str, rng: TextRange | None) -> dict[str, Any] | None:
    if rng is None:
        return None
    return {"start": rng.start, "end": rng.end, "text": text[rng.start : rng.end]}


def entity_to_span(text: str, entity: Entity) -> dict[str, Any]:
    return {"start": entity.start, "end": entity.end, "label": entity.label, "text": text[entity.start : entity.end]}


def quote_to_dict(text: str, quote: Quote, tags: list[str] | None = None) -> dict[str, Any]:
    return {
        "start": quote.start,
        "end": quote.end,
        "text": text[quote.start : quote.end],
        "type": str(quote.type),
        "speaker": _range(text, quote.speaker),
        "cue": _range(text, quote.cue),
        "speaker_name": quote.speaker_name,
        "tags": list(tags or []),
    }


def extraction_to_record(text: str, extraction: Extraction, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """One output line: ``text``, ``meta``, ``spans`` [{start,end,label,text}], ``quotes`` [...]."""
    return {
        "text": text,
        "meta": dict(meta or {}),
        "spans": [entity_to_span(text, e) for e in sorted(extraction.entities, key=lambda e: (e.start, e.end))],
        "quotes": [quote_to_dict(text, q) for q in sorted(extraction.quotes, key=lambda q: (q.start, q.end))],
    }
