"""The window flags the spans the spaCy export would drop (off spaCy's tokens, though on the window's words:
"3" of "$3.99", "U.S" of "U.S."), through a tokenizer subprocess, so the window itself never imports spaCy."""

from __future__ import annotations

import io
import json

import pytest
from PySide6.QtCore import Qt

from annotator.core import ops
from annotator.core.model import AnnotationSet, Document, Entity, Status
from annotator.core.store import Store
from annotator.gui import snapping
from annotator.io.exporter import ExportOptions, export
from annotator.io.token_service import serve

TEXT = "The U.S. price is $3.99 at Acme-Corp in New York, said Mr. O'Neil (CEO)."


def spans_of(text: str) -> list[tuple[int, int]]:
    """Every (start, end) of up to 4 window words: what a person can draw with snapping on."""
    import re

    words = [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]
    return [(words[i][0], words[j][1]) for i in range(len(words)) for j in range(i, min(len(words), i + 4))]


@pytest.mark.parametrize("text", [TEXT, "Officials in the U.S. said so.", "It costs £1,200.50 (about €1.4k).",
                                  "e-mail us at news@example.com today!"])
def test_the_service_agrees_with_the_export_on_every_span(store, tmp_path, text):
    out = io.StringIO()
    serve(io.StringIO(json.dumps({"id": 1, "text": text}) + "\n"), out)
    answer = json.loads(out.getvalue())
    snapping.set_token_boundaries(text, answer["starts"], answer["ends"])
    spans = spans_of(text)
    doc_id, _ = store.add_document(Document(text=text))
    for i, (start, end) in enumerate(spans):  # one set per span (entities may not overlap within a set)
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=f"a{i}", status=Status.DONE,
                                                   entities=[Entity(start, end, "X")]))
    report = export(store, ExportOptions(format="spacy", output=tmp_path / "c", split=1.0, versions="all"))
    dropped = {tuple(map(int, line.split(" X entity ")[1].split(" ")[0].split("-"))) for line in report.issues.misaligned}
    flagged = {(s, e) for s, e in spans if snapping.export_drops(text, s, e)}
    assert flagged == dropped
    assert len(dropped) < len(spans)


def test_service_answers_errors_without_dying():
    out = io.StringIO()
    serve(io.StringIO('{"id": 1}\nnot json\n{"id": 2, "text": "ok"}\n'), out)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert "error" in answers[0] and "error" in answers[1] and answers[2]["starts"] == [0]


@pytest.mark.slow
def test_window_flags_a_span_the_export_would_drop(qtbot, db_path, monkeypatch):
    from annotator.gui.main_window import MainWindow

    monkeypatch.setenv("ANNOTATOR_TOKEN_CHECK", "1")
    monkeypatch.setattr("annotator.gui.token_check.DELAY_MS", 50)
    text = "Officials in the U.S. said the $3.99 fee stays."
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=text))
        us, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=17, end=20, label="GPE")  # "U.S"
        price, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=32, end=36, label="MONEY")  # "3.99"
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.show()
    model = window.entity_model
    assert snapping.cuts_a_word(text, 17, 20) is False  # on the window's words: nothing to flag yet
    qtbot.waitUntil(lambda: snapping.has_token_boundaries(text), timeout=60_000)
    qtbot.waitUntil(lambda: "spaCy export" in model.index(model.row_of(us.id), 0).data(Qt.ItemDataRole.ToolTipRole),
                    timeout=10_000)
    assert "spaCy export" not in model.index(model.row_of(price.id), 0).data(Qt.ItemDataRole.ToolTipRole)
    window.view.viewport().repaint()
    process = window.token_check.process
    window.close()
    assert process is None or window.token_check.process is None


def test_a_very_long_text_is_never_sent_to_the_helper(qtbot):
    """A text over MAX_CHARS costs the edit path nothing: no helper process is started, nothing is pending
    (profiled in benchmarks/profile_token_check.py); a shorter one is sent once, however often it is asked."""
    from annotator.gui.token_check import MAX_CHARS, TokenCheck

    check = TokenCheck()
    try:
        long_text = "Ann Lee said so. " * (MAX_CHARS // 17 + 1)
        assert len(long_text) > MAX_CHARS
        check.request(long_text)
        assert check.process is None and not check.pending
        short = "Officials in the U.S. said so at " + "x" * 50
        with qtbot.waitSignal(check.ready, timeout=60000):
            check.request(short)
            check.request(short)  # asked again while pending: not sent twice
            assert len(check.pending) == 1
        assert snapping.has_token_boundaries(short)
        check.request(short)  # known: not sent again
        assert not check.pending
    finally:
        check.stop()
