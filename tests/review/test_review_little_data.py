"""Issue 17, item 7: agreement over too little data says so (CLI and review window), and before any decision
the gold view says what the gold set will start from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTableView

from annotator.gui.review_window import ReviewWindow
from annotator.review.agreement import MIN_DOCUMENTS, compute_agreement
from tests.review.conftest import put_version
from tests.review.test_review_adjudication import TEXT, two_versions

ANNOTATOR = Path(sys.executable).with_name("annotator")


def agreement(db_path, *args):
    result = subprocess.run([str(ANNOTATOR), "--db", str(db_path), "agreement", *args], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def one_document_tag_kappa(store, add_doc):
    """One document, four tags in the tag set, the two annotators differ on one: Cohen's kappa -0.25."""
    d = add_doc(TEXT, "Kerry visit")
    for tag in ("opinion", "wire-copy", "breaking", "local"):
        store.add_to_tag_set(tag, "document")
    put_version(store, d, "alice", entities=[(14, 19, "PERSON")], tags=["opinion"])
    put_version(store, d, "bob", entities=[(14, 19, "PERSON")], tags=[])
    return d


def test_the_cli_warns_when_kappa_rests_on_one_document(store, add_doc, db_path):
    one_document_tag_kappa(store, add_doc)
    report = compute_agreement(store)
    assert report.tag_documents == 1 and report.warnings()
    text = agreement(db_path).stdout
    assert "kappa over 1 documents — too little data" in text
    assert "warning: document-tag Cohen's kappa rests on 1 document (fewer than 10)" in text
    assert "warning: entity and quote figures rest on 1 document" in text
    as_json = json.loads(agreement(db_path, "--json").stdout)
    assert len(as_json["warnings"]) == 2
    as_csv = agreement(db_path, "--csv")
    assert as_csv.stderr.count("warning:") == 2 and as_csv.stdout.startswith("scope")


def test_no_warning_once_there_is_enough_data(store, add_doc):
    for n in range(MIN_DOCUMENTS):
        d = add_doc(f"Story {n}. " + TEXT)
        put_version(store, d, "alice", entities=[(0, 5, "ORG")], tags=["opinion"] if n % 2 else [])
        put_version(store, d, "bob", entities=[(0, 5, "ORG")], tags=["opinion"] if n % 3 else [])
    assert compute_agreement(store).warnings() == []


def test_the_review_window_warns_on_too_little_data(qtbot, store, add_doc, db_path):
    one_document_tag_kappa(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "too little data" in window.corpus_figures.text(), timeout=10000)
    assert "1 document" in window.corpus_figures.toolTip()
    window.close()


def test_before_any_decision_the_gold_view_says_what_gold_starts_from(qtbot, store, add_doc, db_path):
    two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    note = window.findChild(QLabel, "goldStart")
    assert note.isVisibleTo(window)
    assert "No gold set yet" in note.text() and "1 entity, 0 quotes, 1 document tag" in note.text()
    assert "5 disagreement(s)" in note.text()
    shown = window.article.index.entities.by_id.values()  # the agreed entity is drawn, not bare text
    assert [(e.start, e.end, e.label) for e in shown] == [(14, 19, "PERSON")]
    window.show_combo.setCurrentIndex(1)  # alice's version: no note
    assert not note.isVisibleTo(window)
    window.show_combo.setCurrentIndex(0)
    table = window.findChild(QTableView, "reviewItems")
    table.selectRow(0)
    qtbot.mouseClick(window.findChild(QPushButton, "take_alice"), Qt.MouseButton.LeftButton)
    assert not note.isVisibleTo(window)  # the gold set exists now: the view shows it
    window.close()


def test_when_the_versions_agree_on_nothing_gold_starts_empty(qtbot, store, add_doc, db_path):
    d = add_doc(TEXT)
    put_version(store, d, "alice", entities=[(14, 19, "PERSON")])
    put_version(store, d, "bob", entities=[(14, 19, "ORG")])
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    note = window.findChild(QLabel, "goldStart")
    assert "gold starts empty" in note.text() and note.isVisibleTo(window)
    window.close()
