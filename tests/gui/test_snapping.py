from __future__ import annotations

import pytest

from annotator.gui.snapping import snap_to_words, step

TEXT = "U.S. Secretary John Kerry's visit, café\u0301 talks."


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (16, 18, "John"),  # inside a word
        (14, 23, "John Kerry"),  # spaces trimmed, words grown
        (21, 26, "Kerry'"),  # punctuation is its own token: not grown into "'s"
        (36, 40, "café\u0301"),  # a combining mark stays with its letter
        (14, 15, ""),  # only a space
    ],
)
def test_snap(start, end, expected):
    s, e = snap_to_words(TEXT, start, end)
    assert TEXT[s:e] == expected


def test_step_moves_edges_to_word_boundaries():
    start = TEXT.index("John")
    assert step(TEXT, start, +1, edge="start") == TEXT.index("Kerry")
    assert step(TEXT, start, -1, edge="start") == TEXT.index("Secretary")
    end = TEXT.index("John") + 4
    assert step(TEXT, end, +1, edge="end") == TEXT.index("Kerry") + 5
    assert step(TEXT, end, -1, edge="end") == TEXT.index("Secretary") + len("Secretary")
    assert step(TEXT, 3, +1, by_word=False) == 4 and step(TEXT, 0, -1, by_word=False) == 0
