"""Screenshot of the window: ingest the seeds into a temp database, open the first article with a quote
selected, and save docs/screenshot-window.png (QWidget.grab). Run under a display or `xvfb-run`:

    xvfb-run -a .venv/bin/python benchmarks/screenshot.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def ingest(db: Path) -> None:
    if db.exists():
        return
    annotator = Path(sys.executable).with_name("annotator")
    command = [str(annotator)] if annotator.exists() else [sys.executable, "-m", "annotator.cli"]
    subprocess.run([*command, "--db", str(db), "ingest", str(REPO / "seeds")], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "shot.db")
    parser.add_argument("--out", type=Path, default=None,
                        help="default: docs/screenshot-window.png (docs/screenshot-window-dark.png with --dark)")
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--dark", action="store_true", help="Use a dark palette (checks dark-mode readability).")
    parser.add_argument("--compare", action="store_true",
                        help="Show a teammate's version over yours (View → Compare with…), differences marked.")
    args = parser.parse_args()
    if args.out is None:
        args.out = REPO / "docs" / ("screenshot-window-dark.png" if args.dark else "screenshot-window.png")
    ingest(args.db)
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="annotator-shot-")  # no remembered layout

    from annotator.gui.app import make_application, use_style
    from annotator.gui.colors import dark_palette
    from annotator.gui.main_window import MainWindow
    from PySide6.QtCore import Qt

    app = make_application()
    use_style(app, "Fusion")
    if args.dark:
        app.setPalette(dark_palette())
    window = MainWindow(args.db, "screenshot")
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    first = window.doc_model.id_at(0)
    window.open_document(first)
    # a checked document tag first: the first edit makes the annotator's own set (new ids, issue 15)
    window.on_tag_toggled("document", None, "needs-review", True)
    quotes = [s.quote for s in window.view.index.quotes.ordered()]
    # a quote with a speaker and a cue, and an entity inside it, shows the most
    def score(q):
        inside = len(window.view.index.entities.in_range(*window.view.offsets.range_to_qt(q.start, q.end)))
        return (q.speaker is not None) + (q.cue is not None) + min(inside, 2)

    # and a checked span tag, so both checkbox states show
    if quotes:
        best = max(quotes, key=score)
        window.pick_quote(best.id)
        window.on_tag_toggled("quote", best.id, "important", True)
        window.docks["quotes"].raise_()
        window.resizeDocks([window.docks["quotes"]], [560], Qt.Orientation.Horizontal)  # the quote table's columns
    if args.compare:
        compare_with_teammate(window)
    for _ in range(5):
        app.processEvents()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(args.out))
    print(f"{args.out} ({width}x{height}), document {first}, {len(quotes)} quotes")
    window.close()
    return 0


def compare_with_teammate(window) -> None:
    """A teammate "bob" whose version differs from yours in the first screen of the article: one entity
    relabelled, one left out, one more added; then View → Compare with… bob."""
    import re

    from annotator.core.model import AnnotationSet, Entity, Status

    mine = window.store.annotation_set(window.doc.id, window.annotator)
    entities = sorted(mine.entities, key=lambda e: e.start)
    text = window.doc.text
    taken = [(e.start, e.end) for e in entities]
    theirs = [e.with_(id=None) for e in entities]
    body = 3 if len(entities) > 8 else 0  # past the headline and the page's boilerplate lines
    theirs[body] = theirs[body].with_(label="ORG" if theirs[body].label != "ORG" else "PERSON")  # label differs
    del theirs[body + 2]  # only in yours
    for m in re.finditer(r"\b[A-Za-z]{5,}\b", text[entities[body].end: entities[body + 6].end]):
        start, end = m.start() + entities[body].end, m.end() + entities[body].end
        if not any(s < end and start < e for s, e in taken):
            m = type("M", (), {"start": lambda self, s=start: s, "end": lambda self, e=end: e})()
            theirs.append(Entity(m.start(), m.end(), "NORP"))  # only in theirs
            break
    window.store.replace_annotation_set(AnnotationSet(doc_id=window.doc.id, annotator="bob",
                                                      status=Status.IN_PROGRESS, entities=theirs, quotes=mine.quotes))
    window.compare_with("bob")


if __name__ == "__main__":
    sys.exit(main())
