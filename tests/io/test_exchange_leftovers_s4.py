"""Session 4 exchange leftovers (attack 13b #9, #11; attack 12b #11-#14; Label Studio text classification), driven
through the real `annotator` CLI in subprocesses on real files in tmp_path: the attacks' inputs and variations of
each kind (other formats, other wordings, other shapes).

- every refused import is exactly ONE line on stderr, naming the file:line of the fault (the tag's own line in
  CoNLL/IOB, the .ann line of a brat pair in a folder, a CSV row's first line);
- folder exports say which files they replaced and write no file for a split side without documents;
- import summaries say what happened (no "repeats" for answers already stored, no "replaced" for an older
  answer), the spaCy export says where an overlapping span's tokens went;
- exports carry each format's own fields only (no Label Studio / Prodigy / brat fields in doccano, no review
  grouping on a session's record, doccano's numeric user back as a number, document categories to Prodigy as a
  choice answer);
- CoNLL-U is named, an IOB file is called iob; brat names never differ in case only;
- Label Studio annotations of other result kinds only (choices...) are never NER negatives.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [str(Path(sys.executable).parent / "annotator")]


def run(db: Path, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=180,
                          cwd=cwd)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def ok(db: Path, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    done = run(db, *args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


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


# -- 1. one line per refused import, at the right file:line ---------------------------------------------------


def _brat(folder: Path, ann: str, text: str = "Ann went to Paris.\n") -> Path:
    folder.mkdir()
    (folder / "d.txt").write_text(text, encoding="utf-8")
    (folder / "d.ann").write_text(ann, encoding="utf-8")
    return folder


LS_BAD = [{"id": 41, "data": {"text": "Ann went."}, "annotations": [{"completed_by": 1, "result": [
    {"from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start": 0, "end": 3, "text": "Ann", "labels": ["PER"]}}]}]},
    {"id": 42, "data": {"text": "Bob went."}, "annotations": [{"completed_by": 1, "result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 3, "text": "Bob", "labels": ["B-PER"]}}]}]}]

# (name, writer(tmp) -> path, "where" the one line names)
REFUSALS = [
    ("iob attack", lambda t: _text(t / "m2.iob", "Ann\tB-PER\nwent\tO\nto\tO\nB-X\tB-B-X\n.\tO\n"), "m2.iob:4: "),
    ("iob second sentence", lambda t: _text(t / "m3.iob", "Ann\tB-PER\nwent\tO\n\nto\tO\nBx\tB-B-X\n"), "m3.iob:5: "),
    ("iob inside tag", lambda t: _text(t / "m5.iob", "Ann\tB-PER\nLee\tI-PER\nand\tO\nBo\tB-X\nKu\tI-I-X\n"),
     "m5.iob:5: "),
    ("biluo end without begin", lambda t: _text(t / "bl.iob", "Ann\tO\nwent\tO\nBo\tL-PER\n"), "bl.iob:3: "),
    ("bioes inside after single", lambda t: _text(t / "bs.iob", "Ann\tO\n\nwent\tS-PER\nBo\tI-PER\nx\tO\n"),
     "bs.iob:4: "),
    ("conll four columns", lambda t: _text(t / "e.conll", "-DOCSTART- -X- O O\n\nAnn NNP B-NP B-PER\n"
                                           "went VBD B-VP O\n\nto TO O O\nBx NNP O I-B-X\n"), "e.conll:7: "),
    ("spacy pipe iob", lambda t: _text(t / "f.txt", "Ann|B-PER went|O\nto|O Paris|B-B-LOC\n"), "f.txt:2: "),
    ("prodigy", lambda t: jsonl(t / "p.jsonl", [
        {"text": "Ann went.", "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": "accept"},
        {"text": "Ann went.", "spans": [{"start": 0, "end": 30, "label": "PER"}], "answer": "accept"}]),
     "p.jsonl:2: "),
    ("doccano", lambda t: jsonl(t / "d.jsonl", [{"text": "Ann went", "entities": [[0, 3, "PER"]]},
                                                 {"text": "Bo went", "entities": [[0, 2, "I-PER"]]}]), "d.jsonl:2: "),
    ("brat folder label", lambda t: _brat(t / "b1", "T1\tPER 0 3\tAnn\nT2\tB-LOC 12 17\tParis\n"),
     "d.ann:2: "),
    ("brat folder blank span", lambda t: _brat(t / "b2", "T1\tPER 0 3\tAnn\nT2\tLOC 3 4\t \n"), "d.ann:2: "),
    ("label studio", lambda t: _text(t / "ls.json", json.dumps(LS_BAD, indent=1)), "ls.json:"),
    ("csv multi-line row", lambda t: _text(t / "c.csv", 'text,label\n"hello\nthere",pos\n"good\n\nnews",x\n"",y\n'),
     "c.csv:7: "),
    ("plain text", lambda t: _text(t / "notes.txt", "Just some words.\nAnd more.\n"), "notes.txt: "),
    ("empty", lambda t: _text(t / "empty.jsonl", ""), "empty.jsonl: "),
    ("utf-16", lambda t: _bytes(t / "w.jsonl", '{"text": "hi"}\n'.encode("utf-16")), "w.jsonl: "),
]


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name,make,where", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_every_refused_import_is_one_line_naming_its_place(tmp_path, name, make, where):
    path = make(tmp_path)
    db = tmp_path / "x.db"
    done = run(db, "import", "--no-extract", path)
    assert done.returncode != 0
    shown = lines_of(done.stderr)
    assert len(shown) == 1, done.stderr
    assert shown[0].startswith("Error: ") and where in shown[0], shown[0]
    assert shown[0].endswith("nothing was imported"), shown[0]
    assert not db.exists()  # a refused import into a new database leaves none behind


def test_label_studio_refusal_names_the_task_line(tmp_path):
    path = _text(tmp_path / "ls.json", json.dumps(LS_BAD, indent=1))
    done = run(tmp_path / "x.db", "import", "--no-extract", path)
    shown = lines_of(done.stderr)
    assert len(shown) == 1 and '"B-PER"' in shown[0], shown
    starts = [n for n, text in enumerate(path.read_text().split("\n"), 1) if text == " {"]  # each task's line
    assert len(starts) == 2 and f"ls.json:{starts[1]}: " in shown[0], (shown[0], starts)


def test_every_record_invalid_with_skip_invalid_is_one_line(tmp_path):
    path = jsonl(tmp_path / "bad.jsonl", [{"text": 5}, {"text": ["a"]}])
    done = run(tmp_path / "x.db", "import", "--no-extract", "--skip-invalid", path)
    shown = lines_of(done.stderr)
    assert done.returncode != 0 and len(shown) == 1 and "bad.jsonl:1: " in shown[0], done.stderr


def test_conllu_is_named_not_plain_text(tmp_path):
    path = _text(tmp_path / "u.conllu", "# sent_id = 1\n# text = Ann went.\n"
                 "1\tAnn\tAnn\tPROPN\tNNP\t_\t2\tnsubj\t_\t_\n2\twent\tgo\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No\n"
                 "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n# sent_id = 2\n1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n"
                 "1\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n2\tn't\tnot\tPART\tRB\t_\t1\tadvmod\t_\t_\n")
    done = run(tmp_path / "x.db", "import", "--no-extract", path)
    shown = lines_of(done.stderr)
    assert len(shown) == 1 and "CoNLL-U" in shown[0] and "plain text" not in shown[0], shown


@pytest.mark.parametrize("name,body,fmt", [
    ("two.iob", "Ann\tB-PER\nwent\tO\n", "iob"),
    ("two.txt", "Ann B-PER\nwent O\n", "iob"),
    ("pipe.txt", "Bo|B-PER went|O\n", "iob"),
    ("four.conll", "-DOCSTART- -X- O O\n\nAnn NNP B-NP B-PER\nwent VBD B-VP O\n", "conll"),
])
def test_import_summary_names_iob_and_conll_apart(tmp_path, name, body, fmt):
    done = ok(tmp_path / "x.db", "import", "--no-extract", _text(tmp_path / name, body))
    assert f"({fmt})" in done.stdout, done.stdout


# -- 2. folder exports: replaced files said, no file for an empty side ----------------------------------------


DONE = [{"text": f"Ann Lee met Bob in Paris number {i}.", "spans": [{"start": 0, "end": 7, "label": "PERSON"}],
         "answer": "accept", "_annotator_id": "ann"} for i in range(3)]


def _db(tmp_path: Path) -> Path:
    db = tmp_path / "e.db"
    ok(db, "import", "--no-extract", jsonl(tmp_path / "done.jsonl", DONE))
    return db


def test_spacy_export_into_a_folder_says_it_replaced_train(tmp_path):
    db = _db(tmp_path)
    folder = tmp_path / "ex1"
    folder.mkdir()
    (folder / "train.spacy").write_text("precious")
    (folder / "keep.txt").write_text("mine")
    done = ok(db, "export", "--format", "spacy", "-o", folder)
    assert "replaced" in done.stdout and str(folder / "train.spacy") in done.stdout, done.stdout
    assert (folder / "train.spacy").read_bytes() != b"precious" and (folder / "keep.txt").read_text() == "mine"
    again = ok(db, "export", "--format", "spacy", "-o", folder)
    assert "replaced 2 files" in again.stdout, again.stdout  # train and dev of the first export


def test_fresh_folder_export_says_nothing_was_replaced(tmp_path):
    done = ok(_db(tmp_path), "export", "--format", "spacy", "-o", tmp_path / "new")
    assert "replaced" not in done.stdout, done.stdout


@pytest.mark.parametrize("fmt,suffix", [("spacy", ".spacy"), ("jsonl", ".jsonl"), ("prodigy", ".jsonl"),
                                        ("doccano", ".jsonl")])
def test_split_one_writes_no_empty_dev_file(tmp_path, fmt, suffix):
    db = _db(tmp_path)
    out = tmp_path / "out"
    done = ok(db, "export", "--format", fmt, "--split", "1", "-o", out)
    assert (out / f"train{suffix}").exists() and not (out / f"dev{suffix}").exists(), sorted(out.iterdir())
    assert "no dev documents" in done.stdout and "train 3" in done.stdout, done.stdout
    assert f"dev{suffix}" not in done.stdout.split("\n", 1)[1], done.stdout  # not listed as written


def test_split_one_leaves_a_dev_file_already_there_and_says_so(tmp_path):
    db = _db(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "dev.spacy").write_bytes(b"my own dev set")
    done = ok(db, "export", "--format", "spacy", "--split", "1", "-o", out)
    assert (out / "dev.spacy").read_bytes() == b"my own dev set"
    assert f"{out / 'dev.spacy'} is already there" in done.stdout, done.stdout


def test_split_with_documents_on_both_sides_writes_both(tmp_path):
    done = ok(_db(tmp_path), "export", "--format", "spacy", "--split", "0.5", "-o", tmp_path / "o")
    assert "no dev" not in done.stdout and (tmp_path / "o" / "dev.spacy").exists()


def test_brat_and_single_file_exports_say_what_they_replaced(tmp_path):
    db = _db(tmp_path)
    first = ok(db, "export", "--format", "brat", "-o", tmp_path / "br")
    assert "replaced" not in first.stdout
    second = ok(db, "export", "--format", "brat", "-o", tmp_path / "br")
    assert "replaced 6 files" in second.stdout, second.stdout
    target = tmp_path / "x.conll"
    target.write_text("old")
    done = ok(db, "export", "--format", "conll", "-o", target)
    assert f"replaced 1 file already there ({target})" in done.stdout, done.stdout


# -- 3. honest import summaries ------------------------------------------------------------------------------


BINARY = [
    {"text": "Tim Cook leads Apple.", "spans": [{"start": 0, "end": 8, "label": "PERSON"}], "answer": "accept",
     "_view_id": "ner", "_annotator_id": "eve", "_input_hash": 11, "_task_hash": 101},
    {"text": "Tim Cook leads Apple.", "spans": [{"start": 15, "end": 20, "label": "PERSON"}], "answer": "reject",
     "_view_id": "ner", "_annotator_id": "eve", "_input_hash": 11, "_task_hash": 102},
    {"text": "Berlin hosts it.", "spans": [{"start": 0, "end": 6, "label": "GPE"}], "answer": "accept",
     "_view_id": "ner", "_annotator_id": "eve", "_input_hash": 12, "_task_hash": 104},
    {"text": "Berlin hosts it.", "spans": [{"start": 0, "end": 6, "label": "ORG"}], "answer": "reject",
     "_view_id": "ner", "_annotator_id": "eve", "_input_hash": 12, "_task_hash": 105},
]


def test_binary_tasks_imported_again_are_unchanged_not_repeats(tmp_path):
    db, path = tmp_path / "b.db", jsonl(tmp_path / "bin.jsonl", BINARY)
    first = ok(db, "import", "--no-extract", path)
    assert "repeats" not in first.stdout and "2 annotation sets written" in first.stdout, first.stdout
    again = ok(db, "import", "--no-extract", path)
    assert "repeats" not in again.stdout and "2 unchanged" in again.stdout, again.stdout


def test_a_task_twice_in_one_file_is_still_a_repeat(tmp_path):
    done = ok(tmp_path / "b.db", "import", "--no-extract", jsonl(tmp_path / "bin.jsonl", [*BINARY, BINARY[1]]))
    assert "1 exact repeats counted once" in done.stdout, done.stdout


def _answer(start: int, end: int, stamp: int) -> dict:
    return {"text": "Ann met Bob.", "spans": [{"start": start, "end": end, "label": "PERSON"}], "answer": "accept",
            "_annotator_id": "kim", "_timestamp": stamp}


def test_an_older_answer_is_not_reported_as_replacing_the_current_one(tmp_path):
    db = tmp_path / "t.db"
    ok(db, "import", "--no-extract", jsonl(tmp_path / "new.jsonl", [_answer(0, 3, 2_000_000_000)]))
    older = ok(db, "import", "--no-extract", jsonl(tmp_path / "old.jsonl", [_answer(8, 11, 1_000_000_000)]))
    assert "replaced by a later one" not in older.stdout and "1 answers older" in older.stdout, older.stdout
    newer = ok(db, "import", "--no-extract", jsonl(tmp_path / "newer.jsonl", [_answer(4, 7, 2_100_000_000)]))
    assert "1 earlier answers replaced by a later one" in newer.stdout and "answers older" not in newer.stdout, newer.stdout
    # the same kind inside one file: the second line is older
    other = ok(tmp_path / "o.db", "import", "--no-extract",
               jsonl(tmp_path / "two.jsonl", [_answer(0, 3, 2_000_000_000), _answer(8, 11, 1_000_000_000)]))
    assert "1 answers older" in other.stdout and "replaced by a later" not in other.stdout, other.stdout


@pytest.mark.parametrize("spans,expected", [
    ([{"start": 4, "end": 18, "label": "ORG"}, {"start": 4, "end": 12, "label": "GPE"}],
     "GPE span 4-12 overlaps an entity: in doc.spans['sc'], not doc.ents (NER holds no overlaps); its tokens are "
     "all inside the entity ORG 4-18 of doc.ents"),
    ([{"start": 4, "end": 12, "label": "GPE"}, {"start": 4, "end": 27, "label": "ORG"}],
     "ORG span 4-27 overlaps an entity: in doc.spans['sc'], not doc.ents (NER holds no overlaps); its tokens "
     "outside GPE 4-12 marked missing for NER"),
])
def test_overlapping_span_says_where_its_tokens_went(tmp_path, spans, expected):
    db = tmp_path / "s.db"
    ok(db, "import", "--no-extract", jsonl(tmp_path / "s.jsonl", [
        {"text": "The New York Times reported.", "spans": spans, "answer": "accept", "_view_id": "spans_manual",
         "_annotator_id": "sam"}]))
    done = ok(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    assert expected in done.stderr, done.stderr
    iob = docbin_iob(tmp_path / "sp")["The New York Times reported."]
    if "all inside" in expected:
        assert iob == ["O", "B", "I", "I", "O", "O"], iob
    else:
        assert iob == ["O", "B", "I", "-", "-", "O"], iob


# -- 3. each format's own fields ------------------------------------------------------------------------------

DOCCANO_ENTITY = {"id", "label", "start_offset", "end_offset"}
DOCCANO_RELATION = {"id", "from_id", "to_id", "type"}


def _doccano_records(db: Path, *args) -> list[dict]:
    done = ok(db, "export", "--format", "doccano", "--versions", "all", *args, "-o", "-")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


LS_RELATION = [{"id": 7, "data": {"text": "Ann works at Acme."}, "annotations": [{"completed_by": 3, "result": [
    {"id": "x1", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
     "value": {"start": 0, "end": 3, "text": "Ann", "labels": ["PER"]}},
    {"id": "x2", "from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start": 13, "end": 17, "text": "Acme", "labels": ["ORG"]}},
    {"from_id": "x1", "to_id": "x2", "type": "relation", "direction": "right", "labels": ["WORKS_AT"]}]}]}]


def test_doccano_export_of_other_tools_sets_carries_doccano_fields_only(tmp_path):
    db = tmp_path / "d.db"
    ok(db, "import", "--no-extract", _text(tmp_path / "ls.json", json.dumps(LS_RELATION)))
    ok(db, "import", "--no-extract", jsonl(tmp_path / "p.jsonl", [
        {"text": "Bob went to Rome.", "spans": [{"start": 0, "end": 3, "label": "PER", "score": 0.9,
                                                 "token_start": 0, "token_end": 0, "source": "model"}],
         "answer": "accept", "_annotator_id": "pat", "priority": 0.5, "score": 0.3}]))
    brat = _brat(tmp_path / "br", "T1\tPER 0 3\tAnn\nA1\tNegated T1\n#1\tAnnotatorNotes T1\tchecked\n")
    ok(db, "import", "--no-extract", "--annotator", "bea", brat)
    records = _doccano_records(db)
    assert len(records) == 3
    for record in records:
        assert not {"priority", "score", "labelstudio", "view_id"} & record.keys(), record
        for entity in record["entities"]:
            assert set(entity) <= DOCCANO_ENTITY, entity
            assert isinstance(entity["id"], int), entity
        for relation in record["relations"]:
            assert set(relation) <= DOCCANO_RELATION, relation
    acme = next(r for r in records if r["text"].startswith("Ann works"))
    ids = {e["label"]: e["id"] for e in acme["entities"]}
    assert acme["relations"] == [{"from_id": ids["PER"], "to_id": ids["ORG"], "type": "WORKS_AT"}] or \
        [{k: v for k, v in r.items() if k != "id"} for r in acme["relations"]] == [
            {"from_id": ids["PER"], "to_id": ids["ORG"], "type": "WORKS_AT"}], acme


def test_doccano_sets_keep_their_own_fields_and_numeric_user(tmp_path):
    db = tmp_path / "d.db"
    source = [
        {"text": "Cy went to Oslo.", "entities": [{"id": 4, "label": "PER", "start_offset": 0, "end_offset": 2,
                                                  "confidence": "high"}], "relations": [], "user": 3},
        {"text": "Di went to Bern.", "entities": [[0, 2, "PER"]], "user": "alice"},
    ]
    ok(db, "import", "--no-extract", "--format", "doccano", jsonl(tmp_path / "d.jsonl", source))
    records = {r["text"]: r for r in _doccano_records(db)}
    cy = records["Cy went to Oslo."]
    assert cy["user"] == 3 and cy["entities"] == source[0]["entities"], cy
    assert records["Di went to Bern."]["user"] == "alice"
    # old exports: a user id on each span
    old = {"text": "Ed met Flo.", "annotations": [
        {"label": "PER", "start_offset": 0, "end_offset": 2, "user": 1},
        {"label": "PER", "start_offset": 7, "end_offset": 10, "user": 2}]}
    ok(db, "import", "--no-extract", "--format", "doccano", jsonl(tmp_path / "old.jsonl", [old]))
    users = sorted(r["user"] for r in _doccano_records(db) if r["text"] == "Ed met Flo.")
    assert users == [1, 2], users
    # re-importing the export changes nothing: the numeric user comes back as the same annotator
    export = tmp_path / "back.jsonl"
    ok(db, "export", "--format", "doccano", "--versions", "all", "-o", export)
    again = ok(db, "import", "--no-extract", "--format", "doccano", export)
    assert "0 annotation sets written" in again.stdout, again.stdout


REVIEW = {"text": "Ann met Bob.", "spans": [{"start": 0, "end": 3, "label": "PERSON"}], "answer": "accept",
          "_view_id": "review", "view_id": "ner_manual", "_annotator_id": "news-rev", "_session_id": "news-rev",
          "sessions": ["news-alice", "news-bob"], "_input_hash": 1, "_task_hash": 2,
          "versions": [
              {"text": "Ann met Bob.", "spans": [{"start": 0, "end": 3, "label": "PERSON"}], "answer": "accept",
               "_input_hash": 1, "_task_hash": 2, "_session_id": "news-alice", "_annotator_id": "news-alice",
               "sessions": ["news-alice", "news-bob"], "default": True},
              {"text": "Ann met Bob.", "spans": [], "answer": "accept", "_input_hash": 1, "_task_hash": 3,
               "_session_id": "news-cy", "sessions": ["news-cy"], "default": False}]}


def test_review_versions_become_each_sessions_own_task(tmp_path):
    db = tmp_path / "r.db"
    ok(db, "import", "--no-extract", jsonl(tmp_path / "r.jsonl", [REVIEW]))
    done = ok(db, "export", "--format", "prodigy", "--versions", "all", "-o", "-")
    records = {r["_annotator_id"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert set(records) == {"gold@news-rev", "news-alice", "news-bob", "news-cy"}
    for name in ("news-alice", "news-bob", "news-cy"):
        assert records[name]["_session_id"] == name, records[name]
        assert not {"default", "sessions", "versions"} & records[name].keys(), records[name]
    assert records["gold@news-rev"]["versions"] == REVIEW["versions"]  # the review record itself round-trips
    for record in _doccano_records(db):
        assert not {"default", "view_id", "sessions"} & record.keys(), record


def test_document_categories_go_to_prodigy_as_a_choice_answer(tmp_path):
    db = tmp_path / "c.db"
    ok(db, "import", "--no-extract", "--format", "doccano", jsonl(tmp_path / "d.jsonl", [
        {"text": "Paris is lovely.", "label": ["TRAVEL"]},
        {"text": "Rome is old.", "entities": [[0, 4, "GPE"]], "cats": ["HISTORY"]}]))
    ok(db, "import", "--no-extract", jsonl(tmp_path / "a.jsonl", [
        {"text": "Nobody here.", "spans": [], "tags": ["CALM"], "answer": "accept", "_annotator_id": "d"}]))
    out = tmp_path / "p.jsonl"
    ok(db, "export", "--format", "prodigy", "-o", out)
    records = {r["text"]: r for r in map(json.loads, out.read_text().splitlines())}
    for text, tag in (("Paris is lovely.", "TRAVEL"), ("Rome is old.", "HISTORY")):
        assert records[text]["accept"] == [tag] and records[text]["options"] == [{"id": tag, "text": tag}]
    # a person's finished set with no entity: its categories stay in `tags` alone, so it stays a NER "none here"
    assert "accept" not in records["Nobody here."] and records["Nobody here."]["tags"] == ["CALM"]
    back = tmp_path / "back.db"
    ok(back, "import", "--no-extract", out)
    ok(back, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    iob = docbin_iob(tmp_path / "sp")
    assert set(iob["Paris is lovely."]) == {"-"} and iob["Rome is old."][0] == "B"
    assert set(iob["Nobody here."]) == {"O"}


# -- 3. brat names unique case-insensitively ------------------------------------------------------------------


def test_brat_export_names_differ_in_more_than_case(tmp_path):
    db = tmp_path / "b.db"
    for folder, name, text in (("one", "a", "Ann went home.\n"), ("two", "A", "Bob went out.\n"),
                               ("three", "doc-1", "Cy sat down.\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (tmp_path / folder / f"{name}.ann").write_text("T1\tPER 0 2\t" + text[:2] + "\n", encoding="utf-8")
        ok(db, "import", "--no-extract", "--annotator", "bea", tmp_path / folder)
    out = tmp_path / "out"
    ok(db, "export", "--format", "brat", "-o", out)
    stems = [p.stem for p in out.glob("*.ann")]
    assert len(stems) == 3 and len({s.casefold() for s in stems}) == 3, stems
    texts = {(out / f"{s}.txt").read_text(encoding="utf-8") for s in stems}
    assert texts == {"Ann went home.\n", "Bob went out.\n", "Cy sat down.\n"}


# -- 4. Label Studio text classification is never a NER negative -----------------------------------------------


def _ls_task(ident: int, text: str, results: list[dict], key: str = "annotations") -> dict:
    return {"id": ident, "data": {"text": text}, key: [{"completed_by": 1, "result": results}]}


CHOICE = {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}
TEXTAREA = {"from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": ["fine"]}}
LABEL = {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 3, "text": "Ann", "labels": ["PER"]}}


def test_label_studio_classification_tokens_are_missing_not_o(tmp_path):
    tasks = [
        _ls_task(1, "I love this film.", [CHOICE]),
        _ls_task(2, "Ann went to Paris.", [LABEL, CHOICE]),
        _ls_task(3, "Nothing here at all.", []),
        _ls_task(4, "Some notes were taken.", [TEXTAREA]),
    ]
    db = tmp_path / "l.db"
    ok(db, "import", "--no-extract", _text(tmp_path / "ls.json", json.dumps(tasks)))
    # JSON-MIN: the flat shape of one annotation a task
    ok(db, "import", "--no-extract", _text(tmp_path / "min.json", json.dumps(
        [{"id": 9, "text": "Stocks fell sharply today.", "annotator": 1, "annotation_id": 5,
          "topic": {"choices": ["Finance"]}}])))
    ok(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    iob = docbin_iob(tmp_path / "sp")
    for text in ("I love this film.", "Some notes were taken.", "Stocks fell sharply today."):
        assert set(iob[text]) == {"-"}, (text, iob[text])
    assert iob["Ann went to Paris."][0] == "B" and "O" in iob["Ann went to Paris."]
    assert set(iob["Nothing here at all."]) == {"O"}  # submitted with no result: "no entity here"
    for fmt in ("conll", "iob"):
        done = ok(db, "export", "--format", fmt, "-o", "-")
        for word in ("love", "notes", "Stocks"):
            assert word not in done.stdout, done.stdout
        assert "Ann" in done.stdout and "Nothing" in done.stdout
        assert done.stderr.count("never entities") == 3, done.stderr
    again = ok(db, "import", "--no-extract", tmp_path / "ls.json")
    assert "0 annotation sets written" in again.stdout, again.stdout


def test_label_studio_prediction_of_categories_only_is_missing_too(tmp_path):
    db = tmp_path / "p.db"
    ok(db, "import", "--no-extract", _text(tmp_path / "ls.json", json.dumps(
        [_ls_task(1, "I love this film.", [CHOICE], key="predictions")])))
    ok(db, "export", "--format", "spacy", "--include-model", "--status", "new", "--split", "1",
       "-o", tmp_path / "sp")
    assert set(docbin_iob(tmp_path / "sp")["I love this film."]) == {"-"}
