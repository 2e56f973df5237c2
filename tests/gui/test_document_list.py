"""The document list model: Qt's model tester, laziness, filters."""

from __future__ import annotations

from annotator.core.model import Document, Status
from annotator.core.store import Store
from annotator.gui.document_list import DocumentListModel, DocumentListView


def fill(store: Store, n: int) -> None:
    with store.transaction():
        for i in range(n):
            store.add_document(Document(text=f"Article {i} about {'Paris' if i % 10 == 0 else 'Lyon'}.", title=f"Doc {i}"))


def test_model_passes_qt_model_tester(qtmodeltester, store):
    fill(store, 30)
    model = DocumentListModel(store, "alice")
    qtmodeltester.check(model, force_py=True)


def test_model_is_lazy(store):
    fill(store, 1200)
    model = DocumentListModel(store, "alice")
    assert model.rowCount() == 0 and model.canFetchMore() and model.total == 1200
    model.fetchMore()
    assert model.rowCount() == DocumentListModel.PAGE
    assert model.index(3, 0).data() == "Doc 3"
    assert model.cached_count() == DocumentListModel.CHUNK  # one chunk of rows, not the corpus
    assert model.row_of(1100) == 1099 and model.rowCount() == 1200


def test_filters_by_status_and_text(qtbot, store):
    fill(store, 50)
    store.ensure_annotation_set(3, "alice")
    from annotator.core import ops

    ops.set_status(store, doc_id=3, annotator="alice", status=Status.DONE)
    model = DocumentListModel(store, "alice")
    view = DocumentListView(model)
    qtbot.addWidget(view)
    view.status_box.setCurrentIndex(view.status_box.findData("done"))
    model.fetchMore()
    assert model.rowCount() == 1 and model.index(0, 1).data() == "done" and model.index(0, 4).data() == "alice"
    view.status_box.setCurrentIndex(0)
    view.search_box.setText("paris")
    view.apply_filter()
    model.fetchMore()
    assert model.total == 5 and {model.index(r, 0).data() for r in range(5)} == {f"Doc {i}" for i in range(0, 50, 10)}


def _spy_on_paging(store, monkeypatch) -> list[dict]:
    calls: list[dict] = []
    original = store.list_document_ids

    def spy(**kw):
        calls.append(kw)
        return original(**kw)

    monkeypatch.setattr(store, "list_document_ids", spy)
    return calls


def test_a_filter_past_the_cap_shows_a_capped_count_and_keeps_fetching(qtbot, store, monkeypatch):
    fill(store, 300)  # "Lyon" in 270 documents; the cap (small here) stands for 10,000 in a million documents
    monkeypatch.setattr(DocumentListModel, "CAP", 100)
    monkeypatch.setattr(DocumentListModel, "PAGE", 40)
    counts = []
    original_count = store.count_documents
    monkeypatch.setattr(store, "count_documents", lambda **kw: counts.append(kw) or original_count(**kw))
    calls = _spy_on_paging(store, monkeypatch)
    model = DocumentListModel(store, "alice")
    view = DocumentListView(model)
    qtbot.addWidget(view)
    view.search_box.setText("lyon")
    view.apply_filter()
    assert counts[-1]["at_most"] == 101 and counts[-1]["text"] == "lyon"  # the count stops, never walks every match
    assert model.capped and model.total == 100 and view.count_label.text() == "100+ documents"
    pages = 0
    while model.canFetchMore():
        model.fetchMore()
        pages += 1
        if model.rowCount() > 100:
            assert model.capped and model.canFetchMore() or not model.capped
    assert pages == 6 and model.rowCount() == 270  # past the cap, to the last page (the view fetched the first)
    assert not model.capped and model.total == 270 and view.count_label.text() == "270 documents"
    assert {model.index(r, 0).data() for r in (0, 269)} == {"Doc 1", "Doc 299"}
    assert all(c.get("offset", 0) == 0 for c in calls)  # keyset paging: each page after the last id fetched
    assert [c["after"] for c in calls[:2]] == [None, model.id_at(39)]


def test_capped_model_passes_qt_model_tester(qtmodeltester, store, monkeypatch):
    fill(store, 60)
    monkeypatch.setattr(DocumentListModel, "CAP", 25)
    monkeypatch.setattr(DocumentListModel, "PAGE", 10)
    model = DocumentListModel(store, "alice")
    assert model.capped and model.total_text() == "25+"
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 60 and model.total_text() == "60"
    qtmodeltester.check(model, force_py=True)


def test_row_of_a_document_outside_the_filter_stops_at_its_id(store, monkeypatch):
    fill(store, 300)
    monkeypatch.setattr(DocumentListModel, "PAGE", 20)
    model = DocumentListModel(store, "alice")
    model.set_filter(text="paris")  # ids 1, 11, 21, ...
    assert model.row_of(2) is None and model.rowCount() == 20  # one page: past id 2, no need for more


def test_the_search_box_finds_nfc_and_nfd_documents_whichever_form_is_typed(qtbot, store):
    """Issue 17: text pasted from macOS (NFD) finds documents stored either way."""
    import unicodedata

    for form in ("NFC", "NFD"):
        store.add_document(Document(text=unicodedata.normalize(form, f"Zoë Müller ({form}) wrote about Köln."),
                                    title=f"Müller {form}"))
    store.add_document(Document(text="Nothing to see.", title="Other"))
    model = DocumentListModel(store, "alice")
    view = DocumentListView(model)
    qtbot.addWidget(view)
    for form in ("NFC", "NFD"):
        view.search_box.setText(unicodedata.normalize(form, "müller köln"))
        view.apply_filter()
        model.fetchMore()
        assert model.total == 2 and model.rowCount() == 2, form
