"""Import annotations from annotator JSONL, Prodigy or doccano files: all or nothing, idempotent, streamed.

ONE pass in ONE transaction: records are read, validated and written a batch at a time (`BATCH` records, so
memory stays flat), with a few bulk statements a batch (`Store.add_documents`, `Store.write_annotation_sets`).
The first bad record raises `InputError("path:line: reason")` and the transaction rolls back, so a failure (or
a cancel) leaves the database as it was. The (document, annotator) pairs already imported, used to refuse a
second record for the same pair, live in a temporary SQLite table. Documents are matched by NFC text (content
hash) and created when missing; a record whose text is stored in another normalisation form has its offsets
mapped onto the stored text (`normalise.OffsetMap`); an annotation set equal to the stored one is not rewritten, so importing the same
file twice changes nothing. Progress counts characters read against the file's size.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import Cancelled
from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Status, TargetKind, content_hash
from annotator.core.names import name_problem, shown
from annotator.core.normalise import OffsetMap
from annotator.core.spans import describe_blank, has_blank_edge, has_visible_character
from annotator.core.store import Store, is_database_file
from annotator.io.articles import InputError, iter_jsonl_lines, parse_json_object, title_of
from annotator.io.doccano import looks_like_doccano, parse_doccano_record
from annotator.io.records import ImportedSet, Where, apply_defaults, comparable, parse_prodigy_record

IMPORT_FORMATS = ("auto", "jsonl", "prodigy", "doccano")
RESERVED_ANNOTATORS = (MODEL_ANNOTATOR, "gold")
"""Names an import never writes to: `model` holds the pre-extraction (an import would replace it) and `gold` the
review's adjudicated sets (written only by review). Records naming one are imported as `<name>@<file stem>`,
the way `annotator attach` renames a clashing annotator, and the report says so; `--annotator model` is refused."""
BATCH = 500
"""Records read, validated and written together (memory is bounded by this, not by the file)."""


class ImportCancelled(Cancelled):
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
    renamed: dict[str, str] = field(default_factory=dict)
    """Reserved annotator names met in the file -> the name they were imported under."""
    blank_edges: list[str] = field(default_factory=list)
    """"path:line: entity start-end LABEL …" for entities that start or end in whitespace (kept, flagged)."""

    def summary(self) -> str:
        who = ", ".join(sorted(self.annotators)) or "-"
        text = (
            f"{self.records} records ({self.format}): {self.sets_written} annotation sets written, "
            f"{self.sets_unchanged} unchanged, {self.documents_created} documents created; annotators: {who}"
        )
        for old, new in sorted(self.renamed.items()):
            text += f"; {old!r} is reserved, imported as {new!r}"
        if self.blank_edges:
            text += f"; {len(self.blank_edges)} spans start or end in whitespace (kept as given, listed above)"
        return text


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


def import_file(
    store: Store,
    path: str | os.PathLike,
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> ImportReport:
    """Read, check and write the file in one pass and one transaction. `on_progress("importing", done, total)`:
    characters read so far and the file's size in bytes (equal for ASCII; the last call has done == total).
    `should_cancel()` is polled once a batch and rolls everything back (ImportCancelled)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "is not a regular file (a folder, device or pipe)" if path.exists() else "no such file")
    if is_database_file(path, store.path):  # reading it here would drop SQLite's locks on it
        raise InputError(path, None, "is the annotator database itself (or its -wal/-shm), not annotations")
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if annotator and (problem := name_problem(annotator)):
        raise InputError(path, None, f'the annotator name "{shown(annotator)}" {problem}')
    if (annotator or "").strip() in RESERVED_ANNOTATORS:
        raise InputError(path, None, f"the annotator name {annotator.strip()!r} is reserved (model: the "
                         "pre-extraction; gold: review); choose another --annotator")
    fmt = detect_format(path) if fmt == "auto" else fmt
    total = path.stat().st_size
    report = ImportReport(path=str(path), format=fmt)
    writer = BatchWriter(store, path, (annotator or "").strip() or path.stem, report)
    with store.transaction(), store.import_scratch():
        done = 0
        batch: list[ImportedSet] = []
        for number, line in iter_jsonl_lines(path):
            try:
                if isinstance(line, InputError):
                    raise line
                done += len(line)
                batch.extend(parse_record(fmt, Where(path, number), parse_json_object(path, number, line)))
            except InputError:
                writer.flush(batch)  # an earlier record of the batch may be the first bad one (a repeat)
                raise
            report.records += 1
            if report.records % BATCH == 0:
                writer.flush(batch)
                batch = []
                if should_cancel and should_cancel():
                    raise ImportCancelled("import cancelled; nothing was written")
                if on_progress:
                    on_progress("importing", min(done, total), total)
        writer.flush(batch)
        if report.records == 0:
            raise InputError(path, None, "no records in the file")
        if should_cancel and should_cancel():
            raise ImportCancelled("import cancelled; nothing was written")
    if on_progress:
        on_progress("importing", total, total)
    return report


class BatchWriter:
    """Writes batches of parsed sets inside the import's transaction: documents in bulk, a repeated
    (document, annotator) pair refused with both lines, sets equal to the stored ones skipped, the rest in bulk."""

    def __init__(self, store: Store, path: Path, default_annotator: str, report: ImportReport):
        self.store = store
        self.path = path
        self.default_annotator = default_annotator
        self.report = report
        self.known_tags = {scope: set(store.tag_set(scope)) for scope in ("document", "span")}
        self.checked_names: set[str] = set()

    def flush(self, batch: list[ImportedSet]) -> None:
        if not batch:
            return
        store, report = self.store, self.report
        docs = []
        for imported in batch:
            meta = imported.meta
            docs.append(Document(
                text=imported.text,
                title=str(meta.get("title") or "") or title_of(imported.text),
                source=str(meta.get("source") or self.path.name),
                meta=meta,
                hash=content_hash(imported.text),
            ))
        added = store.add_documents(docs)
        report.documents_created += sum(created for _, created in added)
        sets: list[tuple[ImportedSet, AnnotationSet]] = []
        for imported, (doc_id, created) in zip(batch, added):
            aset = apply_defaults(imported, self.default_annotator)
            if aset.annotator not in self.checked_names:  # one line of visible text, like labels (issue 17)
                if problem := name_problem(aset.annotator):
                    raise InputError(self.path, imported.line, f'annotator name "{shown(aset.annotator)}" {problem}')
                self.checked_names.add(aset.annotator)
            if aset.annotator in RESERVED_ANNOTATORS:  # never overwrite the pre-extraction or review's gold
                renamed = f"{aset.annotator}@{self.path.stem}"
                report.renamed[aset.annotator] = renamed
                aset.annotator = renamed
            aset.doc_id = doc_id
            self._check_entities(imported, aset)
            if aset.annotator == MODEL_ANNOTATOR:
                aset.status = Status.NEW  # the pre-extraction has no workflow status (issue 17)
            if not created and not imported.text.isascii():
                self._onto_stored_text(imported, aset)
            sets.append((imported, aset))
        stored = self._stored_pairs(sets)
        first_line: dict[tuple[int, str], int] = {}
        to_write: list[AnnotationSet] = []
        for imported, aset in sets:
            key = (aset.doc_id, aset.annotator)
            first = first_line.get(key)
            if first is None and key in stored:
                first = store.first_import_line(*key)
            if first is not None:
                raise InputError(
                    self.path,
                    imported.line,
                    f"a second record for the same text and annotator {aset.annotator!r} (first at line {first}); "
                    "annotator keeps one record per document and annotator",
                )
            first_line[key] = imported.line
            report.annotators.add(aset.annotator)
            self._add_tags(aset)
            if key in stored:
                existing = store.annotation_set(aset.doc_id, aset.annotator)
                if existing is not None and comparable(existing) == comparable(aset):
                    report.sets_unchanged += 1
                    continue
            to_write.append(aset)
        report.sets_written += store.write_annotation_sets(to_write)
        store.remember_import_lines(first_line)

    def _check_entities(self, imported: ImportedSet, aset: AnnotationSet) -> None:
        """Refuse an entity with no visible character, or a label or tag name holding a control character;
        list an entity that starts or ends in whitespace (issue 17).
        Offsets are the record's own (`imported.text`), checked before any mapping onto a stored text."""
        text = imported.text
        checked = self.checked_names  # labels and tags repeat: each name is checked once an import
        for tag in aset.tags:
            if tag.tag not in checked:
                if problem := name_problem(tag.tag):
                    raise InputError(self.path, imported.line, f'tag "{shown(tag.tag)}" {problem}')
                checked.add(tag.tag)
        for entity in aset.entities:
            label, start, end = entity.label, entity.start, entity.end
            if label not in checked:
                if problem := name_problem(label):
                    raise InputError(self.path, imported.line, f'label "{shown(label)}" {problem}')
                checked.add(label)
            first, last = text[start], text[end - 1]
            if first.isascii() and last.isascii() and first.isalnum() and last.isalnum():  # fast path
                continue
            self._check_span(imported, "entity", start, end, label)
        for quote in aset.quotes:  # quotes, speakers and cues follow the entity rule (issue 17)
            self._check_span(imported, "quote", quote.start, quote.end)
            if quote.speaker:
                self._check_span(imported, "speaker", quote.speaker.start, quote.speaker.end)
            if quote.cue:
                self._check_span(imported, "cue", quote.cue.start, quote.cue.end)

    def _check_span(self, imported: ImportedSet, what: str, start: int, end: int, label: str = "") -> None:
        """Refuse a span with no visible character (file:line); list one that starts or ends in whitespace."""
        text = imported.text
        if not has_visible_character(text, start, end):
            raise InputError(self.path, imported.line, f"{what} {label}".rstrip() + f": {describe_blank(text, start, end)}")
        if has_blank_edge(text, start, end):
            named = f"{what} {start}-{end} {label}".rstrip()
            self.report.blank_edges.append(
                f"{self.path}:{imported.line}: {named} {text[start:end]!r} starts or ends in whitespace"
            )

    def _onto_stored_text(self, imported: ImportedSet, aset: AnnotationSet) -> None:
        """The record's text equals a stored document's under NFC (same content hash) but may be composed
        differently (NFD from macOS): map its offsets onto the stored text, or refuse the record saying why."""
        stored = self.store.document(aset.doc_id).text
        if stored == imported.text:
            return
        try:
            OffsetMap(imported.text, stored).annotation_set(aset)
        except ValueError as error:
            raise InputError(
                self.path,
                imported.line,
                f"the text is document {aset.doc_id}'s in another Unicode normalisation form and the annotations "
                f"cannot be placed on it ({error})",
            ) from None

    def _stored_pairs(self, sets: list[tuple[ImportedSet, AnnotationSet]]) -> set[tuple[int, str]]:
        """(document id, annotator name) of the batch that already have a set: from before the import or from
        an earlier batch. One query; on a first import it finds nothing."""
        return self.store.existing_sets(sorted({aset.doc_id for _, aset in sets}),
                                        sorted({aset.annotator for _, aset in sets}))

    def _add_tags(self, aset: AnnotationSet) -> None:
        """Tags an imported set uses join the tag set (inside the import's transaction)."""
        for tag in aset.tags:
            scope = "document" if tag.target_kind is TargetKind.DOCUMENT else "span"
            if tag.tag not in self.known_tags[scope]:
                self.store.add_to_tag_set(tag.tag, scope)  # a savepoint inside the import's transaction
                self.known_tags[scope].add(tag.tag)
