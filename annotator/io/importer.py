"""Import annotations from annotator JSONL, Prodigy or doccano files: all or nothing, idempotent, streamed.

Pass 1 reads the file record by record and validates everything (nothing is written; the first bad record
raises `InputError("path:line: reason")`). Pass 2 reads it again and writes in ONE transaction, so a failure
(or a cancel) leaves the database as it was. Neither pass holds more than one record in memory; the set of
(document, annotator) pairs already written, used to refuse a second record for the same pair, lives in a
temporary SQLite table. Documents are matched by text (content hash) and created when missing; an annotation
set equal to the stored one is not rewritten, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import Document, TargetKind, content_hash
from annotator.core.store import Store
from annotator.io.articles import InputError, iter_jsonl_lines, parse_json_object, title_of
from annotator.io.doccano import looks_like_doccano, parse_doccano_record
from annotator.io.records import ImportedSet, Where, apply_defaults, comparable, parse_prodigy_record

IMPORT_FORMATS = ("auto", "jsonl", "prodigy", "doccano")


class ImportCancelled(RuntimeError):
    """The user cancelled; nothing was written."""


@dataclass(slots=True)
class ImportReport:
    path: str = ""
    format: str = ""
    records: int = 0
    sets_written: int = 0
    sets_unchanged: int = 0
    documents_created: int = 0
    annotators: set[str] = field(default_factory=set)

    def summary(self) -> str:
        who = ", ".join(sorted(self.annotators)) or "-"
        return (
            f"{self.records} records ({self.format}): {self.sets_written} annotation sets written, "
            f"{self.sets_unchanged} unchanged, {self.documents_created} documents created; annotators: {who}"
        )


def records_of(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, JSON object) for each non-blank line; bad UTF-8 or JSON raises InputError with the line."""
    for number, line in iter_jsonl_lines(path):
        if isinstance(line, InputError):
            raise line
        yield number, parse_json_object(path, number, line)


def detect_format(path: str | os.PathLike) -> str:
    """'doccano' or 'prodigy' (annotator JSONL reads as Prodigy: it is a Prodigy task plus quotes), from the
    first record."""
    path = Path(path)
    for _number, record in records_of(path):
        if looks_like_doccano(record):
            return "doccano"
        if "quotes" in record:
            return "jsonl"
        return "prodigy"
    raise InputError(path, None, "no records in the file")


def parse_record(fmt: str, where: Where, record: dict[str, Any]) -> list[ImportedSet]:
    if fmt == "doccano":
        return parse_doccano_record(where, record)
    return parse_prodigy_record(where, record)


def iter_imported(path: Path, fmt: str) -> Iterator[ImportedSet]:
    for number, record in records_of(path):
        yield from parse_record(fmt, Where(path, number), record)


def validate_file(
    path: str | os.PathLike,
    fmt: str = "auto",
    *,
    on_progress: Callable[[int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> tuple[str, int]:
    """Pass 1: (format, number of records). Raises InputError on the first bad record."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "no such file")
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    fmt = detect_format(path) if fmt == "auto" else fmt
    count = 0
    for number, record in records_of(path):
        parse_record(fmt, Where(path, number), record)
        count += 1
        if on_progress and count % 500 == 0:
            on_progress(count)
        if should_cancel and count % 500 == 0 and should_cancel():
            raise ImportCancelled("import cancelled; nothing was written")
    if count == 0:
        raise InputError(path, None, "no records in the file")
    return fmt, count


def import_file(
    store: Store,
    path: str | os.PathLike,
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> ImportReport:
    """Validate the whole file, then write it in one transaction. `on_progress(phase, done, total)` with
    phase "checking" or "importing"; `should_cancel()` is polled and rolls everything back."""
    path = Path(path)
    checking = (lambda n: on_progress("checking", n, 0)) if on_progress else None
    fmt, total = validate_file(path, fmt, on_progress=checking, should_cancel=should_cancel)
    default_annotator = (annotator or "").strip() or path.stem
    report = ImportReport(path=str(path), format=fmt, records=total)
    known_tags = {scope: set(store.tag_set(scope)) for scope in ("document", "span")}
    with store.transaction():
        store.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_seen (doc_id INTEGER, annotator TEXT, line INTEGER, "
            "PRIMARY KEY (doc_id, annotator))"
        )
        store.conn.execute("DELETE FROM temp.import_seen")
        try:
            done_records = 0
            last_line = None
            for imported in iter_imported(path, fmt):
                if imported.line != last_line:
                    last_line = imported.line
                    done_records += 1
                    if done_records % 200 == 0:
                        if should_cancel and should_cancel():
                            raise ImportCancelled("import cancelled; nothing was written")
                        if on_progress:
                            on_progress("importing", done_records, total)
                write_set(store, path, imported, default_annotator, report, known_tags)
            if on_progress:
                on_progress("importing", total, total)
        finally:
            store.conn.execute("DROP TABLE IF EXISTS temp.import_seen")
    return report


def write_set(
    store: Store,
    path: Path,
    imported: ImportedSet,
    default_annotator: str,
    report: ImportReport,
    known_tags: dict[str, set[str]],
) -> None:
    aset = apply_defaults(imported, default_annotator)
    text_hash = content_hash(imported.text)
    doc_id = store.document_id_by_hash(text_hash)
    if doc_id is None:
        meta = imported.meta
        doc = Document(
            text=imported.text,
            title=str(meta.get("title") or "") or title_of(imported.text),
            source=str(meta.get("source") or path.name),
            meta=meta,
            hash=text_hash,
        )
        doc_id, created = store.add_document(doc)
        report.documents_created += created
    aset.doc_id = doc_id
    first = store.conn.execute(
        "SELECT line FROM temp.import_seen WHERE doc_id = ? AND annotator = ?", (doc_id, aset.annotator)
    ).fetchone()
    if first is not None:
        raise InputError(
            path,
            imported.line,
            f"a second record for the same text and annotator {aset.annotator!r} (first at line {first[0]}); "
            "annotator keeps one record per document and annotator",
        )
    store.conn.execute(
        "INSERT INTO temp.import_seen(doc_id, annotator, line) VALUES (?, ?, ?)", (doc_id, aset.annotator, imported.line)
    )
    report.annotators.add(aset.annotator)
    for tag in aset.tags:
        scope = "document" if tag.target_kind is TargetKind.DOCUMENT else "span"
        if tag.tag not in known_tags[scope]:
            store.add_to_tag_set(tag.tag, scope)
            known_tags[scope].add(tag.tag)
    existing = store.annotation_set(doc_id, aset.annotator)
    if existing is not None and comparable(existing) == comparable(aset):
        report.sets_unchanged += 1
        return
    store.replace_annotation_set(aset)
    report.sets_written += 1
