"""Issue 15, "who did what": a teammate's or the model's version drawn over yours (View → Compare with…)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QInputDialog

from annotator.core.model import AnnotationSet, Entity, Status
from annotator.core.store import Store
from annotator.gui.version_overlay import (
    LABEL_DIFFERS, MINE_ONLY, NO_COMPARISON, THEIRS_ONLY, comparison_choices, overlay_colors,
)


def _bob(db_path, doc_id, entities):
    with Store(db_path) as store:
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="bob", status=Status.IN_PROGRESS,
                                                   entities=entities, quotes=[]))


def _kinds(window):
    overlay = window.view.overlay
    return sorted((d.kind, d.what, d.start, d.end, d.mine, d.theirs)
                  for d in overlay.differences(window.view.index, 0, window.view.offsets.qt_length))


def test_differences_with_a_teammate(window):
    _bob(window.store.path, window.doc_ids[0],
         [Entity(0, 5, "ORG"), Entity(40, 50, "PERSON"), Entity(32, 38, "DATE")])
    window.compare_with("bob")
    assert _kinds(window) == sorted([
        (LABEL_DIFFERS, "entity", 0, 5, "PERSON", "ORG"),
        (THEIRS_ONLY, "entity", 32, 38, None, "DATE"),
        (MINE_ONLY, "entity", 59, 67, "GPE", None),
        (MINE_ONLY, "quote", 12, 27, None, None),
    ])
    assert "bob: 1 only theirs (dashed), 2 only yours" in window.statusBar().currentMessage()


def test_compare_with_the_model_after_an_edit_and_menu(window, qtbot, monkeypatch):
    window.open_document(window.doc_ids[0])
    window.view.select_entity(window.view.index.entities.ordered()[0].id)
    window.apply_label("ORG")  # alice relabels Kerry
    offered = []

    def pick(parent, title, label, items, current, editable):
        offered.extend(items)
        return "model", True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window.actions_by_id["view.compare"].trigger()
    assert offered[0] == "model" and offered[-1] == NO_COMPARISON and "alice" not in offered
    assert [(k, s, e, m, t) for k, _, s, e, m, t in _kinds(window)] == [(LABEL_DIFFERS, 0, 5, "ORG", "PERSON")]
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: (NO_COMPARISON, True))
    window.actions_by_id["view.compare"].trigger()
    assert window.view.overlay is None and window.compared_with is None


def test_comparison_follows_to_the_next_document(window):
    window.compare_with("model")
    window.open_document(window.doc_ids[1])
    assert window.view.overlay is not None and window.view.overlay.name == "model"
    assert _kinds(window) == []  # alice has not touched it: her view is the model's


def test_paint_asks_for_the_visible_range_only(window, qtbot):
    long_text = " ".join(f"Word{i} Paris" for i in range(20000))
    with Store(window.store.path) as store:
        from tests.gui.conftest import add_article
        doc_id = add_article(store, long_text, "Long", entities=[Entity(7, 12, "GPE")], quotes=[])
    window.open_document(doc_id)
    window.compare_with("model")
    asked = []
    real = window.view.overlay.differences
    window.view.overlay.differences = lambda own, s, e: asked.append((s, e)) or real(own, s, e)
    window.view.viewport().repaint()
    assert asked and all(e - s < len(long_text) // 10 for s, e in asked)


def _count_near(image, color: QColor) -> int:
    hits = 0
    for y in range(0, image.height(), 1):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if abs(c.red() - color.red()) + abs(c.green() - color.green()) + abs(c.blue() - color.blue()) < 60:
                hits += 1
    return hits


def test_marks_are_painted_in_light_and_dark(window, qtbot):
    _bob(window.store.path, window.doc_ids[0], [Entity(0, 5, "ORG"), Entity(32, 38, "DATE")])
    window.compare_with("bob")
    for dark in (False, True):
        palette = QPalette(window.view.palette())
        base = QColor("#1e1e1e") if dark else QColor("#ffffff")
        palette.setColor(QPalette.ColorRole.Base, base)
        palette.setColor(QPalette.ColorRole.Text, QColor("#eeeeee") if dark else QColor("#111111"))
        window.view.setPalette(palette)
        QApplication.processEvents()
        assert window.view.scheme.dark is dark
        theirs, mine = overlay_colors(dark)
        image = window.view.viewport().grab().toImage()
        assert _count_near(image, theirs) > 20, dark
        assert _count_near(image, mine) > 5, dark


def test_choices():
    assert comparison_choices(["alice", "bob", "model"], "alice") == ["model", "bob", NO_COMPARISON]


def test_origin_columns_say_model_or_which_person(window):
    from PySide6.QtCore import Qt

    from annotator.core.model import Origin
    from tests.gui.conftest import add_article

    with Store(window.store.path) as store:
        doc_id = add_article(store, "Paris and Rome.", "Two cities", quotes=[],
                             entities=[Entity(0, 5, "GPE", origin=Origin.MODEL), Entity(10, 14, "GPE", origin=Origin.MODEL)])
    window.open_document(doc_id)
    origins = lambda model: [model.index(r, model.columnCount() - 1).data() for r in range(model.rowCount())]
    assert window.entity_model.headerData(3, Qt.Orientation.Horizontal) == "Origin"
    assert origins(window.entity_model) == ["model", "model"]
    window.view.select_entity(window.view.index.entities.ordered()[0].id)
    window.apply_label("LOC")
    assert origins(window.entity_model) == ["person · alice", "model"]


# -- attack 15 #4: a document the teammate never annotated, counts that follow the document ----------------------

def test_a_document_they_never_annotated_says_so_and_marks_nothing(window, qtbot):
    first, second = window.doc_ids[0], window.doc_ids[1]
    _bob(window.store.path, first, [Entity(0, 5, "ORG")])
    window.open_document(first)
    window.compare_with("bob")
    assert window.view.overlay is not None and window.compare_note.isVisible()
    assert "Comparing with bob" in window.compare_note.text()
    window.open_document(second)  # bob has no set here
    assert window.view.overlay is None  # no all-"only yours" marks
    assert window.compare_note.isVisible()
    assert window.compare_note.text().startswith("bob has no annotations on this document")
    assert "bob has no annotations" in window.statusBar().currentMessage()
    window.open_document(first)  # back: the counts are there again, and stay on screen
    assert window.view.overlay is not None
    assert "1 label differs" in window.compare_note.text()
    window.compare_with(None)
    assert not window.compare_note.isVisible() and window.view.overlay is None


def test_the_counts_follow_each_edit(window):
    first = window.doc_ids[0]
    _bob(window.store.path, first, [Entity(0, 5, "PERSON"), Entity(40, 50, "PERSON"), Entity(59, 67, "GPE")])
    window.open_document(first)
    window.compare_with("bob")
    assert "0 only theirs (dashed), 1 only yours (solid), 0 label differs" in window.compare_note.text()
    window.select_entity([s.id for s in window.view.index.entities.ordered() if s.start == 0][0])
    window.apply_label("ORG")
    assert "1 label differs" in window.compare_note.text()
    window.undo_stack.undo()
    assert "0 label differs" in window.compare_note.text()


def test_the_choices_are_only_who_annotated_this_document(window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    first, third = window.doc_ids[0], window.doc_ids[2]
    _bob(window.store.path, first, [Entity(0, 5, "ORG")])
    offered = []
    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda _p, _t, _l, items, *_a: (offered.append(list(items)), ("", False))[1]))
    window.open_document(first)
    window.choose_comparison()
    window.open_document(third)
    window.choose_comparison()
    assert offered[0] == ["model", "bob", NO_COMPARISON]
    assert "bob" not in offered[1]


def test_choices_without_a_pre_extraction():
    assert comparison_choices(["alice", "bob"], "alice") == ["bob", NO_COMPARISON]


def test_a_difference_on_the_first_line_is_labelled_inside_the_viewport_in_its_own_row(window):
    """Attack 15 #5: the "PERSON ≠ ORG" pill of the headline was drawn above the article's top edge, and the
    overlay's pills sat in the previous line's pill row."""
    _bob(window.store.path, window.doc_ids[0],
         [Entity(0, 5, "ORG"), Entity(40, 50, "PERSON"), Entity(32, 38, "DATE"), Entity(59, 67, "GPE"),
          Entity(68, 71, "ORG")])
    window.compare_with("bob")
    view = window.view
    view.verticalScrollBar().setValue(0)
    view.viewport().grab()  # one paint: own pills, then the overlay's
    pills = dict((text, rect) for rect, text in view.overlay.pills)
    assert set(pills) == {"≠ ORG", "DATE", "ORG"}
    viewport = view.viewport().rect()
    own = [rect for rect, _ in view.pill_rects]
    for text, span in (("≠ ORG", (0, 5)), ("DATE", (32, 38)), ("ORG", (68, 71))):
        pill = pills[text]
        first = view.range_rects(*view.offsets.range_to_qt(*span))[0]
        assert viewport.top() <= pill.top() and pill.bottom() <= viewport.bottom(), text
        assert first.bottom() <= pill.top() <= first.bottom() + 6, text  # the span's own pill row, not above it
        assert not any(pill.intersects(o) for o in own), (text, pill, [(o.left(), o.top(), o.width()) for o in own])
    label_pill = next(rect for rect, label in view.pill_rects if label == "PERSON" and rect.top() < 30)
    assert pills["≠ ORG"].left() >= label_pill.right()  # reads "PERSON ≠ ORG"
    # a pill pushed off its span is tied to it by a dotted line; one under its span is not
    ties = view.overlay.ties
    assert any(abs(tie[-1].x() - pills["≠ ORG"].center().x()) < 1 for tie in ties)
    assert not any(abs(tie[-1].x() - pills["DATE"].center().x()) < 1 for tie in ties)


def test_a_difference_pill_at_the_right_edge_goes_left_of_the_label_pill_not_over_it():
    """Seen in the dark compare screenshot: pushed past your label pill, then pulled back inside the viewport,
    "NORP" covered "PERSON"."""
    from PySide6.QtCore import QRect, QRectF

    from annotator.gui.version_overlay import overlay_pill_rect

    viewport = QRect(0, 0, 400, 300)
    span = QRectF(360, 20, 30, 14)
    label_pill = QRectF(360, 37, 36, 10)
    pill = overlay_pill_rect(span, 34, 10, [label_pill], viewport)
    assert not pill.intersects(label_pill) and pill.right() <= 400 and pill.left() >= 0
    assert abs(pill.top() - label_pill.top()) < 1  # still in the span's pill row
    first_line = overlay_pill_rect(QRectF(5, 0, 30, 14), 34, 10, [], viewport)
    assert first_line.top() >= 0 and first_line.left() == 5


COMPARE_TEXT = "John Kerry met Sergei Lavrov in Geneva on Monday. Angela Merkel visited Rome."
LONG_LABEL = "VERY_LONG_LABEL_NAME_FOR_TESTING_ELISION_IN_PILLS"


def _crowded_comparison(window, mine, theirs):
    """Alice's and bob's versions of COMPARE_TEXT; alice compares with bob. Returns the view after one paint."""
    from tests.gui.conftest import add_article

    with Store(window.store.path) as store:
        doc_id = add_article(store, COMPARE_TEXT, "Compare", entities=[], quotes=[])
        store.ensure_label(LONG_LABEL)
        store.ensure_label("ＷＩＤＥ")
        for name, entities in (("alice", mine), ("bob", theirs)):
            store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=name, status=Status.IN_PROGRESS,
                                                       entities=entities, quotes=[]))
    window.refresh_labels()
    window.open_document(doc_id)
    window.compare_with("bob")
    view = window.view
    view.verticalScrollBar().setValue(0)
    view.viewport().grab()
    return view


def _span_rect(view, start, end):
    return view.range_rects(*view.offsets.range_to_qt(start, end))[0]


def test_each_pill_stays_under_its_own_span_on_a_crowded_line(window):
    """Attack 15b #7: my long label pill plus "≠ PERSON" pushed bob's GPE pill under "on" and his DATE pill under
    the next sentence. Every pill (yours and theirs) starts under its own span, and no two overlap."""
    view = _crowded_comparison(
        window,
        mine=[Entity(0, 10, "PERSON"), Entity(15, 28, LONG_LABEL)],
        theirs=[Entity(0, 10, "PERSON"), Entity(15, 28, "PERSON"), Entity(32, 38, "GPE"), Entity(42, 48, "DATE")],
    )
    theirs = {text: rect for rect, text in view.overlay.pills}
    assert set(theirs) >= {"GPE", "DATE"} and any(t.startswith("≠") for t in theirs), theirs
    differs = next(rect for text, rect in theirs.items() if text.startswith("≠"))
    for rect, span in ((theirs["GPE"], (32, 38)), (theirs["DATE"], (42, 48)), (differs, (15, 28))):
        under = _span_rect(view, *span)
        assert under.left() - 1 <= rect.left() < under.right(), (span, rect, under)
    own = {label: rect for rect, label in view.pill_rects}
    lavrov = _span_rect(view, 15, 28)
    assert lavrov.left() - 1 <= own[LONG_LABEL].left() and own[LONG_LABEL].right() < differs.left() + 1
    everything = list(own.values()) + list(theirs.values())
    for i, a in enumerate(everything):
        for b in everything[i + 1:]:
            assert not a.intersects(b), (a, b)
    assert not view.overlay.ties  # nothing had to be pushed away from its span


def test_their_longer_span_over_yours_is_outlined_in_full(window):
    """Attack 15b #7: bob's "Angela Merkel" over my "Angela" showed his dashed outline only around "Merkel": my
    solid outline covered the rest. His outline now runs outside mine, also along "Angela"."""
    view = _crowded_comparison(window, mine=[Entity(50, 56, "ORG")], theirs=[Entity(50, 63, "ＷＩＤＥ")])
    image = view.viewport().grab().toImage()
    theirs_color, mine_color = overlay_colors(window.view.scheme.dark)
    angela = _span_rect(view, 50, 56)

    def near(color, xs, ys):
        return sum(1 for x in xs for y in ys
                   if max(abs(QColor(image.pixel(x, y)).red() - color.red()),
                          abs(QColor(image.pixel(x, y)).green() - color.green()),
                          abs(QColor(image.pixel(x, y)).blue() - color.blue())) < 60)

    above = range(int(angela.top()) - 6, int(angela.top()) - 1)
    xs = range(int(angela.left()) + 4, int(angela.right()) - 4)
    assert near(theirs_color, xs, above) > 5  # his dashes along the top of "Angela"
    assert near(mine_color, xs, above) > 5  # and my solid outline, inside his


def test_their_long_label_is_elided_like_yours(window):
    """Attack 15b #9: bob's 49-character label was drawn at full width in his pill, much wider than the span,
    while your own pill of the same label is elided."""
    from PySide6.QtGui import QFontMetricsF

    from annotator.gui.article_view import PILL_CHARACTERS

    view = _crowded_comparison(window, mine=[], theirs=[Entity(57, 63, LONG_LABEL)])  # "Merkel", alone
    (pill, text), = view.overlay.pills
    metrics = QFontMetricsF(view._label_font)
    assert text.endswith("…") and pill.width() <= metrics.averageCharWidth() * PILL_CHARACTERS + 7, (text, pill)
