"""L: the type-ahead label picker (attack 15 #11: CARDINAL, ORDINAL, PERCENT, QUANTITY, TIME, PRODUCT, WORK_OF_ART,
LAW and LANGUAGE had no key; relabelling needed the "More labels" mouse menu)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.gui.label_picker import ranked
from tests.gui.test_main_window import click_span, entities, undo


def open_picker(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_L)
    picker = window.label_picker
    assert picker is not None and picker.isVisible()
    return picker


def test_ranked_prefers_labels_starting_with_the_typed_text():
    labels = ["PERSON", "ORG", "GPE", "CARDINAL", "ORDINAL", "PERCENT", "TIME", "WORK_OF_ART", "LANGUAGE"]
    assert ranked(labels, "or") == ["ORG", "ORDINAL", "WORK_OF_ART"]
    assert ranked(labels, "per") == ["PERSON", "PERCENT"]
    assert ranked(labels, "  Ti ") == ["TIME"]
    assert ranked(labels, "") == labels and ranked(labels, "zz") == []


def test_every_label_past_the_ninth_can_be_applied_from_the_keyboard(qtbot, window):
    labels = list(window.store.labels())
    assert len(labels) > 9
    for name in labels[9:]:  # label "Monday" with each unkeyed label in turn
        window.view.select_range(32, 38)
        picker = open_picker(qtbot, window)
        qtbot.keyClicks(picker.filter, name.lower()[:5])
        assert picker.current_label() == name, (name, picker.visible_labels())
        qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.label_picker is None)
        assert (32, 38, name) in entities(window)
        window.clear_selection()


def test_relabel_the_selected_entity_by_typing_and_undo(qtbot, window):
    click_span(qtbot, window, 59, 67)  # Pakistan GPE
    picker = open_picker(qtbot, window)
    assert picker.heading.text() == "Relabel the entity"
    assert picker.visible_labels()[:3] == ["PERSON", "ORG", "GPE"]
    assert picker.list.item(0).text().startswith("1")  # the number keys are shown
    qtbot.keyClicks(picker.filter, "an")  # none starts with it; CARDINAL, LANGUAGE, … contain it
    assert all("AN" in name for name in picker.visible_labels())
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)
    second = picker.current_label()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert (59, 67, second) in entities(window)
    qtbot.waitUntil(lambda: window.label_picker is None)
    undo(qtbot, window)
    assert (59, 67, "GPE") in entities(window)


def test_esc_and_no_match_apply_nothing_and_nothing_selected_only_hints(qtbot, window):
    before = entities(window)
    qtbot.keyClick(window.view, Qt.Key.Key_L)  # nothing selected
    assert getattr(window, "label_picker", None) is None
    assert "Select some text" in window.statusBar().currentMessage()
    window.view.select_range(32, 38)
    picker = open_picker(qtbot, window)
    qtbot.keyClicks(picker.filter, "nothing like it")
    assert picker.visible_labels() == [] and "No label matches" in picker.hint.text()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert picker.isVisible() and entities(window) == before
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.label_picker is None)
    assert entities(window) == before


def test_the_label_bar_and_help_show_the_keys(window):
    from annotator.gui.actions import shortcut_rows
    from annotator.gui.plain import strip_mnemonic

    from PySide6.QtWidgets import QToolButton

    more = window.legend.findChild(QToolButton, "moreLabels")
    assert more is not None and "(L)" in more.text()
    rows = []
    for menu_action in window.menuBar().actions():
        rows.extend(shortcut_rows(menu_action.menu(), strip_mnemonic(menu_action.text())))
    assert any(keys == "L" and "label" in text.lower() for _menu, text, keys in rows)
