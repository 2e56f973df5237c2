"""`annotator extract --engine dask`: the same JSONL -> JSONL map as `annotator extract`, on a Dask cluster.

How a run goes (the client is the machine where the command runs):

1. Plan (client). Every input is read once with the same reader as `annotator extract` (a bad line stops here
   with `file:line: reason`, before any cluster starts), then cut into partitions of consecutive records:
   a partition is a list of pieces, each a byte offset + line number + record count in one .jsonl file, or
   one .txt file. The plan and a fingerprint of the inputs (size, mtime) and settings go to `plan.json` in a
   work folder beside the output (`OUT.parts/`).
2. Map (workers). One task per partition: the worker reads its pieces itself (inputs and the work folder must
   be on storage every worker sees), runs the pipeline it loaded once for its process (`_extractor`, a cached
   loader), and writes `part-NNNNNN.jsonl` atomically (core/files.atomic_write). A rerun with the same plan
   skips partitions whose part file exists, so a crash or a killed cluster costs only the partitions that
   were running.
3. Merge (client). Part files are concatenated in partition order into OUT, atomically, checking that each
   holds exactly one line per input record; then the work folder is removed.

The output is byte-identical to `annotator extract` run in one process on the same input (same reader, same
record builder, `record_line`). Dask is imported only when this engine runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.files import atomic_write
from annotator.io.articles import (
    JSONL_SUFFIXES,
    InputError,
    SourceRecord,
    article_from_record,
    expand_paths,
    parse_json_object,
    read_articles,
    read_text_file,
)

DOCS_PER_PARTITION = 250
"""Default partition size: a task of a few tens of seconds on one core, small enough to balance and to lose
little on a crash; the default never depends on the cluster's size, so a rerun on another cluster resumes."""
CONNECT_TIMEOUT = "20s"
"""How long to keep trying to reach a --scheduler before giving up with one line."""
PLAN_FILE = "plan.json"
PLAN_VERSION = 1


class DistributedError(RuntimeError):
    """A run that cannot go on; `str()` is one line for the user (bad input, changed input, missing model,
    a worker that keeps dying, a part file that does not add up)."""


class PartitionFailed(RuntimeError):
    """Raised in a worker with a one-line message; picklable (one string argument) so it reaches the client."""


# -- reading records (shared with the one-process engine) -------------------------------------------------------


def text_and_meta(record: SourceRecord) -> tuple[str, dict[str, Any]]:
    """(text, meta) that `annotator extract` writes for one input record: a .txt file's title and path go into
    meta (its `file` key does not)."""
    meta = dict(record.document.meta)
    if record.line is None:
        meta.pop("file", None)
        meta.update(title=record.document.title, source=record.path)
    return record.document.text, meta


def record_line(text: str, extraction: Any, meta: dict[str, Any]) -> str:
    """One output line (with its newline) of `annotator extract`: annotator's JSONL record of the extraction."""
    from annotator.core.strict_json import dumps_strict
    from annotator.io.records import extraction_record

    return dumps_strict(extraction_record(text, extraction, meta)) + "\n"


def _is_blank(raw: bytes, first: bool) -> tuple[bool, bytes]:
    """The blank-line rule of io/articles.iter_jsonl_lines (a UTF-8 BOM on line 1 dropped, whitespace-only
    lines skipped), on raw bytes: (blank, line without BOM)."""
    if first and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8", "replace")
    return (not text or text.isspace()), raw


# -- the plan ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """Consecutive records of one input: `count` records of a .jsonl file from byte `offset` (line
    `first_line`), or one .txt file (offset 0, first_line 0, count 1). `path` is as the user named it (for
    messages and a .txt file's meta), `location` absolute (what a worker opens)."""

    path: str
    location: str
    kind: str
    offset: int
    first_line: int
    count: int


@dataclass(frozen=True)
class Partition:
    index: int
    count: int
    pieces: tuple[Piece, ...]


@dataclass
class Plan:
    """Partitions in input order and what they depend on: a run resumes only parts of an identical plan."""

    inputs: list[dict[str, Any]]
    settings: dict[str, Any]
    partitions: list[Partition] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(p.count for p in self.partitions)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": PLAN_VERSION,
            "inputs": self.inputs,
            "settings": self.settings,
            "partitions": [asdict(p) for p in self.partitions],
        }


def validate_inputs(paths: list[Path], on_record: Callable[[], None] | None = None) -> int:
    """Read every input with annotator's reader (as `annotator extract` does before loading the model); returns
    the number of records; the first bad one raises InputError(`path:line: reason`)."""
    count = 0
    for _record in read_articles(paths):
        count += 1
        if on_record:
            on_record()
    return count


def _jsonl_records(location: Path) -> Iterator[tuple[int, int]]:
    """(byte offset, line number) of each record line of a .jsonl file, by the reader's blank-line rule."""
    with open(location, "rb") as handle:
        offset, number = 0, 0
        for raw in handle:
            number += 1
            blank, _ = _is_blank(raw, number == 1)
            if not blank:
                yield offset, number
            offset += len(raw)


def make_plan(paths: list[Path], total: int, partitions: int | None, settings: dict[str, Any]) -> Plan:
    """Cut the (already validated) inputs into `partitions` runs of consecutive records (default: one per
    DOCS_PER_PARTITION records), in input order."""
    wanted = partitions or max(1, math.ceil(total / DOCS_PER_PARTITION))
    size = max(1, math.ceil(total / max(1, wanted)))
    files = expand_paths(paths)
    inputs = []
    for path in files:
        stat = path.stat()
        inputs.append({"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    plan = Plan(inputs=inputs, settings=settings)
    pieces: list[Piece] = []
    in_partition = 0

    def close_partition() -> None:
        nonlocal pieces, in_partition
        if in_partition:
            plan.partitions.append(Partition(len(plan.partitions), in_partition, tuple(pieces)))
        pieces, in_partition = [], 0

    for path in files:
        location = str(path.resolve())
        if path.suffix.lower() in JSONL_SUFFIXES:
            current: list[int] | None = None  # [offset, first_line, count] of the open piece
            for offset, number in _jsonl_records(path):
                if current is None:
                    current = [offset, number, 0]
                current[2] += 1
                in_partition += 1
                if in_partition == size:
                    pieces.append(Piece(str(path), location, "jsonl", *current))
                    current = None
                    close_partition()
            if current is not None:
                pieces.append(Piece(str(path), location, "jsonl", *current))
        else:
            pieces.append(Piece(str(path), location, "txt", 0, 0, 1))
            in_partition += 1
            if in_partition == size:
                close_partition()
    close_partition()
    if plan.total != total:  # an input changed between validating and planning
        raise DistributedError(f"the inputs changed while the run was being planned ({total} then {plan.total} records)")
    return plan


def read_piece(piece: Piece) -> Iterator[SourceRecord]:
    """The records of one piece, read as `annotator extract` reads them (the worker side of the plan)."""
    if piece.kind == "txt":
        record = read_text_file(Path(piece.location))
        record.path = piece.path
        yield record
        return
    path = Path(piece.path)
    left = piece.count
    with open(piece.location, "rb") as handle:
        handle.seek(piece.offset)
        number = piece.first_line - 1
        while left:
            raw = handle.readline()
            if not raw:
                raise InputError(path, number, "the file ended early: it changed after the run was planned")
            number += 1
            blank, raw = _is_blank(raw, number == 1)
            if blank:
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(path, number, f"not UTF-8 (byte {exc.start} of the line: {exc.reason})") from None
            yield article_from_record(path, number, parse_json_object(path, number, line))
            left -= 1


# -- the worker side --------------------------------------------------------------------------------------------


_EXTRACTORS: dict[tuple[str, str, int], Any] = {}
_EXTRACTORS_LOCK = threading.Lock()
_LOADS = 0
"""How many pipelines this process loaded (one a worker process: the test and the bench check it)."""


def _extractor(model: str, cues: Any, cues_key: str, batch_size: int) -> Any:
    """This process's Extractor for the settings, loaded on first use and kept: one model load per worker
    process however many partitions it runs."""
    global _LOADS
    key = (model, cues_key, batch_size)
    with _EXTRACTORS_LOCK:
        extractor = _EXTRACTORS.get(key)
        if extractor is None:
            from annotator.extract.pipeline import Extractor

            extractor = Extractor(model, cues=cues, batch_size=batch_size)
            extractor.nlp  # noqa: B018 - load now (a missing model fails the first task, not a later one)
            extractor.lock = threading.Lock()  # one pipeline run at a time per process (spaCy is not thread-safe)
            _EXTRACTORS[key] = extractor
            _LOADS += 1
        return extractor


def extract_partition(partition: Partition, work_dir: str, job: dict[str, Any]) -> dict[str, Any]:
    """Task body: extract one partition into `work_dir/part-NNNNNN.jsonl` (atomically). Returns
    {"index", "count", "pid", "loads"}. Any failure is a PartitionFailed with one line naming file:line or the
    worker."""
    import socket

    from annotator.extract.pipeline import ModelNotFoundError

    try:
        extractor = _extractor(job["model"], job["cues"], job["cues_key"], job["batch_size"])
    except ModelNotFoundError as error:
        raise PartitionFailed(f"on worker {socket.gethostname()} (pid {os.getpid()}): {error}") from None
    records = [text_and_meta(r) for piece in partition.pieces for r in _checked(piece)]
    if len(records) != partition.count:
        raise PartitionFailed(f"partition {partition.index}: read {len(records)} records, the plan says "
                              f"{partition.count}; the inputs changed after the run was planned")
    target = Path(work_dir) / part_name(partition.index)
    with extractor.lock:
        extractions = list(extractor.extract([text for text, _meta in records]))
    with atomic_write(target, "w") as out:
        for (text, meta), extraction in zip(records, extractions, strict=True):
            out.write(record_line(text, extraction, meta))
    return {"index": partition.index, "count": len(records), "pid": os.getpid(), "loads": _LOADS}


def _checked(piece: Piece) -> Iterator[SourceRecord]:
    try:
        yield from read_piece(piece)
    except InputError as error:
        raise PartitionFailed(str(error)) from None
    except OSError as error:
        raise PartitionFailed(
            f"{piece.path}: cannot read it on worker (pid {os.getpid()}): {error.strerror or error}; "
            "inputs must be on storage every worker sees"
        ) from None


def part_name(index: int) -> str:
    return f"part-{index:06d}.jsonl"


# -- the client side --------------------------------------------------------------------------------------------


@dataclass
class RunReport:
    documents: int = 0
    partitions: int = 0
    resumed: int = 0
    """Partitions found already written (a rerun) and not extracted again."""
    worker_pids: set[int] = field(default_factory=set)
    model_loads: dict[int, int] = field(default_factory=dict)
    """Worker pid -> pipelines that process had loaded by its last task (1 each: one model load per worker)."""


def work_folder(output: Path) -> Path:
    """Where part files and the plan live: beside the output (same file system, so shared if it is)."""
    return output.with_name(output.name + ".parts")


def cues_fingerprint(cues: Any) -> str:
    words = sorted(cues.words)
    multi = sorted((k, sorted(v)) for k, v in cues.multi.items())
    return hashlib.sha256(json.dumps([words, multi]).encode()).hexdigest()[:16]


def prepare_work_folder(folder: Path, plan: Plan) -> set[int]:
    """Make the work folder hold `plan`; returns the partitions already written for it. Parts of a different
    plan (other inputs, options or model) are removed first."""
    folder.mkdir(parents=True, exist_ok=True)
    plan_path = folder / PLAN_FILE
    wanted = json.loads(json.dumps(plan.to_json()))  # as read back (tuples become lists)
    try:
        old = json.loads(plan_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = None
    if old != wanted:
        for stale in folder.glob("part-*.jsonl"):
            stale.unlink()
        with atomic_write(plan_path, "w") as handle:
            json.dump(wanted, handle)
        return set()
    return {p.index for p in plan.partitions if (folder / part_name(p.index)).is_file()}


def merge_parts(folder: Path, plan: Plan, output: Path) -> int:
    """Concatenate the part files in partition order into `output` (atomically), checking that each holds
    exactly one line per input record. A part that does not is removed (a rerun redoes it)."""
    written = 0
    with atomic_write(output, "w") as out:
        for partition in plan.partitions:
            part = folder / part_name(partition.index)
            lines = 0
            with open(part, encoding="utf-8") as handle:
                for line in handle:
                    out.write(line)
                    lines += 1
            if lines != partition.count:
                part.unlink()
                raise DistributedError(
                    f"{part}: {lines} lines for {partition.count} input records; it was removed, rerun to redo it"
                )
            written += lines
    return written


def start_client(scheduler: str | None, workers: int | None) -> tuple[Any, Any]:
    """(client, local cluster or None): a client of the scheduler at `scheduler`, else of a local cluster of
    `workers` single-threaded worker processes (default: one per CPU)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT), None
        except (OSError, TimeoutError) as error:
            raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def run(
    paths: Iterable[str | os.PathLike],
    output: str | os.PathLike,
    *,
    model: str,
    scheduler: str | None = None,
    partitions: int | None = None,
    workers: int | None = None,
    cue_file: str | os.PathLike | None = None,
    batch_size: int = 32,
    on_progress: Callable[[int, int], None] | None = None,
    on_message: Callable[[str], None] | None = None,
    keep_parts: bool = False,
) -> RunReport:
    """Extract `paths` into `output` on a Dask cluster (see the module's docstring). `on_progress(done, total)`
    in documents; `on_message(text)` for one-line notes (resumed partitions). Raises InputError for bad input
    (before any cluster starts), DistributedError for the rest, each with a one-line message."""
    from annotator.extract.cues import load_cues

    paths = [Path(p) for p in paths]
    output = Path(output)
    cues = load_cues(cue_file)  # on the client: every worker uses the same cue list, whatever its environment
    total = validate_inputs(paths)
    settings = {"model": model, "cues": cues_fingerprint(cues), "partitions": partitions}
    plan = make_plan(paths, total, partitions, settings)
    folder = work_folder(output)
    done = prepare_work_folder(folder, plan)
    report = RunReport(documents=total, partitions=len(plan.partitions), resumed=len(done))
    if done and on_message:
        on_message(f"resuming: {len(done)} of {len(plan.partitions)} partitions already written in {folder}")
    todo = [p for p in plan.partitions if p.index not in done]
    finished = sum(p.count for p in plan.partitions if p.index in done)
    if on_progress:
        on_progress(finished, total)
    if todo:
        job = {"model": model, "cues": cues, "cues_key": settings["cues"], "batch_size": batch_size}
        _run_tasks(todo, folder, job, scheduler, workers, report, finished, total, on_progress)
    merge_parts(folder, plan, output)
    if not keep_parts:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _run_tasks(todo: list[Partition], folder: Path, job: dict[str, Any], scheduler: str | None,
               workers: int | None, report: RunReport, finished: int, total: int,
               on_progress: Callable[[int, int], None] | None) -> None:
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    client, cluster = start_client(scheduler, workers)
    try:
        work_dir = str(folder.resolve())
        run_id = uuid.uuid4().hex[:12]  # task keys unique to this run on a shared scheduler
        futures = [
            client.submit(extract_partition, p, work_dir, job, key=f"annotator-extract-{run_id}-{p.index}", pure=False)
            for p in todo
        ]
        try:
            for future in as_completed(futures):
                try:
                    result = future.result()
                except PartitionFailed as error:
                    raise DistributedError(str(error)) from None
                except KilledWorker as error:
                    raise DistributedError(f"workers kept dying on a partition ({error}); rerun to resume") from None
                except FutureCancelledError as error:
                    raise DistributedError(f"the cluster cancelled a partition ({error}); rerun to resume") from None
                finished += result["count"]
                report.worker_pids.add(result["pid"])
                report.model_loads[result["pid"]] = result["loads"]
                if on_progress:
                    on_progress(finished, total)
        finally:
            client.cancel(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
