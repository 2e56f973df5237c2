"""Issue 15, defect 1: after a search or status filter with no hits, clearing it shows the rows again (it left the
list empty while the counter said "N documents", until F5)."""

from __future__ import annotations

from annotator.core import ops
from annotator.core.model import Status
from annotator.gui.document_list import DocumentListModel, DocumentListView
from tests.gui.test_document_list import fill


def _view(qtbot, store):
    store.annotator_id("alice")  # (the window creates its annotator at start)
    view = DocumentListView(DocumentListModel(store, "alice"))
    qtbot.addWidget(view)
    view.resize(400, 500)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    return view


def _shown_rows(qtbot, view) -> int:
    qtbot.wait(50)  # let the view run whatever it queues after a reset
    return view.model.rowCount()


def test_clearing_a_search_with_no_hits_shows_the_rows(qtbot, store):
    fill(store, 30)
    view = _view(qtbot, store)
    view.search_box.setText("zzzznothing")
    view.apply_filter()
    assert view.model.total == 0 and _shown_rows(qtbot, view) == 0
    view.search_box.clear()
    view.apply_filter()
    assert view.count_label.text() == "30 documents"
    assert _shown_rows(qtbot, view) == 30


def test_clearing_a_status_filter_with_no_hits_shows_the_rows(qtbot, store):
    fill(store, 12)
    view = _view(qtbot, store)
    view.status_box.setCurrentIndex(view.status_box.findData("rejected"))
    assert _shown_rows(qtbot, view) == 0
    view.status_box.setCurrentIndex(0)
    assert _shown_rows(qtbot, view) == 12


def test_a_search_with_hits_after_one_without_shows_them(qtbot, store):
    fill(store, 40)
    ops.set_status(store, doc_id=1, annotator="alice", status=Status.DONE)
    view = _view(qtbot, store)
    view.search_box.setText("qqq")
    view.apply_filter()
    assert _shown_rows(qtbot, view) == 0
    view.search_box.setText("paris")
    view.apply_filter()
    assert _shown_rows(qtbot, view) == 4
    view.status_box.setCurrentIndex(view.status_box.findData("done"))
    assert _shown_rows(qtbot, view) == 1
