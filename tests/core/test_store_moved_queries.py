"""The store methods that took over SQL which used to live in io/, review/ and gui/ (issue 19): each read back
through a fresh connection where it writes."""

from __future__ import annotations

import json

from annotator.core.model import AnnotationSet, Document, Entity, Status, Tag
from annotator.core.store import Store


def a_doc(store: Store, text: str = "Kerry visited Paris.") -> int:
    return store.add_document(Document(text=text, title="t"))[0]


def test_tags_are_one_annotators_tags_on_one_document(db_path):
    with Store(db_path) as store:
        d, other = a_doc(store), a_doc(store, "Another text.")
        store.replace_annotation_set(AnnotationSet(doc_id=d, annotator="alice", status=Status.IN_PROGRESS,
                                                   tags=[Tag("needs-review")]))
        store.replace_annotation_set(AnnotationSet(doc_id=d, annotator="bob", tags=[Tag("bob's")]))
        store.replace_annotation_set(AnnotationSet(doc_id=other, annotator="alice", tags=[Tag("x")]))
        assert [t.tag for t in store.tags(d, "alice")] == ["needs-review"]
        assert store.tags(d, "carol") == []


def test_log_edit_writes_one_line_in_the_callers_transaction(db_path):
    with Store(db_path) as store:
        d = a_doc(store)
        alice = store.annotator_id("alice")
        with store.transaction():
            store.log_edit(d, alice, "note", {"name": "Zoë"})
        session = store.session  # each line names the connection that wrote it (undo: this window's edits only)
    with Store(db_path, readonly=True) as fresh:
        rows = fresh.query("SELECT doc_id, annotator_id, op, payload FROM edit_log WHERE op = 'note'")
        assert [(r[0], r[1], r[2], json.loads(r[3])) for r in rows] == [
            (d, alice, "note", {"name": "Zoë", "session": session})]


def test_review_decisions_are_recorded_read_in_order_and_forgotten(db_path):
    with Store(db_path) as store:
        d = a_doc(store)
        assert store.decision_rows(d, "gold") == []  # no gold annotator yet
        first = store.record_decision(d, gold="gold", reviewer="rita", key="entity:0-5", decision="take",
                                      chosen_from="alice")
        second = store.record_decision(d, gold="gold", reviewer="rita", key="entity:0-5", decision="edit",
                                       chosen_from=None, payload={"label": "PERSON"})
    with Store(db_path) as fresh:
        rows = fresh.decision_rows(d, "gold")
        assert [(r["item_key"], r["decision"], r["chosen_from"], r["reviewer"], json.loads(r["payload"])) for r in rows] == [
            ("entity:0-5", "take", "alice", "rita", {}), ("entity:0-5", "edit", None, "rita", {"label": "PERSON"})]
        fresh.forget_decisions([second])
        fresh.forget_decisions([])
        assert [r["decision"] for r in fresh.decision_rows(d, "gold")] == ["take"]
        assert first != second


def test_listing_who_worked_on_what(db_path):
    with Store(db_path) as store:
        d1, d2 = a_doc(store), a_doc(store, "Second.")
        for doc, name, status in ((d1, "alice", Status.DONE), (d1, "bob", Status.NEW), (d2, "alice", Status.DONE),
                                  (d2, "bob", Status.DONE)):
            store.replace_annotation_set(AnnotationSet(doc_id=doc, annotator=name, status=status,
                                                       entities=[Entity(0, 5, "PERSON")]))
        store.annotator_id("nobody")
        assert store.annotators_with_sets() == ["alice", "bob"]
        assert store.has_any_set("alice") and not store.has_any_set("nobody") and not store.has_any_set("zed")
        assert store.documents_with_sets(["alice", "bob"], ["done"], any_status="model", minimum=2) == [d2]
        assert store.documents_with_sets(["alice", "bob"], ["done"], any_status="bob", minimum=2) == [d1, d2]
        assert store.documents_of(store.annotator_id("bob")) == [d1, d2]
        assert store.gold_names_with_decisions() == set()
        store.record_decision(d1, gold="gold2", reviewer="rita", key="document", decision="accept_version",
                              chosen_from="alice")
        assert store.gold_names_with_decisions() == {"gold2"}


def test_existing_sets_and_the_import_scratch_table(db_path):
    with Store(db_path) as store:
        d1, d2 = a_doc(store), a_doc(store, "Second.")
        store.replace_annotation_set(AnnotationSet(doc_id=d1, annotator="alice"))
        assert store.existing_sets([d1, d2], ["alice", "bob"]) == {(d1, "alice")}
        assert store.existing_sets([d1], ["nobody-yet"]) == set()
        with store.transaction(), store.import_scratch():
            assert store.first_import_line(d1, "alice") is None
            store.remember_import_lines({(d1, "alice"): 3, (d2, "bob"): 7})
            assert store.first_import_line(d2, "bob") == 7
        with store.transaction(), store.import_scratch():  # a new import starts empty
            assert store.first_import_line(d2, "bob") is None
