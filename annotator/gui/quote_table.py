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
from annotator.gui.table_columns import ColumnSpreader
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


class QuoteColumns(ColumnSpreader):
    """Keeps the quote table's Content column the widest: whenever the table is resized (dock widened, window
    fitted to a screen), Content gets CONTENT_SHARE of the width and the short columns split the rest, each at
    least SHORT_MIN px (issue 15, attack #14: Content stayed ~55 px while the empty Tags column took the room).
    The columns stay Interactive, so a person can still drag one wider; the next resize of the table spreads
    them again."""

    CONTENT_SHARE = 0.45
    SHORT_MIN = 48
    CONTENT_MIN = 160

    def widths(self, available: int) -> list[int]:
        """Column widths (px) for a viewport `available` px wide: Content gets its share first, the short columns
        split the rest by weight (each at least SHORT_MIN), and Content takes whatever they leave."""
        weights = {SPEAKER: 1.3, PERSON: 1.3, CUE: 0.8, TYPE: 0.8, TAGS: 0.8, ORIGIN: 1.0}
        rest = available - max(self.CONTENT_MIN, int(available * self.CONTENT_SHARE))
        total = sum(weights.values())
        shorts = {c: max(self.SHORT_MIN, int(rest * w / total)) for c, w in weights.items()}
        content = max(self.CONTENT_MIN, available - sum(shorts.values()) - 1)
        return [content if c == CONTENT else shorts[c] for c in range(len(QuoteTable.HEADERS))]

    def spread(self) -> None:
        header = self.table.horizontalHeader()
        for column, width in enumerate(self.widths(self.table.viewport().width())):
            header.resizeSection(column, width)
