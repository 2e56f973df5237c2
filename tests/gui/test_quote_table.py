"""Issue 15: the Quotes panel is a real table — speaker as written, resolved person, cue, type, content, tags,
origin; sortable by any column; the full text on demand (tooltip) — and it follows the article's selection."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.core.model import Quote, QuoteType, TextRange
from annotator.core.store import Store
from tests.gui.conftest import add_article

LONG = ("Kerry said \"we must act now\" on Monday. Aziz told reporters the talks had gone well, and that " + "more " * 80
        + "would follow.\nAn aide said nothing.")


def test_columns_sorting_and_full_text(qtbot, db_path, monkeypatch):
    from annotator.gui.main_window import MainWindow

    aide = LONG.index("An aide")
    quotes = [
        Quote(11, 27, QuoteType.DIRECT, speaker=TextRange(0, 5), speaker_name="John Kerry", cue=TextRange(6, 10)),
        Quote(LONG.index("the talks"), LONG.index("would follow") + 12, QuoteType.INDIRECT,
              speaker=TextRange(40, 44), speaker_name="Tariq Aziz", cue=TextRange(45, 49)),
        Quote(aide + 8, aide + 20, QuoteType.INDIRECT),
    ]
    with Store(db_path) as store:
        add_article(store, LONG, "long", entities=[], quotes=quotes)
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    model = window.quote_model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Speaker", "Person", "Cue", "Type", "Content", "Tags", "Origin"]
    rows = [[model.index(r, c).data() for c in range(7)] for r in range(3)]
    assert rows[0][:4] == ["Kerry", "John Kerry", "said", "direct"] and rows[0][6] == "person"  # a human quote in the borrowed set: no name known
    assert rows[2][:3] == ["—", "—", "—"]  # no speaker, no cue: shown, and coloured as to fix
    assert len(rows[1][4]) < 130 and "more more" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "would follow" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)  # the whole quote on hover

    window.quote_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # by person, Z to A
    persons = [model.index(r, 1).data() for r in range(3)]
    assert persons[:2] == ["Tariq Aziz", "John Kerry"]
    kerry = next(q.id for q in model.quotes if q.speaker_name == "John Kerry")
    window.select_quote(kerry)
    assert window.quote_table.currentIndex().row() == model.row_of(kerry) == 1
    window.refresh_panels()  # a refresh keeps the chosen order
    assert [model.index(r, 1).data() for r in range(2)] == ["Tariq Aziz", "John Kerry"]


def test_the_content_column_gets_the_room(qtbot, window):
    """Attack 15 #14: widened to ~600 px, Content stayed ~55 px while the empty Tags column took the space."""
    from annotator.gui.quote_table import CONTENT, TAGS

    header = window.quote_table.horizontalHeader()
    window.docks["quotes"].show()
    for dock_width in (420, 600, 900):
        window.resizeDocks([window.docks["quotes"]], [dock_width], Qt.Orientation.Horizontal)
        qtbot.wait(10)
        available = window.quote_table.viewport().width()
        widths = [header.sectionSize(c) for c in range(header.count())]
        assert widths[CONTENT] == max(widths), (dock_width, widths)
        assert widths[CONTENT] >= min(160, available), widths
        assert widths[CONTENT] >= 0.4 * available or available < 500, (available, widths)
        assert widths[TAGS] < widths[CONTENT] / 2
        if available >= 500:  # every column in view: nothing pushed off to the right
            assert sum(widths) <= available + 1, (available, widths)
