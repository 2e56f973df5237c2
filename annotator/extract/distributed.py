"""`annotator extract --engine dask`: the same JSONL -> JSONL map as `annotator extract`, on a Dask cluster.

How a run goes (the client is the machine where the command runs):

1. Check and plan (client). Every input is read once with the same reader as `annotator extract` (a bad line,
   or an article longer than pre-extraction takes, stops here with `file:line: reason`, before any cluster
   starts), then cut into partitions of consecutive records: a partition is a list of pieces, each a byte range
   + first line number + record count of one .jsonl file, or one .txt file, with a SHA-256 of the piece's
   bytes. The plan's identity covers the inputs' content (a hash of every file), the model's identity (name,
   resolved folder, version, a fingerprint of its files and of meta.json/config.cfg), annotator's version and
   extraction code, the cue list and the partitioning; paths are resolved, so how they are spelled does not
   matter. It goes to `plan.json` in a work folder beside the output (`OUT.parts/`) once a cluster is reached.
2. Map (workers). One task per partition: the worker reads its pieces itself (inputs and the work folder must
   be on storage every worker sees), checks each piece's hash (an input edited since the plan is reported as
   changed, never blamed on a line), runs the pipeline it loaded once for its process (`_extractor`), and
   writes `part-NNNNNN.jsonl` atomically: a header line (plan identity, partition, record count, SHA-256 of
   the body) then one output line per input record. A rerun with the same plan keeps the parts that check out.
3. Merge (client). The inputs are hashed again (an input edited during the run stops the merge: never an output
   mixing two versions), every part is checked (header, body hash, one JSON record with a text per input
   record), and the bodies are concatenated in partition order into OUT, atomically; the work folder is removed.

A lock file beside the output (`OUT.lock`, an OS lock) keeps two runs from writing the same output. The output
is byte-identical to `annotator extract` run in one process on the same input (same reader, same record builder,
`record_line`). Dask is imported only when this engine runs.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.files import atomic_write
from annotator.core.ingest import too_long_for_extraction
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
CONNECT_TIMEOUT = 20.0
"""Seconds to reach a --scheduler (and hear it answer as a Dask scheduler) before giving up with one line."""
WORKER_WAIT = 60.0
"""Default seconds to wait for a scheduler to have at least one worker (at the start, and whenever all its
workers are gone mid-run) before giving up with one line; `--wait-workers` changes it."""
EXTRACTION_MODULES = ("core/boilerplate.py", "core/model.py", "io/articles.py", "io/records.py")
"""Besides annotator/extract/, the modules an output line depends on (reader, boilerplate marks, record
builder): their code is part of a plan's identity, with annotator's version."""
PLAN_FILE = "plan.json"
PLAN_VERSION = 2
PART_HEADER_KEY = "annotator_extract_part"
TOO_LONG_HINT = "split it into several records"


class DistributedError(RuntimeError):
    """A run that cannot go on; `str()` is one line for the user (bad input, changed input, missing model,
    a worker that keeps dying, a part file that does not add up)."""


class PartitionFailed(RuntimeError):
    """Raised in a worker with a one-line message; picklable (one string argument) so it reaches the client."""


class InputChanged(DistributedError):
    """An input's bytes are not those the run was planned on (edited, replaced or truncated meanwhile)."""

    def __init__(self, path: str):
        super().__init__(f"{path} changed since the run was planned; nothing mixed was written: rerun the same "
                         "command (the plan starts over for a changed input)")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(location: str | os.PathLike) -> str:
    """SHA-256 (hex) of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(location, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# -- reading records (shared with the one-process engine) -------------------------------------------------------


def text_and_meta(record: SourceRecord) -> tuple[str, dict[str, Any]]:
    """(text, meta) that `annotator extract` writes for one input record: a .txt file's title and path go into
    meta (its `file` key does not)."""
    meta = dict(record.document.meta)
    if record.line is None:
        meta.pop("file", None)
        meta.update(title=record.document.title, source=record.path)
    return record.document.text, meta


_LINE_BREAKING = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def record_line(text: str, extraction: Any, meta: dict[str, Any]) -> str:
    """One output line (with its newline) of `annotator extract`: annotator's JSONL record of the extraction.
    U+0085, U+2028 and U+2029 are written escaped (the same JSON): raw, they are line breaks to readers that
    split lines the Unicode way (Python's str.splitlines, editors), and one record must stay one line."""
    from annotator.core.strict_json import dumps_strict
    from annotator.io.records import extraction_record

    line = dumps_strict(extraction_record(text, extraction, meta))
    if not line.isascii() and any(char in line for char in _LINE_BREAKING):
        for char, escaped in _LINE_BREAKING.items():
            line = line.replace(char, escaped)  # only inside strings: JSON has no other place for them
    return line + "\n"


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
    """Consecutive records of one input: `count` records of a .jsonl file in the `length` bytes from byte
    `offset` (line `first_line`), or one .txt file (offset 0, first_line 0, count 1, its whole size). `digest`
    is the SHA-256 of those bytes when planned. `path` is as the user named it (for messages and a .txt file's
    meta), `location` absolute (what a worker opens)."""

    path: str
    location: str
    kind: str
    offset: int
    first_line: int
    count: int
    length: int = 0
    digest: str = ""

    def identity(self) -> dict[str, Any]:
        """What the piece's output depends on: not how the path was spelled, except for a .txt file, whose path
        goes into its record's meta (`source`)."""
        found = asdict(self)
        if self.kind != "txt":
            found.pop("path")
        return found


@dataclass(frozen=True)
class Partition:
    """`count` consecutive input records, in `pieces`. `texts` is a digest of the records' texts as the client
    read them in its checking pass (`texts_digest`): the merge checks every part line carries its record's text."""

    index: int
    count: int
    pieces: tuple[Piece, ...]
    texts: str = ""


@dataclass
class Plan:
    """Partitions in input order and what they depend on: a run resumes only parts of an identical plan."""

    inputs: list[dict[str, Any]]
    settings: dict[str, Any]
    partitions: list[Partition] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(p.count for p in self.partitions)

    @property
    def identity(self) -> str:
        """SHA-256 (hex, 32 digits) of everything a part's bytes depend on (inputs' content, model, settings,
        partitioning), not of how the paths were spelled."""
        body = {
            "version": PLAN_VERSION,
            "inputs": [{k: v for k, v in item.items() if k != "path"} for item in self.inputs],
            "settings": self.settings,
            "partitions": [[p.index, p.count, [piece.identity() for piece in p.pieces]] for p in self.partitions],
        }
        return _sha(json.dumps(body, sort_keys=True).encode())[:32]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": PLAN_VERSION,
            "identity": self.identity,
            "inputs": self.inputs,
            "settings": self.settings,
            "partitions": [asdict(p) for p in self.partitions],
        }


TEXT_KEY_BYTES = 8
"""Bytes of each record's text hash kept by the checking pass (8 bytes a record: 40 MB for five million)."""


def text_key(text: str) -> bytes:
    """A record's short text hash (BLAKE2b, TEXT_KEY_BYTES): what ties an output line to its input record."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=TEXT_KEY_BYTES).digest()


def texts_digest(keys: bytes) -> str:
    """The digest of consecutive records' text keys (a partition's `texts`)."""
    return _sha(keys)[:32]


def validate_inputs(paths: list[Path], on_record: Callable[[], None] | None = None,
                    text_keys: bytearray | None = None) -> int:
    """Read every input with annotator's reader (as `annotator extract` does before loading the model); returns
    the number of records; the first bad one raises InputError(`path:line: reason`), including an article
    longer than pre-extraction takes (core/ingest.too_long_for_extraction, the check ingest makes). With
    `text_keys`, each record's `text_key` is appended to it, in input order."""
    count = 0
    for record in read_articles(paths):
        if error := too_long_for_extraction(record, hint=TOO_LONG_HINT):
            raise error
        if text_keys is not None:
            text_keys += text_key(record.document.text)
        count += 1
        if on_record:
            on_record()
    return count


class _OpenPiece:
    """A .jsonl piece being planned: its first record's place, and a running hash and length of its bytes
    (blank lines between its records included: a worker reads the piece as one byte range)."""

    def __init__(self, offset: int, first_line: int):
        self.offset, self.first_line, self.count, self.length = offset, first_line, 0, 0
        self.digest = hashlib.sha256()
        self.blank: list[bytes] = []  # blank lines after the last record: the piece's only if a record follows

    def add(self, raw: bytes) -> None:
        for line in (*self.blank, raw):
            self.digest.update(line)
            self.length += len(line)
        self.blank = []
        self.count += 1

    def piece(self, path: Path, location: str) -> Piece:
        return Piece(str(path), location, "jsonl", self.offset, self.first_line, self.count, self.length,
                     self.digest.hexdigest())


def make_plan(paths: list[Path], total: int, partitions: int | None, settings: dict[str, Any],
              text_keys: bytes | None = None) -> Plan:
    """Cut the (already validated) inputs into `partitions` runs of consecutive records (default: one per
    DOCS_PER_PARTITION records), in input order, each piece with the SHA-256 of its bytes and each input with
    the SHA-256 of the whole file (one read of every input)."""
    wanted = partitions or max(1, math.ceil(total / DOCS_PER_PARTITION))
    size = max(1, math.ceil(total / max(1, wanted)))
    files = expand_paths(paths)
    plan = Plan(inputs=[], settings=settings)
    pieces: list[Piece] = []
    in_partition = planned = 0

    def close_partition() -> None:
        nonlocal pieces, in_partition, planned
        if in_partition:
            keys = text_keys[planned * TEXT_KEY_BYTES:(planned + in_partition) * TEXT_KEY_BYTES] if text_keys else None
            plan.partitions.append(Partition(len(plan.partitions), in_partition, tuple(pieces),
                                             texts_digest(keys) if keys is not None else ""))
            planned += in_partition
        pieces, in_partition = [], 0

    for path in files:
        location = str(path.resolve())
        if path.suffix.lower() in JSONL_SUFFIXES:
            whole = hashlib.sha256()
            current: _OpenPiece | None = None
            with open(path, "rb") as handle:
                offset = 0
                for number, raw in enumerate(handle, start=1):  # the reader's blank-line rule, on bytes
                    whole.update(raw)
                    blank, _ = _is_blank(raw, number == 1)
                    if not blank:
                        if current is None:
                            current = _OpenPiece(offset, number)
                        current.add(raw)
                        in_partition += 1
                        if in_partition == size:
                            pieces.append(current.piece(path, location))
                            current = None
                            close_partition()
                    elif current is not None:
                        current.blank.append(raw)
                    offset += len(raw)
            if current is not None:
                pieces.append(current.piece(path, location))
            digest, length = whole.hexdigest(), offset
        else:
            data = path.read_bytes()
            digest, length = _sha(data), len(data)
            pieces.append(Piece(str(path), location, "txt", 0, 0, 1, length, digest))
            in_partition += 1
            if in_partition == size:
                close_partition()
        plan.inputs.append({"path": str(path), "location": location, "size": length, "sha256": digest})
    close_partition()
    if plan.total != total:  # an input changed between validating and planning
        raise DistributedError(f"the inputs changed while the run was being planned ({total} then {plan.total} records)")
    return plan


def read_piece(piece: Piece) -> Iterator[SourceRecord]:
    """The records of one piece, read as `annotator extract` reads them (the worker side of the plan). Raises
    InputChanged when the bytes are not those planned (never a misplaced `file:line` for an edited file)."""
    if piece.kind == "txt":
        location = Path(piece.location)
        if piece.digest and file_digest(location) != piece.digest:
            raise InputChanged(piece.path)
        record = read_text_file(location)
        record.path = piece.path
        yield record
        return
    path = Path(piece.path)
    with open(piece.location, "rb") as handle:
        handle.seek(piece.offset)
        data = handle.read(piece.length)
    if len(data) != piece.length or (piece.digest and _sha(data) != piece.digest):
        raise InputChanged(piece.path)
    left = piece.count
    number = piece.first_line - 1
    for raw in io.BytesIO(data):
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
    if left:
        raise InputChanged(piece.path)


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
    """Task body: extract one partition into `work_dir/part-NNNNNN.jsonl` (atomically): a header line
    {PART_HEADER_KEY: plan identity, "index", "count", "sha256" of the body} then one output line per record.
    Returns {"index", "count", "pid", "loads"}. Any failure is a PartitionFailed with one line naming file:line,
    the changed input or the worker."""
    import socket

    from annotator.extract.pipeline import ModelNotFoundError

    try:
        extractor = _extractor(job["model"], job["cues"], job["cues_key"], job["batch_size"])
    except ModelNotFoundError as error:
        raise PartitionFailed(f"on worker {socket.gethostname()} (pid {os.getpid()}): {error}") from None
    records = [text_and_meta(r) for piece in partition.pieces for r in _checked(piece)]
    if len(records) != partition.count:
        raise PartitionFailed(f"partition {partition.index}: read {len(records)} records, the plan says "
                              f"{partition.count}; the inputs changed after the run was planned: rerun")
    with extractor.lock:
        extractions = list(extractor.extract([text for text, _meta in records]))
    body = "".join(record_line(text, extraction, meta)
                   for (text, meta), extraction in zip(records, extractions, strict=True))
    header = {PART_HEADER_KEY: job["plan"], "index": partition.index, "count": len(records),
              "sha256": _sha(body.encode("utf-8"))}
    part = Path(work_dir) / part_name(partition.index)
    try:
        with atomic_write(part, "w") as out:
            out.write(json.dumps(header) + "\n")
            out.write(body)
    except IsADirectoryError:  # made since the client cleared the path: name the obstacle, not our temp file
        raise PartitionFailed(f"{part} is a folder where the run writes a part file; move it away or remove it, "
                              "then rerun") from None
    return {"index": partition.index, "count": len(records), "pid": os.getpid(), "loads": _LOADS}


def _checked(piece: Piece) -> Iterator[SourceRecord]:
    try:
        yield from read_piece(piece)
    except (InputError, DistributedError) as error:
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


class Interrupted(DistributedError):
    """Ctrl+C (SIGINT) during a run: the parts written are kept; `str()` says how many."""


def work_folder(output: Path) -> Path:
    """Where part files and the plan live: beside the output (same file system, so shared if it is)."""
    return output.with_name(output.name + ".parts")


def cues_fingerprint(cues: Any) -> str:
    words = sorted(cues.words)
    multi = sorted((k, sorted(v)) for k, v in cues.multi.items())
    return hashlib.sha256(json.dumps([words, multi]).encode()).hexdigest()[:16]


def model_location(model: str) -> Path | None:
    """The folder a model name or path stands for on this machine: an existing folder (resolved), else the
    installed package's folder (found without importing it, or spaCy), else None (not installed here)."""
    if not model.strip():
        return None
    folder = Path(model).expanduser()
    if folder.is_dir():
        return folder.resolve()
    import importlib.util

    if not model.replace("_", "a").replace("-", "a").isalnum():  # not a package name (find_spec would import "a" of "a.b")
        return None
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def model_identity(model: str) -> dict[str, Any]:
    """What the extraction's output depends on besides the inputs: the model (name; resolved folder; version
    from its meta.json; a SHA-256 of its meta.json and config.cfg files and of every file's name, size and
    mtime, so a model changed in place, e.g. `pip install -U`, is another model), annotator's version and a
    hash of its extraction code (quote rules change between releases)."""
    from importlib.metadata import PackageNotFoundError, version

    folder = model_location(model)
    found: dict[str, Any] = {"model": model, "folder": str(folder) if folder else None}
    if folder is not None:
        digest, listing, meta_version = hashlib.sha256(), [], None
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            stat = path.stat()
            listing.append([str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns])
            if path.name in ("meta.json", "config.cfg"):
                data = path.read_bytes()
                digest.update(data)
                if path.name == "meta.json" and meta_version is None:
                    try:
                        meta_version = json.loads(data).get("version")
                    except (ValueError, AttributeError):
                        pass
        digest.update(json.dumps(listing).encode())
        found.update(version=meta_version, fingerprint=digest.hexdigest()[:32])
    try:
        found["annotator"] = version("annotator")
    except PackageNotFoundError:
        found["annotator"] = None
    code = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in [*sorted(package.glob("extract/*.py")), *(package / name for name in EXTRACTION_MODULES)]:
        code.update(path.read_bytes())
    found["extract_code"] = code.hexdigest()[:16]
    return found


def _read_part(part: Path, plan: Plan, partition: Partition, sink: Any | None = None) -> None:
    """Check one part file against the plan: its header (this plan, this partition, the record count), one JSON
    record with a string "text" per input record, and the body's SHA-256. Raises ValueError(reason). With
    `sink`, the body is written to it as it is read."""
    digest, lines, keys = hashlib.sha256(), 0, bytearray()
    with open(part, encoding="utf-8", newline="") as handle:
        try:
            header = json.loads(handle.readline())
        except ValueError:
            raise ValueError("its header is not JSON") from None
        expected = {PART_HEADER_KEY: plan.identity, "index": partition.index, "count": partition.count}
        if not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
            raise ValueError("its header is not this run's plan or partition")
        for line in handle:
            lines += 1
            if not line.endswith("\n"):
                raise ValueError(f"line {lines + 1} is not an extract record")
            record = check_extract_record(part, lines + 1, line)
            if partition.texts:
                keys += text_key(record["text"])
            digest.update(line.encode("utf-8"))
            if sink is not None:
                sink.write(line)
    if lines != partition.count:
        raise ValueError(f"{lines} lines for {partition.count} input records")
    if digest.hexdigest() != header.get("sha256"):
        raise ValueError("its content is not what the worker wrote (checksum)")
    if partition.texts and texts_digest(bytes(keys)) != partition.texts:
        raise ValueError("its records' texts are not those of its input records")


def check_extract_record(path: Path, number: int, line: str) -> dict[str, Any]:
    """The record of one output line, checked as `annotator ingest` checks an extract record (the same reader,
    io/articles, and the same set checks, io/records.pre_extraction + io/set_checks): what the merge writes is
    always something ingest accepts. Raises ValueError("line N: reason")."""
    from annotator.io.records import Where, carries_pre_extraction, pre_extraction

    try:
        record = parse_json_object(path, number, line)
        article = article_from_record(path, number, record)
        if not carries_pre_extraction(record) or not isinstance(record.get("spans"), list) \
                or not isinstance(record.get("quotes"), list):
            raise InputError(path, number, 'not an extract record ("spans" and "quotes" arrays)')
        pre_extraction(Where(path, number), article.document.text, record)
    except InputError as error:
        raise ValueError(f"line {number}: {error.reason}") from None
    return record


def clear_part_path(part: Path, on_message: Callable[[str], None] | None = None) -> None:
    """Make room for a part file: anything at its path that is not a regular file (a folder, a FIFO, a link...)
    is removed with a one-line note, the partition is redone. A folder with something in it is not ours to
    delete: DistributedError naming it."""
    import stat

    try:
        st = os.lstat(part)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode):
        return
    try:
        if stat.S_ISDIR(st.st_mode):
            part.rmdir()
        else:
            part.unlink()
    except OSError:
        raise DistributedError(f"{part} is a folder where the run writes a part file; move it away or remove "
                               "it, then rerun") from None
    if on_message:
        on_message(f"{part} was not a part file; it was removed and will be redone")


def kept_parts(folder: Path, plan: Plan, on_message: Callable[[str], None] | None = None) -> set[int]:
    """Partitions already written for `plan` in the work folder (read only): none when the folder holds
    another plan (other inputs' content, options, model or annotator version); a part that does not check out
    (see `_read_part`) is not counted and is removed."""
    try:
        old = json.loads((folder / PLAN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(old, dict) or old.get("identity") != plan.identity:
        return set()
    done = set()
    for partition in plan.partitions:
        part = folder / part_name(partition.index)
        clear_part_path(part, on_message)
        if not part.is_file():
            continue
        try:
            _read_part(part, plan, partition)
        except (ValueError, OSError) as error:
            part.unlink(missing_ok=True)
            if on_message:
                on_message(f"{part}: {error}; it was removed and will be redone")
            continue
        done.add(partition.index)
    return done


def write_plan(folder: Path, plan: Plan) -> None:
    """Make the work folder hold `plan`: parts of another plan are removed first."""
    if folder.exists() and not folder.is_dir():
        raise DistributedError(f"{folder} is a file where the run keeps its parts; move it away or remove it")
    folder.mkdir(exist_ok=True)
    plan_path = folder / PLAN_FILE
    try:
        old = json.loads(plan_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = None
    if not isinstance(old, dict) or old.get("identity") != plan.identity:
        for stale in folder.glob("part-*.jsonl"):
            if stale.is_dir() and not stale.is_symlink():
                clear_part_path(stale)
            else:
                stale.unlink()
        with atomic_write(plan_path, "w") as handle:
            json.dump(plan.to_json(), handle)


def prepare_work_folder(folder: Path, plan: Plan) -> set[int]:
    """`kept_parts` then `write_plan`: the partitions already written for `plan`, the folder made to hold it."""
    done = kept_parts(folder, plan)
    write_plan(folder, plan)
    return done


def check_inputs_unchanged(plan: Plan) -> None:
    """Hash every input again: InputChanged when one is not what the run was planned on (edited during the
    run), so parts from two versions of an input are never merged."""
    for item in plan.inputs:
        try:
            same = file_digest(item["location"]) == item["sha256"]
        except OSError:
            same = False
        if not same:
            raise InputChanged(item["path"])


def merge_parts(folder: Path, plan: Plan, output: Path) -> int:
    """Concatenate the part files' bodies in partition order into `output` (atomically), each checked first
    (`_read_part`). A part that does not check out is removed (a rerun redoes it) and nothing is written."""
    written = 0
    with atomic_write(output, "w") as out:
        for partition in plan.partitions:
            part = folder / part_name(partition.index)
            try:
                _read_part(part, plan, partition, out)
            except (ValueError, FileNotFoundError) as error:
                part.unlink(missing_ok=True)
                raise DistributedError(f"{part}: {error}; it was removed, rerun to redo it") from None
            written += partition.count
    return written


def _host_port_problem(location: str) -> str | None:
    """Why `location` is not HOST:PORT (an IPv6 host in brackets, `[::1]:8786`), or None."""
    import re

    found = re.fullmatch(r"\[([0-9A-Fa-f:.%\w]+)\]:([0-9]+)|([^\s:\[\]/]+):([0-9]+)", location)
    if not found:
        return "no HOST:PORT (an IPv6 host goes in brackets: tcp://[::1]:8786)"
    port = int(found.group(2) or found.group(4))
    if not 0 < port < 65536:
        return f"port {port} out of range (1-65535)"
    return None


def check_scheduler_address(address: str) -> str:
    """`address` if it is a Dask scheduler address (tcp://HOST:PORT, tls://…, or HOST:PORT), else
    DistributedError in one line, before anything is written."""
    from distributed.comm import parse_address
    from distributed.comm.registry import backends

    problem = None
    try:
        scheme, location = parse_address(address)
        if scheme not in backends:
            problem = f"unknown scheme {scheme!r}"
        elif scheme in ("tcp", "tls", "ws", "wss"):
            problem = _host_port_problem(location)
    except (ValueError, TypeError) as error:
        problem = str(error)
    if problem:
        raise DistributedError(f"--scheduler: {address!r} is not a Dask scheduler address (tcp://HOST:PORT, "
                               f"port 8786 by default): {problem}")
    return address


def _quiet_dask(verbose: bool) -> None:
    """Dask's own logging (worker tracebacks, 'Compute Failed', heartbeats) stays off the user's terminal unless
    --verbose: every failure reaches the user as one line of ours."""
    if not verbose:
        quiet = ("distributed", "dask", "tornado", "bokeh")
        # distributed's config gives some child loggers their own level (distributed.client: warning): set all
        for name in [*quiet, *logging.root.manager.loggerDict]:
            if name.split(".")[0] in quiet:
                logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        import warnings

        warnings.filterwarnings("ignore", module="distributed")


RESOURCE_TRACKER_QUIET = "ignore::UserWarning:multiprocessing.resource_tracker"


def _quiet_resource_tracker() -> None:
    """multiprocessing's resource tracker (a process of its own, started with the local cluster) warns about
    "leaked semaphore objects" on stderr when the client is killed: not the user's concern, and not one line of
    ours. The filter goes into the environment the tracker and the workers inherit."""
    import warnings

    warnings.filterwarnings("ignore", category=UserWarning, module="multiprocessing.resource_tracker")
    current = os.environ.get("PYTHONWARNINGS", "")
    if RESOURCE_TRACKER_QUIET not in current.split(","):
        os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [current, RESOURCE_TRACKER_QUIET]))


def start_client(scheduler: str | None, workers: int | None, *, verbose: bool = False,
                 wait_workers: float = WORKER_WAIT) -> tuple[Any, Any]:
    """(client, local cluster or None): a client of the scheduler at `scheduler` that has at least one worker
    (waited for up to `wait_workers` seconds), else of a local cluster of `workers` single-threaded worker
    processes (default: one per CPU) on 127.0.0.1 with no dashboard. Worker processes ignore SIGINT (Ctrl+C
    stops the client, which stops them). One-line DistributedError when the scheduler cannot be reached, does
    not answer as a Dask scheduler within CONNECT_TIMEOUT, or has no worker."""
    import signal

    import dask
    from distributed import Client, LocalCluster

    _quiet_dask(verbose)
    if scheduler:
        client = _connect(scheduler, Client)
        try:
            client.wait_for_workers(1, timeout=wait_workers)
        except (TimeoutError, OSError):
            client.close()
            raise DistributedError(f"the Dask scheduler at {scheduler} has no workers (waited {wait_workers:g} s; "
                                   "start `dask worker` processes, or give more time with --wait-workers)") from None
        return client, None
    _quiet_resource_tracker()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the worker processes (spawned)
    try:
        with dask.config.set({"distributed.worker.daemon": True, "logging.distributed": "critical"} if not verbose
                             else {}):
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.CRITICAL + 1 if not verbose else logging.WARNING,
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    return Client(cluster), cluster


def _probe_port(scheduler: str) -> None:
    """For a tcp:// (or bare HOST:PORT) scheduler: a plain TCP connection first, so a closed port ("connection
    refused", answered at once) or an unknown host is said at once and by its name, not after CONNECT_TIMEOUT
    as a timeout. DistributedError in one line; a port that accepts goes on to the Dask handshake."""
    import socket

    from distributed.comm import parse_address

    scheme, location = parse_address(scheduler)
    if scheme != "tcp":
        return
    host, _, port = location.rpartition(":")
    host = host.strip("[]")
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT):
            pass
    except ConnectionRefusedError:
        raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: connection refused (nothing "
                               f"listens on port {port} of {host}: is the scheduler running, on port 8786 by "
                               "default?)") from None
    except socket.gaierror as error:
        raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: unknown host {host!r} "
                               f"({error.strerror or error})") from None
    except TimeoutError:
        raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: no answer within "
                               f"{CONNECT_TIMEOUT:g} s (a firewall, or a host that is down?)") from None
    except OSError as error:
        raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: "
                               f"{error.strerror or error}") from None


def _connect(scheduler: str, client_class: Any) -> Any:
    """A client of `scheduler`, in a thread bounded by CONNECT_TIMEOUT: a port that accepts but never answers
    as a Dask scheduler (a dashboard's HTTP port, another service) otherwise waits forever."""
    _probe_port(scheduler)
    result: dict[str, Any] = {}

    def connect() -> None:
        try:
            result["client"] = client_class(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            result["error"] = error

    thread = threading.Thread(target=connect, daemon=True, name="annotator-dask-connect")
    thread.start()
    thread.join(CONNECT_TIMEOUT + 5)
    if "client" in result:
        return result["client"]
    error = result.get("error")
    why = f"{error}".splitlines()[0] if error else f"no answer as a Dask scheduler within {CONNECT_TIMEOUT:g} s"
    raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: {why} (is it the scheduler's port, "
                           "8786 by default, not its dashboard's?)")


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
    verbose: bool = False,
    wait_workers: float = WORKER_WAIT,
) -> RunReport:
    """Extract `paths` into `output` on a Dask cluster (see the module's docstring). `on_progress(done, total)`
    in documents; `on_message(text)` for one-line notes (resumed partitions). Raises InputError for bad input
    (before any cluster starts), DistributedError for the rest (Interrupted for Ctrl+C), each with a one-line
    message. The caller holds the output's lock (core/locks.output_lock)."""
    from annotator.extract.cues import load_cues

    paths = [Path(p) for p in paths]
    output = Path(output)
    if scheduler:
        check_scheduler_address(scheduler)
    cues = load_cues(cue_file)  # on the client: every worker uses the same cue list, whatever its environment
    text_keys = bytearray()
    total = validate_inputs(paths, text_keys=text_keys)
    identity = model_identity(model)
    if identity["folder"] and Path(model).expanduser().is_dir():
        model = identity["folder"]  # a folder given relative to here is sent to the workers resolved
    if identity["folder"] is None and not scheduler:  # a local cluster's workers see what this machine has
        from annotator.extract.pipeline import ModelNotFoundError

        raise DistributedError(str(ModelNotFoundError(model)))
    settings = {"model": identity, "cues": cues_fingerprint(cues), "partitions": partitions,
                "batch_size": batch_size}
    plan = make_plan(paths, total, partitions, settings, bytes(text_keys))
    del text_keys
    folder = work_folder(output)
    if folder.exists() and not folder.is_dir():
        raise DistributedError(f"{folder} is a file where the run keeps its parts; move it away or remove it")
    done = kept_parts(folder, plan, on_message)
    report = RunReport(documents=total, partitions=len(plan.partitions), resumed=len(done))
    if done and on_message:
        on_message(f"resuming: {len(done)} of {len(plan.partitions)} partitions already written in {folder}")
    todo = [p for p in plan.partitions if p.index not in done]
    finished = sum(p.count for p in plan.partitions if p.index in done)
    if on_progress:
        on_progress(finished, total)
    if todo:
        job = {"model": model, "cues": cues, "cues_key": settings["cues"], "batch_size": batch_size,
               "plan": plan.identity}
        try:
            _run_tasks(todo, folder, plan, job, scheduler, workers, report, finished, total, on_progress, verbose,
                       wait_workers)
        except DistributedError:
            if folder.is_dir() and not any(folder.glob("part-*.jsonl")):
                shutil.rmtree(folder, ignore_errors=True)  # nothing worth resuming: leave nothing behind
            raise
    else:
        write_plan(folder, plan)
    check_inputs_unchanged(plan)
    merge_parts(folder, plan, output)
    if not keep_parts:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _run_tasks(todo: list[Partition], folder: Path, plan: Plan, job: dict[str, Any], scheduler: str | None,
               workers: int | None, report: RunReport, finished: int, total: int,
               on_progress: Callable[[int, int], None] | None, verbose: bool, wait_workers: float) -> None:
    from distributed import wait
    from distributed.client import FutureCancelledError, FuturesCancelledError
    from distributed.scheduler import KilledWorker

    client = cluster = None
    try:
        client, cluster = start_client(scheduler, workers, verbose=verbose, wait_workers=wait_workers)
        write_plan(folder, plan)  # only once a cluster is there: a run that never started leaves nothing
        work_dir = str(folder.resolve())
        run_id = uuid.uuid4().hex[:12]  # task keys unique to this run on a shared scheduler
        futures = [
            client.submit(extract_partition, p, work_dir, job, key=f"annotator-extract-{run_id}-{p.index}", pure=False)
            for p in todo
        ]
        pending, no_workers_since = set(futures), None
        try:
            while pending:
                try:
                    finished_now, pending = wait(pending, timeout=2, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    finished_now = set()
                if not finished_now:  # all workers gone (killed, or never restarted): say so after a bounded wait
                    if client.scheduler_info().get("workers"):
                        no_workers_since = None
                    elif no_workers_since is None:
                        no_workers_since = time.monotonic()
                    elif time.monotonic() - no_workers_since > wait_workers:
                        where = f"the Dask scheduler at {scheduler}" if scheduler else "the local cluster"
                        raise DistributedError(f"{where} has had no workers for {wait_workers:g} s; the partitions "
                                               "written are kept: rerun to resume")
                    continue
                for future in finished_now:
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
    except KeyboardInterrupt:
        if client is not None:  # stop the workers first: a part they finish meanwhile is on disk, and counted
            _close_quietly(client, cluster)
            client = None
        kept = sum(1 for p in plan.partitions if (folder / part_name(p.index)).is_file())
        raise Interrupted(f"interrupted; {kept} of {len(plan.partitions)} partitions kept: rerun the same command "
                          "to resume") from None
    except DistributedError:
        raise
    except Exception as error:  # the scheduler went away mid-run (FuturesCancelledError, CommClosedError...)
        if isinstance(error, OSError) and error.filename is not None:  # a file error is ours to report
            raise
        if isinstance(error, FuturesCancelledError) and "connection-lost" in str(error):
            why = "lost the connection to the scheduler"
        else:
            why = str(error).splitlines()[0] if str(error).strip() else type(error).__name__
        raise DistributedError(f"the Dask cluster stopped the run ({why}); the partitions written are kept: "
                               "rerun to resume") from None
    finally:
        if client is not None:
            _close_quietly(client, cluster)


def _close_quietly(client: Any, cluster: Any) -> None:
    """Close the client and local cluster; a second Ctrl+C or a cluster already gone is not the user's error."""
    import contextlib

    with contextlib.suppress(BaseException):
        client.close()
    if cluster is not None:
        with contextlib.suppress(BaseException):
            cluster.close()
