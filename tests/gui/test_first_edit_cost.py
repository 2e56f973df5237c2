"""The first edit after start-up costs what every later edit costs (issue 15: < 16 ms, `make bench` measures it):
the person's copy of the model's set and the edit are ONE commit (one fsync), and what PySide6 makes lazily on
first use (the Python classes of Qt enums) is made while the new window is idle, not inside the first edit."""

from __future__ import annotations

import enum
import gc

from PySide6.QtWidgets import QApplication

from annotator.gui.main_window import MainWindow
from tests.gui.test_main_window import fresh


def entities(window) -> set:
    with fresh(window.store.path) as store:
        aset = store.annotation_set(window.doc.id, "bob")
        return {(e.start, e.end, e.label) for e in aset.entities} if aset else set()


def _enum_classes() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, enum.EnumType))


def _open(qtbot, db_path):
    window = MainWindow(db_path, "bob")  # bob has no set yet: the model's is shown borrowed
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(3):
        QApplication.processEvents()
    window.view.viewport().repaint()
    return window


def test_the_first_edit_copies_and_edits_in_one_commit(qtbot, seeded):
    db_path, ids = seeded
    window = _open(qtbot, db_path)
    assert window.borrowed
    statements = []
    window.store.conn.set_trace_callback(statements.append)
    window.view.select_range(32, 38)
    window.apply_label("DATE")
    window.store.conn.set_trace_callback(None)
    assert not window.borrowed and (32, 38, "DATE") in entities(window)
    assert [s for s in statements if s.strip().upper().startswith("COMMIT")] == ["COMMIT"]
    assert window.store.annotation_set(ids[0], "bob") is not None


def test_a_refused_first_edit_keeps_the_copy_and_says_so(qtbot, seeded):
    db_path, ids = seeded
    window = _open(qtbot, db_path)
    window.view.select_range(32, 38)
    window.apply_label("BAD\nLABEL")  # refused by the ops (a label is one line), after the copy was made
    assert "Not saved" in window.save_label.text() + window.statusBar().currentMessage()
    own = window.store.annotation_set(ids[0], "bob")  # the copy stays, as when it was its own commit
    assert own is not None and {(e.start, e.end, e.label) for e in own.entities} == {
        (0, 5, "PERSON"), (40, 50, "PERSON"), (59, 67, "GPE")}
    assert not window.borrowed and set(window.view.index.entities.by_id) == {e.id for e in own.entities}


def test_nothing_lazy_is_made_inside_the_first_edit(qtbot, seeded):
    db_path, _ids = seeded
    window = _open(qtbot, db_path)
    window.view.select_range(32, 38)
    before = _enum_classes()
    window.apply_label("DATE")
    window.view.viewport().repaint()
    for _ in range(3):
        QApplication.processEvents()  # the document list repaints its row ("in progress")
    assert _enum_classes() == before
