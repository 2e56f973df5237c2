"""Issue 11 items 7 and 9 in the window: File → Import articles checks every input first, like `annotator ingest`:
a bad record, an article too long to pre-extract, or the database file itself refuses the whole import with
`file:line: reason` in a message box, and nothing is written. Never a silent "105 skipped"."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.gui.workers import ImportWorker
from tests.gui.conftest import fresh
from tests.gui.test_workers import fake_extractor


def run_import(qtbot, window, monkeypatch, paths):
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    worker = ImportWorker(window.store.path, paths, extract_factory=fake_extractor)
    window.start_import(worker)
    qtbot.waitUntil(lambda: window.import_thread is None, timeout=20000)
    return warned


def bad_jsonl(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps({"text": f"Good story {i}."}) for i in range(100)]
    lines[40] = '{"title": "no text here"}'
    lines[70] = '{"text": "x", "meta": {"n": NaN}}'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, 41, 'record has no "text"'


def long_article(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:03d}.txt").write_text(f"Story {i}\nKerry said so.", encoding="utf-8")
    big = folder / "020-long.txt"
    big.write_text("Long\n" + "Words and words. " * 62_000, encoding="utf-8")
    return folder, None, "1,000,000"


@pytest.mark.parametrize("case", [bad_jsonl, long_article])
def test_window_import_refuses_like_the_command_line_and_writes_nothing(qtbot, window, tmp_path, monkeypatch, case):
    source, line, reason = case(tmp_path)
    before = fresh(window.store.path).document_count()
    warned = run_import(qtbot, window, monkeypatch, [source])
    assert len(warned) == 1, warned
    where = f"{source}:{line}:" if line else "020-long.txt"
    assert where in warned[0] and reason in warned[0] and "Nothing was imported" in warned[0], warned[0]
    assert fresh(window.store.path).document_count() == before


def test_window_import_refuses_the_database_file_itself(qtbot, window, monkeypatch):
    for path in (window.store.path, f"{window.store.path}-wal"):
        warned = run_import(qtbot, window, monkeypatch, [path])
        assert len(warned) == 1 and "is the annotator database itself" in warned[0], warned
    assert window.store.cut_off() is None


def test_the_windows_own_import_is_not_reported_as_changes_from_another_window(qtbot, window, tmp_path, monkeypatch):
    """Attack item 11: the import's summary was overwritten within a second by "Updated with changes saved by
    another window or command." although the commits were the window's own import."""
    article = tmp_path / "own.txt"
    article.write_text("Own story\nKerry said so in Paris.", encoding="utf-8")
    before = fresh(window.store.path).document_count()
    assert run_import(qtbot, window, monkeypatch, [str(article)]) == []
    assert fresh(window.store.path).document_count() == before + 1
    summary = window.statusBar().currentMessage()
    assert summary.startswith("Import:"), summary
    window.refresh_if_changed_elsewhere()
    assert "another window" not in window.statusBar().currentMessage()
