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
