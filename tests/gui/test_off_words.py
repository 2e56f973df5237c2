"""A span that starts or ends inside a word is kept exactly as drawn and flagged in the window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core import ops
from annotator.core.model import Document
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow
from annotator.gui.snapping import cuts_a_word

TEXT = "Islamabad and Kabul 😀x talks."


def test_cuts_a_word():
    assert not cuts_a_word(TEXT, 0, 9)
    assert cuts_a_word(TEXT, 0, 5)  # "Islam|abad"
    assert cuts_a_word(TEXT, 2, 9)
    assert not cuts_a_word(TEXT, 14, 19)
    assert not cuts_a_word(TEXT, 20, 22)  # the emoji and the letter after it are separate words


def test_the_entity_panel_flags_an_off_word_span_and_keeps_it_exact(qtbot, db_path):
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT))
        cut, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=0, end=5, label="GPE")
        whole, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=14, end=19, label="GPE")
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    model = window.entity_model
    cut_row, whole_row = model.row_of(cut.id), model.row_of(whole.id)
    assert model.index(cut_row, 0).data() == "Islam"
    assert "inside a word" in model.index(cut_row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(cut_row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "inside a word" not in model.index(whole_row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(whole_row, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    window.view.viewport().repaint()  # paints the flagged pill without error
    with Store(db_path, readonly=True) as check:
        assert check.entity(cut.id).range.text_of(TEXT) == "Islam"
