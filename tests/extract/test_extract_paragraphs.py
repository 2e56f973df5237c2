"""Issue 14: no entity or quote crosses a paragraph break (the model labelled "Kerry\\n\\nPak" as one entity),
and nothing is pre-annotated inside boilerplate lines."""

from __future__ import annotations

from annotator.extract.pipeline import split_at_paragraph_breaks


def test_split_at_paragraph_breaks():
    text = "Talks with John Kerry\n\nPak officials met.\n \nAnd more."
    assert split_at_paragraph_breaks(text, 11, 26) == [(11, 21), (23, 26)]
    assert split_at_paragraph_breaks(text, 0, len(text)) == [(0, 21), (23, 41), (44, 53)]
    assert split_at_paragraph_breaks(text, 21, 23) == []


def test_no_span_across_a_paragraph_break(extractor):
    text = ("US Secretary of State John Kerry\n\nPak army chief Raheel Sharif met Kerry in Rawalpindi.\n\n"
            '"We will not stop," Sharif said.\n\n"The fight goes on."')
    got = extractor.extract_one(text)
    spans = [(e.start, e.end) for e in got.entities] + [(q.start, q.end) for q in got.quotes]
    assert spans and not [s for s in spans if "\n\n" in text[s[0]:s[1]]]


def test_nothing_pre_annotated_inside_boilerplate(extractor):
    text = ("Skip to main content\nShare on Facebook\nMayor Ann Cole opens bridge\n\n"
            "READ MORE: Ann Cole says the bridge will be free\n\n"
            "Mayor Ann Cole said the bridge would open on Friday.")
    got = extractor.extract_one(text)
    body = text.index("Mayor Ann Cole said")
    assert [text[q.start:q.end] for q in got.quotes] == ["the bridge would open on Friday"]
    link = text.index("READ MORE")
    assert not [e for e in got.entities if link <= e.start < body]
