"""The window's resident memory over many opens: it must not grow with the number of documents opened.

Figures (real MainWindow, offscreen, one process):
- RSS growth over 300 reopens of the two seed articles (pre-extracted by the real model, as `make run` does),
  measured after a warm-up of 20 opens; target < 5 MB in all (issue 11: it grew ~300 KB per reopen before).
- the same as growth per reopen (least-squares slope over checkpoints), which shows a leak that a total hides.
- RSS growth over a second pass through 300 distinct small documents (the first pass fills caches such as the
  document list's rows); target < 5 MB.
- RSS growth over 300 refreshes from the database with a seed article open; target < 5 MB.
The 100,000-word article's open/close plateau is bench_long_article.py's.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO, growth_per_unit, note, parse_args, report, rss_mb, scaled, section

REOPENS_TARGET_MB = 5.0


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    reopens = scaled(300, 60, quick_mode=args.quick)
    distinct = scaled(300, 60, quick_mode=args.quick)
    home = Path(tempfile.mkdtemp(prefix="annotator-bench-memory-"))
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    db = home / "seeds.db"
    subprocess.run([str(Path(sys.executable).parent / "annotator"), "--db", str(db), "ingest", "seeds/"],
                   cwd=REPO, check=True, capture_output=True)

    from annotator.core.model import Document
    from annotator.core.store import Store

    with Store(db) as store:
        seed_ids = store.list_document_ids()
        small_ids = [store.add_document(Document(text=f"Note {i}: the mayor of Springfield said it was fine.",
                                                 title=f"note {i}"))[0] for i in range(distinct)]

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from annotator.gui.app import make_application
    from annotator.gui.main_window import MainWindow

    app = make_application([])
    window = MainWindow(db, annotator="bench")
    window.resize(1400, 900)
    window.show()
    QApplication.processEvents()

    def settle() -> None:
        """What one turn of the real event loop does: pending events, then the deferred deletes (deleteLater),
        which processEvents() alone never runs."""
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def open_and_paint(doc_id: int) -> None:
        window.open_document(doc_id)
        window.view.viewport().repaint()
        settle()

    section(f"{reopens} reopens of the {len(seed_ids)} seed articles")
    for i in range(20):  # warm-up: caches, fonts, the first layouts
        open_and_paint(seed_ids[i % len(seed_ids)])
    gc.collect()
    start = rss_mb()
    points = [(0, start)]
    for i in range(1, reopens + 1):
        open_and_paint(seed_ids[i % len(seed_ids)])
        if i % 50 == 0 or i == reopens:
            gc.collect()
            points.append((i, rss_mb()))
            note(f"after {i} reopens: {points[-1][1]:.1f} MB")
    growth = points[-1][1] - start
    report(f"window RSS growth over {reopens} reopens of seed articles", growth, "MB", REOPENS_TARGET_MB,
           note=f"{start:.0f} -> {points[-1][1]:.0f} MB")
    per = growth_per_unit(points) * 1024
    report("window RSS growth per reopen (slope)", per, "KB", 16.0,
           note="before the fix ~300 KB per reopen")

    section(f"{distinct} distinct small documents, opened twice")
    # The first pass opens each document for the first time: memory that grows per *distinct* document opened
    # shows here (audit 18), so its slope over the last two thirds (after caches have filled) is a figure too.
    first_pass = []
    for n, doc_id in enumerate(small_ids, 1):
        open_and_paint(doc_id)
        if n > len(small_ids) // 3 and n % max(1, len(small_ids) // 12) == 0:
            gc.collect()
            first_pass.append((n, rss_mb()))

    per_distinct = growth_per_unit(first_pass) * 1024 if len(first_pass) > 1 else float("nan")
    report("window RSS growth per distinct document opened, first pass (slope after the first third)",
           per_distinct, "KB", 16.0, note=f"{len(first_pass)} readings")
    gc.collect()
    start = rss_mb()
    for doc_id in small_ids:
        open_and_paint(doc_id)
    gc.collect()
    growth = rss_mb() - start
    report(f"window RSS growth over a second pass through {distinct} small documents", growth, "MB", REOPENS_TARGET_MB,
           note="before the fix ~45 KB per document")

    section(f"{reopens} refreshes from the database (what another window's commit or F5 triggers)")
    open_and_paint(seed_ids[0])
    for _ in range(20):
        window.refresh_from_database()
        settle()
    gc.collect()
    start = rss_mb()
    for _ in range(reopens):
        window.refresh_from_database()
        window.view.viewport().repaint()
        settle()
    gc.collect()
    growth = rss_mb() - start
    report(f"window RSS growth over {reopens} refreshes of an open seed article", growth, "MB", REOPENS_TARGET_MB,
           note="each refresh re-reads and re-shows the open document")
    window.close()
    app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
