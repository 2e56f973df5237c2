"""Entry point of the window: `run_app(db_path)` (called by `annotator gui`)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

from annotator.core.resources import resource_path
from annotator.gui.colors import is_dark
from annotator.review.versions import DEFAULT_GOLD


class ContrastStyle(QProxyStyle):
    """The platform style (or the one named), with check boxes outlined so they read on a dark palette: Fusion
    draws their border in a darkened Window colour, which all but vanishes on a dark Base (the Tags panel showed
    only the ticks). Light palettes are drawn exactly as the base style draws them."""

    _CHECKS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)

    def drawPrimitive(self, element, option, painter, widget=None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in self._CHECKS and is_dark(option.palette):
            color = option.palette.color(QPalette.ColorRole.Text)
            color.setAlpha(140)
            painter.save()
            painter.setRenderHint(painter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(color, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(0, 0, -1, -1))
            painter.restore()


def use_style(app: QApplication, name: str | None = None) -> None:
    """Give the application the ContrastStyle over `name` (e.g. "Fusion"), else over its current style."""
    app.setStyle(ContrastStyle(name or app.style().name()))


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    if is_dark(app.palette()) and not isinstance(app.style(), ContrastStyle):
        use_style(app)  # only on a dark palette: the Python override costs a call per primitive painted
    style = resource_path("style.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def run_app(db_path: str | Path, annotator: str | None = None) -> int:
    """Open the window on the database and run until it closes. Returns the exit code."""
    from annotator.core.errors import Cancelled, UserError
    from annotator.gui.main_window import MainWindow
    from annotator.gui.platform_check import check

    if not QApplication.instance() and (problem := check()):  # before Qt aborts on a missing xcb library
        print(problem, file=sys.stderr)
        return 1
    app = make_application()
    try:
        window = MainWindow(Path(db_path), annotator)
    except Cancelled as cancelled:  # Cancel in the first-start name dialog: nothing opened, nothing to report
        print(f"annotator: {cancelled}", file=sys.stderr)
        return 1
    except UserError as error:  # a name that cannot be used: about the name, not "cannot open the database"
        from PySide6.QtWidgets import QMessageBox

        from annotator.gui.plain import plain

        print(f"annotator: {error}", file=sys.stderr)
        QMessageBox.warning(None, "annotator: choose another name", plain(f"{str(error)[0].upper()}{str(error)[1:]}."))
        return 1
    except Exception as error:  # noqa: BLE001 - not a database, newer schema, damaged...: said in a message box
        from annotator.gui.store_guard import start_up_failed

        print(f"annotator: {error}", file=sys.stderr)
        start_up_failed(None, db_path, error)
        return 1
    window.show()
    return app.exec()


def run_review(db_path: str | Path, reviewer: str, *, gold: str = DEFAULT_GOLD) -> int:
    """Open review mode as its own application (`annotator review gui`); returns the exit code. Lives here, not
    in review_window.py: only this launcher module knows every window (no import circle)."""
    from annotator.gui.review_window import ReviewWindow

    app = make_application()
    try:
        window = ReviewWindow(db_path, reviewer, gold=gold)
    except Exception as error:  # noqa: BLE001 - read-only, not a database, newer schema: said in a message box
        from annotator.gui.store_guard import start_up_failed

        print(f"annotator: {error}", file=sys.stderr)
        start_up_failed(None, db_path, error)
        return 1
    window.show()
    return app.exec()
