"""Another version of the shown document (a teammate's set or the model's pre-extraction) drawn over your own in
the article, with the differences marked (View → Compare with…), as INCEpTION's curation view and brat's
comparison show them:

- a span only in theirs: a dashed outline in the "theirs" colour, their label in a small pill above it;
- a span only in yours: a solid outline in the "yours" colour;
- the same span with another label: both labels, "yours ≠ theirs", in a pill above it.

Their spans live in their own `SpanIndex` (built once when the comparison starts, milliseconds for 10,000 spans);
each paint asks both indexes for the visible Qt range only, so per-paint work follows what is on screen, never the
document. Entities and quotes are compared by exact range (entities also by label).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from annotator.core.model import AnnotationSet
from annotator.core.names import shown as shown_name
from annotator.gui.article_view import PILL_CHARACTERS
from annotator.gui.offsets import OffsetMap
from annotator.gui.span_index import SpanIndex

THEIRS_ONLY, MINE_ONLY, LABEL_DIFFERS = "theirs only", "yours only", "label differs"


@dataclass(frozen=True, slots=True)
class Difference:
    """One marked difference, in Qt positions. `kind` is THEIRS_ONLY, MINE_ONLY or LABEL_DIFFERS; `what` is
    "entity" or "quote"; labels are None for quotes."""

    kind: str
    what: str
    start: int
    end: int
    mine: str | None
    theirs: str | None


def overlay_colors(dark: bool) -> tuple[QColor, QColor]:
    """(theirs, yours): purple and teal, each readable on the light and the dark base (contrast >= 4.5:1
    against #ffffff / #1e1e1e, and distinct from the quote green, speaker blue and cue orange)."""
    if dark:
        return QColor("#e0a3ff"), QColor("#4fe0c8")
    return QColor("#7b1fa2"), QColor("#00796b")


class VersionOverlay:
    """`name`'s version of the document over the shown one. `aset` None: they have no set (nothing to draw,
    everything of yours is "yours only")."""

    def __init__(self, name: str, aset: AnnotationSet | None, offsets: OffsetMap):
        self.name = name
        self.index = SpanIndex(offsets)
        self.index.reset(list(aset.entities) if aset else [], list(aset.quotes) if aset else [])
        self._entity_at = {(s.start, s.end): s for s in self.index.entities.ordered()}
        self._quote_at = {(s.start, s.end) for s in self.index.quotes.ordered()}
        self.pills: list[tuple[QRectF, str]] = []
        self.ties: list[tuple] = []

    def differences(self, own: SpanIndex, start: int, end: int) -> list[Difference]:
        """The differences touching the Qt range [start, end) (pass the whole text for a count)."""
        found: list[Difference] = []
        mine_at = {(s.start, s.end): s for s in own.entities.in_range(start, end)}
        for theirs in self.index.entities.in_range(start, end):
            mine = mine_at.get((theirs.start, theirs.end))
            if mine is None:
                found.append(Difference(THEIRS_ONLY, "entity", theirs.start, theirs.end, None, theirs.label))
            elif mine.label != theirs.label:
                found.append(Difference(LABEL_DIFFERS, "entity", theirs.start, theirs.end, mine.label, theirs.label))
        for key, mine in mine_at.items():
            if key not in self._entity_at:
                found.append(Difference(MINE_ONLY, "entity", mine.start, mine.end, mine.label, None))
        my_quotes = {(q.start, q.end) for q in own.quotes.in_range(start, end)}
        for q in self.index.quotes.in_range(start, end):
            if (q.start, q.end) not in my_quotes:
                found.append(Difference(THEIRS_ONLY, "quote", q.start, q.end, None, None))
        for key in my_quotes - self._quote_at:
            found.append(Difference(MINE_ONLY, "quote", *key, None, None))
        return found

    def summary(self, own: SpanIndex, length: int) -> str:
        """One line for the status bar: the counts over the whole document (run once per comparison, not per paint)."""
        kinds = [d.kind for d in self.differences(own, 0, length + 1)]
        return (f"Comparing with {self.name}: {kinds.count(THEIRS_ONLY)} only theirs (dashed), "
                f"{kinds.count(MINE_ONLY)} only yours (solid), {kinds.count(LABEL_DIFFERS)} label differs")

    def paint(self, painter: QPainter, view, start: int, end: int) -> None:
        """Draw the differences of the visible Qt range [start, end) on `view` (an ArticleView), after the text."""
        theirs_color, mine_color = overlay_colors(view.scheme.dark)
        font = view._label_font
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        taken = [rect for rect, _label in view.pill_rects]  # the label pills painted just before
        self.pills: list[tuple[QRectF, str]] = []  # (pill, text) as last painted: tests
        self.ties: list[tuple] = []  # dotted lines from a displaced pill to its span
        for d in self.differences(view.index, start, end):
            rects = view.range_rects(d.start, d.end)
            if not rects:
                continue
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if d.kind == MINE_ONLY:
                painter.setPen(QPen(mine_color, 2.0, Qt.PenStyle.SolidLine))
                for r in rects:
                    painter.drawRoundedRect(r.adjusted(-2, -2, 2, 2), 3, 3)
                continue
            pen = QPen(theirs_color, 1.6, Qt.PenStyle.DashLine)
            if d.kind == THEIRS_ONLY:
                # outside the solid "yours" outline (drawn 2 px out): where their span overlaps one of yours
                # ("Angela Merkel" over your "Angela"), both outlines show in full (attack 15b #7)
                painter.setPen(pen)
                for r in rects:
                    painter.drawRoundedRect(r.adjusted(-4, -4, 4, 3), 4, 4)
            # their label; for a label that differs, "≠ theirs" next to your own label pill reads "PERSON ≠ ORG"
            text = d.theirs if d.kind == THEIRS_ONLY else f"≠ {d.theirs}"
            if not text:
                continue  # a quote: the outline says it
            # a long name elided as your own pills are (attack 15b #9: theirs was drawn at full width)
            text = metrics.elidedText(shown_name(text), Qt.TextElideMode.ElideRight,
                                      metrics.averageCharWidth() * PILL_CHARACTERS)
            pill = overlay_pill_rect(rects[0], metrics.horizontalAdvance(text) + 6, metrics.height(), taken,
                                     view.viewport().rect())
            # No wider than the room before the next span on the line: elided, it stays under its own span
            # instead of pushing the next pill under the wrong word (attack 15b #7).
            row = min((y for y in getattr(view, "pill_slots", {}) if abs(y - pill.top()) < 2), default=None,
                      key=lambda y: abs(y - pill.top()))
            limit = min((x for x in view.pill_slots.get(row, ()) if x > rects[0].left() + 1), default=None) \
                if row is not None else None
            shortest = metrics.horizontalAdvance("XX…") + 6
            if limit is not None and pill.right() > limit - 2 and limit - 2 - pill.left() >= shortest:
                full = shown_name(d.theirs if d.kind == THEIRS_ONLY else f"≠ {d.theirs}")
                text = metrics.elidedText(full, Qt.TextElideMode.ElideRight, limit - 2 - pill.left() - 6)
                pill.setWidth(metrics.horizontalAdvance(text) + 6)
            taken.append(pill)
            self.pills.append((pill, text))
            first = rects[0]
            if pill.left() > first.right() - 2 or pill.right() < first.left() + 2:
                # pushed away from its span by other pills: a thin line under the text ties it to its span
                y = first.bottom() + 1.5
                tie = (QPointF(first.center().x(), y), QPointF(pill.center().x(), y), QPointF(pill.center().x(), pill.top()))
                painter.setPen(QPen(theirs_color, 1.0, Qt.PenStyle.DotLine))
                painter.drawPolyline(list(tie))
                self.ties.append(tie)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theirs_color)
            painter.drawRoundedRect(pill, 3, 3)
            painter.setPen(view.scheme.base)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
            painter.setBrush(Qt.BrushStyle.NoBrush)


def overlay_pill_rect(span: QRectF, width: float, height: float, taken: list[QRectF], viewport) -> QRectF:
    """Where a difference's pill goes: in the span's own pill row (under its first line, where the label pills
    are), pushed right past the pills already there — or, with no room left before the right edge, pushed left
    of them — and kept inside the viewport. Above the span it sat in the previous line's pill row, and for the
    first line above the viewport, out of reach (issue 15, attack #5)."""
    y = max(float(viewport.top()), min(span.bottom() + 3, viewport.bottom() - height))
    row = [o for o in taken if abs(o.top() - y) < height]

    def hits(x: float) -> QRectF | None:
        return next((o for o in row if o.left() - 2 < x + width and x < o.right() + 2), None)

    x = span.left()
    while (other := hits(x)) is not None:
        x = other.right() + 3
    if x + width > viewport.right() - 2:  # no room on the right: leftwards from the span instead
        x = min(span.left(), viewport.right() - width - 2)
        while (other := hits(x)) is not None and x > viewport.left():
            x = other.left() - width - 3
    return QRectF(max(float(viewport.left()), x), y, width, height)


NO_COMPARISON = "(none: stop comparing)"


def comparison_choices(annotators_of_document: list[str], me: str) -> list[str]:
    """What "Compare with…" offers: only versions that exist on the document — the model first (if it
    pre-annotated it), then the teammates with a set on it — then "none" (attack 15 #4: offering someone with
    nothing here would mark every span of yours as a difference)."""
    from annotator.core.model import MODEL_ANNOTATOR

    others = [a for a in annotators_of_document if a not in (me, MODEL_ANNOTATOR)]
    model = [MODEL_ANNOTATOR] if MODEL_ANNOTATOR in annotators_of_document else []
    return [*model, *others, NO_COMPARISON]
