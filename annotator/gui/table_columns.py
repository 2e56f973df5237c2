"""Column widths that follow a table's size: the shared mechanism of the document list's and the quote table's
column rules (each subclass says how to spread a width in `spread`)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView


class ColumnSpreader(QObject):
    """Spreads a table's columns again whenever its viewport is resized (dock widened, window fitted to a
    screen). The columns stay Interactive, so a person can still drag one; the next resize spreads them again.
    Subclasses implement `spread()` from `self.table.viewport().width()` (px)."""

    def __init__(self, table: QTableView):
        super().__init__(table)
        self.table = table
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in range(table.model().columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.viewport().installEventFilter(self)
        self.spread()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            self.spread()
        return False

    def spread(self) -> None:
        raise NotImplementedError
