"""A byte order mark (U+FEFF) at the start of an imported record's `text`: stripped, offsets shifted past it.

Windows tools (Notepad, some doccano and Label Studio set-ups) write a BOM at the start of a text value, and their
offsets count it as character 0. `ingest` strips a leading BOM from a file and `model.content_hash` leaves it out,
so a record whose text starts with one is the same document as the text without it. The stored text never keeps
it (whatever was imported first), and every offset of the record moves one code point left: entities, quotes,
and the offsets kept in the set's extra fields that annotator writes back (tokens, relations, overlapping spans,
binary tasks, earlier answers, the manual answer). An offset on the BOM itself becomes 0 (attack s4 M11).
"""

from __future__ import annotations

from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import AnnotationSet, TextRange
from annotator.core.normalise import BOM

SHIFTED_EXTRAS = ("tokens", "relations", "overlapping_spans", "binary_tasks", "earlier_answers", "manual_answer")
"""AnnotationSet.extra fields holding offsets into the text (annotator's and Prodigy's shapes)."""


def _shift(offset: int) -> int:
    return max(offset - 1, 0)


def _shift_range(rng: TextRange | None) -> TextRange | None:
    return None if rng is None else TextRange(_shift(rng.start), _shift(rng.end))


def _shift_kept(value: Any) -> Any:
    """A kept field with every {"start", "end"} pair of integers shifted (and a span `text` that began with the
    BOM without it)."""
    if isinstance(value, list):
        return [_shift_kept(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {key: _shift_kept(item) for key, item in value.items() if key != "text" or not isinstance(item, str)}
    offsets = all(type(value.get(key)) is int for key in ("start", "end"))
    if offsets:
        result["start"], result["end"] = _shift(value["start"]), _shift(value["end"])
    if isinstance(value.get("text"), str):
        written = value["text"]
        result["text"] = written.removeprefix(BOM) if offsets and value["start"] == 0 else written
    return result


def strip_leading_bom(path: str, line: int | None, text: str, aset: AnnotationSet | None) -> str:
    """`text` without its leading BOM, and `aset` (if any) moved onto it in place. Call only when `text` starts
    with BOM. Raises InputError (`path:line`) when nothing but the BOM is left."""
    stripped = text[1:]
    if not stripped.strip():
        raise InputError(path, line, '"text" holds nothing but a byte order mark (U+FEFF)')
    if aset is not None:
        for entity in aset.entities:
            entity.start, entity.end = _shift(entity.start), _shift(entity.end)
        for quote in aset.quotes:
            quote.start, quote.end = _shift(quote.start), _shift(quote.end)
            quote.speaker, quote.cue = _shift_range(quote.speaker), _shift_range(quote.cue)
        for key in SHIFTED_EXTRAS:
            if key in aset.extra:
                aset.extra[key] = _shift_kept(aset.extra[key])
    return stripped
