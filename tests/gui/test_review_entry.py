"""Review mode opens from the annotation window (View → Review mode) on the same database."""

from __future__ import annotations

from annotator.core import ops
from annotator.core.model import Document, Status
from annotator.gui.main_window import MainWindow


def test_review_mode_opens_from_the_view_menu_and_the_window_reloads_after(qtbot, db_path):
    from annotator.core.store import Store

    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text="Kerry met Aziz in Islamabad."))
        for name, label in (("alice", "PERSON"), ("bob", "ORG")):
            ops.add_entity(store, doc_id=doc_id, annotator=name, start=0, end=5, label=label)
            ops.set_status(store, doc_id=doc_id, annotator=name, status=Status.DONE)
    window = MainWindow(db_path, "carol")
    qtbot.addWidget(window)
    (action,) = [a for a in window.findChildren(type(window.undo_action)) if a.text() == "&Review mode…"]
    action.trigger()
    review = window.review_window
    assert review is not None and review.isVisible()
    with qtbot.waitSignal(review.destroyed, timeout=5000):
        review.close()
    assert window.review_window is None
