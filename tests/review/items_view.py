"""Reading review mode's items table (a QTableView on ReviewItemsModel) cell by cell, with the few calls the tests
used on the QTableWidget it replaced: rowCount, columnCount, item(row, col).text()/data()/toolTip(),
horizontalHeaderItem(col).text(), scrollToItem(cell), visualItemRect(cell), currentRow(); anything else goes to the view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView


class _Cell:
    def __init__(self, index):
        self.index = index

    def text(self) -> str:
        return self.index.data(Qt.ItemDataRole.DisplayRole)

    def data(self, role):
        return self.index.data(role)

    def toolTip(self) -> str:
        return self.index.data(Qt.ItemDataRole.ToolTipRole) or ""


class _Header:
    def __init__(self, text: str):
        self._text = text

    def text(self) -> str:
        return self._text


class ItemsTable:
    def __init__(self, window):
        self.view = window.findChild(QTableView, "reviewItems")
        self.model = self.view.model()

    def rowCount(self) -> int:
        return self.model.rowCount()

    def columnCount(self) -> int:
        return self.model.columnCount()

    def item(self, row: int, column: int) -> _Cell:
        return _Cell(self.model.index(row, column))

    def horizontalHeaderItem(self, column: int) -> _Header:
        return _Header(self.model.headerData(column, Qt.Orientation.Horizontal))

    def visualItemRect(self, cell: _Cell):
        return self.view.visualRect(cell.index)

    def scrollToItem(self, cell: _Cell) -> None:
        self.view.scrollTo(cell.index)

    def currentRow(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def __getattr__(self, name: str):  # any other widget call (setFocus, ...) goes to the view
        return getattr(self.view, name)
