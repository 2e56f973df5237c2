"""The defects of the second black-box attack on `annotator extract` and its Dask engine
(/work/notes/attack-16b.md), each as a kind: real CLI subprocesses, real device nodes / FIFOs / sockets made in a
tmp folder (never /dev's own), real part files. Numbers in the test names are the attack's."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest

from annotator.core.locks import lock_path
from annotator.extract.distributed import (
    PART_HEADER_KEY,
    DistributedError,
    kept_parts,
    make_plan,
    merge_parts,
    part_name,
    prepare_work_folder,
    validate_inputs,
    work_folder,
)
from tests.cli_run import one_line_error as _one_line_error
from tests.cli_run import run_python_cli as cli


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """The run failed with exactly one line on stderr, no traceback; returns it."""
    return _one_line_error(done, only_line=True)


def records(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


def make_char_device(path: Path) -> None:
    """A character device like /dev/null (1, 3), made in the test's own folder (the tests run as root)."""
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))


def make_socket(path: Path) -> socket.socket:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


# -- 1, 2, 3: -o is checked as export's target: special files refused, links written through ------------------


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_1_2_an_output_that_is_a_device_fifo_socket_or_folder_is_refused_and_left_alone(tmp_path, engine):
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    make_char_device(tmp_path / "null.jsonl")
    os.mkfifo(tmp_path / "fifo.jsonl")
    server = make_socket(tmp_path / "sock.jsonl")
    (tmp_path / "dir.jsonl").mkdir()
    make_char_device(tmp_path / "real-null")
    (tmp_path / "to-device.jsonl").symlink_to(tmp_path / "real-null")  # a link to a device: the device counts
    try:
        for name in ("null.jsonl", "fifo.jsonl", "sock.jsonl", "to-device.jsonl", "dir.jsonl"):
            target = tmp_path / name
            before = os.lstat(target)
            done = cli("extract", str(source), "-o", str(target), "--engine", engine, "--no-progress", timeout=60)
            if name == "dir.jsonl":
                assert done.returncode != 0 and "Traceback" not in done.stderr  # click's own one-line refusal
            else:
                line = one_line_error(done)
                assert "is not a regular file" in line and name in line, line
            after = os.lstat(target)
            assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
            assert not work_folder(target).exists() and not lock_path(target).exists()
        assert stat.S_ISCHR(os.stat(tmp_path / "real-null").st_mode)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left
    finally:
        server.close()


def test_1_a_lock_file_that_is_not_a_regular_file_is_one_line(tmp_path):
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    out = tmp_path / "o.jsonl"
    os.mkfifo(lock_path(out))
    line = one_line_error(cli("extract", str(source), "-o", str(out), "--no-progress", timeout=60))
    assert f"{lock_path(out)} (the lock file of {out}) is not a regular file" in line, line
    assert not out.exists() and stat.S_ISFIFO(os.lstat(lock_path(out)).st_mode)


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_3_an_output_link_is_written_through_as_export_does(tmp_path, engine):
    source = records(tmp_path / "in.jsonl", ["Kerry Smith said so.", "Nothing here."])
    expected = tmp_path / "expected.jsonl"
    assert cli("extract", str(source), "-o", str(expected), "--no-progress").returncode == 0
    real = tmp_path / "real.jsonl"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real.name)  # relative, as `ln -s real.jsonl link.jsonl` makes it
    (tmp_path / "sub").mkdir()
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "sub" / "new.jsonl")
    extra = ["--workers", "1"] if engine == "dask" else []
    for output, written in ((link, real), (dangling, tmp_path / "sub" / "new.jsonl")):
        done = cli("extract", str(source), "-o", str(output), "--engine", engine, "--no-progress", *extra,
                   timeout=240)
        assert done.returncode == 0, done.stderr
        assert output.is_symlink(), "the link was replaced by a file"
        assert written.read_bytes() == expected.read_bytes()
        assert not lock_path(output).exists() and not lock_path(written).exists()
        assert not work_folder(written).exists()


# -- 4: a part's records pass ingest's checks, else it is redone -----------------------------------------------


def _plan(tmp_path: Path):
    source = tmp_path / "in.jsonl"
    texts = ["Kerry Smith said so.", "Nothing here at all.", "Maria went to Lima."]
    records(source, texts)
    total = validate_inputs([source])
    return make_plan([source], total, 1, {"model": "m"}), texts


def _good(text: str) -> dict:
    return {"text": text, "meta": {}, "spans": [{"start": 0, "end": 5, "label": "PERSON", "text": text[:5]}],
            "quotes": []}


def _write_part(part: Path, plan, records_: list[dict]) -> None:
    import hashlib

    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records_)
    header = {PART_HEADER_KEY: plan.identity, "index": 0, "count": len(records_),
              "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest()}  # a checksum recomputed after the edit
    part.write_text(json.dumps(header) + "\n" + body, encoding="utf-8")


FORGED = {
    "spans not an array": lambda r: {**r, "spans": "oops"},
    "quotes an object": lambda r: {**r, "quotes": {}},
    "span end outside the text": lambda r: {**r, "spans": [{"start": 0, "end": 999999, "label": "PERSON"}]},
    "reversed offsets": lambda r: {**r, "spans": [{"start": 5, "end": 0, "label": "PERSON"}]},
    "label with a newline": lambda r: {**r, "spans": [{**r["spans"][0], "label": "PER\nSON"}]},
    "span text not the text's": lambda r: {**r, "spans": [{**r["spans"][0], "text": "Marry"}]},
    "document tags": lambda r: {**r, "tags": ["x"]},
    "a person's status": lambda r: {**r, "status": "done"},
    "no spans or quotes": lambda r: {"text": r["text"], "meta": {}},
    "meta not an object": lambda r: {**r, "meta": "m"},
}


@pytest.mark.parametrize("forge", list(FORGED), ids=list(FORGED))
def test_4_a_part_with_a_recomputed_checksum_is_checked_like_ingest_and_redone(tmp_path, forge):
    plan, texts = _plan(tmp_path)
    out = tmp_path / "o.jsonl"
    folder = work_folder(out)
    prepare_work_folder(folder, plan)
    part = folder / part_name(0)
    good = [_good(t) for t in texts]
    _write_part(part, plan, good)
    assert kept_parts(folder, plan) == {0}  # the well-formed part is kept
    _write_part(part, plan, [good[0], FORGED[forge](good[1]), good[2]])
    notes: list[str] = []
    assert kept_parts(folder, plan, notes.append) == set()
    assert not part.exists()  # removed: the rerun redoes it
    assert len(notes) == 1 and "\n" not in notes[0] and f"{part}: line 3: " in notes[0], notes
    assert notes[0].endswith("it was removed and will be redone")
    _write_part(part, plan, [good[0], FORGED[forge](good[1]), good[2]])
    with pytest.raises(DistributedError, match="line 3: .*it was removed, rerun to redo it"):
        merge_parts(folder, plan, out)
    assert not out.exists()


# -- 5: ingest refuses what it would drop from an extract record -----------------------------------------------


def test_5_ingest_refuses_tags_annotator_and_status_on_an_extract_record_with_file_and_line(tmp_path):
    source = records(tmp_path / "in.jsonl", ["Kerry Smith said so.", "Maria went to Lima.", "Nothing here."])
    extracted = tmp_path / "x.jsonl"
    assert cli("extract", str(source), "-o", str(extracted), "--no-progress").returncode == 0
    lines = extracted.read_text(encoding="utf-8").splitlines()
    refused = {"tags": ["x"], "annotator": "alice", "status": "done"}
    for key, value in refused.items():
        edited = tmp_path / f"{key}.jsonl"
        record = {**json.loads(lines[1]), key: value}
        edited.write_text("\n".join([lines[0], json.dumps(record), lines[2]]) + "\n", encoding="utf-8")
        db = tmp_path / f"{key}.db"
        done = cli("--db", str(db), "ingest", str(edited), timeout=120)
        line = one_line_error(done)  # the refusal and "nothing was ingested" on one line
        assert f"{edited}:2: \"{key}\"" in line and "annotator import" in line, line
        assert line.endswith("; nothing was ingested"), line
    # what carries nothing of a person's is stored: empty tags, the model as annotator
    fine = tmp_path / "fine.jsonl"
    fine.write_text("\n".join([lines[0], json.dumps({**json.loads(lines[1]), "tags": [], "annotator": "model"}),
                               lines[2]]) + "\n", encoding="utf-8")
    done = cli("--db", str(tmp_path / "fine.db"), "ingest", str(fine), timeout=120)
    assert done.returncode == 0 and "3 added" in done.stderr + done.stdout, done.stderr


# -- 6: a part path that is not a file is cleared (or named, when it is not ours to clear) ------------------------


def test_6_a_folder_or_fifo_in_place_of_a_part_is_removed_and_redone_a_full_folder_is_named(tmp_path):
    plan, texts = _plan(tmp_path)
    out = tmp_path / "o.jsonl"
    folder = work_folder(out)
    prepare_work_folder(folder, plan)
    part = folder / part_name(0)
    for make in (Path.mkdir, os.mkfifo):
        make(part)
        notes: list[str] = []
        assert kept_parts(folder, plan, notes.append) == set()
        assert not os.path.lexists(part)
        assert notes == [f"{part} was not a part file; it was removed and will be redone"]
    part.mkdir()
    (part / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(DistributedError) as error:
        kept_parts(folder, plan)
    assert str(error.value).startswith(f"{part} is a folder where the run writes a part file")
    assert (part / "mine.txt").read_text(encoding="utf-8") == "keep me"


# -- 9, 10: --scheduler messages, empty input ------------------------------------------------------------------


@pytest.mark.parametrize(("address", "reason"), [
    ("tcp://[::1", "no HOST:PORT"),
    ("tcp://[::1]", "no HOST:PORT"),
    ("tcp://::1:8786", "no HOST:PORT (an IPv6 host goes in brackets"),
    ("tcp://127.0.0.1:99999", "port 99999 out of range (1-65535)"),
    ("127.0.0.1:0", "port 0 out of range"),
    ("tcp://host:", "no HOST:PORT"),
])
def test_9_a_malformed_address_says_what_is_wrong(tmp_path, address, reason):
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    line = one_line_error(cli("extract", str(source), "-o", str(tmp_path / "o.jsonl"), "--engine", "dask",
                              "--scheduler", address, "--no-progress", timeout=60))
    assert "is not a Dask scheduler address" in line and reason in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_9_a_closed_port_is_refused_at_once_and_said_so(tmp_path):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # a port nothing listens on
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    started = time.monotonic()
    line = one_line_error(cli("extract", str(source), "-o", str(tmp_path / "o.jsonl"), "--engine", "dask",
                              "--scheduler", f"tcp://127.0.0.1:{port}", "--no-progress", timeout=60))
    assert time.monotonic() - started < 15  # not the 20 s connect timeout (a loaded machine's start-up aside)
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: connection refused" in line, line
    assert "dashboard" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "o.jsonl.lock"] or \
        sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_10_an_input_with_no_record_is_said_in_one_line(tmp_path, engine):
    empty_folder = tmp_path / "articles"
    empty_folder.mkdir()
    (empty_folder / "notes.md").write_text("not an article", encoding="utf-8")
    empty_file = tmp_path / "empty.jsonl"
    empty_file.write_text("\n\n", encoding="utf-8")
    for source in (empty_folder, empty_file):
        out = tmp_path / "o.jsonl"
        done = cli("extract", str(source), "-o", str(out), "--engine", engine, "--no-progress", timeout=120)
        assert done.returncode == 0, done.stderr
        warnings = [line for line in done.stderr.splitlines() if line.startswith("Warning:")]
        assert warnings == [f"Warning: no input records in {source} (empty, or a folder with no .txt/.jsonl "
                            "file); the output holds no documents"], done.stderr
        assert out.read_bytes() == b""
