"""Candidate items, decisions into the gold set, undo, bulk accept, the queue, and attaching a database."""

from __future__ import annotations

from annotator.core.model import Document, QuoteType, Status, TextRange
from annotator.core.store import Store
from annotator.review.adjudication import (
    Review,
    accept_identical,
    gold_value,
    review_queue,
)
from annotator.review.attach import attach_database
from annotator.review.versions import human_annotators
from tests.review.conftest import put_version, quote

TEXT = '"We must act," Kerry said in Islamabad. Aziz met Kerry on Monday.'
#       0123456789012345678901234567890123456789012345678901234567890123456
# quote content [1, 12) "We must act", Kerry [14, 19), said [20, 24), Islamabad [28, 37), Aziz [39, 43)


def two_versions(store, add_doc):
    d = add_doc(TEXT, "Kerry visit")
    put_version(
        store, d, "alice",
        entities=[(14, 19, "PERSON"), (28, 37, "GPE"), (39, 43, "PERSON")],
        quotes=[quote(1, 12, speaker=(14, 19), name="John Kerry", cue=(20, 24))],
        tags=["opinion", "wire-copy"],
    )
    put_version(
        store, d, "bob",
        entities=[(14, 19, "PERSON"), (28, 37, "LOC"), (39, 48, "PERSON")],  # label and boundary differ
        quotes=[quote(1, 12, speaker=(39, 43), name="Aziz", cue=(20, 24))],  # speaker differs
        tags=["wire-copy"],  # tag differs
    )
    return d


def test_candidate_items(store, add_doc):
    d = two_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    by_key = {i.key: i for i in review.items}
    assert by_key["entity:14:19"].unanimous
    assert by_key["entity:28:37"].choices == {"alice": "GPE", "bob": "LOC"}
    assert by_key["entity:39:43"].choices == {"alice": "PERSON", "bob": None}
    assert by_key["entity:39:48"].choices == {"alice": None, "bob": "PERSON"}
    assert by_key["quote:1:12"].unanimous
    assert by_key["speaker:1:12"].choices == {"alice": (14, 19, "John Kerry"), "bob": (39, 43, "Aziz")}
    assert "cue:1:12" not in by_key and "type:1:12" not in by_key
    assert by_key["tag:wire-copy"].unanimous and not by_key["tag:opinion"].unanimous
    assert {i.key for i in review.disagreements()} == {
        "entity:28:37", "entity:39:43", "entity:39:48", "speaker:1:12", "tag:opinion"
    }


def test_gold_starts_with_agreement_and_decisions_land(store, add_doc, db_path):
    d = two_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    assert review.ensure_gold()
    gold = review.gold_set()
    assert [(e.start, e.end, e.label) for e in gold.entities] == [(14, 19, "PERSON")]
    assert gold.quotes == []  # speaker disagrees, so the quote waits for a decision
    assert gold.document_tags() == ["wire-copy"]
    items = {i.key: i for i in review.items}
    review.take(items["entity:28:37"], "bob")
    review.take(items["entity:39:48"], "bob")
    review.take(items["speaker:1:12"], "alice")
    review.reject(items["tag:opinion"])
    assert review.unresolved() == []  # 39:43 settled by taking the overlapping 39:48
    with Store(db_path, readonly=True) as fresh:
        gold = fresh.annotation_set(d, "gold")
        assert [(e.start, e.end, e.label) for e in gold.entities] == [
            (14, 19, "PERSON"), (28, 37, "LOC"), (39, 48, "PERSON")
        ]
        assert len(gold.quotes) == 1
        q = gold.quotes[0]
        assert (q.start, q.end, q.speaker, q.speaker_name) == (1, 12, TextRange(14, 19), "John Kerry")
        assert gold.document_tags() == ["wire-copy"]
        rows = fresh.query(
            "SELECT item_key, decision, chosen_from, a.name FROM review_decisions d "
            "JOIN annotators a ON a.id = d.reviewer_id WHERE decision != 'auto' ORDER BY d.id"
        )
        assert [tuple(r) for r in rows] == [
            ("entity:28:37", "take", "bob", "rita"),
            ("entity:39:48", "take", "bob", "rita"),
            ("entity:39:43", "reject", None, "rita"),
            ("speaker:1:12", "take", "alice", "rita"),
            ("quote:1:12", "take", "alice", "rita"),
            ("tag:opinion", "reject", None, "rita"),
        ]
        ops_logged = [r[0] for r in fresh.query(
            "SELECT op FROM edit_log l JOIN annotators a ON a.id = l.annotator_id WHERE a.name = 'gold'"
        )]
        assert "add_entity" in ops_logged and "add_quote" in ops_logged


def test_undo_restores_gold_and_forgets_the_decision(store, add_doc):
    d = two_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    items = {i.key: i for i in review.items}
    review.take(items["entity:39:43"], "alice")
    before = review.gold_set()
    applied = review.take(items["entity:39:48"], "bob")  # replaces alice's overlapping entity
    assert gold_value(items["entity:39:43"], review.gold_set()) is None
    review.undo(applied)
    after = review.gold_set()
    assert [(e.start, e.end, e.label) for e in after.entities] == [(e.start, e.end, e.label) for e in before.entities]
    # back to the earlier decision on 39:48: rejected when alice's overlapping 39:43 was taken
    assert review.decisions()["entity:39:48"].decision == "reject"
    assert review.decisions()["entity:39:43"].decision == "take"
    relabel = review.take(items["entity:39:43"], "alice")  # already there: no change, nothing to undo
    assert relabel.undo_steps == []
    applied = review.edit_entity(items["entity:28:37"], start=28, end=37, label="LOC")
    review.undo(applied)
    assert gold_value(items["entity:28:37"], review.gold_set()) is None


def test_accept_version_and_undo(store, add_doc):
    d = two_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    applied = review.accept_version("bob")
    gold = review.gold_set()
    assert gold.status is Status.DONE
    assert [(e.start, e.end, e.label) for e in gold.entities] == [(14, 19, "PERSON"), (28, 37, "LOC"), (39, 48, "PERSON")]
    assert gold.quotes[0].speaker_name == "Aziz"
    assert review.unresolved() == []
    review.undo(applied)
    assert review.gold_set() is None
    assert review.decisions() == {}


def test_edit_quote_and_type_items(store, add_doc):
    d = add_doc(TEXT)
    put_version(store, d, "alice", quotes=[quote(1, 12, cue=(20, 24), type=QuoteType.DIRECT)])
    put_version(store, d, "bob", quotes=[quote(0, 13, cue=(20, 24), type=QuoteType.MIXED)])
    review = Review(store, d, reviewer="rita")
    items = {i.key: i for i in review.items}
    assert set(items) == {"quote:0:13", "type:0:13"}
    review.take(items["type:0:13"], "bob")  # no gold quote yet: takes bob's whole quote
    assert gold_value(items["quote:0:13"], review.gold_set()) == (0, 13)
    applied = review.edit_quote(items["quote:0:13"], start=1, end=12, speaker=TextRange(14, 19), speaker_name="Kerry")
    q = review.gold_set().quotes[0]
    assert (q.start, q.end, q.type, q.speaker_name) == (1, 12, QuoteType.MIXED, "Kerry")
    review.undo(applied)
    assert (review.gold_set().quotes[0].start, review.gold_set().quotes[0].speaker_name) == (0, None)


def test_accept_identical_and_queue(store, add_doc):
    same = add_doc("Kerry met Aziz.", "same")
    put_version(store, same, "alice", entities=[(0, 5, "PERSON")], tags=["opinion"])
    put_version(store, same, "bob", entities=[(0, 5, "PERSON")], tags=["opinion"])
    differ = two_versions(store, add_doc)
    queue = review_queue(store)
    assert [e.doc_id for e in queue] == [differ, same]
    assert queue[0].unresolved == 5 and queue[1].unresolved == 0
    assert accept_identical(store, reviewer="rita") == [same]
    assert accept_identical(store, reviewer="rita") == []  # idempotent
    gold = store.annotation_set(same, "gold")
    assert gold.status is Status.DONE and gold.document_tags() == ["opinion"]
    assert human_annotators(store) == ["alice", "bob"]  # gold is not a human annotator
    assert review_queue(store)[-1].doc_id == same


def test_attach_database(tmp_path, store, add_doc):
    d = add_doc(TEXT)
    put_version(store, d, "alice", entities=[(14, 19, "PERSON")])
    other_path = tmp_path / "other.db"
    with Store(other_path) as other:
        od, _ = other.add_document(Document(text=TEXT))
        put_version(other, od, "alice", entities=[(14, 19, "ORG")])
        put_version(other, od, "model", entities=[(0, 3, "ORG")])
        nd, _ = other.add_document(Document(text="New text."))
        put_version(other, nd, "dan", entities=[(0, 3, "ORG")])
    report = attach_database(store, other_path)
    assert report.annotators == {"alice": "alice@other", "dan": "dan"}
    assert report.documents_created == 1 and report.sets_copied == 2
    assert store.annotation_set(d, "alice@other").entities[0].label == "ORG"
    assert store.annotation_set(d, "alice").entities[0].label == "PERSON"
    sources = {a.name: a.readonly_source for a in store.annotators()}
    assert sources["alice@other"] == f"{other_path.resolve()}#alice"
    again = attach_database(store, other_path)
    assert again.annotators == report.annotators and again.documents_created == 0
    assert store.document_count() == 2
    assert len(store.annotation_set(d, "alice@other").entities) == 1
    assert "model" not in report.annotators


def test_undoing_accept_version_keeps_earlier_ids(store, add_doc):
    """Earlier decisions on the undo stack refer to gold rows by id: undoing an accept must bring those back."""
    d = two_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    items = {i.key: i for i in review.items}
    edit = review.edit_entity(items["entity:28:37"], start=28, end=37, label="FAC")
    speaker = review.take(items["speaker:1:12"], "bob")
    before = review.gold_set()
    accept = review.accept_version("alice")
    review.undo(accept)
    after = review.gold_set()
    assert [(e.id, e.start, e.end, e.label) for e in after.entities] == [
        (e.id, e.start, e.end, e.label) for e in before.entities
    ]
    assert [q.id for q in after.quotes] == [q.id for q in before.quotes]
    assert after.status == before.status and after.document_tags() == before.document_tags()
    review.undo(speaker)
    review.undo(edit)
    assert gold_value(items["entity:28:37"], review.gold_set()) is None
    assert review.gold_set().quotes == []
