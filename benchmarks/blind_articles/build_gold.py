"""Build blind_quotes.jsonl (same format as seeds/seed_quotes.jsonl) for the blind articles in this folder.

The eight articles were written for a blind check of annotator/extract, in styles the dev set lacks: wire
dateline with two men quoted alternately ("he said"), UK tabloid with single quotes and "said Mr X", a feature
with a three-paragraph quote and "He said:" before a quote paragraph, a press release ("said X, CEO of Y."), a
court report ("testified", "told the court"), a sports piece with short quotes and nicknames, a science piece
with document sources ("according to the study"), and a live blog with timestamps and bullet lines.

Conventions are those of benchmarks/dev_articles/build_gold.py: direct = the content inside the marks (marks
excluded, trailing punctuation inside the marks kept; each paragraph and each part of a split quote is its own
quote); indirect = the reported clause without "that" and without the final full stop; mixed = the reported
clause including its inner quotation marks; speaker = as written; speaker_resolved = the full name, or the
organisation the article named ("the company" -> its name), or the description without a leading determiner.
Not quotes: scare quotes, nicknames, titles, headlines (since issue 14 "called X '…'" and "urged X to …" are
quotes). Offsets are found by exact search (the
quote must occur exactly once, or an ``after`` anchor picks the first occurrence after the anchor).

    python benchmarks/blind_articles/build_gold.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gold_files import DIRECT as D, INDIRECT as I, MIXED as M, write_gold  # noqa: E402

HERE = Path(__file__).resolve().parent


# (doc, quote, speaker as written, resolved, cue, type[, after-anchor])
GOLD: list[tuple] = [
    # 01 wire, two men quoted alternately
    ("01_wire_senators.txt", "the cap would cost taxpayers billions and reward colleges that keep raising tuition",
     "Sen. Tom Whitaker", "Tom Whitaker", "said", I),
    ("01_wire_senators.txt", "We would be putting a bandage on a wound that the schools themselves keep cutting open,",
     "Whitaker", "Tom Whitaker", "said", D),
    ("01_wire_senators.txt", "Families are not borrowing because tuition is a hobby,", "he", "Luis Navarro", "said", D),
    ("01_wire_senators.txt", "They are borrowing because there is no other way in.", "he", "Luis Navarro", "said", D),
    ("01_wire_senators.txt", "the bill did nothing to hold universities accountable", "Whitaker", "Tom Whitaker",
     "shot back", I),
    ("01_wire_senators.txt", "Show me one line in this bill that asks a college to spend a dollar less,", "he",
     "Tom Whitaker", "said", D),
    ("01_wire_senators.txt", "the accountability provisions were in a separate measure he planned to introduce in the "
     "fall", "Navarro", "Luis Navarro", "said", I),
    ("01_wire_senators.txt", "You can't fix everything in one bill,", "he", "Luis Navarro", "said", D),
    ("01_wire_senators.txt", "This one fixes the part that is crushing people right now.", "he", "Luis Navarro",
     "said", D),
    ("01_wire_senators.txt", 'he respected Navarro but thought his colleague was "selling a promise the Treasury can\'t '
     'keep."', "Whitaker", "Tom Whitaker", "said", M),
    ("01_wire_senators.txt", "He's a decent man with a bad idea,", "Whitaker", "Tom Whitaker", "said", D),
    ("01_wire_senators.txt", "I've been called worse by better,", "he", "Luis Navarro", "said", D),
    ("01_wire_senators.txt", "she would decide next week whether to schedule a vote", "Senate Majority Leader Claire "
     "Donovan", "Claire Donovan", "told", I),
    ("01_wire_senators.txt", "I want to see where the votes are before I waste floor time,", "Donovan",
     "Claire Donovan", "said", D),
    ("01_wire_senators.txt", "they would rally outside the Capitol on Thursday", "Student advocacy groups",
     "Student advocacy groups", "said", I),
    # 02 UK tabloid, single quotes, "said Mrs X"
    ("02_tabloid_uk.txt", "I thought it was the cat at first,", "Mrs Pickering", "Doreen Pickering", "said", D),
    ("02_tabloid_uk.txt", "Then I saw a man with his hood up going through my handbag and I just saw red.",
     "Mrs Pickering", "Doreen Pickering", "said", D),
    ("02_tabloid_uk.txt", "He didn't hang about,", "she", "Doreen Pickering", "told", D),
    ("02_tabloid_uk.txt", "I've never seen anyone run so fast in my life.", "she", "Doreen Pickering", "told", D),
    ("02_tabloid_uk.txt", "he heard shouting and ran round to find the pensioner standing in her hallway 'still "
     "holding the pan like a tennis racket'", "Neighbour Gary Sutcliffe", "Gary Sutcliffe", "said", M),
    ("02_tabloid_uk.txt", "She's a legend,", "Mr Sutcliffe", "Gary Sutcliffe", "said", D),
    ("02_tabloid_uk.txt", "Half the street's been round with flowers.", "Mr Sutcliffe", "Gary Sutcliffe", "said", D),
    ("02_tabloid_uk.txt", "officers were called to the property shortly after 11pm and a 31-year-old man had been "
     "arrested on suspicion of burglary", "Greater Manchester Police", "Greater Manchester Police", "said", I),
    ("02_tabloid_uk.txt", "We would never advise members of the public to tackle an intruder themselves, but we are "
     "pleased Mrs Pickering was not hurt.", "A force spokesman", "force spokesman", "said", D),
    ("02_tabloid_uk.txt", "her mother had lived alone since her husband died six years ago and refused to move",
     "Julie Hart", "Julie Hart", "said", I),
    ("02_tabloid_uk.txt", "Mum's tougher than all of us put together,", "Mrs Hart", "Julie Hart", "said", D),
    ("02_tabloid_uk.txt", "But I've told her the pan is staying in the kitchen from now on.", "Mrs Hart",
     "Julie Hart", "said", D),
    ("02_tabloid_uk.txt", "If he comes back, I've got a bigger one,", "she", "Doreen Pickering", "said", D),
    # 03 feature: three-paragraph quote, "He said:" before a quote paragraph
    ("03_feature_ferry.txt", "My father ran this ferry before me, and his uncle before him,", "he", "Walter Ebbing",
     "said", D),
    ("03_feature_ferry.txt", "I grew up thinking everybody's father went to work on the water. I was twelve before I "
     "understood that most people's fathers went to work in buildings.", "he", "Walter Ebbing", "said", D),
    ("03_feature_ferry.txt", "You learn the river the way you learn a person. It has moods. In March it is angry and in "
     "August it is lazy, and if you treat it the same way in both months it will drown you.", "he", "Walter Ebbing",
     "said", D),
    ("03_feature_ferry.txt", "I don't mind the bridge. A bridge doesn't get sick and it doesn't get old. But nobody is "
     "going to stand on a bridge and tell it about their day.", "he", "Walter Ebbing", "said", D),
    ("03_feature_ferry.txt", "they will miss those conversations", "Ebbing's passengers", "Ebbing's passengers", "say", I),
    ("03_feature_ferry.txt", "the ride was the only part of her week when nobody could reach her by phone",
     "Marisol Dent", "Marisol Dent", "said", I),
    ("03_feature_ferry.txt", "There's no signal in the middle,", "she", "Marisol Dent", "said", D),
    ("03_feature_ferry.txt", "Walter says that's the best thing about the job.", "she", "Marisol Dent", "said", D),
    ("03_feature_ferry.txt", "the footbridge would cost $2.3 million and open in 2026", "County engineer Paul Grady",
     "Paul Grady", "said", I),
    ("03_feature_ferry.txt", "the county had considered keeping the ferry as a tourist attraction but could not find "
     "anyone to run it", "He", "Paul Grady", "said", I),
    ("03_feature_ferry.txt", "We advertised the position twice. We got one application, and it was from Walter's "
     "grandson, who is nine.", "He", "Paul Grady", "said", D),
    ("03_feature_ferry.txt", "Fish, probably,", "he", "Walter Ebbing", "said", D),
    ("03_feature_ferry.txt", "From the bank, this time.", "he", "Walter Ebbing", "said", D),
    # 04 press release: "said X, title of Y."
    ("04_press_release.txt", "The Atlas 3 can lift loads of up to 40 kilograms and navigate aisles as narrow as 90 "
     "centimeters", "the company", "Brightwell Robotics", "said", I),
    ("04_press_release.txt", "Most warehouses in the world are not giant fulfillment centers. They are "
     "50,000-square-foot buildings with twenty people and a forklift,", "Anita Kovac", "Anita Kovac", "said", D),
    ("04_press_release.txt", "We built the Atlas 3 for them.", "Anita Kovac", "Anita Kovac", "said", D),
    ("04_press_release.txt", "the robot's new vision system reduces picking errors by 35 percent compared with its "
     "previous model", "The company", "Brightwell Robotics", "says", I),
    ("04_press_release.txt", "Our customers told us that accuracy mattered more to them than speed,", "Derek Liu",
     "Derek Liu", "added", D),
    ("04_press_release.txt", "So we spent the last eighteen months on the eyes rather than the legs.", "Derek Liu",
     "Derek Liu", "added", D),
    ("04_press_release.txt", "The robots took over the night shift's most repetitive picking within a month, and our "
     "people moved to quality checks and packing,", "Samuel Osei", "Samuel Osei", "said", D),
    ("04_press_release.txt", "Nobody lost a job. Several people got a better one.", "Samuel Osei", "Samuel Osei",
     "said", D),
    ("04_press_release.txt", "Hardware without software is a very expensive statue,", "Rachel Moore", "Rachel Moore",
     "said", D),
    ("04_press_release.txt", "Together we can give customers something that works on the first day.", "Rachel Moore",
     "Rachel Moore", "said", D),
    # 05 court
    ("05_court.txt", "she had been following orders from a supervisor she was afraid to question",
     "A former hospital pharmacist accused of stealing thousands of doses of painkillers", "Lydia Marsh", "told", I),
    ("05_court.txt", "I knew the counts were wrong. I told myself it was a paperwork problem,", "Marsh", "Lydia Marsh",
     "told", D),
    ("05_court.txt", "I needed the job.", "Marsh", "Lydia Marsh", "told", D),
    ("05_court.txt", "her supervisor, Kevin Doyle, instructed her to sign off on inventory sheets she had not checked",
     "Marsh", "Lydia Marsh", "testified", I),
    ("05_court.txt", "he never gave any such instruction", "Doyle", "Kevin Doyle", "testified", I),
    ("05_court.txt", "Because I had seen what happened to the last person who did,", "Marsh", "Lydia Marsh",
     "replied", D),
    ("05_court.txt", "the explanation was invented", "Lang", "Rebecca Lang", "suggested", I),
    ("05_court.txt", "You had three years to tell someone, Ms. Marsh,", "the prosecutor", "Rebecca Lang", "said", D),
    ("05_court.txt", "You told no one until you were arrested.", "the prosecutor", "Rebecca Lang", "said", D),
    ("05_court.txt", 'his client had been "set up to take the fall" for failures across the hospital\'s pharmacy '
     "department", "Defense attorney Martin Feld", "Martin Feld", "told", M),
    ("05_court.txt", "he would call two former pharmacy technicians to testify on Thursday", "He", "Martin Feld",
     "said", I),
    ("05_court.txt", 'the losses were "far beyond anything explained by waste or spillage."', "Alan Pierce",
     "Alan Pierce", "testified", M),
    ("05_court.txt", "Doyle's conduct was not on trial", "Judge Harriet Olsen", "Harriet Olsen", "reminded", I),
    ("05_court.txt", "Your job is to decide whether the state has proved these charges against this defendant,", "she",
     "Harriet Olsen", "said", D),
    ("05_court.txt", "Nothing more.", "she", "Harriet Olsen", "said", D),
    # 06 sports: short quotes, nicknames (not quotes)
    ("06_sports.txt", "Finally,", "Mbeki", "Marcus Mbeki", "said", D),
    ("06_sports.txt", "Finally.", "Mbeki", "Marcus Mbeki", "said", D),
    ("06_sports.txt", "I read it. Of course I read it,", "he", "Marcus Mbeki", "said", D),
    ("06_sports.txt", "My mom reads it too, so thanks for that.", "he", "Marcus Mbeki", "said", D),
    ("06_sports.txt", "He works. He runs. The goals come,", "Ferraro", "Gianni Ferraro", "said", D),
    ("06_sports.txt", "I told him that every week.", "Ferraro", "Gianni Ferraro", "said", D),
    ("06_sports.txt", "That's football,", "Almeida", "Lucas Almeida", "said", D),
    ("06_sports.txt", "They cheer, we cheer. Tonight they cheered last.", "Almeida", "Lucas Almeida", "said", D),
    ("06_sports.txt", "Best ball I've had all year,", "Mbeki", "Marcus Mbeki", "said", D),
    ("06_sports.txt", "He owed me one,", "Whitfield", "Sam Whitfield", "said", D),
    ("06_sports.txt", "Now he owes me dinner.", "Whitfield", "Sam Whitfield", "said", D),
    ("06_sports.txt", "We stopped defending,", "he", "Harold Voss", "said", D),
    ("06_sports.txt", "Simple as that.", "he", "Harold Voss", "said", D),
    ("06_sports.txt", "his team would review the film on Monday and that goalkeeper Ian Crane, who left the game "
     "with a wrist injury, would have an X-ray", "Voss", "Harold Voss", "said", I),
    ("06_sports.txt", "We're in the race,", "Ferraro", "Gianni Ferraro", "said", D),
    ("06_sports.txt", "Ask me again in October.", "Ferraro", "Gianni Ferraro", "said", D),
    # 07 science: document sources
    ("07_science_reefs.txt", "reefs in the region lost nearly a third of their live coral cover between 2010 and 2023, "
     "with the steepest declines after marine heatwaves in 2016 and 2020", "the study", "study", "According to", I),
    ("07_science_reefs.txt", "We expected losses, but not on this scale,", "Dr. Naledi Khumalo", "Naledi Khumalo",
     "said", D),
    ("07_science_reefs.txt", "Some reefs we surveyed in 2012 are now mostly rubble.", "Dr. Naledi Khumalo",
     "Naledi Khumalo", "said", D),
    ("07_science_reefs.txt", "the findings should push governments to cut emissions faster, but that local measures "
     "still mattered", "Khumalo", "Naledi Khumalo", "said", I),
    ("07_science_reefs.txt", "Reefs inside marine protected areas recovered more quickly after each heatwave",
     "the survey data", "survey data", "show", I),
    ("07_science_reefs.txt", "Protection is not a shield against heat,", "she", "Naledi Khumalo", "said", D),
    ("07_science_reefs.txt", "It is a head start on recovery.", "she", "Naledi Khumalo", "said", D),
    ("07_science_reefs.txt", "heavy fishing around unprotected reefs removed the grazing fish that keep algae from "
     "smothering young coral", "The study's authors", "study's authors", "wrote", I),
    ("07_science_reefs.txt", "The numbers are alarming, but they are also honest,", "Reyes", "Tomas Reyes", "said", D),
    ("07_science_reefs.txt", "Too many reef studies only look at the best sites.", "Reyes", "Tomas Reyes", "said", D),
    ("07_science_reefs.txt", "the surveys relied on different methods in different countries, which could blur some "
     "comparisons between them", "He", "Tomas Reyes", "cautioned", I),
    # issue 14 convention: the quoted fragment after "called X" is the speaker's words
    ("07_science_reefs.txt", "one of the most thorough we have for the region.", "Dr. Tomas Reyes", "Tomas Reyes",
     "called", D),
    ("07_science_reefs.txt", "coral reefs support about a quarter of all marine species while covering less than one "
     "percent of the ocean floor", "the United Nations Environment Programme", "United Nations Environment Programme",
     "According to", I),
    ("07_science_reefs.txt", "The research team plans to repeat the survey in 2026", "Khumalo", "Naledi Khumalo",
     "said", I),
    # 08 live blog: timestamps, headlines (not quotes), bullet lines
    ("08_liveblog_storm.txt", "three people were pulled from a capsized sailboat two miles off Port Rell shortly after "
     "14:00", "The coast guard", "coast guard", "says", I),
    ("08_liveblog_storm.txt", "All three are in stable condition", "a spokesperson", "spokesperson", "said", I),
    # "has urged residents not to travel this evening" was annotated as an indirect quote in the gold scored blind,
    # then removed for consistency with the seeds and the dev set; issue 14 made "urged X to …" a quote in all
    # three sets, so it is back.
    ("08_liveblog_storm.txt", "not to travel this evening", "Port Rell mayor Annika Holt", "Annika Holt", "urged", I),
    ("08_liveblog_storm.txt", "If you don't need to be on the road, don't be on the road. The bridges will close at six,",
     "Holt", "Annika Holt", "told", D),
    ("08_liveblog_storm.txt", "Schools will stay closed on Tuesday", "she", "Annika Holt", "said", I),
    ("08_liveblog_storm.txt", "About 40,000 homes are without power", "Northgrid", "Northgrid", "according to", I),
    ("08_liveblog_storm.txt", 'engineers were working in "very difficult conditions" and could not give a time for '
     "reconnection", "The company", "Northgrid", "said", M),
    ("08_liveblog_storm.txt", "I've seen big seas, but nothing like this. The boats are jumping on their moorings like "
     "toys,", "he", "Colin Reade", "told", D),
    ("08_liveblog_storm.txt", "gusts could reach 90mph this afternoon", "The Met Office", "Met Office", "saying", I),
    ("08_liveblog_storm.txt", 'the storm was "moving more slowly than we had hoped", which meant heavier rain over the '
     "same areas", "Chief meteorologist Dev Anand", "Dev Anand", "said", M),
    ("08_liveblog_storm.txt", "all services between Port Rell and Calder are cancelled for the rest of the day",
     "Northern Rail", "Northern Rail", "says", I),
]



if __name__ == "__main__":
    write_gold(HERE, GOLD, "blind_quotes.jsonl")
