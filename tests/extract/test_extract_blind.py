"""General rules added after the blind check on benchmarks/blind_articles (wire, tabloid, feature, press release,
court, sports, science, live blog): one small hand-written text per phenomenon, with words and people that are
not in those articles. Tuples from ``quotes_of`` are (type, content, speaker as written, resolved, cue)."""

from __future__ import annotations


def test_nickname_between_first_and_last_name(quotes_of):
    text = (
        'Winger Rafael "Rafa" Quintero scored twice on Sunday.\n\n'
        '"It felt good to see one go in," Quintero said.\n\n'
        'The 22-year-old was mobbed by teammates. "I owed them that," he said.'
    )
    got = quotes_of(text)
    assert [q[1] for q in got] == ["It felt good to see one go in,", "I owed them that,"]
    assert {q[3] for q in got} == {"Rafael Quintero"}


def test_honorific_mention_takes_the_full_name_written_earlier(quotes_of):
    # the NER often misses a sentence-initial "First Last, 81," and only tags "Mrs Last"
    text = (
        "Winifred Okonedo, 81, was asleep when the fire started.\n\n"
        "'I smelled the smoke first,' said Mrs Okonedo. 'Then I heard the alarm.'\n\n"
        "'I was lucky,' she told the Evening Post."
    )
    got = quotes_of(text)
    assert [q[1] for q in got] == ["I smelled the smoke first,", "Then I heard the alarm.", "I was lucky,"]
    assert {q[3] for q in got} == {"Winifred Okonedo"}


def test_name_followed_by_who_is_a_person_for_pronouns(quotes_of):
    text = (
        "Ottilie Varga, who drives the school bus, said the road had flooded twice this month.\n\n"
        '"The water came up to the wheels," she said, laughing.'
    )
    got = quotes_of(text)
    assert [q[0] for q in got] == ["indirect", "direct"]
    assert got[1][3] == got[0][3] == "Ottilie Varga"


def test_the_company_is_its_usual_name_not_a_one_off_event(quotes_of):
    text = (
        "Corvane Systems, Inc. today released a new payroll app. Corvane Systems said the app "
        "would be free for small firms.\n\n"
        "Prices will be set at the Corvane Partner Forum in July.\n\n"
        "The app already has 4,000 users, the company said."
    )
    got = quotes_of(text)
    assert [q[3] for q in got] == ["Corvane Systems", "Corvane Systems"]


def test_bullet_lines_are_sentences_and_no_names(quotes_of):
    text = (
        "Mayor Edith Rowan spoke at noon.\n"
        "• Libraries will stay shut on Friday, she said\n"
        "• Parking is free in the town centre\n\n"
        'Shopkeeper Bruno Castell, 50, watched from his door.\n"It is very quiet today," he told us.'
    )
    got = quotes_of(text)
    assert [(q[0], q[1], q[3]) for q in got] == [
        ("indirect", "Libraries will stay shut on Friday", "Edith Rowan"),
        ("direct", "It is very quiet today,", "Bruno Castell"),
    ]


def test_subject_hung_on_a_headline_line_above(quotes_of):
    text = (
        "09:10 — Ferry operator cancels sailings\n"
        "The Harbour Board has closed the north pier, saying waves could top the wall by noon."
    )
    got = quotes_of(text)
    assert [(q[1], q[3], q[4]) for q in got] == [
        ("waves could top the wall by noon", "Harbour Board", "saying")
    ]


def test_cue_closing_the_previous_paragraph(quotes_of):
    text = (
        "Site manager Colm Brady said the crane had been inspected in May. He added:\n\n"
        '"Every bolt was checked. We have the paperwork to prove it."'
    )
    got = quotes_of(text)
    assert got[-1][:2] == ("direct", "Every bolt was checked. We have the paperwork to prove it.")
    assert got[-1][3:] == ("Colm Brady", "added")


def test_one_word_floating_quote_after_a_split_quote(quotes_of):
    text = 'The goalkeeper smiled. "Relief," Anders Holm said. "Pure relief." Then he left.'
    got = quotes_of(text)
    assert [q[1] for q in got] == ["Relief,", "Pure relief."]
    text = '"At last," Anders Holm said. "Yes." He walked off.'
    assert [q[1] for q in quotes_of(text)] == ["At last,", "Yes."]


def test_phrasal_retort_cue(quotes_of):
    text = "Councillor Dana Pryce hit back that the budget had been balanced for six years."
    got = quotes_of(text)
    assert [(q[1], q[3], q[4]) for q in got] == [
        ("the budget had been balanced for six years", "Dana Pryce", "hit back")
    ]


def test_reported_wh_question_is_not_a_quote(quotes_of):
    text = "When asked what the job had cost him, Ivo Marek looked at the floor for a long time."
    assert quotes_of(text) == []


def test_cue_object_with_a_verbless_absolute_is_not_a_clause(quotes_of):
    text = '"I did what I was told," Nadia Ferreira told the court, her hands shaking. "Nothing else."'
    got = quotes_of(text)
    assert [q[0] for q in got] == ["direct", "direct"]
    assert all("court" not in q[1] for q in got)


def test_trailing_quoted_fragment_makes_the_report_mixed(quotes_of):
    text = "Neighbour Owen Price, 60, said he found the dog sitting on the roof 'as calm as a judge'.\n"
    got = quotes_of(text)
    assert [(q[0], q[1], q[3]) for q in got] == [
        ("mixed", "he found the dog sitting on the roof 'as calm as a judge'", "Owen Price")
    ]


def test_second_that_clause_continues_the_report(quotes_of):
    text = "Fischer said the vaccine worked well in adults, but that children needed a second dose."
    got = quotes_of(text)
    assert [(q[0], q[1]) for q in got] == [
        ("indirect", "the vaccine worked well in adults, but that children needed a second dose")
    ]


def test_the_prosecutor_is_the_district_attorney(quotes_of):
    text = (
        "Defense lawyer Hugo Tan spoke first. Assistant District Attorney Mira Solberg then rose.\n\n"
        '"The evidence is overwhelming," the prosecutor said.'
    )
    got = quotes_of(text)
    assert [(q[1], q[3]) for q in got] == [("The evidence is overwhelming,", "Mira Solberg")]
