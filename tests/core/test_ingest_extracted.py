"""`annotator ingest` of `annotator extract` output: the records bring the model's entities and quotes, which
are stored as the model's set without loading a model (the run names a model that does not exist), equal to
what ingest's own extraction stores. Bad pre-annotations stop the ingest with file:line; records that are
someone's annotations are not taken for the model's. Bulk full-text indexing stays correct."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import MODEL_ANNOTATOR, Document, Origin
from annotator.core.store import Store

ARTICLES = [
    '"We will win," Maria Lopez said on Monday in Lima.',
    "Foreign Minister John Kerry said that the talks would go on. \"It is not done,\" he added.",
    "Nothing to see here.",
    "Le président a déclaré : « Nous continuerons. » Über 😀 emoji at Samsung in Seoul.",
    '"The task is a difficult one," Senator Anna Novak warned. "Nobody can say we did not try."',
]


def run(*args, ok=True):
    result = CliRunner().invoke(main, [*map(str, args)])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def model_sets(db_path: Path) -> dict[str, tuple]:
    """text -> (title, meta, entities, quotes) of the model's set, comparable across databases."""
    found = {}
    with Store(db_path) as store:
        for doc_id in store.list_document_ids():
            doc = store.document(doc_id)
            aset = store.annotation_set(doc_id, MODEL_ANNOTATOR)
            assert aset is not None, doc.text
            found[doc.text] = (
                doc.title, doc.meta, str(aset.status),
                [(e.start, e.end, e.label, e.origin, e.extra) for e in aset.entities],
                [(q.start, q.end, str(q.type), q.speaker, q.speaker_name, q.cue, q.origin, q.extra) for q in aset.quotes],
            )
    return found


@pytest.fixture
def articles(tmp_path) -> Path:
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": t, "meta": {"n": i}}) + "\n"
                              for i, t in enumerate(ARTICLES)), encoding="utf-8")
    return source


@pytest.fixture
def extracted(tmp_path, articles) -> Path:
    out = tmp_path / "extracted.jsonl"
    run("extract", articles, "-o", out, "--no-progress")
    return out


def test_extract_output_is_stored_as_the_model_set_without_extracting_again(tmp_path, articles, extracted):
    via_file = tmp_path / "from_extract.db"
    result = run("--db", via_file, "ingest", "--model", "no_such_model_installed", extracted)
    assert f"{len(ARTICLES)} added, 0 already present, {len(ARTICLES)} pre-annotated" in result.output
    direct = tmp_path / "direct.db"
    run("--db", direct, "ingest", articles)
    got, want = model_sets(via_file), model_sets(direct)
    assert got == want
    assert sum(len(v[3]) for v in got.values()) > 5 and sum(len(v[4]) for v in got.values()) >= 3
    assert all(origin == Origin.MODEL for v in got.values() for *_, origin, _extra in v[3])
    # --no-extract never runs a model, but the records' own pre-extraction is data: it is stored
    texts_only = tmp_path / "no_extract.db"
    run("--db", texts_only, "ingest", "--no-extract", extracted)
    assert model_sets(texts_only) == want


def test_extract_output_fills_in_documents_ingested_as_texts_and_is_idempotent(db_path, articles, extracted):
    run("--db", db_path, "ingest", "--no-extract", articles)
    with Store(db_path) as store:
        assert not store.has_annotation_set(1, MODEL_ANNOTATOR)
    result = run("--db", db_path, "ingest", "--model", "no_such_model_installed", extracted)
    assert f"0 added, {len(ARTICLES)} already present, {len(ARTICLES)} pre-annotated" in result.output
    before = model_sets(db_path)
    again = run("--db", db_path, "ingest", "--model", "no_such_model_installed", extracted)
    assert f"0 added, {len(ARTICLES)} already present, 0 pre-annotated" in again.output
    assert model_sets(db_path) == before


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda r: r["spans"].append({"start": 3, "end": 999, "label": "ORG"}), "outside the text"),
        (lambda r: r["spans"].append({"start": 0, "end": 4, "label": "ORG", "text": "nope"}), "does not match the text"),
        (lambda r: r["spans"].extend([{"start": 0, "end": 5, "label": "A"}, {"start": 2, "end": 8, "label": "B"}]),
         "overlap"),
        (lambda r: r["spans"].append({"start": 0, "end": 4, "label": "QUOTE"}), 'quotes go in "quotes"'),
        (lambda r: r["quotes"].append({"end": 4}), "quote"),
        (lambda r: r.update(quotes={"start": 0}), '"quotes" must be an array'),
        (lambda r: r.update(spans="PERSON"), '"spans" must be an array'),
    ],
)
def test_bad_pre_annotations_stop_the_ingest_at_file_and_line(db_path, tmp_path, change, message):
    source = tmp_path / "bad.jsonl"
    good = {"text": "Maria Lopez spoke in Lima today.", "spans": [], "quotes": []}
    bad = json.loads(json.dumps(good))
    bad["text"] = "Another text, long enough for the spans above."
    change(bad)
    source.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = run("--db", db_path, "ingest", "--no-extract", source, ok=False)
    assert result.exit_code == 1 and f"{source}:2:" in result.output and message in result.output, result.output
    assert "nothing was ingested" in result.output
    if db_path.exists():
        with Store(db_path) as store:
            assert store.document_count() == 0


def test_someones_annotations_and_prodigy_pre_annotations(db_path, tmp_path):
    source = tmp_path / "mixed.jsonl"
    records = [
        {"text": "Maria Lopez met Kerry.", "spans": [{"start": 0, "end": 11, "label": "PERSON"}], "answer": "accept"},
        {"text": "Anna Novak left.", "spans": [{"start": 0, "end": 10, "label": "PERSON"}], "_annotator_id": "x-bob"},
        # a Prodigy input task: its spans are suggestions, like the model's
        {"text": "Seoul is big.", "spans": [{"start": 0, "end": 5, "label": "GPE", "token_start": 0, "token_end": 0}]},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = run("--db", db_path, "ingest", "--no-extract", source)
    assert "3 added, 0 already present, 1 pre-annotated" in result.output
    with Store(db_path) as store:
        assert not store.has_annotation_set(1, MODEL_ANNOTATOR) and not store.has_annotation_set(2, MODEL_ANNOTATOR)
        [entity] = store.annotation_set(3, MODEL_ANNOTATOR).entities
        assert (entity.start, entity.end, entity.label, entity.origin, entity.extra) == (0, 5, "GPE", Origin.MODEL, {})


def test_bulk_documents_are_searchable_and_the_index_trigger_survives_a_rollback(store):
    docs = [Document(text=f"Story {i} about zebra{i % 7} and Kerry.") for i in range(100)]
    with store.transaction():
        store.add_documents(docs[:60])
    with pytest.raises(RuntimeError), store.transaction():
        store.add_documents(docs[60:])
        raise RuntimeError("cancelled mid-way")
    triggers = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert "documents_fts_insert" in triggers
    assert store.document_count() == 60
    store.add_document(Document(text="One more zebra3 story."))  # one row: through the trigger
    with store.transaction():
        store.add_documents(docs[60:])
    store.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
    hits = store.query("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'zebra3' ORDER BY rowid")
    want = [i + 1 for i in range(60) if i % 7 == 3] + [61] + [i + 2 for i in range(60, 100) if i % 7 == 3]
    assert [h[0] for h in hits] == want


SHARED_TEXT = "Maria Lopez spoke in Lima today.   Then \u200b she left, \"Fine,\" she said."
_WS = SHARED_TEXT.index("   ")
_ZW = SHARED_TEXT.index("\u200b")
_Q = SHARED_TEXT.index('"Fine,"')
_LIMA = SHARED_TEXT.index("Lima")


def _quote(start, end, **parts):
    return {"start": start, "end": end, "text": SHARED_TEXT[start:end], "type": "direct", "speaker": None,
            "cue": None, "speaker_name": None, "tags": [], **parts}


# (change to an extract record, reason, whether `annotator import` refuses the same record too)
SHARED_CASES = [
    (lambda r: r["spans"].append({"start": _LIMA, "end": _LIMA + 4, "label": "GPE\nX"}), "contains a control character", True),
    (lambda r: r["spans"].append({"start": _LIMA, "end": _LIMA + 4, "label": "PER\tSON"}), "contains a control character", True),
    (lambda r: r["spans"].append({"start": _LIMA, "end": _LIMA + 4, "label": "PER\u2028SON"}), "line separator", True),
    (lambda r: r["spans"].append({"start": _WS, "end": _WS + 2, "label": "X"}), "no visible character", True),
    (lambda r: r["spans"].append({"start": _ZW, "end": _ZW + 1, "label": "X"}), "no visible character", True),
    (lambda r: r["quotes"].append(_quote(_WS, _WS + 3)), "no visible character", True),
    (lambda r: r["quotes"].append(_quote(_Q, _Q + 7, speaker={"start": _WS, "end": _WS + 1})),
     "no visible character", True),
    (lambda r: r["quotes"].append(_quote(_Q, _Q + 7, cue={"start": _ZW, "end": _ZW + 1})), "no visible character",
     True),
    (lambda r: r.update(quotes={}), '"quotes" must be an array', True),
    (lambda r: r.update(spans={}), '"spans" must be an array', True),
    (lambda r: r["quotes"].append(_quote(_Q, _Q + 7, tags="x")), "tags must be an array", True),
    (lambda r: r["quotes"].append(_quote(_Q, _Q + 7, tags=[""])), "tags must be an array", True),
    (lambda r: r["quotes"].append(_quote(_Q, _Q + 7, tags=["ok"])), "has tags: a pre-extraction carries none", False),
    (lambda r: r["quotes"].extend([_quote(_Q, _Q + 7), _quote(_Q, _Q + 7)]), "quote 1 repeats quote 0", False),
    (lambda r: r["quotes"].append({**_quote(_Q, _Q + 7), "end": 10_000}), "outside the text", True),
    (lambda r: r["quotes"].append({**_quote(_Q, _Q + 7), "start": -1}), "outside the text", True),
    (lambda r: r["spans"].append({"start": 5, "end": 2, "label": "X"}), "reversed", True),
]


@pytest.mark.parametrize("change,message,import_refuses", SHARED_CASES)
def test_ingest_refuses_what_import_refuses_with_the_same_checks(tmp_path, change, message, import_refuses):
    """Attack 16 #7: hand-edited extract records (3 good, then the edited one) that `import` refuses were
    stored by `ingest`. Both now run the same record checks (io/set_checks, io/records)."""
    source = tmp_path / "edited.jsonl"
    good = {"text": SHARED_TEXT, "meta": {}, "spans": [{"start": 0, "end": 11, "label": "PERSON",
                                                        "text": "Maria Lopez"}], "quotes": []}
    lines = [json.dumps({**good, "text": f"{SHARED_TEXT} ({i})"}) for i in range(3)]
    bad = json.loads(json.dumps(good))
    change(bad)
    lines.append(json.dumps(bad))
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingested = run("--db", tmp_path / "ingest.db", "ingest", "--no-extract", source, ok=False)
    assert ingested.exit_code == 1, ingested.output
    assert f"{source}:4:" in ingested.output and message in ingested.output, ingested.output
    assert "nothing was ingested" in ingested.output and "Traceback" not in ingested.output
    imported = run("--db", tmp_path / "import.db", "import", source, ok=False)
    if import_refuses:
        assert imported.exit_code == 1 and f"{source}:4:" in imported.output, imported.output
        assert message in imported.output, imported.output
