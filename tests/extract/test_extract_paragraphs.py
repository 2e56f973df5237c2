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


def test_no_entity_across_a_line_break(extractor):
    # a headline line straight above the body, and a .txt with one paragraph per line
    for text in ["Storm damage closes pier in Morecambe\nStormwater flooded the promenade on Monday.",
                 "Council approves budget for Wrexham\nCouncillors voted 30 to 12 on Tuesday night.",
                 "Talks end without a deal in Geneva\r\nDelegates left on Friday, officials said."]:
        got = extractor.extract_one(text)
        crossing = [text[e.start:e.end] for e in got.entities if "\n" in text[e.start:e.end] or "\r" in text[e.start:e.end]]
        assert not crossing, crossing


def test_boilerplate_article_has_nothing_pre_annotated_in_its_furniture(extractor):
    text = ("Home\nNews\nSport\nPlease wait…\nWe use cookies to improve your site. Accept all | Manage preferences\n"
            "Bridge reopens after repairs in Selby\nShare via Email\n0:00 / 2:10\nPlay Video\n"
            "Most Read: 'It was chaos,' says Selby driver Ola Nkem\nBy Petra Lindqvist, Transport Reporter\n"
            "Published 2 March 2025, 10:15 GMT\nTraffic was light on Saturday morning.\n"
            "The bridge reopened on Friday, council engineer Ravi Menon said.\n"
            "Trending: Minister Joan Pell says road tax will rise\nRelated Topics\nBridges\nSelby\n")
    got = extractor.extract_one(text)
    body = text.index("Traffic was light")
    body_end = text.index("\n", text.index("The bridge reopened"))
    assert [text[q.start:q.end] for q in got.quotes] == ["The bridge reopened on Friday"]
    title_end = text.index("\n", text.index("Bridge reopens"))
    title_start = text.index("Bridge reopens")
    stray = [text[e.start:e.end] for e in got.entities
             if not (body <= e.start < body_end or title_start <= e.start < title_end)]
    assert not stray, stray
