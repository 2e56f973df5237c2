"""Issue 15, defects 6, 7, 10, 11: next unfinished document, Ctrl+T and typed letters in the tag lists, Cancel in
the first-start name dialog, and the speaker set with S resolved to the person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.errors import Cancelled
from annotator.core.model import Entity, Quote, QuoteType, Status, TextRange
from annotator.core.speaker_names import resolve_speaker
from annotator.core.store import Store
from tests.gui.conftest import fresh

CTRL = Qt.KeyboardModifier.ControlModifier


# -- 6: Ctrl+Return goes to the next unfinished document, wrapping ---------------------------------------------


def test_done_and_next_on_the_last_row_wraps_to_an_unfinished_one(qtbot, window):
    first, second, third = window.doc_ids
    window.open_document(third)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    assert window.doc.id == first  # wrapped, not "No more documents"
    with fresh(window.store.path) as store:
        assert store.status(third, "alice") is Status.DONE


def test_done_and_next_skips_finished_documents(qtbot, window):
    first, second, third = window.doc_ids
    window.open_document(second)
    window.set_status(Status.SKIPPED)
    window.open_document(first)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    assert window.doc.id == third  # the skipped one is finished: passed over


def test_done_and_next_when_everything_is_finished_says_so(qtbot, window):
    for doc_id in reversed(window.doc_ids):
        window.open_document(doc_id)
        window.set_status(Status.DONE)
    window.open_document(window.doc_ids[1])
    window.done_and_next()
    assert window.doc.id == window.doc_ids[1]
    assert "unfinished" in window.statusBar().currentMessage()


# -- 7: Ctrl+T and typing in the tag lists ---------------------------------------------------------------------


def test_letters_typed_in_the_tag_lists_do_not_fire_shortcuts(qtbot, window):
    window.select_entity(next(iter(window.view.index.entities.by_id)))  # the span tag list is enabled too
    fired = []
    for action in window.actions_by_id.values():
        action.triggered.connect(lambda *_, a=action: fired.append(a.text()))
    for action in window.label_actions:
        action.triggered.connect(lambda *_, a=action: fired.append(a.text()))
    for widget in (window.tags_panel.document_list, window.tags_panel.span_list):
        widget.setFocus()
        for key in (Qt.Key.Key_W, Qt.Key.Key_Q, Qt.Key.Key_1, Qt.Key.Key_S, Qt.Key.Key_BracketRight):
            qtbot.keyClick(widget, key)
        qtbot.keyClicks(widget, "tc")
    assert fired == []
    qtbot.keyClick(window.tags_panel.document_list, Qt.Key.Key_Z, CTRL)  # commands with Ctrl still work there
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_W)  # and letters in the article are shortcuts as before
    assert fired[-1] == window.snap_action.text()


def test_ctrl_t_opens_a_filterable_document_tag_picker(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL)
    picker = window.tag_picker
    assert picker is not None and picker.isVisible() and "document" in picker.heading.text().lower()
    qtbot.keyClicks(picker.filter, "w")  # typed into the filter: no shortcut fires
    assert window.snap_action.isChecked()
    picker.close()


# -- 10: Cancel in the first-start name dialog -----------------------------------------------------------------


def test_cancel_in_the_first_start_name_dialog_opens_nothing_and_records_nothing(qtbot, seeded, monkeypatch):
    from annotator.gui.dialogs import AnnotatorNameDialog
    from annotator.gui.main_window import MainWindow

    monkeypatch.setattr(AnnotatorNameDialog, "ask", classmethod(lambda cls, parent, current="": None))
    db_path, _ = seeded
    with pytest.raises(Cancelled):
        MainWindow(db_path)
    with Store(db_path) as store:
        assert [a.name for a in store.annotators()] == ["model"]
    from annotator.gui.settings import app_settings

    assert not app_settings().value("annotator", "")


def test_run_app_exits_quietly_when_the_name_is_cancelled(qtbot, seeded, monkeypatch, capsys):
    from annotator.gui import app
    from annotator.gui.dialogs import AnnotatorNameDialog

    monkeypatch.setattr(AnnotatorNameDialog, "ask", classmethod(lambda cls, parent, current="": None))
    assert app.run_app(seeded[0]) == 1
    assert "no annotator name" in capsys.readouterr().err.lower()


# -- 11: S resolves the speaker to the person --------------------------------------------------------------------


def test_set_speaker_with_s_stores_the_resolved_person(qtbot, window):
    (quote_id,) = window.view.index.quotes.by_id
    window.select_quote(quote_id)
    window.view.select_range(0, 5)  # "Kerry"; "John Kerry" is a PERSON entity further on
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    with fresh(window.store.path) as store:
        (quote,) = store.annotation_set(window.doc.id, "alice").quotes
    assert (quote.speaker.start, quote.speaker.end, quote.speaker_name) == (0, 5, "John Kerry")


TEXT = ('Secretary of State John Kerry arrived. "We will talk," Mr Kerry said. Angela Merkel listened. '
        '"Good," she said. The ministry said nothing.')


@pytest.mark.parametrize("marked, person", [
    ("Mr Kerry", "John Kerry"),
    ("Kerry", "John Kerry"),
    ("she", "Angela Merkel"),
    ("The ministry", "ministry"),
    ("Angela Merkel", "Angela Merkel"),
])
def test_resolve_speaker_kinds(marked, person):
    people = [Entity(TEXT.index("John Kerry"), TEXT.index("John Kerry") + 10, "PERSON"),
              Entity(TEXT.index("Angela"), TEXT.index("Angela") + 13, "PERSON")]
    start = TEXT.index(marked) if marked != "Kerry" else TEXT.index("Mr Kerry") + 3
    assert resolve_speaker(TEXT, start, start + len(marked), people) == person


def test_resolve_speaker_uses_other_quotes_speaker_names():
    text = "Ms Ardern spoke. Ardern said it."
    quotes = [Quote(0, 5, QuoteType.INDIRECT, speaker=TextRange(0, 9), speaker_name="Jacinda Ardern")]
    assert resolve_speaker(text, 17, 23, [], quotes) == "Jacinda Ardern"
