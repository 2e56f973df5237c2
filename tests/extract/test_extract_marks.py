from annotator.extract.marks import find_marked_spans, outermost, paragraph_bounds


def contents(text):
    return [text[s.start : s.end] for s in outermost(find_marked_spans(text))]


def test_straight_and_curly_pairs():
    assert contents('He said "yes, sir," and “no”.') == ["yes, sir,", "no"]
    assert contents("„gut“ and « bien » and ‘fine’") == ["gut", "bien", "fine"]


def test_apostrophes_are_not_quotes():
    assert contents("Pakistan's army and the players' union met. It's the '90s, isn't it?") == []
    assert contents("the players' union called it 'unfair' today") == ["unfair"]
    assert contents("Pakistan’s players’ union") == []


def test_paragraph_break_closes_and_continues():
    text = '"First paragraph goes on.\n\n"Second one," he said.'
    spans = outermost(find_marked_spans(text))
    assert [text[s.start : s.end] for s in spans] == ["First paragraph goes on.", "Second one,"]
    assert spans[0].close is None and spans[0].continued
    assert not spans[1].continued


def test_nested_quotes_keep_outer():
    assert contents("“He told me ‘never’ twice,” she said.") == ["He told me ‘never’ twice,"]


def test_paragraph_bounds_wrapped_lines():
    text = "One line that wraps\nonto the next.\nNew paragraph.\n\nThird."
    assert [text[a:b] for a, b in paragraph_bounds(text)] == [
        "One line that wraps\nonto the next.",
        "New paragraph.",
        "Third.",
    ]
