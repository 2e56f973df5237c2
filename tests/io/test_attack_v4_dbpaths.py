"""Attack v4 H1, M3, M4, L2, L3: the database's real files are protected whatever name `--db` is given by, and
the edges of long texts, CSV fields and interrupts.

H1: SQLite follows a symbolic link to the database and keeps its WAL beside the real file, so with
`--db dsym.db -> d.db` the WAL is `d.db-wal`: every protection compares against the real files (by inode where
they exist, by fully resolved name where they do not yet)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from tests.cli_run import one_line_error, run_cli

RECORDS = [
    {"text": "Angela Merkel visited Paris and Rome last week.", "answer": "accept", "_annotator_id": "alice",
     "spans": [{"start": 0, "end": 13, "label": "PERSON"}, {"start": 22, "end": 27, "label": "GPE"}]},
    {"text": "Olaf Scholz met Emmanuel Macron in Berlin.", "answer": "accept", "_annotator_id": "bob",
     "spans": [{"start": 0, "end": 11, "label": "PERSON"}]},
    {"text": "Rain fell on Oslo all day.", "answer": "accept", "_annotator_id": "carol",
     "spans": [{"start": 13, "end": 17, "label": "GPE"}]},
]


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _seeded(tmp_path: Path) -> tuple[Path, Path]:
    """A real database d.db with one document, and dsym.db -> d.db."""
    db = tmp_path / "d.db"
    run_cli(db, "import", _jsonl(tmp_path / "seed.jsonl", RECORDS[:1]))
    link = tmp_path / "dsym.db"
    link.symlink_to(db.name)
    return db, link


def _documents(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("target", ["d.db-wal", "d.db-shm"])
def test_export_through_a_symlinked_db_never_replaces_the_real_wal(tmp_path, target):
    db, link = _seeded(tmp_path)
    reader = sqlite3.connect(db)  # another process's reader: committed work stays in d.db-wal
    try:
        reader.execute("SELECT count(*) FROM documents").fetchone()
        run_cli(db, "import", _jsonl(tmp_path / "more.jsonl", RECORDS[1:]))
        real = tmp_path / target
        assert real.exists()
        before = real.stat().st_ino
        line = one_line_error(run_cli(link, "export", "-o", real, ok=False), "annotator database")
        assert target in line
        assert real.stat().st_ino == before
    finally:
        reader.close()
    assert _documents(db) == 3


@pytest.mark.parametrize("how", ["journal-new", "wal-new", "link-to-wal"])
def test_export_target_named_like_the_real_database_files_is_refused(tmp_path, how):
    db, link = _seeded(tmp_path)
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{db}{suffix}").exists()  # the last connection closed: no WAL yet
    if how == "journal-new":
        given = tmp_path / "d.db-journal"
    elif how == "wal-new":
        given = tmp_path / "d.db-wal"
    else:
        given = tmp_path / "out.jsonl"
        given.symlink_to("d.db-wal")  # a dangling link that would create the WAL
    one_line_error(run_cli(link, "export", "-o", given, ok=False), "annotator database")
    assert not (tmp_path / "d.db-journal").exists()
    wal = tmp_path / "d.db-wal"  # SQLite itself may have made it; it must not hold an export
    assert not wal.exists() or not wal.read_bytes().startswith(b"{")
    assert _documents(db) == 1


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_brat_file_linked_to_the_real_wal_or_shm_is_refused_unread_with_a_symlinked_db(tmp_path, suffix):
    db, link = _seeded(tmp_path)
    reader = sqlite3.connect(db)
    try:
        reader.execute("SELECT count(*) FROM documents").fetchone()
        run_cli(db, "import", _jsonl(tmp_path / "more.jsonl", RECORDS[1:]))
        folder = tmp_path / "brat" / "b"
        folder.mkdir(parents=True)
        (folder / "x.txt").write_text(RECORDS[0]["text"], encoding="utf-8")
        (folder / "x.ann").symlink_to(Path(f"{db}{suffix}"))
        line = one_line_error(run_cli(link, "import", folder, ok=False), "is the annotator database")
        assert "x.ann" in line and "UTF-8" not in line
    finally:
        reader.close()
    assert _documents(db) == 3


def test_direct_input_hard_linked_to_the_real_wal_is_refused_with_a_symlinked_db(tmp_path):
    db, link = _seeded(tmp_path)
    reader = sqlite3.connect(db)
    try:
        reader.execute("SELECT count(*) FROM documents").fetchone()
        run_cli(db, "import", _jsonl(tmp_path / "more.jsonl", RECORDS[1:]))
        given = tmp_path / "wal.jsonl"
        os.link(f"{db}-wal", given)
        one_line_error(run_cli(link, "import", given, ok=False), "is the annotator database")
    finally:
        reader.close()
    assert _documents(db) == 3


def test_every_atomic_write_refuses_the_real_files_of_a_database_opened_by_a_link(tmp_path):
    """The core guard under every writer (reports, training files, the window's save dialogs)."""
    from annotator.core.files import WriteTargetError, write_text_atomic
    from annotator.core.store import Store

    db, link = _seeded(tmp_path)
    with Store(link):
        for name in ("d.db", "d.db-wal", "d.db-shm", "d.db-journal"):
            with pytest.raises(WriteTargetError):
                write_text_atomic(tmp_path / name, "x")
        write_text_atomic(tmp_path / "report.txt", "fine")
    assert (tmp_path / "report.txt").read_text() == "fine"


# --- M4: doccano CSV cells as long as any text annotator takes; L2: a leading BOM is not counted ---------------

LONG_SENTENCE = "Paris is big. "


def _text(length: int) -> str:
    return (LONG_SENTENCE * (length // len(LONG_SENTENCE) + 1))[:length - 1] + "."


def _csv(path: Path, text: str) -> Path:
    path.write_text(f'text,label\n"{text}",POLITICS\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("length", [210_000, 1_000_000])
def test_doccano_csv_takes_texts_up_to_the_limit_of_every_format(tmp_path, length):
    db = tmp_path / "c.db"
    run_cli(db, "import", _csv(tmp_path / "c2.csv", _text(length)))
    conn = sqlite3.connect(db)
    try:
        assert [len(t) for (t,) in conn.execute("SELECT text FROM documents")] == [length]
    finally:
        conn.close()


def test_doccano_csv_cell_over_the_limit_is_refused_in_one_line_as_too_long(tmp_path):
    db = tmp_path / "c.db"
    line = one_line_error(run_cli(db, "import", _csv(tmp_path / "c3.csv", _text(1_000_005)), ok=False),
                          "c3.csv:2", "1,000,000")
    assert "field limit" not in line and "bad CSV" not in line


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_a_text_of_the_limit_plus_a_leading_bom_is_taken(tmp_path, form):
    db = tmp_path / "b.db"
    text = "\ufeff" + _text(1_000_000)
    if form == "jsonl":
        source = _jsonl(tmp_path / "bom.jsonl", [{"text": text, "answer": "accept", "_annotator_id": "alice",
                                                   "spans": [{"start": 1, "end": 6, "label": "GPE"}]}])
    else:
        source = _csv(tmp_path / "bom.csv", text)
    run_cli(db, "import", source)
    conn = sqlite3.connect(db)
    try:
        assert [len(t) for (t,) in conn.execute("SELECT text FROM documents")] == [1_000_000]
    finally:
        conn.close()


def test_a_text_one_over_the_limit_without_bom_is_still_refused(tmp_path):
    source = _jsonl(tmp_path / "long.jsonl", [{"text": _text(1_000_001), "answer": "accept",
                                               "_annotator_id": "alice", "spans": []}])
    one_line_error(run_cli(tmp_path / "b.db", "import", source, ok=False), "long.jsonl:1", "1,000,001")


# --- M3: an interrupt that lands between a temporary file's creation and its cleanup -----------------------------

def _cli_interrupted_at_temp(number: int) -> list[str]:
    """The real CLI in a subprocess, where the `number`-th temporary file core/files creates is followed at once by
    an interrupt (what SIGTERM's handler raises), before the code that would remove it runs: the window the
    attacker hit in 2 of 8 runs, made certain."""
    import sys

    code = ("import annotator.core.files as files\n"
            "made = files._open_temp_beside\n"
            "count = [0]\n"
            "def cut(*args, **kwargs):\n"
            "    result = made(*args, **kwargs)\n"
            "    count[0] += 1\n"
            f"    if count[0] == {number}:\n"
            "        raise KeyboardInterrupt\n"
            "    return result\n"
            "files._open_temp_beside = cut\n"
            "from annotator.cli import main\n"
            "main()\n")
    return [sys.executable, "-c", code]


@pytest.mark.parametrize(("number", "output"), [(1, "nb"), (4, "nb"), (3, "new/deeper/nb")])
def test_an_interrupted_brat_export_leaves_no_new_folder_and_no_temporary_file(tmp_path, number, output):
    db = tmp_path / "t.db"
    run_cli(db, "import", _jsonl(tmp_path / "r.jsonl", [dict(r, _annotator_id="u0") for r in RECORDS]))
    result = run_cli(db, "export", "--format", "brat", "-o", tmp_path / output, "--annotator", "u0", ok=False,
                     command=_cli_interrupted_at_temp(number))
    assert result.returncode == 130, result.stderr
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == ["r.jsonl", "t.db"]


def test_an_interrupted_brat_export_into_an_existing_folder_keeps_what_was_there(tmp_path):
    db = tmp_path / "t.db"
    run_cli(db, "import", _jsonl(tmp_path / "r.jsonl", [dict(r, _annotator_id="u0") for r in RECORDS]))
    folder = tmp_path / "coll"
    folder.mkdir()
    (folder / "annotation.conf").write_text("[entities]\nPERSON\n", encoding="utf-8")
    run_cli(db, "export", "--format", "brat", "-o", folder, "--annotator", "u0", ok=False,
            command=_cli_interrupted_at_temp(2))
    names = {p.name for p in folder.iterdir()}
    assert "annotation.conf" in names and not any(n.endswith((".txt", ".ann")) for n in names)


# --- L3: a second signal during the cleanup; SIGTERM before the command starts ------------------------------------

def _cli_with_signals(first: str, during_cleanup: str) -> list[str]:
    """The real CLI in a subprocess that sends itself real signals: SIGINT while the import reads its file, then
    SIGINT + SIGTERM (as a user's repeated Ctrl+C and a supervisor's kill) right as the cleanup starts, in
    `during_cleanup` ("remove": removing the new database; "close": closing the store)."""
    import sys

    cleanup = ("import annotator.cli.exchange as target\n"
               "original = target.remove_new_database\n"
               "def hooked(*args, **kwargs):\n"
               "    os.kill(os.getpid(), signal.SIGINT); os.kill(os.getpid(), signal.SIGTERM)\n"
               "    return original(*args, **kwargs)\n"
               "target.remove_new_database = hooked\n") if during_cleanup == "remove" else (
               "import annotator.core.store as target\n"
               "original = target.Store.close\n"
               "def hooked(self, *args, **kwargs):\n"
               "    os.kill(os.getpid(), signal.SIGINT); os.kill(os.getpid(), signal.SIGTERM)\n"
               "    return original(self, *args, **kwargs)\n"
               "target.Store.close = hooked\n")
    code = ("import os, signal\n"
            "import annotator.cli\n"
            "import annotator.io.importer as importer\n"
            "read = importer.import_file\n"
            "def reading(*args, **kwargs):\n"
            f"    os.kill(os.getpid(), signal.{first})\n"
            "    return read(*args, **kwargs)\n"
            "import annotator.cli.exchange as exchange\n"
            "exchange.import_file = reading\n"
            "importer.import_file = reading\n"
            + cleanup +
            "from annotator.cli import main\n"
            "main()\n")
    return [sys.executable, "-c", code]


@pytest.mark.parametrize(("first", "during"), [("SIGINT", "remove"), ("SIGTERM", "close")])
def test_a_second_signal_during_cleanup_still_removes_the_new_database(tmp_path, first, during):
    db = tmp_path / "dbl.db"
    result = run_cli(db, "import", "--no-extract", _jsonl(tmp_path / "r.jsonl", RECORDS), ok=False,
                     command=_cli_with_signals(first, during))
    line = one_line_error(result, "nothing was imported", "was removed")
    assert result.returncode == (143 if first == "SIGTERM" else 130), line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]


def _cli_terminated(where: str) -> list[str]:
    import sys

    kill = "os.kill(os.getpid(), signal.SIGTERM)\n"
    if where == "after-import":  # the package is loaded, click has not parsed anything yet
        code = "import os, signal\nimport annotator.cli\n" + kill + "annotator.cli.main()\n"
    else:  # while the command modules are being imported (most of the start-up time)
        code = ("import os, signal, builtins\n"
                "real = builtins.__import__\n"
                "def slow(name, *args, **kwargs):\n"
                "    if name == 'annotator.core.store':\n"
                "        builtins.__import__ = real\n"
                "        os.kill(os.getpid(), signal.SIGTERM)\n"
                "    return real(name, *args, **kwargs)\n"
                "builtins.__import__ = slow\n"
                "import annotator.cli\n"
                "annotator.cli.main()\n")
    return [sys.executable, "-c", code]


@pytest.mark.parametrize("where", ["after-import", "while-importing"])
def test_sigterm_before_the_command_starts_ends_in_one_line(tmp_path, where):
    db = tmp_path / "s.db"
    result = run_cli(db, "list", ok=False, command=_cli_terminated(where))
    one_line_error(result, "interrupted (SIGTERM)", code=143, only_line=True)
    assert not db.exists()
