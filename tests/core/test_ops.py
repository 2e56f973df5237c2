"""Edits: each op writes at once, logs itself, and returns what undo needs to put things back exactly."""

from __future__ import annotations

import pytest

from annotator.core import ops
from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Origin, QuoteType, Status, TargetKind, TextRange
from annotator.core.store import NotFoundError, Store

TEXT = "Kerry met Aziz in Islamabad 😀 on Tuesday."


@pytest.fixture
def doc_id(store: Store) -> int:
    doc_id, _ = store.add_document(Document(text=TEXT))
    store.replace_annotation_set(
        AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR, entities=[Entity(0, 5, "PERSON", Origin.MODEL)])
    )
    store.ensure_annotation_set(doc_id, "alice")
    return doc_id


def snapshot(store: Store, doc_id: int):
    aset = store.annotation_set(doc_id, "alice")
    return (
        [(e.id, e.start, e.end, e.label) for e in aset.entities],
        [(q.id, q.start, q.end, q.type, q.speaker, q.cue, q.speaker_name) for q in aset.quotes],
        sorted((t.tag, t.target_kind, t.target_id) for t in aset.tags),
    )


def test_add_relabel_resize_delete_and_undo_each(store: Store, doc_id: int):
    before = snapshot(store, doc_id)
    entity, replaced = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=10, end=14, label="PERSON")
    assert entity.range.text_of(TEXT) == "Aziz" and replaced.entities == []
    assert store.status(doc_id, "alice") is Status.IN_PROGRESS

    old = ops.relabel_entity(store, entity_id=entity.id, label="ORG")
    assert store.entity(entity.id).label == "ORG" and old.label == "PERSON"
    ops.restore_entity_fields(store, entity=old)
    assert store.entity(entity.id).label == "PERSON"

    old = ops.resize_entity(store, entity_id=entity.id, start=18, end=27)
    assert store.entity(entity.id).range.text_of(TEXT) == "Islamabad"
    ops.restore_entity_fields(store, entity=old)
    assert store.entity(entity.id).range.text_of(TEXT) == "Aziz"

    ops.add_tag(store, doc_id=doc_id, annotator="alice", tag="important", target_kind=TargetKind.ENTITY, target_id=entity.id)
    removed = ops.delete_entity(store, entity_id=entity.id)
    assert [t.tag for t in removed.tags] == ["important"]
    with pytest.raises(NotFoundError):
        store.entity(entity.id)
    ops.restore(store, removed=removed)
    assert store.entity(entity.id).label == "PERSON"
    assert store.annotation_set(doc_id, "alice").tags_of(TargetKind.ENTITY, entity.id) == ["important"]

    ops.remove_tag(store, doc_id=doc_id, annotator="alice", tag="important", target_kind=TargetKind.ENTITY, target_id=entity.id)
    ops.remove_entity(store, entity_id=entity.id)
    assert snapshot(store, doc_id) == before


def test_entities_never_overlap_unless_replacing(store: Store, doc_id: int):
    with pytest.raises(ops.EditError, match="overlaps the PERSON entity"):
        ops.add_entity(store, doc_id=doc_id, annotator="alice", start=2, end=9, label="ORG")
    entity, replaced = ops.add_entity(
        store, doc_id=doc_id, annotator="alice", start=0, end=9, label="ORG", replace_overlapping=True
    )
    assert [e.label for e in replaced.entities] == ["PERSON"]
    assert [(e.start, e.end, e.label) for e in store.annotation_set(doc_id, "alice").entities] == [(0, 9, "ORG")]
    other, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=10, end=14, label="PERSON")
    with pytest.raises(ops.EditError, match="would overlap"):
        ops.resize_entity(store, entity_id=other.id, start=5, end=14)


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (7, 3), (0, len(TEXT) + 1)])
def test_ranges_outside_the_text_are_refused(store: Store, doc_id: int, start, end):
    with pytest.raises(ops.EditError, match="inside the text"):
        ops.add_entity(store, doc_id=doc_id, annotator="alice", start=start, end=end, label="ORG")
    assert len(store.annotation_set(doc_id, "alice").entities) == 1


def test_quote_edits_and_undo(store: Store, doc_id: int):
    quote = ops.add_quote(store, doc_id=doc_id, annotator="alice", start=6, end=27, type=QuoteType.INDIRECT)
    old = ops.update_quote(store, quote_id=quote.id, speaker=TextRange(0, 5), speaker_name="John Kerry", cue=TextRange(6, 9))
    now = store.quote(quote.id)
    assert now.speaker.text_of(TEXT) == "Kerry" and now.cue.text_of(TEXT) == "met" and now.speaker_name == "John Kerry"
    ops.update_quote(store, quote_id=quote.id, type=QuoteType.MIXED, cue=None)
    assert store.quote(quote.id).cue is None and store.quote(quote.id).type is QuoteType.MIXED
    ops.restore_quote_fields(store, quote=old)
    assert store.quote(quote.id).speaker is None and store.quote(quote.id).type is QuoteType.INDIRECT
    removed = ops.delete_quote(store, quote_id=quote.id)
    ops.restore(store, removed=removed)
    assert store.quote(quote.id).start == 6


def test_tags_and_status(store: Store, doc_id: int):
    assert ops.add_tag(store, doc_id=doc_id, annotator="alice", tag="wire-copy") is not None
    assert ops.add_tag(store, doc_id=doc_id, annotator="alice", tag="wire-copy") is None
    assert store.annotation_set(doc_id, "alice").document_tags() == ["wire-copy"]
    with pytest.raises(NotFoundError):
        ops.add_tag(store, doc_id=doc_id, annotator="alice", tag="x", target_kind=TargetKind.QUOTE, target_id=12345)
    assert ops.set_status(store, doc_id=doc_id, annotator="alice", status=Status.DONE) is Status.IN_PROGRESS
    assert ops.set_status(store, doc_id=doc_id, annotator="alice", status=Status.REJECTED) is Status.DONE
    ops.add_tag(store, doc_id=doc_id, annotator="alice", tag="opinion")  # an edit does not undo a finished status
    assert store.status(doc_id, "alice") is Status.REJECTED


def test_every_edit_is_logged_under_its_annotator(store: Store, doc_id: int):
    entity, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=10, end=14, label="PERSON")
    ops.relabel_entity(store, entity_id=entity.id, label="ORG")
    rows = store.query(
        "SELECT a.name, op FROM edit_log l JOIN annotators a ON a.id = l.annotator_id ORDER BY l.id"
    )
    assert [(r[0], r[1]) for r in rows] == [("alice", "add_entity"), ("alice", "relabel_entity")]


def test_a_first_edit_starts_from_the_model_pre_extraction(store: Store, doc_id: int):
    assert store.annotation_set(doc_id, "bob") is None
    ops.add_entity(store, doc_id=doc_id, annotator="bob", start=10, end=14, label="PERSON")
    bob = store.annotation_set(doc_id, "bob")
    assert [(e.start, e.end, e.origin) for e in bob.entities] == [(0, 5, Origin.MODEL), (10, 14, Origin.HUMAN)]
    assert bob.status is Status.IN_PROGRESS


def test_a_failed_edit_writes_nothing(store: Store):
    doc_id, _ = store.add_document(Document(text=TEXT))
    with pytest.raises(ops.EditError):
        ops.add_entity(store, doc_id=doc_id, annotator="bob", start=0, end=99, label="PERSON")
    with pytest.raises(NotFoundError):
        ops.add_tag(store, doc_id=doc_id, annotator="bob", tag="x", target_kind=TargetKind.ENTITY, target_id=4242)
    assert store.annotation_set(doc_id, "bob") is None
    assert store.query("SELECT count(*) FROM edit_log")[0][0] == 0


def test_undoing_a_change_to_a_span_deleted_meanwhile_is_refused(store: Store, doc_id: int):
    entity, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=10, end=14, label="PERSON")
    old_entity = ops.relabel_entity(store, entity_id=entity.id, label="ORG")
    quote = ops.add_quote(store, doc_id=doc_id, annotator="alice", start=18, end=27)
    old_quote = ops.update_quote(store, quote_id=quote.id, type=QuoteType.MIXED)
    ops.delete_entity(store, entity_id=entity.id)  # e.g. in another window
    ops.delete_quote(store, quote_id=quote.id)
    logged = store.query("SELECT count(*) FROM edit_log")[0][0]
    with pytest.raises(NotFoundError, match="no longer exists"):
        ops.restore_entity_fields(store, entity=old_entity)
    with pytest.raises(NotFoundError, match="no longer exists"):
        ops.restore_quote_fields(store, quote=old_quote)
    assert store.query("SELECT count(*) FROM edit_log")[0][0] == logged
