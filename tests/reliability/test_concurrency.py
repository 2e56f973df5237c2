"""Two instances on one database: two Store objects in one process, and a second process (the CLI ingest,
the edit driver) writing while this process edits. No corruption, no lost edit, changes visible on re-read,
and a database busy beyond the timeout is reported as StoreError("... is busy ...")."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from annotator.core import ops
from annotator.core.model import Document, Status
from annotator.core.store import Store, StoreError
from annotator.tools.edit_driver import verify_run
from crashkit import REPO, start_driver

TEXT = "Alice met Bob in Paris 🇫🇷 on Monday.\r\nThey said «hello» to Zoë\u0301. " * 4


def entity_rows(store, doc_id, annotator):
    aset = store.annotation_set(doc_id, annotator)
    return sorted((e.id, e.start, e.end, e.label) for e in aset.entities) if aset else []


def health(db):
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def random_edit(rng, store, doc_id, annotator, model):
    """One random entity edit on `store`, mirrored in `model` (id -> (start, end, label))."""
    choice = rng.random()
    if choice < 0.5 or not model:
        start = rng.randrange(len(TEXT) - 1)
        end = min(len(TEXT), start + rng.randint(1, 6))
        try:
            entity, removed = ops.add_entity(
                store, doc_id=doc_id, annotator=annotator, start=start, end=end, label=rng.choice("ABC"),
                replace_overlapping=rng.random() < 0.5,
            )
        except ops.EditError:
            return
        for gone in removed.entities:
            del model[gone.id]
        model[entity.id] = (entity.start, entity.end, entity.label)
    elif choice < 0.75:
        entity_id = rng.choice(sorted(model))
        ops.relabel_entity(store, entity_id=entity_id, label=rng.choice("XYZ"))
        start, end, _ = model[entity_id]
        model[entity_id] = (start, end, store.entity(entity_id).label)
    else:
        entity_id = rng.choice(sorted(model))
        ops.delete_entity(store, entity_id=entity_id)
        del model[entity_id]


def as_rows(model):
    return sorted((i, s, e, label) for i, (s, e, label) in model.items())


def test_two_stores_in_one_process_see_each_others_edits(db_path):
    first, second = Store(db_path), Store(db_path)
    try:
        doc_id, _ = first.add_document(Document(text=TEXT))
        first.ensure_annotation_set(doc_id, "ann")
        rng = random.Random(5)
        model: dict[int, tuple[int, int, str]] = {}
        for step in range(150):
            writer = first if rng.random() < 0.5 else second
            random_edit(rng, writer, doc_id, "ann", model)
            # both see the same, at once, on re-read
            assert entity_rows(first, doc_id, "ann") == as_rows(model)
            assert entity_rows(second, doc_id, "ann") == as_rows(model)
        assert model, "no edit was made"
    finally:
        first.close()
        second.close()
    health(db_path)


def test_busy_database_is_reported_clearly_and_nothing_is_written(db_path):
    with Store(db_path) as setup:
        doc_id, _ = setup.add_document(Document(text=TEXT))
        setup.ensure_annotation_set(doc_id, "ann")
        ops.add_entity(setup, doc_id=doc_id, annotator="ann", start=0, end=5, label="PER")
    holder = sqlite3.connect(db_path, isolation_level=None)
    impatient = Store(db_path, busy_timeout_ms=50)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another instance is in the middle of a write
        holder.execute("INSERT INTO labels(name, color, position) VALUES ('HELD', '#000000', 99)")
        with pytest.raises(StoreError, match=r"is busy") as caught:
            ops.add_entity(impatient, doc_id=doc_id, annotator="ann", start=10, end=13, label="PER")
        assert str(db_path) in str(caught.value)
        with pytest.raises(StoreError, match=r"is busy"):
            ops.set_status(impatient, doc_id=doc_id, annotator="ann", status=Status.DONE)
        # reading still works while the other writes (WAL), and shows the last committed state
        assert [e.label for e in impatient.annotation_set(doc_id, "ann").entities] == ["PER"]
        assert "HELD" not in impatient.labels()
        holder.execute("COMMIT")
        # once the other instance is done, the same edit goes through, and its write is visible
        ops.add_entity(impatient, doc_id=doc_id, annotator="ann", start=10, end=13, label="PER")
        assert len(impatient.annotation_set(doc_id, "ann").entities) == 2
        assert "HELD" in impatient.labels()
        log = impatient.query("SELECT op FROM edit_log ORDER BY id")
        assert [r[0] for r in log] == ["add_entity", "add_entity"]  # the refused edits left no trace
    finally:
        holder.close()
        impatient.close()
    health(db_path)


def test_a_store_in_a_write_transaction_blocks_another_store_with_a_clear_error(db_path):
    first = Store(db_path)
    second = Store(db_path, busy_timeout_ms=30)
    try:
        doc_id, _ = first.add_document(Document(text=TEXT))
        first.ensure_annotation_set(doc_id, "ann")
        with first.transaction():
            ops.add_entity(first, doc_id=doc_id, annotator="ann", start=0, end=5, label="PER")
            with pytest.raises(StoreError, match="is busy: another annotator is writing") as refused:
                ops.add_entity(second, doc_id=doc_id, annotator="ann", start=6, end=9, label="PER")
            # one sentence a person can act on, without SQLite's own words appended (attack 15b #12)
            assert "database is locked" not in str(refused.value) and "try again" in str(refused.value)
            assert entity_rows(second, doc_id, "ann") == []  # uncommitted work is not visible
        assert len(entity_rows(second, doc_id, "ann")) == 1
    finally:
        first.close()
        second.close()


def test_cli_ingest_in_another_process_while_this_one_edits(db_path, tmp_path):
    articles = tmp_path / "many.jsonl"
    count = 4000
    with articles.open("w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps({"id": i, "text": f"Story {i}: " + "the mayor said it was fine. " * 20}) + "\n")
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT))
        store.ensure_annotation_set(doc_id, "ann")
        ingest = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "annotator"), "--db", str(db_path), "ingest", "--no-extract",
             "--batch-size", "50", str(articles)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        )
        rng = random.Random(11)
        model: dict[int, tuple[int, int, str]] = {}
        during = 0
        deadline = time.monotonic() + 120  # bounded: an ingest that ends early (or hangs) cannot loop this forever
        while ingest.poll() is None and during < 3000 and time.monotonic() < deadline:
            random_edit(rng, store, doc_id, "ann", model)
            during += 1
        out, err = ingest.communicate(timeout=60)
        assert ingest.returncode == 0, err.decode()
        assert f"{count} added" in out.decode()
        assert during > 0, "the ingest finished before any edit ran: no overlap was tested"
        assert entity_rows(store, doc_id, "ann") == as_rows(model)
        assert store.document_count() == count + 1
    with Store(db_path) as reopened:
        assert entity_rows(reopened, doc_id, "ann") == as_rows(model)
    health(db_path)


def test_edit_driver_process_and_this_process_edit_the_same_document(db_path):
    """Another process (the edit driver, its own annotator) edits while this one does: both keep every edit."""
    driver = start_driver(db_path, 3, "--edits", "150")
    first = driver.stdout.readline()  # wait until the driver has created its document
    assert first.startswith(b"ready "), driver.stderr.read().decode()
    with Store(db_path) as store:
        doc_id = json.loads(first.split(b" ", 1)[1])["state"]["set"]["doc_id"]
        store.ensure_annotation_set(doc_id, "me", start_from=None)
        rng = random.Random(2)
        model: dict[int, tuple[int, int, str]] = {}
        lines: list[bytes] = []
        reader = threading.Thread(target=lambda: lines.extend(driver.stdout), daemon=True)  # keep the pipe drained
        reader.start()
        edits = 0
        deadline = time.monotonic() + 120  # bounded even if the driver hangs
        while (driver.poll() is None or edits < 20) and edits < 20_000 and time.monotonic() < deadline:
            random_edit(rng, store, doc_id, "me", model)
            edits += 1
        if driver.poll() is None:
            driver.kill()
            driver.wait(10)
            raise AssertionError(f"the edit driver was still running after {edits} edits of this process")
        reader.join(30)
        err = driver.stderr.read()
        driver.stdout.close()
        driver.stderr.close()
        rest = b"".join(lines)
        assert driver.returncode == 0, err.decode()
        assert entity_rows(store, doc_id, "me") == as_rows(model)
    problems, facts = verify_run(db_path, (first + rest).decode())
    assert problems == []
    assert facts["saved"] > 120
    health(db_path)


def test_several_processes_create_the_same_new_database_at_once(tmp_path):
    db = tmp_path / "fresh.db"
    code = "import sys; from annotator.core.store import Store; s = Store(sys.argv[1]); print(len(s.labels())); s.close()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
        for _ in range(5)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e.decode()[-500:] for _, e in results]
    with Store(db) as store:
        migrations = [r[0] for r in store.query("SELECT name FROM _migrations")]
        assert len(migrations) == len(set(migrations))
        assert len({int(out) for out, _ in results}) == 1  # every process saw the same seeded labels
    health(db)


def test_cli_reports_a_busy_database_without_a_traceback(db_path, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from annotator.cli import main
    from annotator.core import store as store_module

    Store(db_path).close()
    article = tmp_path / "a.jsonl"
    article.write_text(json.dumps({"text": "Hello there."}) + "\n", encoding="utf-8")
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        result = CliRunner().invoke(main, ["--db", str(db_path), "ingest", "--no-extract", str(article)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert "is busy" in result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)


def test_the_default_busy_timeout_is_five_seconds_and_an_edit_waits_through_a_shorter_hold(db_path):
    """The README's "busy timeout (5 s)": a store opened with the defaults waits (it does not fail) while another
    connection holds the write lock for a second, then saves; the other tests shorten the timeout to stay fast."""
    from annotator.core import store as store_module

    assert store_module.BUSY_TIMEOUT_MS == 5000
    with Store(db_path) as setup:
        doc_id, _ = setup.add_document(Document(text=TEXT))
        setup.ensure_annotation_set(doc_id, "ann")
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, lambda: holder.execute("COMMIT"))
    patient = Store(db_path)
    try:
        assert patient._busy_timeout_ms == 5000
        started = time.monotonic()
        release.start()
        ops.add_entity(patient, doc_id=doc_id, annotator="ann", start=0, end=5, label="PER")
        waited = time.monotonic() - started
        assert 0.8 < waited < 5.0, waited
        assert entity_rows(patient, doc_id, "ann")[0][1:] == (0, 5, "PER")
    finally:
        release.join(5)
        holder.close()
        patient.close()
