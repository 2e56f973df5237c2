"""The Quotes panel as a real table (issue 15): speaker as written, the resolved person, cue, type, content, tags
and origin (model or person), one column each, sortable by any column (click a header); the full quote, speaker
and cue in the row's tooltip (hover: the text on demand, not in the cell).

Sorting is done by the model itself (`sort`), so `row_of(quote_id)` stays right for the window, which keeps the
selected quote's row current. Offsets are code points.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from annotator.core.model import Quote
from annotator.core.names import SHOWN_CHARACTERS, shown
from annotator.gui.colors import readable
from annotator.gui.panels import SpanTableModel, _short, origin_text
from annotator.gui.plain import plain

_Index = QModelIndex | QPersistentModelIndex
SPEAKER, PERSON, CUE, TYPE, CONTENT, TAGS, ORIGIN = range(7)


class QuoteTable(SpanTableModel):
    """Rows: the quotes of the shown set (text order until a header is clicked)."""

    HEADERS = ("Speaker", "Person", "Cue", "Type", "Content", "Tags", "Origin")

    def __init__(self, parent=None):
        self.owner: str | None = None  # whose set is shown (the Origin column names them)
        super().__init__(parent)
        self.sort_column: int | None = None
        self.sort_order = Qt.SortOrder.AscendingOrder

    @property
    def quotes(self) -> list[Quote]:
        return self.spans

    def set_quotes(self, text: str, quotes: list[Quote], tags: dict[int, list[str]]) -> None:
        self.set_spans(text, self._sorted(text, list(quotes), tags), tags)

    def cell(self, q: Quote, column: int, text: str | None = None, tags: dict | None = None) -> str:
        """The full (unshortened) value of a column for quote `q`."""
        text = self.text if text is None else text
        tags = self.tags if tags is None else tags
        if column == SPEAKER:
            return q.speaker.text_of(text) if q.speaker else ""
        if column == PERSON:
            return q.speaker_name or ""
        if column == CUE:
            return q.cue.text_of(text) if q.cue else ""
        if column == TYPE:
            return str(q.type)
        if column == CONTENT:
            return " ".join(text[q.start:q.end].split())
        if column == TAGS:
            return ", ".join(tags.get(q.id, []))
        return origin_text(q.origin, self.owner)

    def _sorted(self, text: str, quotes: list[Quote], tags: dict) -> list[Quote]:
        if self.sort_column is None:
            return quotes
        column = self.sort_column
        quotes.sort(key=lambda q: (self.cell(q, column, text, tags).casefold(), q.start),
                    reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        return quotes

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort hook (a header click): reorder the rows by that column's full text, then by position."""
        self.sort_column, self.sort_order = column, order
        self.set_spans(self.text, self._sorted(self.text, list(self.spans), self.tags), self.tags)

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        q = self.span_at(index)
        if q is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.cell(q, column)
            if column == CONTENT:
                return f"“{_short(value, 120)}”"
            if column == TAGS:
                return ", ".join(shown(t, SHOWN_CHARACTERS) for t in self.tags.get(q.id, []))
            return _short(value, 40) if value else "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain(
                f"“{_short(self.cell(q, CONTENT), 1500)}”\n\nspeaker: {self.cell(q, SPEAKER) or '—'}"
                f"  ·  person: {self.cell(q, PERSON) or '—'}  ·  cue: {self.cell(q, CUE) or '—'}\n"
                f"{q.type} quote [{q.start}, {q.end})  ·  origin: {q.origin}"
            )
        if role == Qt.ItemDataRole.ForegroundRole and ((column == SPEAKER and q.speaker is None)
                                                      or (column == CUE and q.cue is None)):
            return QBrush(readable("#c2410c"))  # a missing speaker or cue: the row to fix
        if role == Qt.ItemDataRole.UserRole:
            return q.id
        return None
