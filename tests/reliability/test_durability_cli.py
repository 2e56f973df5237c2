"""Issue 11, the command line: a killed export, a full disk, a read-only folder or file, a read command on a
0-byte file, hostile JSON, an article too long to pre-extract, an import naming `model` or `gold`.
Each drives the real `annotator` process against a real fault (SIGKILL, a 2 MB tmpfs, a read-only mount, an
unprivileged user), and checks the one-line message and what the files hold afterwards."""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Status
from annotator.core.store import Store
from faults import ANNOTATOR_BIN, cli, fill, one_line_error, readonly_file, remount_readonly, small_tmpfs


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def annotated_jsonl(path: Path, count: int, *, start: int = 0, annotator: str = "ann") -> Path:
    lines = []
    for i in range(start, start + count):
        text = f"Story {i}. Kerry Smith met Jane Doe in Paris on day {i}. " + "Filler words follow here. " * 8
        record = {"text": text, "answer": "accept", "spans": [{"start": 15, "end": 26, "label": "PERSON"}]}
        if annotator:
            record["_annotator_id"] = annotator
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def doc_count(db: Path) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# -- 1. a killed export leaves the previous file whole ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "doccano"])
def test_sigkill_of_an_export_over_an_existing_file_leaves_the_old_file_whole(tmp_path, fmt):
    """Kill the export while it is writing (its temporary file beside the target already holds records): the
    target is still the previous export, byte for byte. Several kill points, each mid-write."""
    db = tmp_path / "a.db"
    assert cli(db, "import", annotated_jsonl(tmp_path / "first.jsonl", 300)).returncode == 0
    target = tmp_path / f"out-{fmt}.jsonl"
    assert cli(db, "export", "--format", fmt, "-o", target).returncode == 0
    before = digest(target)
    assert cli(db, "import", annotated_jsonl(tmp_path / "more.jsonl", 20000, start=300)).returncode == 0
    killed_mid_write = 0
    for wanted_bytes in (1, 200_000, 1_000_000):
        for stray in tmp_path.glob(f".{target.name}.*.tmp"):
            stray.unlink()
        process = subprocess.Popen([str(ANNOTATOR_BIN), "--db", str(db), "export", "--format", fmt, "-o", str(target)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            temps = list(tmp_path.glob(f".{target.name}.*.tmp"))
            if temps and temps[0].exists() and temps[0].stat().st_size >= wanted_bytes:
                process.send_signal(signal.SIGKILL)
                killed_mid_write += 1
                break
            time.sleep(0.005)
        process.wait(timeout=60)
        if process.returncode == -signal.SIGKILL:
            assert digest(target) == before, f"killed after {wanted_bytes} bytes: the previous export was damaged"
        else:  # it finished first: the new file is whole
            lines = target.read_text(encoding="utf-8").splitlines()
            assert len(lines) == 20300 and all(json.loads(line) for line in lines)
            before = digest(target)
    assert killed_mid_write >= 2


def test_an_export_over_an_existing_folder_of_docbin_files_writes_each_file_whole(tmp_path):
    db = tmp_path / "a.db"
    assert cli(db, "import", annotated_jsonl(tmp_path / "first.jsonl", 20)).returncode == 0
    out = tmp_path / "spacy"
    assert cli(db, "export", "--format", "spacy", "-o", out).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["dev.spacy", "train.spacy"]  # no temporary files left


# -- 2. full disk: one line naming what was kept ---------------------------------------------------------------


def test_ingest_on_a_full_disk_says_so_in_one_line_and_keeps_whole_batches(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(400):
        (folder / f"{i:04d}.txt").write_text(f"Title {i}\n" + f"Words of article {i}. " * 400, encoding="utf-8")
    with small_tmpfs("2m") as disk:
        db = disk / "a.db"
        result = cli(db, "ingest", "--no-extract", "--batch-size", "16", folder)
        line = one_line_error(result)
        assert "disk is full" in line and str(db) in line and "added" in line, line
        kept = doc_count(db)
        assert f"{kept} added" in line, line
        assert kept % 16 == 0  # whole batches only
        assert integrity(db) == "ok"
        assert not any(p.name.startswith(".") for p in disk.iterdir())


def test_import_on_a_full_disk_writes_nothing_and_says_so(tmp_path):
    source = annotated_jsonl(tmp_path / "big.jsonl", 6000)
    with small_tmpfs("2m") as disk:
        db = disk / "a.db"
        assert cli(db, "import", annotated_jsonl(tmp_path / "small.jsonl", 5, start=90000)).returncode == 0
        line = one_line_error(cli(db, "import", source))
        assert "disk is full" in line and "nothing was imported" in line, line
        assert doc_count(db) == 5
        assert integrity(db) == "ok"


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "spacy"])
def test_export_to_a_full_disk_keeps_the_previous_file(tmp_path, fmt):
    db = tmp_path / "a.db"
    assert cli(db, "import", annotated_jsonl(tmp_path / "x.jsonl", 600)).returncode == 0
    with small_tmpfs("2m") as disk:
        target = disk / ("out" if fmt == "spacy" else "out.jsonl")
        if fmt == "spacy":
            target.mkdir()
            (target / "train.spacy").write_bytes(b"old train")
            old = {"train.spacy": b"old train"}
        else:
            target.write_text("old export\n", encoding="utf-8")
        fill(disk, leave_bytes=16 * 1024)  # 600 records need far more than that in every format
        line = one_line_error(cli(db, "export", "--format", fmt, "-o", target))
        assert "No space left" in line and "nothing was exported" in line, line
        if fmt == "spacy":
            assert {p.name: p.read_bytes() for p in target.iterdir()} == old
        else:
            assert target.read_text(encoding="utf-8") == "old export\n"
        assert not [p for p in disk.rglob(".*.tmp")]


# -- 3. read-only folder and file: reads work, writes say "read-only" ------------------------------------------


def test_a_read_only_folder_reads_and_refuses_writes_in_one_line(tmp_path):
    with small_tmpfs("8m") as disk:
        db = disk / "a.db"
        assert cli(db, "import", annotated_jsonl(tmp_path / "x.jsonl", 30)).returncode == 0
        remount_readonly(disk)
        listing = cli(db, "list")
        assert listing.returncode == 0, listing.stderr
        assert len(listing.stdout.splitlines()) == 31
        for args in (["stats"], ["search", "Kerry"], ["agreement"], ["export", "-o", tmp_path / "e.jsonl"]):
            result = cli(db, *args)
            assert result.returncode == 0, (args, result.stderr)
        for args in (["ingest", "--no-extract", tmp_path / "x.jsonl"], ["import", tmp_path / "x.jsonl"]):
            line = one_line_error(cli(db, *args))
            assert "read-only" in line and str(db) in line, line
            assert "folder is read-only" in line and "file is read-only" not in line, line  # says which


def test_a_read_only_file_reads_and_refuses_writes_in_one_line(tmp_path):
    db = tmp_path / "a.db"
    articles = annotated_jsonl(tmp_path / "x.jsonl", 10)
    assert cli(db, "import", articles).returncode == 0
    with readonly_file(db):
        listing = cli(db, "list")
        assert listing.returncode == 0, listing.stderr
        assert len(listing.stdout.splitlines()) == 11
        for args in (["ingest", "--no-extract", articles], ["import", articles]):
            line = one_line_error(cli(db, *args))
            assert "read-only" in line and str(db) in line, line
            assert "the file is read-only" in line, line
    assert integrity(db) == "ok"


# -- 4. a read command never writes ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["list"], ["stats"], ["search", "x"], ["export", "-o", "e.jsonl"],
                                     ["agreement"], ["review", "queue"]])
def test_a_read_command_on_a_zero_byte_file_leaves_it_zero_bytes(tmp_path, command):
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    line = one_line_error(cli(db, *command, cwd=tmp_path))
    assert "not an annotator database" in line or "cannot open" in line, line
    assert db.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_a_read_command_on_a_missing_file_creates_nothing(tmp_path):
    db = tmp_path / "missing.db"
    line = one_line_error(cli(db, "list"))
    assert "no such database" in line
    assert list(tmp_path.iterdir()) == []


# -- 6. hostile JSON: file:line: reason, nothing written -------------------------------------------------------

HOSTILE = {
    "deep nesting": '{"text": "x", "meta": ' + "[" * 50_000 + "]" * 50_000 + "}",
    "deep object": '{"text": "x", "meta": ' + '{"a":' * 30_000 + "1" + "}" * 30_000 + "}",
    "huge integer": '{"text": "x", "meta": {"n": ' + "7" * 6000 + "}}",
    "NaN": '{"text": "x", "meta": {"score": NaN}}',
    "Infinity": '{"text": "x", "meta": {"score": -Infinity}}',
    "float overflow": '{"text": "x", "meta": {"score": 1e999}}',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("command", ["ingest", "import"])
def test_hostile_json_is_refused_with_file_and_line_and_nothing_is_written(tmp_path, kind, command):
    db = tmp_path / "a.db"
    assert cli(db, "import", annotated_jsonl(tmp_path / "ok.jsonl", 3)).returncode == 0
    before = doc_count(db)
    source = tmp_path / "hostile.jsonl"
    good = json.dumps({"text": "A good line first.", "answer": "accept"})
    source.write_text(good + "\n" + HOSTILE[kind] + "\n", encoding="utf-8")
    args = ["ingest", "--no-extract", source] if command == "ingest" else ["import", source]
    line = one_line_error(cli(db, *args))
    assert f"{source}:2:" in line, line
    assert doc_count(db) == before


def test_what_annotator_writes_is_strict_json(tmp_path):
    """A NaN already in an old database (from before strict reading) makes the export refuse in one line,
    instead of writing `NaN` into a .jsonl that other tools cannot read."""
    db = tmp_path / "a.db"
    assert cli(db, "import", annotated_jsonl(tmp_path / "ok.jsonl", 3)).returncode == 0
    conn = sqlite3.connect(db)
    conn.execute("""UPDATE annotation_sets SET extra = '{"score": NaN}' WHERE doc_id = 1""")
    conn.commit()
    conn.close()
    target = tmp_path / "out.jsonl"
    result = cli(db, "export", "-o", target)
    if result.returncode == 0:
        for line in target.read_text(encoding="utf-8").splitlines():
            from annotator.core.strict_json import loads_strict

            loads_strict(line)
    else:
        one_line_error(result)
        assert not target.exists()


# -- 7. an article too long to pre-extract ---------------------------------------------------------------------


@pytest.mark.parametrize("where", ["folder", "jsonl"])
def test_an_article_over_max_length_is_refused_before_anything_is_written(tmp_path, where):
    db = tmp_path / "a.db"
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:03d}.txt").write_text(f"Article {i}\nKerry said it was fine.", encoding="utf-8")
    long_text = "Long article\n" + "Words and more words. " * 46_000  # > 1,000,000 characters
    if where == "folder":
        big = folder / "035-long.txt"
        big.write_text(long_text, encoding="utf-8")
        inputs = [folder]
    else:
        big = tmp_path / "long.jsonl"
        big.write_text(json.dumps({"text": "short one"}) + "\n" + json.dumps({"text": long_text}) + "\n",
                       encoding="utf-8")
        inputs = [folder, big]
    line = one_line_error(cli(db, "ingest", *inputs))
    assert str(big) in line and "1,000,000" in line, line
    assert "--no-extract" in line
    assert not db.exists() or doc_count(db) == 0
    skipped = cli(db, "ingest", "--no-extract", *inputs)  # text only: accepted whole
    assert skipped.returncode == 0, skipped.stderr
    assert doc_count(db) == 41 + (where == "jsonl")


# -- 8. an import naming `model` or `gold` ---------------------------------------------------------------------


def test_an_import_naming_model_or_gold_never_replaces_their_sets(tmp_path):
    db = tmp_path / "a.db"
    text = "Kerry Smith said the plan would work. Jane Doe agreed."
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text=text))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR, status=Status.DONE,
                                                   entities=[Entity(0, 11, "PERSON"), Entity(38, 46, "PERSON")]))
        model_before = [(e.start, e.end) for e in store.annotation_set(doc_id, MODEL_ANNOTATOR).entities]
    source = tmp_path / "team.jsonl"
    records = [{"text": text, "answer": "accept", "_annotator_id": name, "spans": [{"start": 0, "end": 5,
                                                                                      "label": "ORG"}]}
               for name in ("model", "gold")]
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = cli(db, "import", source)
    assert result.returncode == 0, result.stderr
    assert "'model' is reserved, imported as 'model@team'" in result.stdout
    assert "'gold' is reserved, imported as 'gold@team'" in result.stdout
    with Store(db) as store:
        assert [(e.start, e.end) for e in store.annotation_set(doc_id, MODEL_ANNOTATOR).entities] == model_before
        assert store.annotation_set(doc_id, "gold") is None
        assert [e.label for e in store.annotation_set(doc_id, "model@team").entities] == ["ORG"]
    assert cli(db, "import", source).stdout.count("unchanged") == 1  # idempotent under the new names
    refused = one_line_error(cli(db, "import", "--annotator", "model", annotated_jsonl(tmp_path / "n.jsonl", 2,
                                                                                    annotator="")))
    assert "reserved" in refused


def test_ingest_if_empty_on_a_read_only_database_with_documents_does_nothing(tmp_path):
    """`make run` starts with `ingest --if-empty`: on a read-only database that already has documents it is a
    read, so it succeeds and the window then opens read-only."""
    with small_tmpfs("8m") as disk:
        db = disk / "a.db"
        assert cli(db, "import", annotated_jsonl(tmp_path / "x.jsonl", 3)).returncode == 0
        remount_readonly(disk)
        result = cli(db, "ingest", "--if-empty", tmp_path / "x.jsonl")
        assert result.returncode == 0, result.stderr
        assert "already holds 3 documents" in result.stdout
