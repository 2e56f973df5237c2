"""Search finds documents by their text and by the resolved speaker names of their quotes (which are not in the
text), in store.search and in the document list filter; the speaker index follows every quote edit."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core import ops
from annotator.core.migrations import MIGRATIONS, migrate
from annotator.core.model import AnnotationSet, Document, Quote, Status, TextRange
from annotator.core.store import Store, fts_query

TEXT = "He said the talks in Islamabad were useful, a spokesman told reporters on Monday."


def add_doc(store: Store, text: str, *, speaker: str | None = None, annotator: str = "model") -> int:
    doc_id, _ = store.add_document(Document(text=text, title=text.split()[0]))
    quotes = [Quote(start=12, end=40, speaker=TextRange(0, 2), speaker_name=speaker)] if speaker is not None else []
    store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=annotator, quotes=quotes))
    return doc_id


def quote_id_of(store: Store, doc_id: int, annotator: str = "model") -> int:
    return store.annotation_set(doc_id, annotator).quotes[0].id


def everywhere(store: Store, query: str) -> tuple[list[int], list[int], int]:
    """What search, the list filter and its count say for a query."""
    return (
        sorted(h.doc_id for h in store.search(query)),
        store.list_document_ids(text=query),
        store.count_documents(text=query),
    )


def test_a_speaker_name_not_in_the_text_finds_the_document(store):
    kerry = add_doc(store, TEXT, speaker="John Kerry")
    add_doc(store, "Nothing to see in this one.", speaker="Nawaz Sharif")
    assert "Kerry" not in store.document(kerry).text
    assert everywhere(store, "John Kerry") == ([kerry], [kerry], 1)
    hit = store.search("john kerry")[0]
    assert hit.doc_id == kerry and "Kerry" in hit.snippet


def test_the_list_filter_combines_speaker_matches_with_status(store):
    kerry = add_doc(store, TEXT, speaker="John Kerry")
    other = add_doc(store, "John Kerry arrived in Geneva on Sunday.", speaker=None)
    store.ensure_annotation_set(kerry, "alice")
    ops.set_status(store, doc_id=kerry, annotator="alice", status=Status.DONE)
    assert store.list_document_ids(text="Kerry") == [kerry, other]
    assert store.list_document_ids(text="Kerry", annotator="alice", status=Status.DONE) == [kerry]
    assert store.list_document_ids(text="Kerry", annotator="alice", status=Status.NEW) == [other]
    assert store.count_documents(text="Kerry", annotator="alice", status=Status.NEW) == 1


def test_documents_matching_text_and_speaker_come_first(store):
    text_only = add_doc(store, "Kerry was not quoted here at all.", speaker=None)
    speaker_only = add_doc(store, TEXT, speaker="John Kerry")
    both = add_doc(store, "Kerry said the talks in Islamabad were useful and long.", speaker="John Kerry")
    hits = [h.doc_id for h in store.search("Kerry")]
    assert hits[0] == both
    assert set(hits) == {text_only, speaker_only, both}
    assert [h.snippet.startswith("quoted:") for h in store.search("Kerry") if h.doc_id == speaker_only] == [True]


def test_the_speaker_index_follows_quote_edits(store):
    doc = add_doc(store, TEXT, speaker="John Kerry")
    quote_id = quote_id_of(store, doc)
    ops.update_quote(store, quote_id=quote_id, speaker_name="Nawaz Sharif")
    assert everywhere(store, "Kerry") == ([], [], 0)
    assert everywhere(store, "Sharif") == ([doc], [doc], 1)
    ops.update_quote(store, quote_id=quote_id, speaker_name=None)
    assert everywhere(store, "Sharif") == ([], [], 0)
    ops.update_quote(store, quote_id=quote_id, speaker_name="Nawaz Sharif")
    ops.delete_quote(store, quote_id=quote_id)
    assert everywhere(store, "Sharif") == ([], [], 0)


def test_replacing_or_copying_a_set_keeps_the_speaker_index_exact(store):
    doc = add_doc(store, TEXT, speaker="John Kerry")
    store.ensure_annotation_set(doc, "alice")  # copies the model's quote: two quotes name Kerry
    assert store.query("SELECT count(*) FROM quote_speakers_fts")[0][0] == 2
    assert everywhere(store, "Kerry") == ([doc], [doc], 1)  # one document, listed once
    store.replace_annotation_set(AnnotationSet(doc_id=doc, annotator="model"))
    store.replace_annotation_set(AnnotationSet(doc_id=doc, annotator="alice"))
    assert store.query("SELECT count(*) FROM quote_speakers_fts")[0][0] == 0
    assert everywhere(store, "Kerry") == ([], [], 0)


def test_prefix_of_the_last_word_matches_as_you_type(store):
    doc = add_doc(store, TEXT, speaker="John Kerry")
    assert everywhere(store, "isl")[0] == [doc]  # 3-letter prefix (prefix index)
    assert everywhere(store, "Ke")[0] == [doc]  # 2-letter prefix of a speaker name
    assert everywhere(store, "islamab")[0] == [doc]
    assert everywhere(store, "slamabad")[0] == []  # not a prefix


@pytest.mark.parametrize("query", ["", "!!!", '"', "AND OR NOT", "*", "a'b"])
def test_queries_with_no_words_or_fts_syntax_are_safe(store, query):
    add_doc(store, TEXT, speaker="John Kerry")
    store.search(query)
    store.list_document_ids(text=query)
    store.count_documents(text=query)
    assert fts_query(query).count('"') % 2 == 0


def test_quotes_written_before_the_speaker_index_are_indexed_by_the_migration(db_path, monkeypatch):
    monkeypatch.setattr("annotator.core.migrations.MIGRATIONS", MIGRATIONS[:2])
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn)
    conn.execute("INSERT INTO documents(id, hash, title, text, created_at) VALUES (1, 'h', 't', 'He said so.', 'x')")
    conn.execute("INSERT INTO annotators(id, name, created_at) VALUES (1, 'model', 'x')")
    conn.execute("INSERT INTO annotation_sets(doc_id, annotator_id, created_at, updated_at) VALUES (1, 1, 'x', 'x')")
    conn.execute(
        "INSERT INTO quotes(doc_id, annotator_id, start, \"end\", speaker_name) VALUES (1, 1, 3, 10, 'John Kerry')"
    )
    conn.close()
    monkeypatch.undo()
    with Store(db_path) as store:
        assert everywhere(store, "John Kerry") == ([1], [1], 1)
        assert everywhere(store, "said") == ([1], [1], 1)  # the rebuilt text index kept old documents
