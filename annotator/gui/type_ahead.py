"""Letters typed in a list belong to that list (type-ahead search), not to the window's one-key shortcuts.

The window's single-key shortcuts (W: snapping, Q: new quote, 1–9: labels…) are window-wide QActions, so a letter
typed in the Tags panel's lists fired them (issue 15: `w` toggled snapping). Qt lets a widget claim a key first by
accepting the ShortcutOverride event; QLineEdit does so for text, item views do not. `TypeAheadGuard` does it for
keys without Ctrl/Alt/Meta that produce text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)


class TypeAheadGuard(QObject):
    """Event filter: install on a widget (`guard(widget)`) whose typed letters must stay its own."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            text = event.text()
            if text and text.isprintable() and not (event.modifiers() & _COMMAND_MODIFIERS):
                event.accept()  # the widget gets the key as a normal key press
                return True
        return False


def guard(*widgets) -> TypeAheadGuard:
    """Keep typed letters in these widgets; returns the filter (parented to the first widget)."""
    keeper = TypeAheadGuard(widgets[0])
    for widget in widgets:
        widget.installEventFilter(keeper)
    return keeper
