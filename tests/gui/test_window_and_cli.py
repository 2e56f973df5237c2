"""The README's "a window plus a CLI ingest" and "keeping its undo history": the real MainWindow edits through
its undo commands while a real `annotator ingest` process writes 4,000 documents to the same database, and a
refresh from another connection keeps the window's undo history usable."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from annotator.core import ops
from annotator.core.model import AnnotationSet, Document, Entity, Origin
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]
WORDS = [f"w{i}" for i in range(400)]
TEXT = " ".join(WORDS) + "."


def word(i: int) -> tuple[int, int]:
    start = TEXT.index(f" w{i} ") + 1 if i else 0
    return start, start + len(f"w{i}")


def stored(db_path, doc_id, annotator):
    with Store(db_path, readonly=True) as store:
        aset = store.annotation_set(doc_id, annotator)
        return sorted((e.start, e.end, e.label) for e in aset.entities) if aset else []


def test_the_window_edits_while_a_cli_ingest_writes_and_loses_nothing(qtbot, db_path, tmp_path):
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT, title="Mine"))
    articles = tmp_path / "many.jsonl"
    count = 4000
    with articles.open("w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps({"id": i, "text": f"Story {i}: " + "the mayor said it was fine. " * 20}) + "\n")
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.open_document(doc_id)
    ingest = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "annotator"), "--db", str(db_path), "ingest", "--no-extract",
         "--batch-size", "50", str(articles)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
    )
    expected: dict[tuple[int, int], str] = {}
    edits_during, i = 0, 0
    deadline = time.monotonic() + 120  # bounded whatever the ingest does
    while ingest.poll() is None and i < len(WORDS) and time.monotonic() < deadline:
        span = word(i)
        window.view.select_range(*span)
        window.apply_label("ORG")
        assert window.save_label.text().startswith("Saved"), window.save_label.text()
        expected[span] = "ORG"
        if i % 3 == 2:  # and delete one in three again, through the selected entity
            window.delete_selected()
            assert window.save_label.text().startswith("Saved"), window.save_label.text()
            del expected[span]
        QApplication.processEvents()
        edits_during += ingest.poll() is None
        i += 1
    out, err = ingest.communicate(timeout=120)
    assert ingest.returncode == 0, err.decode()
    assert f"{count} added" in out.decode()
    assert edits_during > 0, "the ingest finished before the window edited: no overlap was tested"
    assert stored(db_path, doc_id, "alice") == sorted((s, e, label) for (s, e), label in expected.items())
    window.refresh_if_changed_elsewhere()  # what the watch timer does within 2 s
    assert window.store.document_count() == count + 1
    assert sorted((s.entity.start, s.entity.end) for s in window.view.index.entities.by_id.values()) == sorted(expected)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_refresh_from_another_connection_keeps_the_undo_history(qtbot, db_path):
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT, title="Mine"))
        store.replace_annotation_set(
            AnnotationSet(doc_id=doc_id, annotator="model", entities=[Entity(*word(0), "PERSON", Origin.MODEL)])
        )
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.open_document(doc_id)
    window.view.select_range(*word(5))
    window.apply_label("ORG")
    window.view.select_range(*word(7))
    window.apply_label("GPE")
    assert window.undo_stack.count() == 2
    with Store(db_path) as other:  # another window of the same annotator saves an entity
        ops.add_entity(other, doc_id=doc_id, annotator="alice", start=word(20)[0], end=word(20)[1], label="DATE")
    window.refresh_if_changed_elsewhere()
    assert window.undo_stack.count() == 2, "the refresh dropped the undo history"
    assert len(window.view.index.entities.by_id) == 4  # the model's, two of ours, the other window's
    window.undo_stack.undo()  # undo our GPE: the other window's entity stays
    assert stored(db_path, doc_id, "alice") == sorted([(*word(0), "PERSON"), (*word(5), "ORG"), (*word(20), "DATE")])
    window.undo_stack.undo()
    assert stored(db_path, doc_id, "alice") == sorted([(*word(0), "PERSON"), (*word(20), "DATE")])
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert stored(db_path, doc_id, "alice") == sorted(
        [(*word(0), "PERSON"), (*word(5), "ORG"), (*word(7), "GPE"), (*word(20), "DATE")])
    assert sorted((s.entity.start, s.entity.end, s.label) for s in window.view.index.entities.by_id.values()) == \
        stored(db_path, doc_id, "alice")
