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
