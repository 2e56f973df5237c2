"""Issue 15: undo that survives a restart. Edit, close the window, open a new MainWindow over the same file,
Ctrl+Z undoes that annotator's last edits of the document (most recent first), refusing when the rows changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core import ops
from annotator.core.model import Status, TargetKind
from annotator.core.store import Store


def _reopen(qtbot, window, doc_id):
    path = window.store.path
    window.close()
    window.store.close() if getattr(window, "_owns_store", False) else None
    from annotator.gui.main_window import MainWindow

    again = MainWindow(path, "alice")
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    again.open_document(doc_id)
    again.activateWindow()  # window shortcuts (Ctrl+Z) need the window active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is again)
    again.view.setFocus()
    return again


def _entities(window):
    return sorted((e.start, e.end, e.label) for e in (s.entity for s in window.view.index.entities.ordered()))


def _ctrl_z(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_edits_undone_after_reopening_most_recent_first(window, qtbot):
    doc = window.doc_ids[0]
    window.open_document(doc)
    before = _entities(window)
    window.view.select_range(32, 38)
    window.apply_label("DATE")                      # add
    kerry = [s.id for s in window.view.index.entities.ordered() if s.start == 0][0]
    window.view.select_entity(kerry)
    window.apply_label("ORG")                       # relabel
    window.set_status(Status.DONE)                  # status
    after = _entities(window)
    assert after != before

    again = _reopen(qtbot, window, doc)
    assert _entities(again) == after
    _ctrl_z(qtbot, again)
    assert again.store.status(doc, "alice") is Status.IN_PROGRESS
    _ctrl_z(qtbot, again)
    assert (0, 5, "PERSON") in _entities(again)     # relabel undone
    _ctrl_z(qtbot, again)
    assert _entities(again) == before               # add undone
    # and it survives one more restart: the undos are in the log too
    third = _reopen(qtbot, again, doc)
    assert _entities(third) == before
    _ctrl_z(qtbot, third)
    assert "Nothing earlier" in third.statusBar().currentMessage() and _entities(third) == before


def test_delete_and_quote_and_tag_undone_after_reopening(window, qtbot):
    doc = window.doc_ids[0]
    window.open_document(doc)
    before = _entities(window)
    quotes_before = [(q.start, q.end, q.quote.speaker_name) for q in window.view.index.quotes.ordered()]
    window.view.select_entity(window.view.index.entities.ordered()[-1].id)
    window.delete_selected() if hasattr(window, "delete_selected") else window.edit_actions.delete_selected()
    window.on_tag_toggled("document", None, "unsure", True)
    again = _reopen(qtbot, window, doc)
    _ctrl_z(qtbot, again)
    assert "unsure" not in [t.tag for t in again.store.tags(doc, "alice")]
    _ctrl_z(qtbot, again)
    assert _entities(again) == before
    assert [(q.start, q.end, q.quote.speaker_name) for q in again.view.index.quotes.ordered()] == quotes_before


def test_another_annotators_edits_do_not_block_and_are_not_undone(window, qtbot):
    doc = window.doc_ids[0]
    window.open_document(doc)
    window.view.select_range(32, 38)
    window.apply_label("DATE")
    path = window.store.path
    window.close()
    with Store(path) as other:  # bob works on the same document meanwhile
        ops.add_entity(other, doc_id=doc, annotator="bob", start=32, end=38, label="TIME")
        ops.add_tag(other, doc_id=doc, annotator="bob", tag="bob-was-here")
    again = _reopen(qtbot, window, doc)
    _ctrl_z(qtbot, again)
    assert (32, 38, "DATE") not in _entities(again)
    with Store(path) as check:
        bob = check.annotation_set(doc, "bob")
        assert [(e.start, e.label) for e in bob.entities if e.start == 32] == [(32, "TIME")]
        assert bob.document_tags() == ["bob-was-here"]


def test_refused_when_the_rows_changed_since(window, qtbot):
    doc = window.doc_ids[0]
    window.open_document(doc)
    window.view.select_range(32, 38)
    window.apply_label("DATE")
    path = window.store.path
    window.close()
    with Store(path) as elsewhere:  # another window of alice's relabels it, writing no log line of that add
        (entity,) = [e for e in elsewhere.annotation_set(doc, "alice").entities if e.start == 32]
        elsewhere.conn.execute("UPDATE entities SET label = 'EVENT' WHERE id = ?", (entity.id,))
        elsewhere.conn.commit()
    again = _reopen(qtbot, window, doc)
    _ctrl_z(qtbot, again)
    assert (32, 38, "EVENT") in _entities(again)
    assert "changed since" in again.statusBar().currentMessage()


def test_in_session_undo_is_not_undone_again_after_restart(window, qtbot):
    doc = window.doc_ids[0]
    window.open_document(doc)
    window.on_tag_toggled("document", None, "first", True)
    window.on_tag_toggled("document", None, "second", True)
    window.undo_action.trigger()  # "second" undone in this session
    again = _reopen(qtbot, window, doc)
    _ctrl_z(qtbot, again)  # the next one back is "first", not a redo of "second"
    assert [t.tag for t in again.store.tags(doc, "alice") if t.target_kind is TargetKind.DOCUMENT] == []
