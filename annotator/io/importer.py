"""Import annotations from annotator JSONL, Prodigy, doccano (JSONL, CSV), CoNLL/IOB, brat or Label Studio:
all or nothing by default, idempotent, streamed.

ONE pass in ONE transaction: records are read, validated and written a batch at a time (`BATCH` records, so
memory stays flat), with a few bulk statements a batch (`Store.add_documents`, `Store.write_annotation_sets`).
The first bad record raises `InputError("path:line: reason")` and the transaction rolls back, so a failure (or
a cancel) leaves the database as it was; with `skip_invalid` a bad record is listed in the report and the rest
is imported. Documents are matched by text (content hash) and created when missing; an annotation set equal to
the stored one is not rewritten, so importing the same file twice changes nothing.

Several records for one (text, annotator) are not an error (FORMATS.md): Prodigy binary tasks are merged into
one set (`prodigy_answers`), an exact repeat counts once, and a different later answer is current with the
earlier kept in its `earlier_answers` (reported). A record with text only is a document to annotate (status
new), pre-annotated by `extract` when given, as `ingest` does. A record with spans but no `answer` is not an
annotation either (`records.record_status`, Prodigy's convention): a document to annotate whose spans become the
model's pre-annotation (status new), never a person's done set. Warnings (stale span text, repeated spans) are
listed with file:line in the report. Progress counts characters read against the file's size.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import Cancelled
from annotator.core.model import (
    MODEL_ANNOTATOR,
    AnnotationSet,
    Document,
    Extraction,
    Origin,
    Status,
    TargetKind,
    content_hash,
)
from annotator.core.names import name_problem, shown
from annotator.core.normalise import BOM, OffsetMap
from annotator.core.ingest import too_long_for_spacy
from annotator.core.input_files import check_input_file
from annotator.core.store import Store
from annotator.io.articles import InputError, iter_jsonl_lines, parse_json_object, title_of
from annotator.io.detect import FORMAT_NAMES, detect_format
from annotator.io.doccano import parse_doccano_record
from annotator.io.set_checks import check_set_content
from annotator.io.text_bom import strip_leading_bom
from annotator.io.prodigy_answers import (
    BINARY_KEY,
    BINARY_VIEWS,
    EARLIER_KEY,
    MANUAL_KEY,
    NESTED_KEYS,
    add_binary_answers,
    check_nested_answers,
    combine_manual_binary,
    is_binary_set,
    manual_base,
    takes_binary_answers,
    is_binary_task,
    merge_binary,
    parse_binary_task,
    same_answer,
    task_key,
)
from annotator.io.records import (
    ImportedSet,
    Where,
    apply_defaults,
    comparable,
    is_suggestion_record,
    parse_prodigy_record,
    record_from_set,
    record_meta,
    record_text,
    where_text,
)

IMPORT_FORMATS = ("auto", *FORMAT_NAMES)
RESERVED_ANNOTATORS = (MODEL_ANNOTATOR, "gold")
"""Names an import never writes to: `model` holds the pre-extraction (an import would replace it) and `gold` the
review's adjudicated sets (written only by review). Records naming one are imported as `<name>@<file stem>`,
the way `annotator attach` renames a clashing annotator, and the report says so; `--annotator model` is refused.
(A Label Studio prediction is imported as `model@<model_version>`, a Prodigy review's answer as
`gold@<reviewer>`: named for where they came from, never over the pre-extraction or review's gold.)"""
BATCH = 500
"""Records read, validated and written together (memory is bounded by this, not by the file)."""
ANNOTATION_KEYS = frozenset({
    "spans", "quotes", "tags", "answer", "relations", "label", "labels", "entities", "cats", "accept",
    "annotations", "versions", "_annotator_id", "_session_id", "user",
})
"""A JSONL record with none of these is text to annotate, not an answer."""

ExtractFn = Callable[[Sequence[str]], Iterable[Extraction]]


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
    documents_to_annotate: int = 0
    """Records with text only: documents with status new (no annotation set)."""
    pre_annotated: int = 0
    suggested: int = 0
    """Records without an answer: documents to annotate whose spans became the model's set (status new)."""
    undecided_reviews: int = 0
    """Prodigy review records without an answer: their versions imported as people's answers, no gold version."""
    suggestions_unused: list[str] = field(default_factory=list)
    """`path:line: ...` of suggestion records on a document whose pre-annotation differs (kept, not replaced)."""
    repeats: int = 0
    """Records (or binary tasks) that repeat an earlier one exactly: counted once."""
    annotators: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    """`path:line: reason` of what was imported with a correction (stale span text, a repeated span...)."""
    earlier_kept: list[str] = field(default_factory=list)
    """`path:line: ...` of answers replaced by a later answer of the same annotator (kept in earlier_answers)."""
    older_kept: int = 0
    """Of `earlier_kept`: answers read that are older (by _timestamp) than the current one, which stays."""
    skipped: list[str] = field(default_factory=list)
    """`path:line: reason` of records left out with `skip_invalid`."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Reserved annotator names met in the file -> the name they were imported under."""
    blank_edges: list[str] = field(default_factory=list)
    """"path:line: entity start-end LABEL …" for entities that start or end in whitespace (kept, flagged)."""
    predictions: int = 0
    """A model's predictions (Label Studio) imported as pre-annotations: status new, never a person's set."""
    notes: list[str] = field(default_factory=list)
    """How the file was read where it could be read two ways (e.g. UTF-16 offsets converted): one line each."""

    def summary(self) -> str:
        who = ", ".join(sorted(self.annotators)) or "-"
        line = (
            f"{self.records} records ({self.format}): {self.sets_written} annotation sets written, "
            f"{self.sets_unchanged} unchanged, {self.documents_created} documents created; annotators: {who}"
        )
        extras = []
        if self.predictions:
            extras.append(f"{self.predictions} model predictions imported as pre-annotations (status new, "
                          "never training data)")
        extras.extend(self.notes)
        if self.documents_to_annotate:
            extras.append(f"{self.documents_to_annotate} texts without annotations (status new"
                          + (f", {self.pre_annotated} pre-annotated)" if self.pre_annotated else ")"))
        if self.suggested:
            extras.append(f"{self.suggested} records without an answer: documents to annotate, their spans "
                          "imported as the pre-annotation (the model's set, status new), not as anyone's annotations"
                          + (f" ({len(self.suggestions_unused)} not used: the document already has another "
                             "pre-annotation)" if self.suggestions_unused else ""))
        if self.undecided_reviews:
            extras.append(f"{self.undecided_reviews} of them review records: their versions' answers imported as "
                          "each person's set; no reviewed (gold) version, as nobody decided one")
        if self.repeats:
            extras.append(f"{self.repeats} exact repeats counted once")
        if len(self.earlier_kept) > self.older_kept:
            extras.append(f"{len(self.earlier_kept) - self.older_kept} earlier answers replaced by a later one and "
                          f"kept (in {EARLIER_KEY})")
        if self.older_kept:  # the answer read is older (by _timestamp) than the current one: nothing replaced
            extras.append(f"{self.older_kept} answers older (by _timestamp) than the current answer of the same "
                          f"annotator: kept in {EARLIER_KEY}, the current answer stays")
        if self.warnings:
            extras.append(f"{len(self.warnings)} warnings")
        if self.skipped:
            extras.append(f"{len(self.skipped)} records skipped")
        for old, new in sorted(self.renamed.items()):
            extras.append(f"{old!r} is reserved, imported as {new!r}")
        if self.blank_edges:
            extras.append(f"{len(self.blank_edges)} spans start or end in whitespace (kept as given, listed above)")
        return line + ("; " + "; ".join(extras) if extras else "")

    def details(self) -> list[str]:
        """Every warning, replaced answer and skipped record, one line each (file:line first)."""
        return ([f"warning: {w}" for w in self.warnings] + [f"earlier answer kept: {e}" for e in self.earlier_kept]
                + [f"suggestions not used: {u}" for u in self.suggestions_unused]
                + [f"skipped: {s}" for s in self.skipped])


def records_of(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, JSON object) for each non-blank line; bad UTF-8 or JSON raises InputError with the line."""
    for number, line in iter_jsonl_lines(path):
        if isinstance(line, InputError):
            raise line
        yield number, parse_json_object(path, number, line)


def is_text_only(record: dict[str, Any]) -> bool:
    return not (ANNOTATION_KEYS & record.keys())


def is_textcat_question(record: dict[str, Any]) -> bool:
    """A Prodigy textcat input task (`{"text", "label": "POSITIVE"}`, what `textcat.teach` or `mark` shows):
    a string label and nothing that answers it (no `answer`, spans, choices, cats, tags or quotes)."""
    return isinstance(record.get("label"), str) and not (
        {"answer", "spans", "accept", "cats", "tags", "quotes", "versions"} & record.keys())


def parse_record(fmt: str, where: Where, record: dict[str, Any]) -> list[ImportedSet]:
    """One JSONL record (annotator, Prodigy or doccano) -> its sets; a text-only record -> a document to
    annotate (an ImportedSet without a set)."""
    if is_text_only(record):
        text = record_text(where, record)
        return [ImportedSet(text, record_meta(where, record), None, None, where.line)]
    if not NESTED_KEYS.isdisjoint(record):  # answers kept inside the record pass the same checks (s4 M10)
        check_nested_answers(where, record_text(where, record), record)
    if fmt == "doccano":
        if isinstance(record.get("spans"), list) and not any(k in record for k in ("label", "labels", "entities")):
            raise where.fail('a Prodigy record ("spans") in a file read as doccano (its first record decided); '
                             "import the two kinds from separate files")
        return parse_doccano_record(where, record)
    if "spans" not in record and (isinstance(record.get("entities"), list) or isinstance(record.get("labels"), list)
                                  or isinstance(record.get("label"), list)):
        raise where.fail(f'a doccano record ("{next(k for k in ("entities", "labels", "label") if k in record)}") in '
                         f"a file read as {fmt} (its first record decided); import the two kinds from separate files "
                         "or give --format doccano")
    if is_textcat_question(record):  # a suggested label nobody answered yet: a document to annotate
        where.warn('a Prodigy textcat task without "answer": its "label" is a suggestion, not an annotation; '
                   "imported as a document to annotate (to read it as a doccano category: --format doccano)")
        return [ImportedSet(record_text(where, record), record_meta(where, record), None, None, where.line)]
    if is_suggestion_record(where, record):  # no answer: not an annotation (records.record_status)
        found = parse_prodigy_record(where, record)
        found[0].suggested = True
        # A Prodigy `review` record nobody decided yet: only the reviewed (gold) answer is missing; each of its
        # `versions` carries its own answer and is that person's annotation (one without an answer is not).
        people = [one for one in found[1:] if one.aset.status in ANSWERED]
        if len(people) < len(found) - 1:
            where.warn(f"{len(found) - 1 - len(people)} review version(s) without an answer: not imported (not "
                       "an annotation)")
        return [found[0], *people]
    if is_binary_task(record):
        return [parse_binary_task(where, record, ("_annotator_id", "_session_id"))]
    return parse_prodigy_record(where, record)


ANSWERED = frozenset({Status.DONE, Status.REJECTED, Status.SKIPPED})
"""Statuses an `answer` gives (accept / reject / ignore)."""

Item = tuple[int | None, "list[ImportedSet] | InputError", int]
"""(line or None, the sets read or the error that record raised, characters read so far)."""


def iter_items(path: Path, fmt: str, notes: list[str], summary: list[str] | None = None, *,
               database: str | os.PathLike | None = None) -> Iterator[Item]:
    """What each record of the file holds, in file order, for any format. `notes` gets warnings
    (`path:line: reason`), `summary` lines for the import's summary (how the file was read, what a brat folder
    holds that is not imported). `database`: a brat folder's file that is this database is refused unread."""
    if fmt in ("jsonl", "prodigy", "doccano"):
        done = 0
        for number, line in iter_jsonl_lines(path):
            if isinstance(line, InputError):
                yield number, line, done
                continue
            done += len(line)
            try:
                where = Where(path, number, notes)
                yield number, parse_record(fmt, where, parse_json_object(path, number, line)), done
            except InputError as error:
                yield number, error, done
        return
    if fmt == "doccano-csv":
        from annotator.io.doccano_csv import iter_csv_sets

        yield from iter_csv_sets(path, notes)
    elif fmt in ("conll", "iob"):
        from annotator.io.conll import iter_conll_sets

        yield from iter_conll_sets(path, notes)
    elif fmt == "brat":
        from annotator.io.brat import iter_brat_sets

        yield from iter_brat_sets(path, notes, summary, database)
    elif fmt == "labelstudio":
        from annotator.io.labelstudio import iter_labelstudio_sets

        yield from iter_labelstudio_sets(path, notes, summary)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def iter_imported(path: Path, fmt: str) -> Iterator[ImportedSet]:
    for _line, found, _done in iter_items(Path(path), fmt, []):
        if isinstance(found, InputError):
            raise found
        yield from found


def file_size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size


def import_file(
    store: Store,
    path: str | os.PathLike,
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    skip_invalid: bool = False,
    extract: ExtractFn | None = None,
) -> ImportReport:
    """Read, check and write the file (a brat folder for `brat`) in one pass and one transaction.
    `on_progress("importing", done, total)`: characters read so far and the file's size in bytes (equal for
    ASCII; the last call has done == total). `should_cancel()` is polled once a batch and rolls everything back
    (ImportCancelled). `skip_invalid`: a bad record is listed in `report.skipped` instead of stopping the import.
    `extract(texts)`: pre-annotation (the model's set) for text-only records. Raises InputError (one line)."""
    path = Path(path)
    # by stat(2) only: the database itself (reading it here would drop SQLite's locks on it), a device or pipe
    check_input_file(path, store.path, folder_ok=True)  # (a brat folder is a folder; its files: brat.check_pair)
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if annotator and (problem := name_problem(annotator)):
        raise InputError(path, None, f'the annotator name "{shown(annotator)}" {problem}')
    if (annotator or "").strip() in RESERVED_ANNOTATORS:
        raise InputError(path, None, f"the annotator name {annotator.strip()!r} is reserved (model: the "
                         "pre-extraction; gold: review); choose another --annotator")
    fmt = detect_format(path) if fmt == "auto" else fmt
    total = file_size(path)
    report = ImportReport(path=str(path), format=fmt)
    if fmt == "conll" and path.is_file():  # one reader for both: the summary names the file's own kind
        from annotator.io.conll import flavour

        report.format = flavour(path)
    # a brat pair belongs to its collection (the folder): by file or by folder, the same annotator (attack 12 #37)
    default = path.resolve().parent.name if fmt == "brat" and path.is_file() else path.stem
    writer = BatchWriter(store, path, (annotator or "").strip() or default or path.stem, report, extract,
                         fmt=fmt, named=bool((annotator or "").strip()))
    with store.transaction(), store.import_scratch():
        done = 0
        batch: list[ImportedSet] = []
        for _line, found, done in iter_items(path, fmt, report.warnings, report.notes, database=store.path):
            if not isinstance(found, InputError):
                found = _refuse_too_long(path, found, pre_annotating=extract is not None)
            if isinstance(found, InputError):
                if not skip_invalid:
                    raise found
                report.skipped.append(str(found))
                continue
            batch.extend(found)
            report.records += 1
            if report.records % BATCH == 0:
                writer.flush(batch)
                batch = []
                if should_cancel and should_cancel():
                    raise ImportCancelled("import cancelled; nothing was written")
                if on_progress:
                    on_progress("importing", min(done, total), total)
        writer.flush(batch)
        writer.finish()
        if report.records == 0:
            if report.skipped:
                raise InputError(path, None, f"every record is invalid ({len(report.skipped)} skipped; the "
                                             f"first: {report.skipped[0]})")
            raise InputError(path, None, "no records in the file")
        if should_cancel and should_cancel():
            raise ImportCancelled("import cancelled; nothing was written")
    if on_progress:
        on_progress("importing", total, total)
    return report


def _refuse_too_long(path: Path, found: list[ImportedSet], *, pre_annotating: bool) -> list[ImportedSet] | InputError:
    """The record's sets, or the InputError (file:line) of a text longer than spaCy takes (`too_long_for_spacy`):
    an annotation on it could never be exported for training, nor a text to annotate be pre-annotated. A text
    without annotations imported with --no-extract is kept, as `ingest --no-extract` keeps it."""
    for imported in found:
        if imported.aset is None and not imported.suggested and not pre_annotating:
            continue
        # a leading BOM is stripped before the text is stored (below): it is no character of the document (v4 L2)
        if reason := too_long_for_spacy(len(imported.text) - imported.text.startswith(BOM)):
            return InputError(path, imported.line, reason)
    return found


def _manual_task(aset: AnnotationSet) -> bool:
    """Whether a set came from a Prodigy manual task (its `_view_id` names a manual interface: `ner_manual`,
    `spans_manual`...), whose answer judged every token; not from another tool's export of a partial set
    (doccano, Label Studio), which says no more than the binary answers it was written from."""
    view = aset.extra.get("_view_id")
    return isinstance(view, str) and view not in BINARY_VIEWS


class BatchWriter:
    """Writes batches of parsed sets inside the import's transaction: documents in bulk, repeated
    (document, annotator) pairs merged (binary tasks), counted once (an exact repeat) or replaced by the later
    answer with the earlier kept, sets equal to the stored ones skipped, the rest in bulk."""

    def __init__(self, store: Store, path: Path, default_annotator: str, report: ImportReport,
                 extract: ExtractFn | None = None, *, fmt: str = "", named: bool = False):
        """`fmt`: the file's format; for CoNLL/IOB a text rebuilt from tokens attaches to the stored document
        with the same text up to whitespace, and for a format with no annotator field (`named` False: no
        --annotator) a file that repeats one person's sets is recognised as their export (`io/token_attach`)."""
        from annotator.io.token_attach import NO_NAME_FORMATS, TOKEN_TEXT_FORMATS, CopyCheck, TokenTextIndex

        self.token_texts = TokenTextIndex(store) if fmt in TOKEN_TEXT_FORMATS else None
        self.copy_check = CopyCheck(store, fmt) if fmt in NO_NAME_FORMATS and not named else None
        self.store = store
        self.path = path
        self.default_annotator = default_annotator
        self.report = report
        self.extract = extract
        self.known_tags = {scope: set(store.tag_set(scope)) for scope in ("document", "span")}
        self.checked_names: set[str] = set()
        self.stored_tasks: dict[tuple[int, str], list[Any]] = {}
        """(document, annotator) -> binary tasks its set held before this import (not repeats of this file)."""

    def flush(self, batch: list[ImportedSet]) -> None:
        if not batch:
            return
        store, report = self.store, self.report
        had_bom: set[int] = set()  # (a database from before may hold the text with its BOM: mapped onto it below)
        for imported in batch:
            if imported.text.startswith(BOM):  # stripped, offsets shifted: the same document either way (s4 M11)
                had_bom.add(id(imported))
                if imported.aset is not None:  # a span on the BOM alone is refused here (no visible character)
                    check_set_content(str(self.path), imported.line, imported.text, imported.aset.entities,
                                      imported.aset.quotes, imported.aset.tags, checked=self.checked_names)
                imported.text = strip_leading_bom(str(self.path), imported.line, imported.text, imported.aset)
        if self.token_texts is not None:  # CoNLL tokens of a stored text: that document (attack s4 M9)
            for imported in batch:
                self.token_texts.place(imported)
        docs = []
        for imported in batch:
            meta = imported.meta
            docs.append(Document(
                text=imported.text,
                title=str(meta.get("title") or meta.get("headline") or "") or title_of(imported.text),
                source=str(meta.get("source") or self.path.name),
                meta=meta,
                hash=content_hash(imported.text),
            ))
        added = store.add_documents(docs)
        report.documents_created += sum(created for _, created in added)
        sets: list[tuple[ImportedSet, AnnotationSet]] = []
        to_annotate: dict[int, str] = {}
        suggested: dict[int, tuple[ImportedSet, AnnotationSet]] = {}
        predicted = [doc_id for imported, (doc_id, _) in zip(batch, added) if imported.prediction is not None]
        model_now: dict[int, AnnotationSet | None] = {
            doc_id: store.annotation_set(doc_id, MODEL_ANNOTATOR)
            for doc_id, _ in store.existing_sets(sorted(set(predicted)), [MODEL_ANNOTATOR])} if predicted else {}
        for imported, (doc_id, created) in zip(batch, added):
            if imported.suggested:
                report.suggested += 1
                if (imported.annotator or "").startswith("gold@"):  # a review record (records.GOLD_ANNOTATOR)
                    report.undecided_reviews += 1
                aset = imported.aset
                aset.doc_id, aset.annotator, aset.status = doc_id, MODEL_ANNOTATOR, Status.NEW
                self._check_entities(imported, aset)
                if not created and (not imported.text.isascii() or id(imported) in had_bom):
                    self._onto_stored_text(imported, aset)
                suggested.setdefault(doc_id, (imported, aset))  # the first suggestions of a text count
                continue
            if imported.aset is None:
                report.documents_to_annotate += 1
                to_annotate[doc_id] = imported.text
                continue
            aset = apply_defaults(imported, self.default_annotator)
            aset.doc_id = doc_id
            if imported.prediction is not None:  # the model's suggestions: the pre-annotation, never a person's
                aset.annotator = self._prediction_name(imported, aset, model_now)
            if aset.annotator not in self.checked_names:  # one line of visible text, like labels (issue 17)
                if problem := name_problem(aset.annotator):
                    raise InputError(self.path, imported.line, f'annotator name "{shown(aset.annotator)}" {problem}')
                self.checked_names.add(aset.annotator)
            if aset.annotator in RESERVED_ANNOTATORS and imported.prediction is None:  # never overwrite the
                # pre-extraction or review's gold
                renamed = f"{aset.annotator}@{self.path.stem}"
                report.renamed[aset.annotator] = renamed
                aset.annotator = renamed
            self._check_entities(imported, aset)
            if not created and (not imported.text.isascii() or id(imported) in had_bom):
                self._onto_stored_text(imported, aset)
            sets.append((imported, aset))
        if self.copy_check is not None:  # held while the file repeats one person's sets (attack s4 M7)
            sets = self.copy_check.take(sets)
        stored = self._stored_pairs(sets) if sets else set()
        first_line: dict[tuple[int, str], int | None] = {}
        pending: dict[tuple[int, str], AnnotationSet] = {}
        remembered: set[tuple[int, str]] = set()  # pairs an earlier batch of this import wrote
        stored_now: dict[tuple[int, str], str] = {}  # comparable() of stored sets loaded above
        untouched: set[tuple[int, str]] = set()  # pairs whose current answer is still the one stored before
        for imported, aset in sets:
            key = (aset.doc_id, aset.annotator)
            earlier = pending.get(key)
            earlier_line = first_line.get(key)
            # the earlier answer is one stored before this import (another file, the window), not yet replaced
            before = key in untouched
            if earlier is None and key in stored:
                line = store.first_import_line(*key)
                if store.seen_in_import(*key):  # this import's earlier batch
                    remembered.add(key)
                else:
                    before = True
                earlier = store.annotation_set(*key)
                earlier_line = line
                if earlier is not None:  # (before _merge, which may add to it) to tell "unchanged" below
                    stored_now[key] = comparable(earlier)
            if earlier is not None:
                merged = self._merge(imported, earlier, earlier_line, aset, before=before)
                if before and merged is earlier:
                    untouched.add(key)  # the stored answer stays current: later records of the file meet it as such
                else:
                    untouched.discard(key)
                aset = merged
            first_line.setdefault(key, imported.line)
            pending[key] = aset
            report.annotators.add(aset.annotator)
        to_write: list[AnnotationSet] = []
        for key, aset in pending.items():
            self._add_tags(aset)
            if key in stored:
                if key in stored_now:
                    was = stored_now[key]
                else:
                    existing = store.annotation_set(*key)
                    was = comparable(existing) if existing is not None else None
                if was is not None and was == comparable(aset):
                    report.sets_unchanged += 1
                    continue
            to_write.append(aset)
        report.sets_written += store.write_annotation_sets(to_write)
        store.remember_import_lines({key: line for key, line in first_line.items() if key not in remembered})
        if suggested:
            self._write_suggestions(suggested)
        to_annotate = {doc_id: text for doc_id, text in to_annotate.items() if doc_id not in suggested}
        if to_annotate:
            self._pre_annotate(to_annotate)

    def finish(self) -> None:
        """After the last batch: a file whose every set repeats one person's done sets is their export come
        back (`io/token_attach.CopyCheck`): nothing is stored under the file's name, and the summary says whose
        it is."""
        if self.copy_check is None:
            return
        owners = self.copy_check.copy_of()
        if not owners:
            return
        held = len(self.copy_check.held)
        self.report.sets_unchanged += held
        self.report.annotators.update(owners)
        self.report.notes.append(
            f"every set of this file ({held}) is {' and '.join(map(repr, owners))}'s, as stored: the file is their "
            f"export come back, so nothing was stored under {self.default_annotator!r} (this format has no "
            "annotator field; give --annotator NAME to store the sets as someone's)")

    def _write_suggestions(self, suggested: dict[int, tuple[ImportedSet, AnnotationSet]]) -> None:
        """Suggestion records (no answer) become the model's set of their document, status new, origin model, when
        it has none yet; an equal one is unchanged; a different one is kept (the pre-annotation is not replaced by
        an import) and the record is listed."""
        have = {doc_id for doc_id, _ in self.store.existing_sets(sorted(suggested), [MODEL_ANNOTATOR])}
        to_write = []
        for doc_id, (imported, aset) in suggested.items():
            for item in [*aset.entities, *aset.quotes]:
                item.origin = Origin.MODEL
            self._add_tags(aset)
            if doc_id in have:
                existing = self.store.annotation_set(doc_id, MODEL_ANNOTATOR)
                if existing is not None and comparable(existing) == comparable(aset):
                    self.report.sets_unchanged += 1
                else:
                    self.report.suggestions_unused.append(
                        f"{self.path}:{imported.line}: document {doc_id} already has a pre-annotation (the model's "
                        "set); it is kept, this record's suggestions are not used")
                continue
            to_write.append(aset)
        self.report.sets_written += self.store.write_annotation_sets(to_write)

    def _prediction_name(self, imported: ImportedSet, aset: AnnotationSet,
                         model_now: dict[int, AnnotationSet | None]) -> str:
        """Where a model's prediction goes: the document's `model` set (the pre-annotation the window starts
        from) when it has none or holds the same suggestions; else its own `model@<version>` set, so the
        pre-extraction is never overwritten. Status stays new: predictions are never anyone's finished work."""
        aset.status = Status.NEW
        self.report.predictions += 1
        current = model_now.get(aset.doc_id)
        if aset.doc_id not in model_now or (current is not None and same_answer(current, aset)):
            model_now.setdefault(aset.doc_id, aset)
            return MODEL_ANNOTATOR
        return imported.prediction

    def _merge(self, imported: ImportedSet, earlier: AnnotationSet, earlier_line: int | None,
               later: AnnotationSet, *, before: bool = False) -> AnnotationSet:
        """Two answers by one annotator on one text: binary tasks merge, an exact repeat counts once, else the
        later answer is current and the earlier is kept in its `earlier_answers` (and reported).
        `before`: the earlier is the set stored before this import (another file, an earlier run, the window):
        the same answer again changes nothing, an answer already kept among its earlier answers changes
        nothing (it is listed), another answer becomes current with the stored one kept and listed."""
        where = Where(self.path, imported.line, self.report.warnings)
        if is_binary_set(earlier) and is_binary_set(later):
            key = (later.doc_id, later.annotator)
            if before and key not in self.stored_tasks:  # the set as stored before this import
                self.stored_tasks[key] = [task_key(t) for t in earlier.extra.get(BINARY_KEY, [])]
            merged, repeats = merge_binary(where, imported.text, earlier, later)
            # a task already stored (an earlier import of this file) is no repeat within this file: its set is
            # counted "unchanged" (attack 12b #11)
            stored = self.stored_tasks.get(key, ())
            self.report.repeats += repeats - sum(task_key(t) in stored for t in later.extra.get(BINARY_KEY, []))
            merged.doc_id, merged.annotator = later.doc_id, later.annotator
            return merged
        if is_binary_set(earlier) and not is_binary_set(later) and MANUAL_KEY not in later.extra \
                and takes_binary_answers(later) and _manual_task(later):
            # a manual (Prodigy) answer after binary answers: merged, even when it holds just the accepted
            # suggestions (it judged every token), as in the other order (attack s4 H2)
            merged = combine_manual_binary(where, imported.text, later, list(earlier.extra.get(BINARY_KEY, [])))
            merged.doc_id, merged.annotator = later.doc_id, later.annotator
            return merged
        if same_answer(earlier, later):
            if not before:
                self.report.repeats += 1
            return earlier
        if before and any(same_answer(kept, later) for kept in self._kept_answers(imported.text, earlier)):
            self.report.warnings.append(
                f"{where_text(self.path, imported.line)}: {later.annotator!r}'s answer on this text is already kept "
                f"in {EARLIER_KEY} of the stored set; the current answer stays")
            return earlier
        # binary answers and a complete manual answer on one text merge, in either order, as Prodigy merges the
        # answers on one input (prodigy_answers; attack s4 H2): never "the later answer replaces the other"
        if is_binary_set(later) and takes_binary_answers(earlier):
            key = (later.doc_id, later.annotator)
            if before and key not in self.stored_tasks:  # tasks stored before this import are no repeats in it
                self.stored_tasks[key] = [task_key(t) for t in earlier.extra.get(BINARY_KEY, []) or []]
            merged, repeats = add_binary_answers(where, imported.text, earlier, later)
            stored = self.stored_tasks.get(key, ())
            self.report.repeats += repeats - sum(task_key(t) in stored for t in later.extra.get(BINARY_KEY, []))
            return earlier if before and same_answer(merged, earlier) and repeats == len(
                later.extra.get(BINARY_KEY, [])) else merged
        if is_binary_set(earlier) and MANUAL_KEY in later.extra:  # (annotator JSONL of a merged set)
            merged, repeats = add_binary_answers(where, imported.text, later, earlier)
            self.report.repeats += repeats
            return merged
        if MANUAL_KEY in earlier.extra and not is_binary_set(later) and MANUAL_KEY not in later.extra:
            # a second manual answer on a text whose manual answer was merged with binary answers: the manual
            # answers follow the later-answer rule, the binary answers stay merged into the current one
            base = manual_base(imported.text, earlier)
            if base is not None:
                current = self._merge(imported, base, earlier_line, later, before=before)
                if current is base:
                    return earlier
                merged = combine_manual_binary(where, imported.text, current,
                                               list(earlier.extra.get(BINARY_KEY, [])))
                merged.doc_id, merged.annotator = later.doc_id, later.annotator
                return merged
        current, replaced = later, earlier
        times = earlier.extra.get("_timestamp"), later.extra.get("_timestamp")
        by_time = all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in times)
        if by_time and times[1] < times[0]:  # Prodigy's _timestamp says which answer came later, not the line
            current, replaced = earlier, later
            self.report.older_kept += 1
        kept = record_from_set(Document(text=imported.text), replaced)
        for key in ("text", "meta", "_input_hash", "_task_hash", EARLIER_KEY):
            kept.pop(key, None)
        current.extra[EARLIER_KEY] = [*earlier.extra.get(EARLIER_KEY, []), *later.extra.get(EARLIER_KEY, []), kept]
        since = (" (stored before this import)" if before else
                 f" (first at line {earlier_line})" if earlier_line is not None else "")
        line = where_text(self.path, imported.line)
        which = "the one with the later _timestamp" if by_time else "the later answer"
        self.report.earlier_kept.append(
            f"{line}: {later.annotator!r} answered this text again{since}: {which} is current, "
            f"the earlier is kept in {EARLIER_KEY}"
        )
        current.doc_id, current.annotator = later.doc_id, later.annotator
        return current

    def _kept_answers(self, text: str, aset: AnnotationSet) -> list[AnnotationSet]:
        """The set's `earlier_answers`, read back as sets (ones that no longer parse are left out)."""
        found = []
        for kept in aset.extra.get(EARLIER_KEY, []) or []:
            if not isinstance(kept, dict):
                continue
            try:
                found.append(parse_prodigy_record(Where(self.path, None), {**kept, "text": text})[0].aset)
            except InputError:
                continue
        return found

    def _pre_annotate(self, texts: dict[int, str]) -> None:
        """The model's set on documents to annotate that have none yet (what `ingest` does)."""
        if self.extract is None:
            return
        ids = sorted(texts)
        have = {doc_id for doc_id, _ in self.store.existing_sets(ids, [MODEL_ANNOTATOR])}
        wanted = [doc_id for doc_id in ids if doc_id not in have]
        if not wanted:
            return
        found = list(self.extract([texts[doc_id] for doc_id in wanted]))
        sets = [AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR, status=Status.NEW,
                              entities=extraction.entities, quotes=extraction.quotes)
                for doc_id, extraction in zip(wanted, found)]
        self.store.write_annotation_sets(sets)
        self.report.pre_annotated += len(sets)

    def _check_entities(self, imported: ImportedSet, aset: AnnotationSet) -> None:
        """Refuse an entity with no visible character, or a label or tag name holding a control character;
        list an entity that starts or ends in whitespace (issue 17; io/set_checks, shared with ingest).
        Offsets are the record's own (`imported.text`), checked before any mapping onto a stored text."""
        check_set_content(str(imported.source or self.path), imported.line, imported.text, aset.entities, aset.quotes,
                          aset.tags,
                          checked=self.checked_names, blank_edges=self.report.blank_edges)

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
                imported.source or self.path,
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
