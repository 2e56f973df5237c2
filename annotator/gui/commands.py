"""Undoable edits: one QUndoCommand per edit, each calling annotator.core.ops (one transaction each).

Commands never touch widgets. After doing or undoing, a command reports what it touched through the
`EditNotifier` (entity ids, quote ids, whether tags or the status changed); the window then re-reads exactly
those rows from the store. The first `redo()` that QUndoStack runs on push is skipped: the window calls
`apply()` before pushing so that an impossible edit raises (EditError) instead of landing on the stack.
Redo of an add puts the same row back (same id), so later commands on the stack keep pointing at it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from annotator.core import edit_history, ops
from annotator.core.model import Entity, Quote, QuoteType, Status, TargetKind, TextRange
from annotator.core.speaker_names import resolve_speaker
from annotator.core.store import NotFoundError, Store, StoreError


@dataclass(slots=True)
class Change:
    """What an edit touched, for a targeted refresh."""

    doc_id: int
    entities: set[int] = field(default_factory=set)
    quotes: set[int] = field(default_factory=set)
    tags: bool = False
    status: bool = False


class EditNotifier(QObject):
    """Carries `Change`s from commands to whoever shows the data."""

    edited = Signal(object)
    failed = Signal(str)
    """An undo or redo could not be applied (e.g. another window deleted the row meanwhile); the message says
    which and why. Nothing was written."""


class EditCommand(QUndoCommand):
    """Base: holds the store, the document, the annotator, and the notifier."""

    def __init__(self, text: str, store: Store, notifier: EditNotifier, *, doc_id: int, annotator: str):
        super().__init__(text)
        self.store = store
        self.notifier = notifier
        self.doc_id = doc_id
        self.annotator = annotator
        self._applied = False
        self.log_range: tuple[int, int] | None = None  # the edit-log lines the last do/redo wrote
        self.failure: str | None = None  # why the last undo/redo was refused (one line), None if it ran

    def _logged(self, action) -> None:
        """Run a do/redo and remember which edit-log lines it wrote (an undo marks them undone, so that the
        undo after a restart, core/edit_history.py, does not find them again)."""
        first = edit_history.last_log_id(self.store) + 1
        action()
        last = edit_history.last_log_id(self.store)
        self.log_range = (first, last) if last >= first else None

    def apply(self) -> None:
        """Do the edit the first time (may raise EditError); the push that follows does not repeat it."""
        self._logged(lambda: self._do(first=True))
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._guarded("redo", lambda: self._logged(lambda: self._do(first=False)))

    def undo(self) -> None:
        self._guarded("undo", self._undo_and_mark)

    def _undo_and_mark(self) -> None:
        """The undo and its `undo` line in the edit log, in one transaction."""
        with self.store.transaction():
            annotator_id = self.store.annotator_id(self.annotator)
            if self.log_range is not None and (
                    other := edit_history.undone_by_other(self.store, self.doc_id, annotator_id, self.log_range)):
                # another window open under the same name undid this very edit (attack 15 #9)
                raise ops.EditError(f"it was undone already, in another window, at {other.clock()}")
            if self.log_range is not None and (
                    other := edit_history.changed_by_other(self.store, self.doc_id, annotator_id, self.log_range)):
                raise ops.EditError(f"another window open under your name changed it since (“{other.description()}”"
                                    f" at {other.clock()}); undo it there first, or edit it by hand")
            first = edit_history.last_log_id(self.store) + 1
            self._undo()
            if self.log_range is not None:
                edit_history.mark_undone(self.store, self.doc_id, self.store.annotator_id(self.annotator),
                                         self.log_range, first)

    def _guarded(self, verb: str, action) -> None:
        """Run an undo or redo; if the database no longer allows it (another window changed those rows), say so
        instead of raising out of Qt's undo stack. Each op is one transaction, so a refused one wrote nothing."""
        self.failure = None
        try:
            action()
        except (ops.EditError, NotFoundError, StoreError, sqlite3.Error) as error:  # any database error too
            self.failure = str(error)
            if isinstance(error, NotFoundError):  # "no entity with id 2051" means nothing to a person
                what = "entity" if "entity" in str(error) else "quote" if "quote" in str(error) else "annotation"
                error = f"that {what} was deleted meanwhile in another window or program"
            # lower case after the "Not undone:" / "Not redone:" state it follows (attack 15b #15)
            self.notifier.failed.emit(f"can't {verb} “{self.text()}”: {error}")

    def _emit(self, **kw) -> None:
        self.notifier.edited.emit(Change(self.doc_id, **kw))

    def _do(self, *, first: bool) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class AddEntityCommand(EditCommand):
    def __init__(self, store, notifier, *, doc_id: int, annotator: str, start: int, end: int, label: str, replace_overlapping: bool = False):
        super().__init__(f"Add {label}", store, notifier, doc_id=doc_id, annotator=annotator)
        self.start, self.end, self.label, self.replace_overlapping = start, end, label, replace_overlapping
        self.entity: Entity | None = None
        self.removed: ops.Removed | None = None

    def _do(self, *, first: bool) -> None:
        if first:
            self.entity, self.removed = ops.add_entity(
                self.store, doc_id=self.doc_id, annotator=self.annotator, start=self.start, end=self.end,
                label=self.label, replace_overlapping=self.replace_overlapping,
            )
        else:
            for old in self.removed.entities:
                ops.delete_entity(self.store, entity_id=old.id)
            ops.restore(self.store, removed=ops.Removed(entities=[self.entity]))
        self._emit(entities={self.entity.id, *(e.id for e in self.removed.entities)}, tags=bool(self.removed.tags))

    def _undo(self) -> None:
        ops.remove_entity(self.store, entity_id=self.entity.id)
        if self.removed.entities:
            ops.restore(self.store, removed=self.removed)
        self._emit(entities={self.entity.id, *(e.id for e in self.removed.entities)}, tags=bool(self.removed.tags))


class RelabelEntityCommand(EditCommand):
    def __init__(self, store, notifier, *, doc_id: int, annotator: str, entity_id: int, label: str):
        super().__init__(f"Relabel as {label}", store, notifier, doc_id=doc_id, annotator=annotator)
        self.entity_id, self.label = entity_id, label
        self.old: Entity | None = None

    def _do(self, *, first: bool) -> None:
        self.old = ops.relabel_entity(self.store, entity_id=self.entity_id, label=self.label)
        self._emit(entities={self.entity_id})

    def _undo(self) -> None:
        ops.restore_entity_fields(self.store, entity=self.old)
        self._emit(entities={self.entity_id})


class ResizeEntityCommand(EditCommand):
    def __init__(self, store, notifier, *, doc_id: int, annotator: str, entity_id: int, start: int, end: int):
        super().__init__("Resize entity", store, notifier, doc_id=doc_id, annotator=annotator)
        self.entity_id, self.start, self.end = entity_id, start, end
        self.old: Entity | None = None

    def _do(self, *, first: bool) -> None:
        self.old = ops.resize_entity(self.store, entity_id=self.entity_id, start=self.start, end=self.end)
        self._emit(entities={self.entity_id})

    def _undo(self) -> None:
        ops.restore_entity_fields(self.store, entity=self.old)
        self._emit(entities={self.entity_id})


class DeleteEntityCommand(EditCommand):
    def __init__(self, store, notifier, *, doc_id: int, annotator: str, entity_id: int):
        super().__init__("Delete entity", store, notifier, doc_id=doc_id, annotator=annotator)
        self.entity_id = entity_id
        self.removed: ops.Removed | None = None

    def _do(self, *, first: bool) -> None:
        self.removed = ops.delete_entity(self.store, entity_id=self.entity_id)
        self._emit(entities={self.entity_id}, tags=bool(self.removed.tags))

    def _undo(self) -> None:
        ops.restore(self.store, removed=self.removed)
        self._emit(entities={self.entity_id}, tags=bool(self.removed.tags))


class AddQuoteCommand(EditCommand):
    def __init__(self, store, notifier, *, doc_id: int, annotator: str, start: int, end: int, type: QuoteType = QuoteType.DIRECT):
        super().__init__("Add quote", store, notifier, doc_id=doc_id, annotator=annotator)
        self.start, self.end, self.type = start, end, type
        self.quote: Quote | None = None

    def _do(self, *, first: bool) -> None:
        if first:
            self.quote = ops.add_quote(
                self.store, doc_id=self.doc_id, annotator=self.annotator, start=self.start, end=self.end, type=self.type
            )
        else:
            ops.restore(self.store, removed=ops.Removed(quotes=[self.quote]))
        self._emit(quotes={self.quote.id})

    def _undo(self) -> None:
        ops.remove_quote(self.store, quote_id=self.quote.id)
        self._emit(quotes={self.quote.id})


class UpdateQuoteCommand(EditCommand):
    """Change a quote's speaker, cue, type or boundaries (keyword arguments of ops.update_quote)."""

    def __init__(self, text: str, store, notifier, *, doc_id: int, annotator: str, quote_id: int, **changes):
        super().__init__(text, store, notifier, doc_id=doc_id, annotator=annotator)
        self.quote_id = quote_id
        self.changes = changes
        self.old: Quote | None = None

    def _do(self, *, first: bool) -> None:
        self.old = ops.update_quote(self.store, quote_id=self.quote_id, **self.changes)
        self._emit(quotes={self.quote_id})

    def _undo(self) -> None:
        ops.restore_quote_fields(self.store, quote=self.old)
        self._emit(quotes={self.quote_id})


class DeleteQuoteCommand(EditCommand):
    def __init__(self, store, notifier, *, doc_id: int, annotator: str, quote_id: int):
        super().__init__("Delete quote", store, notifier, doc_id=doc_id, annotator=annotator)
        self.quote_id = quote_id
        self.removed: ops.Removed | None = None

    def _do(self, *, first: bool) -> None:
        self.removed = ops.delete_quote(self.store, quote_id=self.quote_id)
        self._emit(quotes={self.quote_id}, tags=bool(self.removed.tags))

    def _undo(self) -> None:
        ops.restore(self.store, removed=self.removed)
        self._emit(quotes={self.quote_id}, tags=bool(self.removed.tags))


class TagCommand(EditCommand):
    """Add (`present=True`) or remove a tag on the document, an entity or a quote."""

    def __init__(self, store, notifier, *, doc_id: int, annotator: str, tag: str, present: bool,
                 target_kind: TargetKind = TargetKind.DOCUMENT, target_id: int | None = None):
        super().__init__(f"{'Tag' if present else 'Untag'} {tag}", store, notifier, doc_id=doc_id, annotator=annotator)
        self.tag, self.present, self.kind, self.target_id = tag, present, TargetKind(target_kind), target_id

    def _set(self, present: bool) -> bool:
        edit = ops.add_tag if present else ops.remove_tag
        result = edit(self.store, doc_id=self.doc_id, annotator=self.annotator, tag=self.tag,
                      target_kind=self.kind, target_id=self.target_id)
        return bool(result)

    def _do(self, *, first: bool) -> None:
        changed = self._set(self.present)
        if first and not changed:
            self.setObsolete(True)  # already so: nothing to undo
        self._emit(tags=True, entities={self.target_id} if self.kind is TargetKind.ENTITY else set(),
                   quotes={self.target_id} if self.kind is TargetKind.QUOTE else set())

    def _undo(self) -> None:
        self._set(not self.present)
        self._emit(tags=True, entities={self.target_id} if self.kind is TargetKind.ENTITY else set(),
                   quotes={self.target_id} if self.kind is TargetKind.QUOTE else set())


class SetStatusCommand(EditCommand):
    def __init__(self, store, notifier, *, doc_id: int, annotator: str, status: Status):
        super().__init__(f"Mark {Status(status).value}", store, notifier, doc_id=doc_id, annotator=annotator)
        self.status = Status(status)
        self.old: Status | None = None

    def _do(self, *, first: bool) -> None:
        self.old = ops.set_status(self.store, doc_id=self.doc_id, annotator=self.annotator, status=self.status)
        self._emit(status=True)

    def _undo(self) -> None:
        ops.set_status(self.store, doc_id=self.doc_id, annotator=self.annotator, status=self.old)
        self._emit(status=True)


class LoggedEditCommand(EditCommand):
    """An edit made in an earlier session, read back from the edit log (core/edit_history.py), whose undo is
    the logged edit's inverse. Built by the window when its own undo stack is empty; undone once, not redone
    (its redo is the edit itself, made long ago)."""

    def __init__(self, store, notifier, *, doc_id: int, annotator: str, entry: edit_history.LoggedEdit):
        super().__init__(f"{entry.description()} (earlier session)", store, notifier, doc_id=doc_id,
                         annotator=annotator)
        self.entry = entry
        self._applied = True  # done in an earlier session: pushing it does nothing

    def undo(self) -> None:
        """Undo the logged edit; a refusal is kept in `failure` for the window to say (with what it means for
        the edits before it), not signalled. Obsolete either way: Qt drops it from the stack."""
        self.failure = None
        self.setObsolete(True)
        try:
            self._undo()
        except (ops.EditError, NotFoundError, StoreError, sqlite3.Error) as error:
            self.failure = str(error)

    def _undo(self) -> None:
        edit_history.undo_step(self.store, self.entry, self.annotator)
        entities, quotes = edit_history.touched_ids(self.entry)
        self._emit(entities=entities, quotes=quotes, tags=True, status=self.entry.op == "set_status")
        self.setObsolete(True)  # no redo of an earlier session's edit: Qt drops it from the stack


def speaker_changes(text: str, start: int, end: int, entities=(), quotes=(), *, editing: int | None = None) -> dict:
    """update_quote arguments that make [start, end) the speaker of the quote `editing` (its id), with the person
    it names resolved as the pre-extraction does ("Kerry" -> "John Kerry", "he" -> the person before;
    core/speaker_names.py), never from that quote's own old name."""
    return {"speaker": TextRange(start, end),
            "speaker_name": resolve_speaker(text, start, end, entities, quotes, editing=editing)}
