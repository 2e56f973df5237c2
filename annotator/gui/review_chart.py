"""A small bar chart of agreement per label, drawn with QPainter (PySide6-Essentials has no QtCharts)."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES_COLORS = ("#4e79a7", "#f28e2b", "#59a14f")


class AgreementChartView(QWidget):
    """Horizontal bars, one group per label: each series (e.g. "F1 exact", "alpha") scaled on 0..1.

    Values below 0 (alpha can be negative) draw as an empty bar with the number; undefined values show "n/a"."""

    ROW = 16
    GAP = 6

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agreementChart")
        self.series: list[str] = []
        self.rows: list[tuple[str, str, list[float | None]]] = []  # label, colour, one value per series
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, series: list[str], rows: list[tuple[str, str, list[float | None]]]) -> None:
        self.series = list(series)
        self.rows = list(rows)
        self.updateGeometry()
        self.update()

    def _group_height(self) -> int:
        return self.ROW * max(1, len(self.series)) + self.GAP

    def sizeHint(self) -> QSize:
        return QSize(300, 28 + len(self.rows) * self._group_height() + 10)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text_color = pal.color(QPalette.ColorRole.WindowText)
        metrics = QFontMetrics(self.font())
        label_width = max([metrics.horizontalAdvance(r[0]) for r in self.rows] + [40]) + 14
        number_width = metrics.horizontalAdvance("-0.00") + 8
        left = label_width
        width = max(20, self.width() - left - number_width - 6)
        # legend
        x = 4
        for i, name in enumerate(self.series):
            painter.fillRect(QRectF(x, 6, 10, 10), QColor(SERIES_COLORS[i % len(SERIES_COLORS)]))
            painter.setPen(text_color)
            painter.drawText(int(x + 14), 15, name)
            x += 24 + metrics.horizontalAdvance(name)
        if not self.rows:
            painter.drawText(4, 40, "No figures yet")
            return
        y = 26
        grid = QColor(text_color)
        grid.setAlpha(50)
        for label, colour, values in self.rows:
            painter.fillRect(QRectF(2, y + 1, 6, self.ROW * len(self.series) - 2), QColor(colour))
            painter.setPen(text_color)
            painter.drawText(QRectF(12, y, label_width - 14, self.ROW), Qt.AlignmentFlag.AlignVCenter, label)
            for i, value in enumerate(values):
                top = y + i * self.ROW + 2
                painter.setPen(grid)
                painter.drawRect(QRectF(left, top, width, self.ROW - 4))
                if value is not None and not math.isnan(value):
                    bar = max(0.0, min(1.0, value)) * width
                    painter.fillRect(QRectF(left, top, bar, self.ROW - 4), QColor(SERIES_COLORS[i % len(SERIES_COLORS)]))
                    shown = f"{value:.2f}"
                else:
                    shown = "n/a"
                painter.setPen(text_color)
                painter.drawText(QRectF(left + width + 4, top - 2, number_width, self.ROW),
                                 Qt.AlignmentFlag.AlignVCenter, shown)
            y += self._group_height()
        painter.end()
