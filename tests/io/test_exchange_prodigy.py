"""Prodigy in and out: the real ner_manual file, a relations file with quotes, review output, edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from exchange_helpers import read_jsonl, regex_tokens, span, write_jsonl

from annotator.core import ops
from annotator.core.model import QuoteType, Status, content_hash
from annotator.io.exporter import ExportOptions, export
from annotator.io.importer import import_file

DATA = Path(__file__).resolve().parents[1] / "data"
NER_FILE = DATA / "prodigy_news_headlines_ner.jsonl"


def by_key(items, *keys):
    return sorted(items, key=lambda x: json.dumps([x.get(k) for k in keys], sort_keys=True))


def test_real_ner_file_round_trips_exactly(store, tmp_path):
    report = import_file(store, NER_FILE)
    assert (report.records, report.sets_written, report.documents_created) == (373, 373, 373)
    out = export(store, ExportOptions(format="prodigy", output=tmp_path / "out.jsonl"))
    assert not out.issues.misaligned and not out.issues.dropped_relations
    original, exported = read_jsonl(NER_FILE), read_jsonl(tmp_path / "out.jsonl")
    assert len(exported) == len(original)
    for before, after in zip(original, exported):
        # the only addition: who annotated it (the file names nobody, so the file's stem)
        assert after.pop("_annotator_id") == "prodigy_news_headlines_ner"
        assert after == before
    # the one "ignore" answer came back from the skipped status
    assert store.stats()["annotators"][0]["statuses"] == {"done": 372, "skipped": 1}


def test_import_twice_changes_nothing(store):
    import_file(store, NER_FILE, annotator="alice")
    doc_id = store.document_id_by_hash(content_hash(read_jsonl(NER_FILE)[0]["text"]))
    before = store.annotation_set(doc_id, "alice")
    second = import_file(store, NER_FILE, annotator="alice")
    assert (second.sets_written, second.sets_unchanged, second.documents_created) == (0, 373, 0)
    after = store.annotation_set(doc_id, "alice")
    assert before.entities and [a.name for a in store.annotators()] == ["alice"]
    assert [e.id for e in after.entities] == [e.id for e in before.entities]
    assert after.updated_at == before.updated_at


def relations_records():
    text = 'Acme Corp hired Jane Doe. "We are thrilled," said Jane Doe, the new chief of Acme Corp.'
    tokens = regex_tokens(text)
    org = span(text, tokens, "Acme Corp", "ORG")
    person = span(text, tokens, "Jane Doe", "PERSON", source="manual")
    quote = span(text, tokens, "We are thrilled", "QUOTE", quote_type="direct", speaker_name="Jane Doe")
    cue = span(text, tokens, "said", "CUE")
    second_person = dict(person)
    start = text.index("Jane Doe", person["end"])
    second_person.update(start=start, end=start + 8,
                         token_start=next(t["id"] for t in tokens if t["start"] == start),
                         token_end=next(t["id"] for t in tokens if t["end"] == start + 8))
    speaker = {**{k: second_person[k] for k in ("start", "end", "token_start", "token_end")}, "label": "SPEAKER"}
    relation = {"head": org["token_end"], "child": person["token_end"], "label": "EMPLOYS",
                "head_span": org, "child_span": person, "color": "#c5bdf4"}
    return [{
        "text": text, "meta": {"source": "hand-made", "id": 7}, "_input_hash": 123, "_task_hash": 456,
        "tokens": tokens, "_view_id": "relations", "_session_id": "rels-bob", "_annotator_id": "rels-bob",
        "spans": [org, person, quote, cue, second_person, speaker],
        "relations": [
            relation,
            {"head": quote["token_end"], "child": speaker["token_end"], "label": "SPEAKER",
             "head_span": quote, "child_span": speaker},
            {"head": quote["token_end"], "child": cue["token_end"], "label": "CUE",
             "head_span": quote, "child_span": cue},
        ],
        "answer": "accept", "_timestamp": 1700000000,
    }]


def test_relations_file_with_quotes_round_trips(store, tmp_path):
    source = write_jsonl(tmp_path / "rels.jsonl", relations_records())
    import_file(store, source)
    (doc_id,) = list(store.iter_document_ids())
    aset = store.annotation_set(doc_id, "rels-bob")
    assert [(e.label, e.start) for e in aset.entities] == [("ORG", 0), ("PERSON", 16), ("PERSON", 50)]
    (quote,) = aset.quotes
    text = relations_records()[0]["text"]
    assert text[quote.start:quote.end] == "We are thrilled" and quote.type is QuoteType.DIRECT
    assert text[quote.speaker.start:quote.speaker.end] == "Jane Doe" and quote.speaker.start == 50
    assert text[quote.cue.start:quote.cue.end] == "said" and quote.speaker_name == "Jane Doe"
    out = export(store, ExportOptions(format="prodigy", output=tmp_path / "out.jsonl"))
    assert not out.issues.misaligned and not out.issues.dropped_relations
    (before,), (after,) = relations_records(), read_jsonl(tmp_path / "out.jsonl")
    for key in ("spans", "relations"):
        assert by_key(after.pop(key), "start", "end", "label", "head", "child") == by_key(
            before.pop(key), "start", "end", "label", "head", "child")
    assert after == before


def test_review_versions_become_their_sessions_annotators(store, tmp_path):
    text = "Apple hires Tim in Paris"
    tokens = regex_tokens(text)
    alice = [span(text, tokens, "Apple", "ORG"), span(text, tokens, "Tim", "PERSON")]
    bob = [span(text, tokens, "Apple", "ORG"), span(text, tokens, "Paris", "GPE")]
    record = {
        "text": text, "tokens": tokens, "spans": alice, "answer": "accept", "_view_id": "review",
        "view_id": "ner_manual", "_session_id": "news-review", "sessions": ["news-alice", "news-bob"],
        "versions": [
            {"text": text, "tokens": tokens, "spans": alice, "answer": "accept", "_task_hash": 1,
             "sessions": ["news-alice"], "default": True},
            {"text": text, "tokens": tokens, "spans": bob, "answer": "reject", "_task_hash": 2,
             "sessions": ["news-bob"], "default": False},
        ],
    }
    report = import_file(store, write_jsonl(tmp_path / "review.jsonl", [record]))
    assert report.annotators == {"gold@news-review", "news-alice", "news-bob"}  # the reviewed (gold) version
    (doc_id,) = list(store.iter_document_ids())
    assert [e.label for e in store.annotation_set(doc_id, "news-bob").entities] == ["ORG", "GPE"]
    assert store.status(doc_id, "news-bob") is Status.REJECTED
    assert [e.label for e in store.annotation_set(doc_id, "news-alice").entities] == ["ORG", "PERSON"]


def test_edit_refreshes_task_hash_and_reports_a_relation_it_breaks(store, tmp_path):
    import_file(store, write_jsonl(tmp_path / "rels.jsonl", relations_records()))
    (doc_id,) = list(store.iter_document_ids())
    org = store.annotation_set(doc_id, "rels-bob").entities[0]
    ops.delete_entity(store, entity_id=org.id)
    out = export(store, ExportOptions(format="prodigy", output=tmp_path / "out.jsonl",
                                      statuses=list(Status)))
    (after,) = read_jsonl(tmp_path / "out.jsonl")
    assert after["_task_hash"] != 456 and after["_input_hash"] == 123
    assert [r["label"] for r in after["relations"]] == ["SPEAKER", "CUE"]
    assert len(out.issues.dropped_relations) == 1 and "EMPLOYS" in out.issues.dropped_relations[0]


def test_misaligned_span_is_reported_not_dropped(store, tmp_path):
    text = "Mr. Smithson went home"
    write_jsonl(tmp_path / "x.jsonl", [{"text": text, "spans": [{"start": 4, "end": 9, "label": "PERSON"}],
                                        "answer": "accept"}])
    import_file(store, tmp_path / "x.jsonl")
    out = export(store, ExportOptions(format="prodigy", output=tmp_path / "out.jsonl"))
    (after,) = read_jsonl(tmp_path / "out.jsonl")
    assert after["spans"][0]["start"] == 4 and after["spans"][0]["end"] == 9
    assert len(out.issues.misaligned) == 1 and "4-9" in out.issues.misaligned[0]


@pytest.mark.parametrize("answer,status", [("accept", Status.DONE), ("reject", Status.REJECTED), ("ignore", Status.SKIPPED)])
def test_answers_map_to_statuses(store, tmp_path, answer, status):
    import_file(store, write_jsonl(tmp_path / "a.jsonl", [{"text": "Some text", "answer": answer}]))
    (doc_id,) = list(store.iter_document_ids())
    assert store.status(doc_id, "a") is status


def test_line_separator_characters_are_escaped_in_output(store, tmp_path):
    text = "Line one\u2028still one\x85"
    import_file(store, write_jsonl(tmp_path / "ls.jsonl", [{"text": text, "meta": {"note": "a\u2029b"}, "answer": "accept"}]))
    export(store, ExportOptions(format="jsonl", output=tmp_path / "out.jsonl"))
    raw = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert len(raw.splitlines()) == 1 and json.loads(raw)["text"] == text


def test_a_reviewed_answer_and_an_imported_model_set_are_not_annotators_in_agreement(store, tmp_path):
    """`gold@<reviewer>` (a Prodigy review's answer) is gold and `model@<version>` a model's set: agreement and
    review's default annotators are the people only (the training exports rank them the same way)."""
    from annotator.review.versions import default_annotators, human_annotators

    text = "Apple hires Tim in Paris"
    tokens = regex_tokens(text)
    alice = [span(text, tokens, "Apple", "ORG"), span(text, tokens, "Tim", "PERSON")]
    bob = [span(text, tokens, "Apple", "ORG"), span(text, tokens, "Paris", "GPE")]
    record = {
        "text": text, "tokens": tokens, "spans": alice, "answer": "accept", "_view_id": "review",
        "view_id": "ner_manual", "_session_id": "news-review", "sessions": ["news-alice", "news-bob"],
        "versions": [
            {"text": text, "tokens": tokens, "spans": alice, "answer": "accept", "_task_hash": 1,
             "sessions": ["news-alice"], "default": True},
            {"text": text, "tokens": tokens, "spans": bob, "answer": "accept", "_task_hash": 2,
             "sessions": ["news-bob"], "default": False},
        ],
    }
    import_file(store, write_jsonl(tmp_path / "review.jsonl", [record]))
    assert human_annotators(store) == ["news-alice", "news-bob"]
    assert "gold@news-review" not in default_annotators(store, include_model=True)
