"""`annotator import` / `annotator export` from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from exchange_helpers import read_jsonl

from annotator.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"


def test_import_then_export_to_default_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    result = runner.invoke(main, ["--db", db, "import", str(DATA / "doccano_relations_example.jsonl"), "--annotator", "x"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--db", db, "export", "--format", "prodigy", "--annotator", "x"])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "exports").glob("annotations-prodigy-*.jsonl")
    assert [r["_annotator_id"] for r in read_jsonl(written)] == ["x"]


def test_bad_file_exits_with_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "a.db"), "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.jsonl:2: span 0 offsets 0-9 are outside the text" in result.output
    assert "nothing was imported" in result.output and len(result.output.strip().splitlines()) == 1
