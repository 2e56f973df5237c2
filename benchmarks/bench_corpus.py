"""A corpus of 1,000,000 short documents and ~10,000,000 spans (--quick: 100,000 / 1,000,000).

Store figures (in this process, on the generated database — see corpus_data.py; the first run generates it, which
takes a few minutes, later runs reuse it): opening a document (store.document + annotation_set), search
(store.search) and the list filter (count + first page) for common, mid-frequency, rare, prefix, two-word and
speaker-name queries, status counts and deep pages. Baselines in the same run: the bare sqlite3 SELECTs of the
same rows, a bare FTS5 MATCH.

Window figures (in a fresh subprocess, as a user would start it): time to the shown window, rows the document
list fetched, rows fetched after scrolling it, a filter typed into it, resident memory.
Page-cache note: the database file is warm in the OS cache (it was just generated or used); a first open after a
reboot reads from disk and is slower. No application-level cache is primed.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import FIGURE_PREFIX, Timer, measure, note, parse_args, report, rss_mb, scaled, section, summarize

QUERIES = ("common", "mid", "rare", "prefix", "two words", "speaker")


def queries(seed: int) -> dict[str, str]:
    from corpus_data import sample_words

    w = sample_words(seed)
    return {
        "common": w["common"],  # in ~80 % of documents
        "mid": w["mid"],  # ~1 %
        "rare": w["rare"],  # ~0.01 %
        "prefix": w["common"][:2],  # search-as-you-type: a 2-letter prefix
        "two words": f"{w['common']} {w['mid']}",
        "speaker": "John Kerry",  # only in quotes' resolved speaker names, never in a text
    }


def store_figures(db: Path, docs: int, seed: int) -> None:
    from annotator.core.model import MODEL_ANNOTATOR, Status
    from annotator.core.store import Store

    with Timer() as t:
        store = Store(db)
    report("open the database (Store)", t.ms, "ms", 100)
    rng = random.Random(seed)
    ids = [rng.randint(1, docs) for _ in range(200)]
    raw = sqlite3.connect(db)
    model_id = store.annotator_id(MODEL_ANNOTATOR)

    section("opening a document")
    it = iter(ids)
    samples = []
    for doc_id in ids:
        with Timer() as t:
            doc = store.document(doc_id)
            aset = store.annotation_set(doc_id, MODEL_ANNOTATOR)
        samples.append(t.ms)
    base = []
    for doc_id in ids:
        with Timer() as t:
            raw.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
            raw.execute("SELECT * FROM entities WHERE doc_id = ? AND annotator_id = ?", (doc_id, model_id)).fetchall()
            raw.execute("SELECT * FROM quotes WHERE doc_id = ? AND annotator_id = ?", (doc_id, model_id)).fetchall()
        base.append(t.ms)
    del it, doc, aset
    report("open a document: document + annotation_set (median of 200 random)", summarize(samples), "ms", 50,
           baseline=summarize(base), baseline_name="bare sqlite3 SELECTs")
    report("open a document (worst of 200)", summarize(samples, "max"), "ms", 50)

    section("search (store.search, 50 hits) and the list filter (count + first page of 100)")
    for kind, q in queries(seed).items():
        from annotator.core.store import fts_query

        bare = measure(lambda: raw.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? LIMIT 50", (fts_query(q),)).fetchall(), repeat=5)
        hits = store.search(q)
        ms = measure(lambda: store.search(q), repeat=5)
        report(f"search {kind!r} ({q})", ms, "ms", 100, baseline=bare, baseline_name="bare FTS MATCH LIMIT 50",
               note=f"{len(hits)} hits")

        def list_filter(exact: bool):
            n = store.count_documents(text=q, at_most=None if exact else 10_000)
            return n, store.list_document_ids(text=q, limit=100)

        n, first = list_filter(False)
        report(f"list filter {kind!r}: count (at_most=10,000) + first 100 ids", measure(lambda: list_filter(False), repeat=5),
               "ms", 100, baseline=bare, baseline_name="bare FTS MATCH LIMIT 50",
               note=f"{n:,}{'+' if n >= 10_000 else ''} documents")
        exact_n, _ = list_filter(True)
        report(f"list filter {kind!r}: exact count + first 100 ids (info: the window counts to 10,000+)",
               measure(lambda: list_filter(True), repeat=3), "ms", note=f"{exact_n:,} documents")
        if kind == "speaker":
            report("speaker search finds documents by quoted speaker", len(hits), "hits", "> 0", ok=len(hits) > 0)

    section("list counts, pages and rows")
    for status in (None, Status.NEW, Status.DONE):
        label = status.value if status else "all"
        n = store.count_documents(annotator="alice" if status else None, status=status)
        ms = measure(lambda: store.count_documents(annotator="alice" if status else None, status=status), repeat=5)
        report(f"count documents, status {label}", ms, "ms", 50, note=f"{n:,}")
    deep = docs - 200
    # Like with like: each page against the bare SELECT doing the same operation (OFFSET vs OFFSET, keyset vs
    # keyset), so a ratio shows what annotator adds, not what the operation itself costs.
    bare_offset = measure(lambda: raw.execute("SELECT id FROM documents ORDER BY id LIMIT 100 OFFSET ?", (deep,)).fetchall())
    report("page of 100 ids at offset n-200 (OFFSET)", measure(lambda: store.list_document_ids(offset=deep, limit=100)),
           "ms", 50, baseline=bare_offset, baseline_name="bare OFFSET SELECT")
    last = store.list_document_ids(offset=deep - 1, limit=1)[0]
    bare_keyset = measure(lambda: raw.execute("SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT 100", (last,)).fetchall())
    report("page of 100 ids after the id at n-200 (keyset `after`)",
           measure(lambda: store.list_document_ids(after=last, limit=100)), "ms", 50,
           baseline=bare_keyset, baseline_name="bare keyset SELECT")
    report("page of 100 ids, alice 'new', deep (OFFSET; info: the window pages by keyset)", measure(
        lambda: store.list_document_ids(annotator="alice", status=Status.NEW, offset=docs // 2, limit=100)), "ms")
    middle = store.list_document_ids(annotator="alice", status=Status.NEW, offset=docs // 2, limit=1)[0]
    report("page of 100 ids, alice 'new', deep (keyset `after`, as the window pages)", measure(
        lambda: store.list_document_ids(annotator="alice", status=Status.NEW, after=middle, limit=100)), "ms", 50)
    page = store.list_document_ids(offset=docs // 2, limit=100)
    report("document_rows for 100 list rows (counts, status, annotators)",
           measure(lambda: store.document_rows(page, annotator="alice")), "ms", 16)
    raw.close()
    store.close()


# -- the window, in a fresh process ---------------------------------------------------------------------------

def window_child(db: str, query: str) -> None:
    """Run in a subprocess: start the window on the big database and print figures (FIGURE lines)."""
    started = float(os.environ["BENCH_T0"])
    from PySide6.QtWidgets import QApplication

    from annotator.core.store import Store
    from annotator.gui.app import make_application
    from annotator.gui.main_window import MainWindow

    fetched = {"rows": 0, "ids": 0}
    original_rows, original_ids = Store.document_rows, Store.list_document_ids

    def counting_rows(self, doc_ids, **kw):
        fetched["rows"] += len(doc_ids)
        return original_rows(self, doc_ids, **kw)

    def counting_ids(self, **kw):
        found = original_ids(self, **kw)
        fetched["ids"] += len(found)
        return found

    Store.document_rows, Store.list_document_ids = counting_rows, counting_ids
    app = make_application([])  # noqa: F841 - the window needs the application alive
    window = MainWindow(db, annotator="alice")
    window.resize(1400, 900)
    window.show()
    QApplication.processEvents()
    window.doc_list.table.viewport().repaint()
    shown = time.time() - started
    report("window shown on the corpus (fresh process, incl. Python start)", shown * 1000, "ms", 1000)
    model = window.doc_model
    report("document list: rows loaded when shown", fetched["rows"], "rows", "< 200 (what is visible)",
           ok=fetched["rows"] < 200, note=f"{fetched['ids']:,} ids fetched; list total {model.total:,}")
    table = window.doc_list.table
    bar = table.verticalScrollBar()
    step_ms = []
    for _ in range(30):  # page down 30 times
        with Timer() as t:
            bar.setValue(bar.value() + bar.pageStep())
            QApplication.processEvents()
            table.viewport().repaint()
        step_ms.append(t.ms)
    visible = table.viewport().height() // max(1, table.verticalHeader().defaultSectionSize())
    report("document list: page-down + repaint (median of 30)", summarize(step_ms), "ms", 16)
    report("document list: rows loaded after 30 page-downs", fetched["rows"], "rows",
           f"~ shown ({31 * visible:,}) + chunk rounding", ok=fetched["rows"] <= 31 * visible + 2 * model.CHUNK + 200,
           note=f"{fetched['ids']:,} ids in memory of {model.total:,}")
    with Timer() as t:
        window.doc_list.search_box.setText(query)
        window.doc_list.apply_filter()
        QApplication.processEvents()
        table.viewport().repaint()
    report(f"document list: filter on a common word ({query!r}) + repaint", t.ms, "ms", 100,
           note=f"{model.total:,} documents match")
    window.doc_list.search_box.setText("")
    window.doc_list.apply_filter()
    ids = [random.Random(1).randint(1, 1000) * 97 for _ in range(20)]
    samples = []
    for doc_id in ids:
        with Timer() as t:
            window.open_document(doc_id)
            window.view.viewport().repaint()
        samples.append(t.ms)
    report("window: open a document + paint (median of 20, first open)", summarize(samples), "ms", 50)
    report("window resident memory on the corpus", rss_mb(), "MB", 300)
    window.close()


def window_figures(db: Path, seed: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["BENCH_T0"] = repr(time.time())
    result = subprocess.run(
        [sys.executable, __file__, "--window-child", str(db), "--query", queries(seed)["common"]],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
    )
    for line in result.stdout.splitlines():
        if line.startswith(FIGURE_PREFIX) or line.startswith("  ["):
            print(line, flush=True)
        elif "propagateSizeHints" not in line:
            print("  | " + line, flush=True)
    if result.returncode != 0:
        report("window on the corpus: child process", result.returncode, "exit code", "0", ok=False)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], lambda p: (p.add_argument("--window-child"), p.add_argument("--query")))
    if args.window_child:
        window_child(args.window_child, args.query)
        return
    from corpus_data import build_corpus

    docs, spans = scaled(1_000_000, 100_000), scaled(10_000_000, 1_000_000)
    section(f"corpus: {docs:,} documents, ~{spans:,} spans (seed {args.seed})")
    with Timer() as t:
        db = build_corpus(docs, spans, args.seed)
    note(f"database ready in {t.seconds:.1f} s ({db.stat().st_size / 2**30:.2f} GiB)")
    from annotator.core.store import Store

    with Timer() as t:
        Store(db).close()  # apply any migration newer than the cached file (once), outside the figures
    if t.ms > 1000:
        note(f"migrated the cached database in {t.seconds:.1f} s")
    store_figures(db, docs, args.seed)
    section("the window on the corpus (fresh process)")
    window_figures(db, args.seed)


if __name__ == "__main__":
    sys.exit(main())
