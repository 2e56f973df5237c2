"""Issue 15, defect 12: every default label has a colour of its own, distinct in the light and the dark palette
(as painted: span background and pill), old databases get the new colours, and pills stay inside the article."""

from __future__ import annotations

import itertools

from PySide6.QtGui import QColor, QPalette

from annotator.core import resources
from annotator.core.store import Store
from annotator.gui.article_view import place_pill
from annotator.gui.colors import dark_palette, span_background


def _lab(c: QColor) -> tuple[float, float, float]:
    def linear(u: float) -> float:
        return u / 12.92 if u <= 0.04045 else ((u + 0.055) / 1.055) ** 2.4

    r, g, b = linear(c.redF()), linear(c.greenF()), linear(c.blueF())
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: QColor, b: QColor) -> float:
    """CIE76 colour difference (2.3 is just noticeable)."""
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b))) ** 0.5


def _light() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    return palette


def test_every_default_label_colour_is_distinct():
    labels = resources.default_labels()
    assert len(set(labels.values())) == len(labels)
    for a, b in itertools.combinations(labels, 2):
        assert delta_e(QColor(labels[a]), QColor(labels[b])) >= 12, (a, b)  # the pills


def test_span_backgrounds_stay_distinct_in_light_and_dark_palettes():
    labels = resources.default_labels()
    for palette, least in ((_light(), 12), (dark_palette(), 5)):  # dark tones every colour down towards the base
        painted = {name: span_background(QColor(color), palette) for name, color in labels.items()}
        for a, b in itertools.combinations(labels, 2):
            assert delta_e(painted[a], painted[b]) >= least, (a, b, palette is not None)


def test_the_named_collisions_are_gone():
    labels = resources.default_labels()
    for group in (("MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY"), ("DATE", "TIME"), ("LAW", "LANGUAGE")):
        assert len({labels[name] for name in group}) == len(group), group


def test_an_old_database_gets_the_distinct_colours_but_keeps_a_teams_own(db_path):
    with Store(db_path) as store:
        store.conn.execute("UPDATE labels SET color = '#e4e7d2' WHERE name IN ('MONEY', 'PERCENT')")
        store.conn.execute("UPDATE labels SET color = '#123456' WHERE name = 'ORDINAL'")
        store.conn.execute("DELETE FROM _migrations WHERE name = '0011_distinct_label_colours'")
    with Store(db_path) as store:
        labels = store.labels()
    assert labels["MONEY"] != labels["PERCENT"] and labels["ORDINAL"] == "#123456"


def test_a_pill_at_the_right_edge_moves_left_inside_the_article():
    assert place_pill(580, -1e9, 60, 600) == 600 - 60 - 2
    assert place_pill(100, -1e9, 60, 600) == 100
    assert place_pill(100, 150, 60, 600) == 152  # right of the previous pill on its line
    assert place_pill(0, -1e9, 900, 600) == 0  # wider than the article: from the left edge
