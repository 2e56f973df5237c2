"""The window's background jobs, as tasks for gui/background.py (which owns the thread plumbing and its rule):
importing articles (ingest + pre-extraction) and computing the corpus-wide review figures.

Each job opens its OWN Store on the same file (SQLite connections belong to one thread). The extractor (spaCy)
is loaded only inside the worker thread, lazily, so the window never imports spaCy itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from annotator.core.errors import InputError
from annotator.gui.background import BackgroundWorker, Task


def default_extract_factory() -> Callable:
    """Load the configured spaCy pipeline (inside the worker thread). Raises ImportError/OSError if absent."""
    from annotator.core.config import extract_settings
    from annotator.extract.pipeline import Extractor  # spaCy is imported here, never at window start-up

    settings = extract_settings()
    extractor = Extractor(settings.model, batch_size=settings.batch_size, n_process=settings.n_process)
    return lambda texts: extractor.extract(texts)


class ImportWorker(BackgroundWorker):
    """Reads articles, stores them and pre-annotates them. Emits progress (documents done, total), messages for
    the progress dialog, and finished(IngestReport). Run it with `BackgroundRun(parent, worker, title=...)`."""

    def __init__(self, db_path: str | Path, paths: Sequence[str | Path], *, extract: bool = True,
                 extract_factory: Callable[[], Callable] | None = None):
        super().__init__(db_path, plain_errors=(InputError,))
        self.paths = [str(p) for p in paths]
        self.extract = extract
        self.extract_factory = extract_factory or default_extract_factory

    def work(self):
        from annotator.core.ingest import IngestReport, ingest_records
        from annotator.core.store import Store
        from annotator.io.articles import read_articles

        report = IngestReport()
        total = sum(1 for _ in read_articles(self.paths, on_error=report.skipped.append))
        self.progress.emit(0, total)
        extract_fn = None
        if self.extract:
            self.message.emit("Loading the extraction model…")
            try:
                extract_fn = self.extract_factory()
            except Exception as error:  # noqa: BLE001 - no model installed, wrong version, ...
                self.message.emit(f"Pre-extraction unavailable ({error}); importing texts only.")
        done = 0

        def on_progress(n: int) -> None:
            nonlocal done
            done += n
            self.progress.emit(done, total)

        with Store(self.db_path) as store:
            ingest_records(
                store, read_articles(self.paths, on_error=lambda _e: None), extract=extract_fn,
                on_progress=on_progress, should_cancel=self.should_cancel, report=report, batch_size=16,
            )
        return report


def review_figures_task(*, gold: str, reviewer: str, annotators: list[str] | None, include_model: bool) -> Task:
    """The review queue and the corpus agreement report, for a BackgroundWorker: the task returns
    (list[QueueEntry], AgreementReport)."""

    def task(store, _on_progress, _should_cancel):
        from annotator.review.adjudication import review_queue
        from annotator.review.agreement import compute_agreement

        queue = review_queue(store, gold=gold, annotators=annotators, include_model=include_model, reviewer=reviewer)
        report = compute_agreement(store, annotators=annotators, include_model=include_model)
        return queue, report

    return task
