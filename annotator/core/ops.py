"""Edits, one verb each, with keyword-only arguments. Each runs in one transaction, records itself in the
edit log, marks the annotator's set in progress (creating it from the model's pre-extraction on the first edit), and returns what changed so the caller (a QUndoCommand, the
CLI, the review) can show it and undo it. Nothing here knows about Qt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from annotator.core.log_rows import entity_row, quote_row, rows_of
from annotator.core.model import AnnotationSet, Entity, Origin, Quote, QuoteType, Status, Tag, TargetKind, TextRange
from annotator.core.names import label_problem, name_problem, shown
from annotator.core.spans import describe_blank, has_visible_character
from annotator.core.store import (
    NotFoundError,
    Store,
    entity_from_row,
    now,
    quote_columns,
    quoted_column,
    tag_from_row,
)

UNSET: Any = object()
"""Marks an argument of `update_quote` that is left as it is (None means "clear")."""


class EditError(ValueError):
    """An edit that cannot be made (out of the text, overlapping, empty); the message says why."""


@dataclass(slots=True)
class Removed:
    """What a delete took away, so that undo can put it back exactly (same ids, same tags)."""

    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)


def _touch(store: Store, doc_id: int, annotator_id: int, op: str, payload: dict[str, Any]) -> None:
    """Mark the set edited (new -> in progress) and log the edit; the caller's transaction is open."""
    stamp = now()
    updated = store.conn.execute(
        """UPDATE annotation_sets SET updated_at = ?,
           status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END
           WHERE doc_id = ? AND annotator_id = ?""",
        (stamp, doc_id, annotator_id),
    )
    if updated.rowcount == 0:
        raise NotFoundError(f"annotator {annotator_id} has no annotation set on document {doc_id}")
    store.log_edit(doc_id, annotator_id, op, payload, at=stamp)


def _document_text(store: Store, doc_id: int) -> str:
    # len() in Python, not SQL length(): SQLite's length() stops at the first NUL character.
    rows = store.query("SELECT text FROM documents WHERE id = ?", (doc_id,))
    if not rows:
        raise NotFoundError(f"no document with id {doc_id}")
    return rows[0][0]


def _check_range(store: Store, doc_id: int, start: int, end: int, what: str) -> str:
    """Refuse a range outside the text or empty; returns the document's text."""
    text = _document_text(store, doc_id)
    length = len(text)
    if not (0 <= start < end <= length):
        raise EditError(f"{what} [{start}, {end}) is not a non-empty range inside the text (0–{length})")
    return text


def _check_entity_range(store: Store, doc_id: int, start: int, end: int) -> None:
    """An entity's range must be inside the text and hold a visible character (issue 17: one over spaces alone
    trains nothing and draws no pill)."""
    text = _check_range(store, doc_id, start, end, "entity")
    if not has_visible_character(text, start, end):
        raise EditError(f"an entity needs a visible character: {describe_blank(text, start, end)}")


def _check_visible_range(store: Store, doc_id: int, start: int, end: int, what: str) -> None:
    """A quote, speaker or cue span follows the entity rule: inside the text, at least one visible character."""
    text = _check_range(store, doc_id, start, end, what)
    if not has_visible_character(text, start, end):
        raise EditError(f"a {what} needs a visible character: {describe_blank(text, start, end)}")


def _overlapping(store: Store, doc_id: int, annotator_id: int, start: int, end: int, ignore: int | None) -> list[Entity]:
    rows = store.query(
        'SELECT * FROM entities WHERE doc_id = ? AND annotator_id = ? AND start < ? AND "end" > ? AND id IS NOT ?',
        (doc_id, annotator_id, end, start, ignore),
    )
    return [entity_from_row(r) for r in rows]


def _entity_tags(store: Store, entity_ids: list[int]) -> list[Tag]:
    if not entity_ids:
        return []
    marks = ",".join("?" * len(entity_ids))
    return [
        tag_from_row(r)
        for r in store.query(
            f"SELECT * FROM tags WHERE target_kind = 'entity' AND target_id IN ({marks})", entity_ids
        )
    ]


def _delete_entities(store: Store, entities: list[Entity]) -> Removed:
    removed = Removed(entities=list(entities), tags=_entity_tags(store, [e.id for e in entities]))
    for entity in entities:
        store.conn.execute("DELETE FROM entities WHERE id = ?", (entity.id,))
    return removed


# -- entities ------------------------------------------------------------------------------------------------


def add_entity(
    store: Store,
    *,
    doc_id: int,
    annotator: str,
    start: int,
    end: int,
    label: str,
    replace_overlapping: bool = False,
) -> tuple[Entity, Removed]:
    """Add an entity. Entities of one annotator never overlap (they train as NER): an overlap is an error,
    unless `replace_overlapping`, which removes the overlapped ones and returns them."""
    label = label.strip()
    if not label:
        raise EditError("an entity needs a label")
    if problem := label_problem(label):
        raise EditError(f'label "{shown(label)}" {problem}')
    _check_entity_range(store, doc_id, start, end)
    annotator_id = store.annotator_id(annotator)
    with store.transaction():
        store.ensure_annotation_set(doc_id, annotator)
        clashes = _overlapping(store, doc_id, annotator_id, start, end, None)
        if clashes and not replace_overlapping:
            other = clashes[0]
            raise EditError(f"[{start}, {end}) overlaps the {other.label} entity at [{other.start}, {other.end})")
        removed = _delete_entities(store, clashes)
        cursor = store.conn.execute(
            'INSERT INTO entities(doc_id, annotator_id, start, "end", label, origin) VALUES (?, ?, ?, ?, ?, ?)',
            (doc_id, annotator_id, start, end, label, Origin.HUMAN.value),
        )
        if label not in store.labels():
            store.ensure_label(label)
        added = store.entity(cursor.lastrowid)
        _touch(store, doc_id, annotator_id, "add_entity", {
            "id": cursor.lastrowid, "start": start, "end": end, "label": label,
            "after": entity_row(added), "replaced": rows_of(removed.entities, (), removed.tags),
        })
        return added, removed


def relabel_entity(store: Store, *, entity_id: int, label: str) -> Entity:
    """Change an entity's label. Returns the entity as it was (for undo)."""
    label = label.strip()
    if not label:
        raise EditError("an entity needs a label")
    if problem := label_problem(label):
        raise EditError(f'label "{shown(label)}" {problem}')
    with store.transaction():
        old = store.entity(entity_id)
        store.conn.execute("UPDATE entities SET label = ?, origin = 'human' WHERE id = ?", (label, entity_id))
        if label not in store.labels():
            store.ensure_label(label)
        _touch(store, old.doc_id, old.annotator_id, "relabel_entity",
               {"id": entity_id, "from": old.label, "to": label, "before": entity_row(old)})
        return old


def resize_entity(store: Store, *, entity_id: int, start: int, end: int) -> Entity:
    """Move an entity's boundaries. Returns the entity as it was (for undo)."""
    with store.transaction():
        old = store.entity(entity_id)
        _check_entity_range(store, old.doc_id, start, end)
        clashes = _overlapping(store, old.doc_id, old.annotator_id, start, end, entity_id)
        if clashes:
            other = clashes[0]
            raise EditError(f"[{start}, {end}) would overlap the {other.label} entity at [{other.start}, {other.end})")
        store.conn.execute(
            'UPDATE entities SET start = ?, "end" = ?, origin = \'human\' WHERE id = ?', (start, end, entity_id)
        )
        _touch(
            store, old.doc_id, old.annotator_id, "resize_entity",
            {"id": entity_id, "from": [old.start, old.end], "to": [start, end], "before": entity_row(old)},
        )
        return old


def restore_entity_fields(store: Store, *, entity: Entity) -> None:
    """Put an entity's label, boundaries and origin back as they were (undo of relabel/resize). Checks what
    resize_entity checks (the span may now overlap an entity another window added): EditError, nothing written."""
    with store.transaction():
        clashes = _overlapping(store, entity.doc_id, entity.annotator_id, entity.start, entity.end, entity.id)
        if clashes:
            other = clashes[0]
            raise EditError(f"[{entity.start}, {entity.end}) would overlap the {other.label} entity at "
                            f"[{other.start}, {other.end}) added since")
        updated = store.conn.execute(
            'UPDATE entities SET start = ?, "end" = ?, label = ?, origin = ? WHERE id = ?',
            (entity.start, entity.end, entity.label, Origin(entity.origin).value, entity.id),
        )
        if updated.rowcount == 0:
            raise NotFoundError(f"the {entity.label} entity at [{entity.start}, {entity.end}) no longer exists")
        _touch(store, entity.doc_id, entity.annotator_id, "restore_entity", {"id": entity.id})


def delete_entity(store: Store, *, entity_id: int) -> Removed:
    with store.transaction():
        entity = store.entity(entity_id)
        removed = _delete_entities(store, [entity])
        _touch(store, entity.doc_id, entity.annotator_id, "delete_entity",
               {"id": entity_id, "label": entity.label, "removed": rows_of(removed.entities, (), removed.tags)})
        return removed


# -- quotes --------------------------------------------------------------------------------------------------


def add_quote(
    store: Store,
    *,
    doc_id: int,
    annotator: str,
    start: int,
    end: int,
    type: QuoteType = QuoteType.DIRECT,
    speaker: TextRange | None = None,
    speaker_name: str | None = None,
    cue: TextRange | None = None,
) -> Quote:
    _check_visible_range(store, doc_id, start, end, "quote")
    if speaker:
        _check_visible_range(store, doc_id, speaker.start, speaker.end, "speaker")
    if cue:
        _check_visible_range(store, doc_id, cue.start, cue.end, "cue")
    annotator_id = store.annotator_id(annotator)
    quote = Quote(start=start, end=end, type=QuoteType(type), speaker=speaker, speaker_name=speaker_name, cue=cue)
    columns = quote_columns(quote)
    with store.transaction():
        store.ensure_annotation_set(doc_id, annotator)
        cursor = store.conn.execute(
            f"INSERT INTO quotes(doc_id, annotator_id, {', '.join(quoted_column(c) for c in columns)}) "
            f"VALUES (?, ?, {', '.join('?' * len(columns))})",
            (doc_id, annotator_id, *columns.values()),
        )
        added = store.quote(cursor.lastrowid)
        _touch(store, doc_id, annotator_id, "add_quote",
               {"id": cursor.lastrowid, "start": start, "end": end, "after": quote_row(added)})
        return added


def update_quote(
    store: Store,
    *,
    quote_id: int,
    start: int = UNSET,
    end: int = UNSET,
    type: QuoteType = UNSET,
    speaker: TextRange | None = UNSET,
    speaker_name: str | None = UNSET,
    cue: TextRange | None = UNSET,
) -> Quote:
    """Change any of a quote's fields (pass None to clear speaker or cue). Returns the quote as it was."""
    with store.transaction():
        old = store.quote(quote_id)
        new = old.with_(origin=Origin.HUMAN)
        if start is not UNSET:
            new.start = start
        if end is not UNSET:
            new.end = end
        if type is not UNSET:
            new.type = QuoteType(type)
        if speaker is not UNSET:
            new.speaker = speaker
        if speaker_name is not UNSET:
            new.speaker_name = speaker_name
        if cue is not UNSET:
            new.cue = cue
        _check_visible_range(store, old.doc_id, new.start, new.end, "quote")
        if new.speaker:
            _check_visible_range(store, old.doc_id, new.speaker.start, new.speaker.end, "speaker")
        if new.cue:
            _check_visible_range(store, old.doc_id, new.cue.start, new.cue.end, "cue")
        _write_quote(store, new)
        changed = {k: v for k, v in quote_columns(new).items() if quote_columns(old)[k] != v}
        _touch(store, old.doc_id, old.annotator_id, "update_quote",
               {"id": quote_id, "changed": sorted(changed), "before": quote_row(old), "after": quote_row(new)})
        return old


def _write_quote(store: Store, quote: Quote) -> int:
    """Write every field of a stored quote; returns the number of rows written (0: it is gone)."""
    columns = quote_columns(quote)
    return store.conn.execute(
        f"UPDATE quotes SET {', '.join(f'{quoted_column(c)} = ?' for c in columns)} WHERE id = ?",
        (*columns.values(), quote.id),
    ).rowcount


def restore_quote_fields(store: Store, *, quote: Quote) -> None:
    """Put every field of a quote back as it was (undo of update_quote)."""
    with store.transaction():
        if _write_quote(store, quote) == 0:
            raise NotFoundError(f"the quote at [{quote.start}, {quote.end}) no longer exists")
        _touch(store, quote.doc_id, quote.annotator_id, "restore_quote", {"id": quote.id})


def delete_quote(store: Store, *, quote_id: int) -> Removed:
    with store.transaction():
        quote = store.quote(quote_id)
        tags = [tag_from_row(r) for r in store.query("SELECT * FROM tags WHERE target_kind = 'quote' AND target_id = ?", (quote_id,))]
        store.conn.execute("DELETE FROM quotes WHERE id = ?", (quote_id,))
        _touch(store, quote.doc_id, quote.annotator_id, "delete_quote",
               {"id": quote_id, "removed": rows_of((), [quote], tags)})
        return Removed(quotes=[quote], tags=tags)


def restore(store: Store, *, removed: Removed) -> None:
    """Undo a delete (or the entities an add replaced): put the rows back with their ids and tags. Re-checks
    what an add checks (entities of one annotator never overlap): EditError and nothing written if the span
    was taken meanwhile (by another window or process)."""
    with store.transaction():
        for e in removed.entities:
            # the same invariant as add_entity: another window may have added an entity on this span meanwhile
            if store.conn.execute("SELECT 1 FROM entities WHERE id = ?", (e.id,)).fetchone():
                # put back already: another window open under the same name undid the same delete (attack 15 #9)
                raise EditError(f"the {e.label} entity at [{e.start}, {e.end}) is back already (another window "
                                "undid this edit)")
            clashes = _overlapping(store, e.doc_id, e.annotator_id, e.start, e.end, e.id)
            if clashes:
                other = clashes[0]
                raise EditError(f"the {e.label} entity at [{e.start}, {e.end}) cannot be put back: it would overlap "
                                f"the {other.label} entity at [{other.start}, {other.end}) added since")
            store.conn.execute(
                'INSERT INTO entities(id, doc_id, annotator_id, start, "end", label, origin, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                (e.id, e.doc_id, e.annotator_id, e.start, e.end, e.label, Origin(e.origin).value, json.dumps(e.extra)),
            )
        for q in removed.quotes:
            if store.conn.execute("SELECT 1 FROM quotes WHERE id = ?", (q.id,)).fetchone():
                raise EditError(f"the quote at [{q.start}, {q.end}) is back already (another window undid this edit)")
            columns = quote_columns(q)
            store.conn.execute(
                f"INSERT INTO quotes(id, doc_id, annotator_id, {', '.join(quoted_column(c) for c in columns)}) "
                f"VALUES (?, ?, ?, {', '.join('?' * len(columns))})",
                (q.id, q.doc_id, q.annotator_id, *columns.values()),
            )
        for t in removed.tags:
            store.conn.execute(
                "INSERT OR IGNORE INTO tags(id, doc_id, annotator_id, target_kind, target_id, tag) VALUES (?, ?, ?, ?, ?, ?)",
                (t.id, t.doc_id, t.annotator_id, t.target_kind.value, t.target_id or 0, t.tag),
            )
        touched = {(x.doc_id, x.annotator_id) for x in [*removed.entities, *removed.quotes, *removed.tags]}
        for doc_id, annotator_id in touched:
            mine = lambda rows: [x for x in rows if (x.doc_id, x.annotator_id) == (doc_id, annotator_id)]  # noqa: E731
            _touch(store, doc_id, annotator_id, "restore", {
                "entities": len(removed.entities), "quotes": len(removed.quotes),
                "rows": rows_of(mine(removed.entities), mine(removed.quotes), mine(removed.tags)),
            })


def remove_entity(store: Store, *, entity_id: int) -> None:
    """Delete an entity added by `add_entity` (undo of an add) — same as delete, without returning it."""
    delete_entity(store, entity_id=entity_id)


def remove_quote(store: Store, *, quote_id: int) -> None:
    delete_quote(store, quote_id=quote_id)


# -- tags ----------------------------------------------------------------------------------------------------


def add_tag(
    store: Store,
    *,
    doc_id: int,
    annotator: str,
    tag: str,
    target_kind: TargetKind = TargetKind.DOCUMENT,
    target_id: int | None = None,
) -> Tag | None:
    """Tag a document, or an entity or quote of the annotator's set. Returns the tag, or None if it was there."""
    tag = tag.strip()
    if not tag:
        raise EditError("a tag needs a name")
    if problem := name_problem(tag):
        raise EditError(f'tag "{shown(tag)}" {problem}')
    kind = TargetKind(target_kind)
    annotator_id = store.annotator_id(annotator)
    with store.transaction():
        store.ensure_annotation_set(doc_id, annotator)
        if kind is not TargetKind.DOCUMENT:
            table = "entities" if kind is TargetKind.ENTITY else "quotes"
            if not store.query(
                f"SELECT 1 FROM {table} WHERE id = ? AND doc_id = ? AND annotator_id = ?",
                (target_id, doc_id, annotator_id),
            ):
                raise NotFoundError(f"no {kind.value} {target_id} in {annotator}'s set on document {doc_id}")
        cursor = store.conn.execute(
            "INSERT OR IGNORE INTO tags(doc_id, annotator_id, target_kind, target_id, tag) VALUES (?, ?, ?, ?, ?)",
            (doc_id, annotator_id, kind.value, target_id or 0, tag),
        )
        if cursor.rowcount == 0:
            return None
        _touch(store, doc_id, annotator_id, "add_tag", {"tag": tag, "kind": kind.value, "target": target_id})
        return Tag(tag, kind, target_id, cursor.lastrowid, doc_id, annotator_id)


def remove_tag(
    store: Store,
    *,
    doc_id: int,
    annotator: str,
    tag: str,
    target_kind: TargetKind = TargetKind.DOCUMENT,
    target_id: int | None = None,
) -> bool:
    """Remove a tag. Returns whether it was there."""
    kind = TargetKind(target_kind)
    annotator_id = store.annotator_id(annotator)
    with store.transaction():
        # The tag as given, else as add_tag stored it (stripped): so undoing add_tag(" x ") removes "x".
        for candidate in dict.fromkeys((tag, tag.strip())):
            cursor = store.conn.execute(
                "DELETE FROM tags WHERE doc_id = ? AND annotator_id = ? AND target_kind = ? AND target_id = ? AND tag = ?",
                (doc_id, annotator_id, kind.value, target_id or 0, candidate),
            )
            if cursor.rowcount:
                tag = candidate
                break
        if cursor.rowcount:
            _touch(store, doc_id, annotator_id, "remove_tag", {"tag": tag, "kind": kind.value, "target": target_id})
        return bool(cursor.rowcount)


# -- status --------------------------------------------------------------------------------------------------


def set_status(store: Store, *, doc_id: int, annotator: str, status: Status) -> Status:
    """Set where the annotator stands on the document. Returns the previous status."""
    status = Status(status)
    store.ensure_annotation_set(doc_id, annotator)
    annotator_id = store.annotator_id(annotator)
    with store.transaction():
        old = store.status(doc_id, annotator)
        store.conn.execute(
            "UPDATE annotation_sets SET status = ?, updated_at = ? WHERE doc_id = ? AND annotator_id = ?",
            (status.value, now(), doc_id, annotator_id),
        )
        store.log_edit(doc_id, annotator_id, "set_status", {"from": old.value, "to": status.value})
        return old


def put_back_set(store: Store, doc_id: int, annotator_id: int, before: AnnotationSet | None) -> None:
    """Put an earlier annotation set back row for row, WITH ITS IDS (undo of review's "accept version"): earlier
    decisions on the undo stack refer to those rows by id, and ids are never reused, so a rewrite with new ids
    would strand them. `before` None means there was no set: the current one is just removed. The caller's
    transaction is open."""
    store.conn.execute("DELETE FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?", (doc_id, annotator_id))
    if before is None:
        return
    stamp = now()
    store.conn.execute(
        "INSERT INTO annotation_sets(doc_id, annotator_id, status, extra, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (doc_id, annotator_id, Status.IN_PROGRESS.value, json.dumps(before.extra or {}), stamp, stamp),
    )
    restore(store, removed=Removed(list(before.entities), list(before.quotes), list(before.tags)))
    store.conn.execute(
        "UPDATE annotation_sets SET status = ? WHERE doc_id = ? AND annotator_id = ?",
        (Status(before.status).value, doc_id, annotator_id),
    )
