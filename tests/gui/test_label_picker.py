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


def test_a_long_label_is_elided_at_the_pickers_edge_not_behind_a_scroll_bar(qtbot, window):
    """Attack 15b #14: the VERY_LONG… entry was clipped by a horizontal scroll bar; the tag lists of the Tags dock
    were cut the same way at 800 × 600. Rows now end in "…" at the list's edge; the whole name is the tooltip."""
    from PySide6.QtGui import QColor

    from annotator.gui.elided_list import ElideAtViewEdge

    long_name = "VERY_LONG_LABEL_NAME_FOR_TESTING_ELISION_IN_PILLS"
    window.store.ensure_label(long_name)
    window.refresh_labels()
    window.view.select_range(32, 38)
    picker = open_picker(qtbot, window)
    qtbot.keyClicks(picker.filter, "very")
    picker.resize(220, picker.height())
    qtbot.wait(50)
    assert isinstance(picker.list.itemDelegate(), ElideAtViewEdge)
    assert not picker.list.horizontalScrollBar().isVisible()
    image = picker.list.viewport().grab().toImage()
    # the row is painted inside the viewport: its last 3 px column holds no text pixels (it was cut mid-letter)
    text = window.palette().color(window.palette().ColorRole.Text)
    edge = [QColor(image.pixel(x, y)) for x in range(image.width() - 3, image.width()) for y in range(image.height())]
    assert not any(abs(c.lightness() - text.lightness()) < 40 for c in edge)
    for listing in (window.tags_panel.document_list, window.tags_panel.span_list):
        assert isinstance(listing.itemDelegate(), ElideAtViewEdge)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
