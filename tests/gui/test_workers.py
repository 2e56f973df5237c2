"""File → Import runs in a worker thread with its own Store; the list refreshes when it ends."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QThread

from annotator.core.model import MODEL_ANNOTATOR, Entity, Extraction
from annotator.gui.workers import ImportWorker


def fake_extractor():
    def extract(texts):
        for text in texts:
            yield Extraction(entities=[Entity(0, text.index(" "), "ORG")])

    return extract


def test_import_in_background_refreshes_the_list(qtbot, window, tmp_path):
    articles = tmp_path / "new.jsonl"
    articles.write_text('{"text": "Reuters reported rain."}\n{"text": "Agence reported sun."}\n', encoding="utf-8")
    before = window.doc_model.total
    threads = []
    done = window._import_done
    window._import_done = lambda *a: (threads.append(QThread.currentThread() is QCoreApplication.instance().thread()), done(*a))
    worker = ImportWorker(window.store.path, [articles], extract_factory=fake_extractor)
    with qtbot.waitSignal(worker.finished, timeout=10000) as blocker:
        window.start_import(worker)
    assert blocker.args[0].added == 2
    qtbot.waitUntil(lambda: window.import_thread is None)  # the window's slot ran (queued, in the GUI thread)
    assert threads == [True]
    assert window.doc_model.total == before + 2
    new_id = window.doc_model.id_at(before)
    model_set = window.store.annotation_set(new_id, MODEL_ANNOTATOR)
    assert [(e.start, e.end, e.label) for e in model_set.entities] == [(0, 7, "ORG")]


def test_import_without_a_model_still_imports_texts(qtbot, window, tmp_path):
    articles = tmp_path / "a.txt"
    articles.write_text("Title\n\nBody text.", encoding="utf-8")

    def broken():
        raise ImportError("no spaCy here")

    worker = ImportWorker(window.store.path, [articles], extract_factory=broken)
    messages = []
    worker.message.connect(messages.append)
    with qtbot.waitSignal(worker.finished, timeout=10000) as blocker:
        window.start_import(worker)
    assert blocker.args[0].added == 1
    assert any("unavailable" in m for m in messages)
    qtbot.waitUntil(lambda: window.import_thread is None)  # the run ended and the window showed it
