"""Ingest streams: `annotator ingest --no-extract` on a small and a 4x larger generated JSONL file, each in a
fresh process; its peak resident memory must not grow with the file (target: flat), and its rate is printed
against a bare loop that reads the same lines with json and inserts them with sqlite3 (plain table, one
transaction). Extraction is left out here: its throughput is bench_extract.py's.

    python benchmarks/bench_ingest.py [--quick]
"""

from __future__ import annotations

import json
import random
import sqlite3
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


def main() -> None:
    args = parse_args(__doc__)
    small_docs = scaled(25_000, 4_000, quick_mode=args.quick)
    tmp = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    figures = {}
    for name, docs in (("small", small_docs), ("large", 4 * small_docs)):
        source = tmp / f"{name}.jsonl"
        size = write_jsonl(source, docs, seed=args.seed)
        seconds, peak = ingest_in_child(source, tmp / f"{name}.db")
        figures[name] = (docs, size, seconds, peak)
        print(f"{name}: {docs:,} docs, {size / 2**20:.0f} MiB in {seconds:.1f} s, peak RSS {peak:.0f} MB")
    docs, size, seconds, peak = figures["large"]
    bare = bare_ingest(tmp / "large.jsonl", tmp / "bare.db")
    report(f"ingest --no-extract, {size / 2**20:.0f} MiB JSONL", docs / seconds, "docs/s", None,
           baseline=docs / bare, baseline_name="bare json + sqlite3 insert loop, plain table",
           note="checks every line first, then writes in batches (FTS index, dedupe by content hash)")
    small_peak, large_peak = figures["small"][3], figures["large"][3]
    report(f"ingest peak memory, {figures['small'][1] / 2**20:.0f} -> {size / 2**20:.0f} MiB file", large_peak, "MB",
           "flat", ok=large_peak < small_peak * 1.25 + 20, note=f"{small_peak:.0f} MB for the small file")


if __name__ == "__main__":
    main()
