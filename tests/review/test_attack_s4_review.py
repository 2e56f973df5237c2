"""Attack s4 (review, gold, agreement, reannotate): M6, L10, L11, L12. Each defect is driven with the attack's
input and variations of its kind, through the real `annotator` CLI in subprocesses on real files.

- M6: a rejected version (Prodigy `answer: reject`, or a set marked rejected in the window) is not "a version with
  no entities": `review accept` refuses it unless --allow-rejected; `accept-identical` never counts it as agreeing;
  agreement and the review queue leave it out of the comparison (Prodigy's review recipe filters reject answers of
  manual tasks out; INCEpTION's curation merges finished annotations only) and say so.
- L10: one Label Studio user given as an object (id + email) and as a plain id in one file is one annotator;
  `attach` says which sets it leaves behind (gold sets, model sets).
- L11: every CSV cell annotator writes that starts with = + - @ tab or CR is neutralised (OWASP CSV injection).
- L12: `reannotate` never silently replaces a model's predictions imported from another tool: they are kept
  under their own name (`model@<model_version>`), and the summary says so.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Status
from annotator.core.store import Store
from tests.cli_run import one_line_error, run_cli


def cli(db: Path, *args, ok: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    """The real command (tests/cli_run.py); a refusal must be exactly one `Error` line with exit code 1."""
    done = run_cli(db, *args, ok=ok, timeout=timeout)
    assert "Traceback" not in done.stderr, done.stderr
    if not ok:
        one_line_error(done, code=1, only_line=True)
    return done


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


APPLE = "Apple hired Tim Cook in Cupertino."
APPLE_SPANS = [{"start": 0, "end": 5, "label": "ORG"}, {"start": 12, "end": 20, "label": "PERSON"},
               {"start": 24, "end": 33, "label": "GPE"}]


def rejected_corpus(tmp_path: Path) -> Path:
    """Document 1: alice accepts (ORG only), bob rejects a manual answer that has spans. Document 2: a junk page
    al accepts with no spans, bo rejects (the attack's ai.jsonl)."""
    return jsonl(tmp_path / "rej.jsonl", [
        {"text": APPLE, "spans": APPLE_SPANS[:1], "answer": "accept", "_annotator_id": "alice"},
        {"text": APPLE, "spans": APPLE_SPANS, "answer": "reject", "_annotator_id": "bob"},
        {"text": "Junk page: click here to subscribe Paris.", "spans": [], "answer": "accept", "_annotator_id": "alice"},
        {"text": "Junk page: click here to subscribe Paris.", "spans": [], "answer": "reject", "_annotator_id": "bob"},
    ])


# -- M6 ------------------------------------------------------------------------------------------------------


def test_accept_of_a_rejected_version_is_refused_in_one_line(tmp_path):
    db = tmp_path / "r.db"
    cli(db, "import", rejected_corpus(tmp_path))
    refused = cli(db, "review", "accept", 1, "--from", "bob", "--as", "rita", ok=False)
    assert "rejected" in refused.stderr and "--allow-rejected" in refused.stderr
    with Store(db, readonly=True) as store:
        assert store.annotation_set(1, "gold") is None  # nothing written
    # the accepted version still goes in as before
    cli(db, "review", "accept", 2, "--from", "alice", "--as", "rita")
    with Store(db, readonly=True) as store:
        assert store.annotation_set(2, "gold").status is Status.DONE


def test_allow_rejected_confirms_the_rejection_and_says_so(tmp_path):
    """With the option the reviewer takes bob's verdict: gold is his version, status rejected; the queue counts
    the document settled and a training export leaves it out (alice's accepted set does not train instead)."""
    db = tmp_path / "r.db"
    cli(db, "import", rejected_corpus(tmp_path))
    done = cli(db, "review", "accept", 1, "--from", "bob", "--as", "rita", "--allow-rejected")
    assert "rejected" in done.stdout and "accepted into gold" in done.stdout and "training" in done.stdout
    with Store(db, readonly=True) as store:
        gold = store.annotation_set(1, "gold")
        assert gold.status is Status.REJECTED and [e.label for e in gold.entities] == ["ORG", "PERSON", "GPE"]
    queue = json.loads(cli(db, "review", "queue", "--json").stdout)
    assert next(e for e in queue if e["doc_id"] == 1)["unresolved"] == 0
    exported = cli(db, "export", "--format", "doccano", "-o", tmp_path / "d.jsonl")
    assert "reviewed out: document 1" in exported.stderr
    assert "Apple" not in (tmp_path / "d.jsonl").read_text(encoding="utf-8")


def test_a_set_marked_rejected_in_the_window_is_refused_too(tmp_path):
    """Variation: not an import, a person's set marked rejected (the window's Mark rejected), and a named gold."""
    db = tmp_path / "w.db"
    with Store(db) as store:
        doc, _ = store.add_document(Document(text=APPLE))
        store.replace_annotation_set(AnnotationSet(doc, "carl", Status.DONE, entities=[Entity(0, 5, "ORG")]))
        store.replace_annotation_set(AnnotationSet(doc, "dana", Status.REJECTED, entities=[Entity(0, 5, "ORG")]))
    refused = cli(db, "review", "accept", doc, "--from", "dana", "--as", "rita", "--gold", "final", ok=False)
    assert "dana" in refused.stderr and "rejected" in refused.stderr
    with Store(db, readonly=True) as store:
        assert store.annotation_set(doc, "final") is None


def test_accept_identical_never_counts_a_rejected_version_as_agreeing(tmp_path):
    db = tmp_path / "ai.db"
    cli(db, "import", rejected_corpus(tmp_path))
    done = cli(db, "review", "accept-identical", "--as", "rita")
    assert done.stdout.startswith("0 document(s) accepted into gold")
    assert "rejected" in done.stdout  # says why documents were held back
    with Store(db, readonly=True) as store:
        assert store.annotation_set(2, "gold") is None


def test_accept_identical_with_three_annotators_one_rejecting(tmp_path):
    """Variation: two identical accepts and one reject: still a disagreement (accept vs reject), not accepted;
    two rejects and nothing else: nothing to accept either."""
    db = tmp_path / "a3.db"
    text, other = "Kofi Annan visited Geneva.", "Snow fell on Bergen."
    person = [{"start": 0, "end": 10, "label": "PERSON"}]
    cli(db, "import", jsonl(tmp_path / "a3.jsonl", [
        {"text": text, "spans": person, "answer": "accept", "_annotator_id": "a"},
        {"text": text, "spans": person, "answer": "accept", "_annotator_id": "b"},
        {"text": text, "spans": person, "answer": "reject", "_annotator_id": "c"},
        {"text": other, "spans": [], "answer": "reject", "_annotator_id": "a"},
        {"text": other, "spans": [], "answer": "reject", "_annotator_id": "b"},
    ]))
    done = cli(db, "review", "accept-identical", "--as", "rita")
    assert done.stdout.startswith("0 document(s) accepted")
    # leaving the rejecting annotator out of the comparison makes the two accepts identical again
    named = cli(db, "review", "accept-identical", "--as", "rita", "-a", "a", "-a", "b")
    assert named.stdout.startswith("1 document(s) accepted into gold: 1")


def test_agreement_leaves_a_rejected_version_out_and_says_so(tmp_path):
    """The attack's ag.jsonl: ann-b rejects doc 1 (no spans). Not "ann-b found nothing": doc 1 is not compared."""
    db = tmp_path / "ag.db"
    cli(db, "import", jsonl(tmp_path / "ag.jsonl", [
        {"text": "Lagos is in Nigeria.", "spans": [{"start": 0, "end": 5, "label": "GPE"},
                                                   {"start": 12, "end": 19, "label": "GPE"}],
         "answer": "accept", "_annotator_id": "ann-a"},
        {"text": "Lagos is in Nigeria.", "spans": [], "answer": "reject", "_annotator_id": "ann-b"},
        {"text": "Lagos is in Nigeria.", "spans": [], "answer": "ignore", "_annotator_id": "ann-c"},
        {"text": "Accra is in Ghana.", "spans": [{"start": 0, "end": 5, "label": "GPE"}], "answer": "accept",
         "_annotator_id": "ann-a"},
        {"text": "Accra is in Ghana.", "spans": [{"start": 0, "end": 5, "label": "GPE"}], "answer": "accept",
         "_annotator_id": "ann-b"},
    ]))
    data = json.loads(cli(db, "agreement", "--json").stdout)
    pair = next(p for p in data["entities"]["exact"] if (p["a"], p["b"]) == ("ann-a", "ann-b"))
    assert (pair["per_label"]["ALL"]["tp"], pair["per_label"]["ALL"]["fn"], pair["per_label"]["ALL"]["fp"]) == (1, 0, 0)
    assert [d["doc_id"] for d in data["documents"]] == [2]
    assert data["rejected"] == [{"doc_id": 1, "annotator": "ann-b"}]
    assert any("rejected" in w and "ann-b" in w for w in data["warnings"])
    table = cli(db, "agreement")
    assert "rejected" in table.stdout and "document 1" in table.stdout
    csv_run = cli(db, "agreement", "--csv")
    assert "rejected" in csv_run.stderr  # the note goes to stderr; the CSV stays a table
    rows = list(csv.DictReader(io.StringIO(csv_run.stdout)))
    assert {r["doc_id"] for r in rows if r["scope"] == "document"} == {"2"}


def test_review_queue_shows_a_rejection_as_such(tmp_path):
    db = tmp_path / "q.db"
    cli(db, "import", rejected_corpus(tmp_path))
    queue = json.loads(cli(db, "review", "queue", "--json").stdout)
    first = next(e for e in queue if e["doc_id"] == 1)
    # bob's spans are not three entity items "bob has it, alice does not": his answer was reject
    assert first["annotators"] == ["alice"] and first["rejected"] == ["bob"]
    assert first["disagreements"] == 1 and first["unresolved"] == 1  # accept vs reject: one thing to settle
    junk = next(e for e in queue if e["doc_id"] == 2)
    assert junk["disagreements"] == 1 and junk["rejected"] == ["bob"]
    table = cli(db, "review", "queue").stdout
    assert "bob (rejected)" in table
    cli(db, "review", "accept", 1, "--from", "alice", "--as", "rita")
    after = json.loads(cli(db, "review", "queue", "--json").stdout)
    assert next(e for e in after if e["doc_id"] == 1)["unresolved"] == 0


# -- L10 -----------------------------------------------------------------------------------------------------


def ls_task(ident: int, text: str, who, start: int, end: int, label: str, key: str = "annotations") -> dict:
    return {"id": ident, "data": {"text": text}, key: [{"id": ident, "completed_by": who, "result": [
        {"id": f"r{ident}", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}]}]}


@pytest.mark.parametrize("object_first", [True, False])
def test_label_studio_user_as_object_and_as_id_is_one_annotator(tmp_path, object_first):
    user = {"id": 7, "email": "ann@example.com", "first_name": "Ann"}
    tasks = [ls_task(1, "Oslo is cold.", user, 0, 4, "GPE"), ls_task(2, "Rome is warm.", 7, 0, 4, "GPE")]
    if not object_first:
        tasks.reverse()
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    db = tmp_path / "ls.db"
    done = cli(db, "import", path)
    assert "ann@example.com" in done.stdout + done.stderr and "user7" not in done.stdout
    with Store(db, readonly=True) as store:
        assert store.annotators_with_sets() == ["ann@example.com"]
    out = tmp_path / "out.json"
    cli(db, "export", "--format", "labelstudio", "-o", out)
    db2 = tmp_path / "ls2.db"
    cli(db2, "import", out)
    with Store(db2, readonly=True) as store:
        assert store.annotators_with_sets() == ["ann@example.com"]


def test_label_studio_completions_and_other_ids_stay_apart(tmp_path):
    """Variation: pre-1.0 `completions`; an object with the id but no email is the same user; a different plain
    id (8) stays its own annotator."""
    user = {"id": 7, "email": "ann@example.com"}
    tasks = [ls_task(1, "Oslo is cold.", 7, 0, 4, "GPE", key="completions"),
             ls_task(2, "Rome is warm.", user, 0, 4, "GPE", key="completions"),
             ls_task(3, "Bern is small.", 8, 0, 4, "GPE"),
             ls_task(4, "Lima is high.", {"id": 7, "first_name": "Ann"}, 0, 4, "GPE")]
    path = tmp_path / "lsc.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    db = tmp_path / "lsc.db"
    cli(db, "import", path)
    with Store(db, readonly=True) as store:
        assert sorted(store.annotators_with_sets()) == ["ann@example.com", "user8"]


def test_attach_says_which_sets_it_leaves_behind(tmp_path):
    db, other = tmp_path / "mine.db", tmp_path / "team.db"
    with Store(db) as store:
        store.add_document(Document(text=APPLE))
    cli(other, "import", jsonl(tmp_path / "review.jsonl", [
        {"text": APPLE, "spans": APPLE_SPANS[:1], "answer": "accept", "_annotator_id": "alice"},
        {"text": APPLE, "spans": APPLE_SPANS[:1], "answer": "accept", "_view_id": "review", "_annotator_id": "judge",
         "_session_id": "rev-judge", "versions": [
             {"text": APPLE, "spans": APPLE_SPANS[:1], "answer": "accept", "sessions": ["rev-alice"]}]},
    ]))
    with Store(other) as team:
        team.replace_annotation_set(AnnotationSet(1, "model@crf-7", Status.NEW, entities=[Entity(0, 5, "ORG")]))
        left = [n for n in team.annotators_with_sets() if n.startswith("gold@")]
    assert left, "the Prodigy review record made a gold@ set"
    done = cli(db, "attach", other)
    assert "left behind" in done.stdout and left[0] in done.stdout and "model@crf-7" in done.stdout
    with Store(db, readonly=True) as store:
        assert "alice" in store.annotators_with_sets() and left[0] not in store.annotators_with_sets()


# -- L11 -----------------------------------------------------------------------------------------------------

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def test_agreement_csv_neutralises_formula_cells(tmp_path):
    """The attack's `=cmd|calc` annotator, and variations: names and labels starting with + - @."""
    db = tmp_path / "inj.db"
    text = "Oslo and Rome and Bern."
    spans = [{"start": 0, "end": 4, "label": "+GPE"}, {"start": 9, "end": 13, "label": "@LOC"}]
    cli(db, "import", jsonl(tmp_path / "inj.jsonl", [
        {"text": text, "spans": spans, "answer": "accept", "_annotator_id": "=cmd|' /C calc'!A0"},
        {"text": text, "spans": spans[:1], "answer": "accept", "_annotator_id": "-b2"},
        {"text": text, "spans": spans[1:], "answer": "accept", "_annotator_id": "@sum"},
    ]))
    out = cli(db, "agreement", "--csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(DANGEROUS)], [c for c in cells if c.startswith(DANGEROUS)]
    assert "'=cmd|' /C calc'!A0" in cells and "'-b2" in cells and "'@sum" in cells and "'+GPE" in cells


def test_csv_cell_rule_keeps_numbers_numbers():
    from annotator.core.spreadsheet import neutralise_cell

    assert neutralise_cell(-0.25) == -0.25 and neutralise_cell(3) == 3 and neutralise_cell(None) is None
    for lead in DANGEROUS:
        assert neutralise_cell(f"{lead}x") == f"'{lead}x"
    assert neutralise_cell("ann") == "ann" and neutralise_cell("") == ""
    assert neutralise_cell("\x00x").startswith("'")  # OWASP ASVS 1.2.10 lists the null character too


# -- L12 -----------------------------------------------------------------------------------------------------


def test_reannotate_keeps_an_imported_prediction_under_its_own_name(tmp_path):
    task = {"id": 55, "data": {"text": "Elon Musk bought Twitter in 2022."}, "annotations": [], "predictions": [
        {"model_version": "crf-7", "score": 0.9, "result": [
            {"id": "p1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 9, "text": "Elon Musk", "labels": ["PER"]}}]}]}
    bare = {"id": 56, "data": {"text": "Ada Lovelace wrote notes in London."}, "annotations": [], "predictions": [
        {"result": [{"id": "p2", "from_name": "label", "to_name": "text", "type": "labels",
                     "value": {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PER"]}}]}]}
    path = tmp_path / "lsp.json"
    path.write_text(json.dumps([task, bare]), encoding="utf-8")
    db = tmp_path / "lsp.db"
    cli(db, "import", path)
    with Store(db) as store:  # and one document whose model set is annotator's own pre-extraction
        own, _ = store.add_document(Document(text="Angela Merkel spoke in Berlin."))
        store.replace_annotation_set(AnnotationSet(own, MODEL_ANNOTATOR, Status.NEW, entities=[Entity(0, 6, "OLD")]))
    done = cli(db, "reannotate")
    assert "model@crf-7" in done.stdout and "model@labelstudio" in done.stdout and "kept" in done.stdout
    with Store(db, readonly=True) as store:
        kept = store.annotation_set(1, "model@crf-7")
        assert [(e.start, e.end, e.label) for e in kept.entities] == [(0, 9, "PER")]
        assert [(e.start, e.end, e.label) for e in store.annotation_set(2, "model@labelstudio").entities] == \
            [(0, 12, "PER")]
        assert store.annotation_set(1, MODEL_ANNOTATOR).extra.get("labelstudio") is None  # spaCy's now
        assert "OLD" not in [e.label for e in store.annotation_set(own, MODEL_ANNOTATOR).entities]
        assert store.annotation_set(own, "model@labelstudio") is None
    out = tmp_path / "back.json"
    cli(db, "export", "--format", "labelstudio", "--include-model", "-o", out)
    exported = json.loads(out.read_text(encoding="utf-8"))
    first = next(t for t in exported if t["data"]["text"].startswith("Elon"))
    versions = [p["model_version"] for p in first["predictions"]]
    assert "crf-7" in versions
    crf = next(p for p in first["predictions"] if p["model_version"] == "crf-7")
    assert [r["value"]["labels"] for r in crf["result"] if r["type"] == "labels"] == [["PER"]]
    # a second run keeps it once (nothing left to move)
    again = cli(db, "reannotate")
    assert "model@crf-7" not in again.stdout


def test_the_review_window_says_who_rejected(qtbot, tmp_path):
    """The window compares only the accepted versions; the note over the gold view names who rejected, and there
    is no "Accept version" button for the rejected one."""
    from PySide6.QtWidgets import QLabel

    from annotator.gui.review_window import ReviewWindow

    db = tmp_path / "win.db"
    cli(db, "import", rejected_corpus(tmp_path))
    cli(db, "import", jsonl(tmp_path / "carol.jsonl", [
        {"text": APPLE, "spans": APPLE_SPANS[:2], "answer": "accept", "_annotator_id": "carol"}]))
    window = ReviewWindow(db, "rita")
    qtbot.addWidget(window)
    window.open_document(1)
    note = window.findChild(QLabel, "goldStart")
    assert "Rejected by bob" in note.text()
    assert set(window.accept_buttons) == {"alice", "carol"}
    assert window.accept_identical(confirm=False) == []  # document 2: alice accepted, bob rejected
    assert "rejected" in window.statusBar().currentMessage()
    window.close()


def test_a_gold_set_the_review_rejected_keeps_the_document_out_of_training(tmp_path):
    """The reviewer's gold set is rejected (here set through Review.set_status; `review accept --allow-rejected`
    and an imported Prodigy review answered reject do the same): a person's accepted set must not train in its
    place, and the export says so."""
    from spacy.tokens import DocBin
    import spacy

    from annotator.core.model import Status as S
    from annotator.review.adjudication import Review

    db = tmp_path / "gr.db"
    cli(db, "import", jsonl(tmp_path / "g.jsonl", [
        {"text": "Junk page Paris.", "spans": [{"start": 10, "end": 15, "label": "GPE"}], "answer": "accept",
         "_annotator_id": "al"},
        {"text": "Junk page Paris.", "spans": [], "answer": "reject", "_annotator_id": "bo"},
        {"text": "Oslo is cold.", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept",
         "_annotator_id": "al"},
        {"text": "Rome is warm.", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept",
         "_annotator_id": "al"},
    ]))
    with Store(db) as store:
        Review(store, 1, reviewer="rita").set_status(S.REJECTED)
    done = cli(db, "export", "--format", "spacy", "-o", tmp_path / "sp")
    assert "reviewed out: document 1" in done.stderr and "al" in done.stderr
    texts = [d.text for path in (tmp_path / "sp").rglob("*.spacy")
             for d in DocBin().from_disk(path).get_docs(spacy.blank("en").vocab)]
    assert "Junk page Paris." not in texts and "Oslo is cold." in texts
    doccano = cli(db, "export", "--format", "doccano", "-o", tmp_path / "d.jsonl")
    assert "reviewed out: document 1" in doccano.stderr
    assert "Junk page" not in (tmp_path / "d.jsonl").read_text(encoding="utf-8")
