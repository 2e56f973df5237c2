"""Issue 15, defect 4: opening a document is a look, not an annotation. A person's set exists from their first
edit or status change; until then the window shows the model's pre-extraction and nothing is written, so
"Annotated by", review and agreement see no untouched copies."""

from __future__ import annotations

import pytest

from annotator.core.model import Status, TargetKind
from annotator.core.store import Store
from annotator.review.versions import documents_with_versions, load_versions
from tests.gui.conftest import fresh


@pytest.fixture
def looker(qtbot, seeded, monkeypatch):
    """A window for bob, who has never worked on these documents."""
    from annotator.gui.main_window import MainWindow

    db_path, ids = seeded
    win = MainWindow(db_path, "bob")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.doc_ids = ids
    return win


def bob_set(window, doc_id):
    with fresh(window.store.path) as store:
        return store.annotation_set(doc_id, "bob")


def test_opening_documents_writes_no_set(looker):
    for doc_id in looker.doc_ids:
        looker.open_document(doc_id)
        assert looker.view.index.entities.by_id or doc_id == looker.doc_ids[2]  # the model's spans are shown
    with fresh(looker.store.path) as store:
        assert all(store.annotation_set(d, "bob") is None for d in looker.doc_ids)
        assert all("bob" not in store.annotators_of(d) for d in looker.doc_ids)
    row = looker.doc_model.row_of(looker.doc_ids[0])
    assert "bob" not in (looker.doc_model.index(row, 4).data() or "")


def test_review_and_agreement_do_not_see_a_look(looker):
    looker.open_document(looker.doc_ids[1])
    with Store(looker.store.path) as store:
        assert documents_with_versions(store, ["bob", "model"], minimum=2, statuses=[Status.NEW, Status.IN_PROGRESS,
                                                                                      Status.DONE]) == []
        assert "bob" not in load_versions(store, looker.doc_ids[1], ["bob", "model"],
                                          statuses=list(Status))


def test_first_relabel_of_a_model_entity_makes_the_set_and_edits_the_copy(looker):
    doc_id = looker.doc_ids[0]
    model_ids = sorted(looker.view.index.entities.by_id)
    looker.select_entity(model_ids[2])  # GPE "Pakistan"
    looker.apply_label("LOC")
    own = bob_set(looker, doc_id)
    assert own is not None and own.status is Status.IN_PROGRESS
    assert {(e.start, e.end, e.label) for e in own.entities} == {(0, 5, "PERSON"), (40, 50, "PERSON"), (59, 67, "LOC")}
    with fresh(looker.store.path) as store:  # the model's own set is untouched
        assert {e.label for e in store.annotation_set(doc_id, "model").entities} == {"PERSON", "GPE"}
    assert set(looker.view.index.entities.by_id) == {e.id for e in own.entities}  # the window shows the copies
    assert looker.view.index.entities.by_id[looker.view.selected_entity_id].label == "LOC"
    looker.undo_stack.undo()
    assert {e.label for e in bob_set(looker, doc_id).entities} == {"PERSON", "GPE"}


def test_first_delete_of_a_model_quote_and_first_tag_go_to_the_copies(looker):
    doc_id = looker.doc_ids[0]
    (quote_id,) = looker.view.index.quotes.by_id
    looker.on_tag_toggled(TargetKind.QUOTE.value, quote_id, "important", True)
    own = bob_set(looker, doc_id)
    (own_quote,) = own.quotes
    assert own.tags_of(TargetKind.QUOTE, own_quote.id) == ["important"]
    looker.select_quote(own_quote.id)
    looker.delete_selected()
    assert bob_set(looker, doc_id).quotes == []
    with fresh(looker.store.path) as store:
        assert len(store.annotation_set(doc_id, "model").quotes) == 1


def test_a_status_change_makes_the_set(looker):
    looker.open_document(looker.doc_ids[1])
    looker.set_status(Status.SKIPPED)
    assert bob_set(looker, looker.doc_ids[1]).status is Status.SKIPPED
    assert bob_set(looker, looker.doc_ids[0]) is None
