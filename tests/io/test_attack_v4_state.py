"""Attack v4, what a set judged survives annotator's own exports, through the real CLI on real files:

- H3: a set whose source never annotated quotes (Prodigy ner/ner_manual, binary answers, CoNLL, a relations-only
  record, doccano CSV) has no `quotes` group in DocBins, also after an annotator JSONL round trip, in any import
  order; a set that did annotate quotes (an empty `quotes` field) keeps its empty group.
- H4: a category-only set (doccano CSV) comes back through annotator JSONL (and Prodigy) with its tokens missing
  for NER, never O.
- M1: a manual answer merged with binary answers stays complete after a Label Studio round trip.
- M2: nested `binary_tasks` pass the checks of a top-level record, refused with file:line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import one_line_error, run_cli

TEXT = "Alice Smith said hello to Bob in Paris."


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def docs(folder: Path) -> dict[str, tuple[list[str], list[str]]]:
    """{text: ([iob or '-' a token], names of the span groups)} of every DocBin in `folder`."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    out = {}
    for path in sorted(folder.glob("*.spacy")):
        for doc in DocBin().from_disk(path).get_docs(vocab):
            out[doc.text] = ([t.ent_iob_ or "-" for t in doc], sorted(doc.spans))
    return out


def spacy_of(db: Path, tmp_path: Path, name: str) -> dict[str, tuple[list[str], list[str]]]:
    out = tmp_path / name
    run_cli(db, "export", "--format", "spacy", "--versions", "all", "-o", out)
    return docs(out)


MANUAL = {"text": TEXT, "spans": [{"start": 0, "end": 11, "label": "PERSON"}], "answer": "accept",
          "_annotator_id": "alice", "_view_id": "ner_manual"}
BINARY = [
    {"text": TEXT, "spans": [{"start": 33, "end": 38, "label": "GPE"}], "answer": "accept", "_annotator_id": "alice",
     "_view_id": "ner"},
    {"text": TEXT, "spans": [{"start": 26, "end": 29, "label": "ORG"}], "answer": "reject", "_annotator_id": "alice",
     "_view_id": "ner"},
]
TOKENS = [{"text": w, "start": s, "end": e, "id": i} for i, (w, s, e) in enumerate(
    [("Alice", 0, 5), ("Smith", 6, 11), ("said", 12, 16), ("hello", 17, 22), ("to", 23, 25), ("Bob", 26, 29),
     ("in", 30, 32), ("Paris", 33, 38), (".", 38, 39)])]
RELATIONS = {"text": TEXT, "tokens": TOKENS, "relations": [
    {"head": 1, "child": 5, "label": "GREETS", "head_span": {"start": 0, "end": 11, "token_start": 0, "token_end": 1},
     "child_span": {"start": 26, "end": 29, "token_start": 5, "token_end": 5}}], "answer": "accept",
    "_annotator_id": "rita", "_view_id": "relations"}


def source(tmp_path: Path, kind: str) -> list[Path]:
    if kind == "ner_manual":
        return [jsonl(tmp_path / "man.jsonl", [MANUAL])]
    if kind == "binary":
        return [jsonl(tmp_path / "bin.jsonl", BINARY)]
    if kind == "manual+binary":
        return [jsonl(tmp_path / "man.jsonl", [MANUAL]), jsonl(tmp_path / "bin.jsonl", BINARY)]
    if kind == "binary+manual":
        return [jsonl(tmp_path / "bin.jsonl", BINARY), jsonl(tmp_path / "man.jsonl", [MANUAL])]
    if kind == "relations":
        return [jsonl(tmp_path / "rel.jsonl", [RELATIONS])]
    if kind == "csv":
        path = tmp_path / "cats.csv"
        path.write_text(f'text,label\n"{TEXT}",POLITICS\n"Third doc, Oslo.",SPORT\n', encoding="utf-8")
        return [path]
    if kind == "conll":
        path = tmp_path / "ws.conll"
        path.write_text("-DOCSTART- -X- O O\n\nAlice NNP B-NP B-PER\nsaid VBD B-VP O\nhi UH O O\n. . O O\n\n",
                        encoding="utf-8")
        return [path]
    raise AssertionError(kind)


def import_all(db: Path, paths: list[Path], kind: str) -> None:
    for path in paths:
        extra = ["--annotator", "bob"] if kind == "conll" else []
        run_cli(db, "import", path, *extra)


@pytest.mark.parametrize("kind", ["ner_manual", "binary", "manual+binary", "binary+manual", "relations", "csv", "conll"])
def test_h3_a_set_that_never_annotated_quotes_has_no_quotes_group_after_a_jsonl_round_trip(tmp_path, kind):
    db = tmp_path / "a.db"
    import_all(db, source(tmp_path, kind), kind)
    before = spacy_of(db, tmp_path, "before")
    assert before and all("quotes" not in groups for _, groups in before.values()), before
    run_cli(db, "export", "-o", tmp_path / "x.jsonl")
    for line in (tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines():
        assert "quotes" not in json.loads(line), line  # absent = nobody judged quotes (empty = "no quote here")
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", tmp_path / "x.jsonl")
    assert spacy_of(fresh, tmp_path, "after") == before
    run_cli(db, "import", tmp_path / "x.jsonl")  # into the same database: nothing changes
    assert spacy_of(db, tmp_path, "same") == before


def test_h3_a_set_that_annotated_no_quote_keeps_its_empty_quotes_group(tmp_path):
    db = tmp_path / "a.db"
    run_cli(db, "import", jsonl(tmp_path / "q.jsonl", [{**MANUAL, "quotes": [], "_view_id": None}]))
    before = spacy_of(db, tmp_path, "before")
    assert all("quotes" in groups for _, groups in before.values()), before
    run_cli(db, "export", "-o", tmp_path / "x.jsonl")
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", tmp_path / "x.jsonl")
    assert spacy_of(fresh, tmp_path, "after") == before


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy"])
def test_h4_a_category_only_csv_set_stays_unjudged_for_entities(tmp_path, fmt):
    db = tmp_path / "p.db"
    import_all(db, source(tmp_path, "csv"), "csv")
    before = spacy_of(db, tmp_path, "before")
    assert all(set(iob) == {"-"} for iob, _ in before.values()), before
    out = tmp_path / f"p.{fmt}"
    run_cli(db, "export", "--format", fmt, "-o", out)
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", out)
    assert spacy_of(fresh, tmp_path, "after") == before
    run_cli(fresh, "export", "--format", "conll", "-o", tmp_path / "c.conll")  # left out as not judged, not all O
    assert "Paris" not in (tmp_path / "c.conll").read_text(encoding="utf-8")


def test_h4_a_relations_only_set_stays_unjudged_through_jsonl(tmp_path):
    db = tmp_path / "r.db"
    run_cli(db, "import", jsonl(tmp_path / "rel.jsonl", [RELATIONS]))
    before = spacy_of(db, tmp_path, "before")
    assert all(set(iob) == {"-"} for iob, _ in before.values()), before
    run_cli(db, "export", "-o", tmp_path / "x.jsonl")
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", tmp_path / "x.jsonl")
    assert spacy_of(fresh, tmp_path, "after") == before


@pytest.mark.parametrize("kind", ["manual+binary", "binary+manual"])
def test_m1_a_manual_answer_merged_with_binary_answers_stays_complete_through_label_studio(tmp_path, kind):
    db = tmp_path / "b.db"
    import_all(db, source(tmp_path, kind), kind)
    before = spacy_of(db, tmp_path, "before")
    assert all("-" not in iob for iob, _ in before.values()), before  # complete: O outside the entities
    run_cli(db, "export", "--format", "labelstudio", "-o", tmp_path / "ls.json")
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", tmp_path / "ls.json")
    assert spacy_of(fresh, tmp_path, "after") == before
    run_cli(db, "import", tmp_path / "ls.json")  # into the same database: nothing changes
    assert spacy_of(db, tmp_path, "same") == before


def test_m1_a_bad_manual_answer_in_a_label_studio_annotation_is_refused(tmp_path):
    db = tmp_path / "b.db"
    import_all(db, source(tmp_path, "manual+binary"), "manual+binary")
    run_cli(db, "export", "--format", "labelstudio", "-o", tmp_path / "ls.json")
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    tasks[0]["annotations"][0]["manual_answer"]["spans"][0]["end"] = 99
    (tmp_path / "bad.json").write_text(json.dumps(tasks), encoding="utf-8")
    one_line_error(run_cli(tmp_path / "fresh.db", "import", tmp_path / "bad.json", ok=False), "bad.json")


def nested(task: dict) -> dict:
    return {**MANUAL, "_view_id": "ner_manual", "binary_tasks": [task]}


@pytest.mark.parametrize("task, needle", [
    ({"label": "TAG\u0007", "answer": "accept"}, "control character"),
    ({"label": " TAG", "answer": "accept"}, "space"),
    ({"options": [{"id": "A\u0000", "text": "a"}], "accept": ["A\u0000"], "answer": "accept"}, "control character"),
    ({"spans": [{"start": 0, "end": 5, "label": "ORG"}], "answer": "accept", "_timestamp": "x"}, "_timestamp"),
    ({"spans": [{"start": 0, "end": 5, "label": "ORG"}]}, '"answer"'),
    ({"spans": [{"start": 0, "end": 5, "label": "ORG"}], "answer": "accept",
      "relations": [{"head": 0, "child": 99, "label": "X"}]}, "relation 0"),
    ({"spans": [{"start": 33, "end": 38, "label": "GPE"}], "answer": "accept", "_annotator_id": "mallory"}, "mallory"),
    ({"spans": [{"start": 33, "end": 38, "label": "GPE"}], "answer": "accept", "_annotator_id": "model"}, "model"),
])
def test_m2_nested_binary_tasks_pass_the_checks_of_a_record(tmp_path, task, needle):
    path = jsonl(tmp_path / "n.jsonl", [nested(task)])
    one_line_error(run_cli(tmp_path / "n.db", "import", path, ok=False), "n.jsonl:1", "binary_tasks[0]", needle)
    assert not (tmp_path / "n.db").exists()


def test_m2_good_nested_binary_tasks_still_import(tmp_path):
    path = jsonl(tmp_path / "n.jsonl", [nested({**BINARY[0], "_timestamp": 1700000000})])
    run_cli(tmp_path / "n.db", "import", path)
