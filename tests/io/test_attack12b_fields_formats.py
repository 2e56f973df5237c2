"""Attack 12b (session 3) #5 and #8: Label Studio results on two data fields (the field with most results is the
document, the others' results listed, never dropped silently); a one-line single Label Studio task; spaCy's own
`word|TAG` IOB format. Real CLI in subprocesses on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [str(Path(sys.executable).parent / "annotator")]


def cli(db: Path, *args, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == (0 if ok else 1), (done.stdout, done.stderr)
    return done


def labels(to_name: str, start: int, end: int, text: str, label: str, rid: str) -> dict:
    return {"id": rid, "from_name": f"l-{to_name}", "to_name": to_name, "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


@pytest.mark.parametrize("data, results, body, listed", [
    # the attack's task: one result each, the body (`text`) wins the tie over the headline
    ({"headline": "Pope visits Rome", "text": "The Pope arrived in Rome on Sunday."},
     [labels("headline", 12, 16, "Rome", "GPE", "h1"), labels("text", 20, 24, "Rome", "GPE", "t1")],
     "The Pope arrived in Rome on Sunday.", ["'headline'"]),
    # variation: other field names, the title listed first with fewer results than the body
    ({"title": "Oslo talks", "body": "Talks in Oslo and Bergen ended."},
     [labels("title", 0, 4, "Oslo", "GPE", "a"), labels("body", 9, 13, "Oslo", "GPE", "b"),
      labels("body", 18, 24, "Bergen", "GPE", "c")],
     "Talks in Oslo and Bergen ended.", ["'title'"]),
    # variation: two body fields, the one with more results wins, the other's two results are listed
    ({"summary": "Kim met Lee.", "article": "Yesterday Kim met Lee in Paris."},
     [labels("summary", 0, 3, "Kim", "PERSON", "s1"), labels("summary", 8, 11, "Lee", "PERSON", "s2"),
      labels("article", 10, 13, "Kim", "PERSON", "a1"), labels("article", 18, 21, "Lee", "PERSON", "a2"),
      labels("article", 25, 30, "Paris", "GPE", "a3")],
     "Yesterday Kim met Lee in Paris.", ["'summary'", "'summary'"]),
])
def test_results_on_two_fields_keep_the_body_and_list_the_rest(tmp_path, data, results, body, listed):
    task = [{"id": 1, "data": data, "annotations": [{"id": 1, "completed_by": 1, "result": results}]}]
    (tmp_path / "ls.json").write_text(json.dumps(task), encoding="utf-8")
    db = tmp_path / "l.db"
    done = cli(db, "import", tmp_path / "ls.json", "--no-extract")
    assert done.stderr.count("labels the data field") == len(listed), done.stderr
    for name in listed:
        assert f"labels the data field {name}" in done.stderr
    out = cli(db, "export", "--format", "doccano", "-o", "-").stdout
    record = json.loads(out.splitlines()[0])
    assert record["text"] == body
    wanted = [r["value"]["text"] for r in results if data[r["to_name"]] == body]
    assert [body[e["start_offset"]:e["end_offset"]] for e in record["entities"]] == wanted
    back = cli(db, "export", "--format", "labelstudio", "-o", "-").stdout
    assert all(r["id"] in back for r in results)  # the other field's results are written back to Label Studio


def test_single_label_studio_task_on_one_line(tmp_path):
    task = {"id": 3, "data": {"text": "Lena Olin acted."}, "annotations": [{"id": 1, "completed_by": 7, "result": [
        labels("text", 0, 9, "Lena Olin", "PERSON", "r1")]}]}
    for name, body in (("one.json", json.dumps(task) + "\n"), ("one-no-newline.json", json.dumps(task))):
        db = tmp_path / f"{name}.db"
        done = cli(db, "import", tmp_path.joinpath(name).write_text(body) and tmp_path / name, "--no-extract")
        assert "(labelstudio)" in done.stdout
        assert '"PERSON"' in cli(db, "export", "--format", "jsonl", "-o", "-").stdout
    # two tasks a line is still JSONL, which Label Studio does not write: refused with the reason
    two = tmp_path / "two.jsonl"
    two.write_text(json.dumps(task) + "\n" + json.dumps({**task, "id": 4}) + "\n")
    done = cli(tmp_path / "two.db", "import", two, "--no-extract", ok=False)
    assert "one a line" in done.stderr


def test_spacy_pipe_iob_is_read(tmp_path):
    path = tmp_path / "pipe.iob"
    path.write_text("Kim|B-PER ran|O .|O\nAnn|NNP|B-PER Lee|NNP|I-PER met|VBD|O Acme|NNP|B-ORG\n"
                    "New|B-LOC York|I-LOC|x\n".replace("|x", ""), encoding="utf-8")
    db = tmp_path / "p.db"
    done = cli(db, "import", path, "--no-extract")
    assert "3 records (iob)" in done.stdout
    out = cli(db, "export", "--format", "iob", "-o", "-").stdout
    for line in ("Kim B-PER", "Ann B-PER", "Lee I-PER", "Acme B-ORG", "New B-LOC", "York I-LOC"):
        assert line.replace(" ", "\t") in out, out
    conll = cli(db, "export", "--format", "conll", "-o", "-").stdout
    assert "Ann NNP " in conll and "Kim -X- -X- B-PER" in conll  # the POS column is kept


@pytest.mark.parametrize("body, line", [
    ("Kim|B-PER ran|O .|O\nAnn|B-PER Lee|I-PER met|O Bob|B-PER and|O Sue|B-PER ate|O .|O\nfoo|O bar baz|O\n", 3),
    ("Kim|B-PER ran|O\nAnn|NNP|B-PER Lee|I-PER\n", 2),  # word|TAG and word|POS|TAG mixed on a line
    ("Kim|B-PER ran|O to|O the|O shop|O in|O Rome|B-GPE and|O back|O .|O\nAnn|NNP|O Lee|NNP|Q-X\n", 2),  # bad tag
])
def test_bad_pipe_iob_line_is_refused_with_its_line(tmp_path, body, line):
    path = tmp_path / "bad.iob"
    path.write_text(body, encoding="utf-8")
    done = cli(tmp_path / "b.db", "import", path, "--no-extract", ok=False)
    assert f"bad.iob:{line}:" in done.stderr, done.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_jsonl_is_named_as_utf16(tmp_path, encoding):
    path = tmp_path / "win.jsonl"
    path.write_bytes(json.dumps({"text": "Ann ran.", "spans": [], "answer": "accept"}).encode(encoding) + b"\n\x00")
    done = cli(tmp_path / "u.db", "import", path, "--no-extract", ok=False)
    assert "UTF-16" in done.stderr and "UTF-8" in done.stderr, done.stderr


def test_binary_files_are_still_binary_not_utf16(tmp_path):
    db = tmp_path / "a.db"
    (tmp_path / "p.jsonl").write_text(json.dumps({"text": "Ann ran.", "spans": [], "answer": "accept"}) + "\n")
    cli(db, "import", tmp_path / "p.jsonl", "--no-extract")
    cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    done = cli(tmp_path / "b.db", "import", tmp_path / "sp" / "train.spacy", "--no-extract", ok=False)
    assert "UTF-16" not in done.stderr and "binary data" in done.stderr


def test_brat_to_standard_output_is_refused_with_the_reason(tmp_path):
    db = tmp_path / "a.db"
    (tmp_path / "p.jsonl").write_text(json.dumps({"text": "Ann ran.", "spans": [], "answer": "accept"}) + "\n")
    cli(db, "import", tmp_path / "p.jsonl", "--no-extract")
    done = subprocess.run([*CLI, "--db", str(db), "export", "--format", "brat", "-o", "-"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0 and "brat" in done.stderr and "/tmp/annotator-export" not in done.stderr
    assert "Traceback" not in done.stderr
