"""Attack 12b (session 3) #1-#3: tokens nobody judged for entities are never "O" in any export.

#1 binary answers (ner.teach / spans.teach), #2 sets whose source annotated only categories or relations, #3 a
model's prediction for a document the only person skipped. Driven through the real `annotator` CLI in
subprocesses on real files: the attack's inputs and variations of each kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [str(Path(sys.executable).parent / "annotator")]


def cli(db: Path, *args) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    return done


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def docbin_iob(folder: Path) -> dict[str, list[str]]:
    """{text: [ent_iob_ a token, '-' for missing]} of every DocBin in `folder`."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    out = {}
    for path in sorted(folder.glob("*.spacy")):
        for doc in DocBin().from_disk(path).get_docs(vocab):
            out[doc.text] = [t.ent_iob_ or "-" for t in doc]
    return out


BINARY = [
    {"text": "Tim Cook leads Apple.", "spans": [{"start": 0, "end": 8, "label": "PERSON"}], "answer": "accept",
     "_view_id": "ner", "_annotator_id": "bin-eve", "_input_hash": 11, "_task_hash": 101},
    {"text": "Tim Cook leads Apple.", "spans": [{"start": 15, "end": 20, "label": "PERSON"}], "answer": "reject",
     "_view_id": "ner", "_annotator_id": "bin-eve", "_input_hash": 11, "_task_hash": 102},
    {"text": "Tim Cook leads Apple.", "spans": [{"start": 15, "end": 20, "label": "ORG"}], "answer": "ignore",
     "_view_id": "ner", "_annotator_id": "bin-eve", "_input_hash": 11, "_task_hash": 103},
]
SPANS_TEACH = [  # another wording and shape: spans.teach, a single rejected suggestion
    {"text": "Berlin hosts the summit in May.", "spans": [{"start": 0, "end": 6, "label": "GPE"}],
     "answer": "reject", "_view_id": "spans", "_annotator_id": "bin-eve", "_input_hash": 21, "_task_hash": 201},
]
MANUAL = {"text": "Ann Lee met Bob.", "spans": [{"start": 0, "end": 7, "label": "PERSON"}],
          "answer": "accept", "_annotator_id": "bin-eve"}


@pytest.mark.parametrize("fmt", ["conll", "iob"])
def test_binary_answers_leave_conll_and_iob_listed(tmp_path, fmt):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "p.jsonl", [*BINARY, *SPANS_TEACH, MANUAL]), "--no-extract")
    done = cli(db, "export", "--format", fmt, "--annotator", "bin-eve", "-o", "-")
    assert "Apple" not in done.stdout and "Berlin" not in done.stdout  # no unjudged O written
    assert "Ann" in done.stdout and "B-PERSON" in done.stdout  # the complete manual annotation stays
    assert done.stderr.count("not judged: document") == 2, done.stderr
    assert "binary answers" in done.stderr and "1 records of 1 documents" in done.stderr


@pytest.mark.parametrize("fmt", ["doccano", "brat"])
def test_binary_answers_listed_as_partial_in_doccano_and_brat(tmp_path, fmt):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "p.jsonl", BINARY), "--no-extract")
    done = cli(db, "export", "--format", fmt, "-o", tmp_path / f"out-{fmt}")
    # attack s4 H4: read back, a partial set would be complete: left out of doccano and brat, as of CoNLL
    assert "left out (binary answers" in done.stdout + done.stderr
    assert "1 sets with tokens nobody judged" in done.stdout and "0 records" in done.stdout


CATEGORY_ONLY = [
    {"text": "I love this film.", "cats": {"POSITIVE": 1.0, "NEGATIVE": 0.0}, "answer": "accept",
     "_annotator_id": "cat-ann"},
    {"text": "Stocks fell sharply today.", "options": [{"id": "FINANCE", "text": "Finance"},
     {"id": "SPORTS", "text": "Sports"}], "accept": ["FINANCE"], "answer": "accept", "_view_id": "choice",
     "_annotator_id": "cat-ann"},
    {"text": "Sam works at Acme.", "tokens": [
        {"text": "Sam", "start": 0, "end": 3, "id": 0}, {"text": "works", "start": 4, "end": 9, "id": 1},
        {"text": "at", "start": 10, "end": 12, "id": 2}, {"text": "Acme", "start": 13, "end": 17, "id": 3},
        {"text": ".", "start": 17, "end": 18, "id": 4}],
     "relations": [{"head": 0, "child": 3,
                    "head_span": {"start": 0, "end": 3, "token_start": 0, "token_end": 0, "label": None},
                    "child_span": {"start": 13, "end": 17, "token_start": 3, "token_end": 3, "label": None},
                    "label": "WORKS_FOR"}],
     "answer": "accept", "_view_id": "relations", "_annotator_id": "cat-ann"},
]
NONE_FOUND = {"text": "Nothing to see here.", "spans": [], "answer": "accept", "_annotator_id": "cat-ann"}


def test_category_and_relation_only_sets_are_missing_in_docbin_and_left_out_of_conll(tmp_path):
    db = tmp_path / "c.db"
    cli(db, "import", jsonl(tmp_path / "c.jsonl", [*CATEGORY_ONLY, NONE_FOUND]), "--no-extract")
    cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    iob = docbin_iob(tmp_path / "sp")
    for rec in CATEGORY_ONLY:
        assert set(iob[rec["text"]]) == {"-"}, (rec["text"], iob[rec["text"]])
    # a person who finished ner.manual and found nothing means "none here": O, as before
    assert set(iob[NONE_FOUND["text"]]) == {"O"}
    for fmt in ("conll", "iob"):
        done = cli(db, "export", "--format", fmt, "-o", "-")
        for word in ("love", "Stocks", "Acme"):
            assert word not in done.stdout, done.stdout
        assert "Nothing" in done.stdout
        assert done.stderr.count("never entities") == 3, done.stderr


def test_doccano_classification_record_and_csv_are_not_ner_negatives(tmp_path):
    db = tmp_path / "d.db"
    jsonl(tmp_path / "d.jsonl", [{"text": "Paris is lovely.", "label": ["TRAVEL"]},
                                 {"text": "Rome is old.", "entities": [], "label": ["HISTORY"], "done": True}])
    cli(db, "import", tmp_path / "d.jsonl", "--format", "doccano", "--no-extract")
    (tmp_path / "c.csv").write_text('text,label\n"Oslo is cold.",WEATHER\n', encoding="utf-8")
    cli(db, "import", tmp_path / "c.csv", "--no-extract")
    cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    iob = docbin_iob(tmp_path / "sp")
    assert set(iob["Paris is lovely."]) == {"-"} and set(iob["Oslo is cold."]) == {"-"}
    # an explicit "entities": [] says the person saw the entity layer and found none: O
    assert set(iob["Rome is old."]) == {"O"}
    done = cli(db, "export", "--format", "conll", "-o", "-")
    assert "Paris" not in done.stdout and "Oslo" not in done.stdout and "Rome" in done.stdout
    assert done.stderr.count("never entities") == 2, done.stderr


def test_later_entities_make_a_category_set_a_ner_annotation(tmp_path):
    """The marker speaks for the source only: once the set holds an entity it is a NER annotation again."""
    db = tmp_path / "e.db"
    jsonl(tmp_path / "c.jsonl", [CATEGORY_ONLY[0]])
    cli(db, "import", tmp_path / "c.jsonl", "--no-extract")
    from annotator.core import ops
    from annotator.core.store import Store

    with Store(db) as store:  # in the window: the person marks an entity in the category-only set
        ops.add_entity(store, doc_id=1, annotator="cat-ann", start=7, end=11, label="MISC")
    done = cli(db, "export", "--format", "conll", "-o", "-")
    assert "love" in done.stdout and "not judged" not in done.stderr


SKIPPED_WITH_PREDICTION = [{
    "id": 3, "data": {"text": "Lena Olin acted."},
    "completions": [{"id": 1, "completed_by": {"email": "x@y"}, "was_cancelled": True, "result": []}],
    "predictions": [{"model_version": "m1", "result": [{"from_name": "label", "to_name": "text", "type": "labels",
                     "value": {"start": 0, "end": 9, "text": "Lena Olin", "labels": ["PERSON"]}}]}]}]


@pytest.mark.parametrize("fmt", ["conll", "iob", "brat", "spacy", "doccano"])
def test_include_model_never_stands_in_for_a_skip_in_any_format(tmp_path, fmt):
    db = tmp_path / "l.db"
    (tmp_path / "ls.json").write_text(json.dumps(SKIPPED_WITH_PREDICTION), encoding="utf-8")
    cli(db, "import", tmp_path / "ls.json", "--no-extract")
    out = tmp_path / f"out-{fmt}"
    done = cli(db, "export", "--format", fmt, "--include-model", "-o", out)
    assert "0 records of 0 documents" in done.stdout, done.stdout
    assert "x@y (skipped)" in done.stderr, done.stderr
    if fmt in ("conll", "iob", "doccano"):
        assert "Lena" not in out.read_text(encoding="utf-8") if out.is_file() else True
    if fmt == "brat":
        assert not list(out.glob("*.ann")) or "Lena" not in "".join(p.read_text() for p in out.glob("*.ann"))


def test_include_model_with_all_versions_keeps_the_model_where_nobody_declined(tmp_path):
    db = tmp_path / "l.db"
    tasks = [*SKIPPED_WITH_PREDICTION, {
        "id": 4, "data": {"text": "Ivo Andric wrote."},
        "predictions": [{"model_version": "m1", "result": [{"from_name": "label", "to_name": "text",
                         "type": "labels", "value": {"start": 0, "end": 10, "text": "Ivo Andric",
                                                     "labels": ["PERSON"]}}]}]}]
    (tmp_path / "ls.json").write_text(json.dumps(tasks), encoding="utf-8")
    cli(db, "import", tmp_path / "ls.json", "--no-extract")
    done = cli(db, "export", "--format", "conll", "--include-model", "--status", "new", "-o", "-")
    assert "Ivo" in done.stdout and "Lena" not in done.stdout, (done.stdout, done.stderr)


@pytest.mark.parametrize("options, accept, cats", [
    ([{"id": "FINANCE", "text": "Finance"}, {"id": "SPORTS", "text": "Sports"}], ["FINANCE"],
     {"FINANCE": 1.0, "SPORTS": 0.0}),
    # variation: multiple choice, integer ids (the option's text is the tag), nothing chosen
    ([{"id": 1, "text": "Crime"}, {"id": 2, "text": "Courts"}, {"id": 3, "text": "Weather"}], [1, 2],
     {"Crime": 1.0, "Courts": 1.0, "Weather": 0.0}),
    ([{"id": "A"}, {"id": "B"}], [], {"A": 0.0, "B": 0.0}),
])
def test_choice_options_not_chosen_are_explicit_zero_in_doc_cats(tmp_path, options, accept, cats):
    import spacy
    from spacy.tokens import DocBin

    rec = {"text": "Stocks fell sharply today.", "options": options, "accept": accept, "answer": "accept",
           "_view_id": "choice", "_annotator_id": "ch-fay"}
    db = tmp_path / "ch.db"
    cli(db, "import", jsonl(tmp_path / "ch.jsonl", [rec]), "--no-extract")
    cli(db, "export", "--format", "spacy", "--annotator", "ch-fay", "--split", "1", "-o", tmp_path / "ch")
    docs = list(DocBin().from_disk(tmp_path / "ch" / "train.spacy").get_docs(spacy.blank("en").vocab))
    assert docs[0].cats == cats
    assert {t.ent_iob_ for t in docs[0]} == {""}  # and no NER claim
