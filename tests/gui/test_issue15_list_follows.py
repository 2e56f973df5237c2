"""Attack 15 #10: the highlighted row of the document list is the open document, always — moving with the keys
opens the document (as Anki's browser shows the card under the cursor), so actions apply to what is highlighted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Status


def _highlighted(window):
    index = window.doc_list.table.currentIndex()
    return index.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole) if index.isValid() else None


def _focus_list(qtbot, window):
    window.focus_documents()
    qtbot.waitUntil(lambda: window.doc_list.table.hasFocus())


def test_arrow_keys_in_the_list_open_the_document(window, qtbot):
    first, second, third = window.doc_ids
    window.open_document(first)
    _focus_list(qtbot, window)
    qtbot.keyClick(window.doc_list.table, Qt.Key.Key_Down)
    assert window.doc.id == second and _highlighted(window) == second
    qtbot.keyClick(window.doc_list.table, Qt.Key.Key_Down)
    assert window.doc.id == third and _highlighted(window) == third
    qtbot.keyClick(window.doc_list.table, Qt.Key.Key_Up)
    assert window.doc.id == second and _highlighted(window) == second


def test_an_action_after_moving_applies_to_the_highlighted_document(window, qtbot):
    first, second, _third = window.doc_ids
    window.open_document(first)
    _focus_list(qtbot, window)
    qtbot.keyClick(window.doc_list.table, Qt.Key.Key_Down)
    window.set_status(Status.SKIPPED)  # Ctrl+K
    assert window.store.status(second, "alice") is Status.SKIPPED
    assert window.store.status(first, "alice") is not Status.SKIPPED


def test_moves_made_by_the_program_open_nothing_and_a_filter_keeps_the_highlight(window, qtbot):
    first, second, _third = window.doc_ids
    window.open_document(second)
    _focus_list(qtbot, window)
    box = window.doc_list.search_box
    box.setText("zzzqqq")
    window.doc_list.apply_filter()
    assert window.doc.id == second and _highlighted(window) is None  # filtered out: nothing else highlighted
    box.setText("")
    window.doc_list.apply_filter()
    assert window.doc.id == second and _highlighted(window) == second
    window.doc_list.search_box.setText("Third")
    window.doc_list.apply_filter()
    assert window.doc.id == second  # the filter's first row is not opened behind the user's back
    assert _highlighted(window) != window.doc_ids[2] or window.doc.id == window.doc_ids[2]


def test_a_click_opens_once(window, qtbot):
    first, second, _third = window.doc_ids
    window.open_document(first)
    opened = []
    window.doc_list.document_activated.connect(opened.append)
    table = window.doc_list.table
    rect = table.visualRect(window.doc_model.index(1, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.doc.id == second and opened == [second]
    assert QApplication.focusWidget() is table


def test_the_search_box_finds_an_emoji_title(window, qtbot):
    from annotator.core.model import Document
    from annotator.core.store import Store

    with Store(window.store.path) as store:
        party, _ = store.add_document(Document(text="Crowds gathered on Sunday.", title="Street party 🎉 in Leeds"))
    window.doc_model.reload()
    window.doc_list.search_box.setText("🎉")
    window.doc_list.apply_filter()
    assert window.doc_model.rowCount() == 1 and window.doc_model.id_at(0) == party
    assert window.doc_list.count_label.text() == "1 document"
