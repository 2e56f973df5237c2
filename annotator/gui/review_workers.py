"""Corpus-wide review figures (the queue and the agreement report) computed off the GUI thread.

The worker opens its OWN Store on the same file (an SQLite connection belongs to one thread)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot


class ReviewFiguresWorker(QObject):
    finished = Signal(object, object)  # list[QueueEntry], AgreementReport
    failed = Signal(str)

    def __init__(self, db_path: str | Path, *, gold: str, reviewer: str, annotators: list[str] | None,
                 include_model: bool):
        super().__init__()
        self.db_path = Path(db_path)
        self.gold = gold
        self.reviewer = reviewer
        self.annotators = annotators
        self.include_model = include_model

    @Slot()
    def run(self) -> None:
        from annotator.core.store import Store
        from annotator.review.adjudication import review_queue
        from annotator.review.agreement import compute_agreement

        try:
            with Store(self.db_path) as store:
                queue = review_queue(store, gold=self.gold, annotators=self.annotators,
                                     include_model=self.include_model, reviewer=self.reviewer)
                report = compute_agreement(store, annotators=self.annotators, include_model=self.include_model)
            self.finished.emit(queue, report)
        except Exception as error:  # noqa: BLE001 - shown to the user, the window must survive
            self.failed.emit(f"{type(error).__name__}: {error}")
