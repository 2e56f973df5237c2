"""core/edit_history.py (Qt-free): the edit log read backwards into inverse edits, across store connections."""

from __future__ import annotations

import pytest

from annotator.core import edit_history as history
from annotator.core import ops
from annotator.core.model import Document, QuoteType, Status, TargetKind, TextRange
from annotator.core.store import Store

TEXT = "Anna Berg said on Monday that Paris and Rome will talk."


@pytest.fixture
def doc(db_path):
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT, title="t"))
        store.ensure_annotation_set(doc_id, "alice", start_from=None)
    return doc_id


def _undo_all(db_path, doc_id, annotator="alice", steps=99):
    with Store(db_path) as store:  # a fresh connection: as after a restart
        for _ in range(steps):
            entry = history.next_step(store, doc_id, annotator)
            if entry is None:
                return
            history.undo_step(store, entry, annotator)


def _state(db_path, doc_id, annotator="alice"):
    with Store(db_path) as store:
        s = store.annotation_set(doc_id, annotator)
        return (sorted((e.start, e.end, e.label, str(e.origin)) for e in s.entities),
                sorted((q.start, q.end, str(q.type), q.speaker, q.cue, q.speaker_name) for q in s.quotes),
                sorted((t.tag, t.target_kind.value) for t in s.tags), s.status)


def test_every_kind_of_edit_undone_back_to_the_start(db_path, doc):
    start = _state(db_path, doc)
    with Store(db_path) as store:
        e, _ = ops.add_entity(store, doc_id=doc, annotator="alice", start=0, end=9, label="PERSON")
        ops.relabel_entity(store, entity_id=e.id, label="ORG")
        ops.resize_entity(store, entity_id=e.id, start=0, end=4)
        ops.add_tag(store, doc_id=doc, annotator="alice", tag="unsure", target_kind=TargetKind.ENTITY, target_id=e.id)
        rome, _ = ops.add_entity(store, doc_id=doc, annotator="alice", start=40, end=44, label="GPE")
        ops.delete_entity(store, entity_id=rome.id)
        q = ops.add_quote(store, doc_id=doc, annotator="alice", start=25, end=54, type=QuoteType.INDIRECT)
        ops.update_quote(store, quote_id=q.id, speaker=TextRange(0, 9), speaker_name="Anna Berg", cue=TextRange(10, 14))
        ops.add_tag(store, doc_id=doc, annotator="alice", tag="checked")
        ops.remove_tag(store, doc_id=doc, annotator="alice", tag="checked")
        ops.set_status(store, doc_id=doc, annotator="alice", status=Status.DONE)
        # replace_overlapping: the undo puts the replaced one back
        ops.add_entity(store, doc_id=doc, annotator="alice", start=0, end=9, label="PERSON", replace_overlapping=True)
    middle = _state(db_path, doc)
    _undo_all(db_path, doc, steps=1)
    assert [x[:3] for x in _state(db_path, doc)[0]] == [(0, 4, "ORG")]  # the replaced entity is back
    _undo_all(db_path, doc)
    end = _state(db_path, doc)
    assert end[:3] == start[:3] and middle != start


def test_other_annotators_lines_are_not_theirs_to_undo(db_path, doc):
    with Store(db_path) as store:
        ops.add_entity(store, doc_id=doc, annotator="alice", start=30, end=35, label="GPE")
        store.ensure_annotation_set(doc, "bob", start_from=None)
        ops.add_entity(store, doc_id=doc, annotator="bob", start=30, end=35, label="LOC")
    _undo_all(db_path, doc)
    assert _state(db_path, doc)[0] == []
    assert _state(db_path, doc, "bob")[0] == [(30, 35, "LOC", "human")]


def test_refused_when_changed_since_and_nothing_written(db_path, doc):
    with Store(db_path) as store:
        e, _ = ops.add_entity(store, doc_id=doc, annotator="alice", start=30, end=35, label="GPE")
        ops.set_status(store, doc_id=doc, annotator="alice", status=Status.DONE)
        store.conn.execute("UPDATE annotation_sets SET status = 'new'")  # changed without a log line
        store.conn.execute("UPDATE entities SET label = 'LOC'")
        store.conn.commit()
        lines = history.last_log_id(store)
        entry = history.next_step(store, doc, "alice")
        with pytest.raises(ops.EditError, match="status is new now"):
            history.undo_step(store, entry, "alice")
        assert history.last_log_id(store) == lines


def test_a_line_without_an_inverse_stops_the_history(db_path, doc):
    with Store(db_path) as store:
        ops.add_entity(store, doc_id=doc, annotator="alice", start=30, end=35, label="GPE")
        store.log_edit(doc, store.annotator_id("alice"), "accept_version", {})  # e.g. a review decision
        entry = history.next_step(store, doc, "alice")
        assert not entry.undoable
        with pytest.raises(ops.EditError, match="cannot be undone after a restart"):
            history.undo_step(store, entry, "alice")
