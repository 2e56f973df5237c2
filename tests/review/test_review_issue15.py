"""Issue 15, defects 5, 8, 9 in review mode: a version imported while the window is open shows; "Accept identical"
asks first and can be undone (and the tag set's removals ask and undo); the window fits a 1000-px screen and Esc
closes it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.core.model import Status
from annotator.core.store import Store
from annotator.gui.review_window import ReviewWindow
from tests.review.conftest import put_version, quote
from tests.review.test_review_adjudication import two_versions


def gold_of(db_path, doc_id):
    with Store(db_path, readonly=True) as fresh:
        return fresh.annotation_set(doc_id, "gold")


def _answer(monkeypatch, button):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a) or button))
    return asked


# -- 5 -------------------------------------------------------------------------------------------------------


def test_a_version_imported_while_open_shows_in_the_open_document(qtbot, store, add_doc, db_path):
    d = two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    assert window.review.annotators == ["alice", "bob"]
    with Store(db_path) as other:  # an import from the command line, say
        put_version(other, d, "carol", entities=[(14, 19, "PERSON")])
    window.watcher.poll()
    assert window.review.annotators == ["alice", "bob", "carol"]
    assert [window.show_combo.itemText(i) for i in range(window.show_combo.count())][-1] == "carol"
    assert window.items_model.columnCount() == 6  # Item, Kind, Gold + three versions
    window.close()


def test_f5_rereads_a_new_document_into_the_queue(qtbot, store, add_doc, db_path):
    two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    window.watcher.stop()
    rows = window.queue_table.rowCount()
    with Store(db_path) as other:
        doc_id, _ = other.add_document(__import__("annotator.core.model", fromlist=["Document"]).Document(
            text="Aziz met Kerry.", title="new"))
        put_version(other, doc_id, "alice", entities=[(0, 4, "PERSON")])
        put_version(other, doc_id, "bob", entities=[(9, 14, "PERSON")])
    assert window.refresh_action.shortcut().toString() == "F5"
    window.refresh_action.trigger()
    assert window.queue_table.rowCount() == rows + 1
    window.close()


# -- 8 -------------------------------------------------------------------------------------------------------


def _identical_pair(store, add_doc):
    same = add_doc("Kerry met Aziz.", "same")
    put_version(store, same, "alice", entities=[(0, 5, "PERSON")], quotes=[quote(0, 5)])
    put_version(store, same, "bob", entities=[(0, 5, "PERSON")], quotes=[quote(0, 5)])
    return same


def test_accept_identical_asks_first_and_no_writes_nothing(qtbot, store, add_doc, db_path, monkeypatch):
    same = _identical_pair(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    window.identical_action.trigger()
    assert len(asked) == 1 and "1 document" in asked[0][2]
    assert gold_of(db_path, same) is None
    window.close()


def test_accept_identical_can_be_undone_as_a_batch(qtbot, store, add_doc, db_path, monkeypatch):
    same = _identical_pair(store, add_doc)
    other = add_doc("Aziz met Kerry.", "also same")
    put_version(store, other, "alice", entities=[(0, 4, "PERSON")])
    put_version(store, other, "bob", entities=[(0, 4, "PERSON")])
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window.identical_action.trigger()
    assert gold_of(db_path, same).status is Status.DONE and gold_of(db_path, other).status is Status.DONE
    assert window.undo_identical_action.isEnabled()
    window.undo_identical_action.trigger()
    assert gold_of(db_path, same) is None and gold_of(db_path, other) is None
    with Store(db_path, readonly=True) as fresh:
        assert fresh.query("SELECT count(*) FROM review_decisions WHERE decision = 'accept_identical'")[0][0] == 0
    assert not window.undo_identical_action.isEnabled()
    window.close()


def test_removing_a_used_tag_from_the_tag_set_asks_and_undoes(qtbot, store, add_doc, monkeypatch):
    from annotator.gui.dialogs import TagSetDialog

    d = add_doc("Kerry met Aziz.", "x")
    put_version(store, d, "alice", tags=["opinion"])
    store.add_to_tag_set("opinion", "document")
    store.add_to_tag_set("unused-tag", "document")
    dialog = TagSetDialog(store)
    qtbot.addWidget(dialog)
    listing = dialog.lists["document"]

    def select(tag):
        listing.clearSelection()
        listing.findItems(tag, Qt.MatchFlag.MatchExactly)[0].setSelected(True)

    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    select("opinion")
    dialog.remove_selected("document")
    assert "opinion" in store.tag_set("document") and "1 use" in asked[0][2]
    select("unused-tag")
    dialog.remove_selected("document")  # not in use: no question
    assert len(asked) == 1 and "unused-tag" not in store.tag_set("document")
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    select("opinion")
    dialog.remove_selected("document")
    assert "opinion" not in store.tag_set("document")
    dialog.undo()
    assert "opinion" in store.tag_set("document")
    dialog.undo()
    assert "unused-tag" in store.tag_set("document")
    assert not dialog.undo_button.isEnabled()


# -- 9 -------------------------------------------------------------------------------------------------------


def test_review_window_fits_the_screen_and_esc_closes_it(qtbot, store, add_doc, db_path):
    two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    area = window.screen().availableGeometry()
    assert window.height() <= area.height() - 40 and window.width() <= area.width()
    assert window.minimumSizeHint().height() <= 1000 - 80  # fits a 1000-px screen with its frame
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_Escape)
    assert not window.isVisible()
