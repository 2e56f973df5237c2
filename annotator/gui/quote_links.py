"""Quote → speaker and quote → cue links drawn in the article for the active (selected or hovered) quote, as brat
and INCEpTION draw relation arcs (issue 15): a curve from the quote's nearest line to the speaker's box (solid,
speaker colour) and to the cue's box (dashed, cue colour), each with a small arrowhead and its role's name at the
top of the arc. Only the active quote's links are drawn, so the cost per paint is constant, not proportional to
the document; a speaker off screen is drawn to the viewport's edge.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

ARC_RISE = 16.0
"""How far above the higher end an arc rises (px): clear of the text line, as brat's arcs ride above it."""


def nearest(rects: list[QRectF], target: QRectF) -> QRectF:
    """The rectangle of `rects` closest (centre to centre) to `target`."""
    centre = target.center()
    return min(rects, key=lambda r: (r.center() - centre).manhattanLength())


def link_path(start: QPointF, end: QPointF, rise: float = ARC_RISE) -> QPainterPath:
    """A cubic arc from `start` to `end` rising `rise` px above the higher of the two (viewport y grows down)."""
    top = min(start.y(), end.y()) - rise
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x(), top), QPointF(end.x(), top), end)
    return path


def arrowhead(tip: QPointF, size: float = 5.0) -> QPolygonF:
    """A small downward arrowhead ending at `tip` (arcs come down onto the role's box)."""
    return QPolygonF([tip, QPointF(tip.x() - size, tip.y() - size * 1.4), QPointF(tip.x() + size, tip.y() - size * 1.4)])


def paint_links(painter: QPainter, quote_rects: list[QRectF], roles: list[tuple[str, list[QRectF], QColor, Qt.PenStyle]],
                font: QFont, base: QColor) -> list[QPainterPath]:
    """Draw one arc per role (name, its rectangles, colour, pen style) from the nearest quote line to the role.
    Returns the paths drawn (tests read them)."""
    drawn = []
    if not quote_rects:
        return drawn
    metrics = QFontMetricsF(font)
    painter.setFont(font)
    for name, rects, color, style in roles:
        if not rects:
            continue
        target = rects[0]
        source = nearest(quote_rects, target)
        start = QPointF(source.center().x() if source.width() < 40 else min(max(target.center().x(), source.left()
                        + 6), source.right() - 6), source.top() - 1)
        end = QPointF(target.center().x(), target.top() - 2)
        if abs(start.x() - end.x()) < 4 and abs(start.y() - end.y()) < 4:
            continue  # the role sits inside the quote's own line: its box says enough
        path = link_path(start, end)
        painter.setPen(QPen(color, 1.6, style))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(arrowhead(end))
        label_at = path.pointAtPercent(0.5)
        width = metrics.horizontalAdvance(name) + 6
        box = QRectF(label_at.x() - width / 2, label_at.y() - metrics.height() / 2, width, metrics.height())
        painter.setBrush(base)  # the role's name on the page colour, over the arc
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(color)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, name)
        drawn.append(path)
    return drawn
