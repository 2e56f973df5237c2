"""The `entity_spans`, `quote_spans` and `document_tags` views (migration 0008): annotations read without
knowing the schema, with `sqlite-utils query` as the README shows (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotator.core.model import AnnotationSet, Document, Entity, Quote, QuoteType, Status, Tag, TargetKind, TextRange
from annotator.core.store import Store

SQLITE_UTILS = str(Path(sys.executable).parent / "sqlite-utils")


def test_views_show_spans_with_text_speaker_cue_and_tags(tmp_path):
    db = tmp_path / "a.db"
    text = 'Zoë 😀 Kline said "taxes will rise" on Monday.'
    with Store(db) as store, store.transaction():
        doc_id, _ = store.add_document(Document(text=text, title="Taxes"))
        start = text.index("Kline")
        quote_start = text.index("taxes")
        store.write_annotation_sets([AnnotationSet(
            doc_id=doc_id, annotator="ana", status=Status.DONE,
            entities=[Entity(start=start, end=start + 5, label="PERSON")],
            quotes=[Quote(start=quote_start, end=quote_start + 15, type=QuoteType.DIRECT,
                          speaker=TextRange(start, start + 5), speaker_name="Zoë Kline",
                          cue=TextRange(text.index("said"), text.index("said") + 4))],
            tags=[Tag(tag="checked", target_kind=TargetKind.ENTITY, target_id=0),
                  Tag(tag="POLITICS", target_kind=TargetKind.DOCUMENT)],
        )])
    done = subprocess.run([SQLITE_UTILS, "query", str(db),
                           "select title, annotator, status, label, start, end, text, tags from entity_spans"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"title": "Taxes", "annotator": "ana", "status": "done", "label": "PERSON",
                                        "start": 6, "end": 11, "text": "Kline", "tags": "checked"}]
    with Store(db, readonly=True) as store:
        (quote,) = [dict(r) for r in store.query("SELECT type, text, speaker, speaker_name, cue FROM quote_spans")]
        (tag,) = [tuple(r) for r in store.query("SELECT annotator, tag FROM document_tags")]
    assert quote == {"type": "direct", "text": "taxes will rise", "speaker": "Kline", "speaker_name": "Zoë Kline",
                     "cue": "said"}
    assert tag == ("ana", "POLITICS")
