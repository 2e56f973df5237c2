"""Import is all or nothing: the first bad record is named by path:line and nothing is written."""

from __future__ import annotations

import json

import pytest
from exchange_helpers import write_jsonl

from annotator.io.articles import InputError
from annotator.io.importer import import_file
from annotator.core.model import content_hash

GOOD = {"text": "Alice met Bob in Paris.", "spans": [{"start": 0, "end": 5, "label": "PERSON"}], "answer": "accept"}


def assert_nothing_written(store):
    assert store.document_count() == 0
    assert store.query("SELECT count(*) FROM annotation_sets")[0][0] == 0


def test_bad_json_line_is_rejected_with_its_number(store, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "text": "Other text."}) + "\n{not json\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"mixed\.jsonl:3: invalid JSON"):
        import_file(store, path)
    assert_nothing_written(store)


@pytest.mark.parametrize(
    "spans,reason",
    [
        ([{"start": 0, "end": 5, "label": "PERSON"}, {"start": 3, "end": 9, "label": "ORG"}], "overlapping entities"),
        ([{"start": 17, "end": 40, "label": "GPE"}], "outside the text"),
        ([{"start": 9, "end": 6, "label": "PERSON"}], "reversed"),
        ([{"start": "0", "end": 5, "label": "PERSON"}], "must be an integer"),
        ([{"start": 0, "end": 5, "label": 3}], "label"),
    ],
)
def test_bad_span_on_line_two_stops_everything(store, tmp_path, spans, reason):
    path = write_jsonl(tmp_path / "bad.jsonl", [GOOD, {"text": GOOD["text"] + " More.", "spans": spans}])
    with pytest.raises(InputError, match=rf"bad\.jsonl:2: .*{reason}"):
        import_file(store, path)
    assert_nothing_written(store)


def test_quote_offsets_beyond_the_text(store, tmp_path):
    record = {**GOOD, "quotes": [{"start": 0, "end": 5, "type": "direct", "speaker": {"start": 10, "end": 99}}]}
    with pytest.raises(InputError, match=r":1: quote 0 speaker offsets 10-99 are outside"):
        import_file(store, write_jsonl(tmp_path / "q.jsonl", [record]))
    assert_nothing_written(store)


def test_not_utf8(store, tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + '{"text": "caf\xe9"}'.encode("latin-1") + b"\n")
    with pytest.raises(InputError, match=r"latin\.jsonl:2: not UTF-8"):
        import_file(store, path)
    assert_nothing_written(store)


def test_unknown_layout_names_what_it_looked_like(store, tmp_path):
    with pytest.raises(InputError, match=r"not a format annotator reads .*Label Studio tasks written one a line"):
        # two tasks a line (one task on one line is a single Label Studio task, read: attack 12b #8)
        import_file(store, write_jsonl(tmp_path / "ls.jsonl", [{"data": {"text": "x"}, "annotations": []},
                                                               {"data": {"text": "y"}, "annotations": []}]))


def test_wrong_types(store, tmp_path):
    with pytest.raises(InputError, match=r':1: "meta" must be an object'):
        import_file(store, write_jsonl(tmp_path / "m.jsonl", [{**GOOD, "meta": "x"}]))
    with pytest.raises(InputError, match=r':1: "answer" must be'):
        import_file(store, write_jsonl(tmp_path / "a.jsonl", [{**GOOD, "answer": "yes"}]))
    with pytest.raises(InputError, match=r':1: quote 0 "type" must be'):
        import_file(store, write_jsonl(tmp_path / "t.jsonl", [{**GOOD, "quotes": [{"start": 0, "end": 5, "type": "x"}]}]))
    assert_nothing_written(store)


def test_second_answer_for_same_text_and_annotator_is_current_and_the_first_is_kept(store, tmp_path):
    later = {**GOOD, "spans": [{"start": 0, "end": 5, "label": "ORG"}]}
    path = write_jsonl(tmp_path / "dup.jsonl", [GOOD, {"text": "Another one.", "answer": "accept"}, later])
    report = import_file(store, path)
    assert [f"{path}:3: "] == [line[: len(str(path)) + 4] for line in report.earlier_kept]
    doc_id = store.document_id_by_hash(content_hash(GOOD["text"]))
    aset = store.annotation_set(doc_id, "dup")
    assert [(e.label) for e in aset.entities] == ["ORG"]
    assert [s["label"] for s in aset.extra["earlier_answers"][0]["spans"]] == ["PERSON"]


def test_failed_import_keeps_earlier_work(store, tmp_path):
    import_file(store, write_jsonl(tmp_path / "ok.jsonl", [GOOD]))
    with pytest.raises(InputError):
        import_file(store, write_jsonl(tmp_path / "ok2.jsonl", [{"text": "New text."}, {"text": 5}]))
    assert store.document_count() == 1
