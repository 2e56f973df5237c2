"""T opens the tag quick-pick for the selected entity / quote / the document: type to filter, Enter toggles the
tag through the tag command (so undo works)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.model import TargetKind
from tests.gui.test_main_window import click_span, saved, undo


def open_picker(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_T)
    picker = window.tag_picker
    assert picker is not None and picker.isVisible()
    return picker


def test_t_on_an_entity_filters_span_tags_and_enter_toggles(qtbot, window):
    click_span(qtbot, window, 59, 67)
    entity_id = window.view.selected_entity_id
    picker = open_picker(qtbot, window)
    assert picker.heading.text() == "Tag GPE “Pakistan”"
    assert picker.visible_tags() == ["ambiguous", "boundary-unsure", "important", "needs-review", "speaker-unclear"]
    qtbot.keyClicks(picker.filter, "UNS")  # any case, anywhere in the name
    assert picker.visible_tags() == ["boundary-unsure"] and picker.current_tag() == "boundary-unsure"
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert saved(window).tags_of(TargetKind.ENTITY, entity_id) == ["boundary-unsure"]
    qtbot.waitUntil(lambda: window.tag_picker is None)  # closed (and deleted) after Enter
    assert window.entity_model.index(window.entity_model.row_of(entity_id), 2).data() == "boundary-unsure"
    picker = open_picker(qtbot, window)  # the present tag shows checked; Enter on it removes it
    qtbot.keyClicks(picker.filter, "bound")
    assert picker.list.currentItem().checkState() == Qt.CheckState.Checked
    qtbot.keyClick(picker.filter, Qt.Key.Key_Enter)
    assert saved(window).tags_of(TargetKind.ENTITY, entity_id) == []
    undo(qtbot, window)
    assert saved(window).tags_of(TargetKind.ENTITY, entity_id) == ["boundary-unsure"]
    undo(qtbot, window)
    assert saved(window).tags_of(TargetKind.ENTITY, entity_id) == []


def test_prefix_match_is_preferred_and_arrows_move(qtbot, window):
    click_span(qtbot, window, 59, 67)
    picker = open_picker(qtbot, window)
    qtbot.keyClicks(picker.filter, "i")  # in "ambiguous", "important", "speaker-unclear", "needs-review"...
    assert picker.current_tag() == "important"
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)
    following = picker.current_tag()
    assert following != "important" and following in picker.visible_tags()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert saved(window).tags_of(TargetKind.ENTITY, window.view.selected_entity_id) == [following]


def test_t_on_a_quote_tags_the_quote(qtbot, window):
    click_span(qtbot, window, 15, 19)
    quote_id = window.view.selected_quote_id
    picker = open_picker(qtbot, window)
    qtbot.keyClicks(picker.filter, "speaker")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert saved(window).tags_of(TargetKind.QUOTE, quote_id) == ["speaker-unclear"]


def test_t_with_nothing_selected_tags_the_document_and_esc_closes(qtbot, window):
    picker = open_picker(qtbot, window)
    assert "wire-copy" in picker.visible_tags()
    qtbot.keyClicks(picker.filter, "nothing like it")
    assert picker.visible_tags() == [] and "No tag matches" in picker.hint.text()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)  # nothing to toggle
    assert saved(window).document_tags() == [] and picker.isVisible()
    picker.filter.clear()
    qtbot.keyClicks(picker.filter, "wire")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert saved(window).document_tags() == ["wire-copy"]
    picker = open_picker(qtbot, window)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    assert not picker.isVisible() and saved(window).document_tags() == ["wire-copy"]


def test_clicking_a_box_in_the_picker_toggles_and_keeps_it_open(qtbot, window):
    picker = open_picker(qtbot, window)
    item = picker.list.findItems("opinion", Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)
    assert saved(window).document_tags() == ["opinion"] and picker.isVisible()
