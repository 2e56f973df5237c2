"""Exchange throughput and memory: `annotator export` / `import` against bare sqlite3 + json loops in the same run.

Export baseline: read the same rows (documents, entities, quotes) with sqlite3 and write JSON lines.
Import baseline: read the same JSON lines and insert the rows with sqlite3 in one transaction (the mirror).
Target: each ratio >= 0.5. Peak traced memory at N/2 and N documents shows whether memory stays flat.
Usage: python benchmarks/bench_exchange.py [--docs 10000]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.model import AnnotationSet, Document, Entity, Quote, Status, TextRange  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.io.exporter import ExportOptions, export  # noqa: E402
from annotator.io.importer import import_file  # noqa: E402

TARGET = 0.5
WORDS = "the minister said that talks with Pakistan and the Taliban would resume in Kabul next week".split()


def build(path: Path, docs: int) -> None:
    rng = random.Random(1)
    with Store(path) as store, store.transaction():
        for i in range(docs):
            words = [rng.choice(WORDS) for _ in range(60)] + [str(i)]
            text = " ".join(words)
            doc_id, _ = store.add_document(Document(text=text, meta={"source": "bench", "n": i}))
            offsets, pos = [], 0
            for word in words:
                offsets.append((pos, pos + len(word)))
                pos += len(word) + 1
            ents = [Entity(*offsets[j], "ORG") for j in range(0, 50, 10)]
            quote = Quote(offsets[20][0], offsets[40][1], speaker=TextRange(*offsets[18]), cue=TextRange(*offsets[19]))
            store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE,
                                                       entities=ents, quotes=[quote]))


def bare_export(db: Path, out: Path) -> int:
    conn = sqlite3.connect(db)
    n = 0
    with open(out, "w", encoding="utf-8") as handle:
        last = 0
        while True:
            docs = conn.execute("SELECT id, text, meta FROM documents WHERE id > ? ORDER BY id LIMIT 500", (last,)).fetchall()
            if not docs:
                break
            last = docs[-1][0]
            ids = [d[0] for d in docs]
            marks = ",".join("?" * len(ids))
            ents: dict[int, list] = {}
            for row in conn.execute(f'SELECT doc_id, start, "end", label FROM entities WHERE doc_id IN ({marks})', ids):
                ents.setdefault(row[0], []).append({"start": row[1], "end": row[2], "label": row[3]})
            quotes: dict[int, list] = {}
            for row in conn.execute(f'SELECT doc_id, start, "end", type, speaker_start, speaker_end, cue_start, cue_end '
                                    f'FROM quotes WHERE doc_id IN ({marks})', ids):
                quotes.setdefault(row[0], []).append(
                    {"start": row[1], "end": row[2], "type": row[3], "speaker": [row[4], row[5]], "cue": [row[6], row[7]]})
            for doc_id, text, meta in docs:
                handle.write(json.dumps({"text": text, "meta": json.loads(meta), "spans": ents.get(doc_id, []),
                                         "quotes": quotes.get(doc_id, [])}, ensure_ascii=False) + "\n")
                n += 1
    conn.close()
    return n


def bare_import(source: Path, db: Path) -> int:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(
        'CREATE TABLE d (id INTEGER PRIMARY KEY, hash TEXT UNIQUE, text TEXT, meta TEXT);'
        'CREATE TABLE e (doc_id INT, start INT, "end" INT, label TEXT);'
        'CREATE TABLE q (doc_id INT, start INT, "end" INT, type TEXT, s1 INT, s2 INT, c1 INT, c2 INT);'
    )
    conn.execute("BEGIN")
    n = 0
    import hashlib

    with open(source, encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            doc_id = conn.execute("INSERT INTO d(hash, text, meta) VALUES (?, ?, ?)",
                                  (hashlib.sha256(r["text"].encode()).hexdigest(), r["text"], json.dumps(r["meta"]))).lastrowid
            conn.executemany('INSERT INTO e VALUES (?, ?, ?, ?)', [(doc_id, s["start"], s["end"], s["label"]) for s in r["spans"]])
            for q in r["quotes"]:
                sp, cu = q.get("speaker") or {}, q.get("cue") or {}
                conn.execute("INSERT INTO q VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (doc_id, q["start"], q["end"], q["type"], sp.get("start"), sp.get("end"), cu.get("start"), cu.get("end")))
            n += 1
    conn.execute("COMMIT")
    conn.close()
    return n


def bare_import_schema(source: Path, db: Path) -> int:
    """The same bare loop, into annotator's own schema (created by Store: indexes, foreign keys, the FTS5 triggers
    on documents and quotes): what the database itself costs, with no validation or Python objects. Informational:
    it shows how much of the gap to `bare_import` is the schema, which no importer can avoid."""
    import hashlib

    Store(db).close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN IMMEDIATE")
    annotator_id = conn.execute("INSERT INTO annotators(name, created_at) VALUES ('x', 'now')").lastrowid
    n = 0
    with open(source, encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            doc_id = conn.execute(
                "INSERT INTO documents(hash, title, source, text, meta, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (hashlib.sha256(r["text"].encode()).hexdigest(), r["text"][:60], "b", r["text"], json.dumps(r["meta"]), "now"),
            ).lastrowid
            conn.execute("INSERT INTO annotation_sets(doc_id, annotator_id, status, extra, created_at, updated_at) "
                         "VALUES (?, ?, 'done', '{}', 'now', 'now')", (doc_id, annotator_id))
            conn.executemany('INSERT INTO entities(doc_id, annotator_id, start, "end", label) VALUES (?, ?, ?, ?, ?)',
                             [(doc_id, annotator_id, s["start"], s["end"], s["label"]) for s in r["spans"]])
            for q in r["quotes"]:
                sp, cu = q.get("speaker") or {}, q.get("cue") or {}
                conn.execute('INSERT INTO quotes(doc_id, annotator_id, start, "end", type, speaker_start, speaker_end, '
                             "cue_start, cue_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (doc_id, annotator_id, q["start"], q["end"], q["type"], sp.get("start"), sp.get("end"),
                              cu.get("start"), cu.get("end")))
            n += 1
    conn.execute("COMMIT")
    conn.close()
    return n


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def peak(fn, *args) -> float:
    tracemalloc.start()
    fn(*args)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 2**20


def main() -> None:
    from _common import alternate_rounds, growth_per_unit, ratio_of, report

    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median and spread reported)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.rounds = 2000, 3
    tmp = Path(tempfile.mkdtemp(prefix="bench_exchange_"))
    db = tmp / "src.db"
    t, _ = timed(build, db, args.docs)
    print(f"built {args.docs} documents (1 annotator, 5 entities + 1 quote each) in {t:.1f}s")

    def ours_export(out: Path, db_path: Path = db) -> int:
        with Store(db_path, readonly=True) as store:
            return export(store, ExportOptions(format="jsonl", output=out)).records

    def ours_import(source: Path, target: Path) -> int:
        with Store(target) as store:
            return import_file(store, source).records

    def rate(fn, first: Path, second: Path, *, fresh: Path | None = None) -> float:
        """Records per second of one run of fn(first, second); `fresh` (a target database) is removed first."""
        if fresh is not None:
            for leftover in fresh.parent.glob(fresh.name + "*"):
                leftover.unlink()
        seconds, records = timed(fn, first, second)
        assert records == args.docs, (fn.__name__, records)
        return records / seconds

    ours_export(tmp / "ours.jsonl")  # the file the import rounds read
    # Alternating rounds, each after one untimed warm-up: neither side pays a cold cache alone.
    bare_x, ours_x, export_ratios = alternate_rounds(lambda: rate(bare_export, db, tmp / "bare.jsonl"),
                                                     lambda: rate(ours_export, tmp / "x.jsonl", db), rounds=args.rounds)
    bare_i, ours_i, import_ratios = alternate_rounds(lambda: rate(bare_import, tmp / "ours.jsonl", tmp / "bare_i.db", fresh=tmp / "bare_i.db"),
                                                     lambda: rate(ours_import, tmp / "ours.jsonl", tmp / "ours_i.db", fresh=tmp / "ours_i.db"),
                                                     rounds=args.rounds)
    schema_i, ours_i2, schema_ratios = alternate_rounds(
        lambda: rate(bare_import_schema, tmp / "ours.jsonl", tmp / "bare_s.db", fresh=tmp / "bare_s.db"),
        lambda: rate(ours_import, tmp / "ours.jsonl", tmp / "ours_i.db", fresh=tmp / "ours_i.db"), rounds=args.rounds)
    export_ratio, import_ratio = ratio_of(export_ratios), ratio_of(import_ratios)
    print(f"export ratio per round: {', '.join(f'{r:.2f}' for r in export_ratios)}")
    print(f"import ratio per round: {', '.join(f'{r:.2f}' for r in import_ratios)}")
    print(f"import vs schema loop per round: {', '.join(f'{r:.2f}' for r in schema_ratios)}")

    # Memory as the input grows: peak traced memory at 1/4, 1/2 and all of the documents, and the growth per
    # record (least-squares slope). Streaming keeps the slope near 0 B/record; holding records in memory costs
    # at least their size (~600 B of JSON each). Target: under a tenth of that.
    sizes = [args.docs // 4, args.docs // 2, args.docs]
    with open(tmp / "ours.jsonl", encoding="utf-8") as handle:
        lines = handle.readlines()
    record_bytes = sum(len(line.encode()) for line in lines) / len(lines)
    exp_points, imp_points = [], []
    for n in sizes:
        part_db, part_jsonl = tmp / f"part{n}.db", tmp / f"part{n}.jsonl"
        if n == args.docs:
            part_db = db
        else:
            build(part_db, n)
        part_jsonl.write_text("".join(lines[:n]), encoding="utf-8")
        exp_points.append((n, peak(ours_export, tmp / f"p{n}.jsonl", part_db) * 2**20))
        imp_points.append((n, peak(ours_import, part_jsonl, tmp / f"p{n}.db") * 2**20))
    del lines
    limit = record_bytes / 10

    report("export throughput (annotator JSONL)", statistics.median(ours_x), "rec/s", f">= {TARGET}x bare",
           ok=export_ratio["median"] >= TARGET, ratio=export_ratio, baseline_name="bare sqlite3 + json loop")
    report("import throughput (annotator JSONL, all or nothing)", statistics.median(ours_i), "rec/s",
           f">= {TARGET}x bare", ok=import_ratio["median"] >= TARGET, ratio=import_ratio,
           baseline_name="bare json + sqlite3 loop, plain tables")
    report("import throughput vs the same bare loop into annotator's schema", statistics.median(ours_i2), "rec/s",
           None, ratio=ratio_of(schema_ratios), baseline_name="bare json + sqlite3 loop, annotator schema")
    for name, points in (("export", exp_points), ("import", imp_points)):
        slope = growth_per_unit(points)
        report(f"{name} memory growth per record ({sizes[0]:,} -> {sizes[-1]:,} docs, peak traced)", slope, "B/record",
               f"< {limit:.0f} B/record (1/10 of a record)", ok=slope < limit,
               note="peaks " + " / ".join(f"{m / 2**20:.1f}" for _, m in points) + " MiB")


if __name__ == "__main__":
    main()
