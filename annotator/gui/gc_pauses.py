"""Keep Python's full garbage collections out of the edits a person makes.

Why: with a long article open the window holds a few hundred thousand long-lived Python objects (spans, offsets,
index entries). CPython's oldest-generation collection scans all of them; in `make bench` (bench_long_article) one
such collection took 90 ms on a quiet machine and 160–290 ms on a loaded one, and it fell inside an edit at random,
the "worst edit" figure. It almost never finds anything: those objects are freed by reference counting.

What we do, as CPython's documentation suggests for long-lived heaps (`gc.freeze`, Python 3.7+): right after a
document is shown, everything alive is moved to the permanent generation, so later collections only scan what
edits create. Cyclic garbage left by the document shown before is then still found: after `idle_ms` without an
open or an edit, one full collection runs (unfreeze, collect, freeze) while nobody is waiting for the window.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["IdlePauseCollector"]

IDLE_BEFORE_FULL_COLLECTION_MS = 2000  # a pause in the work, not a pause between two keystrokes


class IdlePauseCollector(QObject):
    """Freezes long-lived objects when a document is shown and runs full collections only when the window is idle.

    Call `document_shown()` after a document's spans are in the view and `edited()` after each edit; both restart
    the idle timer (`idle_ms`, milliseconds). `full_collections` counts the idle collections run (for tests)."""

    def __init__(self, parent: QObject | None = None, idle_ms: int = IDLE_BEFORE_FULL_COLLECTION_MS):
        super().__init__(parent)
        self.full_collections = 0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self.collect_now)

    def document_shown(self) -> None:
        """The objects of the newly shown document are long-lived: stop scanning them; collect fully when idle."""
        gc.freeze()
        self._idle.start()

    def edited(self) -> None:
        """An edit happened: put the pending full collection off until the person pauses."""
        if self._idle.isActive():
            self._idle.start()

    def collect_now(self) -> None:
        """One full collection over everything (frozen objects included), then freeze what survived."""
        self._idle.stop()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.full_collections += 1

    def release(self) -> None:
        """Window closing: stop the timer and give every object back to the normal collector."""
        self._idle.stop()
        gc.unfreeze()
