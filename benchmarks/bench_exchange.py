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
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10000)
    args = parser.parse_args()
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

    t_bare, n_bare = timed(bare_export, db, tmp / "bare.jsonl")
    t_ours, n_ours = timed(ours_export, tmp / "ours.jsonl")
    assert n_bare == n_ours == args.docs
    export_ratio = (n_ours / t_ours) / (n_bare / t_bare)
    print(f"export: annotator {n_ours / t_ours:,.0f} rec/s, bare sqlite3+json {n_bare / t_bare:,.0f} rec/s, "
          f"ratio {export_ratio:.2f} (target >= {TARGET})")

    t_bare_i, _ = timed(bare_import, tmp / "ours.jsonl", tmp / "bare_import.db")
    t_ours_i, n_imp = timed(ours_import, tmp / "ours.jsonl", tmp / "imported.db")
    import_ratio = (n_imp / t_ours_i) / (args.docs / t_bare_i)
    print(f"import: annotator {n_imp / t_ours_i:,.0f} rec/s (validate + write, one transaction), bare json+sqlite3 "
          f"{args.docs / t_bare_i:,.0f} rec/s, ratio {import_ratio:.2f} (target >= {TARGET})")
    t_schema, _ = timed(bare_import_schema, tmp / "ours.jsonl", tmp / "bare_schema.db")
    print(f"  (info) bare json+sqlite3 into annotator's schema (indexes, FKs, FTS5 triggers): "
          f"{args.docs / t_schema:,.0f} rec/s = {t_bare_i / t_schema:.2f} of the bare loop; "
          f"annotator import = {t_schema / t_ours_i:.2f} of it")

    half = args.docs // 2
    small = tmp / "half.db"
    build(small, half)
    with open(tmp / "ours.jsonl", encoding="utf-8") as handle, open(tmp / "half.jsonl", "w", encoding="utf-8") as out:
        for _, line in zip(range(half), handle):
            out.write(line)
    exp_half = peak(ours_export, tmp / "p1.jsonl", small)
    exp_full = peak(ours_export, tmp / "p2.jsonl", db)
    imp_half = peak(ours_import, tmp / "half.jsonl", tmp / "p1.db")
    imp_full = peak(ours_import, tmp / "ours.jsonl", tmp / "p2.db")
    print(f"peak traced memory: export {exp_half:.1f} MiB at {half} docs, {exp_full:.1f} MiB at {args.docs}; "
          f"import {imp_half:.1f} MiB at {half}, {imp_full:.1f} MiB at {args.docs} (target: flat, does not grow with N)")
    ok = export_ratio >= TARGET and import_ratio >= TARGET and exp_full < 2 * exp_half + 5 and imp_full < 2 * imp_half + 5
    print("PASS" if ok else "BELOW TARGET")
    from _common import report

    report("export throughput (annotator JSONL)", n_ours / t_ours, "rec/s", f">= {TARGET}x bare",
           ok=export_ratio >= TARGET, baseline=n_bare / t_bare, baseline_name="bare sqlite3 + json loop")
    report("import throughput (annotator JSONL, all or nothing)", n_imp / t_ours_i, "rec/s", f">= {TARGET}x bare",
           ok=import_ratio >= TARGET, baseline=args.docs / t_bare_i, baseline_name="bare json + sqlite3 loop, plain tables")
    report("import throughput vs the same bare loop into annotator's schema", n_imp / t_ours_i, "rec/s", None,
           baseline=args.docs / t_schema, baseline_name="bare json + sqlite3 loop, annotator schema")
    report(f"export peak traced memory ({half:,} -> {args.docs:,} docs)", exp_full, "MiB", "flat", ok=exp_full < 2 * exp_half + 5,
           note=f"{exp_half:.1f} MiB at {half}")
    report(f"import peak traced memory ({half:,} -> {args.docs:,} docs)", imp_full, "MiB", "flat", ok=imp_full < 2 * imp_half + 5,
           note=f"{imp_half:.1f} MiB at {half}")


if __name__ == "__main__":
    main()
