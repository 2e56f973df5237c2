"""Hostile input: rejected with a clear message naming file and line, and nothing written; or accepted and
kept exactly (BOM stripped, control characters kept, huge lines streamed, spans off token boundaries)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core import ops
from annotator.core.model import Document, QuoteType, TextRange
from annotator.core.store import NotFoundError, Store, StoreError
from annotator.io import articles
from annotator.io.articles import InputError, read_articles, title_of
from crashkit import REPO

ANNOTATOR_BIN = REPO / ".venv" / "bin" / "annotator"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def real_database(path: Path, documents: int = 200) -> Path:
    with Store(path) as store:
        for i in range(documents):
            store.add_document(Document(text=f"Document {i}. " + "Some words here. " * 40))
        store.ensure_annotation_set(1, "ann")
        ops.add_entity(store, doc_id=1, annotator="ann", start=0, end=8, label="X")
    return path


# -- damaged, foreign and newer database files ---------------------------------------------------------------


def damaged_files(tmp_path: Path) -> dict[str, Path]:
    files = {}
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"This is a shopping list, not a database.\n" * 200)
    files["not sqlite"] = garbage
    binary = tmp_path / "random.db"
    binary.write_bytes(bytes(range(256)) * 64)
    files["random bytes"] = binary
    good = real_database(tmp_path / "source.db")
    data = good.read_bytes()
    for fraction in (0.1, 0.5, 0.9):
        cut = tmp_path / f"truncated-{fraction}.db"
        cut.write_bytes(data[: int(len(data) * fraction) // 4096 * 4096])
        files[f"truncated at {fraction:.0%}"] = cut
    header_only = tmp_path / "header.db"
    header_only.write_bytes(data[:100])
    files["header only"] = header_only
    return files


def test_damaged_or_foreign_files_raise_store_error_naming_the_file_and_are_not_modified(tmp_path):
    for what, path in damaged_files(tmp_path).items():
        before = digest(path)
        for readonly in (False, True):
            with pytest.raises(StoreError) as caught:
                Store(path, readonly=readonly)
            message = str(caught.value)
            assert str(path) in message, what
            assert "annotator database" in message or "not a database" in message, (what, message)
        assert digest(path) == before, f"{what}: a failed open changed the file"
        assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="cannot open"):
        Store(tmp_path)


def newer_database(path: Path) -> Path:
    real_database(path, documents=3)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO _migrations(name, applied_at) VALUES ('9999_from_the_future', '2030-01-01')")
    return path


def test_a_database_from_a_newer_annotator_is_refused_untouched(tmp_path):
    path = newer_database(tmp_path / "newer.db")
    before = digest(path)
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer version of annotator") as caught:
            Store(path, readonly=readonly)
        assert str(path) in str(caught.value)
    assert digest(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 3


@pytest.mark.parametrize("command", [["stats"], ["list"], ["search", "word"], ["ingest", "--no-extract", "ARTICLE"]])
def test_cli_prints_store_errors_without_a_traceback(tmp_path, command):
    article = tmp_path / "a.txt"
    article.write_text("A title\nSome text.\n", encoding="utf-8")
    cases = {**damaged_files(tmp_path), "newer": newer_database(tmp_path / "newer.db")}
    for what, path in cases.items():
        args = ["--db", str(path), *[str(article) if a == "ARTICLE" else a for a in command]]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, (what, result.output)
        assert isinstance(result.exception, SystemExit), (what, repr(result.exception))
        assert "Error:" in result.output and str(path) in result.output, (what, result.output)
        assert "Traceback" not in result.output


def test_real_cli_process_prints_store_errors_without_a_traceback(tmp_path):
    cases = {**damaged_files(tmp_path), "newer": newer_database(tmp_path / "newer.db")}
    for what, path in list(cases.items())[:3] + [("newer", cases["newer"])]:
        done = subprocess.run(
            [str(ANNOTATOR_BIN), "--db", str(path), "stats"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 1, (what, done.stdout, done.stderr)
        assert done.stderr.startswith("Error: "), (what, done.stderr)
        assert str(path) in done.stderr
        assert "Traceback" not in done.stderr + done.stdout


# -- article files: rejected with path:line ------------------------------------------------------------------

BAD_LINES = [
    (b'{"text": "caf\xe9"}', "not UTF-8"),
    (b'{"text": "unterminated', "invalid JSON"),
    (b'["text", "a list"]', "expected a JSON object"),
    (b'{"text": 42}', '"text" must be a string'),
    (b'{"text": null}', 'record has no "text"'),
    (b'{"title": "no text"}', 'record has no "text"'),
    (b'{"text": "   \\n\\t "}', '"text" is empty'),
    (b'{"text": "ok", "meta": ["a"]}', '"meta" must be an object'),
    (b'{"text": "ok", "title": 7}', '"title" must be a string'),
    (b'{"text": "half an emoji \\ud83d here"}', "unpaired surrogate"),
    (b'{"text": "ok", "meta": {"who": "\\udc00"}}', "unpaired surrogate"),
    (b'{"text": "raw\tcontrol in a JSON string"}', "invalid JSON"),
]


@pytest.mark.parametrize("bad,reason", BAD_LINES)
def test_bad_jsonl_line_is_refused_with_path_and_line(tmp_path, bad, reason):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"text": "good one"}\n\n' + bad + b'\n{"text": "good two"}\n')
    with pytest.raises(InputError) as caught:
        list(read_articles([path]))
    assert str(caught.value).startswith(f"{path}:3: ")
    assert reason in str(caught.value)
    skipped: list[InputError] = []
    kept = list(read_articles([path], on_error=skipped.append))
    assert [r.document.text for r in kept] == ["good one", "good two"]
    assert [e.line for e in skipped] == [3]
    str(caught.value).encode("utf-8")  # the message itself is printable (no lone surrogate in it)


def test_txt_file_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Title\nline two\ncaf\xe9 line three\n".encode("latin-1"))
    with pytest.raises(InputError, match=rf"^{path}:3: not UTF-8"):
        list(read_articles([path]))


def test_bom_is_stripped_from_txt_and_jsonl(tmp_path):
    txt = tmp_path / "bom.txt"
    txt.write_bytes(b"\xef\xbb\xbfHeadline\r\nBody.\r\n")
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes(b'\xef\xbb\xbf{"text": "First."}\r\n{"text": "Second."}\r\n'
                      b'{"text": "\\ufeffThird, escaped."}\n{"text": "\xef\xbb\xbfFourth, raw."}\n')
    texts = [r.document.text for r in read_articles([txt, jsonl])]
    # a BOM at the start of the file AND at the start of a JSONL "text" value (escaped or raw) is stripped
    assert texts == ["Headline\r\nBody.\r\n", "First.", "Second.", "Third, escaped.", "Fourth, raw."]


def test_nul_and_control_characters_are_kept_with_exact_offsets(tmp_path, store):
    text = "Nul\x00here, bell\x07, esc\x1b[31m, form\x0cfeed, del\x7f, nbsp\xa0, end."
    path = tmp_path / "ctl.jsonl"
    path.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    [record] = read_articles([path])
    assert record.document.text == text
    doc_id, _ = store.add_document(record.document)
    assert store.document(doc_id).text == text
    store.ensure_annotation_set(doc_id, "ann")
    start = text.index("here")
    entity, _ = ops.add_entity(store, doc_id=doc_id, annotator="ann", start=start, end=start + 4, label="X")
    end_start = text.index("end.")
    ops.add_entity(store, doc_id=doc_id, annotator="ann", start=end_start, end=len(text), label="Y")  # past the NUL
    stored = store.annotation_set(doc_id, "ann").entities
    assert [text[e.start : e.end] for e in stored] == ["here", "end."]


def test_a_50_mb_line_is_accepted_with_bounded_memory(tmp_path):
    size = 50 * 2**20
    path = tmp_path / "huge.jsonl"
    sentence = "The minister said the budget was balanced. "
    body = (sentence * (size // len(sentence) + 1))[:size]
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": body}) + "\n")
        handle.write(json.dumps({"text": "a small one"}) + "\n")
    del body
    line_bytes = path.stat().st_size
    tracemalloc.start()
    try:
        lengths = []
        for record in read_articles([path]):
            lengths.append(len(record.document.text))
            title = record.document.title
            del record
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lengths[0] == size and lengths[1] == len("a small one")
    assert title == "a small one"
    assert peak < 2.5 * line_bytes, f"peak {peak / line_bytes:.2f}x the line"


def test_a_line_over_the_limit_is_refused_with_its_number_and_reading_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(articles, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    lines = [{"text": "short"}, {"text": "x" * 5000}, {"text": "y" * 980}, {"text": "after"}]
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}:2: line longer than the limit of 1000 bytes"):
        list(read_articles([path]))
    skipped: list[InputError] = []
    kept = [r.document.text for r in read_articles([path], on_error=skipped.append)]
    assert kept == ["short", "y" * 980, "after"]
    assert [e.line for e in skipped] == [2]


def test_title_scan_matches_first_nonblank_line():
    for text in ["\n\n  Title here  \nbody", "\r\n\tT\u2028rest", " \x0b \x0c x" + "y" * 400, "   ", "one line"]:
        expected = next((line.strip()[:300] for line in text.splitlines() if line.strip()), "")
        assert title_of(text) == expected


# -- edits with hostile offsets: refused, nothing written ----------------------------------------------------


def contents(store: Store) -> tuple:
    rows = []
    for table in ("entities", "quotes", "tags", "edit_log", "annotation_sets"):
        rows.append(tuple(tuple(r) for r in store.query(f"SELECT * FROM {table} ORDER BY 1")))
    return tuple(rows)


def test_edits_with_bad_offsets_are_refused_and_write_nothing(store):
    text = "Ana and Bo 👋 met."
    doc_id, _ = store.add_document(Document(text=text))
    store.ensure_annotation_set(doc_id, "ann")
    entity, _ = ops.add_entity(store, doc_id=doc_id, annotator="ann", start=0, end=3, label="PER")
    before = contents(store)
    bad_calls = [
        lambda: ops.add_entity(store, doc_id=doc_id, annotator="ann", start=0, end=len(text) + 1, label="X"),
        lambda: ops.add_entity(store, doc_id=doc_id, annotator="ann", start=5, end=2, label="X"),
        lambda: ops.add_entity(store, doc_id=doc_id, annotator="ann", start=-1, end=2, label="X"),
        lambda: ops.add_entity(store, doc_id=doc_id, annotator="ann", start=4, end=4, label="X"),
        lambda: ops.add_entity(store, doc_id=doc_id, annotator="ann", start=2, end=6, label="X"),  # overlaps Ana
        lambda: ops.add_entity(store, doc_id=doc_id, annotator="ann", start=4, end=6, label="   "),
        lambda: ops.resize_entity(store, entity_id=entity.id, start=0, end=999),
        lambda: ops.resize_entity(store, entity_id=entity.id, start=3, end=1),
        lambda: ops.add_quote(store, doc_id=doc_id, annotator="ann", start=0, end=99),
        lambda: ops.add_quote(store, doc_id=doc_id, annotator="ann", start=0, end=5, speaker=TextRange(4, 99)),
        lambda: ops.add_quote(store, doc_id=doc_id, annotator="ann", start=0, end=5, cue=TextRange(50, 60)),
        lambda: ops.add_tag(store, doc_id=doc_id, annotator="ann", tag="  "),
    ]
    for number, call in enumerate(bad_calls):
        with pytest.raises(ops.EditError):
            call()
        assert contents(store) == before, f"bad call {number} wrote something"
    quote = ops.add_quote(store, doc_id=doc_id, annotator="ann", start=4, end=10, type=QuoteType.DIRECT)
    before = contents(store)
    with pytest.raises(ops.EditError):
        ops.update_quote(store, quote_id=quote.id, end=500)
    with pytest.raises(NotFoundError):
        ops.relabel_entity(store, entity_id=10_000, label="X")
    from annotator.core.model import TargetKind

    with pytest.raises(NotFoundError):
        ops.add_tag(store, doc_id=doc_id, annotator="ann", tag="t", target_kind=TargetKind.ENTITY, target_id=10_000)
    assert contents(store) == before


def test_spans_off_token_boundaries_are_kept_as_characters(store):
    text = "Washington's mayor-elect said «no»."
    doc_id, _ = store.add_document(Document(text=text))
    store.ensure_annotation_set(doc_id, "ann")
    pieces = [(2, 7), (10, 15), (31, 33)]  # inside a word, across an apostrophe and a hyphen, inside «»
    for start, end in pieces:
        ops.add_entity(store, doc_id=doc_id, annotator="ann", start=start, end=end, label="ODD")
    got = [(e.start, e.end, text[e.start : e.end]) for e in store.annotation_set(doc_id, "ann").entities]
    assert got == [(s, e, text[s:e]) for s, e in pieces]


# -- the ingest command: all or nothing, or --skip-invalid -----------------------------------------------------


def write_mixed(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"text": "Good article one."}\n'
        b'{"text": 17}\n'
        b'{"text": "Good article two."}\n'
        b'not json at all\n'
        b'{"text": "bad byte \xff"}\n'
        b'{"text": "Good article three."}\n'
    )
    return path


def test_ingest_refuses_a_bad_file_and_writes_nothing(tmp_path, db_path):
    path = write_mixed(tmp_path)
    result = CliRunner().invoke(main, ["--db", str(db_path), "ingest", "--no-extract", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: " in result.output and '"text" must be a string' in result.output
    assert "nothing was ingested" in result.output
    assert "Traceback" not in result.output
    if db_path.exists():
        with Store(db_path) as store:
            assert store.document_count() == 0


def test_ingest_refuses_an_unpaired_surrogate_before_writing(tmp_path, db_path):
    path = tmp_path / "surrogate.jsonl"
    good = [json.dumps({"text": f"Fine story {i}."}) for i in range(100)]
    path.write_text("\n".join([*good, '{"text": "broken \\udfff end"}']) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(db_path), "ingest", "--no-extract", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:101: " in result.output and "unpaired surrogate" in result.output
    if db_path.exists():
        with Store(db_path) as store:
            assert store.document_count() == 0


def test_ingest_skip_invalid_ingests_the_rest_and_lists_every_skipped_line(tmp_path, db_path):
    path = write_mixed(tmp_path)
    result = CliRunner().invoke(main, ["--db", str(db_path), "ingest", "--no-extract", "--skip-invalid", str(path)])
    assert result.exit_code == 0, result.output
    for line in (2, 4, 5):
        assert f"skipped {path}:{line}: " in result.stderr
    assert result.stderr.count("skipped ") == 3
    assert "3 added" in result.stdout and "3 skipped" in result.stdout
    with Store(db_path) as store:
        texts = sorted(store.document(i).text for i in store.list_document_ids())
    assert texts == ["Good article one.", "Good article three.", "Good article two."]


# -- the exchange importer: bad annotations refused whole -----------------------------------------------------

BAD_IMPORTS = [
    ({"text": "Ann met Bob.", "spans": [{"start": 0, "end": 99, "label": "PER"}]}, ""),
    ({"text": "Ann met Bob.", "spans": [{"start": 5, "end": 2, "label": "PER"}]}, ""),
    ({"text": "Ann met Bob.", "spans": [{"start": 0, "end": 5, "label": "PER"}, {"start": 4, "end": 7, "label": "X"}]},
     "overlap"),
    # (overlapping doccano spans import since attack 12 #14: nested entities are kept beside the entities)
    ({"text": "Ann met Bob.", "label": [[0, 3, "PER"], [2, 60, "ORG"]]}, "outside"),
    ({"text": "Ann met Bob.", "spans": [{"start": "0", "end": 3, "label": "PER"}]}, ""),
    ({"text": "Ann met Bob.", "spans": "not a list"}, ""),
]


@pytest.mark.parametrize("bad,reason", BAD_IMPORTS)
def test_import_refuses_bad_annotations_with_path_and_line_and_writes_nothing(tmp_path, db_path, bad, reason):
    from annotator.io import importer
    path = tmp_path / "in.jsonl"
    good = {"text": "A good record.", "spans": [{"start": 0, "end": 1, "label": "X"}]}
    if "label" in bad:  # a doccano file (the format is detected from the first record)
        good = {"text": "A good record.", "label": [[0, 1, "X"]]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with Store(db_path) as store:
        before = contents(store), store.document_count()
        with pytest.raises(InputError) as caught:
            importer.import_file(store, path, annotator="alice")
        assert str(caught.value).startswith(f"{path}:2: ")
        assert reason in str(caught.value).lower()
        assert (contents(store), store.document_count()) == before


def test_an_over_limit_line_is_skipped_in_pieces_of_at_most_the_limit(tmp_path, monkeypatch):
    """README: an over-limit line is read in pieces of at most 64 MiB, never whole (audit 18 mutation 21).
    With the limit set to 1 MiB, skipping a 24 MiB line must stay near 1 MiB of Python heap (tracemalloc)."""
    import tracemalloc

    limit = 1024 * 1024
    monkeypatch.setattr(articles, "MAX_LINE_BYTES", limit)
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"text": "' + b"x" * (24 * limit) + b'"}\n{"text": "after"}\n')
    skipped: list[InputError] = []
    tracemalloc.start()
    try:
        kept = [r.document.text for r in read_articles([path], on_error=skipped.append)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept == ["after"] and [e.line for e in skipped] == [1]
    assert peak < 4 * limit, f"peak {peak / limit:.1f} MiB to skip a 24 MiB line with a 1 MiB limit"
