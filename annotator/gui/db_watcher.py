"""Noticing commits made by other connections (the review window, another annotator's window, the command line):
a timer polls `Store.changed_elsewhere()` (PRAGMA data_version: cheap, no file access) and says when to re-read.
Each poll also checks `Store.cut_off()` (stat(2) of the database and its -wal, never an open): a window whose WAL
was deleted or replaced under it must stop saying "Saved" (issue 11)."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.store import Store, StoreError


class DatabaseWatcher(QObject):
    """Polls every `interval_ms` (ms) once started; emits `changed` when another connection has committed since
    the last poll. A poll that meets a busy or broken database is skipped (the next one tries again)."""

    changed = Signal()
    cut_off = Signal(str)
    """This connection is no longer on the live database (its -wal or the file was removed or replaced); the
    reason. Emitted once."""

    def __init__(self, store: Store, interval_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self._cut_off_said = False

    def start(self) -> None:
        self.store.changed_elsewhere()  # what is there now is what the window shows: start from here
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> bool:
        """Check once; returns (and signals) whether something changed elsewhere."""
        try:
            cut = None if self.store.readonly else self.store.cut_off()
            changed = self.store.changed_elsewhere()
        except (StoreError, sqlite3.Error):
            return False
        if cut and not self._cut_off_said:
            self._cut_off_said = True
            self.cut_off.emit(cut)
            return False
        if changed:
            self.changed.emit()
        return changed
