"""Read plain articles to ingest or extract: `.txt` files (or folders of them) and `.jsonl` records.

Readers stream: one record in memory at a time. Bad input raises `InputError` naming the file and line.
A `.txt` file's title is its first line that is not web boilerplate (core/boilerplate.py). A `.jsonl` record is `{"text", "id"?, "meta"?, "title"?}`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.boilerplate import headline_range, is_boilerplate_line

_TITLE_WINDOW = 20_000
"""Code points at the start of a text searched for its headline (boilerplate lines above it included)."""
from annotator.core.errors import InputError  # noqa: F401 - re-exported: readers and callers import it from here
from annotator.core.model import Document, Extraction, SourceRecord  # noqa: F401 - re-exported
from annotator.core.ingest import too_long_for_extraction
from annotator.core.spans import any_visible
from annotator.core.store import is_database_file
from annotator.core.strict_json import JSONRejected, loads_strict

MAX_LINE_BYTES = 64 * 1024 * 1024
"""A single JSONL line (one article) larger than this is refused, so one bad line cannot exhaust memory."""

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
DATA_SUFFIXES = {
    ".json": "a JSON document, not JSON Lines: put one record a line in a .jsonl file (from an array: "
             "jq -c '.[]' FILE > FILE.jsonl)",
    ".csv": "a CSV table, not an article: give .jsonl records ({\"text\": ...}) or .txt files",
    ".tsv": "a TSV table, not an article: give .jsonl records ({\"text\": ...}) or .txt files",
}
"""Files named explicitly that would otherwise be read as one plain-text article: refused with what to give."""


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to read, in a stable order: folders are walked for .txt files (name .jsonl files explicitly, so
    a folder's other data, such as gold quotes, is never taken for articles)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            )
        elif path.is_file():
            found.append(path)
        elif path.exists():  # (a link to a device such as /dev/zero exists: it is no broken link)
            raise InputError(path, None, "is not a regular file (a FIFO, device or socket); name a .txt or "
                                         ".jsonl file or a folder")
        elif path.is_symlink():
            raise InputError(path, None, "is a broken symbolic link (the file it points to does not exist)")
        else:
            raise InputError(path, None, "no such file or folder")
    return found


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


_NON_SPACE = re.compile(r"\S")
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # what str.splitlines() splits on


def title_of(text: str, limit: int = 300) -> str:
    """The headline: the first non-blank line that is not web boilerplate ("Accessibility links", "Skip to
    content", … see :mod:`annotator.core.boilerplate`) nor section navigation ("News", "UK"), stripped, at most `limit` characters. Scans without
    copying the text (a 50 MB one-line article must not be split or stripped whole just to find its title)."""
    found = headline_range(text[:_TITLE_WINDOW])  # navigation runs need their neighbours: judge the first lines
    if found is not None:
        head = _LINE_BREAK.split(text[found[0]:found[1]].strip(), 1)[0].strip()  # any break splitlines() knows
        if head:
            return head[:limit]
    pos, first_line = 0, None
    for _ in range(200):  # boilerplate lines skipped at most
        first = _NON_SPACE.search(text, pos)
        if first is None:
            break
        start = first.start()
        brk = _LINE_BREAK.search(text, start)
        end = brk.start() if brk else len(text)
        head = text[start : min(end, start + limit)]
        if not (end > start + limit and _NON_SPACE.search(text, start + limit, end)):
            head = head.rstrip()
        if first_line is None:
            first_line = head
        if end > start + limit or not is_boilerplate_line(head):
            return head
        pos = end
    return first_line or ""


def read_text_file(path: Path) -> SourceRecord:
    try:
        text = strip_bom(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(path, line, f"not UTF-8 (byte {exc.start}: {exc.reason})") from None
    if not text.strip():
        raise InputError(path, None, "empty text")
    if not any_visible(text):  # zero-width spaces, fillers…: as blank as spaces (issue 17)
        raise InputError(path, None, "no visible character (only invisible characters such as zero-width spaces)")
    doc = Document(text=text, title=title_of(text), source=path.name, meta={"file": path.name})
    return SourceRecord(doc, str(path), None, doc.meta)


def iter_jsonl_lines(path: Path) -> Iterator[tuple[int, str | InputError]]:
    """(line number, decoded line) for each non-blank line, streamed. A line that is not UTF-8 or is over the
    size limit comes as an `InputError` in place of its text, so a caller can stop or skip just that line."""
    with open(path, "rb") as handle:
        number = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the oversized line
                    raw = handle.readline(MAX_LINE_BYTES)
                yield number, InputError(path, number, f"line longer than the limit of {_size(MAX_LINE_BYTES)}")
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, InputError(path, number, f"not UTF-8 (byte {exc.start} of the line: {exc.reason})")
                continue
            del raw  # a huge line is held once (as text), not twice, while the caller parses it
            if line and not line.isspace():  # not line.strip(): that would copy a huge line
                yield number, line


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit} bytes"


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unpaired_surrogate(value: Any, where: str = "record") -> str | None:
    """Where a JSON value holds an unpaired surrogate (`"\\ud800"` is valid JSON but not Unicode text:
    SQLite and UTF-8 files cannot store it), or None."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        return f"{where} has an unpaired surrogate \\u{ord(found.group()):04x} at character {found.start()}" if found else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        label = f"key {key!r}" if isinstance(key, str) and _SURROGATE.search(key) else None
        if label:
            return f"{where} has an unpaired surrogate in {label}"
        found = _unpaired_surrogate(item, f'"{key}"' if where == "record" else f"{where}[{key!r}]")
        if found:
            return found
    return None


def parse_json_object(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        record = loads_strict(line)  # NaN/Infinity, deep nesting, huge integers: one reason, never a traceback
    except JSONRejected as exc:
        raise InputError(path, number, str(exc)) from None
    if not isinstance(record, dict):
        raise InputError(path, number, f"expected a JSON object, got {type(record).__name__}")
    if _SURROGATE_ESCAPE.search(line):  # cheap test first: only escaped surrogates can produce one
        bad = _unpaired_surrogate(record)
        if bad:
            raise InputError(path, number, f"{bad} (not valid Unicode text)")
    return record


def article_from_record(path: Path, number: int, record: dict[str, Any]) -> SourceRecord:
    text = record.get("text")
    if text is None:
        raise InputError(path, number, 'record has no "text"')
    if not isinstance(text, str):
        raise InputError(path, number, f'"text" must be a string, got {type(text).__name__}')
    if not text or text.isspace():  # not text.strip(): that would copy a huge text
        raise InputError(path, number, '"text" is empty')
    if not any_visible(text):
        raise InputError(path, number, '"text" has no visible character (only invisible characters)')
    meta = record.get("meta", {})
    if not isinstance(meta, dict):
        raise InputError(path, number, f'"meta" must be an object, got {type(meta).__name__}')
    meta = dict(meta)
    if "id" in record:
        meta.setdefault("id", record["id"])
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise InputError(path, number, f'"title" must be a string, got {type(title).__name__}')
    text = strip_bom(text)
    doc = Document(
        text=text,
        title=title or str(meta.get("title") or "") or title_of(text),
        source=str(meta.get("source") or path.name),
        meta=meta,
    )
    return SourceRecord(doc, str(path), number, meta)


def read_jsonl(path: Path, *, on_error=None) -> Iterator[SourceRecord]:
    for number, line in iter_jsonl_lines(path):
        try:
            if isinstance(line, InputError):
                raise line
            record = parse_json_object(path, number, line)
            article = article_from_record(path, number, record)
            if "spans" in record or "quotes" in record:
                article.extraction = _pre_extraction(path, number, record["text"], article.document.text, record)
            yield article
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)


def _pre_extraction(path: Path, number: int, text: str, stored: str, record: dict[str, Any]) -> Extraction | None:
    """The record's pre-extraction (see io/records.carries_pre_extraction), checked on the record's own `text`
    and, when that text starts with a byte order mark (which ingest strips: `stored`), moved past it by the
    import's own `io/text_bom.strip_leading_bom`, so both commands read a record the same way (README audit s4 #3);
    imported here because io/records builds on this module."""
    from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet
    from annotator.io.records import Where, carries_pre_extraction, pre_extraction
    from annotator.io.text_bom import strip_leading_bom

    if not carries_pre_extraction(record):
        return None
    extraction = pre_extraction(Where(path, number), text, record)
    if text != stored:  # only a leading BOM differs (article_from_record strips nothing else)
        moved = AnnotationSet(doc_id=0, annotator=MODEL_ANNOTATOR, entities=extraction.entities, quotes=extraction.quotes)
        strip_leading_bom(str(path), number, text, moved)  # shifts the same Entity and Quote objects in place
    return extraction


def read_articles(paths: Iterable[str | os.PathLike], *, on_error=None) -> Iterator[SourceRecord]:
    """Stream articles from files and folders. With `on_error`, bad records are passed to it and skipped;
    without it the first bad record raises `InputError`."""
    for path in expand_paths(paths):
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from read_jsonl(path, on_error=on_error)
            continue
        try:
            if path.suffix.lower() in DATA_SUFFIXES:
                raise InputError(path, None, f"is {DATA_SUFFIXES[path.suffix.lower()]}")
            yield read_text_file(path)
        except InputError as error:
            if on_error is None:
                raise
            on_error(error)


def checked_articles(paths: Iterable, *, extract: bool, on_error: Callable[[InputError], None] | None = None,
                     database: str | os.PathLike | None = None) -> Iterable[SourceRecord]:
    """`read_articles(paths)` plus the ingest's own checks (an article too long to pre-extract, when `extract`).
    Without `on_error` the first bad record raises InputError; with it, bad records go to it and are skipped.
    Both passes of an ingest (checking, then writing) read through this, so they agree on what is skipped.
    With `database`, an input that is that database's file (or -wal/-shm) is refused before any file is read."""
    paths = list(paths)
    if database is not None:
        for path in expand_paths(paths):
            if is_database_file(path, database):
                raise InputError(path, None, "is the annotator database itself (or its -wal/-shm), not articles")
    for record in read_articles(paths, on_error=on_error):
        # a record carrying its pre-extraction (annotator extract output) is not extracted again: any length
        error = too_long_for_extraction(record) if extract and record.extraction is None else None
        if error is None:
            yield record
        elif on_error is None:
            raise error
        else:
            on_error(error)
