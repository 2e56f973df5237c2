"""Issue 17 after the black-box attack, through real widgets: the find bar compares Unicode NFC, a quote over
spaces is refused like an entity, long names get a readable tooltip, the tag-set editor refuses names that look
blank, reversed or padded."""

from __future__ import annotations

import unicodedata

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import AnnotationSet, Document, Entity, Status
from annotator.core.names import name_problem
from annotator.core.store import Store
from annotator.gui.dialogs import TagSetDialog
from annotator.gui.main_window import MainWindow
from annotator.gui.plain import name_tooltip


def open_window(qtbot, db_path, text: str, *entities: tuple[int, int, str]):
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=text, title="Attack"))
        store.replace_annotation_set(AnnotationSet(
            doc_id=doc_id, annotator="alice", status=Status.IN_PROGRESS,
            entities=[Entity(s, e, label) for s, e, label in entities],
        ))
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    if window.snap_action.isChecked():
        window.snap_action.trigger()
    return window


CAFE = "The café in Zürich reopened, said Zoë Müller."


@pytest.mark.parametrize("doc_form", ["NFC", "NFD"])
@pytest.mark.parametrize("query_form", ["NFC", "NFD"])
@pytest.mark.parametrize("word", ["Zürich", "café", "Zoë Müller"])
def test_the_find_bar_finds_either_normalisation_form(qtbot, db_path, doc_form, query_form, word):
    window = open_window(qtbot, db_path, unicodedata.normalize(doc_form, CAFE))
    window.find_bar.open()
    window.find_bar.box.setText(unicodedata.normalize(query_form, word))
    assert window.find_bar.find_next()
    selected = window.view.textCursor().selectedText()
    assert unicodedata.normalize("NFC", selected) == unicodedata.normalize("NFC", word)


@pytest.mark.parametrize("blank", ["  ", "\u200b\u3164"])
def test_q_on_spaces_alone_saves_no_quote(qtbot, db_path, blank):
    text = f"Kerry said \"we will win\" today.{blank}End."
    window = open_window(qtbot, db_path, text)
    start = text.index(blank)
    window.view.select_range(start, start + len(blank))
    qtbot.keyClick(window.view, "q")
    with Store(db_path, readonly=True) as store:
        aset = store.annotation_set(1, "alice")
        assert aset is None or aset.quotes == []
    assert "visible character" in window.save_label.toolTip()


LONG = "VERY_LONG_LABEL_" * 625  # 10,000 characters


def test_a_long_names_tooltip_is_wrapped_and_cut_to_a_readable_size():
    tip = name_tooltip(LONG)
    lines = tip.split("<br>")
    assert len(tip) < 3000 and all(len(line) < 140 for line in lines)
    assert "10,000 characters" in tip and LONG[:80] in tip
    assert name_tooltip("PERSON") == "PERSON"


def test_the_pill_and_panel_tooltips_of_a_long_label_are_readable(qtbot, db_path):
    window = open_window(qtbot, db_path, "John met Ann in Paris.", (0, 4, LONG))
    model = window.entity_model
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert LONG[:80] in tip and len(tip) < 3000 and "<br>" in tip


@pytest.mark.parametrize("bad", ["\u200b", "ab\u202ecd", "\ufeffPERSON", "PER\u200bSON", "PER\u00a0SON", "\u3164",
                                 "PERSON\u00a0"])
def test_the_tag_set_editor_refuses_names_that_look_blank_reversed_or_padded(qtbot, db_path, monkeypatch, bad):
    warnings = []
    monkeypatch.setattr("annotator.gui.dialogs.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    with Store(db_path) as store:
        dialog = TagSetDialog(store)
        qtbot.addWidget(dialog)
        dialog.inputs["document"].setText(bad)
        qtbot.keyClick(dialog.inputs["document"], Qt.Key.Key_Return)
        assert bad not in store.tag_set("document")
        assert all(name_problem(tag) is None for tag in store.tag_set("document"))  # typed edges may be trimmed
        if bad.strip() == bad and dialog.inputs["document"].text() == bad:
            assert warnings and ("U+" in warnings[0] or "visible" in warnings[0])
