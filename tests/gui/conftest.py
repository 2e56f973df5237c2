"""GUI fixtures: a database with pre-annotated documents, and the window on it (annotator "alice")."""

from __future__ import annotations

import pytest

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Quote, QuoteType, Status, TextRange
from annotator.core.store import Store

TEXT = 'Kerry said "we must act now" on Monday.\nJohn Kerry visited Pakistan and India.\nThe talks ended.'
#       0    5    10   15   20   25   30   35   40


def add_article(store: Store, text: str = TEXT, title: str = "Kerry visit", *, entities=None, quotes=None) -> int:
    doc_id, _ = store.add_document(Document(text=text, title=title))
    store.replace_annotation_set(
        AnnotationSet(
            doc_id=doc_id,
            annotator=MODEL_ANNOTATOR,
            status=Status.DONE,
            entities=entities if entities is not None else [
                Entity(0, 5, "PERSON"), Entity(40, 50, "PERSON"), Entity(59, 67, "GPE")
            ],
            quotes=quotes if quotes is not None else [
                Quote(12, 27, QuoteType.DIRECT, speaker=TextRange(0, 5), speaker_name="Kerry", cue=TextRange(6, 10))
            ],
        )
    )
    return doc_id


@pytest.fixture
def seeded(db_path):
    """A database with three documents, the first as in TEXT."""
    with Store(db_path) as store:
        ids = [add_article(store)]
        ids.append(add_article(store, "Second article about Paris.", "Second", entities=[Entity(21, 26, "GPE")], quotes=[]))
        ids.append(add_article(store, "Third article.", "Third", entities=[], quotes=[]))
    return db_path, ids


@pytest.fixture
def window(qtbot, seeded, monkeypatch):
    from annotator.gui.dialogs import AnnotatorNameDialog
    from annotator.gui.main_window import MainWindow

    monkeypatch.setattr(AnnotatorNameDialog, "ask", classmethod(lambda cls, parent, current="": "alice"))
    db_path, ids = seeded
    with Store(db_path) as store:  # alice has worked on the first document before (her set exists: issue 15's
        store.ensure_annotation_set(ids[0], "alice")  # lazily made sets are tested in test_own_set.py)
    win = MainWindow(db_path)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.view.setFocus()
    win.doc_ids = ids
    return win


def fresh(db_path) -> Store:
    """A second connection, as another process would see the file."""
    return Store(db_path)
