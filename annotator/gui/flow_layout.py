"""A layout that places its widgets left to right and wraps onto the next row when the width runs out, as Qt's
"Flow Layout" example does (Qt ships no such layout). Used for rows of buttons that grow with the number of
annotators (review mode's "Take …" and "Accept …'s version", issue 15 attack 15b #1: six versions made the review
window 1391 px wide on an 800-px screen)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Left-to-right rows that wrap; `spacing` between items and rows (px). Its minimum width is that of its
    widest item, its height follows the width (heightForWidth), so a parent can be as narrow as one button."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        width = sum(i.sizeHint().width() for i in self._visible()) + self.spacing() * max(0, len(self._visible()) - 1)
        height = max((i.sizeHint().height() for i in self._visible()), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not (i.widget() and i.widget().isHidden())]

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in `rect` (moving them if `move`); returns the height used (px)."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._visible():
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y = area.x(), y + row_height + self.spacing()
                row_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(min(hint.width(), area.width()), hint.height())))
            x += hint.width() + self.spacing()
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


class FlowBox(QWidget):
    """A widget laid out by a FlowLayout whose minimum height is set to the height its rows need at its current
    width, so a splitter or grid above it never squeezes the wrapped rows (layouts above do not all honour
    heightForWidth: a QGridLayout in a QSplitter pane cut the third row of review buttons)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self.flow = FlowLayout(self, spacing)

    def _follow_rows(self) -> None:
        width = self.width() if self.width() > 0 else self.flow.sizeHint().width()
        height = self.flow.heightForWidth(width)
        if height != self.minimumHeight():
            self.setMinimumHeight(height)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.flow.sizeHint().width(), self.minimumHeight())

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # buttons added or removed: the rows may have changed
            self._follow_rows()
        return super().event(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._follow_rows()


class WrappedColumn(QWidget):
    """A widget with a vertical box layout whose minimum height counts wrapped rows (word-wrapped labels, flow
    rows) at its current width: a QSplitter pane sizes by minimumSizeHint only, which counts a wrapped label as
    one line, and so cut the rows under it."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        layout = self.layout()
        if layout is None or self.width() <= 0:
            return hint
        margins = layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        items = [layout.itemAt(i) for i in range(layout.count())]
        items = [i for i in items if not (i.widget() and i.widget().isHidden())]
        height = sum(i.heightForWidth(width) if i.hasHeightForWidth() else i.minimumSize().height() for i in items)
        height += layout.spacing() * max(0, len(items) - 1) + margins.top() + margins.bottom()
        return QSize(hint.width(), max(hint.height(), height))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # wrapped rows change with the width
