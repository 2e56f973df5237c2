"""Every editing action through the real widgets (keys on the article view, clicks on spans, panel checkboxes),
with the database read back through a fresh Store after each step, and undo / redo of each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from annotator.core.model import Status, TargetKind
from tests.gui.conftest import fresh

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def saved(window, *, own: bool = False):
    """The current document as alice's set holds it on disk; before her first edit (she has no set yet, issue
    15) the model's set she is shown, unless `own`."""
    with fresh(window.store.path) as store:
        aset = store.annotation_set(window.doc.id, "alice")
        return aset if aset is not None or own else store.annotation_set(window.doc.id, "model")


def entities(window):
    return {(e.start, e.end, e.label) for e in saved(window).entities}


def quote_rows(window):
    return {(q.start, q.end, q.type.value, q.speaker and (q.speaker.start, q.speaker.end), q.cue and (q.cue.start, q.cue.end))
            for q in saved(window).quotes}


def undo(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)


def redo(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)


def click_span(qtbot, window, start: int, end: int):
    """Click the middle of the first painted rectangle of [start, end) (code points)."""
    qs, qe = window.view.offsets.range_to_qt(start, end)
    rect = window.view.range_rects(qs, qe)[0]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())


def test_opening_shows_the_model_pre_extraction(window):
    assert window.doc.id == window.doc_ids[0]
    assert entities(window) == {(0, 5, "PERSON"), (40, 50, "PERSON"), (59, 67, "GPE")}
    assert window.view.highlight_ranges() == [(0, 5, "PERSON"), (40, 50, "PERSON"), (59, 67, "GPE")]
    assert window.save_label.text() == "All saved"  # nothing pending, no edit yet (attack 15b #17)
    assert window.entity_model.rowCount() == 3 and window.quote_model.rowCount() == 1


def test_add_entity_with_label_key_snaps_to_words_and_undoes(qtbot, window):
    window.view.select_range(33, 35)  # "nd" inside "Monday"
    qtbot.keyClick(window.view, "6")  # 6 = DATE (sixth label)
    assert (32, 38, "DATE") in entities(window)
    added = window.view.selected_entity_id
    assert window.view.index.entities.by_id[added].label == "DATE"
    assert window.save_label.text().startswith("Saved")
    undo(qtbot, window)
    assert (32, 38, "DATE") not in entities(window)
    assert added not in window.view.index.entities.by_id
    redo(qtbot, window)
    assert (32, 38, "DATE") in entities(window)
    assert added in window.view.index.entities.by_id  # same id back, so later commands still point at it


def test_snapping_off_keeps_the_exact_selection(qtbot, window):
    qtbot.keyClick(window.view, "w")
    assert not window.snap_action.isChecked()
    window.view.select_range(33, 35)
    qtbot.keyClick(window.view, "6")
    assert (33, 35, "DATE") in entities(window)


def test_adding_over_an_entity_replaces_it_and_undo_brings_it_back(qtbot, window):
    window.view.select_range(45, 50)  # "Kerry" inside "John Kerry"
    qtbot.keyClick(window.view, "2")
    assert (45, 50, "ORG") in entities(window) and (40, 50, "PERSON") not in entities(window)
    undo(qtbot, window)
    assert (40, 50, "PERSON") in entities(window) and (45, 50, "ORG") not in entities(window)


def test_click_then_label_key_relabels(qtbot, window):
    click_span(qtbot, window, 59, 67)
    assert window.view.index.entities.by_id[window.view.selected_entity_id].entity.start == 59
    assert window.entity_table.currentIndex().row() == 2
    qtbot.keyClick(window.view, "5")  # LOC
    assert (59, 67, "LOC") in entities(window)
    undo(qtbot, window)
    assert (59, 67, "GPE") in entities(window)
    redo(qtbot, window)
    assert (59, 67, "LOC") in entities(window)


def test_delete_key_deletes_the_selected_entity(qtbot, window):
    click_span(qtbot, window, 0, 5)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert (0, 5, "PERSON") not in entities(window)
    assert len(window.view.highlight_ranges()) == 2
    undo(qtbot, window)
    assert (0, 5, "PERSON") in entities(window)
    redo(qtbot, window)
    assert (0, 5, "PERSON") not in entities(window)


def test_alt_arrows_move_the_boundaries(qtbot, window):
    click_span(qtbot, window, 40, 50)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT | SHIFT)  # start one word right
    assert (45, 50, "PERSON") in entities(window)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT)  # end one word right
    assert (45, 58, "PERSON") in entities(window)
    undo(qtbot, window)
    assert (45, 50, "PERSON") in entities(window)
    undo(qtbot, window)
    assert (40, 50, "PERSON") in entities(window)
    redo(qtbot, window)
    assert (45, 50, "PERSON") in entities(window)


def test_a_blocked_edit_says_not_saved_and_stays_off_the_stack(qtbot, window):
    click_span(qtbot, window, 40, 50)
    depth = window.undo_stack.count()
    qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT)  # "visited" is free: fine
    qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT)  # would swallow "Pakistan": refused
    assert "Not saved" in window.save_label.text()
    assert window.undo_stack.count() == depth + 1
    assert (40, 58, "PERSON") in entities(window)


def test_quote_from_selection_then_speaker_and_cue(qtbot, window):
    window.view.select_range(79, 94)  # "The talks ended"
    qtbot.keyClick(window.view, "q")
    assert (79, 94, "indirect", None, None) in quote_rows(window)
    quote_id = window.view.selected_quote_id
    assert quote_id is not None
    click_span(qtbot, window, 40, 50)  # the entity "John Kerry": the quote stays selected
    assert window.view.selected_quote_id == quote_id
    qtbot.keyClick(window.view, "s")
    assert (79, 94, "indirect", (40, 50), None) in quote_rows(window)
    assert {q.speaker_name for q in saved(window).quotes if q.id == quote_id} == {"John Kerry"}
    window.view.select_range(52, 54)  # inside "visited"
    qtbot.keyClick(window.view, "c")
    assert (79, 94, "indirect", (40, 50), (51, 58)) in quote_rows(window)
    qtbot.keyClick(window.view, Qt.Key.Key_1, ALT)  # type: direct
    assert (79, 94, "direct", (40, 50), (51, 58)) in quote_rows(window)
    row = window.quote_model.row_of(quote_id)
    cells = [window.quote_model.index(row, c).data() for c in range(window.quote_model.columnCount())]
    assert cells[:5] == ["John Kerry", "John Kerry", "visited", "direct", "“The talks ended”"]
    for expected in [(79, 94, "indirect", (40, 50), (51, 58)), (79, 94, "indirect", (40, 50), None),
                     (79, 94, "indirect", None, None)]:
        undo(qtbot, window)
        assert expected in quote_rows(window)
    undo(qtbot, window)
    assert len(saved(window).quotes) == 1
    for expected in [(79, 94, "indirect", None, None), (79, 94, "indirect", (40, 50), None),
                     (79, 94, "indirect", (40, 50), (51, 58)), (79, 94, "direct", (40, 50), (51, 58))]:
        redo(qtbot, window)
        assert expected in quote_rows(window)


def test_delete_quote_from_the_panel(qtbot, window):
    quote_id = window.quote_model.index(0, 0).data(Qt.ItemDataRole.UserRole)
    rect = window.quote_table.visualRect(window.quote_model.index(0, 0))
    qtbot.mouseClick(window.quote_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.view.selected_quote_id == quote_id
    qtbot.keyClick(window.view, Qt.Key.Key_Delete, SHIFT)
    assert saved(window).quotes == []
    undo(qtbot, window)
    assert [q.id for q in saved(window).quotes] == [quote_id]
    redo(qtbot, window)
    assert saved(window).quotes == []


def _check(listing, text):
    item = listing.findItems(text, Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked if item.checkState() != Qt.CheckState.Checked else Qt.CheckState.Unchecked)


def test_tags_on_document_and_entity(qtbot, window):
    _check(window.tags_panel.document_list, "opinion")
    assert saved(window).document_tags() == ["opinion"]
    click_span(qtbot, window, 0, 5)
    entity_id = window.view.selected_entity_id
    assert window.tags_panel.span_list.isEnabled()
    _check(window.tags_panel.span_list, "important")
    assert saved(window).tags_of(TargetKind.ENTITY, entity_id) == ["important"]
    assert window.entity_model.index(0, 2).data() == "important"
    undo(qtbot, window)
    assert saved(window).tags_of(TargetKind.ENTITY, entity_id) == []
    undo(qtbot, window)
    assert saved(window).document_tags() == []
    redo(qtbot, window)
    assert saved(window).document_tags() == ["opinion"]


def test_tag_set_dialog_edits_the_set(window):
    from annotator.gui.dialogs import TagSetDialog

    dialog = TagSetDialog(window.store, window)
    dialog.inputs["span"].setText("sarcasm")
    dialog.add_tag("span")
    assert "sarcasm" in fresh(window.store.path).tag_set("span")
    dialog.lists["document"].findItems("opinion", Qt.MatchFlag.MatchExactly)[0].setSelected(True)
    dialog.remove_selected("document")
    assert "opinion" not in fresh(window.store.path).tag_set("document")


def test_done_and_next_then_undo(qtbot, window):
    first, second = window.doc_ids[:2]
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    with fresh(window.store.path) as store:
        assert store.status(first, "alice") is Status.DONE
    assert window.doc.id == second
    assert window.progress_label.text() == "Progress: 1 / 3 done"
    undo(qtbot, window)
    assert window.doc.id == first  # undoing shows the document it changed
    with fresh(window.store.path) as store:
        assert store.status(first, "alice") is Status.NEW
    redo(qtbot, window)
    with fresh(window.store.path) as store:
        assert store.status(first, "alice") is Status.DONE


@pytest.mark.parametrize(("key", "status"), [(Qt.Key.Key_K, Status.SKIPPED), (Qt.Key.Key_R, Status.REJECTED)])
def test_skip_and_reject_keys(qtbot, window, key, status):
    qtbot.keyClick(window.view, key, CTRL)
    with fresh(window.store.path) as store:
        assert store.status(window.doc.id, "alice") is status
    row = window.doc_model.row_of(window.doc.id)
    assert window.doc_model.index(row, 1).data() == status.value


def test_next_and_previous_document_keys(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.doc.id == window.doc_ids[1]
    assert window.view.highlight_ranges() == [(21, 26, "GPE")]
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp, CTRL)
    assert window.doc.id == window.doc_ids[0]


def test_find(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_box, "pakistan")
    qtbot.keyClick(window.find_box, Qt.Key.Key_Return)
    assert window.view.textCursor().selectedText() == "Pakistan"


def test_help_lists_every_shortcut(qtbot, window, monkeypatch):
    from annotator.gui import dialogs

    shown = {}
    monkeypatch.setattr(dialogs.HelpDialog, "exec", lambda self: shown.setdefault("rows", self.table.rowCount()))
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    assert shown["rows"] > 30
    keys = {a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()}
    assert {"Q", "S", "C", "1", "Del", "Ctrl+Z", "Ctrl+Return", "Ctrl+F", "F1"} <= keys


def test_annotator_is_remembered_and_changeable(qtbot, window, monkeypatch):
    from annotator.gui.dialogs import AnnotatorNameDialog
    from annotator.gui.main_window import MainWindow

    monkeypatch.setattr(AnnotatorNameDialog, "ask", classmethod(lambda cls, parent, current="": "bob"))
    again = MainWindow(window.store.path)
    qtbot.addWidget(again)
    assert again.annotator == "alice"  # remembered, not asked
    again.change_annotator()
    assert again.annotator == "bob"
    again.set_status(Status.DONE)
    with fresh(window.store.path) as store:
        assert store.status(again.doc.id, "bob") is Status.DONE
        assert store.status(again.doc.id, "alice") is not Status.DONE
    again.close()


def test_layout_and_last_document_are_remembered(qtbot, window):
    from annotator.gui.main_window import MainWindow

    window.open_document(window.doc_ids[2])
    window.docks["tags"].hide()
    window.close()
    again = MainWindow(window.store.path)
    qtbot.addWidget(again)
    assert again.doc.id == window.doc_ids[2]
    assert again.docks["tags"].isHidden()


def test_quote_hover_and_selection_highlight_speaker(qtbot, window):
    view = window.view
    qs, qe = view.offsets.range_to_qt(12, 27)
    point = view.range_rects(qs, qe)[0].center().toPoint()
    qtbot.mouseMove(view.viewport(), pos=point)
    qtbot.mouseMove(view.viewport(), pos=point + QPoint(1, 0))
    assert view.hovered_quote_id is not None
    assert view._active_quote().speaker == (0, 5)


@pytest.mark.parametrize(("key", "expected"), [(Qt.Key.Key_PageDown, 2), (Qt.Key.Key_PageUp, 0)])
def test_next_document_from_one_that_left_the_filtered_list(qtbot, window, key, expected):
    """Attack 15b #11: status filter "new", open document 2, Ctrl+D, F5 (document 2 leaves the list), Ctrl+PgDn
    opened document 1 (the top), not document 3. The neighbours are by position, as if it were still there."""
    first, second, third = window.doc_ids
    box = window.doc_list.status_box
    box.setCurrentIndex(box.findData(Status.NEW.value))
    window.open_document(second)
    qtbot.keyClick(window.view, Qt.Key.Key_D, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_F5)
    assert window.doc_model.row_of(second) is None and window.doc.id == second  # left the list, still open
    qtbot.keyClick(window.view, key, CTRL)
    assert window.doc.id == window.doc_ids[expected]


def test_before_any_edit_the_save_state_is_not_a_bare_saved(qtbot, window):
    """Attack 15b #17: the status bar said "Saved" at start-up, before any edit; "Saved hh:mm:ss" comes only
    from a committed edit."""
    import re

    assert window.save_label.text() == "All saved"
    window.view.select_range(32, 38)
    window.apply_label("DATE")
    assert re.fullmatch(r"Saved \d\d:\d\d:\d\d", window.save_label.text()), window.save_label.text()
    window.open_document(window.doc_ids[1])
    assert window.save_label.text() == "All saved"
