"""Issue 15, defect 3: a 50,000-word article opened the first time after start-up shows its highlights at once
(they stayed away for 10 s or more, until a scroll or a click)."""

from __future__ import annotations

import random

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Quote, QuoteType, Status
from annotator.core.store import Store


def long_article(store: Store, words: int = 50_000) -> int:
    rng = random.Random(15)
    vocabulary = ["the", "minister", "said", "that", "Paris", "would", "meet", "on", "Monday", "and", "talks",
                  "about", "trade", "were", "expected", "to", "last", "until", "Friday"]
    tokens = [rng.choice(vocabulary) for _ in range(words)]
    paragraphs, starts, position = [], [], 0
    for p in range(0, words, 120):
        chunk = tokens[p:p + 120]
        for t in chunk:
            starts.append(position)
            position += len(t) + 1
        paragraphs.append(" ".join(chunk))
        position += 1  # "\n" instead of the last space, then the next paragraph
    text = "\n".join(paragraphs)
    entities = [Entity(starts[i], starts[i] + len(tokens[i]), "GPE") for i in range(0, words, 9)]
    quotes = [Quote(starts[i], starts[i + 5] + len(tokens[i + 5]), QuoteType.INDIRECT) for i in range(3, words - 6, 400)]
    doc_id, _ = store.add_document(Document(text=text, title="long"))
    store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR, status=Status.DONE,
                                               entities=entities, quotes=quotes))
    return doc_id


def painted_entities(window) -> list[int]:
    """Calls the article's entity painter, recording how many rectangles each paint drew."""
    counts: list[int] = []
    original = window.view._paint_entities

    def spy(painter, entities, rects):
        counts.append(sum(len(r) for r in rects.values()))
        original(painter, entities, rects)

    window.view._paint_entities = spy
    return counts


def test_first_open_of_a_long_article_paints_its_highlights(qtbot, db_path, monkeypatch):
    from annotator.gui.main_window import MainWindow

    with Store(db_path) as store:
        long_article(store)
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    counts = painted_entities(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(200)  # well under the 10 s the highlights took to come
    assert counts and counts[-1] > 0, counts
    shown = window.view.visible_qt_range()
    visible = window.view.index.entities.in_range(*shown)
    assert counts[-1] >= len(visible) > 10


def test_reopening_after_another_document_paints_them_too(qtbot, db_path):
    from annotator.gui.main_window import MainWindow

    with Store(db_path) as store:
        first = long_article(store, 20_000)
        second = long_article(store, 50_001)
    window = MainWindow(db_path, "alice")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    counts = painted_entities(window)
    window.open_document(second if window.doc.id == first else first)
    qtbot.wait(200)
    assert counts and counts[-1] > 10, counts


def test_the_block_at_a_height_is_the_one_a_walk_from_the_top_finds(qtbot):
    """`_block_at_y` (galloping search) against the plain answer, at heights all over a many-paragraph text."""
    from annotator.gui.article_view import ArticleView

    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.setPlainText("\n".join(f"paragraph {i} " + "word " * (i % 37) for i in range(700)))
    doc, layout = view.document(), view.document().documentLayout()
    tops = [layout.blockBoundingRect(doc.findBlockByNumber(n)).top() for n in range(doc.blockCount())]
    assert tops == sorted(tops) and tops[-1] > tops[0], "the text was not laid out"
    for y in [-5.0, 0.0, tops[1] - 0.5, tops[1], tops[2] + 1] + [tops[-1] * f for f in (0.1, 0.33, 0.5, 0.77, 0.999)] + [tops[-1], tops[-1] + 500]:
        expected = max(n for n, top in enumerate(tops) if top <= y) if y >= tops[0] else 0
        assert view._block_at_y(y).blockNumber() == expected, y


def test_finding_the_top_block_lays_out_only_the_top_of_a_long_text(qtbot):
    """A text of 3,000 paragraphs scrolled to the top: finding the first visible block probes blocks near the
    top only (a bisection probed the middle first and laid out half a 50 MB article: 6.4 s, bench_ingest)."""
    from annotator.gui.article_view import ArticleView

    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.setPlainText("\n".join("word " * 50 for _ in range(3000)))
    probed: list[int] = []
    layout = view.document().documentLayout()
    original = type(layout).blockBoundingRect

    class Spy:
        def __getattr__(self, name):
            return getattr(layout, name)

        def blockBoundingRect(self, block):
            probed.append(block.blockNumber())
            return original(layout, block)

    view.document().documentLayout = lambda: Spy()
    view._block_at_y(0.0)
    assert probed and max(probed) < 10, probed
