"""Quote → speaker and quote → cue links drawn in the article for the active (selected or hovered) quote, as brat
and INCEpTION draw relation arcs (issue 15): a line from the quote to the speaker's box (solid, speaker colour) and
to the cue's box (dashed, cue colour), each with a small arrowhead and its role's name by the arrow. Only the active
quote's links are drawn, so the cost per paint is constant, not proportional to the document; a speaker off screen
is drawn to the viewport's edge.

Readable over text (attack 15 #12: a vertical line crossed six lines of a paragraph and its "speaker" label sat on
the speaker's name; on short quotes "speaker" and "cue" were drawn on top of each other):

- the lines are painted UNDER the text and translucent, so glyphs stay on top;
- a link between lines leaves the quote in the gap above its line, runs down (or up) the left margin, and comes
  back in the gap above the role's line — it never crosses a line of text; on one line it is a low arc in the gap
  above that line;
- the role names sit in the gap row above the role (or, with no room there, in the row below it), pushed clear of
  the label pills and of each other.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

ARC_RISE = 6.0
"""How far above the line a same-line arc rises (px): inside the gap between this line and the one above."""

LINE_ALPHA = 170
"""Opacity of the link lines (0-255): seen, but the text painted over them stays readable."""


def nearest(rects: list[QRectF], target: QRectF) -> QRectF:
    """The rectangle of `rects` nearest to `target`: on the nearest line first (a role on one of the quote's own
    lines is linked within that line), then the horizontally closest."""
    def distance(r: QRectF) -> tuple[float, float]:
        return abs(r.center().y() - target.center().y()), max(0.0, r.left() - target.right(), target.left() - r.right())
    return min(rects, key=distance)


def link_path(start: QPointF, end: QPointF, rise: float = ARC_RISE) -> QPainterPath:
    """A low cubic arc from `start` to `end` rising `rise` px above the higher of the two (viewport y grows
    down): for a quote and a role on the same line."""
    top = min(start.y(), end.y()) - rise
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x(), top), QPointF(end.x(), top), end)
    return path


def margin_route(source: QRectF, target: QRectF, margin_x: float) -> QPainterPath:
    """A link between lines: from the quote line's top-left corner along the gap above that line to the margin
    at `margin_x`, along the margin to the role's line, then along the gap above it to the role's centre, where it
    turns down onto the box. Corners are rounded a little."""
    gap_source = source.top() - 2
    gap_target = target.top() - 2
    tip = QPointF(target.center().x(), target.top() - 1)
    path = QPainterPath(QPointF(source.left() + 3, source.top()))
    path.lineTo(source.left() + 3, gap_source)
    path.lineTo(margin_x + 3, gap_source)
    path.quadTo(margin_x, gap_source, margin_x, gap_source + (3 if gap_target > gap_source else -3))
    path.lineTo(margin_x, gap_target + (-3 if gap_target > gap_source else 3))
    path.quadTo(margin_x, gap_target, margin_x + 3, gap_target)
    path.lineTo(tip.x(), gap_target)
    path.lineTo(tip)
    return path


def arrowhead(tip: QPointF, size: float = 4.0) -> QPolygonF:
    """A small downward arrowhead ending at `tip` (links come down onto the role's box)."""
    return QPolygonF([tip, QPointF(tip.x() - size, tip.y() - size * 1.2), QPointF(tip.x() + size, tip.y() - size * 1.2)])


def route(quote_rects: list[QRectF], target: QRectF, margin_x: float) -> QPainterPath | None:
    """The path of one link from the quote's nearest line to `target`, or None when the role sits in the quote's
    own line right next to it (its box says enough)."""
    source = nearest(quote_rects, target)
    if abs(source.top() - target.top()) < 2:  # the same line: a low arc in the gap above it
        x = source.right() - 3 if target.center().x() > source.right() else source.left() + 3
        if target.left() - 2 <= x <= target.right() + 2:
            x = source.center().x()
        start, end = QPointF(x, source.top()), QPointF(target.center().x(), target.top() - 1)
        if abs(start.x() - end.x()) < 4:
            return None
        return link_path(start, end)
    return margin_route(source, target, margin_x)


def paint_links(painter: QPainter, quote_rects: list[QRectF], roles: list[tuple[str, list[QRectF], QColor, Qt.PenStyle]],
                margin_x: float = 12.0) -> list[QPainterPath]:
    """Draw (under the text) one link per role (name, its rectangles, colour, pen style) from the nearest quote
    line to the role. Returns the paths drawn, in the order of `roles` (tests read them)."""
    drawn = []
    if not quote_rects:
        return drawn
    for name, rects, color, style in roles:
        if not rects:
            continue
        path = route(quote_rects, rects[0], margin_x)
        if path is None:
            continue
        faint = QColor(color)
        faint.setAlpha(LINE_ALPHA)
        painter.setPen(QPen(faint, 1.6, style))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(faint)
        painter.drawPolygon(arrowhead(path.pointAtPercent(1.0)))
        drawn.append(path)
    return drawn


def place_role_label(target: QRectF, width: float, height: float, taken: list[QRectF], viewport: QRectF) -> QRectF:
    """Where a role's name goes: in the gap row above the role's box (left-aligned with it), else in the row below
    it; pushed right past anything in `taken` (label pills, the other role's name) and kept in the viewport."""
    for y in (target.top() - height - 1, target.bottom() + 3):
        if y < viewport.top() or y + height > viewport.bottom():
            continue
        x = target.left()
        moved = True
        while moved:
            moved = False
            for other in taken:
                if other.top() < y + height and y < other.bottom() and other.left() - 2 < x + width and x < other.right() + 2:
                    x, moved = other.right() + 3, True
        if x + width <= viewport.right():
            return QRectF(x, y, width, height)
    return QRectF(min(target.left(), viewport.right() - width), max(viewport.top(), target.top() - height - 1),
                  width, height)


def paint_role_labels(painter: QPainter, roles: list[tuple[str, list[QRectF], QColor]], font: QFont, base: QColor,
                      taken: list[QRectF], viewport: QRectF) -> list[QRectF]:
    """Draw each linked role's name (after the text) clear of the pills in `taken` and of each other; returns the
    boxes drawn."""
    metrics = QFontMetricsF(font)
    painter.setFont(font)
    boxes: list[QRectF] = []
    for name, rects, color in roles:
        if not rects:
            continue
        box = place_role_label(rects[0], metrics.horizontalAdvance(name) + 6, metrics.height(), taken + boxes, viewport)
        painter.setPen(QPen(color, 1))
        painter.setBrush(base)  # the role's name on the page colour, framed in its colour
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(color)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, name)
        boxes.append(box)
    return boxes
