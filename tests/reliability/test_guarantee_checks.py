"""Guarantees from the README that only a direct look can check (audit 18, mutations 1, 2, 10, 15, 16).

A killed process cannot show a missing fsync or `synchronous=OFF` (the page cache survives SIGKILL), so these
tests read the settings and spy on the calls themselves: each fails when its guarantee's code is changed."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from annotator.core import files, ops
from annotator.core.model import Document, TargetKind, TextRange
from annotator.core.store import Store

TEXT = "Alice and Bob and Carol went home, said Dave."


def test_every_writable_connection_is_wal_with_synchronous_full(db_path, tmp_path):
    """README: an edit is committed before it returns (WAL, synchronous=FULL). 2 = FULL in PRAGMA synchronous."""
    kinds = {
        "created": lambda: Store(db_path),
        "reopened": lambda: Store(db_path),
        "no create": lambda: Store(db_path, create=False),
        "busy timeout": lambda: Store(db_path, busy_timeout_ms=100),
    }
    for kind, open_store in kinds.items():
        with open_store() as store:
            assert store.query("PRAGMA synchronous")[0][0] == 2, kind
            assert store.query("PRAGMA journal_mode")[0][0] == "wal", kind


def test_a_read_only_store_cannot_write_even_through_its_own_connection(db_path):
    """README: read commands open the database `mode=ro`. SQLite itself must refuse a write, not only our code."""
    with Store(db_path) as store:
        store.add_document(Document(text=TEXT))
    with Store(db_path, readonly=True) as reader:
        for sql in ("CREATE TABLE sneaky(x)", "DELETE FROM documents", "PRAGMA user_version = 7"):
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                reader.conn.execute(sql)
        assert reader.query("SELECT count(*) FROM documents")[0][0] == 1


def test_atomic_write_fsyncs_the_file_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    """README / core/files.py: temp file, fsync, rename over the target, fsync the folder."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def spy_fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def spy_replace(source, target):
        events.append(("replace", os.fspath(target)))
        return real_replace(source, target)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    target = tmp_path / "out.jsonl"
    for write in (lambda: files.write_text_atomic(target, "x\n"), lambda: files.write_bytes_atomic(target, b"y")):
        events.clear()
        write()
        kinds = [kind for kind, _ in events]
        assert kinds == ["fsync", "replace", "fsync"], events
        assert Path(events[0][1]).parent == tmp_path and Path(events[0][1]).name.endswith(".tmp")  # the temp file
        assert events[1][1] == str(target)
        assert events[2][1] == str(tmp_path)  # the folder, so the rename survives a crash


def test_the_window_polls_for_other_connections_commits_every_2_s(qtbot, db_path):
    """README: other connections' commits are shown within 2 s (polled every 2 s)."""
    from annotator.gui.main_window import MainWindow

    with Store(db_path) as store:
        store.add_document(Document(text=TEXT))
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    assert MainWindow.WATCH_INTERVAL_MS == 2000
    assert window.watcher.timer.interval() == 2000
    assert window.watcher.timer.isActive()


def _transactions(store: Store, action) -> list[list[str]]:
    """The statements `action` runs, grouped into BEGIN..COMMIT transactions; writes outside one fail."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        action()
    finally:
        store.conn.set_trace_callback(None)
    groups, current = [], None
    for sql in (s.strip().upper() for s in statements):
        if sql.startswith("BEGIN"):
            assert current is None, "a transaction inside a transaction"
            current = []
        elif sql.startswith("COMMIT"):
            assert current is not None
            groups.append(current)
            current = None
        elif sql.split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
            assert current is not None, f"a write outside a transaction: {sql[:80]}"
            current.append(sql)
    assert current is None
    return groups


def test_every_edit_is_exactly_one_transaction(db_path):
    """README: every edit is ONE transaction (its rows, its edit-log entry and the set's status together).
    Deterministic: SQLite's trace callback lists the statements, no kill timing involved."""
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT))
        store.ensure_annotation_set(doc_id, "alice")
        made = {}

        def add():
            made["entity"], _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=0, end=5, label="PER")

        edits = {
            "add entity": add,
            "relabel": lambda: ops.relabel_entity(store, entity_id=made["entity"].id, label="ORG"),
            "resize": lambda: ops.resize_entity(store, entity_id=made["entity"].id, start=0, end=3),
            "tag": lambda: ops.add_tag(store, doc_id=doc_id, annotator="alice", tag="check",
                                       target_kind=TargetKind.ENTITY, target_id=made["entity"].id),
            "add quote": lambda: made.__setitem__("quote", ops.add_quote(
                store, doc_id=doc_id, annotator="alice", start=10, end=20, speaker=TextRange(40, 44),
                speaker_name="Dave")),
            "delete entity": lambda: made.__setitem__("removed", ops.delete_entity(store, entity_id=made["entity"].id)),
            "undo delete": lambda: ops.restore(store, removed=made["removed"]),
            "delete quote": lambda: ops.delete_quote(store, quote_id=made["quote"].id),
        }
        for name, edit in edits.items():
            groups = _transactions(store, edit)
            assert len(groups) == 1, (name, groups)
            assert any("EDIT" in sql or "ANNOTATION_SETS" in sql for sql in groups[0]), (name, groups)


def test_a_read_command_refuses_an_older_schema_and_leaves_the_file_unchanged(db_path, monkeypatch):
    """README: read commands never change a file, an older schema included (audit 18: `list` used to migrate)."""
    import hashlib
    import subprocess
    import sys

    from annotator.core import migrations

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from faults import ANNOTATOR_BIN

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:-1])  # one migration behind
    with Store(db_path) as old:
        old.add_document(Document(text=TEXT))
    monkeypatch.undo()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    for command in (["list"], ["stats"], ["search", "Alice"]):
        result = subprocess.run([str(ANNOTATOR_BIN), "--db", str(db_path), *command], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode != 0, command
        (line,) = result.stderr.strip().splitlines()
        assert "schema upgrade" in line and "write command" in line and "Traceback" not in result.stderr
        assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before, command
    with Store(db_path) as upgraded:  # a write opens and upgrades it
        assert upgraded.document_count() == 1
