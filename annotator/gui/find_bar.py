"""The annotation window's find bar (Ctrl+F): a line edit under the article; Enter finds the next match, Shift+Enter
the previous one, both wrapping around the text; Esc closes the bar and gives the article the focus back."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QWidget


class FindBar(QWidget):
    """Finds text in `view` (a QTextEdit). Hidden until `open()`. `not_found(needle)` is emitted when a search
    finds nothing anywhere in the text (the window shows it in the status bar)."""

    not_found = Signal(str)

    def __init__(self, view: QTextEdit, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.box = QLineEdit()
        self.box.setPlaceholderText("Find in text (Enter: next, Shift+Enter: previous, Esc: close)")
        self.box.returnPressed.connect(self.find_forward)
        self.box.installEventFilter(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Find:"))
        row.addWidget(self.box, 1)
        self.hide()

    def open(self) -> None:
        """Show the bar with its text selected, ready to type over."""
        self.show()
        self.box.setFocus()
        self.box.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.view.setFocus()

    def find_forward(self) -> None:
        self.find_next(backward=False)

    def find_next(self, *, backward: bool = False) -> bool:
        """Select the next (previous) match after (before) the cursor, wrapping around; opens the bar if it holds
        nothing to find. Returns whether something was found."""
        needle = self.box.text()
        if not needle:
            self.open()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        # the needle as typed, then its NFC and NFD forms: a word pasted from macOS (decomposed) finds the
        # composed text and the other way round (issue 17; the document search compares NFC the same way)
        forms = list(dict.fromkeys([needle, unicodedata.normalize("NFC", needle), unicodedata.normalize("NFD", needle)]))
        found = any(self.view.find(form, flags) for form in forms)
        if not found:  # wrap around
            cursor = self.view.textCursor()
            cursor.movePosition(cursor.MoveOperation.End if backward else cursor.MoveOperation.Start)
            self.view.setTextCursor(cursor)
            found = any(self.view.find(form, flags) for form in forms)
        if not found:
            self.not_found.emit(needle)
        return found

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.box and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.find_next(backward=True)
                return True
        return super().eventFilter(obj, event)
