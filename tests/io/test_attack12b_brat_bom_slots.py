"""Attack 12b (session 3) #4 and #9: brat `.txt` with a UTF-8 BOM (brat counts it as character 0), spans whose
text column disagrees with the `.txt` (refused with file:line), and a discontinuous entity never taking the NER
slot from a continuous one. Real CLI in subprocesses on real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CLI = [str(Path(sys.executable).parent / "annotator")]


def cli(db: Path, *args, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    if ok:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert not db.exists() or "nothing was imported" in done.stderr
    return done


def pair(folder: Path, text_bytes: bytes, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_bytes(text_bytes)
    (folder / "a.ann").write_text(ann, encoding="utf-8")
    return folder


BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("text, ann, expected", [
    ("Alice met Bob.\n", "T1\tPERSON 1 6\tAlice\nT2\tPERSON 11 14\tBob\n",
     ["T1\tPERSON 0 5\tAlice", "T2\tPERSON 10 13\tBob"]),
    # variation: non-ASCII text, a discontinuous span and a relation, CRLF line ends
    ("Zoë Ørsted visited\r\nNew York.\r\n", "T1\tPERSON 1 11\tZoë Ørsted\nT2\tGPE 21 24;25 29\tNew York\n"
     "R1\tVisited Arg1:T1 Arg2:T2\n", ["T1\tPERSON 0 10\tZoë Ørsted", "GPE 20 23;24 28\tNew York"]),
])
def test_bom_counts_as_brat_character_zero(tmp_path, text, ann, expected):
    folder = pair(tmp_path / "brat5", BOM + text.encode("utf-8"), ann)
    db = tmp_path / "b.db"
    done = cli(db, "import", folder, "--no-extract")
    assert "does not match" not in done.stderr, done.stderr
    cli(db, "export", "--format", "brat", "-o", tmp_path / "out")
    written = (tmp_path / "out" / "a.ann").read_text(encoding="utf-8")
    plain = (tmp_path / "out" / "a.txt").read_bytes()
    assert not plain.startswith(BOM)  # the export writes offsets for the text it writes
    for line in expected:
        assert line in written, written
    for line in written.splitlines():
        if line.startswith("T"):
            _, middle, shown = line.split("\t")
            pieces = [tuple(map(int, p.split())) for p in middle.split(" ", 1)[1].split(";")]
            decoded = plain.decode("utf-8")
            assert " ".join(decoded[a:b] for a, b in pieces) == shown


def test_bom_span_on_the_mark_itself_is_refused(tmp_path):
    folder = pair(tmp_path / "b", BOM + b"Alice met Bob.\n", "T1\tPERSON 0 6\t\ufeffAlice\n")
    done = cli(tmp_path / "b.db", "import", folder, "--no-extract", ok=False)
    assert "a.ann:1:" in done.stderr and "byte order mark" in done.stderr


@pytest.mark.parametrize("ann, line", [
    ("T1\tPERSON 0 5\tAlice\nT2\tPERSON 10 13\tBoB\n", 2),  # stale text column
    ("T1\tPERSON 1 6\tAlice\n", 1),  # offsets one late (a BOM stripped by another tool)
    ("T1\tPERSON 0 5;10 13\tAlice Tom\n", 1),  # discontinuous
])
def test_span_text_that_disagrees_with_the_txt_is_refused_with_its_line(tmp_path, ann, line):
    folder = pair(tmp_path / "b", b"Alice met Bob.\n", ann)
    db = tmp_path / "b.db"
    done = cli(db, "import", folder, "--no-extract", ok=False)
    assert f"a.ann:{line}:" in done.stderr and "does not match" in done.stderr, done.stderr


def test_span_text_equal_up_to_whitespace_is_accepted(tmp_path):
    folder = pair(tmp_path / "b", b"Alice\nmet Bob.\n", "T1\tPHRASE 0 9\tAlice met\n")
    cli(tmp_path / "b.db", "import", folder, "--no-extract")


@pytest.mark.parametrize("text, ann, slot", [
    ("North and South Korea signed a deal in Geneva.\n",
     "T1\tGPE 0 5;16 21\tNorth Korea\nT2\tGPE 10 21\tSouth Korea\n", ("South", "Korea")),
    # variation: the discontinuous span written after the continuous one, another label
    ("Pre- and post-war Berlin changed.\n",
     "T2\tDATE 9 17\tpost-war\nT1\tDATE 0 3;14 17\tPre war\n", ("post", "-", "war")),
])
def test_continuous_entity_takes_the_ner_slot_over_a_discontinuous_one(tmp_path, text, ann, slot):
    folder = pair(tmp_path / "b", text.encode("utf-8"), ann)
    db = tmp_path / "b.db"
    cli(db, "import", folder, "--no-extract")
    done = cli(db, "export", "--format", "iob", "-o", "-")
    tagged = [t for t in done.stdout.split() if "|" not in t]
    rows = [line.split() for line in done.stdout.splitlines() if line.strip() and not line.startswith("-DOC")]
    tags = {word: tag for word, tag in rows}
    assert tags[slot[0]].startswith("B-") and all(tags[w].startswith("I-") for w in slot[1:]), done.stdout
    assert tagged
    cli(db, "export", "--format", "brat", "-o", tmp_path / "out")
    written = (tmp_path / "out" / "a.ann").read_text(encoding="utf-8")
    assert ";" in written  # the discontinuous span is still written back with its pieces
