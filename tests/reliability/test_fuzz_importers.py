"""Fuzz every importer with generated records: the only failures allowed are the documented ones
(InputError naming path:line), and a rejected import leaves the database exactly as it was."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.ingest import ingest_records
from annotator.core.model import Document
from annotator.core.store import Store
from annotator.io.articles import InputError, read_articles

# FUZZ_EXAMPLES=2000 for a longer hunt; the suite keeps it small.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "50")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

TRICKY = "a Z 0 \t \r \n \x00 \x1b é e\u0301 😀 👩\u200d💻 🇫🇷 ש ع \u200b \ufeff < > ' \" \\ ; -- {".split(" ") + [" "]
KEYS = [
    "text", "meta", "title", "id", "spans", "quotes", "tags", "answer", "relations", "label", "entities",
    "tokens", "_annotator_id", "user", "start", "end", "type", "speaker", "cue", "speaker_name", "head", "child",
    "start_offset", "end_offset", "from_id", "to_id", "token_start", "token_end", "_view_id", "status", "cats",
]

def tricky_text(min_size=0, max_size=30):
    return st.lists(st.sampled_from(TRICKY), min_size=min_size, max_size=max_size).map("".join)


strings = st.one_of(
    tricky_text(),
    st.text(max_size=12),  # any code point, lone surrogates included (they arrive JSON-escaped)
    st.sampled_from(["direct", "indirect", "mixed", "accept", "reject", "ignore", "PERSON", "ORG", ""]),
)
ints = st.one_of(st.integers(-3, 40), st.integers(-(2**70), 2**70))
scalars = st.one_of(st.none(), st.booleans(), ints, st.floats(allow_nan=True), strings)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=4)), inner, max_size=5),
    ),
    max_leaves=25,
)


# labels of every JSON type: a doccano `[start, end, label]` triple or entity may carry null, a number, a list...
# (audit 18 mutation 20: a label check reduced to `label == ""` crashed on them and the fuzz never tried one)
labels = st.one_of(strings, st.none(), st.booleans(), ints, st.floats(allow_nan=False), st.lists(strings, max_size=2),
                   st.dictionaries(st.text(max_size=3), strings, max_size=1))


@st.composite
def spans(draw, text_len):
    start = draw(st.one_of(st.integers(-2, text_len + 2), ints))
    return {
        "start": start,
        "end": draw(st.one_of(st.integers(-2, text_len + 3), ints, st.just(start))),
        "label": draw(strings),
        **draw(st.dictionaries(st.sampled_from(KEYS), values, max_size=2)),
    }


@st.composite
def plausible_records(draw):
    text = draw(tricky_text(1, 30))
    record: dict = {"text": text}
    kind = draw(st.sampled_from(["prodigy", "doccano-label", "doccano-entities", "jsonl"]))
    n = len(text)
    if kind == "prodigy":
        record["spans"] = draw(st.lists(spans(n), max_size=4))
        record["answer"] = draw(st.sampled_from(["accept", "reject", "ignore", "maybe"]))
    elif kind == "doccano-label":
        triple = st.tuples(st.integers(-1, n + 1), st.integers(-1, n + 1), labels).map(list)
        record["label"] = draw(st.lists(st.one_of(triple, st.lists(st.one_of(st.integers(-1, n + 1), strings),
                                                                  max_size=4)), max_size=3))
    elif kind == "doccano-entities":
        record["entities"] = [
            {"id": i, "label": draw(labels), "start_offset": s["start"], "end_offset": s["end"]}
            for i, s in enumerate(draw(st.lists(spans(n), max_size=3)))
        ]
    else:
        record["spans"] = draw(st.lists(spans(n), max_size=3))
        record["quotes"] = [
            {**s, "type": draw(st.sampled_from(["direct", "indirect", "mixed", "bogus"])),
             "speaker": draw(st.one_of(st.none(), spans(n))), "cue": draw(st.one_of(st.none(), spans(n)))}
            for s in draw(st.lists(spans(n), max_size=2))
        ]
    record.update(draw(st.dictionaries(st.sampled_from(KEYS), values, max_size=2)))
    return record


# json.dumps escapes to ASCII, so lone surrogates arrive as valid JSON "\ud800": the hostile case.
lines = st.one_of(
    plausible_records().map(lambda r: json.dumps(r).encode()),
    plausible_records().map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "replace")),
    values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=40),
)


def dump(db: Path) -> list:
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'documents_fts%' ORDER BY name"
            )
        ]
        return [(t, sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"')))) for t in tables]
    finally:
        conn.close()


def healthy(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def write(folder: Path, body: list[bytes]) -> Path:
    path = folder / "fuzz.jsonl"
    path.write_bytes(b"\n".join(body) + b"\n")
    return path


@FUZZ
@given(st.lists(lines, min_size=1, max_size=6))
def test_read_articles_and_ingest_never_crash(body):
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), body)
        try:
            records = list(read_articles([path]))
        except InputError as error:
            assert str(error).startswith(f"{path}:")
            str(error).encode("utf-8")  # printable
            records = None
        skipped: list[InputError] = []
        good = list(read_articles([path], on_error=skipped.append))
        assert all(e.line is not None and str(e).startswith(f"{path}:{e.line}: ") for e in skipped)
        if records is not None:
            assert not skipped and len(good) == len(records)
        db = Path(folder) / "fuzz.db"
        with Store(db) as store:
            report = ingest_records(store, good)
            assert store.document_count() == len({r.document.hash for r in good}) == report.added
            for doc_id in store.list_document_ids():
                assert store.document(doc_id).text in {r.document.text for r in good}
        healthy(db)


def importers():
    """Every importer: (name, callable(store, path)). A broken import of the importer fails collection."""
    from annotator.io.importer import import_file

    found = []
    for fmt in ("auto", "prodigy", "doccano", "jsonl"):
        found.append((fmt, lambda store, path, fmt=fmt: import_file(store, path, fmt=fmt, annotator="fuzz")))
    return found


IMPORTERS = importers()
OUTCOMES = {"accepted": 0, "rejected": 0}


@FUZZ
@given(st.lists(lines, min_size=1, max_size=5), st.sampled_from(range(max(1, len(IMPORTERS)))))
def fuzz_importers(body, which):
    name, run_import = IMPORTERS[which]
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), body)
        db = Path(folder) / "fuzz.db"
        with Store(db) as store:
            store.add_document(Document(text="already here"))
            before = dump(db)
            try:
                run_import(store, path)
                OUTCOMES["accepted"] += 1
            except InputError as error:
                OUTCOMES["rejected"] += 1
                assert str(error).startswith(str(path)), str(error)
                str(error).encode("utf-8")
                assert dump(db) == before, f"{name}: a rejected import wrote something"
            else:
                after = dump(db)
                run_import(store, path)  # importing the same file again changes nothing
                assert dump(db) == after, f"{name}: a second import of the same file changed the database"
        healthy(db)



def test_importers_never_crash_and_a_rejected_import_writes_nothing():
    """Runs the fuzz, then guards against a fuzzer that only ever produces garbage (or only valid files)."""
    assert IMPORTERS, "no importer found"
    OUTCOMES.update(accepted=0, rejected=0)
    fuzz_importers()
    assert OUTCOMES["accepted"] > 0 and OUTCOMES["rejected"] > 0, OUTCOMES


def test_importer_refuses_a_non_string_answer(tmp_path):
    from annotator.io.importer import import_file

    path = tmp_path / "answer.jsonl"
    path.write_text('{"text": "a", "spans": [], "answer": []}\n', encoding="utf-8")
    with Store(tmp_path / "a.db") as store:
        with pytest.raises(InputError, match=rf"^{path}:1: "):
            import_file(store, path, annotator="x")


# (an integer is accepted: older doccano exports give label ids, kept as their decimal string)
NON_STRING_LABELS = [None, 1.5, True, ["PER"], {"name": "PER"}, ""]


@pytest.mark.parametrize("fmt", ["doccano", "auto"])
def test_doccano_non_string_labels_are_refused_in_one_line(tmp_path, fmt):
    """Every JSON type as a doccano label, in both doccano forms: one `file:line:` error, nothing written."""
    from annotator.io.importer import import_file

    for n, label in enumerate(NON_STRING_LABELS):
        for record in ({"text": "Alice went home.", "label": [[0, 5, label]]},
                       {"text": "Alice went home.", "entities": [
                           {"id": 1, "label": label, "start_offset": 0, "end_offset": 5}]}):
            path = tmp_path / f"labels{n}.jsonl"
            path.write_text(json.dumps(record) + "\n", encoding="utf-8")
            db = tmp_path / f"l{n}.db"
            with Store(db) as store:
                before = dump(db)
                with pytest.raises(InputError, match=rf"^{path}:1: "):
                    import_file(store, path, fmt=fmt, annotator="x")
                assert dump(db) == before, (label, record)
