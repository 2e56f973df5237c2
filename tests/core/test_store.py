"""The store: documents, annotation sets, copy-on-open from the model, listing, statistics, atomicity."""

from __future__ import annotations


import pytest

from annotator.core.integrity import ConflictError

from annotator.core.model import (
    MODEL_ANNOTATOR,
    AnnotationSet,
    Document,
    Entity,
    Origin,
    Quote,
    QuoteType,
    Status,
    Tag,
    TargetKind,
    TextRange,
)
from annotator.core.store import NotFoundError, Store, StoreError

TEXT = 'Kerry said the talks were "significant," adding that Aziz agreed.'


def model_set(doc_id: int) -> AnnotationSet:
    return AnnotationSet(
        doc_id=doc_id,
        annotator=MODEL_ANNOTATOR,
        status=Status.DONE,
        entities=[Entity(0, 5, "PERSON", Origin.MODEL), Entity(53, 57, "PERSON", Origin.MODEL)],
        quotes=[
            Quote(11, 40, QuoteType.MIXED, TextRange(0, 5), "John Kerry", TextRange(6, 10), Origin.MODEL),
        ],
        tags=[Tag("important", TargetKind.QUOTE, 0), Tag("wire-copy")],
    )


def test_same_text_twice_is_one_document(store: Store):
    first, created = store.add_document(Document(text=TEXT, title="a"))
    again, created_again = store.add_document(Document(text=TEXT, title="another title"))
    assert created and not created_again
    assert first == again
    assert store.document_count() == 1
    assert store.document(first).title == "a"


def test_replace_annotation_set_round_trips_everything(store: Store):
    doc_id, _ = store.add_document(Document(text=TEXT))
    stored = store.replace_annotation_set(model_set(doc_id))
    assert [(e.start, e.end, e.label) for e in stored.entities] == [(0, 5, "PERSON"), (53, 57, "PERSON")]
    quote = stored.quotes[0]
    assert (quote.start, quote.end, quote.type, quote.speaker_name) == (11, 40, QuoteType.MIXED, "John Kerry")
    assert quote.speaker.text_of(TEXT) == "Kerry" and quote.cue.text_of(TEXT) == "said"
    assert stored.tags_of(TargetKind.QUOTE, quote.id) == ["important"]
    assert stored.document_tags() == ["wire-copy"]
    # Replacing again replaces, it does not add.
    again = store.replace_annotation_set(model_set(doc_id))
    assert len(again.entities) == 2 and len(again.quotes) == 1


def test_first_open_copies_the_model_pre_extraction(store: Store):
    doc_id, _ = store.add_document(Document(text=TEXT))
    store.replace_annotation_set(model_set(doc_id))
    assert store.annotation_set(doc_id, "alice") is None
    assert store.ensure_annotation_set(doc_id, "alice") is True
    assert store.ensure_annotation_set(doc_id, "alice") is False
    mine = store.annotation_set(doc_id, "alice")
    model = store.annotation_set(doc_id, MODEL_ANNOTATOR)
    assert [(e.start, e.end, e.label, e.origin) for e in mine.entities] == [
        (e.start, e.end, e.label, e.origin) for e in model.entities
    ]
    assert {e.id for e in mine.entities}.isdisjoint({e.id for e in model.entities})
    assert mine.tags_of(TargetKind.QUOTE, mine.quotes[0].id) == ["important"]
    assert mine.status is Status.NEW


def test_document_rows_count_the_annotators_set_or_the_models(store: Store):
    doc_id, _ = store.add_document(Document(text=TEXT, title="Kerry"))
    other, _ = store.add_document(Document(text="Nothing here.", title="empty"))
    store.replace_annotation_set(model_set(doc_id))
    rows = store.document_rows([doc_id, other], annotator="alice")
    assert [(r.id, r.entity_count, r.quote_count, r.status) for r in rows] == [
        (doc_id, 2, 1, Status.NEW),
        (other, 0, 0, Status.NEW),
    ]
    store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE))
    row = store.document_rows([doc_id], annotator="alice")[0]
    assert (row.entity_count, row.quote_count, row.status, row.annotators) == (0, 0, Status.DONE, ["alice"])


def test_list_filters_by_status_and_text(store: Store):
    ids = [store.add_document(Document(text=f"Story {n} about {'Kerry' if n % 2 else 'Aziz'}."))[0] for n in range(6)]
    store.replace_annotation_set(AnnotationSet(doc_id=ids[0], annotator="alice", status=Status.DONE))
    store.replace_annotation_set(AnnotationSet(doc_id=ids[1], annotator="alice", status=Status.SKIPPED))
    assert store.list_document_ids(annotator="alice", status=Status.DONE) == [ids[0]]
    assert store.count_documents(annotator="alice", status=Status.NEW) == 4
    assert store.list_document_ids(text="kerry") == [ids[1], ids[3], ids[5]]
    assert store.list_document_ids(text="kerry", offset=1, limit=1) == [ids[3]]
    assert store.progress("alice") == (2, 6)


def test_search_ranks_and_snippets(store: Store):
    doc_id, _ = store.add_document(Document(text="Aziz said the network was destroyed.", title="Aziz"))
    store.add_document(Document(text="Unrelated weather report.", title="Weather"))
    hits = store.search("destroy")
    assert [h.doc_id for h in hits] == [doc_id]
    assert "[destroyed]" in hits[0].snippet
    assert store.search("'); DROP TABLE documents; --") == []
    assert store.document_count() == 2


def test_a_failure_mid_write_leaves_nothing(store: Store):
    doc_id, _ = store.add_document(Document(text=TEXT))
    store.replace_annotation_set(model_set(doc_id))
    broken = model_set(doc_id)
    broken.entities.append(Entity(30, 20, "ORG"))  # reversed: the CHECK constraint fails after rows were written
    with pytest.raises(ConflictError, match="out of the allowed range"):  # in words, not SQLite's (issue 15)
        store.replace_annotation_set(broken)
    kept = store.annotation_set(doc_id, MODEL_ANNOTATOR)
    assert len(kept.entities) == 2 and len(kept.quotes) == 1  # the old set, untouched

    with pytest.raises(RuntimeError):
        with store.transaction():
            store.conn.execute("DELETE FROM entities")
            raise RuntimeError("power cut")
    assert len(store.annotation_set(doc_id, MODEL_ANNOTATOR).entities) == 2


def test_unknown_rows_raise_not_found(store: Store):
    with pytest.raises(NotFoundError):
        store.document(999)
    with pytest.raises(NotFoundError):
        store.entity(999)
    with pytest.raises(NotFoundError):
        store.ensure_annotation_set(999, "alice")


def test_labels_and_tag_set_are_seeded_and_editable(store: Store):
    labels = store.labels()
    assert list(labels)[:3] == ["PERSON", "ORG", "GPE"]
    store.ensure_label("QUOTEE")
    assert store.labels()["QUOTEE"].startswith("#")
    assert "needs-review" in store.tag_set("document")
    store.add_to_tag_set("<b>odd</b>", "span")
    assert "<b>odd</b>" in store.tag_set("span")
    store.remove_from_tag_set("<b>odd</b>", "span")
    assert "<b>odd</b>" not in store.tag_set("span")


def test_stats_counts_per_annotator(store: Store):
    doc_id, _ = store.add_document(Document(text=TEXT))
    store.replace_annotation_set(model_set(doc_id))
    figures = store.stats()
    (model,) = [a for a in figures["annotators"] if a["annotator"] == MODEL_ANNOTATOR]
    assert figures["documents"] == 1
    assert model["entities_by_label"] == {"PERSON": 2} and model["quotes_by_type"] == {"mixed": 1}


def test_readonly_store_refuses_writes(db_path):
    with Store(db_path) as store:
        store.add_document(Document(text=TEXT))
    with Store(db_path, readonly=True) as readonly:
        assert readonly.document_count() == 1
        with pytest.raises(StoreError, match="read-only"):
            readonly.add_document(Document(text="new text"))
