"""Issue 14: web boilerplate lines detected at ingest (marked as code-point ranges, kept in the text), titles are
headlines, titles editable from the CLI, nothing pre-annotated inside boilerplate, no span across a paragraph
break, and the 0009 migration fills the ranges in for documents stored before it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from annotator.core.boilerplate import boilerplate_ranges, headline_of, is_boilerplate_line
from annotator.core.model import MODEL_ANNOTATOR
from annotator.core.store import Store
from annotator.io.articles import title_of
from tests.cli_run import run_cli

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


def cli(db: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    return run_cli(db, *args, ok=ok, cwd=REPO)


def test_boilerplate_lines_of_many_sites():
    text = (
        "Skip to main content\nMenu\nCouncil approves new bridge\n\nShare this article\n\n0:00 0:01:19 0:00\n\n"
        "Please wait while the video loads\n\nThe council voted on Monday.\n\nREAD MORE: Mayor says fares will rise\n\n"
        "Photograph: Ann Lee/Herald\n\n© 2026 Herald Media. All rights reserved."
    )
    marked = [text[a:b] for a, b in boilerplate_ranges(text)]
    assert marked == ["Skip to main content", "Menu", "Share this article", "0:00 0:01:19 0:00",
                      "Please wait while the video loads", "READ MORE: Mayor says fares will rise",
                      "Photograph: Ann Lee/Herald", "© 2026 Herald Media. All rights reserved."]
    assert headline_of(text) == title_of(text) == "Council approves new bridge"
    # ordinary lines are never boilerplate, even when they start with a boilerplate word
    for caption in ["Mayor Kline speaks in Port Ellis on Monday, saying fares will rise. (AP Photo/Jim Lee)",
                    "Volunteers fill sandbags on Sunday. Photograph: Ann Lee/Herald",
                    "Fans outside the ground before kick-off | Getty Images", "Image caption, The pier in 1920"]:
        assert is_boilerplate_line(caption), caption
    for line in ["Menu prices rose by a fifth, the owner said.", "Share prices fell 4 percent.",
                 "The photo showed the mayor at the pier, officials said.", "He took a picture of the flood.",
                 "Search teams found the boat on Sunday.", "By the time the siren went, the water was in.",
                 "Published in 1990, the report said the pier was unsafe.", "The cookies sold out by noon."]:
        assert not is_boilerplate_line(line)


def test_repeated_headline_is_marked_and_the_first_copy_is_the_title():
    text = "Ferry fares to rise\n\nFerry fares to rise\nFerry fares to rise\nFares will go up by 5%, the operator said."
    ranges = boilerplate_ranges(text)
    # the copies are page furniture; the first copy is the title and stays text (a headline may hold a quote)
    assert [text[a:b] for a, b in ranges] == ["Ferry fares to rise"] * 2
    assert ranges[0][0] > 0 and title_of(text) == headline_of(text) == "Ferry fares to rise"


def test_navigation_runs_banners_bylines_players_and_sidebar_links():
    text = ("Skip to main content\nHome\nNews\nMoney\nCulture\nPlease wait…\n"
            "This site uses cookies. Manage settings | Accept\n"
            "Tram line to close for a month\nShare via WhatsApp\n0:00 / 2:05\nPlay video\n"
            "By Tomasz Wrona and Ama Boateng, Transport Reporters\nUpdated 3 March 2025, 18:40 GMT\n"
            "The tram line will close on Monday, the operator said.\n\nRepairs\n\n"
            "Engineers will replace the rails.\n"
            "WATCH: Operator says trams will be back by April\nLISTEN: Mayor on the closure\n"
            "VIDEO: Rails lifted overnight\nPICTURED: The depot\nTrending: Fares to rise, says mayor\n"
            "Most read: 'Chaos,' says commuter\nTopics\nTrams\nSalford\n")
    marked = {text[a:b] for a, b in boilerplate_ranges(text)}
    for line in ["Home", "News", "Money", "Culture", "Please wait…", "This site uses cookies. Manage settings | Accept",
                 "Share via WhatsApp", "0:00 / 2:05", "Play video", "Updated 3 March 2025, 18:40 GMT",
                 "By Tomasz Wrona and Ama Boateng, Transport Reporters", "WATCH: Operator says trams will be back by April",
                 "LISTEN: Mayor on the closure", "VIDEO: Rails lifted overnight", "PICTURED: The depot",
                 "Trending: Fares to rise, says mayor", "Most read: 'Chaos,' says commuter", "Trams", "Salford"]:
        assert line in marked, line
    # a lone sub-heading in the body and the body itself are not boilerplate
    assert not marked & {"Repairs", "Tram line to close for a month", "Engineers will replace the rails."}
    assert headline_of(text) == title_of(text) == "Tram line to close for a month"


def test_seeds_titles_boilerplate_and_nothing_pre_annotated_inside(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "ingest", str(SEEDS))
    with Store(db) as store:
        docs = [store.document(i) for i in (1, 2)]
        assert [d.title for d in docs] == ["Kerry Urges Pakistan To Fight Militants, Mend India Ties",
                                           "Pak a victim of terror, needs to eliminate sanctuaries: Kerry"]
        first = [docs[0].text[a:b] for a, b in docs[0].boilerplate]
        assert {"Accessibility links", "please wait", "0:00 0:01:19 0:00"} <= set(first)
        assert len(docs[1].boilerplate) == 2  # the second and third copies of the headline
        for doc in docs:
            found = store.annotation_set(doc.id, MODEL_ANNOTATOR)
            spans = [(e.start, e.end) for e in found.entities] + [(q.start, q.end) for q in found.quotes]
            assert spans and not [s for s in spans if any(a < s[1] and s[0] < b for a, b in doc.boilerplate)]
            # no entity or quote crosses a paragraph break
            assert not [s for s in spans if "\n\n" in doc.text[s[0]:s[1]]]


def test_title_cli_prints_and_sets_and_reports_errors_in_one_line(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "ingest", "--no-extract", str(SEEDS / "000_589da157afa17353.txt"))
    assert cli(db, "title", "1").stdout.strip() == "Kerry Urges Pakistan To Fight Militants, Mend India Ties"
    cli(db, "title", "1", "Kerry urges Pakistan to fight militants")
    assert cli(db, "title", "1").stdout.strip() == "Kerry urges Pakistan to fight militants"
    missing = cli(db, "title", "7", "x", ok=False)
    assert missing.returncode != 0 and "no document with id 7" in missing.stderr
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    empty = cli(db, "title", "1", "   ", ok=False)
    assert empty.returncode != 0 and "empty" in empty.stderr and "Traceback" not in empty.stderr


def test_migration_0009_fills_in_boilerplate_and_fixes_boilerplate_titles(tmp_path):
    db = tmp_path / "old.db"
    text = (SEEDS / "000_589da157afa17353.txt").read_text(encoding="utf-8")
    with Store(db) as store:
        from annotator.core.model import Document

        store.add_document(Document(text=text, title="Accessibility links"))
    # make it look like a database written before 0009
    conn = sqlite3.connect(db)
    conn.execute("UPDATE documents SET boilerplate = '[]'")
    conn.execute("DELETE FROM _migrations WHERE name = '0009_boilerplate_lines'")
    conn.execute("ALTER TABLE documents DROP COLUMN boilerplate")
    conn.commit()
    conn.close()
    with Store(db) as store:
        doc = store.document(1)
        assert doc.title == "Kerry Urges Pakistan To Fight Militants, Mend India Ties"
        assert doc.boilerplate == [tuple(r) for r in json.loads(json.dumps(boilerplate_ranges(text)))]

