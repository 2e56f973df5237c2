"""THE rule for an imported Prodigy / annotator JSONL record's status (`records.record_status`, issue 13 attack
#2): a task is an annotation only once it has an `answer` (Prodigy's convention). A record with spans but no
answer (what `annotator extract` writes, a Prodigy input task, a model's output, an export of an unfinished set
from an older annotator) is a document to annotate whose spans become the pre-annotation (the model's set, status
new) — never a person's done set, never training data. annotator's own export of a person's unfinished set writes
no answer and `"status": "in_progress"` (or "new"), which comes back as that person's unfinished set.

Exchange import (issue 12) changes often: these tests pin the rule through the real command line, so a merge
that loses it fails here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Status
from annotator.core.store import Store

ANNOTATOR = str(Path(sys.executable).parent / "annotator")
TEXT = "Barack Obama visited Paris on Monday."


def cli(db, *args, ok=True):
    result = subprocess.run([ANNOTATOR, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=300)
    if ok:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def write_jsonl(path: Path, *records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def sets_of(db) -> dict[tuple[str, str], tuple[str, list]]:
    """(text, annotator) -> (status, [(start, end, label, origin)]) of every stored set."""
    with Store(db) as store:
        found = {}
        for doc_id in store.iter_document_ids():
            text = store.document(doc_id).text
            for name in [MODEL_ANNOTATOR, "alice", "bob", "ex", "s", "team", "mixed", "in"]:
                aset = store.annotation_set(doc_id, name)
                if aset is not None:
                    found[(text, name)] = (Status(aset.status).value,
                                           [(e.start, e.end, e.label, str(e.origin)) for e in aset.entities])
        return found


SPAN = {"start": 0, "end": 12, "label": "PERSON"}


@pytest.mark.parametrize("record", [
    {"text": TEXT, "spans": [SPAN]},                                               # annotator extract output
    {"text": TEXT, "spans": [SPAN], "_annotator_id": "alice"},                     # a person named, no answer
    {"text": TEXT, "spans": [SPAN], "_annotator_id": "model"},                     # a teammate's model set
    {"text": TEXT, "spans": [SPAN], "answer": None, "_session_id": "x-alice"},     # answer null
    {"text": TEXT, "spans": [{**SPAN, "token_start": 0, "token_end": 1}], "_view_id": "ner_manual",
     "meta": {"source": "wire"}},                                                  # a Prodigy input task
    {"text": TEXT, "spans": [SPAN], "_view_id": "ner", "meta": {"score": 0.8}},    # a binary suggestion, unanswered
    {"text": TEXT, "spans": [SPAN], "quotes": [], "tags": [], "status": "published"},  # an unknown status value
])
def test_a_record_without_an_answer_is_a_pre_annotation_not_a_done_set(tmp_path, record):
    db = tmp_path / "a.db"
    result = cli(db, "import", write_jsonl(tmp_path / "in.jsonl", record))
    assert "without an answer" in result.stdout and "pre-annotation" in result.stdout
    stored = sets_of(db)
    assert set(stored) == {(TEXT, MODEL_ANNOTATOR)}, stored  # nobody's set, only the model's
    status, entities = stored[(TEXT, MODEL_ANNOTATOR)]
    assert status == "new" and entities == [(0, 12, "PERSON", "model")]
    # never training data: the training export and `train` find no done set
    export = cli(db, "export", "--format", "spacy", "-o", tmp_path / "c", ok=False)
    assert export.returncode == 1 and "nothing to export: no done set" in export.stderr  # refused, one line
    assert not (tmp_path / "c").exists()
    train = cli(db, "train", "ner", "--output", tmp_path / "m", ok=False)
    assert train.returncode == 1 and "0 document(s)" in train.stderr
    again = cli(db, "import", tmp_path / "in.jsonl")  # idempotent
    assert "0 annotation sets written, 1 unchanged" in again.stdout


def test_answered_records_still_are_peoples_sets(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", write_jsonl(tmp_path / "team.jsonl",
                                  {"text": TEXT, "spans": [SPAN], "_annotator_id": "alice", "answer": "accept"},
                                  {"text": TEXT, "spans": [], "_annotator_id": "bob", "answer": "reject"},
                                  {"text": "Another text here.", "_annotator_id": "alice", "answer": "ignore"}))
    stored = sets_of(db)
    assert stored[(TEXT, "alice")][0] == "done" and stored[(TEXT, "bob")][0] == "rejected"
    assert stored[("Another text here.", "alice")][0] == "skipped"
    assert (TEXT, MODEL_ANNOTATOR) not in stored


def test_suggestions_do_not_replace_an_existing_pre_annotation(tmp_path):
    db = tmp_path / "a.db"
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text=TEXT))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR,
                                                   entities=[Entity(21, 26, "GPE")]))
    result = cli(db, "import", write_jsonl(tmp_path / "s.jsonl", {"text": TEXT, "spans": [SPAN]}))
    assert "1 not used" in result.stdout
    assert [e[:3] for e in sets_of(db)[(TEXT, MODEL_ANNOTATOR)][1]] == [(21, 26, "GPE")]  # kept as it was


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "doccano"])
@pytest.mark.parametrize("status", ["in_progress", "new"])
def test_an_exported_unfinished_set_comes_back_unfinished(tmp_path, fmt, status):
    db = tmp_path / "a.db"
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text=TEXT))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status(status),
                                                   entities=[Entity(0, 12, "PERSON")]))
        other, _ = store.add_document(Document(text="Angela Merkel met Joe Biden."))
        store.replace_annotation_set(AnnotationSet(doc_id=other, annotator="alice", status=Status.DONE,
                                                   entities=[Entity(0, 13, "PERSON")]))
    out = tmp_path / f"out.{fmt}.jsonl"
    versions = ["--versions", "all"] if fmt == "doccano" else []
    cli(db, "export", "--format", fmt, "--status", status, "--status", "done", *versions, "-o", out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    unfinished = next(r for r in records if r["text"] == TEXT)
    assert "answer" not in unfinished and unfinished["status"] == status  # the marker, no answer
    finished = next(r for r in records if r["text"] != TEXT)
    assert finished.get("answer", "accept") == "accept" and "status" not in finished
    db2 = tmp_path / "b.db"
    cli(db2, "import", out, *(["--format", "doccano"] if fmt == "doccano" else []))
    stored = sets_of(db2)
    assert stored[(TEXT, "alice")] == (status, [(0, 12, "PERSON", "human")])  # unfinished, never done
    assert stored[("Angela Merkel met Joe Biden.", "alice")][0] == "done"
    cli(db2, "export", "--format", fmt, "--status", status, "--status", "done", *versions, "-o",
        tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_text() == out.read_text()  # the round trip is exact


def test_the_models_set_exported_comes_back_as_the_pre_annotation(tmp_path):
    db = tmp_path / "a.db"
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text=TEXT))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR,
                                                   entities=[Entity(0, 12, "PERSON")]))
    cli(db, "export", "--annotator", "model", "-o", tmp_path / "m.jsonl")
    record = json.loads((tmp_path / "m.jsonl").read_text())
    assert "answer" not in record and "status" not in record
    db2 = tmp_path / "b.db"
    cli(db2, "import", tmp_path / "m.jsonl")
    assert sets_of(db2) == {(TEXT, MODEL_ANNOTATOR): ("new", [(0, 12, "PERSON", "model")])}


def test_extract_output_imported_trains_nothing(tmp_path):
    """The attack's case: `annotator extract` output given to `import` (not `ingest`)."""
    texts = write_jsonl(tmp_path / "t.jsonl", {"text": "Angela Merkel met Joe Biden in Berlin on Monday."},
                        {"text": "Emmanuel Macron visited Madrid on Friday."})
    cli(tmp_path / "x.db", "extract", texts, "-o", tmp_path / "ex.jsonl", "--no-progress")
    db = tmp_path / "a.db"
    cli(db, "import", tmp_path / "ex.jsonl")
    stored = sets_of(db)
    assert stored and all(name == MODEL_ANNOTATOR and status == "new" for (_, name), (status, _) in stored.items())
    assert any(entities for _, entities in stored.values())
