"""Issue 11 in the window: two-window undo re-checks invariants; a full disk or any database error gives the red
"Not saved" (never "Saved"); a read-only database opens read-only with a banner; start-up errors show in a
message box; a window cut off from the live WAL notices it and refuses edits."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.core import ops
from annotator.core.model import AnnotationSet, Document, Entity, Origin
from annotator.core.store import Store
from annotator.gui import commands as cmd
from annotator.gui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from faults import ANNOTATOR_BIN, fill, remount_readonly, small_tmpfs  # noqa: E402

TEXT = "Kerry met Aziz in Islamabad on Tuesday."


def make_db(db_path) -> int:
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT, title="Talks"))
        store.replace_annotation_set(
            AnnotationSet(doc_id=doc_id, annotator="model", entities=[Entity(0, 5, "PERSON", Origin.MODEL),
                                                                      Entity(18, 27, "GPE", Origin.MODEL)])
        )
    return doc_id


def alice_entities(db_path, doc_id):
    with Store(db_path, readonly=True) as check:
        return sorted((e.start, e.end, e.label) for e in check.annotation_set(doc_id, "alice").entities)


def no_overlap(spans):
    return all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def open_window(qtbot, db_path):
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    return window


def entity_id_at(window, start):
    return next(i for i, e in window.view.index.entities.by_id.items() if e.start == start)


def refused(window) -> bool:
    return "Not saved" in window.save_label.text() and "Saved " not in window.save_label.text()


# -- 5. undo across two windows ----------------------------------------------------------------------------------


@pytest.mark.parametrize("other_span", [(0, 5), (2, 9), (0, 3)])
def test_undo_of_a_delete_refuses_to_overlap_an_entity_the_other_window_added(qtbot, db_path, other_span):
    doc_id = make_db(db_path)
    window = open_window(qtbot, db_path)
    window.push(cmd.DeleteEntityCommand(window.store, window.notifier, doc_id=doc_id, annotator="alice",
                                        entity_id=entity_id_at(window, 0)))
    other = open_window(qtbot, db_path)  # a second window, same annotator
    assert other.push(cmd.AddEntityCommand(other.store, other.notifier, doc_id=doc_id, annotator="alice",
                                           start=other_span[0], end=other_span[1], label="ORG"))
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0, timeout=2000)
    assert "Not undone: can't undo" in window.save_label.toolTip() and "overlap" in window.save_label.toolTip()
    spans = alice_entities(db_path, doc_id)
    assert no_overlap(spans) and (*other_span, "ORG") in spans


def test_undo_of_a_resize_refuses_to_overlap(qtbot, db_path):
    doc_id = make_db(db_path)
    window = open_window(qtbot, db_path)
    gpe = entity_id_at(window, 18)
    window.push(cmd.ResizeEntityCommand(window.store, window.notifier, doc_id=doc_id, annotator="alice",
                                        entity_id=gpe, start=18, end=22))
    with Store(db_path) as other:
        ops.add_entity(other, doc_id=doc_id, annotator="alice", start=23, end=27, label="LOC")
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0, timeout=2000)
    assert "overlap" in window.save_label.toolTip()
    assert no_overlap(alice_entities(db_path, doc_id))


def test_redo_of_an_add_refuses_to_overlap(qtbot, db_path):
    doc_id = make_db(db_path)
    window = open_window(qtbot, db_path)
    window.push(cmd.AddEntityCommand(window.store, window.notifier, doc_id=doc_id, annotator="alice",
                                     start=10, end=14, label="PERSON"))
    window.undo_stack.undo()
    with Store(db_path) as other:
        ops.add_entity(other, doc_id=doc_id, annotator="alice", start=6, end=12, label="ORG")
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0, timeout=2000)
    assert "Not redone: can't redo" in window.save_label.toolTip()
    assert no_overlap(alice_entities(db_path, doc_id))


# -- 2. full disk and any database error: "Not saved" ----------------------------------------------------------


def test_an_edit_on_a_full_disk_shows_not_saved(qtbot, tmp_path):
    with small_tmpfs("2m") as disk:
        db = disk / "a.db"
        doc_id = make_db(db)
        window = open_window(qtbot, db)
        big_label = "X" * 200
        fill(disk)
        ok = True
        entity_id = entity_id_at(window, 18)
        for i in range(200):  # the WAL may still have room for a few edits: keep going until it fills
            ok = window.push(cmd.RelabelEntityCommand(window.store, window.notifier, doc_id=doc_id,
                                                      annotator="alice", entity_id=entity_id,
                                                      label=f"{i}{big_label * 20}"))
            if not ok:
                break
        assert not ok
        assert refused(window) and "disk is full" in window.save_label.toolTip()
        window.close()
        window.store.close()
        (disk / "filler.bin").unlink()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


@pytest.mark.parametrize("error", [sqlite3.OperationalError("database or disk is full"),
                                   sqlite3.DatabaseError("database disk image is malformed"),
                                   sqlite3.IntegrityError("UNIQUE constraint failed")])
def test_any_database_error_of_an_edit_shows_not_saved(qtbot, db_path, monkeypatch, error):
    doc_id = make_db(db_path)
    window = open_window(qtbot, db_path)
    window.save_label.setText("Saved 10:00:00")

    def fail(*_a, **_k):
        raise error

    monkeypatch.setattr(ops, "add_entity", fail)
    assert not window.push(cmd.AddEntityCommand(window.store, window.notifier, doc_id=doc_id, annotator="alice",
                                                start=10, end=14, label="PERSON"))
    assert refused(window)


# -- 3. read-only: the window opens read-only with a banner --------------------------------------------------


def test_a_read_only_database_opens_read_only_with_a_banner(qtbot, tmp_path):
    with small_tmpfs("4m") as disk:
        db = disk / "a.db"
        doc_id = make_db(db)
        remount_readonly(disk)
        window = open_window(qtbot, db)
        window.show()
        banner = window.findChild(QLabel, "storeBanner")
        assert banner is not None and banner.isVisible() and "Read-only" in banner.text()
        assert window.save_label.text() == "Read-only"
        assert window.doc is not None and window.entity_model.rowCount() == 2  # reads work (the model's set)
        assert not window.push(cmd.AddEntityCommand(window.store, window.notifier, doc_id=doc_id, annotator="alice",
                                                    start=10, end=14, label="PERSON"))
        assert refused(window) and "read-only" in window.save_label.toolTip()
        window.close()
        window.store.close()


@pytest.mark.parametrize("kind", ["not a database", "newer schema", "empty folder path"])
def test_start_up_errors_appear_in_a_message_box(qtbot, tmp_path, monkeypatch, kind):
    from annotator.gui.app import run_app

    db = tmp_path / "a.db"
    if kind == "not a database":
        db.write_bytes(b"a shopping list\n" * 100)
    elif kind == "newer schema":
        make_db(db)
        conn = sqlite3.connect(db)
        conn.execute("INSERT INTO _migrations(name, applied_at) VALUES ('9999_from_the_future', 'now')")
        conn.commit()
        conn.close()
    else:
        db = tmp_path
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: shown.append(text))
    assert run_app(db, "alice") == 1
    assert len(shown) == 1 and str(db) in shown[0]


# -- the window notices being cut off from the live WAL ------------------------------------------------------


def test_a_window_cut_off_from_its_wal_says_so_and_never_shows_saved(qtbot, db_path, tmp_path):
    """Reproduce the issue's corruption path for real: an open()+close() of the database file in the window's
    process drops SQLite's POSIX locks; another `annotator` process then checkpoints and deletes the WAL."""
    doc_id = make_db(db_path)
    window = open_window(qtbot, db_path)
    with open(db_path, "rb") as handle:  # what Qt's MIME sniffing did: this close() drops our locks
        handle.read(100)
    source = tmp_path / "x.jsonl"
    source.write_text(json.dumps({"text": "Another story.", "answer": "accept"}) + "\n", encoding="utf-8")
    result = subprocess.run([str(ANNOTATOR_BIN), "--db", str(db_path), "import", str(source)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert window.store.cut_off() is not None  # the WAL this window holds was deleted under it
    window.refresh_if_changed_elsewhere()
    banner = window.findChild(QLabel, "storeBanner")
    assert banner is not None and "Cut off" in banner.text()
    assert not window.push(cmd.AddEntityCommand(window.store, window.notifier, doc_id=doc_id, annotator="alice",
                                                start=10, end=14, label="PERSON"))
    assert refused(window)


WRITE_AND_HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("CREATE TABLE scratch_from_elsewhere(x)")
print("written", flush=True)
sys.stdin.readline()  # stay connected: its -wal stays on disk
"""


def test_a_window_notices_its_wal_replaced_by_a_new_one(qtbot, db_path, tmp_path):
    """The WAL is deleted (as above) and then a process still connected makes a NEW one: the file exists again,
    so only the device+inode comparison of `Store.cut_off` can tell the window is cut off."""
    make_db(db_path)
    window = open_window(qtbot, db_path)
    with open(db_path, "rb") as handle:  # drops this process's POSIX locks
        handle.read(100)
    wal = Path(f"{db_path}-wal")
    assert wal.exists()
    deleter = subprocess.run([sys.executable, "-c", "import sqlite3, sys\n"
                              "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode = WAL');"
                              "c.execute('SELECT count(*) FROM documents').fetchone(); c.close()", str(db_path)],
                             capture_output=True, text=True, timeout=60)
    assert deleter.returncode == 0, deleter.stderr
    assert not wal.exists()  # checkpointed and removed by a process that thought it was alone
    (tmp_path / "takes-the-freed-inode").write_bytes(b"x")  # so the new -wal cannot reuse the old inode number
    holder = subprocess.Popen([sys.executable, "-c", WRITE_AND_HOLD, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "written"
        assert wal.exists()
        assert window.store.cut_off() is not None
    finally:
        holder.communicate("\n", timeout=60)


def test_review_mode_start_up_errors_appear_in_a_message_box(qtbot, tmp_path, monkeypatch):
    from annotator.gui.app import run_review

    db = tmp_path / "a.db"
    db.write_bytes(b"not a database at all\n" * 50)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: shown.append(text))
    assert run_review(db, "rita") == 1
    assert len(shown) == 1 and str(db) in shown[0]


def test_a_read_only_window_refuses_tag_set_edits_and_annotator_changes_write_nothing(qtbot, tmp_path, monkeypatch):
    from annotator.gui.dialogs import AnnotatorNameDialog

    with small_tmpfs("4m") as disk:
        db = disk / "a.db"
        make_db(db)
        remount_readonly(disk)
        window = open_window(qtbot, db)
        window.edit_tag_set()  # refused before the dialog opens
        assert refused(window) and "read-only" in window.save_label.toolTip()
        monkeypatch.setattr(AnnotatorNameDialog, "ask", classmethod(lambda cls, parent, current="": "bob"))
        window.change_annotator()  # reading as someone else is fine; nothing is written
        assert window.annotator == "bob"
        window.close()
        window.store.close()


@pytest.mark.parametrize("how", ["removed", "replaced by an export"])
def test_a_window_whose_shm_was_removed_or_replaced_says_cut_off_and_never_shows_saved(qtbot, db_path, tmp_path, how):
    """Attack item 2: with its -shm gone, the window and other processes use different WAL indexes, so commits
    of each are invisible to the other. The window must notice it and refuse edits (never "Saved")."""
    import os

    doc_id = make_db(db_path)
    window = open_window(qtbot, db_path)
    shm = Path(f"{db_path}-shm")
    assert shm.exists()
    if how == "removed":
        os.unlink(shm)
    else:  # what `export -o a.db-shm` did before exports refused it: a new file renamed over the -shm
        temp = tmp_path / "new-shm"
        temp.write_bytes(b"{}\n")
        os.replace(temp, shm)
    source = tmp_path / "x.jsonl"
    source.write_text(json.dumps({"text": "Another story.", "answer": "accept", "_annotator_id": "userk"}) + "\n",
                      encoding="utf-8")
    result = subprocess.run([str(ANNOTATOR_BIN), "--db", str(db_path), "import", str(source)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert window.store.cut_off() is not None
    assert not window.push(cmd.AddEntityCommand(window.store, window.notifier, doc_id=doc_id, annotator="alice",
                                                start=10, end=14, label="PERSON"))
    assert refused(window)
    window.refresh_if_changed_elsewhere()
    banner = window.findChild(QLabel, "storeBanner")
    assert banner is not None and "Cut off" in banner.text()


@pytest.mark.parametrize("name", ["model", " model", "gold", "model\u00a0", "\tgold "])
def test_the_cli_refuses_reserved_annotator_names_for_the_window(tmp_path, name):
    """Attack item 4: `gui --annotator model` edited the pre-extraction. Refused before any window opens."""
    db = tmp_path / "g.db"
    make_db(db)
    result = subprocess.run([str(ANNOTATOR_BIN), "--db", str(db), "gui", "--annotator", name], capture_output=True,
                            text=True, timeout=120, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
    # refused as reserved, or (with surrounding whitespace) already by the name check of issue 15
    assert "reserved" in result.stderr or "annotator name" in result.stderr, result.stderr


@pytest.mark.parametrize("typed", ["model", " model ", "gold", "model\u00a0"])
def test_change_annotator_refuses_reserved_names_and_keeps_the_annotator(qtbot, db_path, monkeypatch, typed):
    from PySide6.QtWidgets import QInputDialog

    make_db(db_path)
    window = open_window(qtbot, db_path)
    before = window.annotator
    answers, prompts = [(typed, True), ("", False)], []  # the name, then Cancel when asked again

    def get_text(_parent, _title, prompt, *_a, **_k):
        prompts.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    window.change_annotator()
    assert window.annotator == before
    assert len(prompts) == 2 and ("reserved" in prompts[1] or "space" in prompts[1]), prompts  # asked again, why
    with pytest.raises(ValueError, match="reserved|space"):
        MainWindow(db_path, typed)
