"""Ingest: the whole `annotator ingest --no-extract` command, each run in a fresh process.

- Throughput against bare loops that read the same lines with json and insert them with sqlite3 in one
  transaction: into a plain table, and (like with like) into annotator's own schema (FTS5 index and triggers,
  the content-hash index). Alternating rounds, median and spread of the ratio.
- Memory as the file grows: peak RSS of the command at 1x, 2x and 4x the lines, as growth per record.
- A 50 MB one-line article: the whole command's peak RSS against the file's size, and the window opening it
  (open + paint, resident memory; then with all of it laid out).
Extraction is left out here: its throughput is bench_extract.py's.

    python benchmarks/bench_ingest.py [--quick]
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, parse_args, report, scaled

WORDS = ("the minister said talks with officials would resume next week in the capital after a long pause "
         "according to people familiar with the matter who asked not to be named because").split()


def write_jsonl(path: Path, docs: int, seed: int) -> int:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(docs):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 140))) + f" ({i})."
            handle.write(json.dumps({"id": f"doc-{i}", "text": text, "meta": {"feed": "bench"}}) + "\n")
    return path.stat().st_size


def ingest_in_child(source: Path, db: Path) -> tuple[float, float]:
    """(seconds, peak RSS MB) of `annotator ingest --no-extract` in a fresh process."""
    script = (
        "import resource, sys; from annotator.cli import main\n"
        "try:\n    main(['--db', sys.argv[1], 'ingest', '--no-extract', sys.argv[2]])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script, str(db), str(source)], capture_output=True, text=True,
                         cwd=REPO, check=True)
    return time.perf_counter() - started, float(out.stdout.strip().splitlines()[-1])


def bare_ingest(source: Path, db: Path) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE d (id INTEGER PRIMARY KEY, text TEXT, meta TEXT)")
    conn.execute("BEGIN")
    with open(source, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            conn.execute("INSERT INTO d(text, meta) VALUES (?, ?)", (record["text"], json.dumps(record["meta"])))
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def bare_ingest_schema(source: Path, db: Path) -> float:
    """The bare loop into annotator's schema (made by Store): what SQLite itself costs for these rows."""
    import hashlib

    from annotator.core.store import Store

    Store(db).close()
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN IMMEDIATE")
    with open(source, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text = record["text"]
            conn.execute(
                "INSERT INTO documents(hash, title, source, text, meta, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (hashlib.sha256(text.encode()).hexdigest(), text[:60], "b", text, json.dumps(record["meta"]), "now"))
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def bare_in_child(kind: str, source: Path, db: Path) -> float:
    """Seconds of a bare loop run as a whole process (Python start-up included), like the command it is compared
    with."""
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--bare-child", kind, str(source), str(db)], cwd=REPO, check=True)
    return time.perf_counter() - started


def fresh(path: Path) -> Path:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return path


WINDOW_SCRIPT = """
import os, sys, tempfile, time
home = tempfile.mkdtemp()
os.environ["XDG_CONFIG_HOME"] = home + "/c"; os.environ["XDG_DATA_HOME"] = home + "/d"
sys.path.insert(0, "benchmarks")
from _common import peak_rss_mb, rss_mb
from PySide6.QtWidgets import QApplication
from annotator.core.model import Document
from annotator.core.store import Store
from annotator.gui.app import make_application
from annotator.gui.main_window import MainWindow
with Store(sys.argv[1]) as store:
    [big] = store.list_document_ids()
    small, _ = store.add_document(Document(text="A short note.", title="short"))
app = make_application([])
window = MainWindow(sys.argv[1], annotator="bench")
window.resize(1400, 900)
window.show()
window.open_document(small)
QApplication.processEvents()
before = rss_mb()
started = time.perf_counter()
window.open_document(big)
window.view.viewport().repaint()
opened = time.perf_counter() - started
after_open = rss_mb()
bar = window.view.verticalScrollBar()
started = time.perf_counter()
while window.view._layout_next.isValid() and time.perf_counter() - started < 600:
    QApplication.processEvents()
laid_out = time.perf_counter() - started
started = time.perf_counter()
bar.setValue(bar.maximum())
window.view.viewport().repaint()
jump = time.perf_counter() - started
print(opened, before, after_open, laid_out, peak_rss_mb(), jump)
"""


def main() -> None:
    from _common import alternate_rounds, growth_per_unit, ratio_of

    args = parse_args(__doc__)
    base_docs = scaled(12_500, 2_000, quick_mode=args.quick)
    tmp = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    points, sizes = [], {}
    for factor in (1, 2, 4):
        source = tmp / f"x{factor}.jsonl"
        docs = base_docs * factor
        sizes[factor] = (docs, write_jsonl(source, docs, seed=args.seed))
        seconds, peak = ingest_in_child(source, fresh(tmp / f"x{factor}.db"))
        points.append((docs, peak * 2**20))
        print(f"{docs:,} docs, {sizes[factor][1] / 2**20:.0f} MiB in {seconds:.1f} s, peak RSS {peak:.0f} MB")

    source, (docs, size) = tmp / "x1.jsonl", sizes[1]
    rounds = 3
    bare, ours, ratios = alternate_rounds(lambda: docs / bare_in_child("plain", source, fresh(tmp / "bare.db")),
                                          lambda: docs / ingest_in_child(source, fresh(tmp / "ours.db"))[0],
                                          rounds=rounds)
    schema, ours2, schema_ratios = alternate_rounds(
        lambda: docs / bare_in_child("schema", source, fresh(tmp / "schema.db")),
        lambda: docs / ingest_in_child(source, fresh(tmp / "ours.db"))[0], rounds=rounds)
    report(f"ingest --no-extract, {size / 2**20:.0f} MiB JSONL, whole command", statistics.median(ours), "docs/s",
           None, ratio=ratio_of(ratios),
           baseline_name="bare json + sqlite3 insert loop, plain table",
           note="the command includes Python start-up, imports and the checking pass over the file")
    report("ingest vs the same bare loop into annotator's schema", statistics.median(ours2), "docs/s",
           ">= 0.5x bare (schema)", ok=ratio_of(schema_ratios)["median"] >= 0.5, ratio=ratio_of(schema_ratios),
           baseline_name="bare json + sqlite3 loop, annotator schema (FTS5, hash index)")
    record_bytes = size / docs
    slope = growth_per_unit(points)
    report(f"ingest memory growth per record ({sizes[1][0]:,} -> {sizes[4][0]:,} docs, peak RSS)", slope, "B/record",
           f"< {record_bytes / 10:.0f} B/record (1/10 of a record)", ok=slope < record_bytes / 10,
           note="peaks " + " / ".join(f"{m / 2**20:.0f}" for _, m in points) + " MB")

    # -- a 50 MB one-line article --------------------------------------------------------------------------------
    mb = scaled(50, 10, quick_mode=args.quick)
    big = tmp / "one-line.jsonl"
    sentence = "The minister said the budget was balanced. "
    body = (sentence * (mb * 2**20 // len(sentence) + 1))[: mb * 2**20]
    big.write_text(json.dumps({"text": body}) + "\n", encoding="utf-8")
    del body
    line = big.stat().st_size
    seconds, peak = ingest_in_child(big, fresh(tmp / "one-line.db"))
    fixed = points[0][1] / 2**20  # the same command's peak on the small file: interpreter, imports, caches
    report(f"ingest --no-extract of a {mb} MB one-line article: the command's peak RSS beyond its fixed cost, "
           "per byte of the line", (peak - fixed) * 2**20 / line, "x", None,
           note=f"{peak:.0f} MB peak, {fixed:.0f} MB on a small file, {seconds:.1f} s: reading and checking the "
                "line ~2x, SQLite's copies of the row and its full-text index the rest")
    out = subprocess.run([sys.executable, "-c", WINDOW_SCRIPT, str(tmp / "one-line.db")], capture_output=True,
                         text=True, cwd=REPO, check=True, timeout=900)
    opened, before, after_open, laid_out, peak_window, jump = map(float, out.stdout.split())
    report(f"window: open the {mb} MB one-line article + paint", opened * 1000, "ms", 2000,
           note="shown as paragraphs of ~4,000 characters (before: one paragraph, 33-71 s and 2 GB)")
    report(f"window resident memory with the {mb} MB article open", after_open, "MB", None,
           note=f"{before:.0f} MB before opening it")
    report(f"window peak resident memory once the {mb} MB article is all laid out", peak_window, "MB", None,
           note=f"laid out in the background in {laid_out:.1f} s; jump to the end then {jump * 1000:.0f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bare-child"]:
        kind, source, db = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
        sys.path.insert(0, str(REPO))
        (bare_ingest if kind == "plain" else bare_ingest_schema)(source, db)
    else:
        main()
