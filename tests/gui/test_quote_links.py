"""Issue 15: the selected (or hovered) quote's links to its speaker and cue are drawn in the article as arcs."""

from __future__ import annotations

import pytest

from annotator.core.model import Quote, QuoteType, TextRange
from annotator.core.store import Store
from tests.gui.conftest import add_article

TEXT = ("John Kerry arrived on Monday for talks.\n" + "Filler sentence about the weather and the markets. " * 12
        + "\n\"We must act now,\" he told reporters.")


def _window(qtbot, db_path, quotes):
    from annotator.gui.main_window import MainWindow

    with Store(db_path) as store:
        add_article(store, TEXT, "links", entities=[], quotes=quotes)
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.resize(900, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_selected_quote_draws_arcs_to_a_speaker_paragraphs_away_and_to_its_cue(qtbot, db_path):
    start = TEXT.index("We must")
    told = TEXT.index("told")
    window = _window(qtbot, db_path, [Quote(start, start + 15, QuoteType.DIRECT, speaker=TextRange(0, 10),
                                            speaker_name="John Kerry", cue=TextRange(told, told + 4))])
    (quote_id,) = window.view.index.quotes.by_id
    window.view.viewport().update(); qtbot.wait(30)
    assert window.view.link_paths == []  # nothing active: no arcs
    window.select_quote(quote_id)
    window.view.viewport().update(); qtbot.wait(30)
    paths = window.view.link_paths
    assert len(paths) == 2
    speaker_box = window.view.range_rects(*window.view.offsets.range_to_qt(0, 10))[0]
    end = paths[0].pointAtPercent(1.0)
    assert abs(end.x() - speaker_box.center().x()) < 2 and end.y() <= speaker_box.top()  # lands on the speaker
    window.select_quote(None)
    window.view.viewport().update(); qtbot.wait(30)
    assert window.view.link_paths == []


def test_a_quote_without_speaker_or_cue_draws_no_arc(qtbot, db_path):
    start = TEXT.index("We must")
    window = _window(qtbot, db_path, [Quote(start, start + 15, QuoteType.DIRECT)])
    (quote_id,) = window.view.index.quotes.by_id
    window.select_quote(quote_id)
    window.view.viewport().update(); qtbot.wait(30)
    assert window.view.link_paths == []


MAYOR = ("Mayor Elena Whitcombe opened the new bridge on Tuesday morning. The project, which took six years and cost "
         "the city more than 40 million dollars, was delayed twice by floods and once by a dispute with the contractor. "
         "Residents lined the river bank to watch. Whitcombe said the bridge would \"change how this city moves, from "
         "the school run to the night shift, and it will carry our people safely for a hundred years\" before cutting "
         "the ribbon.\n\"It is a good day,\" said Tom Baker, a shopkeeper.")


def _line_rects(view):
    """Every laid-out line's text rectangle (viewport coordinates)."""
    return view.range_rects(0, view.offsets.qt_length)


def _assert_clear_of_text(view, path, tolerance=2.5):
    lines = _line_rects(view)
    for i in range(1, 100):  # the ends touch the quote's and the role's boxes, by design
        point = path.pointAtPercent(i / 100)
        inside = [r for r in lines if r.adjusted(0, tolerance, 0, -tolerance).contains(point)]
        assert not inside, f"link crosses text at {point} ({i}%)"


@pytest.mark.parametrize("which", ["mayor", "shopkeeper"])
def test_links_run_between_lines_and_their_names_cover_nothing(qtbot, db_path, which):
    """Attack 15 #12: the speaker link was a vertical line through six lines of the mayor paragraph with its name
    on the speaker's own name; on a short quote "speaker" and "cue" were drawn over each other."""
    from tests.gui.conftest import add_article as add
    from annotator.core.model import Entity

    if which == "mayor":
        start, end = MAYOR.index("change how"), MAYOR.index("hundred years") + 13
        speaker, cue = (6, 21), (MAYOR.index("said the bridge"), MAYOR.index("said the bridge") + 4)
    else:
        start = MAYOR.index("It is a good")
        end = start + len("It is a good day,")
        speaker = (MAYOR.index("Tom Baker"), MAYOR.index("Tom Baker") + 9)
        cue = (MAYOR.index("said Tom"), MAYOR.index("said Tom") + 4)
    from annotator.gui.main_window import MainWindow

    with Store(db_path) as store:
        add(store, MAYOR, "mayor", entities=[Entity(*speaker, "PERSON"), Entity(47, 54, "DATE")],
            quotes=[Quote(start, end, QuoteType.DIRECT, speaker=TextRange(*speaker), cue=TextRange(*cue))])
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.resize(900, 700)
    window.show()
    qtbot.waitExposed(window)
    view = window.view
    window.select_quote(next(iter(view.index.quotes.by_id)))
    view.viewport().grab()
    assert len(view.link_paths) == 2
    for path in view.link_paths:
        _assert_clear_of_text(view, path)
    boxes = view.link_label_rects
    assert len(boxes) == 2 and not boxes[0].intersects(boxes[1])
    pills = [rect for rect, _ in view.pill_rects]
    texts = _line_rects(view)
    for box in boxes:
        assert not any(box.intersects(p) for p in pills)
        assert not any(box.intersects(t.adjusted(0, 1, 0, -1)) for t in texts), box  # no glyph under a name
