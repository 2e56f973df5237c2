"""A very long line (a one-line article) is shown as paragraphs of about `LONG_LINE` characters: the first space
after each `LONG_LINE` characters becomes a line break in the shown text only, one character for one, so every
position and every span stays exact (Qt lays a paragraph out whole: one 50 MB paragraph took over a minute and
2 GB to open; the figure is benchmarks/bench_ingest.py's)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument

from annotator.core.model import Entity
from annotator.gui import offsets
from annotator.gui.offsets import OffsetMap


def test_a_long_line_is_shown_as_paragraphs_with_every_position_kept():
    text = "Kerry said 😀 that " + "the talks went on " * 3000 + "and ended."
    m = OffsetMap(text)
    shown = m.display_text
    assert len(shown) == len(text)
    assert shown.count("\n") >= len(text) // (offsets.LONG_LINE + 20)
    assert max(len(p) for p in shown.split("\n")) <= offsets.LONG_LINE + len("talks ")
    changed = [i for i, (a, b) in enumerate(zip(text, shown)) if a != b]
    assert changed and all(text[i] == " " and shown[i] == "\n" for i in changed)
    doc = QTextDocument()
    doc.setPlainText(shown)
    assert doc.characterCount() - 1 == m.qt_length
    assert doc.blockCount() == shown.count("\n") + 1


def test_short_lines_and_a_long_word_are_shown_unchanged():
    for text in ["one\ntwo three\n" * 500, "x" * (3 * offsets.LONG_LINE), "a " * (offsets.LONG_LINE // 2)]:
        assert OffsetMap(text).display_text == text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab  \n😀é")), max_size=400), st.integers(5, 40))
def test_breaking_keeps_length_and_changes_only_spaces_in_long_lines(text, limit):
    shown = offsets._break_long_lines(text, limit)
    assert len(shown) == len(text)
    for i, (a, b) in enumerate(zip(text, shown)):
        assert a == b or (a == " " and b == "\n")
    for line in shown.split("\n"):
        assert len(line) <= limit or " " not in line[limit:]


def test_the_view_selects_spans_exactly_across_the_breaks(qtbot):
    from annotator.gui.article_view import ArticleView

    text = "Start " + "".join(f"word{i} " for i in range(3000)) + "end"
    words = ["Start", "word1000", "word2999", "end"]
    entities = [Entity(text.index(w), text.index(w) + len(w), "X", id=i) for i, w in enumerate(words)]
    view = ArticleView()
    qtbot.addWidget(view)
    view.show_text(text, entities, [])
    assert view.document().blockCount() > 1
    for entity, word in zip(entities, words):
        view.select_range(entity.start, entity.end)
        assert view.textCursor().selectedText() == word
        assert view.selected_range() == (entity.start, entity.end)
