"""Profile of the window's token check (gui/token_check.py) on the long article: GUI-thread CPU time of edits
(add + relabel + delete, averaged) with the spaCy export's token boundaries unknown vs known, and the cost of
their arrival. Not part of `make bench` (no targets); run:

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/profile_token_check.py
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["ANNOTATOR_TOKEN_CHECK"] = "0"   # no helper: boundaries are set by hand below
home = Path(tempfile.mkdtemp())
os.environ["XDG_CONFIG_HOME"] = str(home / "c"); os.environ["XDG_DATA_HOME"] = str(home / "d")
from bench_long_article import make_article
from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document
from annotator.core.store import Store
text, ents, qs = make_article(100_000, 10_000, 1000, 0)
db = home / "l.db"
with Store(db) as st:
    small, _ = st.add_document(Document(text="short"))
    long_id, _ = st.add_document(Document(text=text, title="long"))
    st.replace_annotation_set(AnnotationSet(doc_id=long_id, annotator=MODEL_ANNOTATOR, entities=ents, quotes=qs))
from PySide6.QtWidgets import QApplication
from annotator.gui.app import make_application
from annotator.gui.main_window import MainWindow
from annotator.gui import snapping
app = make_application([])
w = MainWindow(db, annotator="bench"); w.resize(1400, 900); w.show(); QApplication.processEvents()
w.open_document(long_id); w.view.viewport().repaint(); QApplication.processEvents()
view = w.view
ordered = sorted(view.index.entities.by_id.values(), key=lambda s: s.start)
gaps = [(a.entity.end + 1, a.entity.end + 3) for a, b in zip(ordered, ordered[1:]) if b.entity.start - a.entity.end > 5]
def edits(ranges):
    cpu = []
    for start, end in ranges:
        view.scroll_to(start); view.viewport().repaint(); QApplication.processEvents()
        view.select_range(start, end)
        c = time.process_time()
        w.apply_label("ORG"); view.viewport().repaint()
        w.apply_label("PERSON"); view.viewport().repaint()
        w.delete_selected(); view.viewport().repaint()
        cpu.append((time.process_time() - c) * 1000 / 3)
    return cpu
import spacy
from annotator.io.token_service import token_boundaries
starts, ends = token_boundaries(spacy.blank("en"), text)
step = max(1, len(gaps) // 200)
pool = gaps[::step]
results = {"unknown": [], "known": []}
for rnd in range(3):
    for mode in ("unknown", "known"):
        snapping._TOKEN_BOUNDARIES.clear(); snapping._BY_ID.clear()
        if mode == "known":
            c = time.process_time(); snapping.set_token_boundaries(w.doc.text, starts, ends); w.refresh_panels(); view.viewport().repaint()
            if rnd == 0: print(f"arrival (sets + panel refresh + repaint): {(time.process_time()-c)*1000:.1f} ms CPU")
        chunk = pool[rnd*60 + (30 if mode == 'known' else 0): rnd*60 + (30 if mode == 'known' else 0) + 30]
        results[mode] += edits(chunk)
for mode, v in results.items():
    print(f"{mode:8}: edit CPU median {statistics.median(v):.2f} ms, mean {statistics.mean(v):.2f} ms over {len(v)} edits (add/relabel/delete averaged)")
w.close()
