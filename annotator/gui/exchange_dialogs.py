"""File → Export… and File → Import annotations…: option dialogs that run the work of annotator.io in a QThread
behind a QProgressDialog (cancellable; a cancelled import writes nothing).

Wiring (main window): `ExportDialog.run(parent, db_path, annotator)` and `ImportDialog.run(parent, db_path)`;
each returns the report (ExportReport / ImportReport) or None if the user cancelled or it failed (the user has
then been told why). The worker opens its own Store (SQLite connections belong to one thread).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)

from annotator.core.model import MODEL_ANNOTATOR, Status
from annotator.gui.plain import plain

Task = Callable[[Any, Callable[[int, int], None], Callable[[], bool]], Any]
"""task(store, on_progress(done, total), should_cancel) -> report."""


class ExchangeWorker(QObject):
    """Runs one task in the worker thread. Lives in that thread from `moveToThread` until `deleteLater` runs
    there when the thread's loop ends (so it is never destroyed from the GUI thread)."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, db_path: str | Path, task: Task, *, readonly: bool):
        super().__init__()
        self.db_path = Path(db_path)
        self.task = task
        self.readonly = readonly
        self._cancelled = False

    def cancel(self) -> None:
        """Called from the GUI thread (a flag read by the task between batches; the task rolls back / removes
        what it wrote)."""
        self._cancelled = True

    @Slot()
    def run(self) -> None:
        from annotator.core.store import Store
        from annotator.io.exporter import ExportCancelled
        from annotator.io.importer import ImportCancelled

        try:
            with Store(self.db_path, readonly=self.readonly) as store:
                report = self.task(store, self.progress.emit, lambda: self._cancelled)
            self.finished.emit(report)
        except (ExportCancelled, ImportCancelled):
            self.cancelled.emit()
        except Exception as error:  # noqa: BLE001 - shown to the user; the window must survive
            self.failed.emit(str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}")


class ExchangeRun(QObject):
    """One background run: a QThread with an ExchangeWorker, and a cancellable QProgressDialog.

    This object lives in the GUI thread, so the worker's signals reach its slots queued (a plain function
    connected to them would run in the worker thread and touch the progress dialog from there: "Timers cannot
    be stopped from another thread"). The worker is deleted in its own thread (thread.finished -> deleteLater);
    `done` is emitted once the thread has ended, with `report` / `error` / `was_cancelled` set."""

    done = Signal()

    def __init__(self, parent: QWidget | None, db_path: str | Path, task: Task, *, title: str, readonly: bool):
        super().__init__()
        self.report: Any = None
        self.error: str | None = None
        self.was_cancelled = False
        self.worker_thread = QThread()
        self.worker = ExchangeWorker(db_path, task, readonly=readonly)
        self.worker.moveToThread(self.worker_thread)
        self.progress = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        for signal in (self.worker.finished, self.worker.failed, self.worker.cancelled):
            signal.connect(self.worker_thread.quit)
        self.worker_thread.finished.connect(self.worker.deleteLater)
        self.worker_thread.finished.connect(self._on_thread_finished)
        # Direct: the worker's thread is busy in run(); cancel() only sets a flag the task polls.
        self.progress.canceled.connect(self.worker.cancel, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        self.worker_thread.start()

    def wait(self) -> tuple[Any, str | None]:
        """Start and spin an event loop until the thread has ended; returns (report, error)."""
        loop = QEventLoop()
        self.done.connect(loop.quit)
        self.start()
        loop.exec()
        return self.report, self.error

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 0))
        self.progress.setValue(min(done, total) if total else 0)

    @Slot(object)
    def _on_finished(self, report: Any) -> None:
        self.report = report

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.error = message

    @Slot()
    def _on_cancelled(self) -> None:
        self.was_cancelled = True

    @Slot()
    def _on_thread_finished(self) -> None:
        self.worker_thread.wait()
        self.progress.canceled.disconnect()  # closing a QProgressDialog emits canceled
        self.progress.close()
        self.progress.deleteLater()
        self.done.emit()


def run_task(parent: QWidget | None, db_path: str | Path, task: Task, *, title: str, readonly: bool) -> tuple[Any, str | None]:
    """Run `task` in a QThread with a progress dialog; wait (event loop) and return (report, error). A cancelled
    run returns (None, None)."""
    run = ExchangeRun(parent, db_path, task, title=title, readonly=readonly)
    return run.wait()


EXPORT_FORMAT_NAMES = (
    ("jsonl", "annotator JSONL (Prodigy task + quotes)"), ("prodigy", "Prodigy (quote spans + relations)"),
    ("doccano", "doccano (entities + relations)"), ("spacy", "spaCy DocBin (train/dev)"),
    ("conll", "CoNLL-2003 (one annotator)"), ("iob", "IOB, two columns (one annotator)"),
    ("brat", "brat standoff folder (one annotator)"), ("labelstudio", "Label Studio JSON"),
)
IMPORT_FORMAT_NAMES = (
    ("auto", "auto (from the content)"), ("jsonl", "annotator JSONL"), ("prodigy", "Prodigy JSONL"),
    ("doccano", "doccano JSONL"), ("doccano-csv", "doccano CSV (text classification)"),
    ("conll", "CoNLL-2003"), ("iob", "IOB / BIO (two columns)"), ("brat", "brat standoff (.ann + .txt)"),
    ("labelstudio", "Label Studio JSON"),
)
"""Every format annotator writes / reads (io.exporter.EXPORT_FORMATS, io.importer.IMPORT_FORMATS)."""


class ExportDialog(QDialog):
    """Export options: format, file, annotators, statuses, labels, train/dev split."""

    def __init__(self, parent: QWidget | None, db_path: str | Path, annotator: str | None = None):
        super().__init__(parent)
        from annotator.core.store import Store

        self.setWindowTitle("Export annotations")
        self.db_path = Path(db_path)
        with Store(self.db_path, readonly=True) as store:
            names = [a.name for a in store.annotators()]
            labels = list(store.labels())
        form = QFormLayout(self)
        self.format = QComboBox()
        for key, text in EXPORT_FORMAT_NAMES:
            self.format.addItem(text, key)
        form.addRow("Format", self.format)
        self.output = QLineEdit()
        self.output.setPlaceholderText("default: exports/ in the current folder")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.output)
        row.addWidget(browse)
        form.addRow("Save to", row)
        self.annotators = QListWidget()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = (name == annotator) if annotator else name != MODEL_ANNOTATOR
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.annotators.addItem(item)
        form.addRow("Annotators", self.annotators)
        self.statuses: dict[Status, QCheckBox] = {}
        status_row = QHBoxLayout()
        for status in Status:
            box = QCheckBox(status.value.replace("_", " "))
            box.setChecked(status in (Status.DONE, Status.REJECTED, Status.SKIPPED))
            self.statuses[status] = box
            status_row.addWidget(box)
        form.addRow("Statuses", status_row)
        self.labels = QLineEdit()
        self.labels.setPlaceholderText(f"all ({', '.join(labels[:6])}{'…' if len(labels) > 6 else ''})")
        form.addRow("Entity labels", self.labels)
        self.split = QDoubleSpinBox()
        self.split.setRange(0.0, 1.0)
        self.split.setSingleStep(0.05)
        self.split.setValue(0.8)
        self.use_split = QCheckBox("train/dev split")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        split_row = QHBoxLayout()
        for widget in (self.use_split, self.split, QLabel("seed"), self.seed):
            split_row.addWidget(widget)
        form.addRow("Split", split_row)
        self.format.currentIndexChanged.connect(self._format_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._format_changed()

    def _format_changed(self) -> None:
        if self.format.currentData() == "spacy":
            self.use_split.setChecked(True)

    def _browse(self) -> None:
        if self.format.currentData() in ("spacy", "brat") or self.use_split.isChecked():
            path = QFileDialog.getExistingDirectory(self, "Export to folder")
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", "", "JSON lines (*.jsonl)")
        if path:
            self.output.setText(path)

    def options(self):
        from annotator.io.exporter import ExportOptions

        checked = [self.annotators.item(i).text() for i in range(self.annotators.count())
                   if self.annotators.item(i).checkState() == Qt.CheckState.Checked]
        labels = [x.strip() for x in self.labels.text().split(",") if x.strip()]
        return ExportOptions(
            format=self.format.currentData(),
            output=Path(self.output.text()) if self.output.text().strip() else None,
            annotators=checked,
            statuses=[s for s, box in self.statuses.items() if box.isChecked()],
            labels=labels or None,
            split=self.split.value() if self.use_split.isChecked() else None,
            seed=self.seed.value(),
        )

    @staticmethod
    def export_task(options) -> Task:
        def task(store, on_progress, should_cancel):
            from annotator.io.exporter import export

            return export(store, options, on_progress=on_progress, should_cancel=should_cancel)

        return task

    @classmethod
    def run(cls, parent: QWidget | None, db_path: str | Path, annotator: str | None = None):
        """Ask for options, export in the background, tell the user what was written. Returns the report."""
        dialog = cls(parent, db_path, annotator)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        report, error = run_task(parent, db_path, cls.export_task(dialog.options()), title="Exporting…", readonly=True)
        if report is None and error is None:  # cancelled: the files begun were removed
            return None
        if error:
            QMessageBox.warning(parent, "Export failed", plain(error))
            return None
        issues = report.issues.misaligned + report.issues.dropped_relations
        text = report.summary()
        if issues:
            text += "\n\nNot expressed exactly:\n" + "\n".join(issues[:20]) + ("\n…" if len(issues) > 20 else "")
        QMessageBox.information(parent, "Export finished", plain(text))
        return report


class ImportDialog(QDialog):
    """Import options: file, format, annotator for records that do not name one."""

    def __init__(self, parent: QWidget | None, path: str | Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import annotations")
        form = QFormLayout(self)
        self.path = QLineEdit(str(path or ""))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form.addRow("File", row)
        self.format = QComboBox()
        for key, text in IMPORT_FORMAT_NAMES:
            self.format.addItem(text, key)
        form.addRow("Format", self.format)
        self.annotator = QLineEdit()
        self.annotator.setPlaceholderText("from the records, else the file name")
        form.addRow("Annotator", self.annotator)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import annotations", "",
            "Annotation files (*.jsonl *.json *.ndjson *.csv *.conll *.iob *.bio *.tsv *.txt *.ann);;All files (*)")
        if path:
            self.path.setText(path)

    def import_task(self) -> Task:
        path, fmt, annotator = Path(self.path.text().strip()), self.format.currentData(), self.annotator.text().strip() or None

        def task(store, on_progress, should_cancel):
            from annotator.io.importer import import_file

            def progress(_phase: str, done: int, total: int) -> None:  # bytes: in per mille (a Qt int is 32 bits)
                on_progress(done * 1000 // total if total else 0, 1000)

            return import_file(store, path, fmt=fmt, annotator=annotator, on_progress=progress,
                               should_cancel=should_cancel)

        return task

    @classmethod
    def run(cls, parent: QWidget | None, db_path: str | Path):
        """Ask for a file and options, import in the background (all or nothing), report. Returns the report."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.path.text().strip():
            return None
        report, error = run_task(parent, db_path, dialog.import_task(), title="Importing…", readonly=False)
        if report is None and error is None:  # cancelled: rolled back, nothing written
            return None
        if error:
            QMessageBox.warning(parent, "Import failed", plain(f"{error}\n\nNothing was imported."))
            return None
        details = report.details()
        text = report.summary() + ("\n\n" + "\n".join(details[:20]) + ("\n…" if len(details) > 20 else "")
                                   if details else "")
        QMessageBox.information(parent, "Import finished", plain(text))
        return report
