"""Build dev_quotes.jsonl (same format as seeds/seed_quotes.jsonl) from the annotations below.

Offsets are computed by finding each quote's exact text in its article (it must occur exactly once, or an
``after`` anchor picks the first occurrence after the anchor text); nothing is counted by hand.

Conventions (as in seed_quotes.jsonl): direct = the content inside the marks (marks excluded, trailing
punctuation inside the marks kept; each paragraph and each part of a split quote is its own quote);
indirect = the reported clause without "that" and without the final full stop; mixed = the reported clause
including its inner quotation marks; speaker = as written (noun phrase up to a comma); speaker_resolved =
the full name, or the organisation the article named ("the company" -> its name), or the description
without a leading determiner. Not quotes: scare quotes, nicknames, titles of works, headlines, questions of
the interviewer. Since issue 14: "called X '…'" (a fragment of two words or more) and "urged X to …" are quotes.

    python benchmarks/dev_articles/build_gold.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gold_files import DIRECT as D, INDIRECT as I, MIXED as M, write_gold  # noqa: E402

HERE = Path(__file__).resolve().parent


# (doc, quote, speaker as written, resolved, cue, type[, after-anchor])
GOLD: list[tuple] = [
    # 01 politics
    ("01_politics.txt", "the measure had been rushed", "members", "members", "complained", I),
    ("01_politics.txt", "the money would reach towns that have waited decades for clean water",
     "Senator Margaret Hollis", "Margaret Hollis", "said", I),
    ("01_politics.txt", "People in these places have been boiling their tap water for years,", "Hollis",
     "Margaret Hollis", "told", D),
    ("01_politics.txt", "That is not a policy failure. That is a moral failure.", "Hollis", "Margaret Hollis", "told", D),
    ("01_politics.txt", "the bill lacked safeguards against waste", "Senator Ray Dunmore of Kansas", "Ray Dunmore",
     "argued", I),
    ("01_politics.txt", "Nobody on this side is against clean water,", "Dunmore", "Ray Dunmore", "said", D),
    ("01_politics.txt", "We are against writing a blank check and hoping for the best.", "Dunmore", "Ray Dunmore",
     "said", D),
    ("01_politics.txt", "he would offer amendments on the Senate floor", "He", "Ray Dunmore", "added", I),
    ("01_politics.txt", 'the funding was "long overdue and badly needed."', "the National Rural Water Association",
     "National Rural Water Association", "said", M),
    ("01_politics.txt", 'the administration was "reviewing the text closely."', "Press secretary Nina Calder",
     "Nina Calder", "wrote", M),
    ("01_politics.txt", "My colleagues call it a blank check,", "she", "Margaret Hollis", "said", D),
    ("01_politics.txt", "I call it a down payment on a promise we made a long time ago.", "she", "Margaret Hollis",
     "said", D),
    ("01_politics.txt", "They showed me a jar of water that looked like weak tea. The mother told me she had stopped "
     "letting her kids bathe at home.", "Hollis", "Margaret Hollis", "said", D),
    ("01_politics.txt", "I went back to Washington and I started writing this bill that night,", "Hollis",
     "Margaret Hollis", "said", D),
    ("01_politics.txt", "the committee should have held more hearings", "Dunmore", "Ray Dunmore", "said", I),
    ("01_politics.txt", "I'm open to it. Show me the numbers.", "he", "Ray Dunmore", "said", D),
    ("01_politics.txt", "a vote could come before the August recess", "leaders", "leaders", "said", I),
    # 02 earnings
    ("02_earnings.txt", "This was a tough quarter, and I’m not going to pretend otherwise,",
     "Chief Executive Laura Brennan", "Laura Brennan", "said", D),
    ("02_earnings.txt", "But the underlying demand for our brands is strong.", "Chief Executive Laura Brennan",
     "Laura Brennan", "said", D),
    ("02_earnings.txt", "the company would close two plants in Ohio and Georgia by the end of the year and move "
     "production to newer sites", "Brennan", "Laura Brennan", "said", I),
    ("02_earnings.txt", "About 600 jobs will be affected", "a company spokesperson", "company spokesperson",
     "according to", I),
    ("02_earnings.txt", "the new outlook “reflects a more cautious view of input costs through the winter.”",
     "The company", "Northwind Foods", "said", M),
    ("02_earnings.txt", "price increases introduced in the spring had held up better than expected",
     "Chief Financial Officer Mark Ellery", "Mark Ellery", "told", I),
    ("02_earnings.txt", "We have not seen the kind of trading down that people feared,", "he", "Mark Ellery", "said", D),
    ("02_earnings.txt", "The guidance cut is bigger than anyone on the Street was modelling,", "Priya Raman",
     "Priya Raman", "said", D),
    ("02_earnings.txt", "They are telling you the second half is going to be ugly.", "Priya Raman", "Priya Raman",
     "said", D),
    ("02_earnings.txt", "she expected further cuts if grain prices stay high through the autumn", "Raman",
     "Priya Raman", "said", I),
    ("02_earnings.txt", "the program showed the board’s “confidence in the long-term plan.”", "Brennan",
     "Laura Brennan", "said", M),
    ("02_earnings.txt", "the buyback was “a sweetener, not a strategy.”", "Halden’s Raman", "Priya Raman", "wrote", M),
    # 03 sports
    # issue 14 convention: a quoted fragment naming the object of "called X '…'" is the speaker's words
    ("03_sports.txt", "the best young forward in the league,", "he", "Brian Coyle", "called", D),
    ("04_court.txt", "a betrayal of the people who trusted you most.", "U.S. District Judge Caroline Mbeki",
     "Caroline Mbeki", "called", D),
    ("03_sports.txt", "I just saw the space and hit it,", "Ortiz", "Jamal Ortiz", "said", D),
    ("03_sports.txt", "I didn't even see it go in. I heard the noise and I knew.", "Ortiz", "Jamal Ortiz", "said", D),
    ("03_sports.txt", 'her players had been "nervous, honestly, for most of the first half."',
     "Riverside coach Elena Vasquez", "Elena Vasquez", "said", M),
    ("03_sports.txt", "At halftime I told them to stop playing for a draw,", "Vasquez", "Elena Vasquez", "said", D),
    ("03_sports.txt", "You don't win a semifinal by waiting for the other team to make a mistake.", "Vasquez",
     "Elena Vasquez", "said", D),
    ("03_sports.txt", "his side deserved at least extra time", "Port Hale manager Brian Coyle", "Brian Coyle", "said", I),
    ("03_sports.txt", "We were the better team for an hour,", "Coyle", "Brian Coyle", "told", D),
    ("03_sports.txt", "Football is cruel sometimes. You take it and you move on.", "Coyle", "Brian Coyle", "told", D),
    ("03_sports.txt", "the striker would be fine despite taking a knock late in the game", "He", "Brian Coyle",
     "said", I),
    ("03_sports.txt", "she had not yet thought about the opponents", "Vasquez", "Elena Vasquez", "said", I),
    ("03_sports.txt", "Tonight we enjoy it,", "she", "Elena Vasquez", "said", D),
    ("03_sports.txt", "Tomorrow we start again.", "she", "Elena Vasquez", "said", D),
    # 04 court
    ("04_court.txt", "he used the money to pay for vacations, a boat and the mortgage on a lake house", "Prosecutors",
     "Prosecutors", "said", I),
    ("04_court.txt", "You stole from sick children. There is no other way to describe it.", "she", "Caroline Mbeki",
     "said", D),
    ("04_court.txt", "his client had repaid about $300,000 and suffered from a gambling addiction",
     "Pike’s lawyer, Daniel Orr", "Daniel Orr", "arguing", I),
    ("04_court.txt", "He is ashamed of what he did, and he has told me so many times,", "Orr", "Daniel Orr", "said", D),
    ("04_court.txt", "He wanted the court to know that he is not the man he was ten years ago.", "Orr", "Daniel Orr",
     "said", D),
    ("04_court.txt", "I cannot undo the harm. I can only tell the families that I am sorry, and that I will spend the "
     "rest of my life trying to make it right.", "Pike", "Gerald Pike", "wrote", D),
    ("04_court.txt", "the thefts had continued for years after Pike was first questioned by the charity’s auditors",
     "She", "Caroline Mbeki", "noted", I),
    ("04_court.txt", "his letter “reads like an apology for getting caught.”", "She", "Caroline Mbeki", "said", M),
    ("04_court.txt", "children had asked her whether the summer camp would close", "The charity’s director, Ana Flores",
     "Ana Flores", "told", I),
    ("04_court.txt", "One girl asked me, ‘Is it because of us?’", "Flores", "Ana Flores", "said", D),
    ("04_court.txt", "I did not know what to tell her.", "Flores", "Ana Flores", "said", D),
    ("04_court.txt", "the sentence “sends a clear message that those who steal from charities will be held "
     "accountable.”", "The U.S. Attorney’s Office", "U.S. Attorney’s Office", "said", M),
    # 05 science
    ("05_science.txt", "The effect was consistent across every group we looked at, including people with high blood "
     "pressure and diabetes,", "Dr. Hanna Lindqvist", "Hanna Lindqvist", "said", D),
    ("05_science.txt", "the study was observational and could not prove that walking itself prevented dementia",
     "Lindqvist", "Hanna Lindqvist", "cautioned", I),
    ("05_science.txt", "People who walk more,", "she", "Hanna Lindqvist", "said", D),
    ("05_science.txt", "may also be healthier in ways we cannot measure. But the signal is strong, and walking is free.",
     "she", "Hanna Lindqvist", "said", D),
    ("05_science.txt", 'the "25 percent" figure should be read carefully', "Dr. Samuel Adeyemi", "Samuel Adeyemi",
     "said", M),
    ("05_science.txt", "It's a relative risk. For an individual, the absolute change is modest,", "he",
     "Samuel Adeyemi", "said", D),
    ("05_science.txt", 'the study was "a useful nudge" for doctors who are reluctant to discuss exercise with older '
     "patients", "He", "Samuel Adeyemi", "added", M),
    ("05_science.txt", "about 55 million people worldwide live with dementia, a number expected to rise to 78 million "
     "by 2030", "the World Health Organization", "World Health Organization", "According to", I),
    ("05_science.txt", "her team now plans a trial in which half of the participants will be given a structured "
     "walking program", "Lindqvist", "Hanna Lindqvist", "said", I),
    ("05_science.txt", '"even modest amounts of walking" were associated with lower risk', "The paper's authors",
     "paper's authors", "wrote", M),
    # 06 local
    ("06_local.txt", "A fire early Tuesday destroyed a family-owned bakery on Main Street in Millbrook, forcing "
     "residents of apartments above neighboring shops to evacuate", "officials", "officials", "said", I),
    ("06_local.txt", "Firefighters were called to Rosa’s Bakery at about 3:10 a.m. and found flames coming through "
     "the roof", "Fire Chief Walter Briggs", "Walter Briggs", "said", I),
    ("06_local.txt", "Nobody was inside the bakery, and all 11 residents of the nearby apartments got out safely",
     "he", "Walter Briggs", "said", I),
    ("06_local.txt", "The building is old and the roof went quickly,", "Briggs", "Walter Briggs", "said", D),
    ("06_local.txt", "Our crews did a great job keeping it from spreading down the block.", "Briggs", "Walter Briggs",
     "said", D),
    ("06_local.txt", "The cause of the fire is under investigation, but it does not appear suspicious", "police",
     "police", "said", I),
    ("06_local.txt", "Twenty-six years,", "she", "Rosa Delgado", "said", D),
    ("06_local.txt", "Everything we had is in there.", "she", "Rosa Delgado", "said", D),
    ("06_local.txt", "This place is the heart of the street,", "Tom Meyer", "Tom Meyer", "said", D),
    ("06_local.txt", "My kids grew up on her cinnamon rolls.", "Tom Meyer", "Tom Meyer", "said", D),
    ("06_local.txt", "the town would help the Delgados “in every way we can.”", "Mayor Joan Whitaker", "Joan Whitaker",
     "wrote", M),
    ("06_local.txt", "A fundraising page set up by friends had raised more than $18,000 by midmorning",
     "its organizer, Carla Nunez", "Carla Nunez", "according to", I),
    ("06_local.txt", "Main Street between Elm and Oak streets will remain closed to traffic until at least Wednesday",
     "the town’s public works department", "town’s public works department", "said", I),
    ("06_local.txt", "she and her husband had not decided whether to rebuild", "Delgado", "Rosa Delgado", "said", I),
    ("06_local.txt", "Ask me next week,", "she", "Rosa Delgado", "said", D),
    # 07 UK
    ("07_uk_libraries.txt", "the £1.4m saving is needed to protect social care", "Councillors in Ashbury",
     "Councillors in Ashbury", "saying", I),
    ("07_uk_libraries.txt", "Nobody goes into local government to close libraries. But we have to make choices, and I "
     "will not cut care for elderly and disabled residents to keep buildings open.", "Cllr Susan Blake", "Susan Blake",
     "said", D),
    ("07_uk_libraries.txt", "the council’s budget had been cut by ‘almost a third’ since 2010", "She", "Susan Blake",
     "said", M),
    ("07_uk_libraries.txt", "the closures will hit children and older people hardest", "Campaigners", "Campaigners",
     "say", I),
    ("07_uk_libraries.txt", "These libraries are not just rooms full of books,", "Derek Osei", "Derek Osei", "said", D),
    ("07_uk_libraries.txt", "They are where people come to get warm, to use a computer, to find a job. Close them and "
     "you close a lifeline.", "Derek Osei", "Derek Osei", "said", D),
    ("07_uk_libraries.txt", "the group had offered to run the branch with volunteers but had been told the building "
     "itself was ‘too costly to maintain’", "Mr Osei", "Derek Osei", "said", M),
    ("07_uk_libraries.txt", "her children had learned to read at the Hillside branch’s weekly ‘Rhyme Time’ sessions",
     "Mother-of-two Priya Shah", "Priya Shah", "said", I),
    ("07_uk_libraries.txt", "It’s where they fell in love with stories,", "she", "Priya Shah", "said", D),
    ("07_uk_libraries.txt", "What happens to the next lot of kids?", "she", "Priya Shah", "said", D),
    ("07_uk_libraries.txt", "the council had ‘failed to look at alternatives’ such as sharing buildings with health "
     "services", "The opposition Liberal Democrat group", "opposition Liberal Democrat group", "said", M),
    ("07_uk_libraries.txt", "no final decision had been made and that the public consultation would run until 14 March",
     "A council spokesperson", "council spokesperson", "said", I),
    # 08 interview (answers are the interviewee's words; the label names her; no cue)
    ("08_interview.txt", "By accident, really. A friend had written a short story in Yoruba and wanted her "
     "English-speaking cousins to read it. I did a rough version over a weekend, and I found I could not stop.",
     "Okafor", "Amara Okafor", None, D),
    ("08_interview.txt", "Humour. You can carry a plot across a language fairly easily, but a joke is tied to its sound "
     "and its history. Sometimes I lose the joke and put another one somewhere else in the chapter.",
     "Okafor", "Amara Okafor", None, D),
    ("08_interview.txt", "Some do. One author told me, “Make it funny, I don’t care how.” Another wanted a footnote for "
     "every change. Both approaches are fair.", "Okafor", "Amara Okafor", None, D),
    ("08_interview.txt", "Slowly. Ten years ago my name was not on the cover. Now it usually is, and readers write to "
     "me about the choices I made. That is new, and I love it.", "Okafor", "Amara Okafor", None, D),
    ("08_interview.txt", "A collection of poems by a young writer from Ibadan. Poetry is slow. I might spend a whole "
     "day on four lines.", "Okafor", "Amara Okafor", None, D),
    ("08_interview.txt", "she hopes more publishers will take risks on translated fiction", "Okafor", "Amara Okafor",
     "said", I),
    ("08_interview.txt", "Readers are more curious than the industry thinks,", "she", "Amara Okafor", "said", D),
    # 09 school board (three women, one man)
    ("09_school_board.txt", "the board needed more information about bus costs before it could decide",
     "Board president Linda Farrow", "Linda Farrow", "said", I),
    ("09_school_board.txt", "We are not going to vote on something this big with half the numbers,", "she",
     "Linda Farrow", "said", D),
    ("09_school_board.txt", "the change would cost about $450,000 a year in extra transport", "Superintendent Robert Kim",
     "Robert Kim", "told", I),
    ("09_school_board.txt", "The research on teenagers and sleep is very clear,", "he", "Robert Kim", "said", D),
    ("09_school_board.txt", "Our kids are exhausted, and it shows up in their grades and their mental health.", "he",
     "Robert Kim", "said", D),
    ("09_school_board.txt", "she supported the idea but worried about families who rely on older students to look after "
     "younger siblings in the afternoon", "Board member Teresa Nguyen", "Teresa Nguyen", "said", I),
    ("09_school_board.txt", "If the high school lets out at 3:45, who picks up the second-grader?", "Nguyen",
     "Teresa Nguyen", "asked", D),
    ("09_school_board.txt", "the district should survey parents before making any changes", "She", "Teresa Nguyen",
     "said", I),
    ("09_school_board.txt", "a survey was already planned for next month", "Kim", "Robert Kim", "responded", I),
    ("09_school_board.txt", "she regularly falls asleep in her first-period class", "Junior Maya Collins", "Maya Collins",
     "said", I),
    ("09_school_board.txt", "I'm not lazy. I'm just tired,", "she", "Maya Collins", "told", D),
    ("09_school_board.txt", "Everybody in my grade is.", "she", "Maya Collins", "told", D),
    ("09_school_board.txt", "the vote would be rescheduled for the board's March 12 meeting", "Farrow", "Linda Farrow",
     "said", I),
    ("09_school_board.txt", "Honestly, I don't know. It's going to be close.", "she", "Linda Farrow", "said", D),
    # 10 airline (organisations as speakers)
    ("10_airline.txt", 'the outage was caused by a faulty software update and was "not the result of a cyberattack."',
     "The company", "SkyBridge Airlines", "said", M),
    ("10_airline.txt", "We sincerely apologize to our customers for the disruption to their travel plans,", "the airline",
     "SkyBridge Airlines", "said", D),
    ("10_airline.txt", "Our teams are working around the clock to restore full operations.", "the airline",
     "SkyBridge Airlines", "said", D),
    ("10_airline.txt", "it was monitoring the situation but that air traffic control systems were not affected",
     "The Federal Aviation Administration", "Federal Aviation Administration", "said", I),
    ("10_airline.txt", "We've been here since five. Nobody is telling us anything,", "Karen Holt", "Karen Holt", "said", D),
    ("10_airline.txt", "about 60 percent of the canceled flights had been rebooked by early afternoon",
     "a spokesperson for the airline", "spokesperson for the airline", "According to", I),
    ("10_airline.txt", 'he had spoken with the airline\'s chief executive and expected SkyBridge to "take care of every '
     'stranded passenger, including hotels and meals."', "Transportation Secretary Paul Grange", "Paul Grange", "wrote", M),
    ("10_airline.txt", "a man was arrested at the airport after a scuffle at a gate", "Police", "Police", "said", I),
    ("10_airline.txt", 'scheduling systems were "the soft underbelly" of many airlines', "Aviation analyst Teresa Lam",
     "Teresa Lam", "said", M),
    ("10_airline.txt", "Everybody focuses on the planes. But if you can't tell a pilot which plane to fly, nothing moves,",
     "she", "Teresa Lam", "said", D),
    ("10_airline.txt", "it expected to run a full schedule by Monday and that customers could change their bookings "
     "without a fee through Jan. 3", "The airline", "SkyBridge Airlines", "said", I),
    # 11-13: written after the rules above were tuned and scored once, blind, before any further change
    # 11 health briefing
    # issue 14 convention: a cue of request or promise with a to-infinitive ("urged parents to …") is a report
    ("11_health_briefing.txt", "to check their children's vaccination records", "State health officials",
     "State health officials", "urged", I),
    ("11_health_briefing.txt", "most of the infected children had not received either dose of the vaccine",
     "Dr. Omar Haddad", "Omar Haddad", "told", I),
    ("11_health_briefing.txt", "Measles is one of the most contagious diseases we know of,", "Haddad", "Omar Haddad",
     "said", D),
    ("11_health_briefing.txt", "One case in a classroom can become twenty cases in two weeks.", "Haddad", "Omar Haddad",
     "said", D),
    ("11_health_briefing.txt", "the department would open three walk-in clinics this week and extend hours at county "
     "offices", "Health Commissioner Ruth Abernathy", "Ruth Abernathy", "said", I),
    ("11_health_briefing.txt", 'vaccine supplies were "more than adequate" for the coming months', "She",
     "Ruth Abernathy", "said", M),
    ("11_health_briefing.txt", 'the state would respect the law but would continue to "make the case, patiently and '
     'respectfully," for immunization', "Abernathy", "Ruth Abernathy", "said", M),
    ("11_health_briefing.txt", "two doses of the vaccine are about 97 percent effective at preventing measles",
     "the Centers for Disease Control and Prevention", "Centers for Disease Control and Prevention", "According to", I),
    ("11_health_briefing.txt", "the outbreak could spread to the capital, where vaccination rates in some neighborhoods "
     "have fallen below 85 percent", "Ms. Abernathy", "Ruth Abernathy", "warned", I),
    ("11_health_briefing.txt", "she had taken her youngest son for his second shot on Saturday", "Jenna Walsh",
     "Jenna Walsh", "said", I),
    ("11_health_briefing.txt", "I was on the fence for a long time,", "she", "Jenna Walsh", "said", D),
    ("11_health_briefing.txt", "Then a kid at his daycare got sick, and that made the decision for me.", "she",
     "Jenna Walsh", "said", D),
    ("11_health_briefing.txt", "the next two weeks would be critical", "Haddad", "Omar Haddad", "said", I),
    ("11_health_briefing.txt", "If we can hold the line through the end of the month, we have a real chance of stopping "
     "this,", "he", "Omar Haddad", "said", D),
    # 12 tech
    ("12_tech.txt", 'the company had "grown faster than our business could support."', "Chief executive Tomas Berg",
     "Tomas Berg", "writing", M),
    ("12_tech.txt", "This is the hardest decision I have made since we started Loopline,", "Berg", "Tomas Berg",
     "wrote", D),
    ("12_tech.txt", "The people leaving us did nothing wrong. The mistakes were mine.", "Berg", "Tomas Berg", "wrote", D),
    ("12_tech.txt", "it would offer departing employees four months of severance and extend their health insurance "
     "through the end of the year", "The company", "Loopline", "said", I),
    ("12_tech.txt", "the company's pricing leaves little room for error", "Analysts", "Analysts", "say", I),
    ("12_tech.txt", "They are paying premium rates for content and charging discount prices,", "Nadia Ferreira",
     "Nadia Ferreira", "said", D),
    ("12_tech.txt", "That math only works if you keep growing very fast, and growth has stalled.", "Nadia Ferreira",
     "Nadia Ferreira", "said", D),
    ("12_tech.txt", "morale had been low for months", "One former engineer", "former engineer", "said", I),
    ("12_tech.txt", "Everybody knew something was coming,", "she", "former engineer", "said", D),
    ("12_tech.txt", "he would take a 50 percent pay cut for the rest of the year", "Berg", "Tomas Berg", "posted", I),
    ("12_tech.txt", 'Loopline had "enough cash to reach profitability" without raising more money', "He", "Tomas Berg",
     "added", M),
    ("12_tech.txt", "it was closing its podcast studio", "a larger competitor", "larger competitor", "said", I),
    # 13 crime
    ("13_crime.txt", "Two men were arrested on Thursday evening after an armed robbery at a pharmacy on Harbor Avenue",
     "police", "police", "said", I),
    ("13_crime.txt", "Officers responded to a call at about 6:30 p.m. and found a pharmacist with minor injuries",
     "a statement from the Eastport Police Department", "Eastport Police Department", "according to", I),
    ("13_crime.txt", "Our officers were on scene within three minutes,", "Sergeant Diane Kowalski", "Diane Kowalski",
     "told", D),
    ("13_crime.txt", "The quick response from the public made a real difference.", "Sergeant Diane Kowalski",
     "Diane Kowalski", "told", D),
    ("13_crime.txt", "a customer had followed the men on foot while on the phone with a dispatcher", "She",
     "Diane Kowalski", "said", I),
    ("13_crime.txt", "he had not thought twice", "That customer, Luis Ortega", "Luis Ortega", "said", I),
    ("13_crime.txt", "I just kept them in sight and told the dispatcher where they were going,", "he", "Luis Ortega",
     "said", D),
    ("13_crime.txt", "Anyone would have done the same.", "he", "Luis Ortega", "said", D),
    ("13_crime.txt", "the pharmacy would reopen on Saturday", "Store manager Helen Price", "Helen Price", "said", I),
    ("13_crime.txt", "We are shaken, but we are okay,", "Price", "Helen Price", "said", D),
    ("13_crime.txt", "Our customers depend on us, so we will be here.", "Price", "Helen Price", "said", D),
    ("13_crime.txt", "The suspects face charges of armed robbery and assault", "the district attorney's office",
     "district attorney's office", "said", I),
    ("13_crime.txt", "the area had seen a string of break-ins in recent months", "Residents", "Residents", "said", I),
    ("13_crime.txt", "It used to be quiet here,", "Mark Dunne", "Mark Dunne", "said", D),
    ("13_crime.txt", "Now I lock my door even during the day.", "Mark Dunne", "Mark Dunne", "said", D),
    ("13_crime.txt", "she would ask the police chief for more patrols on Harbor Avenue", "City Councilor Angela Brooks",
     "Angela Brooks", "wrote", I),
]



if __name__ == "__main__":
    write_gold(HERE, GOLD, "dev_quotes.jsonl")
