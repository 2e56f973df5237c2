"""Schema migrations: an older database is migrated on open, a newer one is refused, junk is refused."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.migrations import MIGRATIONS, migrate
from annotator.core.model import Document
from annotator.core.store import Store, StoreError


def test_a_new_database_records_every_migration(db_path):
    with Store(db_path) as store:
        names = [r[0] for r in store.query("SELECT name FROM _migrations ORDER BY id")]
    assert names == [m.name for m in MIGRATIONS]


def test_an_older_database_is_migrated_and_keeps_its_data(db_path, monkeypatch):
    # Build a database as the first release wrote it: only the first migration.
    monkeypatch.setattr("annotator.core.migrations.MIGRATIONS", MIGRATIONS[:1])
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn)
    conn.execute(
        "INSERT INTO documents(hash, title, text, created_at) VALUES ('h1', 'Old', 'Kerry spoke in Islamabad.', 'x')"
    )
    conn.close()
    monkeypatch.undo()

    with Store(db_path) as store:
        names = [r[0] for r in store.query("SELECT name FROM _migrations ORDER BY id")]
        assert names == [m.name for m in MIGRATIONS]
        assert store.document(1).title == "Old"
        assert [h.doc_id for h in store.search("islamabad")] == [1]  # the FTS migration indexed old rows


def test_a_newer_database_is_refused_with_a_clear_message(db_path):
    with Store(db_path) as store:
        store.add_document(Document(text="kept"))
        store.conn.execute("INSERT INTO _migrations(name, applied_at) VALUES ('9999_from_the_future', 'x')")
    with pytest.raises(StoreError, match="newer version of annotator"):
        Store(db_path)
    with pytest.raises(StoreError, match="newer version of annotator"):
        Store(db_path, readonly=True)


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\x00" * 50])
def test_junk_or_truncated_files_are_refused(db_path, content):
    db_path.write_bytes(content)
    with pytest.raises(StoreError, match="cannot open as an annotator database"):
        Store(db_path)
    assert db_path.read_bytes() == content  # nothing written to the user's file


def test_migrating_twice_is_a_no_op(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert migrate(conn) == []
    conn.close()
