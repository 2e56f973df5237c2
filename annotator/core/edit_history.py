"""Undo that survives a restart: the edit log (table edit_log, one line per edit written by core/ops.py in the
edit's own transaction, with the rows as they were and as they became) read backwards, turned into the inverse
edit.

Which edits: add / relabel / resize / delete entity, add / change / delete quote, add / remove tag (document,
entity, quote), status changes, and the "restore" lines a redo writes. How far back: every logged edit of that
annotator on that document (the log is never trimmed), most recent first, one per call, until a line that has
no inverse (a review decision, a line written before this feature, an import) — `next_step` says so and stops.

Undoing writes an `undo` line (payload {"undid": [first, last], "first": id}): the edit lines [first, last] are
undone, and the lines from `first` to the `undo` line itself are the undo's own writes, skipped when looking
further back. The window's in-session undo writes the same line, so both histories agree.

Before writing, each inverse checks that the rows are still as the edit left them (the same checks the in-session
undo makes: the span is free, the row is there and unchanged); if not it raises `ops.EditError` saying what
changed, and nothing is written. Another annotator's edits never block yours (their rows are theirs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from annotator.core import ops
from annotator.core.log_rows import entity_from, quote_from, quote_row, tag_from
from annotator.core.model import Status, TargetKind
from annotator.core.store import NotFoundError, Store

INVERTIBLE = {"add_entity", "relabel_entity", "resize_entity", "delete_entity", "add_quote", "update_quote",
              "delete_quote", "add_tag", "remove_tag", "set_status", "restore"}

DESCRIPTIONS = {
    "add_entity": "Add {label}", "relabel_entity": "Relabel as {to}", "resize_entity": "Resize entity",
    "delete_entity": "Delete {label}", "add_quote": "Add quote", "update_quote": "Change quote",
    "delete_quote": "Delete quote", "add_tag": "Tag {tag}", "remove_tag": "Untag {tag}",
    "set_status": "Mark {to}", "restore": "Put back",
}


@dataclass(frozen=True, slots=True)
class LoggedEdit:
    """One edit-log line: `id` (the log's id), when (`at`, ISO time), `op` and its `payload` (a dict)."""

    id: int
    at: str
    doc_id: int
    annotator_id: int
    op: str
    payload: dict[str, Any]

    @property
    def undoable(self) -> bool:
        """Whether the payload holds what the inverse needs (lines written before this feature do not)."""
        p = self.payload
        needs = {"add_entity": "after", "relabel_entity": "before", "resize_entity": "before",
                 "delete_entity": "removed", "add_quote": "after", "update_quote": "before",
                 "delete_quote": "removed", "restore": "rows"}
        return self.op in INVERTIBLE and (self.op not in needs or needs[self.op] in p)

    def clock(self) -> str:
        """When it was made, "HH:MM:SS" local time."""
        return _clock(self.at)

    def description(self) -> str:
        """A short text for the Undo menu: "Add PERSON", "Tag unsure", "Mark done"."""
        try:
            return DESCRIPTIONS[self.op].format(**self.payload)
        except (KeyError, IndexError):
            return self.op.replace("_", " ")


def last_log_id(store: Store) -> int:
    """The highest edit-log id so far (0 for an empty log)."""
    return store.query("SELECT coalesce(max(id), 0) FROM edit_log")[0][0]


def mark_undone(store: Store, doc_id: int, annotator_id: int, undid: tuple[int, int], first_written: int) -> None:
    """Record that the edit lines `undid` (first, last id) were undone by the lines from `first_written` on.
    Call in the undo's transaction."""
    store.log_edit(doc_id, annotator_id, "undo", {"undid": list(undid), "first": first_written})


def next_step(store: Store, doc_id: int, annotator: str) -> LoggedEdit | None:
    """The annotator's most recent edit of the document not yet undone, or None if there is none. It may be
    one that cannot be undone (`undoable` False): the history stops there."""
    annotator_id = store.annotator_id(annotator, create=False)
    undone: list[tuple[int, int]] = []  # id ranges: edits undone and the undos' own writes
    for row in store.query(
        "SELECT id, at, doc_id, annotator_id, op, payload FROM edit_log WHERE doc_id = ? AND annotator_id = ? "
        "ORDER BY id DESC",
        (doc_id, annotator_id),
    ):
        entry = LoggedEdit(row[0], row[1], row[2], row[3], row[4], json.loads(row[5] or "{}"))
        if entry.op == "undo":
            first, last = entry.payload["undid"]
            undone += [(first, last), (entry.payload["first"], entry.id)]
            continue
        if any(a <= entry.id <= b for a, b in undone):
            continue
        return entry
    return None


def set_created_at(store: Store, doc_id: int, annotator_id: int) -> str | None:
    """When the annotator's set on the document was (last) created, ISO time; None if there is none. An import,
    an adjudication or `attach` writes a set whole (Store.replace_annotation_set), so this moves then."""
    rows = store.query("SELECT created_at FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?",
                       (doc_id, annotator_id))
    return rows[0][0] if rows else None


def blocker(store: Store, entry: LoggedEdit, *, window_start: int) -> str | None:
    """Why the logged edit must not be undone from this connection, in one clause, or None when it may be tried:
    - it has no inverse (a review decision, a line written before undo-after-restart existed);
    - it was written, after this window opened (`window_start`: the highest log id then), by another connection
      (`payload["session"]` is not `store.session`): another window open under the same name, whose edit is
      that window's to undo (attack 15 #9);
    - the set it edited was since replaced whole (an import, review), so its rows are not the ones logged
      (attack 15 #8)."""
    if not entry.undoable:
        return "it has no undo after a restart (a review decision, or logged before undo history was kept)"
    if entry.id > window_start and entry.payload.get("session") != store.session:
        return "another window open as you made it; undo it there"
    created = set_created_at(store, entry.doc_id, entry.annotator_id)
    if created is not None and created > entry.at:
        return f"an import or review replaced your set at {_clock(created)}"
    return None


def undone_by_other(store: Store, doc_id: int, annotator_id: int, log_range: tuple[int, int]) -> LoggedEdit | None:
    """The `undo` line written since `log_range` (the edit-log lines of one in-session edit) that undid it
    already — by another window open under the same name — or None."""
    for row in store.query(
        "SELECT id, at, doc_id, annotator_id, op, payload FROM edit_log WHERE doc_id = ? AND annotator_id = ? "
        "AND op = 'undo' AND id > ? ORDER BY id", (doc_id, annotator_id, log_range[1]),
    ):
        entry = LoggedEdit(row[0], row[1], row[2], row[3], row[4], json.loads(row[5] or "{}"))
        first, last = entry.payload.get("undid", (0, -1))
        if first <= log_range[1] and last >= log_range[0]:
            return entry
    return None


def _lines(store: Store, sql: str, params) -> list[LoggedEdit]:
    return [LoggedEdit(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "{}"))
            for r in store.query("SELECT id, at, doc_id, annotator_id, op, payload FROM edit_log WHERE " + sql, params)]


def changed_by_other(store: Store, doc_id: int, annotator_id: int, log_range: tuple[int, int]) -> LoggedEdit | None:
    """The first edit-log line written since `log_range` (one in-session edit's lines) by another connection (a
    window open under the same name) that touched one of the entities or quotes that edit touched, or None. Its
    undo would overwrite that window's change without a word."""
    mine = _lines(store, "doc_id = ? AND annotator_id = ? AND id BETWEEN ? AND ?", (doc_id, annotator_id, *log_range))
    if not mine:
        return None
    session = mine[0].payload.get("session")
    entities, quotes = set(), set()
    for line in mine:
        e, q = touched_ids(line)
        entities |= e
        quotes |= q
    if not entities and not quotes:
        return None
    for line in _lines(store, "doc_id = ? AND annotator_id = ? AND id > ? ORDER BY id", (doc_id, annotator_id, log_range[1])):
        if line.payload.get("session") == session:
            continue
        e, q = touched_ids(line)
        if e & entities or q & quotes:
            return line
    return None


def _clock(iso: str) -> str:
    """The local-looking "HH:MM:SS" of an ISO time (the log is UTC; the status bar shows times of day)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return iso[11:19]


def undo_step(store: Store, entry: LoggedEdit, annotator: str) -> None:
    """Undo one logged edit (from `next_step`) and mark it undone, in one transaction. Raises ops.EditError
    (or NotFoundError) with a one-line reason, nothing written, if it has no inverse or the rows changed since."""
    if not entry.undoable:
        raise ops.EditError(f"“{entry.description()}” ({entry.at[:19]}) cannot be undone after a restart: "
                            "the history of this document stops there")
    with store.transaction():
        first = last_log_id(store) + 1
        _inverse(store, entry, annotator)
        mark_undone(store, entry.doc_id, entry.annotator_id, (entry.id, entry.id), first)


def _current_entity(store: Store, row: dict[str, Any], what: str):
    try:
        now = store.entity(row["id"])
    except NotFoundError:
        raise ops.EditError(f"the {row['label']} entity at [{row['start']}, {row['end']}) is gone since ({what})") from None
    if (now.start, now.end, now.label) != (row["start"], row["end"], row["label"]):
        raise ops.EditError(f"the {row['label']} entity at [{row['start']}, {row['end']}) was changed since "
                            f"(now {now.label} at [{now.start}, {now.end}))")
    return now


def _current_quote(store: Store, row: dict[str, Any]):
    try:
        now = store.quote(row["id"])
    except NotFoundError:
        raise ops.EditError(f"the quote at [{row['start']}, {row['end']}) is gone since") from None
    mine, logged = quote_row(now), dict(row)
    if {k: v for k, v in mine.items() if k != "origin"} != {k: v for k, v in logged.items() if k != "origin"}:
        raise ops.EditError(f"the quote at [{row['start']}, {row['end']}) was changed since")
    return now


def _put_back(store: Store, rows: dict[str, list]) -> None:
    removed = ops.Removed([entity_from(e) for e in rows.get("entities", [])],
                          [quote_from(q) for q in rows.get("quotes", [])], [tag_from(t) for t in rows.get("tags", [])])
    for q in removed.quotes:  # restore() re-checks entity overlaps; a quote's id must be free
        if store.query("SELECT 1 FROM quotes WHERE id = ?", (q.id,)):
            raise ops.EditError(f"the quote at [{q.start}, {q.end}) is there already")
    for e in removed.entities:
        if store.query("SELECT 1 FROM entities WHERE id = ?", (e.id,)):
            raise ops.EditError(f"the {e.label} entity at [{e.start}, {e.end}) is there already")
    ops.restore(store, removed=removed)


def _inverse(store: Store, entry: LoggedEdit, annotator: str) -> None:
    p, op = entry.payload, entry.op
    if op == "add_entity":
        _current_entity(store, p["after"], "added then")
        ops.delete_entity(store, entity_id=p["id"])
        if p.get("replaced", {}).get("entities"):
            _put_back(store, p["replaced"])
    elif op in ("relabel_entity", "resize_entity"):
        before = entity_from(p["before"])
        after = dict(p["before"], label=p["to"]) if op == "relabel_entity" else dict(
            p["before"], start=p["to"][0], end=p["to"][1])
        _current_entity(store, after, "changed then")
        ops.restore_entity_fields(store, entity=before)
    elif op in ("delete_entity", "delete_quote"):
        _put_back(store, p["removed"])
    elif op == "restore":
        rows = p["rows"]
        for e in rows.get("entities", []):
            _current_entity(store, e, "put back then")
            ops.delete_entity(store, entity_id=e["id"])
        for q in rows.get("quotes", []):
            _current_quote(store, q)
            ops.delete_quote(store, quote_id=q["id"])
    elif op == "add_quote":
        _current_quote(store, p["after"])
        ops.delete_quote(store, quote_id=p["id"])
    elif op == "update_quote":
        _current_quote(store, p["after"])
        ops.restore_quote_fields(store, quote=quote_from(p["before"]))
    elif op in ("add_tag", "remove_tag"):
        kind = TargetKind(p["kind"])
        if op == "add_tag":
            if not ops.remove_tag(store, doc_id=entry.doc_id, annotator=annotator, tag=p["tag"], target_kind=kind,
                                  target_id=p["target"]):
                raise ops.EditError(f"the tag “{p['tag']}” was removed since")
        elif ops.add_tag(store, doc_id=entry.doc_id, annotator=annotator, tag=p["tag"], target_kind=kind,
                         target_id=p["target"]) is None:
            raise ops.EditError(f"the tag “{p['tag']}” was added again since")
    elif op == "set_status":
        current = store.status(entry.doc_id, annotator)
        if current is not Status(p["to"]):
            raise ops.EditError(f"the status is {current.value} now, not {p['to']}")
        ops.set_status(store, doc_id=entry.doc_id, annotator=annotator, status=Status(p["from"]))


def touched_ids(entry: LoggedEdit) -> tuple[set[int], set[int]]:
    """(entity ids, quote ids) a logged edit and its inverse touch, for the window's targeted refresh."""
    p, entities, quotes = entry.payload, set(), set()
    target = quotes if entry.op.endswith("_quote") else entities
    if "id" in p and entry.op not in ("add_tag", "remove_tag"):
        target.add(p["id"])
    for key in ("removed", "replaced", "rows"):
        entities |= {e["id"] for e in p.get(key, {}).get("entities", [])}
        quotes |= {q["id"] for q in p.get(key, {}).get("quotes", [])}
    if entry.op in ("add_tag", "remove_tag") and p.get("target") is not None:
        (entities if p["kind"] == TargetKind.ENTITY.value else quotes).add(p["target"])
    return entities, quotes
