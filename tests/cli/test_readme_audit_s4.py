"""README audit s4: where the program broke a promise README.md makes, the real command now keeps it.

Each test drives the installed `annotator` in a subprocess on real files (the progress bar under a real
pseudo-terminal from the `pty` module), with the audit's case and variations of the same kind.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import termios
import time
from pathlib import Path

import pytest

from annotator.core.store import Store
from tests.cli_run import ANNOTATOR, one_line_error, run_cli

BOM = "\ufeff"


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# -- audit 1: a progress bar with a rate when stderr is a terminal ---------------------------------------------


def run_in_pty(args: list[str], columns: int | None, timeout: float = 120) -> tuple[int, str]:
    """Run `annotator ARGS` with stdin/stdout/stderr on a new pseudo-terminal; (exit code, all it printed).
    `columns` None leaves the terminal's size at 0 x 0, what a pty gets unless someone sets it (script -qc, ssh
    without a tty size, some CI runners)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling tty
        try:
            if columns is not None:
                fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
            os.environ["TERM"] = "xterm"
            os.execv(str(ANNOTATOR), [str(ANNOTATOR), *args])
        finally:
            os._exit(127)
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", errors="replace")


def articles(path: Path, count: int) -> Path:
    return write_jsonl(path, [{"text": f"Article {i}. Jane Smith said hello to Tom Ray in Paris on day {i}."}
                              for i in range(count)])


def assert_bar(output: str, unit: str) -> None:
    assert "\r" in output.replace("\r\n", "\n"), output  # a bar redrawn in place
    assert f"{unit}/s" in output or f"s/{unit}" in output, output  # with a rate


@pytest.mark.parametrize("columns", [None, 100])
def test_ingest_shows_a_progress_bar_with_a_rate_on_a_terminal(tmp_path, columns):
    code, output = run_in_pty(["--db", str(tmp_path / "a.db"), "ingest", "--no-extract",
                               str(articles(tmp_path / "a.jsonl", 300))], columns)
    assert code == 0, output
    assert "300 added" in output
    assert_bar(output, "doc")


def test_export_and_import_show_a_progress_bar_on_a_zero_width_terminal(tmp_path):
    db = tmp_path / "a.db"
    records = [{"text": f"Jane Smith spoke on day {i}.", "answer": "accept", "_annotator_id": "alice",
                "spans": [{"start": 0, "end": 10, "label": "PERSON"}]} for i in range(50)]
    code, output = run_in_pty(["--db", str(db), "import", "--no-extract",
                               str(write_jsonl(tmp_path / "in.jsonl", records))], None)
    assert code == 0, output
    assert_bar(output, "B")
    code, output = run_in_pty(["--db", str(db), "export", "-o", str(tmp_path / "out.jsonl")], None)
    assert code == 0, output
    assert_bar(output, "rec")


def test_extract_progress_on_a_zero_width_terminal(tmp_path):
    code, output = run_in_pty(["extract", str(articles(tmp_path / "a.jsonl", 3)), "-o", str(tmp_path / "o.jsonl"),
                               "--progress"], None, timeout=300)
    assert code == 0, output
    assert_bar(output, "doc")


def test_no_bar_in_a_pipe(tmp_path):
    done = run_cli(tmp_path / "a.db", "ingest", "--no-extract", articles(tmp_path / "a.jsonl", 20))
    assert "\r" not in done.stderr and "doc/s" not in done.stderr


# -- audit 2: attach --as follows the annotator-name rule, in one line -----------------------------------------


def database_of(tmp_path: Path, stem: str, people: list[str]) -> Path:
    db = tmp_path / f"{stem}.db"
    records = [{"text": "Jane Smith spoke in Paris.", "answer": "accept", "_annotator_id": person,
                "spans": [{"start": 0, "end": 10, "label": "PERSON"}]} for person in people]
    run_cli(db, "import", "--no-extract", write_jsonl(tmp_path / f"{stem}.jsonl", records))
    return db


@pytest.mark.parametrize("name", [" dave ", " dave", "dave ", "  x", "da\u200bve", "dave\t", "\u00a0dave",
                                  "d" * 65, "gold", "model"])
def test_attach_as_refuses_a_name_the_rule_refuses(tmp_path, name):
    mine = database_of(tmp_path, "mine", ["alice"])
    theirs = database_of(tmp_path, "their", ["bob"])
    done = run_cli(mine, "attach", theirs, "--as", name, ok=False)
    one_line_error(done, "--as")
    assert {a.name for a in Store(mine, readonly=True).annotators()} == {"alice"}


def test_attach_as_refuses_a_bad_suffix_for_clashing_names(tmp_path):
    mine = database_of(tmp_path, "mine", ["alice", "bob"])
    theirs = database_of(tmp_path, "their", ["alice", "bob"])
    one_line_error(run_cli(mine, "attach", theirs, "--as", "  x", ok=False), "--as")
    done = run_cli(mine, "attach", theirs, "--as", "x")
    assert "alice as alice@x" in done.stdout and "bob as bob@x" in done.stdout


def test_attach_as_a_good_name(tmp_path):
    mine = database_of(tmp_path, "mine", ["alice"])
    theirs = database_of(tmp_path, "their", ["bob"])
    assert "bob as dave" in run_cli(mine, "attach", theirs, "--as", "dave").stdout


# -- audit 3: ingest reads a leading BOM in an extract record's text as import does ----------------------------


def extract_record(lead: int) -> dict:
    """An `annotator extract`-shaped record whose text starts with a BOM; offsets counted from `lead` (1: the
    record's own text, BOM included, as import reads it)."""
    text = BOM + "Jane Smith said on Friday that the bridge would reopen."
    quote_start = text.index("the bridge")
    return {
        "text": text,
        "spans": [{"start": 1 - 1 + lead, "end": 11 - 1 + lead, "label": "PERSON", "text": "Jane Smith"}],
        "quotes": [{"start": quote_start - 1 + lead, "end": len(text) - 2 + lead, "type": "indirect",
                    "speaker": {"start": lead, "end": 10 + lead}, "cue": {"start": 11 + lead, "end": 15 + lead}}],
    }


def test_ingest_shifts_the_offsets_of_an_extract_record_past_its_bom(tmp_path):
    db = tmp_path / "a.db"
    run_cli(db, "ingest", write_jsonl(tmp_path / "bom.jsonl", [extract_record(1)]))
    with Store(db, readonly=True) as store:
        text = store.document(1).text
        assert not text.startswith(BOM)
        model = store.annotation_set(1, "model")
        assert [(text[e.start:e.end], e.label) for e in model.entities] == [("Jane Smith", "PERSON")]
        (quote,) = model.quotes
        assert text[quote.start:quote.end] == "the bridge would reopen"
        assert text[quote.speaker.start:quote.speaker.end] == "Jane Smith"
        assert text[quote.cue.start:quote.cue.end] == "said"


def test_ingest_and_import_read_a_bom_record_the_same_way(tmp_path):
    """Both place the record counting the BOM onto the same characters. Offsets that skip it miss the span's
    `text` by one character: ingest refuses that, naming the line (import keeps offsets over a stale `text`
    with a warning, its own rule)."""
    bad = write_jsonl(tmp_path / "bom0.jsonl", [{"text": "x"}, extract_record(0)])
    one_line_error(run_cli(tmp_path / "i.db", "ingest", bad, ok=False), "bom0.jsonl:2:", "does not match")
    good = write_jsonl(tmp_path / "bom.jsonl", [extract_record(1)])
    run_cli(tmp_path / "i2.db", "ingest", good)
    run_cli(tmp_path / "m2.db", "import", "--no-extract", good)
    placed = []
    for db in ("i2.db", "m2.db"):
        with Store(tmp_path / db, readonly=True) as store:
            text = store.document(1).text
            placed.append([text[e.start:e.end] for e in store.annotation_set(1, "model").entities])
    assert placed == [["Jane Smith"], ["Jane Smith"]]


def test_ingest_of_a_bom_record_onto_an_ingested_document(tmp_path):
    db = tmp_path / "a.db"
    record = extract_record(1)
    run_cli(db, "ingest", "--no-extract", write_jsonl(tmp_path / "plain.jsonl", [{"text": record["text"][1:]}]))
    done = run_cli(db, "ingest", write_jsonl(tmp_path / "bom.jsonl", [record]))
    assert "already present" in done.stdout


# -- audit 7: hostile JSON on line 1 of an import is `path:line: reason` --------------------------------------


HOSTILE = {
    "nan": '{"text": "a", "n": NaN}',
    "inf": '{"text": "a", "n": -Infinity}',
    "overflow": '{"text": "a", "n": 1e999}',
    "bigint": '{"text": "a", "n": ' + "7" * 6000 + "}",
    "deep": '{"a": ' * 50000 + "1" + "}" * 50000,
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("blank_lines", [0, 2])
def test_import_of_hostile_json_on_the_first_line_names_file_and_line(tmp_path, kind, blank_lines):
    path = tmp_path / f"{kind}.jsonl"
    path.write_text("\n" * blank_lines + HOSTILE[kind] + "\n" + '{"text": "b"}\n', encoding="utf-8")
    db = tmp_path / "a.db"
    line = one_line_error(run_cli(db, "import", "--no-extract", path, ok=False), f"{kind}.jsonl:{blank_lines + 1}:")
    assert "not a format annotator reads" not in line
    assert not db.exists()


# -- audit 6 and 10: --help says what the program does ---------------------------------------------------------


def test_ingest_help_gives_the_title_rule_the_program_follows(tmp_path):
    assert "first non-empty line" not in run_cli(None, "--help").stdout
    shown = " ".join(run_cli(None, "ingest", "--help").stdout.split())
    assert "first non-empty line" not in shown and "not web boilerplate" in shown
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Accessibility links\nNews\nUK\nThe real headline here\n\nJane Smith spoke.\n",
                                  encoding="utf-8")
    db = tmp_path / "a.db"
    run_cli(db, "ingest", "--no-extract", folder)
    assert run_cli(db, "title", "1").stdout.strip() == "The real headline here"


def test_export_help_says_dash_is_standard_output(tmp_path):
    shown = " ".join(run_cli(None, "export", "--help").stdout.split())
    assert "'-' are refused" not in shown and "'-' writes to standard output" in shown
    db = database_of(tmp_path, "a", ["alice"])
    done = run_cli(db, "export", "--format", "prodigy", "-o", "-")
    assert json.loads(done.stdout.splitlines()[0])["_annotator_id"] == "alice"
    one_line_error(run_cli(db, "export", "--format", "spacy", "-o", "-", ok=False), "standard output")
