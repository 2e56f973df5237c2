"""Issue 17, item 2: an entity with no visible character is refused; one that starts or ends in whitespace is
kept as given and listed by import and by every export format. Through the real command (subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core import ops
from annotator.core.ops import EditError
from annotator.core.model import Document
from annotator.core.store import Store

ANNOTATOR = Path(sys.executable).with_name("annotator")
TEXT = "John  Smith met\u00a0Ann in Paris.\n\nThe end."


def cli(db_path, *args, ok=True):
    result = subprocess.run([str(ANNOTATOR), "--db", str(db_path), *map(str, args)], capture_output=True, text=True,
                            timeout=120)
    if ok:
        assert result.returncode == 0, (result.stdout, result.stderr)
    return result


def write_records(path: Path, *spans_per_record: list[tuple[int, int, str]]) -> Path:
    lines = []
    for number, spans in enumerate(spans_per_record):
        text = TEXT if number == 0 else f"Story {number}. {TEXT}"
        lines.append(json.dumps({"text": text, "answer": "accept", "_annotator_id": "alice",
                                 "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "blank",
    [(4, 6), (15, 16), (29, 31), (4, 5)],  # two spaces, a no-break space, a paragraph break, one space
)
def test_an_import_with_an_invisible_entity_is_refused_with_its_line(db_path, tmp_path, blank):
    shift = len("Story 1. ")
    source = write_records(tmp_path / "in.jsonl", [(0, 4, "PERSON")], [(0, 5, "ORG"), (blank[0] + shift, blank[1] + shift, "GPE")])
    result = cli(db_path, "import", source, ok=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "in.jsonl:2: entity GPE" in result.stderr and "no visible character" in result.stderr
    with Store(db_path) as store:
        assert store.document_count() == 0  # all or nothing


def test_invisible_format_characters_alone_are_not_an_entity(db_path, tmp_path):
    source = tmp_path / "zw.jsonl"
    source.write_text(json.dumps({"text": "a\u200b\u200bb \ufeff", "spans": [{"start": 1, "end": 3, "label": "X"}]}) + "\n")
    result = cli(db_path, "import", source, ok=False)
    assert "zw.jsonl:1:" in result.stderr and "no visible character" in result.stderr


def test_blank_edged_entities_are_kept_and_listed_by_import_and_every_export(db_path, tmp_path):
    source = write_records(tmp_path / "in.jsonl", [(0, 5, "PERSON"), (6, 12, "PERSON"), (16, 19, "PERSON")])
    imported = cli(db_path, "import", source)
    assert "2 spans start or end in whitespace" in imported.stdout
    assert imported.stderr.count("whitespace edge: ") == 2 and "in.jsonl:1: entity 0-5 PERSON 'John '" in imported.stderr
    with Store(db_path) as store:
        assert [(e.start, e.end) for e in store.annotation_set(1, "alice").entities] == [(0, 5), (6, 12), (16, 19)]
    for fmt in ("jsonl", "prodigy", "doccano", "spacy"):
        out = tmp_path / f"out-{fmt}"
        result = cli(db_path, "export", "--format", fmt, "-o", out)
        assert result.stderr.count("whitespace edge: document 1 (alice): entity") == 2, (fmt, result.stderr)
        assert "2 spans start or end in whitespace" in result.stdout, fmt
    cli(db_path, "import", "--annotator", "bob", tmp_path / "out-jsonl")
    with Store(db_path) as store:  # kept exactly: the round trip keeps the offsets
        assert [(e.start, e.end) for e in store.annotation_set(1, "alice").entities] == [(0, 5), (6, 12), (16, 19)]


def test_ops_refuse_an_invisible_entity_and_a_resize_to_one(db_path):
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(TEXT))
        for start, end in [(4, 6), (15, 16), (4, 5), (29, 31)]:
            with pytest.raises(EditError, match="visible character"):
                ops.add_entity(store, doc_id=doc_id, annotator="alice", start=start, end=end, label="PERSON")
        entity, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=0, end=5, label="PERSON")
        with pytest.raises(EditError, match="visible character"):
            ops.resize_entity(store, entity_id=entity.id, start=4, end=5)
        assert store.entity(entity.id).end == 5


# -- item 8: control characters in label and tag names are refused at import, with file:line ---------------


@pytest.mark.parametrize(
    "record,what",
    [
        ({"text": "John met Ann.", "spans": [{"start": 0, "end": 4, "label": "PER\nSON"}]}, r'label "PER\u000aSON"' ),
        ({"text": "John met Ann.", "spans": [{"start": 0, "end": 4, "label": "\x00"}]}, r'label "\u0000"' ),
        ({"text": "John met Ann.", "spans": [{"start": 0, "end": 4, "label": "PERSON", "tags": ["a\tb"]}]},
         r'tag "a\u0009b"' ),
        ({"text": "John met Ann.", "quotes": [], "tags": ["opi\u2028nion"]}, r'tag "opi\u2028nion"'),
        ({"text": "John met Ann.", "spans": [{"start": 0, "end": 4, "label": "A\x7fB"}]}, "label"),
        ({"text": "John met Ann.", "label": [[0, 4, "P\x1bX"]]}, "label"),  # doccano
    ],
)
def test_control_characters_in_names_are_refused_at_import_with_file_and_line(db_path, tmp_path, record, what):
    source = tmp_path / "names.jsonl"
    good = {"text": "A first fine record.", "spans": [{"start": 2, "end": 7, "label": "ORG"}]}
    if "label" in record:
        good = {"text": "A first fine record.", "label": [[2, 7, "ORG"]]}
    if "quotes" in record:
        good["quotes"] = []
    source.write_text(json.dumps(good) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    result = cli(db_path, "import", source, ok=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[0]
    assert "names.jsonl:2:" in line and what.strip() in line and "U+" in line, line
    assert "nothing was imported" in line and len(result.stderr.strip().splitlines()) == 1, result.stderr
