"""Attack 15b #5: two windows open under one name (or a window and another program) race for the first edit of
a document, or edit an entity the other deleted. The loser is told what happened, in words: not "the model's
version of this document changed" (it had not), not "no entity with id 2051"."""

from __future__ import annotations

import pytest

from annotator.core import ops
from annotator.core.model import AnnotationSet, Document, Entity, Origin
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

TEXT = "Angela Merkel visited Rome and met Mario Draghi on Tuesday."


def make_db(db_path) -> int:
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT, title="Merkel visit"))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="model", entities=[
            Entity(0, 13, "PERSON", Origin.MODEL), Entity(22, 26, "GPE", Origin.MODEL)]))
    return doc_id


def open_as(qtbot, db_path, name="alice") -> MainWindow:
    window = MainWindow(db_path, name)
    qtbot.addWidget(window)
    return window


def first_entity(window) -> int:
    return min(window.view.index.entities.by_id)


def said(window) -> str:
    return window.save_label.toolTip()


def alice_labels(db_path, doc_id) -> list[tuple[int, int, str]]:
    aset = Store(db_path, readonly=True).annotation_set(doc_id, "alice")
    return sorted((e.start, e.end, e.label) for e in aset.entities) if aset else []


@pytest.mark.parametrize("other_edit", ["relabel", "add", "delete"])
def test_losing_the_first_edit_race_to_another_window_says_so(qtbot, db_path, other_edit):
    doc_id = make_db(db_path)
    a, b = open_as(qtbot, db_path), open_as(qtbot, db_path)
    assert a.borrowed and b.borrowed  # neither has alice's own set yet
    b.select_entity(first_entity(b))
    if other_edit == "relabel":
        b.apply_label("ORG")
    elif other_edit == "add":
        b.push(b.edits.add_entity(35, 47, "PERSON"))
    else:
        b.delete_selected()
    after_b = alice_labels(db_path, doc_id)
    assert after_b  # b made alice's set

    a.select_entity(first_entity(a))
    a.apply_label("NORP")  # a still shows the model's version, borrowed
    assert "another window or program" in said(a), said(a)
    assert "model's version" not in said(a)
    assert alice_labels(db_path, doc_id) == after_b  # a's edit wrote nothing
    assert not a.borrowed  # a now shows alice's own set, as b left it
    shown = sorted((s.entity.start, s.entity.end, s.label) for s in a.view.index.entities.ordered())
    assert shown == after_b


def test_losing_the_first_edit_to_another_program_says_so(qtbot, db_path):
    doc_id = make_db(db_path)
    window = open_as(qtbot, db_path)
    with Store(db_path) as cli:  # an import or a script writes alice's set first
        ops.add_entity(cli, doc_id=doc_id, annotator="alice", start=35, end=47, label="PERSON")
    window.select_entity(first_entity(window))
    window.apply_label("ORG")
    assert "another window or program" in said(window) and "model" not in said(window)


def test_editing_an_entity_deleted_in_another_window_says_so_in_words(qtbot, db_path):
    doc_id = make_db(db_path)
    with Store(db_path) as store:
        store.ensure_annotation_set(doc_id, "alice")
    window = open_as(qtbot, db_path)
    target = first_entity(window)
    window.select_entity(target)
    with Store(db_path) as other:  # window B deletes it
        ops.delete_entity(other, entity_id=target)
    window.apply_label("ORG")
    assert said(window).startswith("Not saved: that entity was deleted meanwhile in another window or program")
    assert str(target) not in said(window) and " id " not in said(window)
    assert target not in window.view.index.entities.by_id  # the document is shown as it is now
    assert alice_labels(db_path, doc_id) == [(22, 26, "GPE")]
