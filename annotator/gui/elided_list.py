"""Rows of a list elided at the list's right edge: a long name in a narrow list (the L label picker, the Tags
panel at 800 × 600) was cut by the edge or pushed behind a horizontal scroll bar, not elided (attack 15b #14).
The whole name stays in the row's tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem


class ElideAtViewEdge(QStyledItemDelegate):
    """Paints each row no wider than the view's viewport, its text elided on the right ("…")."""

    def paint(self, painter, option, index) -> None:
        view = self.parent()
        shown = QStyleOptionViewItem(option)
        if isinstance(view, QAbstractItemView):
            right = view.viewport().width() - 2
            if shown.rect.right() > right:
                shown.rect.setRight(right)
        shown.textElideMode = Qt.TextElideMode.ElideRight
        super().paint(painter, shown, index)


def elide_rows(view: QAbstractItemView) -> None:
    """Install the eliding delegate on `view` and drop its horizontal scroll bar."""
    view.setItemDelegate(ElideAtViewEdge(view))
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
