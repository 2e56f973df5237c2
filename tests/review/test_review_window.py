"""Review mode driven through its widgets: resolve a label, a boundary, a speaker and a tag; undo; bulk accept."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget

from annotator.core.model import Status, TextRange
from annotator.core.store import Store
from annotator.gui.review_dialogs import EntityEditDialog
from annotator.gui.review_window import ReviewWindow
from tests.review.conftest import put_version, quote
from tests.review.test_review_adjudication import TEXT, two_versions
from tests.review.items_view import ItemsTable


def click_item(qtbot, window, key):
    table = ItemsTable(window)
    for row in range(table.rowCount()):
        cell = table.item(row, 0)
        if cell.data(Qt.ItemDataRole.UserRole) == key:
            table.scrollToItem(cell)
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(cell).center())
            assert window.selected_item().key == key
            return row
    raise AssertionError(f"{key} is not listed")


def click(qtbot, window, name):
    button = window.findChild(QPushButton, name)
    assert button is not None and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def gold_of(db_path, doc_id):
    with Store(db_path, readonly=True) as fresh:
        return fresh.annotation_set(doc_id, "gold")


def test_resolve_label_boundary_speaker_and_tag(qtbot, store, add_doc, db_path):
    d = two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    table = ItemsTable(window)
    assert table.rowCount() == 5  # only disagreements are listed
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        "Item", "Kind", "Gold", "alice", "bob"
    ]
    click_item(qtbot, window, "entity:28:37")  # label: alice GPE, bob LOC
    assert window.article.selected_range() == (28, 37)  # the article highlights the item
    click(qtbot, window, "take_bob")
    click_item(qtbot, window, "entity:39:48")  # boundary: alice "Aziz", bob "Aziz met"
    click(qtbot, window, "take_bob")
    click_item(qtbot, window, "speaker:1:12")  # speaker: alice Kerry, bob Aziz
    click(qtbot, window, "take_alice")
    click_item(qtbot, window, "tag:opinion")  # tag: alice yes, bob no
    click(qtbot, window, "take_alice")
    assert "0 unresolved" in window.items_summary.text()

    gold = gold_of(db_path, d)
    assert [(e.start, e.end, e.label) for e in gold.entities] == [(14, 19, "PERSON"), (28, 37, "LOC"), (39, 48, "PERSON")]
    assert [(q.start, q.end, q.speaker, q.speaker_name) for q in gold.quotes] == [(1, 12, TextRange(14, 19), "John Kerry")]
    assert gold.document_tags() == ["opinion", "wire-copy"]

    window.undo_action.trigger()  # the tag
    assert gold_of(db_path, d).document_tags() == ["wire-copy"]
    window.undo_action.trigger()  # the speaker (it brought the whole quote)
    assert gold_of(db_path, d).quotes == []
    assert "2 unresolved" in window.items_summary.text()
    window.redo_action.trigger()
    assert gold_of(db_path, d).quotes[0].speaker_name == "John Kerry"
    with Store(db_path, readonly=True) as fresh:
        rows = fresh.query("SELECT item_key, chosen_from FROM review_decisions WHERE decision = 'take' ORDER BY id")
        assert ("tag:opinion", "alice") not in [tuple(r) for r in rows]  # undone decisions are forgotten
        assert ("speaker:1:12", "alice") in [tuple(r) for r in rows]
    window.close()


def test_edit_accept_version_and_undo(qtbot, store, add_doc, db_path, monkeypatch):
    d = two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    monkeypatch.setattr(EntityEditDialog, "ask", classmethod(lambda cls, *a, **k: {"start": 28, "end": 37, "label": "FAC"}))
    click_item(qtbot, window, "entity:28:37")
    click(qtbot, window, "editButton")
    assert [(e.start, e.end, e.label) for e in gold_of(db_path, d).entities if e.start == 28] == [(28, 37, "FAC")]
    click(qtbot, window, "accept_alice")
    gold = gold_of(db_path, d)
    assert gold.status is Status.DONE
    assert [(e.start, e.end, e.label) for e in gold.entities] == [(14, 19, "PERSON"), (28, 37, "GPE"), (39, 43, "PERSON")]
    assert "0 unresolved" in window.items_summary.text()
    window.undo_action.trigger()
    assert [e.label for e in gold_of(db_path, d).entities if e.start == 28] == ["FAC"]
    window.undo_action.trigger()
    assert [e.label for e in gold_of(db_path, d).entities if e.start == 28] == []
    window.close()


def test_queue_and_accept_identical(qtbot, store, add_doc, db_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    differ = two_versions(store, add_doc)
    same = add_doc("Kerry met Aziz.", "same")
    put_version(store, same, "alice", entities=[(0, 5, "PERSON")], quotes=[quote(0, 5)])
    put_version(store, same, "bob", entities=[(0, 5, "PERSON")], quotes=[quote(0, 5)])
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    queue = window.findChild(QTableWidget, "reviewQueue")
    assert [queue.item(r, 0).text() for r in range(queue.rowCount())] == [str(differ), str(same)]
    assert window.review.doc_id == differ  # most disagreement first
    window.identical_action.trigger()
    assert gold_of(db_path, same).status is Status.DONE
    assert queue.item(1, 3).text() == "done"
    qtbot.mouseClick(queue.viewport(), Qt.MouseButton.LeftButton, pos=queue.visualItemRect(queue.item(1, 1)).center())
    assert window.review.doc_id == same
    assert window.chart.rows and window.chart.rows[0][0] == "all labels"
    window.grab()  # paints the chart and the article without error
    window.close()


def test_figures_in_background(qtbot, store, add_doc, db_path):
    d = two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita", background=True)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.review is not None, timeout=10_000)
    assert window.review.doc_id == d
    assert [e.doc_id for e in window.queue_entries] == [d]
    assert "alice, bob" in window.corpus_figures.text()
    qtbot.waitUntil(lambda: window._figures_run is None, timeout=10_000)
    window.close()


def test_figures_failing_in_background_are_told_in_the_status_bar_from_the_gui_thread(qtbot, store, add_doc, db_path,
                                                                                  monkeypatch):
    import threading

    from annotator.gui import review_window as review_window_module

    two_versions(store, add_doc)

    def broken_task(**_options):
        def task(store, on_progress, should_cancel):
            raise RuntimeError("disk on fire")
        return task

    monkeypatch.setattr(review_window_module, "review_figures_task", broken_task)
    window = ReviewWindow(db_path, "rita", background=True)
    qtbot.addWidget(window)
    shown = []
    status = window.statusBar()
    monkeypatch.setattr(status, "showMessage", lambda text, *a: shown.append(
        (text, threading.current_thread() is threading.main_thread())))
    qtbot.waitUntil(lambda: window._figures_run is None, timeout=10_000)
    assert shown == [("Review figures failed: RuntimeError: disk on fire", True)]
    window.close()


def test_resolve_span_tag_through_the_window(qtbot, store, add_doc, db_path):
    from tests.review.test_review_span_tags import span_tags_of, tagged_versions

    d = tagged_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    table = ItemsTable(window)
    row = click_item(qtbot, window, "spantag:entity:14:19:key")
    assert table.item(row, 0).text() == f"#key on {TEXT[14:19]}"
    assert table.item(row, 1).text() == "entity tag"
    assert [table.item(row, c).text() for c in (3, 4)] == ["yes", "no"]
    assert not window.edit_button.isEnabled()
    click(qtbot, window, "take_alice")
    assert table.item(row, 2).text() == "✓ yes"
    assert span_tags_of(gold_of(db_path, d)) == {("entity", 14, 19): ["key", "named"]}
    row = click_item(qtbot, window, "spantag:quote:1:12:attributed")
    assert table.item(row, 1).text() == "quote tag"
    click(qtbot, window, "rejectButton")
    assert ("quote", 1, 12) not in span_tags_of(gold_of(db_path, d))
    with Store(db_path, readonly=True) as fresh:
        rows = [tuple(r) for r in fresh.query(
            "SELECT item_key, decision, chosen_from FROM review_decisions WHERE item_key LIKE 'spantag:%' "
            "AND decision != 'auto' ORDER BY id")]
    assert rows == [("spantag:entity:14:19:key", "take", "alice"), ("spantag:quote:1:12:attributed", "reject", None)]
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert span_tags_of(gold_of(db_path, d)) == {("entity", 14, 19): ["named"]}
    window.close()


def test_next_and_previous_unresolved_keys(qtbot, store, add_doc, db_path):
    two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts fire only in the active window
    table = ItemsTable(window)
    table.setFocus()
    order = [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(table.rowCount())]
    assert window.selected_item().key == order[0]  # opening a document selects the first unresolved item
    qtbot.keyClick(table.view, Qt.Key.Key_J)
    assert window.selected_item().key == order[1]
    qtbot.keyClick(table.view, Qt.Key.Key_J)
    assert window.selected_item().key == order[2]
    qtbot.keyClick(table.view, Qt.Key.Key_K)
    assert window.selected_item().key == order[1]
    click_item(qtbot, window, order[3])
    click(qtbot, window, "take_alice")  # settles order[3]; the selection moves on
    click_item(qtbot, window, order[2])
    qtbot.keyClick(table.view, Qt.Key.Key_J)  # skips the resolved item
    assert window.selected_item().key == order[4]
    qtbot.keyClick(table.view, Qt.Key.Key_J)  # wraps around
    assert window.selected_item().key == order[0]
    qtbot.keyClick(table.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Ctrl+2: take bob's choice

    def decided_by():
        with Store(db_path, readonly=True) as fresh:
            return [r[0] for r in fresh.query("SELECT chosen_from FROM review_decisions WHERE item_key = ?", (order[0],))]

    qtbot.waitUntil(lambda: decided_by() == ["bob"])  # a button's shortcut clicks it after a short animation
    assert window.selected_item().key == order[1]  # ... and the selection moves to the next unresolved item
    window.close()


def test_key_help_lists_every_shortcut(qtbot, store, add_doc, db_path):
    two_versions(store, add_doc)
    window = ReviewWindow(db_path, "rita")
    qtbot.addWidget(window)
    keys = dict(window.key_help())
    assert keys["J / K"] == "next / previous unresolved item"
    assert "1 alice, 2 bob" in keys["Ctrl+1…2"]
    assert {"Del", "Ctrl+Down", "F1"} <= set(keys)
    assert "J / K: next / previous unresolved item" in window.items_table.toolTip()
    box = window.show_key_help()
    assert "Ctrl+Return" in box.text() or "Ctrl+Enter" in box.text()
    box.close()
    window.close()
