"""File → Export… / Import annotations…: the option dialogs driven through their widgets, the background run
(QThread worker, progress dialog, cancel), files written and rows imported, and no cross-thread Qt warnings."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from exchange_helpers import read_jsonl, write_jsonl
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QPushButton

from annotator.core.model import AnnotationSet, Document, Entity, Quote, Status, TextRange
from annotator.core.store import Store
from annotator.gui import exchange_dialogs, file_dialogs
from annotator.gui.exchange_dialogs import ExchangeRun, ExportDialog, ImportDialog
from annotator.io import exporter, importer

TEXT = "Alice met Bob in Paris, said the minister."


def fill(db_path, n=3):
    with Store(db_path) as store, store.transaction():
        for i in range(n):
            doc_id, _ = store.add_document(Document(text=f"{TEXT} {i}"))
            for who, status in (("alice", Status.DONE), ("bob", Status.IN_PROGRESS)):
                store.replace_annotation_set(AnnotationSet(
                    doc_id=doc_id, annotator=who, status=status,
                    entities=[Entity(0, 5, "PERSON"), Entity(17, 22, "GPE")],
                    quotes=[Quote(0, 22, speaker=TextRange(33, 41), cue=TextRange(24, 28))]))


@pytest.fixture
def messages(monkeypatch):
    """QMessageBox static calls recorded instead of shown: [(kind, title, text)]."""
    shown = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda parent, title, text, *a, _kind=kind, **k: shown.append((_kind, title, text))))
    return shown


def accept_with(monkeypatch, cls, fill_in):
    """Replace the modal exec(): fill the dialog's widgets (as a user would), then press OK."""
    def fake_exec(dialog):
        fill_in(dialog)
        dialog.findChild(exchange_dialogs.QDialogButtonBox).button(
            exchange_dialogs.QDialogButtonBox.StandardButton.Ok).click()
        return dialog.result()
    monkeypatch.setattr(cls, "exec", fake_exec)


def no_thread_warnings(qtlog):
    bad = [r.message for r in qtlog.records if "thread" in r.message.lower() or "Timers" in r.message]
    assert not bad, bad


def test_export_dialog_writes_the_checked_annotators_file(qtbot, qtlog, monkeypatch, db_path, tmp_path, messages):
    fill(db_path)
    out = tmp_path / "picked.jsonl"
    monkeypatch.setattr(file_dialogs, "save_file_name", lambda *a, **k: str(out))

    def fill_in(dialog):
        qtbot.addWidget(dialog)
        names = [dialog.annotators.item(i).text() for i in range(dialog.annotators.count())]
        assert names == ["alice", "bob"]
        states = [dialog.annotators.item(i).checkState() for i in range(2)]
        assert states == [Qt.CheckState.Checked, Qt.CheckState.Unchecked]  # the current annotator only
        dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
        browse = next(b for b in dialog.findChildren(exchange_dialogs.QPushButton) if b.text() == "Browse…")
        qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
        assert dialog.output.text() == str(out)
        dialog.labels.setText("GPE")

    accept_with(monkeypatch, ExportDialog, fill_in)
    report = ExportDialog.run(None, db_path, "alice")
    assert report is not None and report.records == 3
    records = read_jsonl(out)
    assert [r["_annotator_id"] for r in records] == ["alice"] * 3
    assert all([s["label"] for s in r["spans"]] == ["GPE"] for r in records)  # label filter from the widget
    assert all(len(r["quotes"]) == 1 for r in records)
    assert [m[:2] for m in messages] == [("information", "Export finished")]
    no_thread_warnings(qtlog)


def test_export_dialog_split_to_folder(qtbot, monkeypatch, db_path, tmp_path, messages):
    fill(db_path, n=6)
    folder = tmp_path / "split"
    monkeypatch.setattr(file_dialogs, "existing_directory", lambda *a, **k: str(folder))

    def fill_in(dialog):
        qtbot.addWidget(dialog)
        dialog.use_split.setChecked(True)
        dialog.split.setValue(0.5)
        dialog.statuses[Status.IN_PROGRESS].setChecked(True)
        for i in range(dialog.annotators.count()):
            dialog.annotators.item(i).setCheckState(Qt.CheckState.Checked)
        next(b for b in dialog.findChildren(exchange_dialogs.QPushButton) if b.text() == "Browse…").click()

    accept_with(monkeypatch, ExportDialog, fill_in)
    report = ExportDialog.run(None, db_path, "alice")
    assert report.records == 12 and sum(report.by_split.values()) == 12
    train, dev = read_jsonl(folder / "train.jsonl"), read_jsonl(folder / "dev.jsonl")
    assert len(train) + len(dev) == 12
    # every annotator's record of a document lands on the same side
    assert not {r["text"] for r in train} & {r["text"] for r in dev}


def test_export_dialog_cancel_button_writes_nothing(qtbot, monkeypatch, db_path, tmp_path, messages):
    fill(db_path)
    monkeypatch.setattr(ExportDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert ExportDialog.run(None, db_path, "alice") is None
    assert messages == [] and not (tmp_path / "exports").exists()


def cancel_when_started(monkeypatch, target, name):
    """Hold the worker inside `target.name` until the test has pressed Cancel on the progress dialog, so the
    cancel lands mid-run whatever the machine's speed."""
    pressed = threading.Event()
    original = getattr(target, name)

    def held(*args, **kwargs):
        pressed.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, held)

    def press_cancel():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and shiboken6.isValid(w)]
        if not dialogs:
            QTimer.singleShot(10, press_cancel)
            return
        (button,) = [b for b in dialogs[-1].findChildren(QPushButton) if b.text() == "Cancel"]
        button.click()
        pressed.set()

    QTimer.singleShot(0, press_cancel)
    return pressed


def test_export_cancelled_mid_run_leaves_no_file(qtbot, monkeypatch, db_path, tmp_path, messages):
    fill(db_path)
    out = tmp_path / "out.jsonl"
    accept_with(monkeypatch, ExportDialog, lambda d: d.output.setText(str(out)))
    pressed = cancel_when_started(monkeypatch, exporter.JsonlWriter, "write")
    assert ExportDialog.run(None, db_path, "alice") is None
    assert pressed.is_set()
    assert not out.exists() and messages == []


def import_file_records(tmp_path, n=4):
    return write_jsonl(tmp_path / "team.jsonl", [
        {"text": f"Text number {i} about Paris.", "spans": [{"start": 20, "end": 25, "label": "GPE", "text": "Paris"}],
         "_annotator_id": "carol" if i % 2 else None, "answer": "accept"} for i in range(n)])


def test_import_dialog_imports_the_browsed_file(qtbot, qtlog, monkeypatch, db_path, tmp_path, messages):
    source = import_file_records(tmp_path)
    monkeypatch.setattr(file_dialogs, "open_file_name", lambda *a, **k: str(source))
    Store(db_path).close()

    def fill_in(dialog):
        qtbot.addWidget(dialog)
        next(b for b in dialog.findChildren(exchange_dialogs.QPushButton) if b.text() == "Browse…").click()
        assert dialog.path.text() == str(source)
        dialog.format.setCurrentIndex(dialog.format.findData("prodigy"))
        qtbot.keyClicks(dialog.annotator, "dave")

    accept_with(monkeypatch, ImportDialog, fill_in)
    report = ImportDialog.run(None, db_path)
    assert (report.records, report.sets_written, report.documents_created) == (4, 4, 4)
    assert report.annotators == {"carol", "dave"}
    with Store(db_path, readonly=True) as store:
        assert store.document_count() == 4
        assert store.query("SELECT count(*) FROM entities")[0][0] == 4
        assert sorted(a.name for a in store.annotators()) == ["carol", "dave"]
    assert [m[:2] for m in messages] == [("information", "Import finished")]
    no_thread_warnings(qtlog)


def test_import_dialog_bad_file_warns_and_writes_nothing(qtbot, monkeypatch, db_path, tmp_path, messages):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}\n',
                   encoding="utf-8")
    Store(db_path).close()
    accept_with(monkeypatch, ImportDialog, lambda d: d.path.setText(str(bad)))
    assert ImportDialog.run(None, db_path) is None
    ((kind, title, text),) = messages
    assert kind == "warning" and "bad.jsonl:2: span 0 offsets 0-9 are outside the text" in text
    with Store(db_path, readonly=True) as store:
        assert store.document_count() == 0


def test_import_cancelled_mid_run_writes_nothing(qtbot, monkeypatch, db_path, tmp_path, messages):
    source = import_file_records(tmp_path, n=5)
    Store(db_path).close()
    monkeypatch.setattr(importer, "BATCH", 2)  # several batches, each followed by a cancel check
    accept_with(monkeypatch, ImportDialog, lambda d: d.path.setText(str(source)))
    pressed = cancel_when_started(monkeypatch, importer.BatchWriter, "flush")
    assert ImportDialog.run(None, db_path) is None
    assert pressed.is_set() and messages == []
    with Store(db_path, readonly=True) as store:
        assert store.document_count() == 0
        assert store.query("SELECT count(*) FROM annotation_sets")[0][0] == 0


def test_worker_finishes_and_is_deleted_in_its_thread(qtbot, qtlog, monkeypatch, db_path):
    fill(db_path, n=1)
    seen = {}
    shown = []

    def task(store, on_progress, should_cancel):
        on_progress(1, 2)
        seen["count"] = store.document_count()
        on_progress(2, 2)
        return "report"

    run = ExchangeRun(None, db_path, task, title="Working…", readonly=True)
    worker, thread = run.worker, run.worker_thread
    assert worker.thread() is thread  # moved before the thread starts

    def set_value(value):  # the progress dialog must be driven from the GUI thread only
        shown.append((value, run.progress.maximum(), threading.current_thread() is threading.main_thread()))
        QProgressDialog.setValue(run.progress, value)

    monkeypatch.setattr(run.progress, "setValue", set_value)
    with qtbot.waitSignal(worker.finished, timeout=10000) as finished, qtbot.waitSignal(run.done, timeout=10000):
        run.start()
    assert finished.args == ["report"] and run.report == "report" and run.error is None
    assert seen == {"count": 1}
    assert shown == [(1, 2, True), (2, 2, True)]
    qtbot.waitUntil(lambda: not shiboken6.isValid(worker))  # deleteLater ran in the worker thread
    assert thread.isFinished()
    no_thread_warnings(qtlog)


def test_worker_failure_reaches_the_gui_thread(qtbot, db_path):
    fill(db_path, n=1)

    def task(store, on_progress, should_cancel):
        raise ValueError("no annotator named 'zed'")

    run = ExchangeRun(None, db_path, task, title="Working…", readonly=True)
    assert run.wait() == (None, "no annotator named 'zed'")


def test_dialogs_offer_every_format(qtbot, db_path):
    fill(db_path, 1)
    export_dialog = ExportDialog(None, db_path)
    import_dialog = ImportDialog(None)
    qtbot.addWidget(export_dialog)
    qtbot.addWidget(import_dialog)
    offered = [export_dialog.format.itemData(i) for i in range(export_dialog.format.count())]
    assert offered == list(exporter.EXPORT_FORMATS)
    offered = [import_dialog.format.itemData(i) for i in range(import_dialog.format.count())]
    assert offered == list(importer.IMPORT_FORMATS)
    for fmt in exporter.EXPORT_FORMATS:  # the status boxes follow the exporter's own default for each format
        export_dialog.format.setCurrentIndex(export_dialog.format.findData(fmt))
        checked = [s for s, box in export_dialog.statuses.items() if box.isChecked()]
        assert set(checked) == set(exporter.default_statuses(fmt)), fmt


def test_export_dialog_spacy_takes_done_sets_and_lists_several_versions(qtbot, monkeypatch, db_path, tmp_path,
                                                                        messages):
    """Training formats: the status boxes switch to "done" only, and a document several people finished is
    exported once, the choice listed in the message."""
    fill(db_path, n=2)
    with Store(db_path) as store:  # bob finishes document 1 too
        store.replace_annotation_set(AnnotationSet(doc_id=1, annotator="bob", status=Status.DONE,
                                                   entities=[Entity(0, 5, "PERSON")]))

    def fill_in(dialog):
        qtbot.addWidget(dialog)
        dialog.format.setCurrentIndex(dialog.format.findData("spacy"))
        assert [s for s, box in dialog.statuses.items() if box.isChecked()] == [Status.DONE]
        dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
        assert {s for s, box in dialog.statuses.items() if box.isChecked()} == {Status.DONE, Status.REJECTED,
                                                                                Status.SKIPPED}
        dialog.format.setCurrentIndex(dialog.format.findData("spacy"))
        for i in range(dialog.annotators.count()):
            dialog.annotators.item(i).setCheckState(Qt.CheckState.Checked)
        dialog.output.setText(str(tmp_path / "corpus"))

    accept_with(monkeypatch, ExportDialog, fill_in)
    report = ExportDialog.run(None, db_path, "alice")
    assert report.records == 2  # 2 documents, one version each (bob's in-progress set of document 2 is out)
    kind, _title, text = messages[-1]
    assert kind == "information" and "Several versions of a document, one kept:" in text
    assert "document 1: versions by alice, bob; kept bob (latest update" in text


def test_import_and_export_dialogs_list_whitespace_edged_entities(qtbot, monkeypatch, db_path, tmp_path, messages):
    """Issue 17: kept as given, but both dialogs say which entities start or end in whitespace."""
    source = tmp_path / "ragged.jsonl"
    write_jsonl(source, [{"text": TEXT, "answer": "accept", "_annotator_id": "erin",
                          "spans": [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 10, "end": 13, "label": "PERSON"}]}])
    Store(db_path).close()
    accept_with(monkeypatch, ImportDialog, lambda d: d.path.setText(str(source)))
    assert ImportDialog.run(None, db_path) is not None
    (kind, title, text), = messages
    assert "1 spans start or end in whitespace" in text and "entity 0-6 PERSON 'Alice '" in text
    messages.clear()
    out = tmp_path / "out.jsonl"
    accept_with(monkeypatch, ExportDialog, lambda d: d.output.setText(str(out)))
    assert ExportDialog.run(None, db_path, "erin") is not None
    (kind, title, text), = messages
    assert "Not expressed exactly" in text and "document 1 (erin): entity 0-6 PERSON 'Alice '" in text


@pytest.mark.parametrize("target", ["itself", "-wal", "-shm", "symlink"])
@pytest.mark.parametrize("fmt", ["jsonl", "spacy"])
def test_the_window_export_refuses_the_database_and_its_wal_and_shm(qtbot, monkeypatch, db_path, tmp_path, messages,
                                                                     target, fmt):
    """Attack item 1: File → Export… to the database replaced it with JSONL. Refused before anything is written."""
    import os
    import sqlite3
    from pathlib import Path

    def identities():  # stat only: reading the files here would drop SQLite's locks of this process
        return {p.name: (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns) for p in Path(db_path).parent.iterdir()
                if p.is_file()}

    fill(db_path)
    holder = sqlite3.connect(db_path)  # keeps the -wal and -shm there
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM documents").fetchone()
    try:
        path = {"itself": str(db_path), "-wal": f"{db_path}-wal", "-shm": f"{db_path}-shm"}.get(target)
        if target == "symlink":
            path = str(tmp_path / "link.jsonl")
            os.symlink(db_path, path)
        before = identities()

        def fill_in(dialog):
            qtbot.addWidget(dialog)
            dialog.format.setCurrentIndex(dialog.format.findData(fmt))
            dialog.output.setText(path)

        accept_with(monkeypatch, ExportDialog, fill_in)
        assert ExportDialog.run(None, db_path, "alice") is None
        assert identities() == before
    finally:
        holder.close()
    assert [m[:2] for m in messages] == [("warning", "Export failed")]
    assert "database" in messages[0][2] or "is a file" in messages[0][2]  # spacy: main's folder check says it first
    with Store(db_path, readonly=True) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
