"""Resizing the selected entity or quote by dragging an edge with the mouse: resize cursor over the edge,
live preview, snapping to words (or not), one undoable edit per drag, written on release."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from tests.gui.test_main_window import click_span, entities, quote_rows, redo, undo

LEFT = Qt.MouseButton.LeftButton


def qt_rect(window, start: int, end: int):
    return window.view.range_rects(*window.view.offsets.range_to_qt(start, end))[0]


def edge_point(window, start: int, end: int, edge: str) -> QPoint:
    r = qt_rect(window, start, end)
    return QPoint(round(r.left() if edge == "start" else r.right()), round(r.center().y()))


def drag(qtbot, window, src: QPoint, *targets: QPoint) -> None:
    viewport = window.view.viewport()
    qtbot.mousePress(viewport, LEFT, pos=src)
    for target in targets:
        qtbot.mouseMove(viewport, pos=target)
    qtbot.mouseRelease(viewport, LEFT, pos=targets[-1])


def test_resize_cursor_over_the_selected_entity_edges_only(qtbot, window):
    viewport = window.view.viewport()
    edge = edge_point(window, 59, 67, "end")  # "Pakistan", not selected yet
    qtbot.mouseMove(viewport, pos=edge + QPoint(-1, 0))  # (a move to where the pointer already is is dropped)
    assert viewport.cursor().shape() != Qt.CursorShape.SizeHorCursor
    click_span(qtbot, window, 59, 67)
    qtbot.mouseMove(viewport, pos=edge)
    assert viewport.cursor().shape() == Qt.CursorShape.SizeHorCursor
    qtbot.mouseMove(viewport, pos=qt_rect(window, 59, 67).center().toPoint())  # the middle: no edge
    assert viewport.cursor().shape() == Qt.CursorShape.IBeamCursor


def test_dragging_the_end_snaps_to_words_and_is_one_undoable_edit(qtbot, window):
    click_span(qtbot, window, 59, 67)
    entity_id = window.view.selected_entity_id
    before = window.undo_stack.count()
    india = qt_rect(window, 72, 77)  # "India"
    through = [qt_rect(window, 68, 71).center().toPoint(),  # "and"
               QPoint(round(india.right()) - 2, round(india.center().y()))]
    viewport = window.view.viewport()
    qtbot.mousePress(viewport, LEFT, pos=edge_point(window, 59, 67, "end"))
    for target in through:
        qtbot.mouseMove(viewport, pos=target)
    preview = window.view.index.entities.by_id[entity_id]
    assert (preview.start, preview.end) == (59, 77)  # shown while dragging...
    assert (59, 67, "GPE") in entities(window)  # ...written only on release
    qtbot.mouseRelease(viewport, LEFT, pos=through[-1])
    assert (59, 77, "GPE") in entities(window) and (59, 67, "GPE") not in entities(window)
    assert window.undo_stack.count() == before + 1  # one command for the whole drag
    assert window.undo_stack.command(before).text() == "Resize entity"
    assert window.view.selected_entity_id == entity_id and not window.view.textCursor().hasSelection()
    undo(qtbot, window)
    assert (59, 67, "GPE") in entities(window)
    assert (window.view.index.entities.by_id[entity_id].start, window.view.index.entities.by_id[entity_id].end) == (59, 67)
    redo(qtbot, window)
    assert (59, 77, "GPE") in entities(window)


def test_dragging_the_start_into_a_word_snaps_to_its_nearer_boundary(qtbot, window):
    click_span(qtbot, window, 59, 67)
    visited = qt_rect(window, 51, 58)
    near_its_start = QPoint(round(visited.left() + visited.width() * 0.2), round(visited.center().y()))
    drag(qtbot, window, edge_point(window, 59, 67, "start"), near_its_start)
    assert (51, 67, "GPE") in entities(window)


def test_with_snapping_off_the_edge_lands_between_any_characters(qtbot, window):
    qtbot.keyClick(window.view, "w")
    assert not window.view.snapping
    click_span(qtbot, window, 59, 67)
    d_of_india = qt_rect(window, 74, 75)
    drag(qtbot, window, edge_point(window, 59, 67, "end"), QPoint(round(d_of_india.left()), round(d_of_india.center().y())))
    assert (59, 74, "GPE") in entities(window)


def test_an_edge_cannot_pass_the_other_and_a_drag_back_writes_nothing(qtbot, window):
    click_span(qtbot, window, 59, 67)
    before = window.undo_stack.count()
    end = edge_point(window, 59, 67, "end")
    drag(qtbot, window, end, edge_point(window, 51, 58, "start"), end)  # past the start, then back home
    assert (59, 67, "GPE") in entities(window) and window.undo_stack.count() == before
    drag(qtbot, window, end, edge_point(window, 51, 58, "start"))  # past the start: stops at the last valid place
    assert (59, 67, "GPE") in entities(window) and window.undo_stack.count() == before


def test_dragging_the_selected_quote_start(qtbot, window):
    click_span(qtbot, window, 15, 19)  # inside the quote, off any entity: selects the quote
    assert window.view.selected_quote_id is not None and window.view.selected_entity_id is None
    said = qt_rect(window, 6, 10)
    drag(qtbot, window, edge_point(window, 12, 27, "start"), QPoint(round(said.left()) + 1, round(said.center().y())))
    assert (6, 27, "direct", (0, 5), (6, 10)) in quote_rows(window)
    assert window.undo_stack.command(window.undo_stack.count() - 1).text() == "Resize quote"
    undo(qtbot, window)
    assert (12, 27, "direct", (0, 5), (6, 10)) in quote_rows(window)


def test_escape_during_a_drag_cancels_it(qtbot, window):
    click_span(qtbot, window, 59, 67)
    viewport = window.view.viewport()
    qtbot.mousePress(viewport, LEFT, pos=edge_point(window, 59, 67, "end"))
    qtbot.mouseMove(viewport, pos=qt_rect(window, 72, 77).center().toPoint())
    assert window.view.drag is not None
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.view.drag is None and window.view.selected_entity_id is not None
    entity = window.view.index.entities.by_id[window.view.selected_entity_id]
    assert (entity.start, entity.end) == (59, 67)
    qtbot.mouseRelease(viewport, LEFT, pos=qt_rect(window, 72, 77).center().toPoint())
    assert (59, 67, "GPE") in entities(window)


def test_a_read_only_view_offers_no_edges(qtbot, window):
    click_span(qtbot, window, 59, 67)
    window.view.resizable = False  # as the review window uses the view
    drag(qtbot, window, edge_point(window, 59, 67, "end"), qt_rect(window, 72, 77).center().toPoint())
    assert window.view.drag is None and (59, 67, "GPE") in entities(window)
