"""Training data that is right: misaligned entities become missing tokens (spaCy's "-"), training formats take
done sets and one version per document by default, and doc.cats holds only the tags an annotator gave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import AnnotationSet, Document, Entity, Status, Tag
from annotator.io.exporter import ExportOptions, export


def docbin_docs(path):
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def biluo(doc) -> list[str]:
    """The NER tags training sees, the way spaCy's Example gives them ("-" = missing)."""
    from spacy.training import Example

    return ["-" if tag is None else tag for tag in Example(doc.copy(), doc).get_aligned_ner()]


@pytest.mark.parametrize("text, start, end", [
    ("The price is $3.99 today.", 14, 15),           # "3" of spaCy's token "3.99" (the window's word "3")
    ("Officials in the U.S. said so.", 17, 20),      # "U.S" cuts spaCy's token "U.S."
    ("Mr. Smithson said it rains.", 4, 9),           # inside a word
    ("A deal with Acme-Corp was signed.", 12, 16),   # part of a hyphenated name
    ("It cost $3.99 today.", 8, 13),                 # "$3.99" aligns: "$" + "3.99" -> a real entity
])
@pytest.mark.filterwarnings("ignore:.*W030")
def test_misaligned_entity_tokens_are_missing_not_outside(store, tmp_path, text, start, end):
    import spacy
    from spacy.training import offsets_to_biluo_tags

    doc_id, _ = store.add_document(Document(text=text))
    other = text.index(text.split()[0])
    store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="ann", status=Status.DONE,
                                               entities=[Entity(other, other + len(text.split()[0]), "X"),
                                                         Entity(start, end, "ORG")]))
    report = export(store, ExportOptions(format="spacy", output=tmp_path / "c", split=1.0))
    (doc,) = docbin_docs(tmp_path / "c" / "train.spacy")
    tags = biluo(doc)
    expected = offsets_to_biluo_tags(spacy.blank("en").make_doc(text), [(other, other + len(text.split()[0]), "X"),
                                                                        (start, end, "ORG")])
    if any(t == "-" for t in expected):  # spaCy itself calls it misaligned: we must agree, token for token
        assert tags == expected
        assert report.issues.misaligned and "marked missing" in report.issues.misaligned[0]
    else:  # it aligns after all: a real entity
        assert "U-ORG" in tags or "B-ORG" in tags
    assert "O" in tags  # the rest of the document is still "not an entity"


def test_aligned_document_has_no_missing_tokens(store, tmp_path):
    text = "John Smith visited Paris."
    doc_id, _ = store.add_document(Document(text=text))
    store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="ann", status=Status.DONE,
                                               entities=[Entity(0, 10, "PERSON"), Entity(19, 24, "GPE")]))
    export(store, ExportOptions(format="spacy", output=tmp_path / "c", split=1.0))
    (doc,) = docbin_docs(tmp_path / "c" / "train.spacy")
    assert biluo(doc) == ["B-PERSON", "L-PERSON", "O", "U-GPE", "O"]


def _three_statuses(store):
    for i, status in enumerate((Status.DONE, Status.REJECTED, Status.SKIPPED, Status.IN_PROGRESS)):
        doc_id, _ = store.add_document(Document(text=f"Document {i} about Paris."))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="ann", status=status,
                                                   entities=[Entity(len(f"Document {i} about "), len(f"Document {i} about Paris"), "GPE")]))


@pytest.mark.parametrize("fmt", ["spacy", "doccano"])
def test_training_formats_take_done_sets_by_default(store, tmp_path, fmt):
    _three_statuses(store)
    report = export(store, ExportOptions(format=fmt, output=tmp_path / "out", split=1.0))
    assert report.records == 1
    chosen = export(store, ExportOptions(format=fmt, output=tmp_path / "all", split=1.0,
                                         statuses=[Status.DONE, Status.REJECTED, Status.SKIPPED]))
    assert chosen.records == 3


def test_exchange_formats_keep_every_finished_status(store, tmp_path):
    _three_statuses(store)
    report = export(store, ExportOptions(format="jsonl", output=tmp_path / "a.jsonl"))
    answers = sorted(json.loads(line)["answer"] for line in (tmp_path / "a.jsonl").read_text().splitlines())
    assert report.records == 3 and answers == ["accept", "ignore", "reject"]


def test_status_default_is_said_in_help():
    from click.testing import CliRunner

    from annotator.cli import main

    text = " ".join(CliRunner().invoke(main, ["export", "--help"]).output.split())
    assert "Default: done for the training formats (spacy, doccano)" in text


def test_cats_hold_only_the_tags_given(store, tmp_path):
    store.add_to_tag_set("opinion", "document")
    store.add_to_tag_set("breaking", "document")
    tagged, _ = store.add_document(Document(text="An opinion piece."))
    plain, _ = store.add_document(Document(text="A plain report."))
    store.replace_annotation_set(AnnotationSet(doc_id=tagged, annotator="ann", status=Status.DONE,
                                               tags=[Tag("opinion")]))
    store.replace_annotation_set(AnnotationSet(doc_id=plain, annotator="ann", status=Status.DONE))
    export(store, ExportOptions(format="spacy", output=tmp_path / "c", split=1.0))
    cats = {doc.text: doc.cats for doc in docbin_docs(tmp_path / "c" / "train.spacy")}
    assert cats == {"An opinion piece.": {"opinion": 1.0}, "A plain report.": {}}  # no 0.0 for an untagged tag


def test_one_version_per_document_gold_first_then_latest(store, tmp_path):
    text = "Alice met Bob in Rome."
    doc_id, _ = store.add_document(Document(text=text))
    lone, _ = store.add_document(Document(text="Only Carol saw it."))
    for name, label in (("alice", "PERSON"), ("bob", "ORG")):
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=name, status=Status.DONE,
                                                   entities=[Entity(0, 5, label)]))
    store.replace_annotation_set(AnnotationSet(doc_id=lone, annotator="carol", status=Status.DONE))
    report = export(store, ExportOptions(format="spacy", output=tmp_path / "a", split=1.0))
    assert report.records == 2 and len(report.issues.duplicates) == 1
    assert "alice, bob; kept bob (latest update" in report.issues.duplicates[0]
    store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="gold", status=Status.DONE,
                                               entities=[Entity(0, 5, "PERSON")]))
    report = export(store, ExportOptions(format="spacy", output=tmp_path / "b", split=1.0))
    assert "kept gold (gold)" in report.issues.duplicates[0]
    docs = {d.text: d for d in docbin_docs(tmp_path / "b" / "train.spacy")}
    assert [e.label_ for e in docs[text].ents] == ["PERSON"] and len(docs) == 2
    every = export(store, ExportOptions(format="spacy", output=tmp_path / "c", split=1.0, versions="all"))
    assert every.records == 4 and not every.issues.duplicates


def test_cli_lists_duplicates(tmp_path):
    import subprocess
    import sys

    from annotator.core.store import Store

    db = tmp_path / "a.db"
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text="Alice met Bob."))
        for name in ("alice", "bob"):
            store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=name, status=Status.DONE))
    result = subprocess.run([str(Path(sys.executable).parent / "annotator"), "--db", str(db), "export", "--format", "doccano",
                             "-o", str(tmp_path / "d.jsonl")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "several versions: document 1: versions by alice, bob" in result.stderr


@pytest.mark.filterwarnings("ignore:.*W030")
def test_binary_answer_set_with_a_misaligned_entity_has_no_outside_tokens(store, tmp_path):
    """Both rules at once (issues 12 and 13): a set made of Prodigy binary answers marks every token outside its
    accepted entities missing (a rejected suggestion is not "O"), and a misaligned accepted entity is left out with
    its tokens missing too; a full annotation with the same entities keeps "O" around them."""
    text = "Officials in the U.S. met John Smith today."
    rejected = {"text": text, "spans": [{"start": 0, "end": 9, "label": "ORG"}], "answer": "reject"}
    doc_id, _ = store.add_document(Document(text=text))
    for annotator, extra in (("binary", {"binary_tasks": [rejected]}), ("full", {})):
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=annotator, status=Status.DONE,
                                                   entities=[Entity(17, 20, "GPE"), Entity(26, 36, "PERSON")],
                                                   extra=extra))
    tags = {}
    for annotator in ("binary", "full"):
        report = export(store, ExportOptions(format="spacy", output=tmp_path / annotator, split=1.0,
                                             annotators=[annotator]))
        assert report.issues.misaligned and "marked missing" in report.issues.misaligned[0]
        (doc,) = docbin_docs(tmp_path / annotator / "train.spacy")
        tags[annotator] = biluo(doc)
    words = [t.text for t in docbin_docs(tmp_path / "full" / "train.spacy")[0]]
    assert tags["binary"][words.index("John"):words.index("Smith") + 1] == ["B-PERSON", "L-PERSON"]
    assert tags["binary"][words.index("U.S.")] == "-" and tags["binary"][words.index("Officials")] == "-"
    assert "O" not in tags["binary"]
    assert tags["full"][words.index("U.S.")] == "-" and tags["full"][words.index("Officials")] == "O"
