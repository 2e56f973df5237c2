"""The article with its entities and quotes painted over it.

A read-only QTextEdit shows the text once per document; nothing in the QTextDocument changes on an edit.
Entities, quotes, speakers and cues are painted in `paintEvent` for the visible lines only (found by bisect in a
`SpanIndex`), so showing a long article costs one `setPlainText`, an edit costs an index update plus one
viewport repaint, and scrolling never re-highlights anything. Lines get extra spacing (a block format) so the
label names fit under their spans. The view only shows and reports clicks: it never edits, so the review mode
can reuse it on any AnnotationSet.

The one edit-like gesture: dragging an edge of the selected entity (or quote) shows the new range while the
mouse moves (in the index only) and, on release, puts the stored span back and emits `span_resized`; the window
turns that into ONE undoable command and the stored result comes back through the usual refresh.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QMenu, QTextEdit, QToolTip, QWidget

from annotator.core.model import AnnotationSet, Entity, Quote
from annotator.core.names import shown as shown_name
from annotator.core.spans import has_blank_edge
from annotator.gui.colors import Scheme
from annotator.gui.offsets import OffsetMap
from annotator.gui.quote_links import paint_links, paint_role_labels
from annotator.gui.plain import name_tooltip
from annotator.gui.snapping import cuts_a_word, snap_edge
from annotator.gui.span_index import EntitySpan, QuoteSpan, SpanIndex

PILL_CHARACTERS = 24
"""A label pill is at most about this many average characters wide; a longer name is elided (issue 17)."""

MARGIN = 18  # left margin where quote bars are drawn
EDGE_GRAB = 4  # pixels either side of a selected span's edge that grab it for resizing


@dataclass(slots=True)
class EdgeDrag:
    """A boundary being dragged: which span, which edge, the span as stored, and the range shown so far."""

    kind: str  # "entity" or "quote"
    id: int
    edge: str  # "start" or "end"
    original: Entity | Quote
    start: int  # code points
    end: int


class ArticleView(QTextEdit):
    """Shows one text with one annotator's entities and quotes; reports clicks and hovering."""

    entity_clicked = Signal(object)  # entity id, or None when the click hit no entity
    quote_clicked = Signal(object)  # quote id, or None
    selection_changed_range = Signal()
    span_resized = Signal(str, int, int, int)  # "entity" | "quote", id, new start, new end (code points)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        self.viewport().setMouseTracking(True)
        self.setObjectName("articleView")
        self.pill_rects: list[tuple[QRectF, str]] = []  # (pill, full label) as last painted: tooltips, tests
        self.pill_slots: dict[int, list[float]] = {}  # pill row y -> x where spans start (as last painted)
        self.offsets = OffsetMap("")
        self.index = SpanIndex(self.offsets)
        self.overlay = None  # a VersionOverlay (View → Compare with…), drawn over the shown set
        self.labels: dict[str, str] = {}
        self.scheme = Scheme(self.palette(), {})
        self.selected_entity_id: int | None = None
        self.selected_quote_id: int | None = None
        self.hovered_quote_id: int | None = None
        self.boilerplate: list[tuple[int, int]] = []  # code-point ranges shown dimmed
        self.context_actions: list = []  # QActions (None = separator) the window puts in the context menu
        self._label_font = QFont(self.font())
        self._label_font.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.68))
        self._label_font.setBold(True)
        self._press_pos: QPoint | None = None
        self.resizable = False  # edges of the selected span can be dragged (the annotation window turns this on)
        self.snapping = True  # dragged edges land on word boundaries (the window keeps this in step with its action)
        self.drag: EdgeDrag | None = None
        self._cursor_before_edge: Qt.CursorShape | None = None
        self.selectionChanged.connect(self.selection_changed_range)
        self._bidi_blocks: dict[int, bool] = {}

    # -- content ---------------------------------------------------------------------------------------------

    def set_labels(self, labels: dict[str, str]) -> None:
        self.labels = dict(labels)
        self.scheme = Scheme(self.palette(), self.labels)
        self.viewport().update()

    def show_text(self, text: str, entities: list[Entity] = (), quotes: list[Quote] = (),
                  boilerplate: list[tuple[int, int]] = ()) -> None:
        """Show a new text (one setPlainText) with these spans; clears selections. `boilerplate` ranges (code
        points: navigation, player residue, share lines, repeated headlines) are shown dimmed."""
        self.offsets = OffsetMap(text)
        self.index = SpanIndex(self.offsets)
        self.index.reset(list(entities), list(quotes))
        self.overlay = None  # a comparison belongs to one text; the window puts it back (compare_with)
        self.selected_entity_id = self.selected_quote_id = self.hovered_quote_id = None
        self.drag = None
        self.link_paths = []  # the arcs of the last paint (quote_links.py)
        self.link_label_rects = []  # and their role names' boxes
        self._bidi_blocks: dict[int, bool] = {}  # block number -> holds right-to-left text (range_rects)
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setPlainText(self.offsets.display_text)
        cursor = QTextCursor(doc)
        cursor.select(QTextCursor.SelectionType.Document)
        spacing = QTextBlockFormat()
        spacing.setLineHeight(QFontMetricsF(self._label_font).height() + 5, QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value)
        spacing.setBottomMargin(4)
        cursor.mergeBlockFormat(spacing)
        self.boilerplate = [(a, b) for a, b in boilerplate]
        if self.boilerplate:
            dim = QTextCharFormat()
            dim.setForeground(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            dim.setFontItalic(True)
            for a, b in self.boilerplate:
                qa, qb = self.offsets.range_to_qt(a, b)
                cursor.setPosition(qa)
                cursor.setPosition(qb, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(dim)
        frame = doc.rootFrame().frameFormat()
        frame.setLeftMargin(MARGIN)
        doc.rootFrame().setFrameFormat(frame)
        old = self.document()
        ours = old.parent() is self  # made here by an earlier show_text (Qt's first one belongs to its control)
        self.setDocument(doc)  # deletes only a document owned by the internal control, never ours
        if ours:
            # Without this every open kept the previous text with its whole layout as a child of the view
            # (~31 MB for a 100,000-word article, ~150 KB for a seed article). Deleted now, as Qt deletes its
            # own: a deleteLater would wait for the event loop, and a loop of opens may never return to it.
            shiboken6.delete(old)
        self.viewport().update()
        self._layout_next = doc.begin()
        QTimer.singleShot(0, self._layout_ahead)

    LAYOUT_SLICE_S = 0.010
    LAYOUT_STEP_BLOCKS = 16
    LAYOUT_PAUSE_MS = 4

    def _layout_ahead(self) -> None:
        """Lay the rest of a long text out in slices of ~10 ms between events, right after it is shown. Qt lays
        text out lazily; a first jump far down a 100,000-word article would otherwise stall on laying out
        everything above it (~80 ms) in the middle of a scroll. Highlights are not touched here."""
        block = self._layout_next
        if not block.isValid() or block.document() is not self.document():
            return
        layout = self.document().documentLayout()
        deadline = time.perf_counter() + self.LAYOUT_SLICE_S
        while block.isValid() and time.perf_counter() < deadline:
            for _ in range(self.LAYOUT_STEP_BLOCKS):
                if not block.next().isValid():
                    break
                block = block.next()
            layout.blockBoundingRect(block)  # lays out every block up to this one
            if not block.next().isValid():
                block = block.next()
        self._layout_next = block
        if block.isValid():  # a short pause, so input and paint events run between slices
            QTimer.singleShot(self.LAYOUT_PAUSE_MS, self._layout_ahead)

    def show_annotation_set(self, text: str, aset: AnnotationSet | None,
                            boilerplate: list[tuple[int, int]] = ()) -> None:
        """Show a text with a given annotator's set (read-only use, e.g. review), boilerplate lines dimmed."""
        self.show_text(text, aset.entities if aset else [], aset.quotes if aset else [], boilerplate)

    def replace_spans(self, entities: list[Entity], quotes: list[Quote]) -> None:
        """Show other spans over the same text (no re-layout: the index only, milliseconds for 10,000 spans)."""
        self.index.reset(list(entities), list(quotes))
        self.selected_entity_id = self.selected_quote_id = self.hovered_quote_id = None
        self.viewport().update()

    def put_entity(self, entity: Entity) -> None:
        self.index.put_entity(entity)
        self.viewport().update()

    def remove_entity(self, entity_id: int) -> None:
        self.index.entities.remove(entity_id)
        if self.selected_entity_id == entity_id:
            self.selected_entity_id = None
        self.viewport().update()

    def put_quote(self, quote: Quote) -> None:
        self.index.put_quote(quote)
        self.viewport().update()

    def remove_quote(self, quote_id: int) -> None:
        self.index.quotes.remove(quote_id)
        if self.selected_quote_id == quote_id:
            self.selected_quote_id = None
        self.viewport().update()

    # -- selection -------------------------------------------------------------------------------------------

    def select_entity(self, entity_id: int | None, *, scroll: bool = False) -> None:
        self.selected_entity_id = entity_id if entity_id in self.index.entities.by_id else None
        if scroll and self.selected_entity_id is not None:
            self.scroll_to_qt(self.index.entities.by_id[entity_id].start)
        self.viewport().update()

    def select_quote(self, quote_id: int | None, *, scroll: bool = False) -> None:
        self.selected_quote_id = quote_id if quote_id in self.index.quotes.by_id else None
        if scroll and self.selected_quote_id is not None:
            self.scroll_to_qt(self.index.quotes.by_id[quote_id].start)
        self.viewport().update()

    def selected_range(self) -> tuple[int, int] | None:
        """The text selection in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.offsets.range_from_qt(cursor.selectionStart(), cursor.selectionEnd())

    def select_range(self, start: int, end: int) -> None:
        """Select [start, end) (code points) as text, as a mouse drag would."""
        qs, qe = self.offsets.range_to_qt(start, end)
        cursor = QTextCursor(self.document())
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_text_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def scroll_to(self, position: int) -> None:
        self.scroll_to_qt(self.offsets.to_qt(position))

    def scroll_to_qt(self, qt_position: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(qt_position, self.document().characterCount() - 1))
        rect = self.cursorRect(cursor)
        bar = self.verticalScrollBar()
        if rect.top() < 0 or rect.bottom() > self.viewport().height():
            bar.setValue(bar.value() + rect.top() - self.viewport().height() // 3)

    # -- geometry --------------------------------------------------------------------------------------------

    def _offset(self) -> QPointF:
        return QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())

    def visible_qt_range(self, rect=None) -> tuple[int, int]:
        rect = rect or self.viewport().rect()
        layout = self.document().documentLayout()
        offset = self._offset()
        top_y = rect.top() - offset.y()
        top = layout.hitTest(QPointF(0, rect.top()) - offset, Qt.HitTestAccuracy.FuzzyHit)
        start = self.document().findBlock(max(top, 0)).position()
        if layout.blockBoundingRect(self.document().findBlock(start)).top() > top_y + 1:
            start = self._block_at_y(top_y).position()  # hitTest is wrong while Qt lays a long text out (issue 15)
        # Walk blocks down to the bottom edge instead of hit-testing it: on a long article hitTest below the part
        # laid out so far answers the document's END, and a repaint then looked up every span (benchmarks/
        # bench_long_article.py: 11,000 spans and ~300 ms for one scroll step).
        bottom_y = rect.bottom() - offset.y()
        block = self.document().findBlock(start)
        while block.isValid() and layout.blockBoundingRect(block).top() <= bottom_y:
            block = block.next()
        end = block.position() if block.isValid() else self.document().characterCount()
        return start, end

    def _block_at_y(self, y: float):
        """The last block whose top is at or above document y. Galloping search from the first block (probe blocks
        1, 2, 4, 8, … then bisect between the last two probes): each probe lays the text out up to that block, as
        Qt would to paint it, so the work is bounded by about twice the distance to y. A plain bisection probed
        the middle block first and laid out half the document: 6.4 s for the first paint of a 50 MB article
        (benchmarks/bench_ingest.py), with the view at its top."""
        doc, layout = self.document(), self.document().documentLayout()
        last = doc.blockCount() - 1

        def top_of(number: int) -> float:
            return layout.blockBoundingRect(doc.findBlockByNumber(number)).top()

        lo, step = 0, 1
        while lo + step <= last and top_of(lo + step) <= y:
            lo += step
            step *= 2
        hi = min(lo + step, last + 1) - 1  # the block at lo + step (if any) starts below y
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if top_of(mid) <= y:
                lo = mid
            else:
                hi = mid - 1
        return doc.findBlockByNumber(lo)

    def range_rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles covering the Qt range [start, end): the text height only, one per line — or, on a
        line with right-to-left text (Arabic, Hebrew, …), one per visual run, since a logical range there can be
        drawn in several pieces and its start may lie to the right of its end (issue 15, attack #2)."""
        doc = self.document()
        offset = self._offset()
        rects: list[QRectF] = []
        block = doc.findBlock(start)
        while block.isValid() and block.position() < end:
            layout = block.layout()
            origin = layout.position() + offset
            base = block.position()
            a, b = max(start, base) - base, min(end, base + block.length() - 1) - base
            bidi = self._is_bidi(block)
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                ls, le = line.textStart(), line.textStart() + line.textLength()
                if le <= a or ls >= b:
                    continue
                top, height = origin.y() + line.y(), line.ascent() + line.descent()
                if bidi:
                    for x1, x2 in visual_runs(line, max(a, ls), min(b, le)):
                        rects.append(QRectF(origin.x() + x1, top, x2 - x1, height))
                    continue
                x1 = _x(line.cursorToX(max(a, ls)))
                x2 = _x(line.cursorToX(min(b, le)))
                if x2 <= x1:
                    continue
                rects.append(QRectF(origin.x() + x1, top, x2 - x1, height))
            block = block.next()
        return rects

    def _is_bidi(self, block) -> bool:
        """Whether a block holds right-to-left characters (then `range_rects` asks Qt for the visual runs; a
        left-to-right block keeps the cheaper cursorToX). Remembered per block: the text never changes."""
        number = block.blockNumber()
        known = self._bidi_blocks.get(number)
        if known is None:
            known = self._bidi_blocks[number] = bool(_RTL.search(block.text()))
        return known

    def viewportEvent(self, event) -> bool:
        """A label pill's tooltip is the label's full name (pills show long names elided; issue 17)."""
        if event.type() == QEvent.Type.ToolTip:
            label = self.label_at_point(event.pos())
            if label is not None:
                QToolTip.showText(event.globalPos(), name_tooltip(label), self.viewport())
                return True
        return super().viewportEvent(event)

    def label_at_point(self, point: QPoint) -> str | None:
        """The full label of the pill at `point` (viewport coordinates), as last painted, or None."""
        for rect, label in reversed(getattr(self, "pill_rects", [])):
            if rect.contains(QPointF(point)):
                return label
        return None

    def entity_at_point(self, point: QPoint) -> EntitySpan | None:
        pos = self.document().documentLayout().hitTest(QPointF(point) - self._offset(), Qt.HitTestAccuracy.FuzzyHit)
        for span in self.index.entities.in_range(max(0, pos - 1), pos + 1):
            if any(r.adjusted(-1, -1, 1, 1).contains(QPointF(point)) for r in self.range_rects(span.start, span.end)):
                return span
        return None

    def quote_at_point(self, point: QPoint) -> QuoteSpan | None:
        pos = self.document().documentLayout().hitTest(QPointF(point) - self._offset(), Qt.HitTestAccuracy.FuzzyHit)
        for span in self.index.quotes.in_range(max(0, pos - 1), pos + 1):
            if any(r.adjusted(-1, -2, 1, 4).contains(QPointF(point)) for r in self.range_rects(span.start, span.end)):
                return span
        return None

    def highlight_ranges(self) -> list[tuple[int, int, str]]:
        """What is highlighted, as (Qt start, Qt end, label) — for tests and the benchmark."""
        return [(s.start, s.end, s.label) for s in self.index.entities.ordered()]

    def qt_text(self, qt_start: int, qt_end: int) -> str:
        """The shown text of a Qt range (paragraph separators as '\\n')."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(qt_start)
        cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n")

    # -- painting --------------------------------------------------------------------------------------------

    def changeEvent(self, event) -> None:  # follow palette changes (dark mode switch)
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self.scheme = Scheme(self.palette(), self.labels)

    def paintEvent(self, event: QPaintEvent) -> None:
        start, end = self.visible_qt_range(event.rect())
        quotes = self.index.quotes.in_range(start, end)
        entities = self.index.entities.in_range(start, end)
        active = self._active_quote()
        # Blocks Qt has not laid out yet (a long text shown the first time, a width change) have no lines, so no
        # highlight rectangles; the text paint below lays them out, and one more paint then shows the highlights
        # (issue 15: they stayed away until a scroll or a click). Checked on the visible blocks only.
        if (entities or quotes) and self._unlaid_block(start, end):
            QTimer.singleShot(0, self.viewport().update)
        rects = {e.id: self.range_rects(e.start, e.end) for e in entities}  # computed once per paint
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_quotes(painter, quotes, active)
        self._paint_entities(painter, entities, rects)
        links = self._paint_link_lines(painter, active)  # under the text (attack 15 #12)
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_roles(painter, quotes, active, start, end)
        self._paint_labels(painter, entities, rects, start, end)
        if links:
            self.link_label_rects = paint_role_labels(painter, links, self._label_font, self.scheme.base,
                                                      [rect for rect, _ in self.pill_rects], QRectF(self.viewport().rect()))
        if self.overlay is not None:  # another version's differences, visible range only (version_overlay.py)
            self.overlay.paint(painter, self, start, end)
        painter.end()

    def _paint_link_lines(self, painter: QPainter, active: QuoteSpan | None) -> list:
        """The active quote's links to its speaker and cue (quote_links.py), drawn before the text; returns
        (role name, role rectangles, colour) of the links drawn, for their names, painted after the text."""
        self.link_paths, self.link_label_rects = [], []
        if active is None:
            return []
        s = self.scheme
        roles = [("speaker", self.range_rects(*active.speaker) if active.speaker else [], s.speaker, Qt.PenStyle.SolidLine),
                 ("cue", self.range_rects(*active.cue) if active.cue else [], s.cue, Qt.PenStyle.DashLine)]
        roles = [r for r in roles if r[1]]
        quote_rects = self.range_rects(active.start, active.end)
        drawn = []
        for role in roles:
            paths = paint_links(painter, quote_rects, [role], margin_x=MARGIN - 7)
            if paths:
                self.link_paths.extend(paths)
                drawn.append(role[:3])
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return drawn

    def _unlaid_block(self, start: int, end: int) -> bool:
        """Whether a block in the Qt range [start, end) has no laid-out lines yet."""
        block = self.document().findBlock(start)
        while block.isValid() and block.position() < end:
            if block.layout().lineCount() == 0 and block.length() > 1:
                return True
            block = block.next()
        return False

    def _active_quote(self) -> QuoteSpan | None:
        for quote_id in (self.hovered_quote_id, self.selected_quote_id):
            if quote_id is not None and quote_id in self.index.quotes.by_id:
                return self.index.quotes.by_id[quote_id]
        return None

    def _paint_quotes(self, painter: QPainter, quotes: list[QuoteSpan], active: QuoteSpan | None) -> None:
        s = self.scheme
        for q in quotes:
            is_active = active is not None and q.id == active.id or q.id == self.selected_quote_id
            band = s.quote_band_active if is_active else s.quote_band
            for r in self.range_rects(q.start, q.end):
                painter.fillRect(r.adjusted(0, -1, 0, 1), band)
                painter.fillRect(QRectF(r.left(), r.bottom() + 1, r.width(), 2), s.quote)
                painter.fillRect(QRectF(4, r.top(), 4 if is_active else 3, r.height() + 2), s.quote)

    def _paint_entities(self, painter: QPainter, entities: list[EntitySpan], rects: dict) -> None:
        s = self.scheme
        painter.setPen(Qt.PenStyle.NoPen)
        for e in entities:
            painter.setBrush(s.entity_background(e.label))
            for r in rects[e.id]:
                painter.drawRoundedRect(r.adjusted(-1, 0, 1, 0), 3, 3)

    def _paint_roles(self, painter: QPainter, quotes: list[QuoteSpan], active: QuoteSpan | None, start: int, end: int) -> None:
        """Speakers (solid box) and cues (dashed box) of the visible quotes, bold for the active quote;
        the selected entity gets an outline."""
        s = self.scheme
        painter.setBrush(Qt.BrushStyle.NoBrush)
        shown = {q.id: q for q in quotes}
        if active is not None:
            shown[active.id] = active  # its speaker may be outside the quote, on screen
        for q in shown.values():
            strong = active is not None and q.id == active.id
            for role, color, style in ((q.speaker, s.speaker, Qt.PenStyle.SolidLine), (q.cue, s.cue, Qt.PenStyle.DashLine)):
                if role is None or role[1] <= start or role[0] >= end:
                    continue
                pen = QPen(color, 2.5 if strong else 1.2, style)
                painter.setPen(pen)
                for r in self.range_rects(*role):
                    painter.drawRoundedRect(r.adjusted(-2, -1, 2, 1), 3, 3)
                    if strong:
                        painter.fillRect(r.adjusted(-2, -1, 2, 1), _alpha(color, 40))
        if self.selected_entity_id in self.index.entities.by_id:
            e = self.index.entities.by_id[self.selected_entity_id]
            painter.setPen(QPen(s.selection_outline, 2))
            for r in self.range_rects(e.start, e.end):
                painter.drawRoundedRect(r.adjusted(-2, -1, 2, 1), 3, 3)

    def _paint_labels(self, painter: QPainter, entities: list[EntitySpan], rects_of: dict, start: int = 0,
                      end: int = 0) -> None:
        """Each entity's label in a small pill under its first line, pushed right if it would cover another.
        A pill is no wider than the room before the next span starting on its line (its own span's "slot"; a
        compared version's spans count too), its name elided to fit: a long pill pushed the following pills
        under the wrong words (attack 15b #7). With a compared version whose label differs, half the slot is
        left for the "≠ theirs" pill."""
        s = self.scheme
        painter.setFont(self._label_font)
        metrics = QFontMetricsF(self._label_font)
        self.pill_rects = []
        slots, differing = self._pill_slots(entities, rects_of, start, end)
        self.pill_slots = slots  # the overlay fits its pills to the same slots
        shortest = metrics.horizontalAdvance("XX…") + 6
        wanted = []  # (y, x, entity, shown name, width): placed per line from left to right below
        for e in entities:
            rects = rects_of[e.id]
            if not rects:
                continue
            r = rects[0]
            # issue 17: a long name is elided (whole in the tooltip), a control character drawn as an escape
            shown = metrics.elidedText(
                shown_name(e.label), Qt.TextElideMode.ElideRight, metrics.averageCharWidth() * PILL_CHARACTERS
            )
            y = round(r.bottom() + 3)
            room = min((x for x in slots.get(y, ()) if x > r.left() + 1), default=None)
            if room is not None:
                room = room - r.left() - 3
                if (e.start, e.end) in differing:
                    room = room / 2
                room = max(room, shortest)
                if metrics.horizontalAdvance(shown) + 6 > room:
                    shown = metrics.elidedText(shown_name(e.label), Qt.TextElideMode.ElideRight, room - 6)
            wanted.append((y, r.left(), e, shown, metrics.horizontalAdvance(shown) + 6))
        # Sorted by line, then by x: in right-to-left text the logical order runs right to left, and pushing
        # each pill right of the logically previous one piled them all at the right edge (issue 15, attack #2).
        wanted.sort(key=lambda w: (w[0], w[1]))
        last_right: dict[int, float] = {}
        for y, left, e, shown, width in wanted:
            x = place_pill(left, last_right.get(y, -1e9), width, self.viewport().width())
            pill = QRectF(x, y, width, metrics.height())
            last_right[y] = pill.right()
            self.pill_rects.append((pill, e.label))
            off_words = cuts_a_word(self.offsets.text, e.entity.start, e.entity.end) or has_blank_edge(
                self.offsets.text, e.entity.start, e.entity.end)
            painter.setPen(QPen(s.cue, 1.5) if off_words else Qt.PenStyle.NoPen)  # flagged: red outline
            painter.setBrush(s.label_color.get(e.label) or s.entity_background(e.label))
            painter.drawRoundedRect(pill, 3, 3)
            painter.setPen(s.tag_text.get(e.label, QColor("#000")))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, shown)

    def _pill_slots(self, entities: list[EntitySpan], rects_of: dict, start: int, end: int):
        """({pill row y: [x where a span starts on that line]}, {(start, end) of own spans whose label differs in
        the compared version}) for the visible range."""
        slots: dict[int, list[float]] = {}
        for e in entities:
            if rects_of.get(e.id):
                r = rects_of[e.id][0]
                slots.setdefault(round(r.bottom() + 3), []).append(r.left())
        differing = set()
        if self.overlay is not None and end > start:
            for d in self.overlay.differences(self.index, start, end):
                if d.kind == "label differs":
                    differing.add((d.start, d.end))
                elif d.theirs is not None and (rects := self.range_rects(d.start, d.end)):
                    slots.setdefault(round(rects[0].bottom() + 3), []).append(rects[0].left())
        return slots, differing

    # -- mouse -----------------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and self.start_edge_drag(self._press_pos):
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if self.drag is not None:
            if event.button() == Qt.MouseButton.LeftButton:
                self.finish_edge_drag()
                self._show_edge_cursor(point)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        dragged = self._press_pos is not None and (point - self._press_pos).manhattanLength() > 3
        if event.button() == Qt.MouseButton.LeftButton and not dragged and not self.textCursor().hasSelection():
            self.click_at(point)

    def click_at(self, point: QPoint) -> None:
        """Select the entity under `point` (keeping the selected quote, so it can get that entity as speaker),
        else the quote under it, else nothing."""
        entity = self.entity_at_point(point)
        if entity is not None:
            self.select_entity(entity.id)
            self.entity_clicked.emit(entity.id)
            return
        quote = self.quote_at_point(point)
        self.select_entity(None)
        self.select_quote(quote.id if quote else None)
        self.entity_clicked.emit(None)
        self.quote_clicked.emit(quote.id if quote else None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if self.drag is not None:
            self.drag_edge_to(point)
            event.accept()
            return
        super().mouseMoveEvent(event)
        if event.buttons():
            return
        self._show_edge_cursor(point)
        quote = self.quote_at_point(point)
        quote_id = quote.id if quote else None
        if quote_id != self.hovered_quote_id:
            self.hovered_quote_id = quote_id
            self.viewport().update()

    # -- resizing by dragging an edge ------------------------------------------------------------------------

    def edge_rects(self, kind: str) -> tuple[QRectF, QRectF] | None:
        """The grab areas of the selected entity's (kind "entity") or quote's start and end edges, or None."""
        span = (self.index.entities.by_id.get(self.selected_entity_id) if kind == "entity"
                else self.index.quotes.by_id.get(self.selected_quote_id))
        rects = self.range_rects(span.start, span.end) if span is not None else []
        if not rects:
            return None
        first, last = rects[0], rects[-1]
        grab = lambda x, r: QRectF(x - EDGE_GRAB, r.top() - 1, 2 * EDGE_GRAB, r.height() + 2)  # noqa: E731
        if self._is_bidi(self.document().findBlock(span.start)) or self._is_bidi(self.document().findBlock(span.end)):
            return self._bidi_edge(span.start, "start") or grab(first.left(), first), \
                self._bidi_edge(span.end, "end") or grab(last.right(), last)
        return grab(first.left(), first), grab(last.right(), last)

    def _bidi_edge(self, qt_position: int, edge: str) -> QRectF | None:
        """The grab area of a span's start (or end) edge where text may run right to left: the side of the
        first (last) character's glyphs that the reading direction starts (ends) at — the right side of a
        Hebrew or Arabic character's box for a start."""
        text = self.offsets.text
        position = self.offsets.from_qt(qt_position)
        at = position if edge == "start" else position - 1
        if not 0 <= at < len(text):
            return None
        rects = self.range_rects(*self.offsets.range_to_qt(at, at + 1))
        if not rects:
            return None
        r = rects[0]
        rtl = unicodedata.bidirectional(text[at]) in ("R", "AL")
        x = (r.right() if rtl else r.left()) if edge == "start" else (r.left() if rtl else r.right())
        return QRectF(x - EDGE_GRAB, r.top() - 1, 2 * EDGE_GRAB, r.height() + 2)

    def edge_at(self, point: QPoint) -> tuple[str, int, str] | None:
        """(kind, id, "start" | "end") of the selected entity's edge under `point`, else the selected quote's."""
        if not self.resizable:
            return None
        p = QPointF(point)
        for kind, span_id in (("entity", self.selected_entity_id), ("quote", self.selected_quote_id)):
            rects = self.edge_rects(kind)
            if rects is None:
                continue
            hits = [(abs(r.center().x() - p.x()), edge) for r, edge in zip(rects, ("start", "end")) if r.contains(p)]
            if hits:
                return kind, span_id, min(hits)[1]
        return None

    def _show_edge_cursor(self, point: QPoint) -> None:
        """A horizontal resize cursor over a grabbable edge; the text cursor elsewhere."""
        on_edge = self.edge_at(point) is not None
        if on_edge and self._cursor_before_edge is None:
            self._cursor_before_edge = self.viewport().cursor().shape()
            self.viewport().setCursor(Qt.CursorShape.SizeHorCursor)
        elif not on_edge and self._cursor_before_edge is not None:
            self.viewport().setCursor(self._cursor_before_edge)
            self._cursor_before_edge = None

    def start_edge_drag(self, point: QPoint) -> bool:
        edge = self.edge_at(point)
        if edge is None:
            return False
        kind, span_id, side = edge
        span = self.index.entities.by_id[span_id].entity if kind == "entity" else self.index.quotes.by_id[span_id].quote
        self.drag = EdgeDrag(kind, span_id, side, span, span.start, span.end)
        return True

    def drag_edge_to(self, point: QPoint) -> None:
        """Show the dragged span reaching `point` (snapped to a word boundary when snapping is on)."""
        d = self.drag
        qt_pos = self.document().documentLayout().hitTest(QPointF(point) - self._offset(), Qt.HitTestAccuracy.FuzzyHit)
        if d is None or qt_pos < 0:
            return
        pos = self.offsets.from_qt(min(qt_pos, self.offsets.qt_length), round_up=d.edge == "end")
        if self.snapping:
            pos = snap_edge(self.offsets.text, pos, edge=d.edge)
        start, end = (pos, d.original.end) if d.edge == "start" else (d.original.start, pos)
        if end <= start or (start, end) == (d.start, d.end):
            return  # an edge never passes the other one
        d.start, d.end = start, end
        self._put_span(d.kind, d.original.with_(start=start, end=end))

    def finish_edge_drag(self) -> None:
        """Put the stored span back and report the new range (if it changed): the edit comes back as a refresh."""
        d, self.drag = self.drag, None
        if d is None:
            return
        self._put_span(d.kind, d.original)
        if (d.start, d.end) != (d.original.start, d.original.end):
            self.span_resized.emit(d.kind, d.id, d.start, d.end)

    def cancel_edge_drag(self) -> None:
        d, self.drag = self.drag, None
        if d is not None:
            self._put_span(d.kind, d.original)

    def _put_span(self, kind: str, span: Entity | Quote) -> None:
        if kind == "entity":
            self.put_entity(span)
        else:
            self.put_quote(span)

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        if self.hovered_quote_id is not None:
            self.hovered_quote_id = None
            self.viewport().update()

    def contextMenuEvent(self, event) -> None:
        if not self.textCursor().hasSelection():
            self.click_at(event.pos())
        menu = QMenu(self)
        for action in self.context_actions:
            if action is None:
                menu.addSeparator()
            elif isinstance(action, QMenu):
                menu.addMenu(action)
            else:
                menu.addAction(action)
        menu.exec(event.globalPos())


_RTL = re.compile("[\u0590-\u08ff\u200f\u202b\u202e\u2067\ufb1d-\ufdff\ufe70-\ufefc"
                  "\U00010800-\U00010fff\U0001e800-\U0001efff]")
"""Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, … and their presentation forms) and the
right-to-left marks/embeddings/isolates: a block holding one is laid out with bidi runs."""


def visual_runs(line, start: int, end: int) -> list[tuple[float, float]]:
    """The x extents (layout coordinates, left < right, sorted) of the glyphs of the block positions
    [start, end) on `line` (a QTextLine), as Qt's bidi algorithm places them: QTextLine.glyphRuns for a range
    gives one run per visual run and font, with the selection-width box of that range. Touching pieces are
    merged, so a word in one direction is one rectangle even where a fallback font (emoji) splits it."""
    pieces = sorted((r.boundingRect().left(), r.boundingRect().right())
                    for r in line.glyphRuns(start, end - start) if r.boundingRect().width() > 0)
    merged: list[tuple[float, float]] = []
    for x1, x2 in pieces:
        if merged and x1 <= merged[-1][1] + 0.5:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x2))
        else:
            merged.append((x1, x2))
    return merged


def _x(result) -> float:
    """QTextLine.cursorToX returns (x, position) in PySide6."""
    return result[0] if isinstance(result, tuple) else result


def place_pill(left: float, previous_right: float, width: float, limit: float) -> float:
    """The x of a label pill `width` wide under a span starting at `left`: right of the previous pill on that
    line, but never past the right edge `limit` (a pill pushed over it was clipped: "CARDI…", issue 15)."""
    return max(0.0, min(max(left, previous_right + 2), limit - width - 2))


def _alpha(color: QColor, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c

