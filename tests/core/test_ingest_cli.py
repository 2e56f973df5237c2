"""`annotator ingest`, `list`, `stats`, `search` through the real command line (click's runner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import MODEL_ANNOTATOR
from annotator.core.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def run(db_path, *args, ok=True):
    result = CliRunner().invoke(main, ["--db", str(db_path), *map(str, args)], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_ingest_seeds_with_extraction_then_list_shows_counts(db_path):
    result = run(db_path, "ingest", SEEDS)
    assert "2 added" in result.output
    listing = run(db_path, "list", "--json").output.splitlines()
    rows = [json.loads(line) for line in listing]
    assert len(rows) == 2
    assert all(r["entities"] > 10 and r["quotes"] > 5 for r in rows)
    # issue 14: the title is the headline, not the web boilerplate above it, nor a headline repeated three times
    assert [r["title"] for r in rows] == ["Kerry Urges Pakistan To Fight Militants, Mend India Ties",
                                          "Pak a victim of terror, needs to eliminate sanctuaries: Kerry"]
    again = run(db_path, "ingest", SEEDS)
    assert "0 added, 2 already present" in again.output
    with Store(db_path) as store:
        assert store.document_count() == 2
        assert store.annotation_set(1, MODEL_ANNOTATOR).quotes


def test_ingest_jsonl_ids_meta_and_dedupe(db_path, tmp_path):
    source = tmp_path / "articles.jsonl"
    records = [
        {"id": "a1", "text": "\ufeffFirst story.\r\nKerry said it was fine.", "meta": {"source": "wire"}},
        {"text": "Second story."},
        {"id": "dup", "text": "Second story."},
    ]
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    result = run(db_path, "ingest", "--no-extract", source)
    assert "2 added, 1 already present" in result.output
    with Store(db_path) as store:
        first = store.document(1)
        assert first.text == "First story.\r\nKerry said it was fine."
        assert first.meta == {"id": "a1", "source": "wire"} and first.title == "First story."


@pytest.mark.parametrize(
    "line,reason",
    [
        ('{"text": "ok"', "invalid JSON"),
        ('{"id": 3}', 'no "text"'),
        ('{"text": 42}', '"text" must be a string'),
        ('["text"]', "expected a JSON object"),
        ('{"text": "x", "meta": "m"}', '"meta" must be an object'),
    ],
)
def test_a_bad_line_stops_ingest_with_its_number_and_writes_nothing(db_path, tmp_path, line, reason):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "good one"}\n{"text": "good two"}\n' + line + "\n", encoding="utf-8")
    result = run(db_path, "ingest", "--no-extract", source, ok=False)
    assert result.exit_code == 1
    assert f"{source}:3: " in result.output and reason in result.output
    assert "nothing was ingested" in result.output
    with Store(db_path) as store:
        assert store.document_count() == 0


def test_not_utf8_is_reported_with_its_line(db_path, tmp_path):
    source = tmp_path / "latin1.jsonl"
    source.write_bytes(b'{"text": "fine"}\n{"text": "caf\xe9"}\n')
    result = run(db_path, "ingest", "--no-extract", source, ok=False)
    assert f"{source}:2: not UTF-8" in result.output


def test_skip_invalid_ingests_the_rest_and_lists_what_it_skipped(db_path, tmp_path):
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(b'{"text": "one"}\nnot json\n{"text": "two"}\n{"text": "caf\xe9"}\n')
    result = run(db_path, "ingest", "--no-extract", "--skip-invalid", source)
    assert f"skipped {source}:2: invalid JSON" in result.output
    assert f"skipped {source}:4: not UTF-8" in result.output
    assert "2 added" in result.output


def test_if_empty_ingests_only_once(db_path, tmp_path):
    (tmp_path / "a.txt").write_text("\n\nTitle line\nBody.", encoding="utf-8")
    assert "1 added" in run(db_path, "ingest", "--no-extract", "--if-empty", tmp_path / "a.txt").output
    (tmp_path / "b.txt").write_text("Other", encoding="utf-8")
    assert "already holds 1 documents" in run(db_path, "ingest", "--no-extract", "--if-empty", tmp_path / "b.txt").output
    with Store(db_path) as store:
        assert store.document(1).title == "Title line"


def test_a_missing_model_is_a_clear_error(db_path, tmp_path):
    (tmp_path / "a.txt").write_text("Some text.", encoding="utf-8")
    result = run(db_path, "ingest", "--model", "en_no_such_pipeline", tmp_path / "a.txt", ok=False)
    assert result.exit_code == 1
    assert "en_no_such_pipeline" in result.output and "install" in result.output
    assert "Traceback" not in result.output


def test_stats_search_and_where(db_path, tmp_path):
    (tmp_path / "a.txt").write_text("Aziz said the network was destroyed.", encoding="utf-8")
    run(db_path, "ingest", tmp_path / "a.txt")
    stats = json.loads(run(db_path, "stats", "--json").output)
    assert stats["documents"] == 1 and stats["annotators"][0]["annotator"] == MODEL_ANNOTATOR
    assert "[destroyed]" in run(db_path, "search", "destroyed").output
    assert run(db_path, "where").output.strip() == str(db_path)


def test_every_command_has_help():
    runner = CliRunner()
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help, f"{name} has no help text"
