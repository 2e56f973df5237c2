"""Noticing commits made by other connections (the review window, another annotator's window, the command line):
a timer polls `Store.changed_elsewhere()` (PRAGMA data_version: cheap, no file access) and says when to re-read."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.store import Store, StoreError


class DatabaseWatcher(QObject):
    """Polls every `interval_ms` (ms) once started; emits `changed` when another connection has committed since
    the last poll. A poll that meets a busy or broken database is skipped (the next one tries again)."""

    changed = Signal()

    def __init__(self, store: Store, interval_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.store.changed_elsewhere()  # what is there now is what the window shows: start from here
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> bool:
        """Check once; returns (and signals) whether something changed elsewhere."""
        try:
            changed = self.store.changed_elsewhere()
        except StoreError:
            return False
        if changed:
            self.changed.emit()
        return changed
