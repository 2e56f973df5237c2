"""Attack 15 #8, #9, #13: undo after another process changed the document, two windows under one name, and a
refusal that stayed red in the status bar across documents. Real files, real CLI subprocesses, real windows."""

from __future__ import annotations

import json
import subprocess

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core import ops
from annotator.core.integrity import ConflictError, integrity_words
from annotator.core.model import QuoteType
from annotator.core.store import Store
from tests.conftest import REPO

ANNOTATOR_BIN = REPO / ".venv" / "bin" / "annotator"


def _open(qtbot, path, name="alice", doc_id=None):
    from annotator.gui.main_window import MainWindow

    window = MainWindow(path, name)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    if doc_id is not None:
        window.open_document(doc_id)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.view.setFocus()
    return window


def _close(window):
    window.close()
    window.store.close()


def _ctrl_z(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def _cli(db_path, *args):
    result = subprocess.run([str(ANNOTATOR_BIN), "--db", str(db_path), *args], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def _quote_types(db_path, doc_id):
    with Store(db_path, readonly=True) as check:
        return [q.type for q in check.annotation_set(doc_id, "alice").quotes]


# -- #8: undo after a CLI import ---------------------------------------------------------------------------------

def _edit_then_reimport(qtbot, window, tmp_path, change):
    """alice changes the quote type and tags document 1 in the window, restarts, then a CLI import of her own
    record (edited by `change`) replaces her set: the window reopened after it is returned."""
    db_path, doc = window.store.path, window.doc_ids[0]
    window.open_document(doc)
    window.select_quote(window.view.index.quotes.ordered()[0].id)
    window.set_quote_type(QuoteType.INDIRECT)
    window.on_tag_toggled("document", None, "unsure", True)
    _close(window)
    exported = tmp_path / "alice.jsonl"
    _cli(db_path, "export", "--annotator", "alice", "--status", "in_progress", "-o", str(exported))
    records = [json.loads(line) for line in exported.read_text().splitlines() if line.strip()]
    for record in records:
        change(record)
    edited = tmp_path / "alice-edited.jsonl"
    edited.write_text("".join(json.dumps(r) + "\n" for r in records))
    _cli(db_path, "import", "--annotator", "alice", str(edited))
    return _open(qtbot, db_path, doc_id=doc)


def _retype_quote(record):
    for quote in record.get("quotes", []):
        quote["type"] = "mixed"
    record.pop("tags", None)


def test_undo_after_a_cli_import_says_once_why_and_then_moves_on(window, qtbot, tmp_path):
    doc = window.doc_ids[0]
    again = _edit_then_reimport(qtbot, window, tmp_path, _retype_quote)
    before = _quote_types(again.store.path, doc)
    _ctrl_z(qtbot, again)
    said = again.statusBar().currentMessage()
    assert "replaced" in said and "import" in said and "Ctrl+Z stops here" in said, said
    assert "gone" not in said  # the quote is there: it was the set that was replaced
    assert "Not undone" in again.save_label.text() and "Not saved" not in again.save_label.text()
    for _ in range(3):  # never the same refusal again and again
        _ctrl_z(qtbot, again)
        assert again.statusBar().currentMessage() == "Nothing earlier to undo on this document."
    assert _quote_types(again.store.path, doc) == before  # nothing written
    _close(again)


def test_undo_after_an_import_still_undoes_the_edits_made_after_it(window, qtbot, tmp_path):
    doc = window.doc_ids[0]
    again = _edit_then_reimport(qtbot, window, tmp_path, _retype_quote)
    again.select_quote(again.view.index.quotes.ordered()[0].id)
    again.set_quote_type(QuoteType.DIRECT)  # an edit after the import
    third = _reopen_same(qtbot, again, doc)
    _ctrl_z(qtbot, third)  # undoes the edit made after the import
    assert _quote_types(third.store.path, doc) == [QuoteType.MIXED]
    _ctrl_z(qtbot, third)  # then stops, saying why, once
    assert "replaced" in third.statusBar().currentMessage()
    _ctrl_z(qtbot, third)
    assert third.statusBar().currentMessage() == "Nothing earlier to undo on this document."
    _close(third)


def _reopen_same(qtbot, window, doc):
    path = window.store.path
    _close(window)
    return _open(qtbot, path, doc_id=doc)


def test_a_refused_earlier_step_is_said_once_not_repeated(window, qtbot):
    """Another kind of outside change: a row edited by another process (not a whole-set import)."""
    doc = window.doc_ids[0]
    window.open_document(doc)
    kerry = [s.id for s in window.view.index.entities.ordered() if s.start == 0][0]
    window.select_entity(kerry)
    window.apply_label("ORG")
    window.select_entity(kerry)
    window.apply_label("NORP")
    path = window.store.path
    _close(window)
    with Store(path) as other:
        other.conn.execute("UPDATE entities SET label = 'EVENT' WHERE id = ?", (kerry,))
    again = _open(qtbot, path, doc_id=doc)
    _ctrl_z(qtbot, again)
    said = again.statusBar().currentMessage()
    assert "Relabel as NORP" in said and "changed since" in said and "Ctrl+Z stops here" in said, said
    _ctrl_z(qtbot, again)
    assert again.statusBar().currentMessage() == "Nothing earlier to undo on this document."
    assert again.store.entity(kerry).label == "EVENT"  # the earlier ORG step was not undone past the refusal
    _close(again)


# -- #9: two windows under one name ------------------------------------------------------------------------------

def test_a_window_does_not_undo_another_windows_edit_and_says_so(window, qtbot):
    doc = window.doc_ids[0]
    path = window.store.path
    window.open_document(doc)
    b = _open(qtbot, path, doc_id=doc)  # window B, same name, opened second
    kerry = [s.id for s in window.view.index.entities.ordered() if s.start == 0][0]
    window.select_entity(kerry)
    window.delete_selected()  # in A
    b.refresh_if_changed_elsewhere()
    assert kerry not in b.view.index.entities.by_id
    b.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is b)
    b.view.setFocus()
    _ctrl_z(qtbot, b)  # B has no edits of its own
    said = b.statusBar().currentMessage()
    assert "another window open as you made it" in said and "undo it there" in said, said
    assert kerry not in b.view.index.entities.by_id
    with Store(path, readonly=True) as check:
        assert all(e.id != kerry for e in check.annotation_set(doc, "alice").entities)
    window.undo_stack.undo()  # A can still undo its own delete
    assert kerry in window.view.index.entities.by_id
    _close(b)


def test_an_edit_undone_in_the_other_window_is_refused_in_plain_words(window, qtbot):
    """Both windows hold the same delete on their stacks (B through its log path is refused now, so the
    second window's undo is made with the core, as an older build of the window would have): A's undo says
    the entity is back already, never SQLite's 'UNIQUE constraint failed'."""
    doc = window.doc_ids[0]
    window.open_document(doc)
    kerry = [s.id for s in window.view.index.entities.ordered() if s.start == 0][0]
    window.select_entity(kerry)
    window.delete_selected()
    from annotator.core.edit_history import next_step, undo_step

    with Store(window.store.path) as other:  # another window under the same name undoes the same delete
        undo_step(other, next_step(other, doc, "alice"), "alice")
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0, timeout=2000)
    said = window.save_label.toolTip()
    assert "undone already, in another window" in said, said
    assert "UNIQUE" not in said and "constraint" not in said
    assert window.store.integrity_check() == "ok"


def test_put_back_twice_is_said_in_words_by_the_core(store, seeded):
    db_path, ids = seeded
    with Store(db_path) as a, Store(db_path) as b:
        a.ensure_annotation_set(ids[0], "alice")
        entity = a.annotation_set(ids[0], "alice").entities[0]
        removed = ops.delete_entity(a, entity_id=entity.id)
        ops.restore(b, removed=removed)
        try:
            ops.restore(a, removed=removed)
        except ops.EditError as error:
            assert "back already" in str(error)
        else:
            raise AssertionError("putting an entity back twice must be refused")


def test_every_integrity_error_becomes_one_sentence(store, seeded):
    import sqlite3

    for raw in ["UNIQUE constraint failed: entities.id", "UNIQUE constraint failed: tags.doc_id, tags.annotator_id",
                "FOREIGN KEY constraint failed", "CHECK constraint failed: start >= 0",
                "NOT NULL constraint failed: quotes.start", "something new"]:
        words = integrity_words(sqlite3.IntegrityError(raw))
        assert "constraint" not in words and "\n" not in words and words, raw
    db_path, ids = seeded
    with Store(db_path) as s:
        s.ensure_annotation_set(ids[0], "alice")
        try:
            with s.transaction():
                s.conn.execute("INSERT INTO annotators(id, name, created_at) SELECT id, name, created_at "
                               "FROM annotators LIMIT 1")
        except ConflictError as error:
            assert "constraint" not in str(error) and "not saved" in str(error)
        else:
            raise AssertionError("a failed constraint must raise ConflictError")


# -- #13: a refusal does not stay red across documents -----------------------------------------------------------

def test_a_refusal_is_cleared_when_another_document_opens(window, qtbot):
    window.open_document(window.doc_ids[0])
    window.show_problem("the quote at [12, 27) was changed since")
    assert "Not saved" in window.save_label.text()
    window.open_document(window.doc_ids[1])
    assert window.save_label.text() == "All saved" and window.save_label.toolTip() == ""
    window.show_problem("refused")
    window.open_document(window.doc_ids[1])  # the same document again (a refresh): the refusal stays
    assert "Not saved" in window.save_label.text()
    window.view.select_range(0, 6)
    window.apply_label("ORG")  # the next edit saved: the state says so
    assert window.save_label.text().startswith("Saved ")


# -- #18: small things -------------------------------------------------------------------------------------------

def test_an_earlier_sessions_undo_says_it_cannot_be_redone(window, qtbot):
    doc = window.doc_ids[0]
    window.open_document(doc)
    window.on_tag_toggled("document", None, "unsure", True)
    again = _reopen_same(qtbot, window, doc)
    _ctrl_z(qtbot, again)
    said = again.statusBar().currentMessage()
    assert "Undid “Tag unsure”" in said and "cannot be redone" in said, said
    _close(again)


def test_stats_lists_no_ghost_annotators(seeded):
    db_path, ids = seeded
    with Store(db_path) as store:
        store.annotator_id("dora")  # a window opened as dora, nothing done
        store.ensure_annotation_set(ids[0], "alice")
        names = [a["annotator"] for a in store.stats()["annotators"]]
    assert "dora" not in names and "alice" in names and "model" in names
    out = _cli(db_path, "stats").stdout
    assert "dora" not in out


def test_the_title_dialog_shows_a_headline_whole(window, qtbot, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    from annotator.gui.dialogs import TitleDialog

    headline = "Kerry arrives in Islamabad for talks on the future of the region as protests continue outside"
    seen = {}

    def look():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        line = dialog.findChild(__import__("PySide6.QtWidgets", fromlist=["QLineEdit"]).QLineEdit)
        seen["fits"] = line.fontMetrics().horizontalAdvance(headline) <= line.width()
        seen["width"] = dialog.width()
        dialog.reject()

    QTimer.singleShot(200, look)
    assert TitleDialog.ask(window, headline) is None
    assert seen["width"] >= 480 and seen["fits"], seen


def test_annotated_by_forgets_a_set_whose_only_edit_was_undone(window):
    _doc1, second, _third = window.doc_ids
    window.open_document(second)
    from annotator.core.model import Status

    window.set_status(Status.SKIPPED)  # the first and only edit: alice's own set, then undone (attack: doc 7)
    assert "alice" in window.store.document_rows([second], annotator="alice")[0].annotators
    window.undo_stack.undo()
    row = window.store.document_rows([second], annotator="alice")[0]
    assert row.status.value == "new" and "alice" not in row.annotators
    out = _cli(window.store.path, "list").stdout
    line = next(l for l in out.splitlines() if "Second" in l)
    assert "alice" not in line


def test_undo_does_not_overwrite_another_windows_later_change(window, qtbot):
    doc = window.doc_ids[0]
    window.open_document(doc)
    kerry = [s.id for s in window.view.index.entities.ordered() if s.start == 0][0]
    window.select_entity(kerry)
    window.apply_label("ORG")  # A: PERSON -> ORG
    with Store(window.store.path) as other:  # B, same name, relabels the same entity afterwards
        ops.relabel_entity(other, entity_id=kerry, label="NORP")
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0, timeout=2000)
    said = window.save_label.toolTip()
    assert "another window open under your name changed it since" in said and "Relabel as NORP" in said, said
    with Store(window.store.path, readonly=True) as check:
        assert check.entity(kerry).label == "NORP"  # B's change kept


def test_undo_of_my_own_edit_still_works_after_another_window_edited_elsewhere(window, qtbot):
    doc = window.doc_ids[0]
    window.open_document(doc)
    spans = window.view.index.entities.ordered()
    kerry, other_span = spans[0].id, spans[-1].id
    window.select_entity(kerry)
    window.apply_label("ORG")
    with Store(window.store.path) as other:
        ops.relabel_entity(other, entity_id=other_span, label="LOC")  # another entity: no clash
    window.undo_stack.undo()
    with Store(window.store.path, readonly=True) as check:
        assert check.entity(kerry).label == "PERSON" and check.entity(other_span).label == "LOC"
