"""The document list: a lazy model over the store (ids fetched a page at a time with canFetchMore/fetchMore,
rows fetched a chunk at a time for what the view paints, kept in a bounded cache) and its view with filters."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Status
from annotator.core.store import DocumentRow, Store
from annotator.gui.table_columns import ColumnSpreader
from annotator.gui.colors import readable
from annotator.gui.plain import plain
from annotator.gui.table_model import HeaderedTableModel

_Index = QModelIndex | QPersistentModelIndex

STATUS_COLORS = {
    Status.DONE: "#2e9e5b",
    Status.IN_PROGRESS: "#1f6fd1",
    Status.SKIPPED: "#8a8a8a",
    Status.REJECTED: "#c0392b",
}


_DISPLAY = Qt.ItemDataRole.DisplayRole
_USER = Qt.ItemDataRole.UserRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ROLES_SHOWN = frozenset({_DISPLAY, Qt.ItemDataRole.ToolTipRole, _FOREGROUND, _ALIGNMENT})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class DocumentListModel(HeaderedTableModel):
    """Documents matching a filter, for one annotator. Never holds more than the fetched ids and a row cache."""

    HEADERS = ("Title", "Status", "Ents", "Quotes", "Annotated by")
    PAGE = 500
    CHUNK = 64
    CACHE_ROWS = 4096
    CAP = 10_000  # counting stops here; the list shows "10,000+"

    count_changed = Signal()  # total or capped changed

    def __init__(self, store: Store, annotator: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.status: Status | None = None
        self.text: str | None = None
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._total = 0
        self._capped = False
        self._exhausted = False
        self._fetching = False
        self._cache: OrderedDict[int, DocumentRow] = OrderedDict()
        self.set_filter()

    # -- filter ----------------------------------------------------------------------------------------------

    def _filter(self) -> dict:
        return {"annotator": self.annotator, "status": self.status, "text": self.text or None}

    def set_filter(self, *, status: Status | None = None, text: str | None = None) -> None:
        """Show the documents passing this filter. The count stops at CAP (a common word in a million documents
        would otherwise walk every match): the list then says "10,000+" and keeps fetching pages on demand."""
        self.beginResetModel()
        self.status, self.text = (Status(status) if status else None), (text or None)
        self._ids, self._row_of = [], {}
        self._cache.clear()
        self._exhausted = False
        count = self.store.count_documents(**self._filter(), at_most=self.CAP + 1) if self._can_filter() else 0
        self._capped = count > self.CAP
        self._total = min(count, self.CAP)
        self.endResetModel()
        self.count_changed.emit()

    def _can_filter(self) -> bool:
        return self.status is None or bool(self.annotator)

    def set_annotator(self, annotator: str) -> None:
        self.annotator = annotator
        self.set_filter(status=self.status, text=self.text)

    def reload(self) -> None:
        """Re-run the filter (after an import or a status change that may move documents in or out)."""
        self.set_filter(status=self.status, text=self.text)

    @property
    def total(self) -> int:
        """Documents known to pass the filter: exact unless `capped` (then a lower bound)."""
        return self._total

    @property
    def capped(self) -> bool:
        """True while the count stopped at CAP and the last page has not been fetched yet."""
        return self._capped

    def total_text(self) -> str:
        """The count as shown: "1,234", or "10,000+" when capped."""
        return f"{self._total:,}+" if self._capped else f"{self._total:,}"

    # -- lazy ids --------------------------------------------------------------------------------------------

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        if parent.isValid() or self._exhausted:
            return False
        return self._capped or len(self._ids) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        """Fetch the next page of ids by keyset (ids above the last one fetched): a page deep in a million
        documents costs what the first one does, where OFFSET stepped over every row before it."""
        if parent.isValid() or self._exhausted or self._fetching or not self._can_filter():
            return  # (re-entered from a slot on rowsAboutToBeInserted: the page in flight is not stored yet)
        after = self._ids[-1] if self._ids else None
        ids = self.store.list_document_ids(**self._filter(), after=after, limit=self.PAGE)
        ids = [i for i in ids if i not in self._row_of]
        before = (self._total, self._capped)
        if ids:
            first = len(self._ids)
            self._fetching = True
            try:
                self.beginInsertRows(QModelIndex(), first, first + len(ids) - 1)
                for i, doc_id in enumerate(ids):
                    self._row_of[doc_id] = first + i
                self._ids.extend(ids)
                self.endInsertRows()
            finally:
                self._fetching = False
        fetched = len(self._ids)
        if len(ids) < self.PAGE:  # the last page: the count is exact from now on
            self._exhausted = True
            self._total, self._capped = fetched, False
        elif self._capped:
            self._total = max(self._total, fetched)
        elif fetched >= self._total:
            self._exhausted = True
            self._total = fetched
        if (self._total, self._capped) != before:
            self.count_changed.emit()

    UNFINISHED = (Status.NEW, Status.IN_PROGRESS)

    def next_unfinished(self, doc_id: int) -> int | None:
        """The first document after `doc_id` in this list that the annotator has not finished (new or in
        progress), wrapping round to the top; None if there is none. Walks the rows in cached chunks."""
        start = self.row_of(doc_id)
        start = -1 if start is None else start
        row = start + 1
        while (candidate := self.id_at(row)) is not None:
            if self._unfinished(row):
                return candidate
            row += 1
        for row in range(0, max(start, 0)):
            if self._unfinished(row):
                return self._ids[row]
        return None

    def _unfinished(self, row: int) -> bool:
        data = self.row_data(row)
        return data is not None and data.status in self.UNFINISHED

    def fetched_count(self) -> int:
        return len(self._ids)

    def id_at(self, row: int) -> int | None:
        while row >= len(self._ids) and self.canFetchMore():
            self.fetchMore()
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def nearest(self, doc_id: int, direction: int) -> int | None:
        """For a document not in the list: the listed document after it (`direction` +1) or before it (-1) in
        the list's order (ascending ids), or None. Fetches pages only up to the first id past `doc_id`."""
        import bisect

        while self.canFetchMore() and (not self._ids or self._ids[-1] <= doc_id):
            self.fetchMore()
        at = bisect.bisect_right(self._ids, doc_id)
        row = at if direction > 0 else at - 1
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, doc_id: int, *, fetch: bool = True) -> int | None:
        """The row of a document, fetching pages until it is found — or passed: ids come in ascending order, so a
        document that is not in the list costs the pages up to its id, not the whole (maybe capped) list."""
        while (doc_id not in self._row_of and fetch and self.canFetchMore()
               and (not self._ids or self._ids[-1] < doc_id)):
            self.fetchMore()
        return self._row_of.get(doc_id)

    # -- rows ------------------------------------------------------------------------------------------------

    def row_data(self, row: int) -> DocumentRow | None:
        doc_id = self._ids[row]
        cached = self._cache.get(doc_id)
        if cached is not None:
            self._cache.move_to_end(doc_id)
            return cached
        first = row - row % self.CHUNK
        chunk = [i for i in self._ids[first : first + self.CHUNK] if i not in self._cache]
        for r in self.store.document_rows(chunk, annotator=self.annotator):
            self._cache[r.id] = r
        while len(self._cache) > self.CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(doc_id)

    def cached_count(self) -> int:
        return len(self._cache)

    def refresh_document(self, doc_id: int) -> None:
        """Forget a document's cached row (its status or counts changed) and repaint it."""
        self._cache.pop(doc_id, None)
        row = self._row_of.get(doc_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)


    def data(self, index: _Index, role=_DISPLAY):
        """Called thousands of times a repaint: roles are compared with module constants (a Qt enum lookup per
        call costs more than the rest of the method)."""
        if role not in _ROLES_SHOWN:
            return self._ids[index.row()] if role == _USER and index.isValid() else None
        row_number = index.row()
        if not index.isValid() or not (0 <= row_number < len(self._ids)):
            return None
        row = self.row_data(row_number)
        if row is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            if column == 0:
                return row.title or f"#{row.id}"
            if column == 1:
                return row.status.value.replace("_", " ")
            if column == 2:
                return row.entity_count
            if column == 3:
                return row.quote_count
            return ", ".join(row.annotators)
        if role == _ALIGNMENT:
            return _RIGHT if column in (2, 3) else None
        if role == _FOREGROUND:
            if column == 1 and row.status in STATUS_COLORS:
                return QBrush(readable(STATUS_COLORS[row.status]))
            return None
        by = f"\nAnnotated by: {', '.join(row.annotators)}" if row.annotators else ""  # its column may be hidden
        return plain(f"#{row.id} {row.title}\n{row.source}{by}")  # tooltip


class DocumentColumns(ColumnSpreader):
    """Keeps the document list's Title column readable: whenever the table is resized, Title gets TITLE_SHARE of
    the width (at least TITLE_MIN px) and the short columns split the rest by weight, each at least its minimum.
    In a table too narrow for that, "Annotated by" (then "Quotes") is hidden rather than squeezing the title to
    "…" (attack 15b #6: a 25-px Title column on a first start at 1280 × 800); widened, they come back. The
    columns stay Interactive (a person can drag one), and are never measured over all rows."""

    TITLE = 0  # the column that identifies a row
    TITLE_SHARE = 0.45
    TITLE_MIN = 110
    SHORT = {1: (1.6, 52), 2: (0.8, 34), 3: (0.9, 40), 4: (1.8, 48)}  # column: (weight, minimum px)
    HIDE_ORDER = (4, 3, 2)  # hidden first when there is no room

    def widths(self, available: int) -> dict[int, int]:
        """Column -> width (px) for a viewport `available` px wide; a column left out is hidden."""
        shown = dict(self.SHORT)
        title = max(self.TITLE_MIN, int(available * self.TITLE_SHARE))
        metrics = self.table.horizontalHeader().fontMetrics()
        model = self.table.model()
        shown = {c: (w, max(m, metrics.horizontalAdvance(str(model.headerData(c, Qt.Orientation.Horizontal))) + 14))
                 for c, (w, m) in shown.items()}  # never narrower than its header ("Quote", "notated" were cut)
        for column in self.HIDE_ORDER:
            if available - sum(m for _w, m in shown.values()) >= title:
                break
            del shown[column]
        rest = available - title
        total = sum(w for w, _m in shown.values())
        widths = {c: max(m, int(rest * w / total)) for c, (w, m) in shown.items()}
        widths[self.TITLE] = max(self.TITLE_MIN, available - sum(widths.values()) - 1)
        return widths

    def spread(self) -> None:
        header = self.table.horizontalHeader()
        widths = self.widths(self.table.viewport().width())
        for column in range(self.table.model().columnCount()):
            header.setSectionHidden(column, column not in widths)
            if column in widths:
                header.resizeSection(column, widths[column])


class DocumentListView(QWidget):
    """Filters (status, full-text search) above the lazy document table."""

    document_activated = Signal(int)

    def __init__(self, model: DocumentListModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.status_box = QComboBox()
        self.status_box.addItem("All statuses", None)
        for status in Status:
            self.status_box.addItem(status.value.replace("_", " "), status.value)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search titles and text…")
        self.search_box.setClearButtonEnabled(True)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.columns = DocumentColumns(self.table)  # the title keeps most of the width (attack 15b #6)
        self.table.setWordWrap(False)
        # The search box has a row of its own: beside the status box and the count it shrank to "S…" in a
        # narrow dock (attack 15b #6, 1024 × 768).
        filters = QHBoxLayout()
        filters.addWidget(self.status_box, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("documentCount")
        self.count_label.setToolTip("Documents matching the filter (counting stops at "
                                    f"{model.CAP:,}; the rest are fetched as you scroll)")
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search_box)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filter)
        self.search_box.textChanged.connect(self._debounce.start)
        self.search_box.returnPressed.connect(self.apply_filter)
        self.status_box.currentIndexChanged.connect(self.apply_filter)
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        # The highlighted row is the open document, always (attack 15 #10): moving the current row with the
        # keys opens it at once, as Anki's browser shows the card under the cursor; the window's actions then
        # act on what is highlighted. Moves made by the program (show_document, a reset) open nothing.
        self.open_id: int | None = None
        self._showing = False
        self.table.selectionModel().currentRowChanged.connect(self._current_moved)
        model.count_changed.connect(self._show_count)
        model.modelReset.connect(self._fetch_first_page)
        model.modelReset.connect(self._show_open_document)
        self._show_count()

    def _current_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # a move the user made: the list holds the keyboard focus of its window (window().focusWidget(), also
        # right while the window is being activated, when hasFocus() still says no)
        if self._showing or not current.isValid() or self.table.window().focusWidget() is not self.table:
            return
        self._activated(current)

    def _show_open_document(self) -> None:
        """After a filter or a reload, highlight the open document again if it is among the fetched rows (never
        another one: the list's highlight and the open document must not part)."""
        row = self.model.row_of(self.open_id, fetch=False) if self.open_id is not None else None
        self._showing = True
        try:
            self.table.setCurrentIndex(QModelIndex())
            if row is not None:
                self.table.selectRow(row)
        finally:
            self._showing = False

    def _fetch_first_page(self) -> None:
        """Qt's view asks for rows only when its geometry changes: after a filter with no hits a reset to rows
        leaves it as it was, and the list stayed empty under "N documents" (issue 15). Fetch the first page."""
        if self.model.rowCount() == 0 and self.model.canFetchMore():
            self.model.fetchMore()

    def _show_count(self) -> None:
        one = self.model.total == 1 and not self.model.capped
        self.count_label.setText(f"{self.model.total_text()} document{'' if one else 's'}")

    def apply_filter(self) -> None:
        self._debounce.stop()
        status = self.status_box.currentData()
        self.model.set_filter(status=Status(status) if status else None, text=self.search_box.text().strip() or None)

    def _activated(self, index: QModelIndex) -> None:
        doc_id = index.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        if doc_id is not None and doc_id != self.open_id:
            self.document_activated.emit(doc_id)

    def show_document(self, doc_id: int | None) -> None:
        """Select the document's row (fetching ids until it is found), without emitting: `doc_id` is the open
        document from now on."""
        self.open_id = doc_id
        row = self.model.row_of(doc_id) if doc_id is not None else None
        self._showing = True
        try:
            if row is None:
                self.table.setCurrentIndex(QModelIndex())
                self.table.clearSelection()
                return
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        finally:
            self._showing = False
