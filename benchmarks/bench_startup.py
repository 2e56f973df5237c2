"""Start-up to a shown window on an empty database, in a fresh `python -c` subprocess (as `annotator gui` would),
and a check that spaCy is not imported on that path. Baseline: a bare `python -c "import PySide6.QtWidgets"` +
an empty QMainWindow shown, in the same run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, note, parse_args, report, section, summarize

CHILD = r"""
import json, sys, time
t0 = float(sys.argv[1])
from annotator.gui.app import make_application
from annotator.gui.main_window import MainWindow
from PySide6.QtWidgets import QApplication
app = make_application([])
window = MainWindow(sys.argv[2], annotator="bench")
window.show()
QApplication.processEvents()
window.view.viewport().repaint()
shown = time.time() - t0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc", "torch", "sklearn", "pandas"))
print(json.dumps({"shown_ms": shown * 1000, "heavy": heavy, "modules": len(sys.modules)}))
window.close()
"""

# The real entry point, as `annotator gui` / the console script runs it (click, every CLI module, the platform
# checks, run_app). QApplication.exec is replaced by one turn of events + a repaint + the time, so the process
# reports when the window is shown and exits.
ENTRY_POINT = r"""
import json, os, sys, time
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication

def shown_then_exit(app):
    QApplication.processEvents()
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for w in windows:
        w.repaint()
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc", "torch", "sklearn", "pandas"))
    print(json.dumps({"shown_ms": (time.time() - t0) * 1000, "windows": len(windows), "heavy": heavy,
                      "modules": len(sys.modules)}), flush=True)
    os._exit(0)

QApplication.exec = shown_then_exit
sys.argv = ["annotator", "--db", sys.argv[2], "gui", "--annotator", "bench"]
from annotator.cli import main
main()
"""

FIRST_EDIT = r"""
import json, sys, time
from annotator.gui.app import make_application
from annotator.gui.main_window import MainWindow
from PySide6.QtWidgets import QApplication
app = make_application([])
window = MainWindow(sys.argv[2], annotator="bench")
window.show()
QApplication.processEvents()
window.view.viewport().repaint()
window.view.select_range(0, 7)
t0 = time.perf_counter()
window.apply_label("ORG")
window.view.viewport().repaint()
first = (time.perf_counter() - t0) * 1000
window.view.select_range(8, 15)
t0 = time.perf_counter()
window.apply_label("ORG")
window.view.viewport().repaint()
second = (time.perf_counter() - t0) * 1000
heavy = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("sqlite_utils", "numpy", "spacy")})
print(json.dumps({"first_ms": first, "second_ms": second, "heavy": heavy}))
window.close()
"""

BARE = r"""
import json, sys, time
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1400, 860); w.show(); QApplication.processEvents()
print(json.dumps({"shown_ms": (time.time() - t0) * 1000}))
"""


def run(code: str, *args: str, env: dict) -> dict:
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code, repr(t0), *args], env=env, cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"start-up child failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1])


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    home = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    section("start-up to a shown window, empty database, fresh process (5 runs, after one warm-up)")
    runs = 3 if args.quick else 5
    cold_entry = run(ENTRY_POINT, str(home / "entry-cold.db"), env=env)  # before anything else of this bench ran
    run(BARE, env=env)  # warm the OS file cache for both (a cold first start after boot is slower)
    bare = summarize([run(BARE, env=env)["shown_ms"] for _ in range(runs)])
    results = []
    for i in range(runs + 1):
        db = home / f"empty-{i}.db"  # a new empty database each time: the first-run path (creates the schema)
        results.append(run(CHILD, str(db), env=env))
    results = results[1:]
    report("start-up to shown window (empty database), GUI modules only (no click/CLI), warm", summarize([r["shown_ms"] for r in results]), "ms", 1000,
           baseline=bare, baseline_name="bare PySide6 QMainWindow")
    report("start-up worst of runs", summarize([r["shown_ms"] for r in results], "max"), "ms", 1000)

    section("start-up through the real `annotator gui` entry point (click + CLI modules + run_app)")
    entry = [cold_entry] + [run(ENTRY_POINT, str(home / f"entry-{i}.db"), env=env) for i in range(runs)]
    assert all(e["windows"] >= 1 for e in entry), entry
    report("`annotator gui` start-up, first process of this bench (\"cold\": OS file cache as the machine left it)",
           entry[0]["shown_ms"], "ms", 1000, baseline=bare, baseline_name="bare PySide6 QMainWindow (warm)")
    report("`annotator gui` start-up, warm (median of later runs)", summarize([e["shown_ms"] for e in entry[1:]]),
           "ms", 1000, baseline=bare, baseline_name="bare PySide6 QMainWindow (warm)")
    report("`annotator gui` start-up, warm, worst of runs", summarize([e["shown_ms"] for e in entry[1:]], "max"),
           "ms", 1000)
    heavy = sorted(set(results[-1]["heavy"]) | {m for e in entry for m in e["heavy"]})
    report("heavy modules imported on the start-up path (spaCy, thinc, …)", len(heavy), "modules", "0",
           ok=not heavy, note=", ".join(heavy[:6]) or "none")
    note(f"{results[-1]['modules']} modules imported in all")

    section("first edit after start-up (issue 15: it imported sqlite_utils + numpy, 120-390 ms)")
    edits = []
    for i in range(runs):
        db = home / f"one-doc-{i}.db"
        _one_document(db)
        edits.append(run(FIRST_EDIT, str(db), env=env))
    report("first edit after start-up (add entity + repaint)", summarize([e["first_ms"] for e in edits]), "ms", 16,
           baseline=summarize([e["second_ms"] for e in edits]), baseline_name="the second edit")
    report("first edit after start-up, worst of runs", summarize([e["first_ms"] for e in edits], "max"), "ms", None)
    heavy_edit = sorted({m for e in edits for m in e["heavy"]})
    report("heavy modules imported by the first edit (sqlite_utils, numpy, spaCy)", len(heavy_edit), "modules", "0",
           ok=not heavy_edit, note=", ".join(heavy_edit) or "none")


def _one_document(path: Path) -> None:
    """A database with one pre-annotated article (the model's set), as after `annotator ingest`."""
    sys.path.insert(0, str(REPO))
    from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Status
    from annotator.core.store import Store

    with Store(path) as store:
        doc_id, _ = store.add_document(Document(text="Acme Co. and Globex met in Paris on Monday. " * 40, title="one"))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR, status=Status.DONE,
                                                   entities=[Entity(27, 32, "GPE")]))


if __name__ == "__main__":
    sys.exit(main())
