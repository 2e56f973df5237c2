"""Issue 15: the selected (or hovered) quote's links to its speaker and cue are drawn in the article as arcs."""

from __future__ import annotations

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
