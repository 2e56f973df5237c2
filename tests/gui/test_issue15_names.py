"""Attack 15 #16: annotator names typed in the window (first start, Change annotator) and on `annotator gui
--annotator` follow one visible-name rule (core/names.py), with one clear sentence about the name."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from annotator.core.names import ANNOTATOR_NAME_LIMIT, annotator_name_problem
from annotator.gui.dialogs import AnnotatorNameDialog
from tests.conftest import REPO

BAD = {
    "newline": "evil\nname",
    "tab": "evil\tname",
    "zero-width space": "ali\u200bce",
    "bidi override": "ali\u202ece",
    "only spaces": "   ",
    "only invisible": "\u200b\u200b",
    "no-break space": "alice\u00a0smith",
    "too long": "a" * (ANNOTATOR_NAME_LIMIT + 1),
    "reserved": "model",
}
GOOD = ["alice", "Zoë Ångström", "דנה כהן", "مريم", "李雷", "a" * ANNOTATOR_NAME_LIMIT, "o'brien-smith"]


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_names_get_one_sentence(kind):
    problem = annotator_name_problem(BAD[kind])
    assert problem and "\n" not in problem and problem.startswith("the annotator name")


@pytest.mark.parametrize("name", GOOD)
def test_good_names_pass(name):
    assert annotator_name_problem(name) is None


def _answers(monkeypatch, answers):
    prompts = []

    def get_text(_parent, _title, prompt, _echo, text):
        prompts.append((prompt, text))
        return answers.pop(0)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return prompts


@pytest.mark.parametrize("kind", ["newline", "zero-width space", "too long", "only spaces", "reserved"])
def test_the_dialog_asks_again_with_the_reason(qtbot, monkeypatch, kind):
    prompts = _answers(monkeypatch, [(BAD[kind], True), ("dana", True)])
    assert AnnotatorNameDialog.ask(None, "") == "dana"
    assert len(prompts) == 2
    first_line = prompts[1][0].split("\n")[0]
    assert first_line.startswith("The annotator name"), prompts
    assert prompts[1][1] == BAD[kind]  # what was typed stays in the box, to be corrected


@pytest.mark.parametrize("typed, reason", [("dave ", "ends with a space"), (" dave", "starts with a space"),
                                           ("  דנה כהן  ", "starts with a space"), ("dave\u00a0", "special space")])
def test_the_dialog_refuses_spaces_at_the_ends_never_trims(qtbot, monkeypatch, typed, reason):
    """Attack 15b #3: "dave " was stored as "dave", though the README says such names are refused, never
    silently trimmed (as --annotator and import refuse them)."""
    prompts = _answers(monkeypatch, [(typed, True), (typed.strip(" \u00a0"), True)])
    assert AnnotatorNameDialog.ask(None, "") == typed.strip(" \u00a0")
    assert len(prompts) == 2 and reason in prompts[1][0].split("\n")[0], prompts
    assert prompts[1][1] == typed  # kept as typed, to be corrected


def test_a_bad_name_given_to_the_window_is_about_the_name(qtbot, seeded, monkeypatch, capsys):
    from annotator.gui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, title, text: shown.append((title, text))))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *_a: shown.append(("critical", ""))))
    assert app.run_app(seeded[0], "evil\nname") == 1
    (title, text), = shown
    assert "name" in title and "database" not in title
    assert "control character" in text and "\n" not in text.strip()


def test_rtl_name_is_isolated_in_the_status_bar(qtbot, seeded):
    from annotator.gui.main_window import MainWindow

    window = MainWindow(seeded[0], "דנה")
    qtbot.addWidget(window)
    assert "\u2068דנה\u2069" in window.annotator_label.text()
    window.close()
    window.store.close()


def test_the_cli_refuses_a_too_long_name_in_one_line(tmp_path):
    result = subprocess.run([str(REPO / ".venv" / "bin" / "annotator"), "--db", str(tmp_path / "a.db"), "gui",
                             "--annotator", "x" * 200], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)})
    assert result.returncode != 0
    assert "200 characters" in result.stderr and "Traceback" not in result.stderr


def test_change_annotator_writes_nothing_until_the_first_edit(qtbot, window, monkeypatch):
    """Attack 15b #16: switching to "dave" wrote an annotators row before any edit, so dave was offered in Export
    and elsewhere with no work done. The row comes with his first edit."""
    from annotator.core.store import Store

    monkeypatch.setattr(AnnotatorNameDialog, "ask", classmethod(lambda cls, parent, current="": "dave"))
    window.change_annotator()
    assert window.annotator == "dave"
    with Store(window.store.path, readonly=True) as check:
        assert "dave" not in {a.name for a in check.annotators()}
    window.open_document(window.doc_ids[1])
    window.update_progress()
    window.view.select_range(0, 6)
    window.apply_label("ORG")
    with Store(window.store.path, readonly=True) as check:
        assert "dave" in {a.name for a in check.annotators()}
        assert any(e.label == "ORG" for e in check.annotation_set(window.doc_ids[1], "dave").entities)
