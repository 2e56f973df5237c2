"""Full garbage collections stay out of edits (gui/gc_pauses.py): the objects of a shown document are frozen, an
edit triggers no scan of them, and cyclic garbage left by the previous document is still reclaimed once the
window is idle. Driven through the real window: open, edit with the real label action, wait for the idle timer."""

from __future__ import annotations

import gc
import weakref

from tests.gui.conftest import add_article


class _Cycle:
    def __init__(self):
        self.me = self


def test_a_shown_document_is_frozen_and_edits_do_not_rescan_it(window, qtbot):
    doc_id = window.doc.id
    window.open_document(doc_id)
    assert gc.get_freeze_count() > 0, "the objects of the shown document were not moved out of the collector's way"
    frozen = gc.get_freeze_count()
    window.view.select_range(0, 4)
    window.apply_label("ORG")
    # an edit may freeze nothing new, but it must not give the document's objects back to the collector
    assert gc.get_freeze_count() >= frozen * 0.9


def test_cyclic_garbage_from_an_earlier_document_is_collected_when_the_window_is_idle(window, qtbot):
    window.gc_pauses._idle.setInterval(50)
    garbage = _Cycle()
    alive = weakref.ref(garbage)
    del garbage
    gc.freeze()  # as if it had been frozen with the document shown before
    other = add_article(window.store, "A second article about Paris and Rome.", "Second")
    window.open_document(other)
    assert alive() is not None  # frozen cycles survive ordinary collections
    gc.collect()
    assert alive() is not None
    before = window.gc_pauses.full_collections
    qtbot.waitUntil(lambda: window.gc_pauses.full_collections > before, timeout=3000)
    assert alive() is None, "the idle full collection did not reclaim cyclic garbage from the earlier document"


def test_edits_put_the_idle_collection_off_and_closing_unfreezes(window, qtbot):
    window.gc_pauses._idle.setInterval(400)
    window.open_document(window.doc.id)
    before = window.gc_pauses.full_collections
    for start in (0, 10, 20):
        qtbot.wait(150)
        window.view.select_range(start, start + 3)
        window.apply_label("ORG")
    assert window.gc_pauses.full_collections == before, "a full collection ran while the person was editing"
    qtbot.waitUntil(lambda: window.gc_pauses.full_collections > before, timeout=3000)
    window.close()
    assert gc.get_freeze_count() == 0
