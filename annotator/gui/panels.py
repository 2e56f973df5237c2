"""Side panels: the entities and quotes of the open document, and the tags (document and selected span).

The table models only hold references to the shown lists and format rows when a view asks (visible rows),
so a document with 10,000 entities costs nothing until scrolled.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Entity, Quote, TargetKind
from annotator.core.names import SHOWN_CHARACTERS, shown
from annotator.core.spans import has_blank_edge
from annotator.gui.colors import readable
from annotator.gui.elided_list import elide_rows
from annotator.gui.plain import escape, name_tooltip, plain
from annotator.gui.snapping import cuts_a_word
from annotator.gui.table_model import HeaderedTableModel

OFF_WORDS_NOTE = ("starts or ends inside a word or off spaCy's tokens: kept as drawn, but the spaCy export "
                  "leaves it out (its tokens marked missing)")

BLANK_EDGE_NOTE = "starts or ends in whitespace: kept as drawn, listed by every export"


def edge_note(text: str, start: int, end: int) -> str | None:
    """Why a span's edges are flagged (red pill outline, marked row), or None: cut inside a word, or starting
    or ending in whitespace (issue 17)."""
    if has_blank_edge(text, start, end):  # the more specific reason first (also off spaCy's tokens)
        return BLANK_EDGE_NOTE
    if cuts_a_word(text, start, end):
        return OFF_WORDS_NOTE
    return None


_Index = QModelIndex | QPersistentModelIndex


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SpanTableModel(HeaderedTableModel):
    """A flat table over the spans (entities or quotes) of the shown set, in text order, with their tags;
    `row_of(id)` finds a span's row. Subclasses name the HEADERS and answer `data`."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = ""
        self.spans: list = []
        self.tags: dict[int, list[str]] = {}
        self._row_of: dict[int, int] = {}

    def set_spans(self, text: str, spans: list, tags: dict[int, list[str]]) -> None:
        self.beginResetModel()
        self.text, self.spans, self.tags = text, spans, tags
        self._row_of = {span.id: i for i, span in enumerate(spans)}
        self.endResetModel()

    def row_of(self, span_id: int | None) -> int | None:
        return self._row_of.get(span_id)

    def span_at(self, index: _Index):
        return self.spans[index.row()] if index.isValid() and index.row() < len(self.spans) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.spans)



def origin_text(origin: str, owner: str | None) -> str:
    """Who made a span, for the Origin column: "model" (the pre-extraction, untouched) or "person · NAME" (made
    or changed by NAME, the annotator whose set is shown; "person" when that is not known)."""
    if str(origin) == "model":
        return "model"
    return f"person · {owner}" if owner and owner != "model" else "person"


class EntityTableModel(SpanTableModel):
    """Rows: the entities of the shown set in text order: text, label, tags, origin (model / person · name)."""

    HEADERS = ("Text", "Label", "Tags", "Origin")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.colors: dict[str, str] = {}
        self.owner: str | None = None  # whose set is shown (the Origin column names them)

    @property
    def entities(self) -> list[Entity]:
        return self.spans

    def set_entities(self, text: str, entities: list[Entity], tags: dict[int, list[str]]) -> None:
        self.set_spans(text, entities, tags)

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        e = self.span_at(index)
        if e is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return _short(self.text[e.start : e.end], 60)
            if column == 1:
                return shown(e.label, SHOWN_CHARACTERS)  # long names elided, whole in the tooltip (issue 17)
            if column == 3:
                return origin_text(e.origin, self.owner)
            return ", ".join(shown(t, SHOWN_CHARACTERS) for t in self.tags.get(e.id, []))
        if role == Qt.ItemDataRole.DecorationRole and column == 1 and e.label in self.colors:
            return QColor(self.colors[e.label])
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and edge_note(self.text, e.start, e.end):
            return QBrush(readable("#c2410c"))
        if role == Qt.ItemDataRole.ToolTipRole:
            note = edge_note(self.text, e.start, e.end)
            note = f"\n⚠ {note}" if note else ""
            tags = self.tags.get(e.id, [])
            tagged = f"\ntags: {', '.join(tags)}" if tags else ""
            return name_tooltip(f"{e.label} [{e.start}, {e.end}) {e.origin}{note}{tagged}")
        if role == Qt.ItemDataRole.UserRole:
            return e.id
        return None


class QuoteTableModel(SpanTableModel):
    """Rows: "speaker — cue — content", type, tags."""

    HEADERS = ("Speaker — cue — content", "Type", "Tags")

    @property
    def quotes(self) -> list[Quote]:
        return self.spans

    def set_quotes(self, text: str, quotes: list[Quote], tags: dict[int, list[str]]) -> None:
        self.set_spans(text, quotes, tags)

    def summary(self, q: Quote) -> str:
        speaker = q.speaker.text_of(self.text) if q.speaker else "?"
        if q.speaker_name and q.speaker_name != speaker:
            speaker = f"{speaker} ({q.speaker_name})"
        cue = q.cue.text_of(self.text) if q.cue else "?"
        return f"{_short(speaker, 30)} — {_short(cue, 20)} — “{_short(self.text[q.start:q.end], 80)}”"

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole):
        q = self.span_at(index)
        if q is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.summary(q), str(q.type), ", ".join(self.tags.get(q.id, [])))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain(_short(self.text[q.start : q.end], 400))
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0 and (q.speaker is None or q.cue is None):
            return QBrush(readable("#c2410c"))
        if role == Qt.ItemDataRole.UserRole:
            return q.id
        return None


class SpanTableView(QTableView):
    """A compact table whose current row follows the article view; emits the id of a picked row."""

    picked = Signal(int)

    def __init__(self, model: QAbstractTableModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, 80)
        self.setWordWrap(False)
        self.activated.connect(self._emit)
        self.clicked.connect(self._emit)

    def _emit(self, index: QModelIndex) -> None:
        span_id = index.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole)
        if span_id is not None:
            self.picked.emit(span_id)

    def keyPressEvent(self, event) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self._emit(self.currentIndex())

    def show_row(self, row: int | None) -> None:
        if row is None:
            self.clearSelection()
            return
        index = self.model().index(row, 0)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.scrollTo(index)


class TagsPanel(QWidget):
    """Checkable tag lists: the document's tags, and the selected entity's or quote's tags."""

    toggled = Signal(str, object, str, bool)  # target kind, target id, tag, present
    edit_tag_set = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.document_list = QListWidget()
        self.span_list = QListWidget()
        for listing in (self.document_list, self.span_list):  # elided at the dock's edge (attack 15b #14)
            elide_rows(listing)
        self.span_title = QLabel("Select an entity or quote to tag it")
        self.span_title.setTextFormat(Qt.TextFormat.RichText)  # bold heading; the target is escaped
        self.span_title.setWordWrap(True)
        edit = QPushButton("Edit tag set…")
        edit.clicked.connect(self.edit_tag_set)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(QLabel("<b>Document tags</b>"))
        layout.addWidget(self.document_list)
        layout.addWidget(self.span_title)
        layout.addWidget(self.span_list)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(edit)
        layout.addLayout(row)
        self._target: tuple[TargetKind, int | None] | None = None
        self._filling = False
        self.document_list.itemChanged.connect(lambda item: self._changed(item, TargetKind.DOCUMENT, None))
        self.span_list.itemChanged.connect(lambda item: self._changed(item, *(self._target or (None, None))))

    def _fill(self, widget: QListWidget, tags: list[str], checked: set[str], enabled: bool) -> None:
        self._filling = True
        widget.clear()
        for tag in sorted(set(tags) | checked):
            item = QListWidgetItem(shown(tag, SHOWN_CHARACTERS))  # long names elided, whole in the tooltip
            item.setData(Qt.ItemDataRole.UserRole, tag)
            item.setToolTip(name_tooltip(tag))
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if tag in checked else Qt.CheckState.Unchecked)
            widget.addItem(item)
        widget.setEnabled(enabled)
        self._filling = False

    def show_tags(self, *, document_set: list[str], document_tags: list[str], span_set: list[str],
                  target: tuple[TargetKind, int] | None, target_title: str, span_tags: list[str]) -> None:
        self._fill(self.document_list, document_set, set(document_tags), True)
        self._target = target
        self.span_title.setText(f"<b>Tags of</b> {escape(shown(target_title, 60))}" if target
                                else "Select an entity or quote to tag it")
        self.span_title.setToolTip(name_tooltip(target_title) if target else "")
        self._fill(self.span_list, span_set, set(span_tags), target is not None)

    def _changed(self, item: QListWidgetItem, kind, target_id) -> None:
        if self._filling or kind is None:
            return
        self.toggled.emit(TargetKind(kind).value, target_id, item.data(Qt.ItemDataRole.UserRole),
                          item.checkState() == Qt.CheckState.Checked)
