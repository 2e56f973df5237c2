"""Issue 17 after the attack: invisible spans decided by Unicode properties (entities, quotes, speakers, cues),
label/tag names as visible text, normalisation-only span text, a leading BOM. Real CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from annotator.core import ops
from annotator.core.model import Document
from annotator.core.ops import EditError
from annotator.core.spans import has_visible_character
from annotator.core.store import Store

ANNOTATOR = Path(sys.executable).with_name("annotator")


def cli(db_path, *args, ok=True):
    result = subprocess.run([str(ANNOTATOR), "--db", str(db_path), *map(str, args)], capture_output=True, text=True,
                            timeout=120)
    if ok:
        assert result.returncode == 0, (result.stdout, result.stderr)
    return result


def records(path: Path, *recs: dict) -> Path:
    """Answered records (a person's done sets; without an answer a record is a pre-annotation, issue 13)."""
    recs = [{**r, "answer": r.get("answer", "accept")} for r in recs]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


INVISIBLE = ["\u034f", "\ufe0f", "\ufe00", "\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\u180e",
             "\U000e0100", "\u034f\ufe0f", " \u2800 ", "\u200b", "\u00ad"]


@pytest.mark.parametrize("blank", INVISIBLE)
def test_entities_of_default_ignorable_or_blank_glyph_characters_are_refused(db_path, tmp_path, blank):
    text = f"ab {blank} cd"
    source = records(tmp_path / "inv.jsonl", {"text": "ok text", "spans": []},
                     {"text": text, "spans": [{"start": 3, "end": 3 + len(blank), "label": "X"}]})
    result = cli(db_path, "import", source, ok=False)
    assert "inv.jsonl:2:" in result.stderr and "no visible character" in result.stderr and "Traceback" not in result.stderr
    assert not has_visible_character(text, 3, 3 + len(blank))


@pytest.mark.parametrize("visible", ["e\u0301", "\u0915\u094d", "👍\ufe0f", "\u3042", "x\u034f"])
def test_visible_text_with_marks_is_still_an_entity(visible):
    assert has_visible_character(visible, 0, len(visible))


def test_ops_refuse_an_invisible_entity(store):
    doc_id, _ = store.add_document(Document(title="t", text="ab \u3164\u034f cd"))
    with pytest.raises(EditError, match="no visible character"):
        ops.add_entity(store, doc_id=doc_id, annotator="alice", start=3, end=5, label="X")


BAD_LABELS = ["\u200b", "PER\u202eSON", "\ufeffPERSON", " PERSON", "PERSON ", "PER\u200bSON", "PER\u00a0SON",
              "\u3164", "PERSON\u00a0"]


@pytest.mark.parametrize("label", BAD_LABELS)
def test_labels_and_tags_that_look_blank_or_reversed_are_refused_with_their_line(db_path, tmp_path, label):
    source = records(tmp_path / "lab.jsonl", {"text": "ab cd", "spans": [{"start": 0, "end": 2, "label": "OK"}]},
                     {"text": "ef gh", "spans": [{"start": 0, "end": 2, "label": label}]})
    result = cli(db_path, "import", source, ok=False)
    assert "lab.jsonl:2:" in result.stderr and "Traceback" not in result.stderr, result.stderr
    tags = records(tmp_path / "tag.jsonl", {"text": "ab cd", "spans": [], "tags": ["fine"]},
                   {"text": "ef gh", "spans": [], "tags": [label]})
    result = cli(db_path, "import", tags, ok=False)
    assert "tag.jsonl:2:" in result.stderr and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("name", ["PERSON", "Person name", "Ünïcode", "日本", "A-B_C.D"])
def test_ordinary_names_are_accepted(db_path, tmp_path, name):
    source = records(tmp_path / "ok.jsonl", {"text": "ab cd", "spans": [{"start": 0, "end": 2, "label": name}]})
    cli(db_path, "import", source)


QUOTE_TEXT = 'Kerry said "we will win" today.   And more.'


def quote_record(**quote) -> dict:
    return {"text": QUOTE_TEXT, "_annotator_id": "alice", "spans": [], "quotes": [quote]}


@pytest.mark.parametrize("quote", [
    {"start": 31, "end": 34},  # three spaces
    {"start": 11, "end": 24, "speaker": {"start": 31, "end": 33}},  # speaker of two spaces
    {"start": 11, "end": 24, "cue": {"start": 31, "end": 32}},
])
def test_quotes_speakers_and_cues_with_no_visible_character_are_refused(db_path, tmp_path, quote):
    source = records(tmp_path / "q.jsonl", quote_record(**quote))
    result = cli(db_path, "import", source, ok=False)
    assert "q.jsonl:1:" in result.stderr and "no visible character" in result.stderr, result.stderr


def test_quote_parts_with_whitespace_edges_are_listed_at_import_and_export(db_path, tmp_path):
    source = records(tmp_path / "q.jsonl", quote_record(start=11, end=25, speaker={"start": 0, "end": 6},
                                                        cue={"start": 5, "end": 10}))
    result = cli(db_path, "import", source)
    assert result.stdout.count("whitespace edge") + result.stderr.count("whitespace edge") >= 3, result
    out = cli(db_path, "export", "-o", tmp_path / "out.jsonl")
    assert "whitespace" in out.stdout + out.stderr


def test_span_text_differing_only_by_normalisation_is_accepted(db_path, tmp_path):
    text = unicodedata.normalize("NFD", "The café in Zürich reopened.")
    start = text.index("Z")
    end = start + len(unicodedata.normalize("NFD", "Zürich"))
    source = records(tmp_path / "mix.jsonl", {"text": text, "_annotator_id": "alice", "spans": [
        {"start": start, "end": end, "label": "GPE", "text": "Zürich"}]})
    cli(db_path, "import", source)
    with Store(db_path) as store:
        (entity,) = store.annotation_set(1, "alice").entities
        assert (entity.start, entity.end) == (start, end)


def test_a_leading_bom_in_an_imported_text_attaches_to_the_ingested_document(db_path, tmp_path):
    (tmp_path / "bomdoc.txt").write_text("\ufeffHeadline here\n\nBody text by Ann.", encoding="utf-8")
    cli(db_path, "ingest", "--no-extract", tmp_path / "bomdoc.txt")
    body = "Headline here\n\nBody text by Ann."
    source = records(tmp_path / "bom.jsonl", {"text": "\ufeff" + body, "_annotator_id": "alice", "spans": [
        {"start": 1 + body.index("Ann"), "end": 1 + body.index("Ann") + 3, "label": "PERSON"}]})
    cli(db_path, "import", source)
    with Store(db_path) as store:
        assert store.document_count() == 1
        (entity,) = store.annotation_set(1, "alice").entities
        assert store.document(1).text[entity.start:entity.end] == "Ann"
