"""Screenshot of review mode on the seed articles with two annotators (alice, bob) who disagree a little.

Run under a display (e.g. `xvfb-run -a .venv/bin/python benchmarks/screenshot_review.py`). Ingests seeds/ into a
fresh temp database with the `annotator` CLI, makes alice's and bob's versions from the model's pre-extraction
with annotator.core.ops (realistic corrections, some shared, some not), opens ReviewWindow as reviewer "rita",
settles two items (a label and its agreed span tag come along), and saves docs/screenshot-review.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotator.core import ops  # noqa: E402
from annotator.core.model import QuoteType, Status, TargetKind, TextRange  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def entity_at(store, doc_id, annotator, start, end):
    aset = store.annotation_set(doc_id, annotator)
    return next(e for e in aset.entities if (e.start, e.end) == (start, end))


def quote_at(store, doc_id, annotator, start):
    aset = store.annotation_set(doc_id, annotator)
    return next(q for q in aset.quotes if q.start == start)


def doc_by_title(store, words):
    for doc_id in store.iter_document_ids():
        if words in store.document(doc_id).text[:400]:
            return doc_id
    raise SystemExit(f"no seed document containing {words!r}")


def make_versions(store):
    reuters = doc_by_title(store, "Kerry Urges Pakistan")
    pti = doc_by_title(store, "Pak a victim of terror")
    for name in ("alice", "bob"):
        for doc_id in (reuters, pti):
            store.ensure_annotation_set(doc_id, name)
            for span in [(21, 75), (198, 210), (666, 671)] if doc_id == reuters else [(56, 66), (119, 129)]:
                try:
                    ops.delete_entity(store, entity_id=entity_at(store, doc_id, name, *span).id)
                except StopIteration:
                    pass
    # Reuters article: a boundary, two labels, a speaker, a quote type, a quote boundary and a tag
    ops.delete_entity(store, entity_id=entity_at(store, reuters, "alice", 258, 262).id)  # "U.S."
    ops.delete_entity(store, entity_id=entity_at(store, reuters, "alice", 276, 281).id)  # "State"
    ops.resize_entity(store, entity_id=entity_at(store, reuters, "alice", 282, 292).id, start=258, end=292)
    ops.delete_entity(store, entity_id=entity_at(store, reuters, "bob", 276, 281).id)
    ops.relabel_entity(store, entity_id=entity_at(store, reuters, "alice", 482, 489).id, label="ORG")  # Haqqani
    ops.relabel_entity(store, entity_id=entity_at(store, reuters, "bob", 482, 489).id, label="NORP")
    ops.delete_entity(store, entity_id=entity_at(store, reuters, "bob", 757, 768).id)  # "South Asian"
    ops.update_quote(store, quote_id=quote_at(store, reuters, "bob", 1968).id,
                     speaker=TextRange(942, 947), speaker_name="John Kerry")  # "he" (Aziz) taken for Kerry
    ops.update_quote(store, quote_id=quote_at(store, reuters, "bob", 953).id, type=QuoteType.INDIRECT)
    ops.update_quote(store, quote_id=quote_at(store, reuters, "alice", 1206).id, start=1207, end=1395)
    for name, tags in (("alice", ["wire-copy"]), ("bob", ["wire-copy", "needs-review"])):
        for tag in tags:
            ops.add_tag(store, doc_id=reuters, annotator=name, tag=tag)
    # span tags: both call Haqqani important, only bob finds it ambiguous; alice flags the "he" quote's speaker
    for name, tags in (("alice", ["important"]), ("bob", ["important", "ambiguous"])):
        for tag in tags:
            ops.add_tag(store, doc_id=reuters, annotator=name, tag=tag, target_kind=TargetKind.ENTITY,
                        target_id=entity_at(store, reuters, name, 482, 489).id)
    ops.add_tag(store, doc_id=reuters, annotator="alice", tag="speaker-unclear", target_kind=TargetKind.QUOTE,
                target_id=quote_at(store, reuters, "alice", 1968).id)
    # PTI article: labels only
    ops.relabel_entity(store, entity_id=entity_at(store, pti, "alice", 803, 808).id, label="ORG")  # Daesh
    for name in ("alice", "bob"):
        ops.relabel_entity(store, entity_id=entity_at(store, pti, name, 828, 831).id, label="ORG")  # JeM
        ops.relabel_entity(store, entity_id=entity_at(store, pti, name, 2187, 2193).id, label="PERSON")  # Sharif
        for doc_id in (reuters, pti):
            ops.set_status(store, doc_id=doc_id, annotator=name, status=Status.DONE)
    return reuters


def main() -> int:
    out = REPO / "docs" / "screenshot-review.png"
    db = Path(os.environ.get("REVIEW_DB") or Path(tempfile.mkdtemp()) / "rev.db")
    if db.exists():
        db.unlink()
    cli = REPO / ".venv" / "bin" / "annotator"
    subprocess.run([str(cli), "--db", str(db), "ingest", str(REPO / "seeds")], check=True)
    with Store(db) as store:
        reuters = make_versions(store)

    from PySide6.QtWidgets import QApplication

    from annotator.gui.review_window import ReviewWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = ReviewWindow(db, "rita")
    window.resize(1600, 960)
    window.show()
    window.open_document(reuters)
    if window.select_item("entity:482:489"):
        window.take_selected("alice")
    window.select_item("speaker:1968:2051")
    app.processEvents()
    for _ in range(5):
        app.processEvents()
    item = window.selected_item()
    if item is not None:
        window.center_on(item.start)
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(f"saved {out} ({window.width()}x{window.height()}); database {db}")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
