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


# -- attack 15 #15: near-identical colours (PERSON/NORP, DATE/QUANTITY, MONEY/TIME) --------------------------

OKABE_ITO = {"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#999999"}
TABLEAU_20 = {"#4e79a7", "#a0cbe8", "#f28e2b", "#ffbe7d", "#59a14f", "#8cd17d", "#b6992d", "#f1ce63", "#499894",
              "#86bcb6", "#e15759", "#ff9d9a", "#79706e", "#bab0ac", "#d37295", "#fabfd2", "#b07aa1", "#d4a6c8",
              "#9d7660", "#d7b5a6"}
KELLY = {"#ffb300", "#803e75", "#ff6800", "#a6bdd7", "#c10020", "#cea262", "#817066", "#007d34", "#f6768e",
         "#00538a", "#ff7a5c", "#53377a", "#ff8e00", "#b32851", "#f4c800", "#7f180d", "#93aa00", "#593315",
         "#f13a13", "#232c16"}


def delta_e_2000(c1: QColor, c2: QColor) -> float:
    """CIEDE2000 (Sharma, Wu & Dalal 2005): the colour difference the eye sees, hue weighted in."""
    import math

    (l1, a1, b1), (l2, a2, b2) = _lab(c1), _lab(c2)
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = math.degrees(math.atan2(b1, a1p)) % 360, math.degrees(math.atan2(b2, a2p)) % 360
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    rc = 2 * math.sqrt(c_bar_p ** 7 / (c_bar_p ** 7 + 25 ** 7))
    rt = -math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2)))) * rc
    sl = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    sc, sh = 1 + 0.045 * c_bar_p, 1 + 0.015 * c_bar_p * t
    return math.sqrt((d_l / sl) ** 2 + (d_c / sc) ** 2 + (d_h / sh) ** 2 + rt * (d_c / sc) * (d_h / sh))


def test_delta_e_2000_on_known_pairs():
    assert delta_e_2000(QColor("#ffffff"), QColor("#ffffff")) == 0
    assert abs(delta_e_2000(QColor("#ff0000"), QColor("#0000ff")) - 52.88) < 0.5  # sRGB red vs blue, published


def test_default_colours_come_from_known_palettes_and_read_with_black_text():
    from annotator.gui.colors import contrast

    from annotator.core.colour_distance import candidate_colours

    for name, colour in resources.default_labels().items():
        assert colour.lower() in OKABE_ITO | TABLEAU_20 | KELLY | set(candidate_colours()), name
        assert contrast(QColor(colour), QColor("#000000")) >= 4.5, name


def test_default_colours_are_far_apart_and_most_for_the_keyed_labels():
    labels = resources.default_labels()
    for a, b in itertools.combinations(labels, 2):  # attack 15b #10: five pairs were 12.4-13.5
        assert delta_e_2000(QColor(labels[a]), QColor(labels[b])) >= 16, (a, b)
    marks = {"quote": "#2e9e5b", "speaker": "#1f6fd1", "cue": "#c2410c", "theirs": "#7b1fa2", "yours": "#00796b"}
    for name in list(labels)[10:]:  # the re-picked ones stay clear of the article's other marks
        for mark, colour in marks.items():
            assert delta_e_2000(QColor(labels[name]), QColor(colour)) >= 14, (name, mark)
    keyed = list(labels)[:9] + ["CARDINAL"]  # keys 1-9 and the most frequent unkeyed one in news
    for a, b in itertools.combinations(keyed, 2):
        assert delta_e_2000(QColor(labels[a]), QColor(labels[b])) >= 18, (a, b)
    for a, b in (("PERSON", "NORP"), ("DATE", "QUANTITY"), ("MONEY", "TIME"), ("DATE", "TIME"), ("GPE", "CARDINAL"),
                 ("ORDINAL", "LANGUAGE"), ("FAC", "ORDINAL"), ("PERSON", "QUANTITY")):  # the attack's pairs
        assert delta_e(QColor(labels[a]), QColor(labels[b])) > 22, (a, b)


def test_a_database_with_earlier_default_colours_shows_the_new_ones_and_keeps_team_colours(db_path):
    import sqlite3

    with Store(db_path) as store:
        store.labels()
    conn = sqlite3.connect(db_path)
    with conn:  # an older database: displaCy's PERSON, issue 15's first DATE, a team's own ORG
        conn.execute("UPDATE labels SET color = '#aa9cfc' WHERE name = 'PERSON'")
        conn.execute("UPDATE labels SET color = '#74C7F0' WHERE name = 'DATE'")
        conn.execute("UPDATE labels SET color = '#123456' WHERE name = 'ORG'")
    conn.close()
    with Store(db_path) as store:
        shown = store.labels()
    defaults = resources.default_labels()
    assert shown["PERSON"] == defaults["PERSON"] and shown["DATE"] == defaults["DATE"]
    assert shown["ORG"] == "#123456"



def test_the_core_ciede2000_matches_the_reference_one():
    from annotator.core.colour_distance import ciede2000

    assert abs(ciede2000("#ff0000", "#0000ff") - 52.88) < 0.5
    for a, b in itertools.combinations(["#c49cf0", "#bc9cf0", "#56b4e9", "#009e73", "#000000", "#ffffff", "#808080"], 2):
        assert abs(ciede2000(a, b) - delta_e_2000(QColor(a), QColor(b))) < 1e-3, (a, b)


def test_labels_added_past_the_defaults_get_colours_far_from_every_colour_in_use(db_path):
    """Attack 15b #10: the 19th and 20th labels got #c49cf0 and #bc9cf0 (ΔE00 ≈ 2), from a hash of their names.
    Each new label now gets the candidate colour farthest from all colours in use: typed (ensure_label) and
    imported in bulk alike."""
    from annotator.core.colour_distance import contrast_with_black

    new = ["VERY_LONG_LABEL_NAME_FOR_TESTING_ELISION_IN_PILLS", "🔥 HOT LABEL", "ＷＩＤＥ", "SPORT", "TEAM", "CLUB"]
    with Store(db_path) as store:
        store.labels()
        for name in new:
            store.ensure_label(name)
        shown = store.labels()
    for name in new:
        nearest = min(delta_e_2000(QColor(shown[name]), QColor(c)) for other, c in shown.items() if other != name)
        assert nearest >= 13, (name, shown[name], nearest)
        assert contrast_with_black(shown[name]) >= 4.5
    assert len({shown[n] for n in new}) == len(new)


def test_labels_first_seen_in_an_import_get_distinct_colours_too(db_path):
    from annotator.core.model import AnnotationSet, Document, Entity, Status

    new = ["ALPHA", "BETA", "GAMMA", "DELTA"]
    with Store(db_path) as store:
        store.labels()
        doc_id, _ = store.add_document(Document(text="alpha beta gamma delta", title="t"))
        spans = [(0, 5), (6, 10), (11, 16), (17, 22)]
        store.write_annotation_sets([AnnotationSet(  # the importer's bulk path
            doc_id=doc_id, annotator="erin", status=Status.IN_PROGRESS,
            entities=[Entity(s, e, name) for (s, e), name in zip(spans, new)])])
        shown = store.labels()
    assert set(new) <= set(shown)
    for name in new:
        nearest = min(delta_e_2000(QColor(shown[name]), QColor(c)) for other, c in shown.items() if other != name)
        assert nearest >= 13, (name, shown[name], nearest)
