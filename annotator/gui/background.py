"""Background work, written once: every slow job of the window (article import, annotation import/export,
review figures) runs as a `BackgroundWorker` in a QThread, watched by a `BackgroundRun` that lives in the GUI
thread.

The thread rule, in one place: the worker's signals are connected only to slots of the `BackgroundRun` (a QObject
of the GUI thread), so Qt queues them into the GUI thread. A lambda or plain function connected to a worker signal
would run in the worker's thread and touch widgets or the GUI's Store from there ("Timers cannot be stopped from
another thread", or worse). Callers get the outcome from `BackgroundRun.done` (emitted once, in the GUI thread,
after the thread has ended) and read `result` / `error` / `was_cancelled`.

The worker opens its OWN Store on the same file (an SQLite connection belongs to one thread) and is deleted in its
own thread (`thread.finished -> deleteLater`), never from the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.errors import Cancelled
from annotator.gui.plain import plain

Task = Callable[[Any, Callable[[int, int], None], Callable[[], bool]], Any]
"""task(store, on_progress(done, total), should_cancel) -> result. `done`/`total` are in the task's own unit
(documents, or per mille of bytes read); `should_cancel()` is polled between batches; raising
core.errors.Cancelled (after rolling back / removing what was written) ends the run as cancelled."""


class BackgroundWorker(QObject):
    """Runs one task in the worker thread. Lives in that thread from `moveToThread` until `deleteLater` runs there
    when the thread's loop ends.

    `plain_errors`: exception types shown by their message alone (user errors such as InputError, which already
    say "path:line: reason"); any other exception is shown as "TypeName: message". Subclasses may override
    `work()` for a job that is not a store task (the article import)."""

    progress = Signal(int, int)  # done, total (the task's unit)
    message = Signal(str)  # a line for the progress dialog's label
    finished = Signal(object)  # the task's result
    failed = Signal(str)  # one line for the user
    cancelled = Signal()

    def __init__(self, db_path: str | Path, task: Task | None = None, *, readonly: bool = False,
                 plain_errors: tuple[type[BaseException], ...] = (ValueError,)):
        super().__init__()
        self.db_path = Path(db_path)
        self.task = task
        self.readonly = readonly
        self.plain_errors = plain_errors
        self._cancelled = False

    def cancel(self) -> None:
        """Called from the GUI thread: sets a flag the task polls (`should_cancel`)."""
        self._cancelled = True

    def should_cancel(self) -> bool:
        return self._cancelled

    def work(self) -> Any:
        """The job, in the worker thread: by default the task on a Store of its own."""
        from annotator.core.store import Store

        with Store(self.db_path, readonly=self.readonly) as store:
            return self.task(store, self.progress.emit, self.should_cancel)

    @Slot()
    def run(self) -> None:
        try:
            result = self.work()
        except Cancelled:
            self.cancelled.emit()
        except Exception as error:  # noqa: BLE001 - shown to the user; the window must survive
            self.failed.emit(str(error) if isinstance(error, self.plain_errors) else f"{type(error).__name__}: {error}")
        else:
            self.finished.emit(result)


class BackgroundRun(QObject):
    """One background run: a QThread with its worker, and (if `title` is given) a window-modal, cancellable
    QProgressDialog that shows the worker's progress and messages.

    Lives in the GUI thread; `done` is emitted once the thread has ended, with `result` / `error` /
    `was_cancelled` set. `start()` returns at once; `wait()` spins an event loop until done."""

    done = Signal()

    def __init__(self, parent: QWidget | None, worker: BackgroundWorker, *, title: str | None = None):
        super().__init__()  # no Qt parent: the caller holds it while it runs, then lets it go
        self.result: Any = None
        self.error: str | None = None
        self.was_cancelled = False
        self.running = False
        self.worker = worker
        self.worker_thread = QThread()
        self.worker.moveToThread(self.worker_thread)
        self.progress: QProgressDialog | None = None
        if title is not None:
            self.progress = QProgressDialog(title, "Cancel", 0, 0, parent)
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(300)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            # Direct: the worker's thread is busy in run(); cancel() only sets a flag the task polls.
            self.progress.canceled.connect(self.worker.cancel, Qt.ConnectionType.DirectConnection)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.message.connect(self._on_message)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        for signal in (self.worker.finished, self.worker.failed, self.worker.cancelled):
            signal.connect(self.worker_thread.quit)
        self.worker_thread.finished.connect(self.worker.deleteLater)
        self.worker_thread.finished.connect(self._on_thread_finished)

    @property
    def report(self) -> Any:
        """The result under the name the exchange dialogs use (an ExportReport / ImportReport)."""
        return self.result

    def start(self) -> None:
        self.running = True
        self.worker_thread.start()

    def wait(self) -> tuple[Any, str | None]:
        """Start and spin an event loop until the thread has ended; returns (result, error)."""
        loop = QEventLoop()
        self.done.connect(loop.quit)
        self.start()
        loop.exec()
        return self.result, self.error

    def cancel_and_wait(self, timeout_ms: int) -> None:
        """For a closing window: ask the task to stop, block until the thread ends (at most timeout_ms), and if it
        did, finish now (close the dialog, emit `done`) rather than from a queued call after the window is gone."""
        if not self.running:
            return
        self.worker.cancel()
        self.worker_thread.quit()
        if self.worker_thread.wait(timeout_ms):
            self._on_thread_finished()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(total, 0))
            self.progress.setValue(min(done, total) if total else 0)

    @Slot(str)
    def _on_message(self, text: str) -> None:
        if self.progress is not None:
            self.progress.setLabelText(plain(text))  # may quote a file path or an error

    @Slot(object)
    def _on_finished(self, result: Any) -> None:
        self.result = result

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.error = message

    @Slot()
    def _on_cancelled(self) -> None:
        self.was_cancelled = True

    @Slot()
    def _on_thread_finished(self) -> None:
        if not self.running:  # already finished by cancel_and_wait
            return
        self.worker_thread.wait()
        if self.progress is not None:
            self.progress.canceled.disconnect()  # closing a QProgressDialog emits canceled
            self.progress.close()
            self.progress.deleteLater()
        self.running = False
        self.done.emit()


def run_task(parent: QWidget | None, db_path: str | Path, task: Task, *, title: str, readonly: bool) -> tuple[Any, str | None]:
    """Run `task` in a QThread behind a progress dialog; wait (event loop) and return (result, error). A cancelled
    run returns (None, None)."""
    return BackgroundRun(parent, BackgroundWorker(db_path, task, readonly=readonly), title=title).wait()
