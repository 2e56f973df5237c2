"""L: the type-ahead label picker (attack 15 #11: labels past the ninth had no key, only the "More labels" mouse
menu). As INCEpTION's label box and Prodigy's many-label views work: a small popup listing every label with its
colour and key; typing filters (a label starting with the typed text first, then any containing it, any case);
Up/Down move; Enter applies the highlighted label to the selection (or relabels the selected entity) and closes;
Esc closes. It only emits `picked`: the window applies the label as keys 1–9 do, so undo is the same.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotator.core.names import SHOWN_CHARACTERS, shown
from annotator.gui.elided_list import elide_rows
from annotator.gui.plain import name_tooltip, plain_label
from annotator.gui.screen_fit import FitsScreen


def ranked(labels: list[str], typed: str) -> list[str]:
    """The labels matching `typed` (any case), those starting with it first, each group in the given order;
    all of them for an empty `typed`."""
    needle = typed.strip().casefold()
    starting = [name for name in labels if name.casefold().startswith(needle)]
    containing = [name for name in labels if needle in name.casefold() and name not in starting]
    return starting + containing


class LabelPickDialog(FitsScreen, QDialog):
    """A popup of `labels` (name -> colour, in order; the first nine have keys 1–9) for `title` (what gets it)."""

    picked = Signal(str)

    def __init__(self, labels: dict[str, str], title: str, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("labelPicker")
        self.order = list(labels)
        self.heading = QLabel(title)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type a label · Enter applies · Esc closes")
        self.list = QListWidget()
        elide_rows(self.list)  # a long name elided at the edge, not behind a scroll bar (attack 15b #14)
        self.list.setUniformItemSizes(True)
        self.colours = dict(labels)
        self.hint = plain_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        self.list.setMinimumHeight(min(len(labels), 12) * (self.fontMetrics().height() + 6) + 6)
        self.resize(260, self.sizeHint().height())
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(lambda item: self.pick(item.data(Qt.ItemDataRole.UserRole)))
        self.apply_filter("")
        self.filter.setFocus()

    def visible_labels(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def current_label(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def apply_filter(self, text: str) -> None:
        """List the labels matching `text` (ranked), the best one highlighted (18 labels: rebuilt each key)."""
        from annotator.gui.actions import swatch

        self.list.clear()
        matches = ranked(self.order, text)
        for name in matches:
            position = self.order.index(name)
            key = f"{position + 1}  " if position < 9 else "    "
            item = QListWidgetItem(swatch(self.colours[name]), f"{key}{shown(name, SHOWN_CHARACTERS)}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(name_tooltip(name))
            self.list.addItem(item)
        if matches:
            self.list.setCurrentRow(0)
            self.hint.setText("")
        else:
            self.hint.setText(f"No label matches “{text.strip()}”.")
        self.hint.setVisible(bool(self.hint.text()))

    def pick(self, label: str | None) -> None:
        if label is None:
            return
        self.picked.emit(label)
        self.accept()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.filter and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.pick(self.current_label())
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                row = self.list.currentRow() + (-1 if key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp) else 1)
                if 0 <= row < self.list.count():
                    self.list.setCurrentRow(row)
                return True
        return super().eventFilter(obj, event)
