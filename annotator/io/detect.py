"""Which exchange format a file is, from its content (not its name), with a clear answer when it is none.

Formats read (FORMATS.md): annotator JSONL, Prodigy JSONL, doccano JSONL, doccano text-classification CSV,
CoNLL-2003 / two-column IOB (BIO, IOB1, BILUO/BIOES tags), brat standoff (`.txt` + `.ann`, a pair or a folder)
and Label Studio JSON export (a JSON array of tasks). A file in none of them raises `InputError` naming these
formats and saying what the file looked like (e.g. "a Label Studio export of image tasks: no text to annotate").
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Any

from annotator.core.strict_json import InvalidJSON, JSONRejected, loads_strict
from annotator.core.errors import InputError

FORMAT_NAMES = ("jsonl", "prodigy", "doccano", "doccano-csv", "conll", "iob", "brat", "labelstudio")
"""`iob` reads as `conll` (one reader for CoNLL-2003 and two-column files)."""
READABLE = ("annotator JSONL, Prodigy JSONL, doccano JSONL or CSV, CoNLL-2003 / IOB, brat standoff (.txt + .ann) "
            "and Label Studio JSON")
SNIFF_BYTES = 1 << 16
IOB_TAG = re.compile(r"^(O|[BIESLU][-_].+|[BIESLU])$")
PRODIGY_KEYS = frozenset({"spans", "tokens", "_view_id", "_input_hash", "_task_hash", "answer", "options", "accept",
                          "cats", "versions", "_annotator_id", "_session_id", "quotes"})
DOCCANO_KEYS = frozenset({"entities", "label", "labels", "annotations"})
ANSWER_KEYS = PRODIGY_KEYS | DOCCANO_KEYS | {"tags", "relations", "user"}
LABEL_STUDIO_MEDIA = ("image", "audio", "video", "url", "html", "pdf", "timeseries", "ocr")


def refuse(path: Path, looked_like: str) -> InputError:
    return InputError(path, None, f"not a format annotator reads ({READABLE}): the file looks like {looked_like}")


def detect_format(path: str | os.PathLike) -> str:
    """One of FORMAT_NAMES for the file or folder at `path`; raises InputError saying what it looked like."""
    path = Path(path)
    if path.is_dir():
        if any(path.glob("*.ann")):
            return "brat"
        raise refuse(path, "a folder without brat .ann files")
    if not path.is_file():  # a device or pipe: reading it could block or never end
        raise InputError(path, None, "is not a regular file (a device or pipe)" if path.exists() else "no such file")
    # a .txt beside a .ann (of any kind: a FIFO or device .ann is refused by the brat reader, never read)
    if path.suffix == ".ann" or (path.suffix == ".txt" and os.path.lexists(path.with_suffix(".ann"))):
        return "brat"
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise InputError(path, None, "the file is empty: no records")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        # what Windows PowerShell's `>` writes: a text file, but not UTF-8 (attack 12b #13)
        raise InputError(path, None, "the file is UTF-16 text (as Windows PowerShell's `>` writes); save it as "
                                     "UTF-8 and import again")
    if b"\x00" in head:
        raise refuse(path, "binary data (a spaCy .spacy DocBin or an archive?)")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    text = head.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith("["):
        return _json_array(path)
    if stripped.startswith("{"):
        return _jsonl(path)
    return _line_format(path, text)


LOOK_AHEAD_LINES = 200
"""Detection reads up to this many lines (each whole, up to the line limit) to find the first answer."""
LOOK_AHEAD_BYTES = 16 << 20
"""...and stops looking further once this much is read after the first line (texts without answers)."""


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: a NUL in every other byte of mostly ASCII text."""
    sample = head[:2000]
    if len(sample) < 8:
        return False
    for zeros, chars in ((sample[1::2], sample[0::2]), (sample[0::2], sample[1::2])):  # little-, big-endian
        if zeros.count(0) >= 0.9 * len(zeros) and chars.count(0) <= 0.1 * len(chars):
            return True
    return False


def _first_lines(path: Path) -> tuple[list[str], bool, int]:
    """(non-blank lines from the start of the file, each read whole up to the JSONL line limit; whether line 1
    was over that limit; the file's line number of the first of them). A first record longer than any fixed
    prefix (a long article) is still read whole."""
    from annotator.io.articles import MAX_LINE_BYTES

    lines: list[str] = []
    read = 0
    first_number = 1
    with open(path, "rb") as handle:
        while len(lines) < LOOK_AHEAD_LINES:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                return lines, not lines, first_number
            if not lines:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            elif read > LOOK_AHEAD_BYTES:
                break
            else:
                read += len(raw)
            line = raw.decode("utf-8", errors="replace")
            if line.strip():
                lines.append(line)
            elif not lines:
                first_number += 1
    return lines, False, first_number


def _json_array(path: Path) -> str:
    try:
        value = loads_strict(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except JSONRejected as error:
        raise refuse(path, f"a JSON array that does not parse ({error})") from None
    if not isinstance(value, list) or not value:
        raise refuse(path, "an empty JSON array" if value == [] else "JSON that is not an array of tasks")
    first = value[0]
    if isinstance(first, dict) and isinstance(first.get("data"), dict):
        data = first["data"]
        if not any(isinstance(v, str) and k not in LABEL_STUDIO_MEDIA for k, v in data.items()):
            kinds = sorted(k for k in data if k in LABEL_STUDIO_MEDIA) or sorted(data)
            raise refuse(path, f"a Label Studio export of {'/'.join(kinds) or 'empty'} tasks: no text to annotate")
        return "labelstudio"
    from annotator.io.labelstudio import is_json_min

    if is_json_min(first):
        return "labelstudio"  # Label Studio's JSON-MIN export
    if isinstance(first, dict) and "text" in first:
        raise refuse(path, "a JSON array of text records (write one JSON object a line: JSONL)")
    raise refuse(path, f"a JSON array of {type(first).__name__ if not isinstance(first, dict) else 'objects with keys ' + ', '.join(list(first)[:6])}")


def _jsonl(path: Path) -> str:
    lines, too_long, first_number = _first_lines(path)
    if too_long:
        raise refuse(path, "JSON lines whose first line is longer than the line limit")
    first_line = lines[0]
    try:
        record = loads_strict(first_line)
    except JSONRejected as error:
        if not isinstance(error, InvalidJSON):  # NaN, 1e999, deep nesting, a huge integer: JSON lines annotator
            # refuses, blamed on their line as every reader does (README audit s4 #7), not a format guess
            raise InputError(path, first_number, str(error)) from None
        try:  # one JSON object over several lines: Label Studio JSON-MIN of one task, or a pretty-printed record
            value = loads_strict(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
        except (JSONRejected, OSError):
            raise refuse(path, f"JSON lines, but line 1 does not parse ({error})") from None
        if isinstance(value, dict) and isinstance(value.get("data"), dict):
            return "labelstudio"  # one Label Studio task (Label Studio imports a single task object too)
        raise refuse(path, f"one JSON object over several lines (keys: {', '.join(list(value)[:6]) if isinstance(value, dict) else '?'}); "
                           "annotator reads one JSON object a line (JSONL)")
    if not isinstance(record, dict):
        raise refuse(path, "JSON lines that are not objects")
    if len(lines) == 1 and isinstance(record.get("data"), dict) and "text" not in record:
        return "labelstudio"  # one Label Studio task on one line: the file is one JSON object, as Label Studio imports
    for line in lines[1:200]:  # texts without annotations say nothing of the format: the first answer decides
        if "text" not in record or any(key in record for key in ANSWER_KEYS):
            break
        try:
            later = loads_strict(line)
        except JSONRejected:
            break
        if isinstance(later, dict):
            record = later
    return format_of_record(path, record)


def format_of_record(path: Path, record: dict[str, Any]) -> str:
    """Which JSONL flavour a first record is (the rest of the file is read the same way)."""
    if "text" not in record and isinstance(record.get("data"), str):
        return "doccano"  # doccano 1.5 wrote the text under "data" (doccano issue #1522)
    if "data" in record and ("annotations" in record or "predictions" in record or "text" not in record):
        data = record.get("data")
        if isinstance(data, dict) and any(isinstance(v, str) for v in data.values()):
            raise refuse(path, "Label Studio tasks written one a line; export them from Label Studio as JSON "
                               "(a JSON array)")
        raise refuse(path, "a Label Studio task without text")
    if "text" not in record:
        keys = ", ".join(list(record)[:8]) or "none"
        return "doccano" if DOCCANO_KEYS & record.keys() else "prodigy" if PRODIGY_KEYS & record.keys() else _no_text(path, keys)
    if "quotes" in record:
        return "jsonl"
    if isinstance(record.get("label"), str):
        # A string label is a Prodigy textcat task (textcat.teach / mark; Prodigy docs, "Annotation task
        # formats"); doccano writes its categories as a list (`"label": ["negative"]`, doccano docs, "Dataset").
        # doccano's own import would take a string as one category: `--format doccano` reads it that way.
        return "prodigy"
    if isinstance(record.get("cats"), list) and not isinstance(record.get("label"), str):
        return "doccano"  # doccano's intent-and-slot layout: categories as a list (spaCy's cats are an object)
    if DOCCANO_KEYS & record.keys() and not (PRODIGY_KEYS & record.keys()):
        return "doccano"
    return "prodigy"


def _no_text(path: Path, keys: str) -> str:
    raise refuse(path, f'JSON lines without "text" (keys of line 1: {keys})')


def _line_format(path: Path, text: str) -> str:
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    if lines and lines[0].split()[0] == "-DOCSTART-":
        return "conll"
    rows = [line.split() for line in lines if not line.startswith("-DOCSTART-")]
    rows = [r for r in rows if not (r[0] == "#" and not IOB_TAG.match(r[-1]))]  # comment lines
    if rows and all(len(r) >= 2 for r in rows) and sum(bool(IOB_TAG.match(r[-1])) for r in rows) >= 0.9 * len(rows):
        return "conll"  # a line with another number of columns is refused by the reader, with its line
    if is_conllu(lines):
        raise refuse(path, "CoNLL-U (Universal Dependencies: ten columns, ID FORM LEMMA UPOS XPOS FEATS HEAD "
                           "DEPREL DEPS MISC), which has no NER tag column; for NER give CoNLL-2003 / IOB (the tag "
                           "in the last column)")
    from annotator.io.conll import is_pipe_iob

    if is_pipe_iob(lines):
        return "iob"  # spaCy's own `word|TAG` IOB (`spacy convert --converter iob`)
    try:
        header = next(csv.reader(io.StringIO(lines[0])))
    except (csv.Error, StopIteration):
        header = []
    names = [h.strip().lower() for h in header]
    if "text" in names and ("label" in names or "labels" in names) and len(names) >= 2:
        return "doccano-csv"
    if len(names) >= 2 and "," in lines[0]:
        raise refuse(path, f"a CSV without text and label columns (columns: {', '.join(header[:8])})")
    if rows and all(len(r) >= 2 for r in rows[:50]) and any(IOB_TAG.match(r[-1]) for r in rows):
        raise refuse(path, "token lines, but not every line ends in an IOB tag (B-X, I-X, O)")
    if re.match(r"^T\d+\t", text):
        raise refuse(path, "a brat .ann file: import it as a .txt/.ann pair (the .txt beside it) or its folder")
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        columns = [c.strip().strip('"').lower() for c in lines[0].split(separator)] if lines else []
        if len(columns) >= 2 and "text" in columns:
            raise refuse(path, f"a table separated by {name} (columns: {', '.join(columns[:8])}); doccano's "
                               "text-classification CSV is comma-separated with text and label columns")
    return _plain(path)


CONLLU_ID = re.compile(r"^\d+(?:[-.]\d+)?$")


def is_conllu(lines: list[str]) -> bool:
    """CoNLL-U (universaldependencies.org/format.html): token lines of exactly ten tab-separated fields whose
    first is a word index (`1`, a multiword range `1-2`, an empty node `1.1`), `#` comment lines between."""
    rows = [line.rstrip("\r\n").split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return bool(rows) and all(len(r) == 10 and CONLLU_ID.match(r[0]) for r in rows[:50])


def _plain(path: Path) -> str:
    raise refuse(path, "plain text (to bring in articles without annotations, use `annotator ingest`)")
