"""Entry point of the window: `run_app(db_path)` (called by `annotator gui`)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from annotator.core.resources import resource_path


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    style = resource_path("style.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def run_app(db_path: str | Path, annotator: str | None = None) -> int:
    """Open the window on the database and run until it closes. Returns the exit code."""
    from annotator.gui.main_window import MainWindow

    app = make_application()
    window = MainWindow(Path(db_path), annotator)
    window.show()
    return app.exec()
