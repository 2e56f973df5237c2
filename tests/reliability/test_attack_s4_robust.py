"""Attack s4 (hostile inputs, failed and interrupted commands): M3, M4, M5, M12, L3, L4, L5, L6, L8, L9.

Real CLI processes on real files, real signals, a real full tmpfs, spaCy's DocBin read back with spaCy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from faults import ANNOTATOR_BIN, cli, one_line_error, small_tmpfs

LONG = 1_000_001


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def db_files(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(db.name + "*"))


def store_long_document(db: Path, length: int = LONG + 200) -> None:
    """A done set on a document over spaCy's max_length, as `ingest --no-extract` or an older annotator stored
    one, next to two ordinary documents (written with the store API: an import now refuses such a text)."""
    from annotator.core.model import AnnotationSet, Document, Entity, Status, content_hash
    from annotator.core.store import Store

    texts = [("Oslo is cold. " * (length // 14 + 1))[:length], "Rome is warm.", "Bern is small today."]
    with Store(db) as store, store.transaction():
        for text in texts:
            [(doc_id, _)] = store.add_documents([Document(text=text, title=text[:10], source="s", meta={},
                                                          hash=content_hash(text))])
            store.write_annotation_sets([AnnotationSet(doc_id=doc_id, annotator="bob", status=Status.DONE,
                                                       entities=[Entity(start=0, end=4, label="GPE")])])


# -- M3: texts over spaCy's max length -------------------------------------------------------------------------

@pytest.mark.parametrize("record", [
    {"spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept"},  # Prodigy
    {"label": [[0, 4, "GPE"]]},  # doccano
    {"spans": [{"start": 0, "end": 4, "label": "GPE"}]},  # a suggestion record (no answer)
])
def test_import_refuses_a_text_over_max_length_with_file_line(tmp_path, record):
    source = write_jsonl(tmp_path / "huge.jsonl", [
        {"text": "Rome is warm.", **record}, {"text": "Oslo " + "x" * LONG, **record}])
    db = tmp_path / "hg.db"
    line = one_line_error(cli(db, "import", "--no-extract", source))
    assert "huge.jsonl:2:" in line and "1,000,000" in line and "E088" not in line
    assert db_files(db) == []  # no database left behind
    done = cli(db, "import", "--no-extract", "--skip-invalid", source)
    assert done.returncode == 0, done.stderr
    assert "skipped: " in done.stderr and "huge.jsonl:2:" in done.stderr


def test_brat_import_refuses_a_txt_over_max_length_naming_it(tmp_path):
    folder = tmp_path / "coll"
    folder.mkdir()
    (folder / "a.txt").write_text("Oslo " + "y" * LONG, encoding="utf-8")
    (folder / "a.ann").write_text("T1\tGPE 0 4\tOslo\n", encoding="utf-8")
    line = one_line_error(cli(tmp_path / "b.db", "import", folder))
    assert "a.txt" in line and "longer than spaCy takes" in line


def test_stored_long_document_is_left_out_of_tokenized_exports_and_listed(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    db = tmp_path / "hg.db"
    store_long_document(db)
    for fmt in ("spacy", "conll", "iob", "prodigy"):
        out = tmp_path / f"out-{fmt}"
        done = cli(db, "export", "--format", fmt, "--annotator", "bob", "-o", out)
        assert done.returncode == 0, done.stderr
        assert "E088" not in done.stderr
        assert "left out: document 1 (bob)" in done.stderr and "longer than spaCy's tokenizer" in done.stderr
        if fmt == "spacy":
            docs = [d for side in ("train", "dev") for p in sorted((out / side).glob("*.spacy")) if p.is_file()
                    for d in DocBin().from_disk(p).get_docs(spacy.blank("en").vocab)] if (out / "train").is_dir() \
                else [d for p in sorted(out.glob("*.spacy")) for d in DocBin().from_disk(p).get_docs(
                    spacy.blank("en").vocab)]
            assert sorted(d.text for d in docs) == ["Bern is small today.", "Rome is warm."]
        elif fmt == "prodigy":
            texts = [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()]
            assert sorted(texts) == ["Bern is small today.", "Rome is warm."]
        else:
            assert "Oslo" not in out.read_text(encoding="utf-8")
    # the formats that carry no tokens keep it
    done = cli(db, "export", "--format", "jsonl", "-o", tmp_path / "all.jsonl")
    assert done.returncode == 0 and "left out" not in done.stderr


def test_train_skips_and_lists_a_stored_long_document(tmp_path):
    db = tmp_path / "hg.db"
    store_long_document(db)
    done = cli(db, "train", "ner", "--base", "blank", "--max-steps", "2", "--output", tmp_path / "pipe", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "left out: document 1 (bob): left out of training" in done.stderr
    assert "E088" not in done.stderr


# -- M4, L6: FIFOs and device links ----------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["txt", "ann"])
@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_brat_folder_with_fifo_or_device_link_is_refused_at_once(tmp_path, which, kind):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("Oslo is cold.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tGPE 0 4\tOslo\n", encoding="utf-8")
    (folder / "b.txt").write_text("Rome is warm.", encoding="utf-8")
    (folder / "b.ann").write_text("T1\tGPE 0 4\tRome\n", encoding="utf-8")
    hostile = folder / f"b.{which}"
    hostile.unlink()
    if kind == "fifo":
        os.mkfifo(hostile)
    else:
        hostile.symlink_to("/dev/zero")
    db = tmp_path / "f.db"
    for target in (folder, folder / "b.ann" if which == "txt" else folder / "b.txt"):
        line = one_line_error(cli(db, "import", target, timeout=30))
        assert f"b.{which}: is not a regular file" in line
        assert db_files(db) == []  # no empty database left
    done = cli(db, "import", "--skip-invalid", folder, timeout=30)
    assert done.returncode == 0 and "1 records" in done.stdout, done.stderr


@pytest.mark.parametrize("command", [["ingest", "--no-extract"], ["import"], ["extract", "-o", "out.jsonl"]])
def test_link_to_dev_zero_is_not_a_regular_file_for_every_command(tmp_path, command):
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    args = [*command[:1], link, *command[1:]]
    line = one_line_error(cli(tmp_path / "z.db", *args, timeout=60, cwd=tmp_path))
    assert "not a regular file" in line and "broken" not in line
    broken = tmp_path / "gone.jsonl"
    broken.symlink_to(tmp_path / "nothing-here.jsonl")
    result = cli(tmp_path / "z.db", command[0], broken, *command[1:], timeout=60, cwd=tmp_path)
    assert result.returncode != 0 and "not a regular file" not in result.stderr


# -- M12: the database as an input, by any name -----------------------------------------------------------------

def _db_with_a_document(tmp_path: Path) -> Path:
    db = tmp_path / "b11.db"
    (tmp_path / "seed.txt").write_text("Oslo is cold.\n", encoding="utf-8")
    assert cli(db, "ingest", "--no-extract", tmp_path / "seed.txt").returncode == 0
    return db


@pytest.mark.parametrize("how", ["symlink-ann", "hardlink-txt", "symlink-wal"])
def test_brat_folder_file_that_is_the_database_is_refused_before_reading(tmp_path, how):
    db = _db_with_a_document(tmp_path)
    folder = tmp_path / "brat11" / "c"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("x", encoding="utf-8")
    (folder / "a.ann").write_text("", encoding="utf-8")
    if how == "symlink-ann":
        (folder / "a.ann").unlink()
        (folder / "a.ann").symlink_to(db)
        named = "a.ann"
    elif how == "hardlink-txt":
        (folder / "a.txt").unlink()
        os.link(db, folder / "a.txt")
        named = "a.txt"
    else:
        Path(f"{db}-wal").touch()
        (folder / "a.ann").unlink()
        (folder / "a.ann").symlink_to(Path(f"{db}-wal"))
        named = "a.ann"
    before = db.read_bytes()
    line = one_line_error(cli(db, "import", folder))
    assert f"{named}: is the annotator database" in line and str(db) in line
    assert "UTF-8" not in line
    assert db.read_bytes() == before


@pytest.mark.parametrize("how", ["itself", "symlink", "hardlink"])
def test_direct_input_that_is_the_database_is_named_as_the_database(tmp_path, how):
    db = _db_with_a_document(tmp_path)
    given = db if how == "itself" else tmp_path / "self.jsonl"
    if how == "symlink":
        given.symlink_to(db)
    elif how == "hardlink":
        os.link(db, given)
    line = one_line_error(cli(db, "import", given))
    assert "is the annotator database" in line and "binary data" not in line


# -- M5, L3, L4: failed and interrupted commands ----------------------------------------------------------------

def _big_jsonl(path: Path, records: int = 40_000) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(records):
            handle.write(json.dumps({"text": f"Oslo and Rome, article number {i}.",
                                     "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept",
                                     "_annotator_id": "bulk"}) + "\n")
    return path


def test_import_into_a_new_database_on_a_full_disk_leaves_nothing(tmp_path):
    source = _big_jsonl(tmp_path / "big.jsonl", 6000)
    for size in ("200k", "30k"):
        with small_tmpfs(size) as small:
            db = small / "f.db"
            one_line_error(cli(db, "import", "--no-extract", source))
            assert db_files(db) == []
            line = one_line_error(cli(db, "list"))
            assert "older annotator" not in line


def test_an_empty_database_is_not_called_older(tmp_path):
    import sqlite3

    db = tmp_path / "empty.db"
    sqlite3.connect(db).execute("PRAGMA journal_mode=WAL").fetchone()  # a creation cut before any table
    line = one_line_error(cli(db, "list"))
    assert "older annotator" not in line and "not an annotator database (empty" in line


def test_a_new_database_is_made_in_one_transaction(tmp_path):
    """A creation interrupted inside the migrations leaves no table: the migrations of a new file are one
    transaction (a SIGKILL mid-way can only leave an empty file, never a schema half made)."""
    import sqlite3

    from annotator.core import migrations

    conn = sqlite3.connect(tmp_path / "n.db", isolation_level=None)
    calls = []

    def boom(_conn):
        calls.append(1)
        raise KeyboardInterrupt

    original = migrations.MIGRATIONS[-1]
    migrations.MIGRATIONS[-1] = migrations.Migration(original.name, boom)
    try:
        with pytest.raises(KeyboardInterrupt):
            migrations.migrate(conn)
    finally:
        migrations.MIGRATIONS[-1] = original
    assert calls and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _start(db: Path, *args) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_DB"}
    return subprocess.Popen([str(ANNOTATOR_BIN), "--db", str(db), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _wait_for(condition, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_import_into_a_new_database_leaves_nothing_and_says_so(tmp_path, sig, code):
    source = _big_jsonl(tmp_path / "big.jsonl", 60_000)
    db = tmp_path / "k.db"
    process = _start(db, "import", "--no-extract", source)
    wal = Path(f"{db}-wal")
    _wait_for(lambda: wal.exists() and wal.stat().st_size > 200_000, process)
    process.send_signal(sig)
    out, err = process.communicate(timeout=120)
    assert process.returncode == code, err
    assert "Aborted!" not in err and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("Error:")] == [
        f"Error: interrupted ({'Ctrl+C' if sig == signal.SIGINT else 'SIGTERM'}); nothing was imported (one "
        f"transaction); the new database {db} was removed"]
    assert db_files(db) == []


@pytest.mark.parametrize("fmt", ["brat", "spacy"])
def test_interrupted_folder_export_leaves_no_folder_and_one_line(tmp_path, fmt):
    db = tmp_path / "k.db"
    assert cli(db, "import", "--no-extract", _big_jsonl(tmp_path / "big.jsonl", 20_000)).returncode == 0
    out = tmp_path / "kex" / "out"
    process = _start(db, "export", "--format", fmt, "--annotator", "bulk", "-o", out)
    if fmt == "brat":
        _wait_for(lambda: out.is_dir() and any(out.iterdir()), process)
    else:
        time.sleep(4)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    assert "Aborted!" not in err
    assert "Error: interrupted (SIGTERM); nothing was exported" in err
    assert not (tmp_path / "kex").exists()


@pytest.mark.parametrize("fmt", ["spacy", "brat"])
def test_failed_folder_export_on_a_full_disk_leaves_no_new_folder(tmp_path, fmt):
    db = tmp_path / "k.db"
    assert cli(db, "import", "--no-extract", _big_jsonl(tmp_path / "big.jsonl", 3000)).returncode == 0
    with small_tmpfs("24k") as small:
        one_line_error(cli(db, "export", "--format", fmt, "--annotator", "bulk", "-o", small / "a" / "b"))
        assert list(small.iterdir()) == []


def test_interrupted_training_says_what_was_kept(tmp_path):
    db = tmp_path / "t.db"
    assert cli(db, "import", "--no-extract", _big_jsonl(tmp_path / "big.jsonl", 300)).returncode == 0
    process = _start(db, "train", "ner", "--base", "blank", "--max-steps", "5000", "--output", tmp_path / "pipe")
    time.sleep(8)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    assert "Aborted!" not in err
    assert "Error: interrupted (SIGTERM); no pipeline was written" in err
    assert not (tmp_path / "pipe").exists()


# -- L5: a full standard output ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["list"], ["export", "--format", "jsonl", "-o", "-"], ["stats"]])
def test_full_standard_output_is_named(tmp_path, args):
    db = tmp_path / "o.db"
    assert cli(db, "import", "--no-extract", _big_jsonl(tmp_path / "big.jsonl", 50)).returncode == 0
    with open("/dev/full", "w") as full:
        env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_DB"}
        done = subprocess.run([str(ANNOTATOR_BIN), "--db", str(db), *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith("Error: standard output: No space left on device"), done.stderr
    assert "Exception ignored" not in done.stderr


# -- L8: what a brat folder holds that is not imported ---------------------------------------------------------

def test_brat_folder_lists_txt_without_ann_and_subfolders(tmp_path):
    folder = tmp_path / "coll"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Oslo is cold.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tGPE 0 4\tOslo\n", encoding="utf-8")
    (folder / "b.txt").write_text("Rome is warm.", encoding="utf-8")
    (folder / "sub" / "d.txt").write_text("Bern.", encoding="utf-8")
    (folder / "sub" / "d.ann").write_text("", encoding="utf-8")
    done = cli(tmp_path / "b.db", "import", folder)
    assert done.returncode == 0, done.stderr
    assert "1 .txt file(s) without a .ann not imported (b.txt)" in done.stdout
    assert "1 sub-folder(s) not imported (sub)" in done.stdout


# -- L9: doccano oddities and repeated brat spans -------------------------------------------------------------

def test_doccano_number_label_and_extra_elements_are_warned_with_file_line(tmp_path):
    source = write_jsonl(tmp_path / "dc.jsonl", [
        {"text": "Paris is big.", "label": [[0, 5, 7]]},
        {"text": "Lyon is big.", "label": [[0, 4, "LOC", "extra"]]},
    ])
    done = cli(tmp_path / "d.db", "import", source)
    assert done.returncode == 0, done.stderr
    assert "warning: " in done.stderr and "dc.jsonl:1:" in done.stderr and "number 7" in done.stderr
    assert "dc.jsonl:2:" in done.stderr and "'extra'" in done.stderr


def test_doccano_csv_with_a_repeated_header_is_refused(tmp_path):
    source = tmp_path / "t.csv"
    source.write_text("text,label,label\nParis is big.,city,place\n", encoding="utf-8")
    line = one_line_error(cli(tmp_path / "c.db", "import", "--format", "doccano-csv", source))
    assert "t.csv:1:" in line and '"label" (columns 2, 3)' in line


def test_repeated_brat_t_line_is_one_span_with_a_note(tmp_path):
    folder = tmp_path / "coll"
    folder.mkdir()
    (folder / "a.txt").write_text("Oslo met Rome.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tGPE 0 4\tOslo\nT2\tGPE 0 4\tOslo\nT3\tGPE 9 13\tRome\n"
                                  "R1\tnear Arg1:T2 Arg2:T3\nA1\tSure T2\n", encoding="utf-8")
    db = tmp_path / "b.db"
    done = cli(db, "import", folder)
    assert done.returncode == 0, done.stderr
    assert "a.ann:2: T2 repeats T1" in done.stderr
    cli(db, "export", "--format", "jsonl", "-o", tmp_path / "out.jsonl")
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert [(s["start"], s["end"]) for s in record["spans"]] == [(0, 4), (9, 13)]
    assert not record.get("overlapping_spans")
    assert [r["label"] for r in record["relations"]] == ["near"]


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_database_or_attached_or_cue_file_that_is_a_device_or_fifo_is_refused(tmp_path, kind):
    hostile = tmp_path / "hostile.db"
    if kind == "fifo":
        os.mkfifo(hostile)
    else:
        hostile.symlink_to("/dev/zero")
    (tmp_path / "a.txt").write_text("Oslo is cold.\n", encoding="utf-8")
    for args in (["list"], ["ingest", "--no-extract", tmp_path / "a.txt"]):
        line = one_line_error(cli(hostile, *args, timeout=30))
        assert "not a regular file" in line and "older" not in line
    db = _db_with_a_document(tmp_path)
    line = one_line_error(cli(db, "attach", hostile, timeout=30))
    assert "not a regular file" in line
    line = one_line_error(cli(db, "extract", tmp_path / "a.txt", "--cues", hostile, "-o", tmp_path / "o.jsonl",
                              timeout=120))
    assert "not a regular file" in line and "not found" not in line
