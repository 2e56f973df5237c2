"""Entities in right-to-left text (issue 15, attack #2): the highlight sits on the stored characters' glyphs in
either direction — Arabic and Hebrew paragraphs, Hebrew inside English, English inside Arabic, with digits and
emoji — and a mouse drag over a right-to-left word selects exactly its code points.

The reference for "where the glyphs are" is Qt's own caret: QTextCursor's rectangle at every position strictly
inside a word (inside one direction run the caret position is unambiguous), checked against what
`range_rects` returns and against the painted pixels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QTextCursor

from annotator.core.model import Entity
from annotator.gui.article_view import ArticleView

LEFT = Qt.MouseButton.LeftButton

ARABIC_FIRST = "مرحبا بكم في القاهرة said the sign at the airport."
HEBREW_IN_ENGLISH = "We met Dana near שלום עכשיו and left at 9 pm."
ENGLISH_IN_HEBREW = "הוא אמר ש-Google קנתה 15 אחוז מהחברה ב-2024."
ARABIC_DIGITS_EMOJI = "وصل الوفد إلى دبي 🎉 يوم ١٢ مايو بعد رحلة ٣٠٠ كم من الرياض."
TEXT = "\n".join([ARABIC_FIRST, HEBREW_IN_ENGLISH, ENGLISH_IN_HEBREW, ARABIC_DIGITS_EMOJI]) + "\n"

CASES = [  # (word, occurrence) -> each is an entity of its own
    "القاهرة", "airport", "مرحبا", "שלום", "עכשיו", "Dana", "Google", "אמר", "2024", "دبي",
    "الرياض", "٣٠٠", "🎉", "מהחברה",
]


def span_of(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def view(qtbot):
    v = ArticleView()
    qtbot.addWidget(v)
    v.resize(760, 420)
    v.set_labels({"GPE": "#e69f00", "LOC": "#56b4e9", "ORG": "#009e73"})
    v.show_text(TEXT, [Entity(*span_of(w), "GPE", id=n) for n, w in enumerate(CASES, 1)])
    v.show()
    qtbot.waitExposed(v)
    return v


def caret_xs(view: ArticleView, start: int, end: int) -> list[float]:
    """Viewport x of Qt's caret at each position strictly inside [start, end) (code points)."""
    xs = []
    for p in range(start + 1, end):
        if 0xDC00 <= ord(TEXT[p]) <= 0xDFFF:
            continue
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(p))
        xs.append(view.cursorRect(cursor).center().x())
    return xs


def drawn(view: ArticleView, word: str):
    return view.range_rects(*view.offsets.range_to_qt(*span_of(word)))


@pytest.mark.parametrize("word", [w for w in CASES if len(w) > 1 and w != "🎉"])
def test_the_highlight_covers_the_word_where_qt_draws_it(view, word):
    rects = drawn(view, word)
    assert len(rects) == 1, f"{word}: one word in one direction is one rectangle, got {rects}"
    r = rects[0]
    assert r.width() > 4
    for x in caret_xs(view, *span_of(word)):  # every caret position inside the word is inside its highlight
        assert r.left() - 0.5 <= x <= r.right() + 0.5, (word, x, r)
    # and the highlight is no wider than the word: it holds no caret position of another word
    start, end = span_of(word)
    line_top = r.top()
    for other in CASES:
        a, b = span_of(other)
        if (a, b) == (start, end) or len(other) < 3:
            continue
        for x in caret_xs(view, a, b):
            other_rects = drawn(view, other)
            if other_rects and abs(other_rects[0].top() - line_top) < 1:
                assert not (r.left() + 1 < x < r.right() - 1), (word, other, x, r)


def test_every_entity_in_rtl_text_is_drawn(view):
    """In the attack both entities of the Arabic paragraph had no highlight at all."""
    for word in CASES:
        assert drawn(view, word), word


def test_the_painted_background_is_under_the_hebrew_word_not_its_neighbour(view, qtbot):
    view.show_text(TEXT, [Entity(*span_of(w), "GPE", id=n) for n, w in enumerate(("שלום", "القاهرة", "airport"), 1)])
    image = view.viewport().grab().toImage()
    expected = view.scheme.entity_background("GPE")

    def near(point: QPointF) -> bool:
        c = QColor(image.pixel(round(point.x()), round(point.y())))
        return max(abs(c.red() - expected.red()), abs(c.green() - expected.green()),
                   abs(c.blue() - expected.blue())) < 12

    ratio = image.width() / view.viewport().width()  # device pixels (1 offscreen)
    assert ratio == pytest.approx(1)
    for word, neighbour in (("שלום", "עכשיו"), ("القاهرة", "في"), ("airport", "the")):
        r = drawn(view, word)[0]
        top_left_inside = QPointF(r.left() + 1.5, r.top() + 1.5)  # a corner of the box: background, no glyph ink
        assert near(top_left_inside), word
        n_start = TEXT.index(neighbour, max(0, TEXT.index(word) - 20))
        for x in caret_xs(view, n_start, n_start + len(neighbour)):  # the neighbour's glyphs stay unpainted
            assert not near(QPointF(x, r.top() + 1.5)), (word, neighbour, x)


def mouse_select(qtbot, view: ArticleView, word: str) -> tuple[int, int] | None:
    """Press at the glyph edge where reading starts (the right edge for Hebrew/Arabic), release at the other."""
    r = drawn(view, word)[0]
    rtl = word[0] in "אבגדהוזחטיכלמנסעפצקרשתךםןףץ" or "\u0600" <= word[0] <= "\u06ff"
    y = round(r.center().y())
    begin, finish = (r.right() - 1, r.left() + 1) if rtl else (r.left() + 1, r.right() - 1)
    viewport = view.viewport()
    qtbot.mousePress(viewport, LEFT, pos=QPoint(round(begin), y))
    qtbot.mouseMove(viewport, pos=QPoint(round((begin + finish) / 2), y))
    qtbot.mouseMove(viewport, pos=QPoint(round(finish), y))
    qtbot.mouseRelease(viewport, LEFT, pos=QPoint(round(finish), y))
    return view.selected_range()


@pytest.mark.parametrize("word", ["שלום", "עכשיו", "القاهرة", "الرياض", "airport", "Google", "מהחברה"])
def test_a_mouse_drag_over_a_word_selects_its_code_points(qtbot, view, word):
    assert mouse_select(qtbot, view, word) == span_of(word)


@pytest.mark.parametrize("word", ["שלום", "القاهرة", "airport"])
def test_clicking_an_rtl_entity_selects_it(qtbot, view, word):
    ids = {(e.start, e.end): e.id for e in view.index.entities.ordered()}
    r = drawn(view, word)[0]
    qtbot.mouseClick(view.viewport(), LEFT, pos=r.center().toPoint())
    assert view.selected_entity_id == ids[view.offsets.range_to_qt(*span_of(word))]


def test_the_start_edge_of_a_right_to_left_word_is_its_right_side(view):
    view.resizable = True
    ids = {(e.start, e.end): e.id for e in view.index.entities.ordered()}
    for word, rtl in (("שלום", True), ("القاهرة", True), ("airport", False)):
        view.select_entity(ids[view.offsets.range_to_qt(*span_of(word))])
        start_grab, end_grab = view.edge_rects("entity")
        r = drawn(view, word)[0]
        if rtl:
            assert start_grab.center().x() == pytest.approx(r.right(), abs=1)
            assert end_grab.center().x() == pytest.approx(r.left(), abs=1)
        else:
            assert start_grab.center().x() == pytest.approx(r.left(), abs=1)
            assert end_grab.center().x() == pytest.approx(r.right(), abs=1)


def test_a_range_across_a_direction_change_is_drawn_in_its_visual_pieces(view):
    """'في القاهرة said' mixes an Arabic run and an English run: two pieces, each on its words' glyphs."""
    start = TEXT.index("القاهرة said")
    rects = view.range_rects(*view.offsets.range_to_qt(start, start + len("القاهرة said")))
    said = drawn(view, "airport")  # same line
    assert len(rects) == 2 and all(abs(r.top() - said[0].top()) < 1 for r in rects)
    cairo = drawn(view, "القاهرة")[0]
    arabic = [r for r in rects if r.left() <= cairo.left() + 1 and r.right() >= cairo.right() - 1]
    assert len(arabic) == 1 and arabic[0].width() < cairo.width() + 8  # the word and the space after it
    said = next(r for r in rects if r is not arabic[0])
    assert said.right() <= arabic[0].left() + 1  # English after Arabic reads on, leftwards


def test_left_to_right_text_keeps_the_cheap_path(view):
    """A block without right-to-left characters is not asked for glyph runs (per-paint cost unchanged)."""
    view.show_text("Plain English text about Paris.\n", [Entity(25, 30, "GPE")])
    assert view.range_rects(25, 30) and view._is_bidi(view.document().findBlock(25)) is False


def test_label_pills_in_rtl_lines_sit_under_their_words(view):
    """Pills were pushed right in logical order, so in a right-to-left line they piled up at the right edge."""
    view.viewport().grab()  # paints: pill_rects as drawn
    pills = [p for p, _ in view.pill_rects]
    assert len(pills) == len(CASES)
    for word in ("القاهرة", "airport", "مرحبا", "שלום", "עכשיו", "الرياض", "٣٠٠"):
        r = drawn(view, word)[0]
        under = [p for p in pills if abs(p.left() - r.left()) < 1 and p.top() > r.top()]
        assert under, word
    for i, p in enumerate(pills):
        assert not any(p.intersects(q) for q in pills[i + 1:])
