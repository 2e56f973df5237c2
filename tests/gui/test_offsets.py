"""Code points <-> UTF-16: emoji, CRLF, lone CR, combining marks — in the map and in what the view highlights."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument

from annotator.core.model import Entity, Quote, TextRange
from annotator.gui.offsets import OffsetMap

TRICKY = "Ça 😀 va?\r\nJosé\u0301 👩‍👩‍👧 Kerry said\r“fine” 🇵🇰 Pakistan\n\U0001d400 end"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_ascii_is_identity():
    m = OffsetMap("plain text")
    assert m.to_qt(4) == 4 and m.from_qt(4) == 4 and m.qt_length == 10


def test_emoji_shift_later_positions():
    m = OffsetMap("a😀b😀c")
    assert [m.to_qt(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [m.from_qt(q) for q in range(8)] == [0, 1, 1, 2, 3, 3, 4, 5]
    assert m.from_qt(2, round_up=True) == 2  # inside a surrogate pair: rounds up on request
    assert m.range_from_qt(2, 2) == (1, 2)  # a half-covered emoji is taken whole


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_round_trip_and_utf16_length(text):
    m = OffsetMap(text)
    assert m.qt_length == utf16_len(text)
    for i in range(len(text) + 1):
        q = m.to_qt(i)
        assert q == utf16_len(text[:i])
        assert m.from_qt(q) == i


@given(st.text(alphabet=st.sampled_from(list("ab \r\n😀\u0301é\t")), max_size=40))
def test_display_text_keeps_one_qt_position_per_utf16_unit(text):
    m = OffsetMap(text)
    doc = QTextDocument()
    doc.setPlainText(m.display_text)
    assert doc.characterCount() - 1 == m.qt_length


def test_view_highlights_exactly_the_stored_spans(qtbot):
    from annotator.gui.article_view import ArticleView

    spans = ["😀", "José\u0301", "👩‍👩‍👧", "Kerry", "“fine”", "🇵🇰", "Pakistan", "\U0001d400"]
    entities = [Entity(TRICKY.index(s), TRICKY.index(s) + len(s), "X", id=i) for i, s in enumerate(spans)]
    said = TRICKY.index("said")
    quote = Quote(TRICKY.index("“"), TRICKY.index("”") + 1, speaker=TextRange(said - 6, said - 1),
                  cue=TextRange(said, said + 4), id=1)
    view = ArticleView()
    qtbot.addWidget(view)
    view.show_text(TRICKY, entities, [quote])
    assert "\r" in TRICKY and view.document().characterCount() - 1 == utf16_len(TRICKY)
    ranges = view.highlight_ranges()
    assert len(ranges) == len(spans)
    for (qs, qe, _), span in zip(ranges, spans):
        assert view.qt_text(qs, qe) == span  # what Qt shows at the highlight is the stored text
    q = view.index.quotes.by_id[1]
    assert view.qt_text(q.start, q.end) == "“fine”"
    assert view.qt_text(*q.speaker) == "Kerry" and view.qt_text(*q.cue) == "said"
    # a selection made in Qt converts back to the same code points
    view.select_range(entities[6].start, entities[6].end)
    assert view.selected_range() == (entities[6].start, entities[6].end)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    assert view.range_rects(*ranges[6][:2])  # painted on screen
