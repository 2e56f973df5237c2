"""Attack s4 (session 4), export fidelity and round trips: H4, H5, M1, M2, M7, M8, M9.

Driven through the real `annotator` CLI in subprocesses on real files (spaCy DocBins read back with spaCy):
the attack's inputs and variations of each kind (other formats, other shapes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.store import Store

CLI = [str(Path(sys.executable).parent / "annotator")]


def run(db: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=300)


def cli(db: Path, *args) -> subprocess.CompletedProcess:
    done = run(db, *args)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr + done.stdout
    return done


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def docbin_tags(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """{text: [(token, IOB+type or '-' for missing)]} of every DocBin in `folder`."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    out = {}
    for path in sorted(folder.glob("*.spacy")):
        for doc in DocBin().from_disk(path).get_docs(vocab):
            out[doc.text] = [(t.text, (t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "")) or "-")
                             for t in doc]
    return out


def sets_of(db: Path) -> dict[tuple[str, str], list[tuple[int, int, str]]]:
    """{(document text, annotator): [(start, end, label)]} of every set in the database."""
    with Store(db, readonly=True) as store:
        out = {}
        for doc_id in store.iter_document_ids():
            doc_id = doc_id[1] if isinstance(doc_id, tuple) else doc_id
            doc = store.document(doc_id)
            for name in store.annotators_of(doc_id):
                aset = store.annotation_set(doc_id, name)
                out[(doc.text, name)] = sorted((e.start, e.end, e.label) for e in aset.entities)
        return out


def document_texts(db: Path) -> list[str]:
    with Store(db, readonly=True) as store:
        return [store.document(d[1] if isinstance(d, tuple) else d).text for d in store.iter_document_ids()]


TEACH = [  # the attack's teach.jsonl: ner.teach accept, reject, ignore of one annotator on one text
    {"text": "Boris Johnson met Emmanuel Macron in London.", "spans": [{"start": 0, "end": 13, "label": "PERSON"}],
     "meta": {"score": 0.9}, "_input_hash": 100, "_task_hash": 201, "answer": "accept", "_annotator_id": "t-carol",
     "_view_id": "ner"},
    {"text": "Boris Johnson met Emmanuel Macron in London.", "spans": [{"start": 37, "end": 43, "label": "ORG"}],
     "meta": {"score": 0.4}, "_input_hash": 100, "_task_hash": 202, "answer": "reject", "_annotator_id": "t-carol",
     "_view_id": "ner"},
    {"text": "Boris Johnson met Emmanuel Macron in London.", "spans": [{"start": 18, "end": 33, "label": "PERSON"}],
     "meta": {"score": 0.5}, "_input_hash": 100, "_task_hash": 203, "answer": "ignore", "_annotator_id": "t-carol",
     "_view_id": "ner"},
]
SPANS_REJECT = [  # another shape: spans.teach, one rejected suggestion only
    {"text": "Berlin hosts the summit in May.", "spans": [{"start": 0, "end": 6, "label": "GPE"}],
     "answer": "reject", "_view_id": "spans", "_annotator_id": "t-carol", "_input_hash": 21, "_task_hash": 211},
]
RELATIONS_ONLY = [  # the attack's relu.jsonl: rel.manual between unlabelled spans
    {"text": "Sundar Pichai leads Google.", "tokens": [
        {"text": "Sundar", "start": 0, "end": 6, "id": 0, "ws": True},
        {"text": "Pichai", "start": 7, "end": 13, "id": 1, "ws": True},
        {"text": "leads", "start": 14, "end": 19, "id": 2, "ws": True},
        {"text": "Google", "start": 20, "end": 26, "id": 3, "ws": False},
        {"text": ".", "start": 26, "end": 27, "id": 4, "ws": False}], "spans": [],
     "relations": [{"head": 1, "child": 3, "label": "LEADS",
                    "head_span": {"start": 7, "end": 13, "token_start": 1, "token_end": 1, "label": None},
                    "child_span": {"start": 20, "end": 26, "token_start": 3, "token_end": 3, "label": None}}],
     "answer": "accept", "_view_id": "relations", "_annotator_id": "t-carol"},
]
MANUAL = {"text": "Ann Lee met Bob.", "spans": [{"start": 0, "end": 7, "label": "PERSON"}], "answer": "accept",
          "_annotator_id": "t-carol"}


# -- H4: partial sets never come back as complete sets ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["doccano", "brat"])
def test_h4_partial_sets_are_left_out_of_doccano_and_brat_and_listed(tmp_path, fmt):
    db = tmp_path / "t.db"
    cli(db, "import", "--no-extract", jsonl(tmp_path / "t.jsonl", [*TEACH, *SPANS_REJECT, *RELATIONS_ONLY, MANUAL]))
    out = tmp_path / f"out-{fmt}"
    done = cli(db, "export", "--format", fmt, "-o", out)
    said = done.stdout + done.stderr
    assert said.count("left out") >= 3 and "binary answers" in said and "relations only" in said, said
    if fmt == "doccano":
        records = read_jsonl(out)
        assert [r["text"] for r in records] == ["Ann Lee met Bob."]
        assert not any(r.get("done") for r in records)
        files = [out]
    else:
        texts = sorted(p.read_text(encoding="utf-8") for p in out.glob("*.txt"))
        assert texts == ["Ann Lee met Bob."]
        files = [out]
    # whatever was written comes back as it was: the partial sets never become "no entity" anywhere
    db2 = tmp_path / "t2.db"
    cli(db2, "import", "--no-extract", *files)
    cli(db2, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    tags = docbin_tags(tmp_path / "sp")
    assert set(tags) == {"Ann Lee met Bob."}


def test_h4_label_studio_carries_binary_answers_and_reads_them_back(tmp_path):
    db = tmp_path / "t.db"
    cli(db, "import", "--no-extract", jsonl(tmp_path / "t.jsonl", [*TEACH, *SPANS_REJECT, MANUAL]))
    cli(db, "export", "--format", "labelstudio", "-o", tmp_path / "t.ls.json")
    db2 = tmp_path / "t2.db"
    cli(db2, "import", "--no-extract", tmp_path / "t.ls.json")
    cli(db2, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    tags = docbin_tags(tmp_path / "sp")
    boris = dict(tags["Boris Johnson met Emmanuel Macron in London."])
    assert boris["Boris"] == "B-PERSON" and boris["Johnson"] == "I-PERSON"
    assert boris["London"] == "-" and boris["Macron"] == "-" and boris["met"] == "-", boris  # never O
    assert all(tag == "-" for _, tag in tags["Berlin hosts the summit in May."])
    assert dict(tags["Ann Lee met Bob."])["met"] == "O"  # a complete set stays complete
    # the rejected suggestion survives a second round: the Prodigy export writes it back as a reject
    cli(db2, "export", "--format", "prodigy", "-o", tmp_path / "back.jsonl")
    answers = {(r["spans"][0]["start"], r["answer"]) for r in read_jsonl(tmp_path / "back.jsonl")
               if r["text"].startswith("Boris") and r.get("spans")}
    assert (37, "reject") in answers and (0, "accept") in answers
    # and a Label Studio re-export of the re-import is the same file
    cli(db2, "export", "--format", "labelstudio", "-o", tmp_path / "t2.ls.json")
    first = json.loads((tmp_path / "t.ls.json").read_text())
    again = json.loads((tmp_path / "t2.ls.json").read_text())
    assert [t["annotations"] for t in first] == [t["annotations"] for t in again]


def test_h4_label_studio_relation_only_set_stays_unjudged(tmp_path):
    db = tmp_path / "r.db"
    cli(db, "import", "--no-extract", jsonl(tmp_path / "r.jsonl", [*RELATIONS_ONLY, MANUAL]))
    cli(db, "export", "--format", "labelstudio", "-o", tmp_path / "r.ls.json")
    db2 = tmp_path / "r2.db"
    cli(db2, "import", "--no-extract", tmp_path / "r.ls.json")
    cli(db2, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    tags = docbin_tags(tmp_path / "sp")
    assert all(tag == "-" for _, tag in tags["Sundar Pichai leads Google."]), tags
    done = cli(db2, "export", "--format", "conll", "-o", "-")
    assert "Sundar" not in done.stdout and "Ann" in done.stdout


# -- H5: a stored file name equal to another document's default name --------------------------------------


@pytest.mark.parametrize("order", ["named-first", "default-first"])
def test_h5_brat_file_name_clash_with_default_name_loses_nothing(tmp_path, order):
    named = {"text": "First about Oslo.", "meta": {"file": "doc-2.txt"},
             "spans": [{"start": 12, "end": 16, "label": "GPE"}], "answer": "accept", "_annotator_id": "cy"}
    plain = [{"text": f"Text {i} about Rome.", "spans": [{"start": 13 + len(str(i)) - 1, "end": 17 + len(str(i)) - 1,
                                                          "label": "GPE"}], "answer": "accept", "_annotator_id": "cy"}
             for i in range(2, 5)]
    records = [named, *plain] if order == "named-first" else [*plain, named]
    db = tmp_path / "co.db"
    cli(db, "import", jsonl(tmp_path / "coll.jsonl", records))
    done = cli(db, "export", "--format", "brat", "-o", tmp_path / "b")
    texts = sorted(p.read_text(encoding="utf-8") for p in (tmp_path / "b").glob("*.txt"))
    assert texts == sorted(r["text"] for r in records)
    assert len(list((tmp_path / "b").glob("*.ann"))) == 4
    assert "4 records of 4 documents" in done.stdout
    db2 = tmp_path / "co2.db"
    cli(db2, "import", tmp_path / "b")
    assert sorted(document_texts(db2)) == sorted(r["text"] for r in records)


# -- M1: overlapping spans from doccano, brat, Label Studio through annotator JSONL and Prodigy ---------------

DOCCANO_NESTED = [
    {"id": 11, "text": "The University of New York is in New York.", "entities": [
        {"id": 4, "label": "ORG", "start_offset": 4, "end_offset": 26},
        {"id": 6, "label": "LOC", "start_offset": 18, "end_offset": 26},
        {"id": 7, "label": "LOC", "start_offset": 33, "end_offset": 41}], "relations": []},
]
BRAT_TXT = "The Bank of Oslo opened. Mary Jones from Acme Corp\nsaid no."
BRAT_ANN = ("T1\tORG 4 16\tBank of Oslo\nT2\tGPE 12 16\tOslo\nT3\tPERSON 25 35\tMary Jones\n"
            "T4\tORG 25 50;51 55\tMary Jones from Acme Corp said\n")
LS_TASKS = [{"id": 1, "data": {"text": "Bank of America Tower rises."}, "annotations": [{"id": 1, "completed_by": 3,
             "result": [
                 {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
                  "value": {"start": 0, "end": 15, "text": "Bank of America", "labels": ["ORG"]}},
                 {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
                  "value": {"start": 8, "end": 21, "text": "America Tower", "labels": ["FAC"]}}]}]}]


def _source(tmp_path: Path, kind: str) -> Path:
    if kind == "doccano":
        return jsonl(tmp_path / "dc.jsonl", DOCCANO_NESTED)
    if kind == "brat":
        folder = tmp_path / "brat" / "ann"
        folder.mkdir(parents=True)
        (folder / "a.txt").write_text(BRAT_TXT, encoding="utf-8")
        (folder / "a.ann").write_text(BRAT_ANN, encoding="utf-8")
        return folder
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(LS_TASKS), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy"])
@pytest.mark.parametrize("kind", ["doccano", "brat", "labelstudio"])
def test_m1_overlapping_spans_round_trip_through_jsonl_and_prodigy(tmp_path, kind, fmt):
    db = tmp_path / "a.db"
    cli(db, "import", "--no-extract", _source(tmp_path, kind))
    cli(db, "export", "--format", fmt, "-o", tmp_path / "out.jsonl")
    records = read_jsonl(tmp_path / "out.jsonl")
    db2 = tmp_path / "b.db"
    done = cli(db2, "import", "--no-extract", tmp_path / "out.jsonl")
    assert "Nothing was imported" not in done.stderr
    cli(db2, "export", "--format", fmt, "-o", tmp_path / "again.jsonl")
    again = read_jsonl(tmp_path / "again.jsonl")
    assert [r["spans"] for r in again] == [r["spans"] for r in records]
    assert [r.get("overlapping_spans") for r in again] == [r.get("overlapping_spans") for r in records]
    # nothing was lost: every span of the source is in the export, once
    every = [(s["start"], s["end"], s["label"]) for r in records for s in [*r["spans"],
                                                                          *r.get("overlapping_spans", [])]]
    assert len(every) == len(set(every)) and len(every) >= 2
    # a second import of the export into the same database changes nothing
    done = cli(db2, "import", "--no-extract", tmp_path / "again.jsonl")
    assert "0 annotation sets written" in done.stdout, done.stdout


# -- M2: doccano relations in brat and Label Studio exports ---------------------------------------------------

DOCCANO_RELATION = [
    {"id": 10, "text": "Google was founded by Larry Page in California.", "entities": [
        {"id": 1, "label": "ORG", "start_offset": 0, "end_offset": 6},
        {"id": 2, "label": "PER", "start_offset": 22, "end_offset": 32},
        {"id": 3, "label": "LOC", "start_offset": 36, "end_offset": 46}],
     "relations": [{"id": 5, "from_id": 2, "to_id": 1, "type": "founded"},
                   {"id": 6, "from_id": 2, "to_id": 3, "type": "lives_in"}], "Comments": ["nice"]},
]


def test_m2_doccano_relations_reach_brat(tmp_path):
    db = tmp_path / "d.db"
    cli(db, "import", jsonl(tmp_path / "d.jsonl", DOCCANO_RELATION))
    done = cli(db, "export", "--format", "brat", "-o", tmp_path / "b")
    assert "None" not in done.stdout + done.stderr and "left out" not in done.stdout + done.stderr
    ann = next((tmp_path / "b").glob("*.ann")).read_text(encoding="utf-8")
    ids = {line.split("\t")[1].split()[0]: line.split("\t")[0] for line in ann.splitlines() if line.startswith("T")}
    assert f"founded Arg1:{ids['PER']} Arg2:{ids['ORG']}" in ann
    assert f"lives_in Arg1:{ids['PER']} Arg2:{ids['LOC']}" in ann
    db2 = tmp_path / "d2.db"  # and brat brings them back to doccano
    cli(db2, "import", tmp_path / "b")
    cli(db2, "export", "--format", "doccano", "-o", tmp_path / "back.jsonl")
    record = read_jsonl(tmp_path / "back.jsonl")[0]
    by_id = {e["id"]: e["label"] for e in record["entities"]}
    assert sorted((by_id[r["from_id"]], by_id[r["to_id"]], r["type"]) for r in record["relations"]) == [
        ("PER", "LOC", "lives_in"), ("PER", "ORG", "founded")]


def test_m2_doccano_relations_reach_label_studio(tmp_path):
    db = tmp_path / "d.db"
    cli(db, "import", jsonl(tmp_path / "d.jsonl", DOCCANO_RELATION))
    done = cli(db, "export", "--format", "labelstudio", "-o", tmp_path / "d.ls.json")
    assert "None" not in done.stdout + done.stderr and "left out" not in done.stdout + done.stderr
    results = json.loads((tmp_path / "d.ls.json").read_text())[0]["annotations"][0]["result"]
    regions = {r["id"]: r["value"]["labels"][0] for r in results if r["type"] == "labels"}
    relations = sorted((regions[r["from_id"]], regions[r["to_id"]], r["labels"]) for r in results
                       if r["type"] == "relation")
    assert relations == [("PER", "LOC", ["lives_in"]), ("PER", "ORG", ["founded"])]
    db2 = tmp_path / "d2.db"  # Label Studio brings them back to doccano
    cli(db2, "import", tmp_path / "d.ls.json")
    cli(db2, "export", "--format", "doccano", "--versions", "all", "-o", tmp_path / "back.jsonl")
    record = read_jsonl(tmp_path / "back.jsonl")[0]
    by_id = {e["id"]: e["label"] for e in record["entities"]}
    assert sorted((by_id[r["from_id"]], by_id[r["to_id"]], r["type"]) for r in record["relations"]) == [
        ("PER", "LOC", "lives_in"), ("PER", "ORG", "founded")]


def test_m2_a_relation_whose_entity_is_gone_names_its_type(tmp_path):
    db = tmp_path / "d.db"
    cli(db, "import", jsonl(tmp_path / "d.jsonl", DOCCANO_RELATION))
    done = cli(db, "export", "--format", "brat", "--labels", "PER,ORG", "-o", tmp_path / "b")
    said = done.stdout + done.stderr
    assert "'lives_in'" in said and "None" not in said


# -- M8: CoNLL/IOB never write O on tokens a person labelled ------------------------------------------------

OFF = [
    {"text": "It costs $3.99 in the U.S. now.", "spans": [{"start": 10, "end": 11, "label": "MONEY"},
                                                         {"start": 22, "end": 25, "label": "GPE"}],
     "answer": "accept", "_annotator_id": "olga"},
    {"text": "Line one Paris.\r\nLine two Rome.\r\n", "spans": [{"start": 9, "end": 14, "label": "GPE"},
                                                             {"start": 26, "end": 30, "label": "GPE"}],
     "answer": "accept", "_annotator_id": "olga"},
    {"text": "Zoë   and  José visited São Paulo.", "spans": [{"start": 0, "end": 3, "label": "PERSON"},
                                                           {"start": 11, "end": 15, "label": "PERSON"},
                                                           {"start": 24, "end": 33, "label": "GPE"}],
     "answer": "accept", "_annotator_id": "olga"},
]


@pytest.mark.parametrize("fmt", ["conll", "iob"])
def test_m8_document_with_an_entity_off_token_boundaries_is_left_out_and_listed(tmp_path, fmt):
    db = tmp_path / "of.db"
    cli(db, "import", jsonl(tmp_path / "off.jsonl", OFF))
    done = cli(db, "export", "--format", fmt, "-o", tmp_path / f"of.{fmt}")
    written = (tmp_path / f"of.{fmt}").read_text(encoding="utf-8")
    assert "3.99" not in written and "U.S." not in written  # no O on the labelled tokens
    assert "Paris" in written and "Zoë" in written
    said = done.stdout + done.stderr
    assert "document 1 (olga)" in said and "left out" in said
    assert "2 records of 2 documents" in done.stdout, done.stdout


def test_m8_crossing_a_line_and_discontinuous_entities_leave_the_document_out(tmp_path):
    db = tmp_path / "x.db"
    records = [{"text": "New\nYork is big. Oslo too.", "spans": [{"start": 0, "end": 8, "label": "GPE"}],
                "answer": "accept", "_annotator_id": "al"},
               {"text": "Rome is old.", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept",
                "_annotator_id": "al"}]
    cli(db, "import", jsonl(tmp_path / "x.jsonl", records))
    done = cli(db, "export", "--format", "conll", "-o", "-")
    assert "York" not in done.stdout and "Rome" in done.stdout
    folder = tmp_path / "brat" / "al"  # brat's discontinuous entity
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("Mary Jones from Acme said no. Bob left.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tORG 0 10;16 20\tMary Jones Acme\nT2\tPERSON 30 33\tBob\n", encoding="utf-8")
    db2 = tmp_path / "y.db"
    cli(db2, "import", folder)
    done = cli(db2, "export", "--format", "iob", "-o", "-")
    assert "Mary" not in done.stdout and "discontinuous" in done.stdout + done.stderr


# -- M9: CoNLL/IOB tokens of a stored text attach to that document ------------------------------------------


@pytest.mark.parametrize("fmt", ["conll", "iob"])
def test_m9_conll_round_trip_attaches_to_the_stored_documents(tmp_path, fmt):
    db = tmp_path / "of.db"
    cli(db, "import", jsonl(tmp_path / "off.jsonl", OFF))
    cli(db, "export", "--format", fmt, "--annotator", "olga", "-o", tmp_path / f"x.{fmt}")
    done = cli(db, "import", "--annotator", "bob", tmp_path / f"x.{fmt}")
    assert "0 documents created" in done.stdout or "documents created" not in done.stdout, done.stdout
    assert sorted(document_texts(db)) == sorted(r["text"] for r in OFF)
    sets = sets_of(db)
    zoe = OFF[2]["text"]
    assert sets[(zoe, "bob")] == sets[(zoe, "olga")] == [(0, 3, "PERSON"), (11, 15, "PERSON"), (24, 33, "GPE")]
    paris = OFF[1]["text"]
    assert sets[(paris, "bob")] == [(9, 14, "GPE"), (26, 30, "GPE")]
    # the attached set exports as the original's tokens (spaCy's tokenizer on the stored text), not as CoNLL's
    again = cli(db, "export", "--format", fmt, "--annotator", "bob", "-o", "-").stdout
    assert again == (tmp_path / f"x.{fmt}").read_text(encoding="utf-8").replace("\r\n", "\n")


def test_m9_a_text_not_stored_still_creates_its_document(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "a.jsonl", [OFF[2]]))
    conll = tmp_path / "n.conll"
    conll.write_text("-DOCSTART- -X- O O\n\nAnn -X- -X- B-PERSON\nsang -X- -X- O\n. -X- -X- O\n\n", encoding="utf-8")
    cli(db, "import", conll)
    assert sorted(document_texts(db)) == sorted([OFF[2]["text"], "Ann sang ."])


# -- M7: a round trip into the same database adds no phantom annotator -------------------------------------


def annotator_names(db: Path) -> set[str]:
    with Store(db, readonly=True) as store:
        return {a.name for a in store.annotators() if a.name != "model"}


@pytest.mark.parametrize("fmt", ["brat", "conll", "iob"])
def test_m7_round_trip_into_the_same_database_adds_no_annotator(tmp_path, fmt):
    db = tmp_path / "r.db"
    records = [OFF[1], OFF[2], {"text": "Alice met Bob in Paris.", "spans": [
        {"start": 0, "end": 5, "label": "PERSON"}, {"start": 17, "end": 22, "label": "GPE"}],
        "quotes": [], "answer": "accept", "_annotator_id": "alice"}]
    records = [{**r, "_annotator_id": "alice"} for r in records]
    cli(db, "import", "--no-extract", jsonl(tmp_path / "r.jsonl", records))
    out = tmp_path / ("bratout" if fmt == "brat" else f"annotations.{fmt}")
    cli(db, "export", "--format", fmt, "-o", out)
    before = sets_of(db)
    done = cli(db, "import", out)
    assert annotator_names(db) == {"alice"}, done.stdout + done.stderr
    assert sets_of(db) == before
    assert "alice" in done.stdout + done.stderr  # the summary says whose sets came back


def test_m7_another_persons_file_is_still_imported_under_its_name(tmp_path):
    db = tmp_path / "r.db"
    cli(db, "import", "--no-extract", jsonl(tmp_path / "r.jsonl", [{**OFF[2], "_annotator_id": "alice"}]))
    conll = tmp_path / "carl.conll"  # the same text, other annotations: carl's own set
    conll.write_text("-DOCSTART- -X- O O\n\nZoë -X- -X- B-PERSON\nand -X- -X- O\nJosé -X- -X- O\n"
                     "visited -X- -X- O\nSão -X- -X- B-GPE\nPaulo -X- -X- I-GPE\n. -X- -X- O\n\n", encoding="utf-8")
    cli(db, "import", conll)
    assert annotator_names(db) == {"alice", "carl"}
    assert sets_of(db)[(OFF[2]["text"], "carl")] == [(0, 3, "PERSON"), (24, 33, "GPE")]


def test_m7_a_file_that_repeats_a_person_only_in_part_is_imported_whole(tmp_path):
    db = tmp_path / "r.db"
    alice = [{**OFF[2], "_annotator_id": "alice"},
             {"text": "Rome is old.", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept",
              "_annotator_id": "alice"}]
    cli(db, "import", "--no-extract", jsonl(tmp_path / "a.jsonl", alice))
    folder = tmp_path / "dora"  # the first document as alice has it, the second not: dora's own folder
    folder.mkdir()
    (folder / "a.txt").write_text(OFF[2]["text"], encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPERSON 0 3\tZoë\nT2\tPERSON 11 15\tJosé\nT3\tGPE 24 33\tSão Paulo\n",
                                  encoding="utf-8")
    (folder / "b.txt").write_text("Rome is old.", encoding="utf-8")
    (folder / "b.ann").write_text("T1\tLOC 0 4\tRome\n", encoding="utf-8")
    done = cli(db, "import", folder)
    assert "2 annotation sets written" in done.stdout, done.stdout
    sets = sets_of(db)
    assert sets[(OFF[2]["text"], "dora")] == sets[(OFF[2]["text"], "alice")]
    assert sets[("Rome is old.", "dora")] == [(0, 4, "LOC")]
