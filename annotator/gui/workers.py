"""Background work: importing articles (ingest + pre-extraction) in a QThread, off the GUI thread.

The worker opens its OWN Store on the same file (SQLite connections belong to one thread) and loads the
extractor (spaCy) only inside the thread, lazily, so the window never imports spaCy itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot


def default_extract_factory() -> Callable:
    """Load the configured spaCy pipeline (inside the worker thread). Raises ImportError/OSError if absent."""
    from annotator.core.config import extract_settings
    from annotator.extract.pipeline import Extractor  # spaCy is imported here, never at window start-up

    settings = extract_settings()
    extractor = Extractor(settings.model, batch_size=settings.batch_size, n_process=settings.n_process)
    return lambda texts: extractor.extract(texts)


class ImportWorker(QObject):
    """Reads articles, stores them and pre-annotates them. Emits progress (documents done, total)."""

    progress = Signal(int, int)
    message = Signal(str)
    finished = Signal(object)  # IngestReport, or None
    failed = Signal(str)

    def __init__(self, db_path: str | Path, paths: Sequence[str | Path], *, extract: bool = True,
                 extract_factory: Callable[[], Callable] | None = None):
        super().__init__()
        self.db_path = Path(db_path)
        self.paths = [str(p) for p in paths]
        self.extract = extract
        self.extract_factory = extract_factory or default_extract_factory
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @Slot()
    def run(self) -> None:
        """Check every input first, as `annotator ingest` does: the first bad record (bad JSON, no text, an
        article too long to pre-extract, the database file itself) refuses the whole import with its
        `file:line: reason` and nothing is written. Then ingest in batches (each one transaction)."""
        from annotator.core.ingest import IngestReport, checked_articles, ingest_records
        from annotator.core.store import Store, StoreError
        from annotator.io.articles import InputError

        report = IngestReport()
        try:
            total = sum(1 for _ in checked_articles(self.paths, extract=self.extract, database=self.db_path))
        except InputError as error:
            self.failed.emit(f"{error}\nNothing was imported.")
            return
        except Exception as error:  # noqa: BLE001 - shown to the user, the window must survive
            self.failed.emit(f"{type(error).__name__}: {error}\nNothing was imported.")
            return
        try:
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
                    store, checked_articles(self.paths, extract=extract_fn is not None), extract=extract_fn,
                    on_progress=on_progress, should_cancel=lambda: self._cancelled, report=report,
                    batch_size=16,
                )
            self.finished.emit(report)
        except (InputError, StoreError, OSError) as error:
            self.failed.emit(f"{error}\nKept: {report.summary()} (each batch is saved whole).")
        except Exception as error:  # noqa: BLE001 - shown to the user, the window must survive
            self.failed.emit(f"{type(error).__name__}: {error}\nKept: {report.summary()}.")


def start_in_thread(worker: ImportWorker, parent: QObject) -> QThread:
    """Move the worker to a new thread, run it, and clean both up when it ends."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    worker.failed.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread
