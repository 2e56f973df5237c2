"""File → Export… and File → Import annotations…: option dialogs that run the work of annotator.io in a QThread
behind a QProgressDialog (gui/background.py; cancellable; a cancelled import writes nothing).

Wiring (main window): `ExportDialog.run(parent, db_path, annotator)` and `ImportDialog.run(parent, db_path)`;
each returns the report (ExportReport / ImportReport) or None if the user cancelled or it failed (the user has
then been told why). The worker opens its own Store (SQLite connections belong to one thread).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from annotator.core.model import MODEL_ANNOTATOR, Status
from annotator.gui.background import BackgroundRun, BackgroundWorker, Task, run_task
from annotator.gui import file_dialogs
from annotator.gui.plain import plain
from annotator.gui.screen_fit import FitsScreen

def ExchangeRun(parent: QWidget | None, db_path: str | Path, task: Task, *, title: str, readonly: bool) -> BackgroundRun:
    """One export/import run in the background behind a progress dialog (see gui/background.py)."""
    return BackgroundRun(parent, BackgroundWorker(db_path, task, readonly=readonly), title=title)


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


class ExportDialog(FitsScreen, QDialog):
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
        fmt = self.format.currentData()
        if fmt == "spacy":
            self.use_split.setChecked(True)
        # each format's default statuses (= annotator.io.exporter.default_statuses, not imported at start-up):
        # training formats (spacy, doccano) and formats without a status field (conll, iob, brat): done sets only
        done_only = fmt in ("spacy", "doccano", "conll", "iob", "brat")
        for status, box in self.statuses.items():
            box.setChecked(status is Status.DONE or (not done_only and status in (Status.REJECTED, Status.SKIPPED)))

    def _browse(self) -> None:
        if self.format.currentData() in ("spacy", "brat") or self.use_split.isChecked():
            path = file_dialogs.existing_directory(self, "Export to folder")
        else:
            path = file_dialogs.save_file_name(self, "Export to", "", "JSON lines (*.jsonl)")
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
        issues = (report.issues.misaligned + report.issues.blank_edges + report.issues.dropped_relations
                  + report.issues.left_out)
        text = report.summary()
        if issues:
            text += "\n\nNot expressed exactly:\n" + "\n".join(issues[:20]) + ("\n…" if len(issues) > 20 else "")
        duplicates = report.issues.duplicates
        if duplicates:
            text += ("\n\nSeveral versions of a document, one kept:\n" + "\n".join(duplicates[:20])
                     + ("\n…" if len(duplicates) > 20 else ""))
        QMessageBox.information(parent, "Export finished", plain(text))
        return report


class ImportDialog(FitsScreen, QDialog):
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
        path = file_dialogs.open_file_name(
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
        text = report.summary()
        details = report.blank_edges + report.details()  # issue 17: kept as given, but said; issue 12: warnings
        if details:
            text += "\n\n" + "\n".join(details[:20]) + ("\n…" if len(details) > 20 else "")
        QMessageBox.information(parent, "Import finished", plain(text))
        return report
