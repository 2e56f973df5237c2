"""Two instances on one database: the window shows what another connection saved, and an undo that the other
window made impossible is refused with a message instead of failing silently."""

from __future__ import annotations

from annotator.core import ops
from annotator.core.model import AnnotationSet, Document, Entity, Origin
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

TEXT = "Kerry met Aziz in Islamabad on Tuesday."


def make_db(db_path) -> int:
    with Store(db_path) as store:
        doc_id, _ = store.add_document(Document(text=TEXT, title="Talks"))
        store.replace_annotation_set(
            AnnotationSet(doc_id=doc_id, annotator="model", entities=[Entity(0, 5, "PERSON", Origin.MODEL)])
        )
    return doc_id


def test_the_window_shows_changes_saved_by_another_connection(qtbot, db_path):
    doc_id = make_db(db_path)
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    assert window.entity_model.rowCount() == 1
    with Store(db_path) as other:  # a second window / a CLI process, same annotator
        ops.add_entity(other, doc_id=doc_id, annotator="alice", start=10, end=14, label="PERSON")
    window.refresh_if_changed_elsewhere()
    assert window.entity_model.rowCount() == 2
    assert sorted(window.view.index.entities.by_id) == sorted(
        e.id for e in Store(db_path, readonly=True).annotation_set(doc_id, "alice").entities
    )
    window.refresh_if_changed_elsewhere()  # nothing new: no reload
    assert window.entity_model.rowCount() == 2


def test_the_watch_timer_picks_changes_up_by_itself(qtbot, db_path):
    doc_id = make_db(db_path)
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.watch_timer.setInterval(20)
    with Store(db_path) as other:
        ops.add_entity(other, doc_id=doc_id, annotator="alice", start=18, end=27, label="GPE")
    qtbot.waitUntil(lambda: window.entity_model.rowCount() == 2, timeout=3000)


def test_an_undo_made_impossible_elsewhere_is_reported_and_writes_nothing(qtbot, db_path):
    doc_id = make_db(db_path)
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    (entity_id,) = window.view.index.entities.by_id
    window.select_entity(entity_id)
    window.apply_label("ORG")  # relabel PERSON -> ORG, on the undo stack
    entity_id = window.view.selected_entity_id  # the first edit made alice's own copy of the model's entity
    assert Store(db_path, readonly=True).entity(entity_id).label == "ORG"
    with Store(db_path) as other:  # another window deletes that entity
        ops.delete_entity(other, entity_id=entity_id)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0, timeout=2000)
    assert "Not undone: can't undo" in window.save_label.toolTip()
    # in words, not a row id (attack 15b #5b, #15)
    assert "another window" in window.save_label.toolTip()
    assert f"id {entity_id}" not in window.save_label.toolTip()
    with Store(db_path, readonly=True) as check:
        assert [e.id for e in check.annotation_set(doc_id, "alice").entities] == []
