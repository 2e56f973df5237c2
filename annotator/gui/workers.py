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


class ImportRefused(RuntimeError):
    """The article import refused its input or stopped; the message says why and what was kept (one line, plus
    "Nothing was imported." or "Kept: ...")."""


class ImportWorker(BackgroundWorker):
    """Reads articles, stores them and pre-annotates them. Emits progress (documents done, total), messages for
    the progress dialog, and finished(IngestReport). Run it with `BackgroundRun(parent, worker, title=...)`."""

    def __init__(self, db_path: str | Path, paths: Sequence[str | Path], *, extract: bool = True,
                 extract_factory: Callable[[], Callable] | None = None):
        super().__init__(db_path, plain_errors=(InputError, ImportRefused))
        self.paths = [str(p) for p in paths]
        self.extract = extract
        self.extract_factory = extract_factory or default_extract_factory

    def work(self):
        """Check every input first, as `annotator ingest` does: the first bad record (bad JSON, no text, an
        article too long to pre-extract, the database file itself) refuses the whole import with its
        `file:line: reason` and nothing is written (never a silent "105 skipped"). Then ingest in batches, each
        one transaction; a failure then (disk full, read-only) says what was kept."""
        from annotator.core.ingest import IngestReport, ingest_records
        from annotator.core.store import Store, StoreError
        from annotator.io.articles import InputError, checked_articles

        report = IngestReport()
        try:
            total = sum(1 for _ in checked_articles(self.paths, extract=self.extract, database=self.db_path))
        except InputError as error:
            raise ImportRefused(f"{error}\nNothing was imported.") from None
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

        try:
            with Store(self.db_path) as store:
                ingest_records(
                    store, checked_articles(self.paths, extract=extract_fn is not None), extract=extract_fn,
                    on_progress=on_progress, should_cancel=self.should_cancel, report=report, batch_size=16,
                )
        except (InputError, StoreError, OSError) as error:
            raise ImportRefused(f"{error}\nKept: {report.summary()} (each batch is saved whole).") from None
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
