"""Crash safety: a real annotator process applying edits is SIGKILLed at random moments; every edit it
reported saved must be in the reopened database, which must be intact."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time


from annotator.tools.edit_driver import ANNOTATOR, verify_run
from crashkit import REPO, kill_round, start_driver

ROUNDS = 6


def test_sigkill_at_random_moments_loses_no_reported_edit(tmp_path):
    db = tmp_path / "crash.db"
    rng = random.Random(20261123)
    saved = saved_logged = committed_in_flight = 0
    for round_number in range(ROUNDS):
        problems, facts = kill_round(db, seed=1000 + round_number, rng=rng, max_delay=0.35)
        assert problems == [], f"round {round_number}: {problems}"
        saved += facts["saved"]
        saved_logged += facts["saved_logged"]
        committed_in_flight += facts["in_flight_committed"]
    assert saved > 0, "the driver never got to report an edit: the test proved nothing"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        logged = conn.execute("SELECT count(*) FROM edit_log").fetchone()[0]
    # every reported edit that changed something is in the log (no-ops, such as a tag already there, report no
    # log id); the in-flight edit may add one more per round. Exact, where a fixed slack of 10 per round
    # failed when a long round happened to draw many no-ops.
    assert saved_logged <= logged <= saved_logged + ROUNDS


def finished_run(db, edits=25):
    proc = start_driver(db, 7, "--edits", str(edits))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    return out.decode("utf-8")


def test_verify_run_accepts_a_clean_run_and_catches_a_lost_edit(tmp_path):
    """The checker itself must be able to fail: drop one saved entity behind its back and it must say so."""
    db = tmp_path / "lost.db"
    stdout = finished_run(db)
    assert verify_run(db, stdout)[0] == []
    with sqlite3.connect(db) as conn:
        conn.execute(
            "DELETE FROM entities WHERE id = (SELECT max(e.id) FROM entities e JOIN annotators a "
            "ON a.id = e.annotator_id WHERE a.name = ?)",
            (ANNOTATOR,),
        )
    problems, _ = verify_run(db, stdout)
    assert problems and "differs from the last reported state" in problems[0]


def test_verify_run_catches_a_reported_edit_missing_from_the_log(tmp_path):
    db = tmp_path / "log.db"
    stdout = finished_run(db, edits=10)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM edit_log WHERE id = (SELECT max(id) FROM edit_log)")
    problems, _ = verify_run(db, stdout)
    assert any("is not in the edit log" in p for p in problems)


def test_driver_reports_only_after_commit(tmp_path):
    """Every `saved` line follows its `intent` line, and the state it reports is already on disk when it is
    printed: a second connection reading right after the run sees the last reported state."""
    db = tmp_path / "order.db"
    stdout = finished_run(db, edits=15)
    lines = [line.split(" ", 2) for line in stdout.splitlines()]
    assert lines[0][0] == "ready"
    seen_intent = set()
    for kind, number, *_ in lines[1:]:
        if kind == "intent":
            seen_intent.add(number)
        else:
            assert number in seen_intent
    assert verify_run(db, stdout)[0] == []


def test_database_health_catches_broken_references_and_a_stale_search_index(tmp_path):
    from annotator.core.model import Document
    from annotator.core.store import Store
    from annotator.tools.edit_driver import database_health

    db = tmp_path / "health.db"
    with Store(db) as store:
        store.add_document(Document(text="Some words to index.", title="t"))
    assert database_health(db) == []
    with sqlite3.connect(db) as conn:  # foreign keys are off on a plain connection
        conn.execute("INSERT INTO entities(doc_id, annotator_id, start, \"end\", label) VALUES (99, 99, 0, 1, 'X')")
        conn.execute("INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', 1, 'x', 'other')")
    problems = database_health(db)
    assert any(p.startswith("foreign_key_check") for p in problems)
    assert any(p.startswith("full-text index") for p in problems)


# -- long writes killed half-way: ingest and import ------------------------------------------------------------


def documents_in(db) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def kill_when(proc, condition, rng, timeout=30.0):
    """SIGKILL `proc` a random moment (0-50 ms) after `condition()` first holds (or when it ends by itself)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and not condition() and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(rng.uniform(0.0, 0.05))
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def test_a_killed_ingest_keeps_whole_batches_and_a_rerun_completes_it(tmp_path):
    source = tmp_path / "articles.jsonl"
    texts = [f"Article {i}: the council said the budget was fine. " * 6 for i in range(3000)]
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    db = tmp_path / "ingest.db"
    command = [str(REPO / ".venv" / "bin" / "annotator"), "--db", str(db), "ingest", "--no-extract",
               "--batch-size", "25", str(source)]
    rng = random.Random(3)
    partial: list[int] = []
    for _ in range(2):
        before = documents_in(db)
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when(proc, lambda: documents_in(db) > before, rng)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = [r[0] for r in conn.execute("SELECT text FROM documents ORDER BY id")]
        assert len(stored) % 25 == 0, f"{len(stored)} documents: a batch was half written"
        assert stored == texts[: len(stored)]
        partial.append(len(stored))
    assert any(0 < n < len(texts) for n in partial), f"no kill landed during the ingest: {partial}"
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert documents_in(db) == 3000


IMPORT_CHILD = """
import sys
from annotator.core.store import Store
from annotator.io.importer import import_file

def progress(phase, done, total):
    print(phase, done, total, flush=True)

import_file(Store(sys.argv[1]), sys.argv[2], annotator="bob", on_progress=progress)
print("finished", flush=True)
"""


def test_a_killed_import_writes_all_or_nothing(tmp_path):
    """import_file writes in one transaction: killed half-way through writing (after its own progress report
    says it is importing), the database holds none of the file; run again, it holds all of it."""
    import annotator.io.importer  # noqa: F401  (a broken importer fails here, never a skip)
    from annotator.core.model import Document
    from annotator.core.store import Store

    total = 2500
    source = tmp_path / "team.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(total):
            text = f"Minister {i} met the mayor in Paris on Monday."
            handle.write(json.dumps({"text": text, "spans": [{"start": 0, "end": 9 + len(str(i)), "label": "PER"},
                                                             {"start": 34, "end": 39, "label": "GPE"}],
                                     "answer": "accept"}) + "\n")
    db = tmp_path / "import.db"
    with Store(db) as store:
        store.add_document(Document(text="Already here."))
    rng = random.Random(8)
    killed_mid_write = 0
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", IMPORT_CHILD, str(db), str(source)], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        target = rng.randrange(200, total - 200, 200)
        for line in proc.stdout:
            phase, done, _ = (line.split() + ["", "", ""])[:3]
            if phase == "importing" and int(done) >= target:
                proc.send_signal(signal.SIGKILL)  # inside the import's one transaction
                killed_mid_write += 1
                break
        proc.wait(10)
        proc.stdout.close()
        with Store(db) as store:
            assert store.integrity_check() == "ok"
            sets = store.query("SELECT count(*) FROM annotation_sets s JOIN annotators a ON a.id = s.annotator_id "
                               "WHERE a.name = 'bob'")[0][0]
            assert (sets, store.document_count()) == (0, 1), "a killed import left part of the file behind"
    assert killed_mid_write == 3
    done = subprocess.run([sys.executable, "-c", IMPORT_CHILD, str(db), str(source)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        assert store.document_count() == total + 1
        assert store.query("SELECT count(*) FROM annotation_sets")[0][0] == total
