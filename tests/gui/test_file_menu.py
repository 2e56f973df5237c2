"""File menu: importing a folder of articles, importing annotations and exporting through the exchange dialogs."""

from __future__ import annotations

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Extraction, Status
from annotator.gui import main_window as main_window_module
from annotator.gui.exchange_dialogs import ExportDialog, ImportDialog
from annotator.gui.workers import ImportWorker
from tests.gui.conftest import fresh


def file_action(window, text: str):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    found = [a for a in file_menu.actions() if a.text() == text]
    assert len(found) == 1, [a.text() for a in file_menu.actions()]
    return found[0]


def test_import_annotations_runs_the_dialog_then_shows_what_it_wrote(qtbot, window, monkeypatch):
    window.view.select_range(72, 77)  # an edit, to have something on the undo stack
    qtbot.keyClick(window.view, "1")
    assert window.undo_stack.count() == 1
    calls = []

    def fake_run(cls, parent, db_path):
        calls.append((cls, parent, db_path))
        with fresh(db_path) as store:  # what an import does: another connection writes
            store.ensure_label("WORK_OF_ART", "#aa66cc")
            store.replace_annotation_set(AnnotationSet(doc_id=window.doc.id, annotator="alice", status=Status.DONE,
                                                       entities=[Entity(0, 5, "WORK_OF_ART")], quotes=[]))
            store.add_document(Document(text="Imported later.", title="Imported"))
        return object()  # a report

    monkeypatch.setattr(ImportDialog, "run", classmethod(fake_run))
    file_action(window, "Import a&nnotations…").trigger()
    assert calls == [(ImportDialog, window, window.store.path)]
    assert window.view.highlight_ranges() == [(0, 5, "WORK_OF_ART")]  # the open document re-read
    assert window.doc_model.total == 4 and window.doc_model.index(3, 0).data() == "Imported"
    assert window.progress_label.text() == "Progress: 1 / 4 done"
    assert any(a.text().endswith("WORK_OF_ART") for a in window.label_actions)
    assert window.undo_stack.count() == 0  # its commands pointed at rows the import replaced


def test_a_cancelled_import_changes_nothing(qtbot, window, monkeypatch):
    window.view.select_range(72, 77)
    qtbot.keyClick(window.view, "1")
    monkeypatch.setattr(ImportDialog, "run", classmethod(lambda cls, parent, db_path: None))
    file_action(window, "Import a&nnotations…").trigger()
    assert window.undo_stack.count() == 1


def test_export_runs_the_dialog_for_this_annotator(window, monkeypatch):
    calls = []
    monkeypatch.setattr(ExportDialog, "run", classmethod(lambda cls, *args: calls.append((cls, *args))))
    file_action(window, "&Export…").trigger()
    assert calls == [(ExportDialog, window, window.store.path, "alice")]


def test_import_folder_imports_its_articles_through_the_worker(qtbot, window, tmp_path, monkeypatch):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Rain in Paris\n\nReuters reported rain.", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("Sun in Lyon\n\nAgence reported sun.", encoding="utf-8")
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    asked = []
    monkeypatch.setattr(main_window_module.file_dialogs, "existing_directory",
                        lambda *a, **k: asked.append(a) or str(folder))

    def fake_extractor():
        return lambda texts: (Extraction(entities=[Entity(0, 4, "ORG")]) for _ in texts)

    workers = []

    class Worker(ImportWorker):
        def __init__(self, db_path, paths, **kw):
            super().__init__(db_path, paths, extract_factory=fake_extractor, **kw)
            workers.append(self)

    monkeypatch.setattr(main_window_module, "ImportWorker", Worker)
    file_action(window, "Import &folder…").trigger()
    assert len(asked) == 1 and workers[0].paths == [str(folder)]
    qtbot.waitUntil(lambda: window.import_thread is None, timeout=10000)
    assert window.doc_model.total == 5
    window.doc_model.id_at(4)  # rows are fetched lazily (by the view's next paint, or here)
    titles = {window.doc_model.index(r, 0).data() for r in range(5)}
    assert {"Rain in Paris", "Sun in Lyon"} <= titles
    new_id = window.doc_model.id_at(3)
    assert [e.label for e in window.store.annotation_set(new_id, MODEL_ANNOTATOR).entities] == ["ORG"]


def test_import_folder_cancelled_in_the_file_dialog(window, monkeypatch):
    monkeypatch.setattr(main_window_module.file_dialogs, "existing_directory", lambda *a, **k: "")
    file_action(window, "Import &folder…").trigger()
    assert window.import_thread is None and window.doc_model.total == 3
