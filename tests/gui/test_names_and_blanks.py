"""Issue 17 in the window: an entity with no visible character is refused (a label key on spaces, Alt+← down
to a space), a whitespace-edged one is flagged like an off-word one (item 2); long label and tag names are
elided in pills and panels with the full name in the tooltip, and the tag-set editor refuses control
characters (item 8)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core import ops
from annotator.core.model import AnnotationSet, Document, Entity, Status, Tag, TargetKind
from annotator.core.store import Store
from annotator.gui.dialogs import TagPickDialog, TagSetDialog
from annotator.gui.main_window import MainWindow

TEXT = "John  Smith met\u00a0Ann in Paris.\n\nThe end of it."
LONG = "VERY_LONG_LABEL_" * 625  # 10,000 characters


def open_window(qtbot, db_path, *entities: tuple[int, int, str], tags=()):
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT, title="Names"))
        store.replace_annotation_set(AnnotationSet(
            doc_id=doc_id, annotator="alice", status=Status.IN_PROGRESS,
            entities=[Entity(s, e, label) for s, e, label in entities], tags=list(tags),
        ))
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # label keys are window shortcuts: they need the active window
    window.view.setFocus()
    if window.snap_action.isChecked():
        window.snap_action.trigger()  # snapping off (W): selections are kept exactly
    assert not window.snap_action.isChecked()
    return window


def entities(window):
    return {(e.entity.start, e.entity.end, e.label) for e in window.view.index.entities.by_id.values()}


@pytest.mark.parametrize("blank", [(4, 6), (15, 16), (29, 31), (5, 6)])
def test_a_label_key_on_whitespace_alone_is_refused(qtbot, db_path, blank):
    window = open_window(qtbot, db_path)
    window.view.select_range(*blank)
    qtbot.keyClick(window.view, "1")
    assert entities(window) == set()
    assert "Not saved" in window.save_label.text() and "visible character" in window.save_label.toolTip()


def test_alt_left_cannot_shrink_an_entity_to_a_space(qtbot, db_path):
    window = open_window(qtbot, db_path, (4, 7, "PERSON"))  # "  S"
    entity_id = next(iter(window.view.index.entities.by_id))
    window.select_entity(entity_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert entities(window) == {(4, 7, "PERSON")}
    assert "visible character" in window.save_label.toolTip()
    with Store(db_path, readonly=True) as store:
        assert (store.entity(entity_id).start, store.entity(entity_id).end) == (4, 7)


def test_a_whitespace_edged_entity_is_kept_and_flagged_in_the_panel(qtbot, db_path):
    window = open_window(qtbot, db_path, (0, 5, "PERSON"), (6, 11, "PERSON"))  # "John " and "Smith"
    model = window.entity_model
    ragged, clean = (model.row_of(e.id) for e in sorted(
        (s.entity for s in window.view.index.entities.by_id.values()), key=lambda e: e.start))
    assert "starts or ends in whitespace" in model.index(ragged, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(ragged, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(clean, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    window.view.select_range(15, 19)  # drawing a new ragged one with snapping off keeps it as drawn
    qtbot.keyClick(window.view, "3")
    assert any(start == 15 and end == 19 for start, end, _ in entities(window))


def test_a_long_label_is_an_elided_pill_with_the_full_name_in_its_tooltip(qtbot, db_path):
    window = open_window(qtbot, db_path, (0, 4, LONG), (6, 11, "PERSON"))
    window.view.viewport().repaint()
    pills = dict((label, rect) for rect, label in window.view.pill_rects)
    assert set(pills) == {LONG, "PERSON"}
    assert pills[LONG].width() < 200  # about 24 characters, not 10,000 across the whole view
    assert window.view.label_at_point(pills[LONG].center().toPoint()) == LONG
    model = window.entity_model
    row = model.row_of(next(s.entity.id for s in window.view.index.entities.by_id.values() if s.label == LONG))
    assert len(model.index(row, 1).data()) <= 32 and model.index(row, 1).data().endswith("…")
    tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)  # readable: wrapped and cut (attack 11)
    assert LONG[:80] in tip and len(tip) < 3000
    action = next(a for a in window.label_actions if LONG in a.toolTip())  # the legend and Label menu
    assert len(action.text()) < 40 and action.text().endswith("…")


def test_a_label_stored_with_a_newline_or_nul_still_draws_a_pill(qtbot, db_path):
    window = open_window(qtbot, db_path)
    with Store(db_path) as store:  # as an older annotator could have stored it
        store.conn.execute('INSERT INTO entities(doc_id, annotator_id, start, "end", label) VALUES (1, '
                           '(SELECT id FROM annotators WHERE name = ?), 0, 4, ?)', ("alice", "PER\nSON\x00"))
        store.conn.execute('INSERT INTO entities(doc_id, annotator_id, start, "end", label) VALUES (1, '
                           '(SELECT id FROM annotators WHERE name = ?), 6, 11, ?)', ("alice", "\x00"))
    qtbot.keyClick(window.view, Qt.Key.Key_F5)  # re-read the database
    window.view.viewport().repaint()
    assert sorted(label for _rect, label in window.view.pill_rects) == ["\x00", "PER\nSON\x00"]
    assert all(rect.width() > 6 for rect, _label in window.view.pill_rects)  # something drawn in each


def test_long_tag_names_are_elided_in_the_tags_panel_and_picker(qtbot, db_path):
    long_tag = "needs-" + "x" * 5000
    with Store(db_path) as store:
        store.add_to_tag_set(long_tag, "document")
    window = open_window(qtbot, db_path, tags=[Tag(long_tag, TargetKind.DOCUMENT)])
    listing = window.tags_panel.document_list
    item = next(listing.item(i) for i in range(listing.count())
                if listing.item(i).data(Qt.ItemDataRole.UserRole) == long_tag)
    assert long_tag[:80] in item.toolTip() and len(item.toolTip()) < 3000
    assert len(item.text()) <= 32 and item.checkState() == Qt.CheckState.Checked
    toggled = []
    window.tags_panel.toggled.connect(lambda *args: toggled.append(args))
    item.setCheckState(Qt.CheckState.Unchecked)
    assert toggled and toggled[-1][2] == long_tag  # the full name is what gets untagged
    picker = TagPickDialog([long_tag, "short"], {long_tag}, "Tag", window)
    qtbot.addWidget(picker)
    assert long_tag in picker.visible_tags()
    assert max(len(picker.list.item(i).text()) for i in range(picker.list.count())) <= 32


@pytest.mark.parametrize("bad", ["two\nlines", "nul\x00", "tab\there", "sep\u2028arator", "\x1b[31mred"])
def test_the_tag_set_editor_refuses_control_characters(qtbot, db_path, monkeypatch, bad):
    warnings = []
    monkeypatch.setattr("annotator.gui.dialogs.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    with Store(db_path) as store:
        dialog = TagSetDialog(store)
        qtbot.addWidget(dialog)
        before = store.tag_set("document")
        dialog.inputs["document"].setText(bad)
        qtbot.keyClick(dialog.inputs["document"], Qt.Key.Key_Return)
        assert store.tag_set("document") == before
        assert warnings and "U+" in warnings[0] and "one line of visible text" in warnings[0]
        assert dialog.add_tag("document", "fine tag") and "fine tag" in store.tag_set("document")
        with pytest.raises(ValueError, match="control character"):
            store.add_to_tag_set(bad.replace("\u2028", "\n"), "span")
        doc_id, _ = store.add_document(Document(text=TEXT))
        with pytest.raises(ops.EditError, match="U\\+"):
            ops.add_entity(store, doc_id=doc_id, annotator="alice", start=0, end=4, label=bad)


@pytest.mark.parametrize("typed", ["trailing ", " leading", "  both  ", "nbsp\u00a0", "   "])
def test_the_tag_set_editor_refuses_spaces_at_the_ends_never_trims(qtbot, db_path, monkeypatch, typed):
    """Attack 15b #3: "trailing " typed in the tag-set editor was stored as "trailing"; the README says a name
    with a space at either end is refused with a reason, never silently trimmed."""
    warnings = []
    monkeypatch.setattr("annotator.gui.dialogs.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    with Store(db_path) as store:
        dialog = TagSetDialog(store)
        qtbot.addWidget(dialog)
        before = store.tag_set("span")
        dialog.inputs["span"].setText(typed)
        qtbot.keyClick(dialog.inputs["span"], Qt.Key.Key_Return)
        assert store.tag_set("span") == before  # nothing stored, trimmed or not
        assert warnings and "one line of visible text" in warnings[0], warnings
        assert dialog.inputs["span"].text() == typed  # left in the box to be corrected
