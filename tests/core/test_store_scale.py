"""The store paths made for large corpora (fast counts, keyset paging, capped counts, streamed text filters,
indexes) give exactly what the plain queries give, on small data."""

from __future__ import annotations

import itertools

import pytest

from annotator.core import ops
from annotator.core.model import AnnotationSet, Document, Quote, Status, TextRange
from annotator.core.store import Store

WORDS = ["alpha", "beta", "gamma", "delta"]
STATUSES = [Status.DONE, Status.IN_PROGRESS, Status.SKIPPED, Status.REJECTED, Status.NEW]


@pytest.fixture
def corpus(store: Store):
    """30 documents; word i%4 in each text; alice has sets on two in three with cycling statuses; every fifth
    has a quote by "Ada Lovelace"."""
    expected: dict[str, set[int]] = {w: set() for w in WORDS} | {"lovelace": set()}
    status_of: dict[int, Status] = {}
    for i in range(30):
        word = WORDS[i % 4]
        doc_id, _ = store.add_document(Document(text=f"Document {i} talks about {word} and more.", title=f"doc {i}"))
        expected[word].add(doc_id)
        quotes = []
        if i % 5 == 0:
            quotes = [Quote(start=0, end=8, speaker=TextRange(9, 10), speaker_name="Ada Lovelace")]
            expected["lovelace"].add(doc_id)
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="model", quotes=quotes))
        if i % 3:
            store.ensure_annotation_set(doc_id, "alice")
            status = STATUSES[i % len(STATUSES)]
            if status is not Status.NEW:
                ops.set_status(store, doc_id=doc_id, annotator="alice", status=status)
            status_of[doc_id] = status
    return store, expected, status_of


def brute_status(store: Store, status_of: dict[int, Status], status: Status) -> list[int]:
    every = store.list_document_ids()
    return [d for d in every if status_of.get(d, Status.NEW) is status]


@pytest.mark.parametrize("status", list(Status))
def test_status_counts_and_lists_match_a_brute_force(corpus, status):
    store, _, status_of = corpus
    expected = brute_status(store, status_of, status)
    assert store.list_document_ids(annotator="alice", status=status) == expected
    assert store.count_documents(annotator="alice", status=status) == len(expected)
    assert store.count_documents(annotator="alice", status=status, at_most=3) == min(3, len(expected))


def test_counts_without_a_filter_and_for_an_annotator_without_sets(corpus):
    store, _, _ = corpus
    assert store.count_documents() == store.document_count() == 30
    assert store.count_documents(annotator="model", status=Status.NEW) == 30
    store.annotator_id("bob")
    assert store.count_documents(annotator="bob", status=Status.NEW) == 30
    assert store.count_documents(annotator="bob", status=Status.DONE) == 0
    with pytest.raises(ValueError, match="needs an annotator"):
        store.count_documents(status=Status.DONE)


@pytest.mark.parametrize("query", ["alpha", "gamma", "lovelace", "Ada", "del"])
def test_text_filters_match_a_brute_force(corpus, query):
    store, expected, _ = corpus
    key = {"Ada": "lovelace", "del": "delta"}.get(query, query)
    want = sorted(expected[key])
    assert store.list_document_ids(text=query) == want
    assert store.count_documents(text=query) == len(want)
    assert store.count_documents(text=query, at_most=2) == min(2, len(want))
    assert store.list_document_ids(text=query, offset=2, limit=3) == want[2:5]


@pytest.mark.parametrize(
    "status, text", [(None, None), (Status.NEW, None), (Status.DONE, None), (None, "beta"), (Status.NEW, "alpha")]
)
def test_keyset_pages_put_together_are_the_whole_list(corpus, status, text):
    store, _, _ = corpus
    kw = {"annotator": "alice", "status": status, "text": text}
    whole = store.list_document_ids(**kw)
    pages, after = [], None
    for _ in itertools.count():
        page = store.list_document_ids(**kw, after=after, limit=4)
        if not page:
            break
        pages += page
        after = page[-1]
    assert pages == whole
    by_offset = [i for o in range(0, len(whole), 4) for i in store.list_document_ids(**kw, offset=o, limit=4)]
    assert by_offset == whole


def test_text_filter_with_status_intersects_both(corpus):
    store, expected, status_of = corpus
    new = set(brute_status(store, status_of, Status.NEW))
    assert store.list_document_ids(annotator="alice", status=Status.NEW, text="lovelace") == sorted(
        expected["lovelace"] & new
    )


def test_scale_indexes_exist(store):
    names = {r[0] for r in store.query("SELECT name FROM sqlite_master")}
    assert {"documents_by_id", "documents_fts", "quote_speakers_fts"} <= names
    sql = store.query("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'")[0][0]
    assert "prefix='2 3'" in sql
    plan = " ".join(r[-1] for r in store.query("EXPLAIN QUERY PLAN SELECT id FROM documents ORDER BY id LIMIT 5 OFFSET 5"))
    assert "documents_by_id" in plan


def test_the_text_index_still_follows_document_changes(store):
    doc_id, _ = store.add_document(Document(text="An old headline about zebras.", title="headline"))
    assert store.list_document_ids(text="zebras") == [doc_id]
    with store.transaction():
        store.conn.execute("UPDATE documents SET text = 'Now about giraffes.' WHERE id = ?", (doc_id,))
    assert store.list_document_ids(text="zebras") == [] and store.list_document_ids(text="giraffes") == [doc_id]
    with store.transaction():
        store.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    assert store.list_document_ids(text="giraffes") == []
    assert store.integrity_check() == "ok"


def test_sqlite_utils_is_loaded_only_when_used(store):
    assert getattr(store, "_db", None) is None
    with store.transaction(), store.transaction():  # a nested transaction is a savepoint of the store's own
        store.add_document(Document(text="nested"))
    assert getattr(store, "_db", None) is None  # an edit (ops.* nest transactions) never pays sqlite-utils' import
    assert store.document_count() == 1
    assert store.db is not None  # made on first use


def test_a_failed_nested_transaction_rolls_back_only_its_own_writes(store):
    with store.transaction():
        store.add_document(Document(text="kept"))
        with pytest.raises(ValueError), store.transaction():
            store.add_document(Document(text="rolled back"))
            raise ValueError("inner failure")
        with store.transaction():
            store.add_document(Document(text="also kept"))
    texts = sorted(store.document(i).text for i in store.list_document_ids())
    assert texts == ["also kept", "kept"]
