"""Issue 11, after the attack: where an export may write. The real `annotator` process on real files:
the database, its -wal/-shm and links to them are refused as targets (every format, single file and folder);
symbolic links are written through; devices, FIFOs, `-` and folders-for-files are refused; a folder export that
fails on a full disk keeps every file that was there; two default-named exports never overwrite each other;
stale temporaries of killed exports are cleaned; the replaced file keeps its mode."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from faults import cli, fill, one_line_error, small_tmpfs
from test_durability_cli import annotated_jsonl, digest, integrity

FORMATS = ["jsonl", "prodigy", "doccano", "spacy"]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    db = folder / "base.db"
    assert cli(db, "import", annotated_jsonl(folder / "x.jsonl", 6)).returncode == 0
    return db


def live_db(base_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "a.db"
    src = sqlite3.connect(base_db)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.execute("PRAGMA journal_mode=WAL")
    dst.close()
    return db


def keep_wal_open(db: Path) -> sqlite3.Connection:
    """A reader holding the database open, so its -wal and -shm exist while the export runs."""
    conn = sqlite3.connect(db)
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM documents").fetchone()
    return conn


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("how", ["itself", "-wal", "-shm", "hardlink", "symlink", "symlink-to-wal"])
def test_an_export_onto_the_database_or_its_wal_or_shm_is_refused_and_writes_nothing(base_db, tmp_path, fmt, how):
    db = live_db(base_db, tmp_path)
    holder = keep_wal_open(db)
    try:
        files = {p.name: digest(p) for p in tmp_path.iterdir()}
        target = {"itself": db, "-wal": Path(f"{db}-wal"), "-shm": Path(f"{db}-shm")}.get(how)
        if how == "hardlink":
            target = tmp_path / "hard.jsonl"
            os.link(db, target)
        elif how.startswith("symlink"):
            target = tmp_path / "soft.jsonl"
            target.symlink_to(Path(f"{db}-wal") if how.endswith("wal") else db)
        before = {p.name: digest(p) for p in tmp_path.iterdir()}
        extra = ["--split", "0.5"] if fmt == "spacy" else []
        line = one_line_error(cli(db, "export", "--format", fmt, "-o", target, *extra))
        assert "database" in line or (fmt == "spacy" and "is a file" in line), line
        assert {p.name: digest(p) for p in tmp_path.iterdir()} == before
        assert files.keys() <= before.keys()
    finally:
        holder.close()
    assert integrity(db) == "ok"


@pytest.mark.parametrize("fmt", ["jsonl", "spacy"])
def test_a_split_export_naming_the_database_as_a_file_inside_the_folder_is_refused(base_db, tmp_path, fmt):
    db = live_db(base_db, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / f"train.{'spacy' if fmt == 'spacy' else 'jsonl'}").symlink_to(db)
    line = one_line_error(cli(db, "export", "--format", fmt, "--split", "0.5", "-o", out))
    assert "database" in line, line
    assert integrity(db) == "ok"
    assert sorted(p.name for p in out.iterdir()) == [f"train.{'spacy' if fmt == 'spacy' else 'jsonl'}"]


def test_an_export_through_a_symlink_writes_the_file_it_points_to_and_keeps_the_link_and_mode(base_db, tmp_path):
    db = live_db(base_db, tmp_path)
    real = tmp_path / "real.jsonl"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert cli(db, "export", "-o", link).returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").count("\n") == 6
    assert real.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("target", ["fifo", "/dev/null", "-", "", "folder"])
def test_an_export_to_a_special_file_or_a_folder_is_refused_and_replaces_nothing(base_db, tmp_path, target):
    db = live_db(base_db, tmp_path)
    if target == "fifo":
        target = tmp_path / "pipe.jsonl"
        os.mkfifo(target)
    elif target == "folder":
        target = tmp_path / "folder"
        target.mkdir()
    result = cli(db, "export", "-o", target, cwd=tmp_path)
    if target == "-":  # main writes `-o -` to standard output
        assert result.returncode == 0 and result.stdout.startswith("{"), result.stderr
    else:
        line = one_line_error(result)
        assert ".tmp" not in line, line
    assert not (tmp_path / "-").exists()
    if target == "/dev/null":
        assert Path("/dev/null").is_char_device()
    if isinstance(target, Path) and target.name == "pipe.jsonl":
        assert target.is_fifo()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_split_export_to_an_existing_file_says_it_is_not_a_folder(base_db, tmp_path):
    db = live_db(base_db, tmp_path)
    plain = tmp_path / "plain"
    plain.write_text("keep\n")
    line = one_line_error(cli(db, "export", "--split", "0.5", "-o", plain))
    assert "not a folder" in line or "is a file" in line, line
    assert plain.read_text() == "keep\n"


@pytest.mark.parametrize("fmt", ["spacy", "jsonl"])
def test_a_folder_export_that_fails_on_a_full_disk_keeps_every_file_that_was_there(tmp_path, fmt):
    """Attack item 3: train written, dev fails: the old train must still be there (all or nothing)."""
    db = tmp_path / "s.db"
    assert cli(db, "import", annotated_jsonl(tmp_path / "x.jsonl", 1500)).returncode == 0
    suffix = "spacy" if fmt == "spacy" else "jsonl"
    with small_tmpfs("2m") as disk:
        out = disk / "sp"
        out.mkdir()
        old = {f"train.{suffix}": b"old train", f"dev.{suffix}": b"old dev"}
        for name, data in old.items():
            (out / name).write_bytes(data)
        fill(disk, leave_bytes=48 * 1024)  # one file fits, not both
        line = one_line_error(cli(db, "export", "--format", fmt, "--split", "0.5", "-o", out))
        assert "No space left" in line and "unchanged" in line, line
        assert {p.name: p.read_bytes() for p in out.iterdir()} == old
        assert not list(disk.rglob(".*.tmp"))


def test_two_default_named_exports_in_the_same_second_both_stay(base_db, tmp_path):
    db = live_db(base_db, tmp_path)
    first = cli(db, "export", cwd=tmp_path)
    second = cli(db, "export", cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0
    files = sorted((tmp_path / "exports").iterdir())
    assert len(files) == 2, files


def test_an_export_removes_stale_temporaries_of_killed_exports_beside_its_target(base_db, tmp_path):
    db = live_db(base_db, tmp_path)
    target = tmp_path / "out.jsonl"
    old = tmp_path / ".out.jsonl.abc123.tmp"
    young = tmp_path / ".out.jsonl.def456.tmp"
    other = tmp_path / ".other.jsonl.abc123.tmp"
    for stray in (old, young, other):
        stray.write_text("partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    assert cli(db, "export", "-o", target).returncode == 0
    assert not old.exists() and young.exists() and other.exists()
