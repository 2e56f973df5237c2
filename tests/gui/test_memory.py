"""Opening documents again and again keeps nothing of the previous ones (the RSS figure over 300 reopens is in
`make bench`: benchmarks/bench_memory.py). These checks count what Qt keeps, which is exact and fast: before the
fix every open left the previous QTextDocument, with its whole layout, as a child of the article view."""

from __future__ import annotations

import gc

from PySide6.QtCore import QEvent
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication


def qt_objects(window) -> int:
    return len(window.findChildren(object))


def test_reopening_documents_keeps_one_text_document(window):
    ids = window.doc_ids
    for _ in range(3):
        for doc_id in ids:
            window.open_document(doc_id)
    QApplication.processEvents()
    before = qt_objects(window)
    for _ in range(40):
        for doc_id in ids:
            window.open_document(doc_id)
            window.view.viewport().repaint()
    QApplication.processEvents()
    gc.collect()
    documents = window.view.findChildren(QTextDocument)
    assert len(documents) == 1, f"{len(documents)} text documents kept after 120 opens"
    assert documents[0] is window.view.document()
    assert qt_objects(window) == before, "Qt objects grew over 120 opens"
    assert window.view.toPlainText() == window.doc.text


def test_a_replaced_text_document_is_really_deleted_not_only_unparented(window):
    """Counting the view's children misses a document moved elsewhere or kept by Python (audit 18 mutation 23):
    every replaced document must be gone from C++ (shiboken6.isValid) and have emitted `destroyed`."""
    import shiboken6

    destroyed: list[int] = []
    replaced = []
    for n, doc_id in enumerate(window.doc_ids * 3):
        shown = window.view.document()
        shown.destroyed.connect(lambda *_, n=n: destroyed.append(n))
        window.open_document(doc_id)
        window.view.viewport().repaint()
        assert window.view.document() is not shown
        replaced.append(shown)
    QApplication.processEvents()
    gc.collect()
    ours = replaced[1:]  # the first one was made by QTextEdit itself and is Qt's to delete
    assert [shiboken6.isValid(doc) for doc in ours] == [False] * len(ours)
    assert set(range(1, len(replaced))) <= set(destroyed)
    assert shiboken6.isValid(window.view.document())


def settle() -> None:
    """One turn of the real event loop: events, then deferred deletes (processEvents alone never runs those)."""
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_refreshes_from_another_connection_keep_one_text_document_and_no_more_objects(window):
    """The window re-reads the open document and the labels on every refresh (F5, or another window's commit):
    before the fix each refresh also left ~3 actions of the label toolbar behind."""
    for _ in range(3):
        window.refresh_from_database()
        settle()
    before = qt_objects(window)
    for _ in range(30):
        window.refresh_from_database()
        settle()
    assert len(window.view.findChildren(QTextDocument)) == 1
    assert qt_objects(window) == before, "Qt objects grew over 30 refreshes"
    assert len(window.label_actions) == len(window.store.labels())


def test_the_review_view_keeps_one_text_document_too(qtbot):
    """The same ArticleView shows every version in review mode."""
    from annotator.core.model import AnnotationSet, Entity
    from annotator.gui.article_view import ArticleView

    view = ArticleView()
    qtbot.addWidget(view)
    for i in range(50):
        view.show_annotation_set(f"Text number {i} about Paris.", AnnotationSet(doc_id=1, annotator="a", entities=[Entity(22, 27, "GPE")]))
    assert len(view.findChildren(QTextDocument)) == 1
    assert view.toPlainText() == "Text number 49 about Paris."
