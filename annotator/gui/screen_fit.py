"""Open a window no larger than the screen it opens on (issue 15: the review window opened 900 px tall plus its
frame and toolbar, taller than a 1000-px screen, with its buttons cut off)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME_ALLOWANCE = 60
"""Title bar and borders the window manager adds around the client area (px), kept free on screen."""


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize `window` to width × height (px), shrunk to fit the available area of its screen (the primary one
    if it has none yet) with room for the frame, and centred there."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    area = screen.availableGeometry()
    width = min(width, area.width() - 20)
    height = min(height, area.height() - FRAME_ALLOWANCE)
    window.resize(max(width, 200), max(height, 200))
    window.move(area.left() + (area.width() - window.width()) // 2,
                area.top() + max(0, (area.height() - window.height() - FRAME_ALLOWANCE) // 2))


def fit_within_screen(window: QWidget) -> None:
    """Shrink `window` (its current size, e.g. restored from the settings or a dialog's own size hint) to the
    available area of its screen, frame included, and move it back inside that area. A window that already fits
    is left where and as large as it is. Layout minimums above the screen are lowered too, as a window manager
    would otherwise keep the window larger than its screen (issue 15, attack #3)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    most_w, most_h = max(area.width() - 20, 200), max(area.height() - FRAME_ALLOWANCE, 200)
    if window.minimumWidth() > most_w or window.minimumHeight() > most_h:
        window.setMinimumSize(min(window.minimumWidth(), most_w), min(window.minimumHeight(), most_h))
    width, height = min(window.width(), most_w), min(window.height(), most_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    x = min(max(window.x(), area.left()), area.right() + 1 - width)
    y = min(max(window.y(), area.top()), area.bottom() + 1 - height - FRAME_ALLOWANCE // 2)
    if (x, y) != (window.x(), window.y()):
        window.move(max(x, area.left()), max(y, area.top()))


class FitsScreen:
    """Mixin for a QDialog / QMainWindow subclass (list it first): each time it is shown, it is fitted to the
    available screen area (`fit_within_screen`)."""

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        fit_within_screen(self)
