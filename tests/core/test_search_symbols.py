"""Attack 15 #18: searching an emoji (or another symbol FTS5's tokenizer drops) finds the documents holding it,
in the document list's filter, its count, its pages and `search`; words still go through the index."""

from __future__ import annotations

import pytest

from annotator.core.model import Document
from annotator.core.store import Store

DOCS = [
    ("Street party 🎉 in Leeds", "Crowds gathered on Sunday."),
    ("Family day", "A family 👨‍👩‍👧 walked by, waving 🇫🇷 flags."),
    ("Prices", "Tickets cost 10€ each; C++ programmers got in free."),
    ("Plain", "Nothing special in Leeds today."),
]


@pytest.fixture
def docs(store: Store):
    return [store.add_document(Document(text=text, title=title))[0] for title, text in DOCS]


@pytest.mark.parametrize("typed, expected", [
    ("🎉", [0]),
    ("👨‍👩‍👧", [1]),
    ("🇫🇷", [1]),
    ("€", [2]),
    ("C++", [2]),
    ("🎉 Leeds", [0]),          # a word and a symbol: both must be there
    ("🎉 Paris", []),
    ("Leeds", [0, 3]),          # words alone: the index, as before
    ("🦄", []),
])
def test_symbols_are_found(store, docs, typed, expected):
    want = [docs[i] for i in expected]
    assert store.list_document_ids(text=typed) == want
    assert store.count_documents(text=typed) == len(want)
    assert store.count_documents(text=typed, at_most=10) == len(want)
    assert sorted(h.doc_id for h in store.search(typed)) == want


def test_pages_of_a_symbol_search(store, docs):
    more = [store.add_document(Document(text=f"Party {i} 🎉", title=f"P{i}"))[0] for i in range(5)]
    everything = [docs[0], *more]
    first = store.list_document_ids(text="🎉", limit=3)
    rest = store.list_document_ids(text="🎉", after=first[-1])
    assert first + rest == everything


def test_the_snippet_marks_the_symbol(store, docs):
    (hit,) = store.search("🇫🇷")
    assert "[🇫🇷]" in hit.snippet


def test_status_filter_with_a_symbol(store, docs):
    from annotator.core.model import Status

    store.ensure_annotation_set(docs[0], "alice")
    from annotator.core import ops

    ops.set_status(store, doc_id=docs[0], annotator="alice", status=Status.DONE)
    assert store.list_document_ids(annotator="alice", status=Status.DONE, text="🎉") == [docs[0]]
    assert store.list_document_ids(annotator="alice", status=Status.NEW, text="🎉") == []
