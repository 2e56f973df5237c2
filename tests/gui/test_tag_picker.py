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
    assert picker.isVisible() and picker.filter.selectedText() == "UNS"  # stays open for the next pick
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.tag_picker is None)  # Esc closes (and deletes) it
    assert window.entity_model.index(window.entity_model.row_of(entity_id), 2).data() == "boundary-unsure"
    picker = open_picker(qtbot, window)  # the present tag shows checked; Enter on it removes it
    qtbot.keyClicks(picker.filter, "bound")
    assert picker.list.currentItem().checkState() == Qt.CheckState.Checked
    qtbot.keyClick(picker.filter, Qt.Key.Key_Enter)
    assert saved(window).tags_of(TargetKind.ENTITY, entity_id) == []
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.tag_picker is None)
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
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.tag_picker is None)
    picker = open_picker(qtbot, window)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    assert not picker.isVisible() and saved(window).document_tags() == ["wire-copy"]


def test_clicking_a_box_in_the_picker_toggles_and_keeps_it_open(qtbot, window):
    picker = open_picker(qtbot, window)
    item = picker.list.findItems("opinion", Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)
    assert saved(window).document_tags() == ["opinion"] and picker.isVisible()


def test_several_tags_in_one_go_each_its_own_undo_step(qtbot, window):
    """Attack 15 #17: the picker closed after each Enter, so every tag cost another T."""
    click_span(qtbot, window, 59, 67)
    entity_id = window.view.selected_entity_id
    picker = open_picker(qtbot, window)
    for typed in ("amb", "import", "needs"):  # the filter is selected after each pick: typing replaces it
        qtbot.keyClicks(picker.filter, typed)
        qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
        assert picker.isVisible()
    assert sorted(saved(window).tags_of(TargetKind.ENTITY, entity_id)) == ["ambiguous", "important", "needs-review"]
    assert sorted(picker.checked_tags()) == ["ambiguous", "important", "needs-review"]
    assert "Esc closes" in picker.hint.text()
    picker.filter.clear()
    qtbot.keyClicks(picker.filter, "import")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)  # Enter on a ticked tag unticks it, still open
    assert sorted(saved(window).tags_of(TargetKind.ENTITY, entity_id)) == ["ambiguous", "needs-review"]
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.tag_picker is None)
    undo(qtbot, window)  # one step per tag
    assert sorted(saved(window).tags_of(TargetKind.ENTITY, entity_id)) == ["ambiguous", "important", "needs-review"]
    undo(qtbot, window)
    assert sorted(saved(window).tags_of(TargetKind.ENTITY, entity_id)) == ["ambiguous", "important"]


def test_space_on_an_empty_filter_ticks_the_highlighted_tag(qtbot, window):
    picker = open_picker(qtbot, window)  # nothing selected: the document's tags
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)
    tag = picker.current_tag()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Space)
    assert saved(window).document_tags() == [tag] and picker.isVisible() and picker.filter.text() == ""
