"""Two windows on one database: undo puts a deleted row back with its old id, so ids must never be reused.

SQLite hands the highest freed id to the next insert: an entity deleted in one window can have its id taken by
another window's new entity, and undoing the delete then fails. Migration 0006_never_reuse_ids puts
AUTOINCREMENT on entities, quotes and tags; code that assigns ids itself starts above `Store.highest_id`."""

from __future__ import annotations

import sqlite3


from annotator.core import migrations, ops
from annotator.core.model import AnnotationSet, Document, Entity, Origin, QuoteType, TargetKind, TextRange
from annotator.core.store import Store

TEXT = "Alice and Bob and Carol went home, said Dave."


def test_the_shipped_schema_never_reuses_ids(db_path):
    assert "0006_never_reuse_ids" in [m.name for m in migrations.MIGRATIONS]
    with Store(db_path) as store:
        for table in ("entities", "quotes", "tags"):
            (sql,) = store.query("SELECT sql FROM sqlite_master WHERE name = ?", (table,))[0]
            assert "AUTOINCREMENT" in sql.upper(), table


def test_undo_of_a_delete_works_after_another_window_added_rows(db_path):
    undo_after_another_window_added_rows(db_path)


def undo_after_another_window_added_rows(db_path):
    alice_window, bob_window = Store(db_path), Store(db_path)
    try:
        doc_id, _ = alice_window.add_document(Document(text=TEXT))
        alice_window.ensure_annotation_set(doc_id, "alice")
        bob_window.ensure_annotation_set(doc_id, "bob")
        entity, _ = ops.add_entity(alice_window, doc_id=doc_id, annotator="alice", start=0, end=5, label="PER")
        ops.add_tag(alice_window, doc_id=doc_id, annotator="alice", tag="check", target_kind=TargetKind.ENTITY,
                    target_id=entity.id)
        quote = ops.add_quote(alice_window, doc_id=doc_id, annotator="alice", start=10, end=20,
                              speaker=TextRange(40, 44), speaker_name="Dave")
        removed_entity = ops.delete_entity(alice_window, entity_id=entity.id)  # alice deletes: the highest ids
        removed_quote = ops.delete_quote(alice_window, quote_id=quote.id)
        # meanwhile bob, in another window, adds rows of every kind
        other, _ = ops.add_entity(bob_window, doc_id=doc_id, annotator="bob", start=10, end=13, label="PER")
        ops.add_tag(bob_window, doc_id=doc_id, annotator="bob", tag="x", target_kind=TargetKind.ENTITY,
                    target_id=other.id)
        ops.add_quote(bob_window, doc_id=doc_id, annotator="bob", start=0, end=9, type=QuoteType.INDIRECT)
        assert other.id != entity.id
        # alice undoes both deletes: everything comes back, same ids, with its tag
        ops.restore(alice_window, removed=removed_quote)
        ops.restore(alice_window, removed=removed_entity)
        aset = bob_window.annotation_set(doc_id, "alice")
        assert [(e.id, e.label) for e in aset.entities] == [(entity.id, "PER")]
        assert aset.tags_of(TargetKind.ENTITY, entity.id) == ["check"]
        assert [(q.id, q.speaker_name) for q in aset.quotes] == [(quote.id, "Dave")]
        assert [h.doc_id for h in alice_window.search("Dave")] == [doc_id]
    finally:
        alice_window.close()
        bob_window.close()


def test_undo_of_a_delete_works_after_another_window_copied_the_model_set_of_another_document(db_path):
    """Audit mutation 5: alice deletes the entity with the highest id; bob then opens another document, whose set
    is copied from the model's with ids assigned by the code (`Store.highest_id` + rank). Those ids must start
    above every id ever handed out, or alice's undo fails with UNIQUE constraint failed: entities.id."""
    alice_window, bob_window = Store(db_path), Store(db_path)
    try:
        first, _ = alice_window.add_document(Document(text=TEXT))
        second, _ = alice_window.add_document(Document(text="Erin met Frank and Grace in Oslo."))
        alice_window.replace_annotation_set(AnnotationSet(doc_id=second, annotator="model", entities=[
            Entity(0, 4, "PER", Origin.MODEL), Entity(9, 14, "PER", Origin.MODEL), Entity(19, 24, "PER", Origin.MODEL)]))
        alice_window.ensure_annotation_set(first, "alice")
        entity, _ = ops.add_entity(alice_window, doc_id=first, annotator="alice", start=0, end=5, label="PER")
        ops.add_tag(alice_window, doc_id=first, annotator="alice", tag="check", target_kind=TargetKind.ENTITY,
                    target_id=entity.id)
        removed = ops.delete_entity(alice_window, entity_id=entity.id)  # the highest id is freed
        assert bob_window.ensure_annotation_set(second, "bob")  # copies the model's 3 entities
        copied = [e.id for e in bob_window.annotation_set(second, "bob").entities]
        assert entity.id not in copied and min(copied) > entity.id
        ops.restore(alice_window, removed=removed)  # alice's undo
        aset = bob_window.annotation_set(first, "alice")
        assert [(e.id, e.start, e.label) for e in aset.entities] == [(entity.id, 0, "PER")]
        assert aset.tags_of(TargetKind.ENTITY, entity.id) == ["check"]
    finally:
        alice_window.close()
        bob_window.close()


def test_migration_keeps_every_row_trigger_and_index_of_an_existing_database(db_path, monkeypatch):
    (never_reuse,) = [m for m in migrations.MIGRATIONS if m.name == "0006_never_reuse_ids"]
    before_0006 = migrations.MIGRATIONS[: migrations.MIGRATIONS.index(never_reuse)]
    monkeypatch.setattr(migrations, "MIGRATIONS", before_0006)
    with Store(db_path) as old:
        doc_id, _ = old.add_document(Document(text=TEXT))
        old.ensure_annotation_set(doc_id, "alice")
        kept = []
        for start in range(0, 30, 5):
            entity, _ = ops.add_entity(old, doc_id=doc_id, annotator="alice", start=start, end=start + 3, label="X")
            ops.add_tag(old, doc_id=doc_id, annotator="alice", tag="t", target_kind=TargetKind.ENTITY,
                        target_id=entity.id)
            kept.append(entity.id)
        quote = ops.add_quote(old, doc_id=doc_id, annotator="alice", start=0, end=9, speaker_name="Carol Danvers")
        ops.delete_entity(old, entity_id=kept.pop())  # a freed highest id
        snapshot = {t: old.query(f"SELECT * FROM {t} ORDER BY id") for t in ("entities", "quotes", "tags")}
        objects = {tuple(r) for r in old.query("SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger')")}
    monkeypatch.setattr(migrations, "MIGRATIONS", [*before_0006, never_reuse])
    with Store(db_path) as new:
        assert [r[0] for r in new.query("SELECT name FROM _migrations ORDER BY id")][-1] == "0006_never_reuse_ids"
        for table, rows in snapshot.items():
            assert [tuple(r) for r in new.query(f"SELECT * FROM {table} ORDER BY id")] == [tuple(r) for r in rows]
            assert "AUTOINCREMENT" in new.query("SELECT sql FROM sqlite_master WHERE name = ?", (table,))[0][0]
        assert objects <= {tuple(r) for r in new.query("SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger')")}
        # the triggers still work: a deleted entity takes its tags along; speaker search follows quotes
        ops.delete_entity(new, entity_id=kept[0])
        assert not new.query("SELECT 1 FROM tags WHERE target_kind = 'entity' AND target_id = ?", (kept[0],))
        assert [h.doc_id for h in new.search("Danvers")] == [doc_id]
        ops.delete_quote(new, quote_id=quote.id)
        assert new.search("Danvers") == []
        # and from now on a freed id is not handed out again
        highest = max(r["id"] for r in new.query("SELECT id FROM entities"))
        ops.delete_entity(new, entity_id=highest)
        fresh, _ = ops.add_entity(new, doc_id=doc_id, annotator="alice", start=40, end=44, label="X")
        assert fresh.id > highest
        assert new.integrity_check() == "ok"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
