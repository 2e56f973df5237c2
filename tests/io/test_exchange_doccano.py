"""doccano in and out: the real relation example, the label layout, old per-user annotations, quotes."""

from __future__ import annotations

from pathlib import Path

from exchange_helpers import read_jsonl, write_jsonl

from annotator.io.exporter import ExportOptions, export
from annotator.io.importer import detect_format, import_file

DOCCANO_FILE = Path(__file__).resolve().parents[1] / "data" / "doccano_relations_example.jsonl"


def test_real_relations_file_round_trips_exactly(store, tmp_path):
    assert detect_format(DOCCANO_FILE) == "doccano"
    import_file(store, DOCCANO_FILE)
    out = export(store, ExportOptions(format="doccano", output=tmp_path / "out.jsonl"))
    assert not out.issues.dropped_relations
    assert read_jsonl(tmp_path / "out.jsonl") == read_jsonl(DOCCANO_FILE)
    assert import_file(store, DOCCANO_FILE).sets_written == 0


def test_label_layout_round_trips(store, tmp_path):
    records = [
        {"id": 15, "text": "EU rejects German call to boycott British lamb.", "label": [[0, 2, "ORG"], [11, 17, "MISC"]],
         "source": "conll"},
        {"id": 16, "text": "Peter Blackburn", "label": [[0, 15, "PERSON"]]},
        {"id": 17, "text": "Nice weather today.", "label": ["positive"]},
    ]
    import_file(store, write_jsonl(tmp_path / "seq.jsonl", records))
    export(store, ExportOptions(format="doccano", output=tmp_path / "out.jsonl"))
    assert read_jsonl(tmp_path / "out.jsonl") == records


def test_old_annotations_with_users_become_annotators(store, tmp_path):
    record = {"id": 15, "text": "EU rejects German call", "meta": {"k": 1}, "annotations": [
        {"label": "ORG", "start_offset": 0, "end_offset": 2, "user": 1},
        {"label": "MISC", "start_offset": 11, "end_offset": 17, "user": 2},
    ]}
    report = import_file(store, write_jsonl(tmp_path / "old.jsonl", [record]))
    assert report.annotators == {"user1", "user2"}
    (doc_id,) = list(store.iter_document_ids())
    assert [e.label for e in store.annotation_set(doc_id, "user2").entities] == ["MISC"]
    assert store.document(doc_id).meta == {"k": 1}


def test_quotes_survive_doccano_both_ways(store, tmp_path):
    text = 'Kerry said "we will win" today.'
    source = [{"text": text, "spans": [{"start": 0, "end": 5, "label": "PERSON"}],
               "quotes": [{"start": 12, "end": 23, "type": "direct", "speaker": {"start": 0, "end": 5},
                           "cue": {"start": 6, "end": 10}, "speaker_name": "John Kerry", "tags": ["important"]}],
               "answer": "accept"}]
    import_file(store, write_jsonl(tmp_path / "q.jsonl", source), annotator="ann")
    export(store, ExportOptions(format="doccano", output=tmp_path / "d.jsonl"))
    (doc,) = read_jsonl(tmp_path / "d.jsonl")
    assert sorted(e["label"] for e in doc["entities"]) == ["CUE", "PERSON", "QUOTE", "SPEAKER"]
    assert sorted(r["type"] for r in doc["relations"]) == ["CUE", "SPEAKER"]
    store.close()
    from annotator.core.store import Store

    with Store(tmp_path / "second.db") as second:
        import_file(second, tmp_path / "d.jsonl", annotator="ann")
        (doc_id,) = list(second.iter_document_ids())
        (quote,) = second.annotation_set(doc_id, "ann").quotes
        assert (quote.start, quote.end, quote.speaker.start, quote.cue.start) == (12, 23, 0, 6)
        assert quote.speaker_name == "John Kerry"
        assert [e.label for e in second.annotation_set(doc_id, "ann").entities] == ["PERSON"]
