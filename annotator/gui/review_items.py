"""Review mode's items table as a model: one row per item (an entity, quote, speaker, cue, quote type or tag the
versions may disagree on), columns Item, Kind, Gold and one per annotator. The review window computes the cells
(texts, colours, bold for the version gold took) and hands them over in one `set_rows`."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotator.gui.table_model import HeaderedTableModel

_Index = QModelIndex | QPersistentModelIndex


@dataclass(slots=True)
class Cell:
    """What one cell shows: its text, background colour (#rrggbb, or None), tooltip (plain text, or None), bold."""

    text: str
    background: str | None = None
    tooltip: str | None = None
    bold: bool = False


class ReviewItemsModel(HeaderedTableModel):
    """Rows of cells keyed by item key (`Qt.UserRole` of column 0). Read-only; replaced whole by `set_rows`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.HEADERS = ("Item", "Kind", "Gold")
        self._keys: list[str] = []
        self._rows: list[list[Cell]] = []

    def set_columns(self, annotators: list[str]) -> None:
        """Item, Kind, Gold, then one column per annotator, in order."""
        self.beginResetModel()
        self.HEADERS = ("Item", "Kind", "Gold", *annotators)
        self._keys, self._rows = [], []
        self.endResetModel()

    def set_rows(self, rows: list[tuple[str, list[Cell]]]) -> None:
        """(item key, cells) per row, cells in column order."""
        self.beginResetModel()
        self._keys = [key for key, _ in rows]
        self._rows = [cells for _, cells in rows]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def key_at(self, row: int) -> str | None:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def row_of(self, key: str) -> int | None:
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        cells = self._rows[index.row()]
        if index.column() >= len(cells):
            return None
        cell = cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.UserRole and index.column() == 0:
            return self._keys[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole and cell.background:
            return QBrush(QColor(cell.background))
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip
        if role == Qt.ItemDataRole.FontRole and cell.bold:
            font = QFont()
            font.setBold(True)
            return font
        return None
