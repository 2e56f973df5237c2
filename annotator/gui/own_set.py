"""A person's annotation set exists from their first edit or status change, not from opening the document
(issue 15): until then the window shows the model's pre-extraction *borrowed*, and the first edit copies it into
the person's own set and points the edit at the copies.

The copy (Store.ensure_annotation_set → _copy_set) gives the copies new ids in the order of the originals' ids,
so the n-th model entity by id becomes the n-th own entity by id; `IdMap` pairs them that way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.model import AnnotationSet, TargetKind
from annotator.core.ops import EditError
from annotator.core.store import Store


@dataclass(slots=True)
class IdMap:
    """Borrowed (model) span id -> the id of its copy in the person's own set."""

    entities: dict[int, int] = field(default_factory=dict)
    quotes: dict[int, int] = field(default_factory=dict)

    def entity(self, span_id: int | None) -> int | None:
        return self.entities.get(span_id, span_id) if span_id is not None else None

    def quote(self, span_id: int | None) -> int | None:
        return self.quotes.get(span_id, span_id) if span_id is not None else None


OWN_SET_APPEARED = ("your own version of this document was started meanwhile in another window or program open "
                    "as you; it is shown now: make the edit again if it is still needed")


def take_own_set(store: Store, doc_id: int, annotator: str, shown_entities: list[int],
                 shown_quotes: list[int]) -> tuple[AnnotationSet, IdMap]:
    """Create `annotator`'s set on the document as a copy of the model's (one transaction) and pair the ids the
    window shows (`shown_*`, the model's) with their copies. Raises EditError when the model's set changed since
    it was shown (the pairing would be wrong: the caller re-opens the document instead), or when the person's own
    set appeared since (another window open under the same name, or an import, made the first edit first: attack
    15b #5, where the message wrongly blamed the model's version)."""
    if store.has_annotation_set(doc_id, annotator):
        raise EditError(OWN_SET_APPEARED)
    store.ensure_annotation_set(doc_id, annotator)
    own = store.annotation_set(doc_id, annotator)
    assert own is not None
    own_entities = sorted(e.id for e in own.entities)
    own_quotes = sorted(q.id for q in own.quotes)
    if len(own_entities) != len(shown_entities) or len(own_quotes) != len(shown_quotes):
        raise EditError("the model's version of this document changed since it was opened; it is shown again now")
    return own, IdMap(dict(zip(sorted(shown_entities), own_entities)), dict(zip(sorted(shown_quotes), own_quotes)))


def point_command_at_copies(command, ids: IdMap) -> None:
    """Rewrite the span id an edit command targets (entity_id, quote_id, or a tag's target_id) to the copy's."""
    if hasattr(command, "entity_id"):
        command.entity_id = ids.entity(command.entity_id)
    if hasattr(command, "quote_id"):
        command.quote_id = ids.quote(command.quote_id)
    kind = getattr(command, "kind", None)
    if kind is TargetKind.ENTITY:
        command.target_id = ids.entity(command.target_id)
    elif kind is TargetKind.QUOTE:
        command.target_id = ids.quote(command.target_id)
