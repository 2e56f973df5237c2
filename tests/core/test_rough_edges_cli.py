"""Issue 17 (rough edges replayed from other annotation tools' bug reports), through the real `annotator`
command in a subprocess: Unicode normalisation (1), queries starting with `-` (3), the model's set has no
status (4), progress bars only on a terminal (5), platform folders (6)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import sqlite3
import struct
import subprocess
import sys
import termios
import unicodedata
from pathlib import Path

import pytest

from annotator.core.migrations import MIGRATIONS, migrate
from annotator.core.model import MODEL_ANNOTATOR, Status, content_hash
from annotator.core.paths import user_config_dir, user_data_dir
from annotator.core.store import Store

ANNOTATOR = Path(sys.executable).with_name("annotator")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def cli(db_path, *args, ok=True, env=None, stderr=subprocess.PIPE):
    result = subprocess.run(
        [str(ANNOTATOR), "--db", str(db_path), *map(str, args)],
        capture_output=stderr is subprocess.PIPE, stdout=None if stderr is subprocess.PIPE else subprocess.PIPE,
        stderr=None if stderr is subprocess.PIPE else stderr, text=True, env=env, timeout=120,
    )
    if ok:
        assert result.returncode == 0, (result.stdout, result.stderr)
    return result


def hit_ids(output: str) -> list[int]:
    """Document ids of `annotator search` output (each hit: "  id  title", then its snippet)."""
    return [int(m) for m in re.findall(r"^ {0,5}(\d+)  \S", output, re.M)]


def write_articles(folder: Path, **texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


# -- 1. Unicode normalisation ------------------------------------------------------------------------------

CAFE = "Café owner Zoë Müller speaks\n\nThe café in Köln reopened, said Zoë Müller on Monday."


@pytest.mark.parametrize("first,second", [(nfc, nfd), (nfd, nfc)])
def test_the_nfc_and_nfd_forms_of_a_text_are_one_document(db_path, tmp_path, first, second):
    cli(db_path, "ingest", "--no-extract", write_articles(tmp_path / "a", one=first(CAFE)))
    again = cli(db_path, "ingest", "--no-extract", write_articles(tmp_path / "b", two=second(CAFE)))
    assert "0 added, 1 already present" in again.stdout
    with Store(db_path) as store:
        assert store.document_count() == 1
        assert store.document(1).text == first(CAFE)  # stored exactly as first given


@pytest.mark.parametrize("query", ["Müller", "müller", "Zoë Mül", "Köln", "café", "한국어"])
@pytest.mark.parametrize("query_form", [nfc, nfd])
def test_a_query_in_either_form_finds_documents_stored_in_either_form(db_path, tmp_path, query, query_form):
    cli(db_path, "ingest", "--no-extract", write_articles(
        tmp_path / "in",
        composed=nfc(CAFE + " 한국어 뉴스"),
        decomposed=nfd("Second story\n\nZoë Müller visited the café in Köln. 한국어 기사."),
    ))
    found = cli(db_path, "search", query_form(query))
    assert sorted(hit_ids(found.stdout)) == [1, 2], found.stdout
    listed = cli(db_path, "list", "--json", "--search", query_form(query))
    assert len(listed.stdout.splitlines()) == 2


def import_file(tmp_path: Path, *records: dict) -> Path:
    path = tmp_path / "their.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def span_of(text: str, word: str, label: str) -> dict:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label}


@pytest.mark.parametrize("stored_form,imported_form", [(nfc, nfd), (nfd, nfc)])
def test_an_import_in_another_form_attaches_with_its_offsets_mapped(db_path, tmp_path, stored_form, imported_form):
    cli(db_path, "ingest", "--no-extract", write_articles(tmp_path / "in", one=stored_form(CAFE)))
    text = imported_form(CAFE)
    spans = [span_of(text, imported_form("Zoë Müller"), "PERSON"), span_of(text, imported_form("Köln"), "GPE")]
    spans[0]["start"] = text.index(imported_form("Zoë Müller"), 30)
    spans[0]["end"] = spans[0]["start"] + len(imported_form("Zoë Müller"))
    record = {"text": text, "spans": spans, "answer": "accept", "_annotator_id": "alice"}
    result = cli(db_path, "import", import_file(tmp_path, record))
    assert "0 documents created" in result.stdout
    with Store(db_path) as store:
        assert store.document_count() == 1
        stored = store.document(1).text
        aset = store.annotation_set(1, "alice")
        assert [nfc(stored[e.start:e.end]) for e in aset.entities] == ["Köln", "Zoë Müller"]


def test_an_import_whose_span_splits_a_composed_character_is_refused_with_its_line(db_path, tmp_path):
    cli(db_path, "ingest", "--no-extract", write_articles(tmp_path / "in", one=nfc(CAFE)))
    text = nfd(CAFE)
    cut = text.index("e\u0301") + 1  # between the e and its accent: no place in the composed text
    records = [
        {"text": "Another text entirely.", "spans": [], "_annotator_id": "alice"},
        {"text": text, "spans": [{"start": 0, "end": cut, "label": "ORG"}], "_annotator_id": "alice"},
    ]
    result = cli(db_path, "import", import_file(tmp_path, *records), ok=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "their.jsonl:2:" in result.stderr and "normalisation" in result.stderr
    with Store(db_path) as store:
        assert store.document_count() == 1 and store.annotation_set(1, "alice") is None


def old_database(db_path: Path, texts: list[str]) -> None:
    """A database as annotator wrote it before migration 0010: raw-text hashes, the model's sets `done`."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    import annotator.core.migrations as migrations

    saved = migrations.MIGRATIONS
    migrations.MIGRATIONS = [m for m in MIGRATIONS if m.name < "0010"]
    try:
        migrate(conn)
    finally:
        migrations.MIGRATIONS = saved
    conn.execute("INSERT INTO annotators(id, name, created_at) VALUES (1, 'model', 'x')")
    for doc_id, text in enumerate(texts, 1):
        import hashlib

        raw_hash = hashlib.sha256(text.encode()).hexdigest()
        conn.execute(
            "INSERT INTO documents(id, hash, title, text, created_at) VALUES (?, ?, ?, ?, 'x')",
            (doc_id, raw_hash, text.splitlines()[0], text),
        )
        conn.execute(
            "INSERT INTO annotation_sets(doc_id, annotator_id, status, created_at, updated_at) VALUES (?, 1, 'done', 'x', 'x')",
            (doc_id,),
        )
    conn.close()


def test_the_migration_backfills_search_identity_and_model_status(db_path, tmp_path):
    old_database(db_path, [nfd(CAFE), "Plain ASCII story\n\nNothing special.", nfd("Второй\n\nЁлка и йод.")])
    # a read command never upgrades (audit 18): the first write does
    again = cli(db_path, "ingest", "--no-extract", write_articles(tmp_path / "in", one=nfc(CAFE)))
    assert "0 added, 1 already present" in again.stdout
    found = cli(db_path, "search", "Müller")
    assert "Café owner" in found.stdout
    assert "Второй" in cli(db_path, "search", nfc("ёлка")).stdout
    with Store(db_path) as store:
        assert store.document(1).text == nfd(CAFE)  # the stored text is untouched
        assert store.document(1).hash == content_hash(nfc(CAFE))
        assert store.status(1, MODEL_ANNOTATOR) is Status.NEW
        assert store.query("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)") == []


def test_the_migration_keeps_two_documents_that_differ_only_by_form_apart(db_path):
    old_database(db_path, [nfd(CAFE), nfc(CAFE)])
    with Store(db_path) as store:
        hashes = {store.document(1).hash, store.document(2).hash}
        assert content_hash(CAFE) in hashes and len(hashes) == 2
        assert store.document(2).hash == content_hash(CAFE)  # the NFC one keeps the NFC identity
    assert sorted(hit_ids(cli(db_path, "search", nfd("Zoë")).stdout)) == [1, 2]


# -- 3. a query may start with "-" -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["-trial"], ["--", "-trial"], ["-trial", "--limit", "5"], ["--limit", "5", "-trial"], ["--limit=5", "-trial"],
     ["-Trial"]],
)
def test_a_search_may_start_with_a_dash(db_path, tmp_path, args):
    cli(db_path, "ingest", "--no-extract", write_articles(tmp_path / "in", one="Pre-trial hearing\n\nA pre-trial motion."))
    result = cli(db_path, "search", *args)
    assert "Pre-trial hearing" in result.stdout, result.stderr


def test_other_dash_words_and_real_options_still_work(db_path, tmp_path):
    cli(db_path, "ingest", "--no-extract", write_articles(
        tmp_path / "in", one="Pre-trial hearing\n\nA pre-trial motion.", two="Re-run vote\n\nThe re-run was close."))
    assert "Re-run vote" in cli(db_path, "search", "-run").stdout
    assert "Re-run vote" in cli(db_path, "search", "re", "-run").stdout
    assert "Usage" in cli(db_path, "search", "--help").stdout
    assert len(cli(db_path, "list", "--json", "--search", "-trial").stdout.splitlines()) == 1
    missing = cli(db_path, "search", ok=False)
    assert missing.returncode == 2 and "Missing argument" in missing.stderr


# -- 4. the model's pre-extraction has no workflow status --------------------------------------------------


@pytest.mark.slow
def test_every_view_agrees_the_model_set_has_no_status(db_path, tmp_path):
    articles = write_articles(tmp_path / "in", one="Kerry visits Paris\n\nJohn Kerry said Paris was ready.")
    cli(db_path, "ingest", articles)
    listed = json.loads(cli(db_path, "list", "--json", "--annotator", MODEL_ANNOTATOR).stdout)
    assert listed["status"] is None and listed["entities"] >= 2
    assert json.loads(cli(db_path, "list", "--json").stdout)["status"] is None
    assert json.loads(cli(db_path, "list", "--json", "--annotator", "alice").stdout)["status"] == "new"
    refused = cli(db_path, "list", "--annotator", MODEL_ANNOTATOR, "--status", "done", ok=False)
    assert refused.returncode == 2 and "no status" in refused.stderr
    stats = json.loads(cli(db_path, "stats", "--json").stdout)
    model = next(a for a in stats["annotators"] if a["annotator"] == MODEL_ANNOTATOR)
    assert model["statuses"] == {} and model["pre_extraction"] and model["documents"] == 1
    assert "model: 1 documents (pre-extraction, no status)" in cli(db_path, "stats").stdout
    with Store(db_path) as store:
        assert store.status(1, MODEL_ANNOTATOR) is Status.NEW
        assert store.progress(MODEL_ANNOTATOR) == (0, 1)
    out = tmp_path / "model.jsonl"
    cli(db_path, "export", "--annotator", MODEL_ANNOTATOR, "-o", out)
    record = json.loads(out.read_text())
    assert record["_annotator_id"] == MODEL_ANNOTATOR and "answer" not in record and record["spans"]
    everyone = tmp_path / "all.jsonl"
    result = cli(db_path, "export", "-o", everyone, ok=False)
    assert not everyone.exists() or everyone.read_text() == "", result.stdout  # the default export: people's work


# -- 5. progress bars only on a terminal -------------------------------------------------------------------


def test_no_progress_bar_in_a_log_but_a_summary_line(db_path, tmp_path):
    articles = write_articles(tmp_path / "in", one="Story one\n\nText.", two="Story two\n\nMore text.")
    result = cli(db_path, "ingest", "--no-extract", articles)
    assert result.stderr == ""
    assert result.stdout.strip().endswith("2 added, 0 already present, 0 pre-annotated")
    export = cli(db_path, "export", "-o", tmp_path / "out.jsonl", ok=False)
    assert "%|" not in export.stderr and "\r" not in export.stderr


def test_a_progress_bar_on_a_terminal(db_path, tmp_path):
    articles = write_articles(tmp_path / "in", one="Story one\n\nText.")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    try:
        result = cli(db_path, "ingest", "--no-extract", articles, stderr=follower)
        os.close(follower)
        follower = None
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    assert "1 added" in result.stdout
    assert b"ingesting" in seen and b"doc/s" in seen


# -- 6. standard folders (platformdirs) --------------------------------------------------------------------


def test_linux_folders_stay_where_they_were(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ANNOTATOR_"))}
    env["HOME"] = str(tmp_path)
    where = subprocess.run([str(ANNOTATOR), "where"], capture_output=True, text=True, env=env, check=True)
    assert where.stdout.strip() == str(tmp_path / ".local" / "share" / "annotator" / "annotations.db")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    where = subprocess.run([str(ANNOTATOR), "where"], capture_output=True, text=True, env=env, check=True)
    assert where.stdout.strip() == str(tmp_path / "data" / "annotator" / "annotations.db")


def test_the_config_file_is_read_from_the_user_config_folder(db_path, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ANNOTATOR_"))}
    env["HOME"] = str(tmp_path)
    config = tmp_path / ".config" / "annotator" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[extract]\nmodel = "no_such_pipeline_xyz"\n', encoding="utf-8")
    articles = write_articles(tmp_path / "in", one="Story\n\nText.")
    result = cli(db_path, "ingest", articles, ok=False, env=env)
    assert result.returncode == 1 and "no_such_pipeline_xyz" in result.stderr and "Traceback" not in result.stderr


def test_macos_and_windows_get_their_standard_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.delenv("XDG_DATA_HOME")
    support = tmp_path / "Library" / "Application Support" / "annotator"
    assert user_data_dir("darwin") == support
    assert user_config_dir("darwin") == support  # not ~/Library/Preferences (Apple keeps that for plists)
    legacy = tmp_path / "Library" / "Preferences" / "annotator"
    legacy.mkdir(parents=True)
    assert user_config_dir("darwin") == legacy  # an old configuration is still read ...
    support.mkdir(parents=True)
    assert user_config_dir("darwin") == support  # ... until the standard folder exists
    assert user_data_dir("linux") == tmp_path / ".local" / "share" / "annotator"
    assert user_config_dir("linux") == tmp_path / ".config" / "annotator"


@pytest.mark.slow
def test_pre_extraction_of_a_document_met_again_in_another_form_fits_the_stored_text(db_path, tmp_path):
    cli(db_path, "ingest", "--no-extract", write_articles(tmp_path / "a", one=nfc(CAFE)))
    cli(db_path, "ingest", write_articles(tmp_path / "b", two=nfd(CAFE)))
    with Store(db_path) as store:
        stored = store.document(1).text
        names = [stored[e.start:e.end] for e in store.annotation_set(1, MODEL_ANNOTATOR).entities]
    assert "Zoë Müller" in names and all(name == name.strip() and name for name in names)


def test_attaching_a_teammate_database_maps_offsets_onto_the_stored_form(db_path, tmp_path):
    other = tmp_path / "other.db"
    text = nfd(CAFE)
    start = text.index(nfd("Köln"))
    with Store(other) as theirs:
        from annotator.core import ops
        from annotator.core.model import Document

        doc_id, _ = theirs.add_document(Document(text))
        ops.add_entity(theirs, doc_id=doc_id, annotator="bea", start=start, end=start + len(nfd("Köln")), label="GPE")
    cli(db_path, "ingest", "--no-extract", write_articles(tmp_path / "a", one=nfc(CAFE)))
    cli(db_path, "attach", other)
    with Store(db_path) as store:
        assert store.document_count() == 1
        (entity,) = store.annotation_set(1, "bea").entities
        assert store.document(1).text[entity.start:entity.end] == "Köln"


def test_list_shows_whole_annotator_names_then_how_many_more(db_path):
    """Attack 15b #16: `list` cut the annotators column mid-name ("alice,alice@other,bo"). Whole names as fit,
    then "+N"; `--json` keeps every name."""
    from annotator.cli.corpus import people_cell
    from annotator.core import ops
    from annotator.core.model import Document
    from annotator.core.store import Store

    names = ["alice", "alice@other", "bob", "bob@other", "carol", "erin"]
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text="Kerry met Lavrov in Geneva.", title="Kerry meets Lavrov"))
        for name in names:
            ops.add_entity(store, doc_id=doc_id, annotator=name, start=0, end=5, label="PERSON")
    line = next(l for l in cli(db_path, "list").stdout.splitlines() if "Kerry meets" in l)
    assert "alice,alice@other +4" in line and "bo " not in line, line
    record = json.loads(cli(db_path, "list", "--json").stdout.splitlines()[0])
    assert sorted(record["annotators"]) == sorted(names)
    assert people_cell([]) == "-" and people_cell(["x" * 30]) == "x" * 15 + "…"
    assert people_cell(["alice", "bob", "carol"]) == "alice,bob,carol"
