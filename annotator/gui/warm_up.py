"""Work the first edit would otherwise do, done once while the freshly opened window is idle (issue 15: the first
edit after start-up must stay under 16 ms like every later one; benchmarks/bench_startup.py measures it).

PySide6 makes the Python classes of Qt's enums lazily, on first use (enum.Enum's functional API, ~1 ms each): the
first edit met several at once — the brush of the document list's status colour, the selection outline's pen,
the dashed cue pen. Painting one of each into a small image here, after the window is shown, moves that cost out
of the first edit. No database, no spaCy, nothing that grows with the data: a few milliseconds, once.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen


def warm_up(font: QFont) -> None:
    """Paint, once, what an edit paints: brushes, solid and dashed pens, rounded outlines, small bold text."""
    from annotator.gui.colors import readable
    from annotator.gui.document_list import STATUS_COLORS

    for colour in STATUS_COLORS.values():  # the status column's foreground (a new set turns "in progress")
        QBrush(readable(colour))
    image = QImage(64, 32, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    for style in (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.NoPen):
        painter.setPen(QPen(QColor("#1f6fd1"), 2, style) if style != Qt.PenStyle.NoPen else style)
        painter.setBrush(QColor("#e69f00"))
        painter.drawRoundedRect(QRectF(2, 2, 40, 12), 3, 3)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(4, 16, 40, 12), 3, 3)
    painter.drawText(QRectF(2, 2, 60, 14), Qt.AlignmentFlag.AlignCenter, "ORG")
    painter.end()
