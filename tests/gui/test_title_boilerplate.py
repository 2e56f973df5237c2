"""Issue 14 in the window: boilerplate lines shown dimmed, and the title edited with F2 (Document → Edit title…),
written at once and read back through a fresh connection."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QPalette, QTextCursor

from annotator.core.model import Document
from annotator.core.store import Store
from tests.gui.conftest import fresh

ARTICLE = "Skip to content\nShare this article\nFerry fares to rise\n\nFares will rise by 5%, the operator said."


def test_boilerplate_is_dimmed_and_the_title_is_the_headline(qtbot, window):
    with Store(window.store.path) as store:
        doc_id, _ = store.add_document(Document(text=ARTICLE, title="Ferry fares to rise"))
    window.open_document(doc_id)
    assert window.doc_title.text() == "Ferry fares to rise"
    assert [ARTICLE[a:b] for a, b in window.view.boilerplate] == ["Skip to content", "Share this article"]
    dim = window.view.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)

    def colour_at(offset: int):
        cursor = QTextCursor(window.view.document())
        cursor.setPosition(window.view.offsets.to_qt(offset) + 1)
        return cursor.charFormat().foreground().color()

    assert colour_at(2) == dim  # in "Skip to content"
    assert colour_at(ARTICLE.index("Fares will") + 2) != dim  # the article itself is not dimmed


def test_f2_edits_the_title_for_everyone(qtbot, window, monkeypatch):
    from annotator.gui.dialogs import TitleDialog

    window.open_document(window.doc_ids[0])
    monkeypatch.setattr(TitleDialog, "ask", classmethod(lambda cls, parent, current="": "Kerry in Islamabad"))
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    assert window.doc_title.text() == "Kerry in Islamabad"
    with fresh(window.store.path) as store:
        assert store.document(window.doc_ids[0]).title == "Kerry in Islamabad"
    row = window.doc_model.row_of(window.doc_ids[0])
    qtbot.waitUntil(lambda: window.doc_model.index(row, 0).data() == "Kerry in Islamabad")
    # cancelling changes nothing
    monkeypatch.setattr(TitleDialog, "ask", classmethod(lambda cls, parent, current="": None))
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    with fresh(window.store.path) as store:
        assert store.document(window.doc_ids[0]).title == "Kerry in Islamabad"


@pytest.mark.parametrize("typed", ["   ", "\t \u3000 ", ""])
def test_f2_with_a_title_of_only_spaces_says_why_it_kept_the_old_one(qtbot, window, monkeypatch, typed):
    """Attack 15b #13: a title of only spaces was silently ignored; the CLI says "a title cannot be empty"."""
    from PySide6.QtWidgets import QInputDialog

    window.open_document(window.doc_ids[0])
    before = window.doc.title

    def type_it():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        dialog.setTextValue(typed)
        dialog.accept()

    QTimer.singleShot(100, type_it)
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    assert "a title cannot be empty" in window.save_label.toolTip()
    with fresh(window.store.path) as store:
        assert store.document(window.doc_ids[0]).title == before
