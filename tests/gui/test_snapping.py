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


@pytest.mark.parametrize(
    ("position", "edge", "expected"),
    [
        (18, "end", 19),  # "Joh|n" -> nearer to the end of "John"
        (16, "start", 15),  # "J|ohn" -> its start
        (19, "start", 20),  # a start after "John " skips the space to "Kerry"
        (20, "end", 19),  # an end before " Kerry" steps back over the space
        (25, "end", 25),  # between "Kerry" and "'": already a boundary
        (0, "start", 0),
        (len(TEXT), "end", len(TEXT)),
    ],
)
def test_snap_edge(position, edge, expected):
    from annotator.gui.snapping import snap_edge

    assert snap_edge(TEXT, position, edge=edge) == expected
