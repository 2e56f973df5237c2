"""Build blind2_quotes.jsonl (same format as seeds/seed_quotes.jsonl) for the ten articles in this folder.

Written for issue 14 BEFORE any rule of that issue was changed, and scored once then (figures in README.md):
a US wire story with a statement tail and a floating quote paragraph, local news with curly quotes and a
parenthetical "the board says", a UK rugby report with curly single quotes, a business story ("according to",
"adding that"), an opinion column (scare quote, wh-clauses: mostly no quotes), a UK court report ("said:" and
"told X:"), a live blog (headline quote, embedded social post, READ MORE line, "was blunt:"), a health feature
(kin appositive speakers, "she said, laughing"), US education news ("pledged to", "urged X to", "warned that",
noun cue "claim that"), and a tech profile (parenthetical "she says", colon introduction, "-Name" attribution).

Conventions are those of benchmarks/dev_articles/build_gold.py, plus the issue-14 ones: cue + to-infinitive
("pledged to …", "urged X to …") is an indirect quote whose content is the to-infinitive; a quoted fragment after
"called X" is a direct quote; a colon introduction, a "-Name" line and a social post are direct quotes with no cue
(a headline "Name: '…'" has the cue ":"); a parenthetical "X, she says, Y" is indirect with content "X, she says, Y".

    python benchmarks/blind2_articles/build_gold.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gold_files import DIRECT as D, INDIRECT as I, MIXED as M, write_gold  # noqa: E402

HERE = Path(__file__).resolve().parent

# (doc, quote, speaker as written, resolved, cue, type[, after-anchor])
GOLD: list[tuple] = [
    ("01_wire_tariffs.txt", "they could cut jobs before the end of the year", "two of the largest American producers",
     "largest American producers", "said", I),
    ("01_wire_tariffs.txt", "We have been patient for eighteen months, and patience does not pay wages,",
     "Commerce Secretary Harold Mintz", "Harold Mintz", "said", D),
    ("01_wire_tariffs.txt", "The offer on the table would have protected mills on both sides of the border.",
     "Commerce Secretary Harold Mintz", "Harold Mintz", "said", D),
    ("01_wire_tariffs.txt", "Ottawa had accepted every condition put to it in March", "Canadian trade minister Sophie "
     "Arcand", "Sophie Arcand", "saying", I),
    ("01_wire_tariffs.txt", "it would idle one of its two furnaces in Ohio next month", "Ridgeline Steel",
     "Ridgeline Steel", "said", I),
    ("01_wire_tariffs.txt", "to return to the table before Christmas", "Union leader Dwayne Foley", "Dwayne Foley",
     "urged", I),
    ("01_wire_tariffs.txt", "Every week they spend posturing is a week our members spend worrying about the mortgage,",
     "Foley", "Dwayne Foley", "told", D),
    ("02_local_library.txt", "the cuts were the only way to keep all five branches open without raising fees",
     "Board chair Margaret Oyelaran", "Margaret Oyelaran", "said", I),
    ("02_local_library.txt", "Nobody on this board wanted to do this,", "she", "Margaret Oyelaran", "said", D),
    ("02_local_library.txt", "But the alternative was losing a branch altogether.", "she", "Margaret Oyelaran", "said",
     D),
    ("02_local_library.txt", "a slow death by a thousand cuts", "Regular user Tom Castellano", "Tom Castellano",
     "called", D),
    ("02_local_library.txt", "he would start a petition", "Regular user Tom Castellano", "Tom Castellano", "said", I),
    ("02_local_library.txt", "The branch, the board says, has seen visits fall by a fifth since 2019", "the board",
     "library board", "says", I),
    ("02_local_library.txt", "the quieter figures hid how the building is used", "Librarian Ama Boateng",
     "Ama Boateng", "said", I),
    ("02_local_library.txt", "On a Monday afternoon we have forty kids doing homework here because they have nowhere "
     "else to go,", "she", "Ama Boateng", "said", D),
    ("03_sport_uk_rugby.txt", "I wasn’t thinking about the misses,", "Pryce", "Owain Pryce", "said", D),
    ("03_sport_uk_rugby.txt", "You can’t, or you’d never kick again.", "Pryce", "Owain Pryce", "said", D),
    ("03_sport_uk_rugby.txt", "her side had been second best for long spells", "Harlow head coach Bev Tanner",
     "Bev Tanner", "admitted", I),
    ("03_sport_uk_rugby.txt", "We were lucky, and I’ll hold my hands up to that,", "Tanner", "Bev Tanner", "said", D),
    ("03_sport_uk_rugby.txt", "Kingsbridge deserved something from the game.", "Tanner", "Bev Tanner", "said", D),
    ("03_sport_uk_rugby.txt", "I’ve watched it back twice and I still don’t know what he’s given it for,", "Mills",
     "Jonah Mills", "said", D),
    ("04_business_earnings.txt", "Net income fell to $214 million, or 88 cents a share, from $243 million a year "
     "earlier", "the company", "Orchard Foods", "said", I),
    ("04_business_earnings.txt", "the company would cut prices on about 300 products in the coming weeks",
     "Chief executive Lorraine Whitby", "Lorraine Whitby", "said", I),
    ("04_business_earnings.txt", "We are not going to sit back and watch our customers walk out the door,", "Whitby",
     "Lorraine Whitby", "said", D),
    ("04_business_earnings.txt", "We will be sharper on price, starting now.", "Whitby", "Lorraine Whitby", "said", D),
    ("04_business_earnings.txt", "the price cuts could shave a further point off margins next year",
     "analysts at Fenwick Partners", "analysts at Fenwick Partners", "According to", I),
    ("04_business_earnings.txt", "the company still expected full-year sales to grow", "Finance chief Raj Malhotra",
     "Raj Malhotra", "said", I),
    ("04_business_earnings.txt", "cost savings of $150 million were on track", "Finance chief Raj Malhotra",
     "Raj Malhotra", "adding", I),
    ("05_opinion_parking.txt", "the charge was about fairness", "Council leader Brian Fogarty", "Brian Fogarty", "told",
     I),
    ("06_court_uk.txt", 'the cyclist, Peter Wragg, 61, had "no chance whatsoever" of avoiding the van',
     "Prosecutor Helen Marsden", "Helen Marsden", "told", M),
    ("06_court_uk.txt", "Peter rode that road every Sunday for thirty years. He was careful, he wore bright clothes, "
     "and none of it mattered.", "Susan", "Susan", "said", D),
    ("06_court_uk.txt", 'his client was "utterly ashamed" and had not driven since', "Mark Ellery", "Mark Ellery",
     "said", M),
    ("06_court_uk.txt", "You chose a conversation over the life of another human being.", "Judge Rosalind Carr",
     "Rosalind Carr", "told", D),
    ("07_liveblog_flood.txt", "Stay off the roads tonight", "Mayor Alvarez", "Lucia Alvarez", ":", D),
    ("07_liveblog_flood.txt", "crews had rescued eleven people from cars stuck in floodwater since midnight",
     "Fire chief Neil Osborne", "Neil Osborne", "said", I),
    ("07_liveblog_flood.txt", "Please, please do not try to drive through flood water. Two feet of moving water will "
     "float a car.", "Lucia Alvarez", "Lucia Alvarez", None, D),
    ("07_liveblog_flood.txt", "river levels were expected to peak at around 3pm", "The Environment Agency",
     "Environment Agency", "said", I),
    ("07_liveblog_flood.txt", "We did everything we were told and the water still came in.", "Shop owner Declan Hughes",
     "Declan Hughes", None, D),
    ("08_health_feature.txt", "recovery like his depends on practice more than on anything else",
     "His speech therapist, Clare Devlin", "Clare Devlin", "says", I),
    ("08_health_feature.txt", "We see people make progress for years after a stroke, not months,", "she",
     "Clare Devlin", "said", D),
    ("08_health_feature.txt", "The brain keeps rewiring as long as you keep asking it to.", "she", "Clare Devlin",
     "said", D),
    ("08_health_feature.txt", "He asked for the remote control,", "she", "Ngozi", "said", D),
    ("08_health_feature.txt", "Of all the things.", "she", "Ngozi", "said", D),
    ("08_health_feature.txt", "Some days it's like looking for your keys in the dark,", "he", "Martin Ekwueme", "said",
     D),
    ("08_health_feature.txt", "But I find them.", "he", "Martin Ekwueme", "said", D),
    ("09_education_us.txt", "to bring a revised plan back to the board in February", "Superintendent Dana Whitfield",
     "Dana Whitfield", "pledged", I),
    ("09_education_us.txt", "the change could cost the district $1.2 million a year in extra bus routes",
     "Board member Luis Ocampo", "Luis Ocampo", "warned", I),
    ("09_education_us.txt", "We all want kids to sleep more, but somebody has to pay the drivers,", "Ocampo",
     "Luis Ocampo", "said", D),
    ("09_education_us.txt", "teenagers who start later miss fewer classes and have fewer car crashes",
     "Parent Jessica Tran", "Jessica Tran", "told", I),
    ("09_education_us.txt", "members were split", "Its president, Greg Sandoval", "Greg Sandoval", "said", I),
    ("09_education_us.txt", "to survey staff before any vote", "Its president, Greg Sandoval", "Greg Sandoval",
     "urged", I),
    ("09_education_us.txt", 'the plan would "pay for itself" through better attendance', "The district", "district",
     "claim", M),
    ("10_tech_interview.txt", "That, she says, is the point", "she", "Priya Raman", "says", I),
    ("10_tech_interview.txt", "We will never change a button without telling you a month in advance.", "Her",
     "Priya Raman", None, D),
    ("10_tech_interview.txt", "I thought she was mad,", "Colin Baptiste", "Colin Baptiste", "admitted", D),
    ("10_tech_interview.txt", "Then I looked at how much time my own staff lose every time a tool redesigns itself, "
     "and I stopped laughing.", "Colin Baptiste", "Colin Baptiste", "admitted", D),
    ("10_tech_interview.txt", "the company will stay small on purpose", "Raman", "Priya Raman", "says", I),
    ("10_tech_interview.txt", "Growth for its own sake is how good software gets ruined.", "Priya Raman",
     "Priya Raman", None, D),
]


if __name__ == "__main__":
    write_gold(HERE, GOLD, "blind2_quotes.jsonl")
