"""Bring articles into the store, with the model's pre-extraction as its own annotation set.

Idempotent: a text already in the store is not added again (its pre-extraction is filled in if missing).
Works in batches, each batch one transaction, so memory stays flat and an interrupted ingest resumes where
it stopped when run again. The extractor is passed in (a callable), so this module never imports spaCy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from annotator.core.errors import InputError
from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Extraction, SourceRecord, Status
from annotator.core.store import Store

ExtractFn = Callable[[Sequence[str]], Iterable[Extraction]]

MAX_EXTRACT_CHARS = 1_000_000
"""Longest article pre-extraction takes, in code points: spaCy's default `nlp.max_length` (its parser and NER
need about 1 GB per 100,000 characters, spaCy's error E088). A longer article with extraction on is refused
in the checking pass, naming the file, before anything is written; `--no-extract` stores it as text."""


def too_long_for_extraction(
    record: SourceRecord, hint: str = "split it, or ingest it with --no-extract (text only)"
) -> InputError | None:
    """An InputError naming the record's file (and line) when its text is over MAX_EXTRACT_CHARS, else None.
    `hint` ends the message: what the caller's user can do (ingest and extract offer different ways out)."""
    length = len(record.document.text)
    if length <= MAX_EXTRACT_CHARS:
        return None
    return InputError(
        record.path, record.line,
        f"article of {length:,} characters is longer than pre-extraction takes ({MAX_EXTRACT_CHARS:,}, spaCy's "
        f"max_length); {hint}",
    )


def too_long_for_spacy(length: int) -> str | None:
    """Why a text of `length` code points cannot be imported as annotations, or None: over MAX_EXTRACT_CHARS
    (spaCy's `nlp.max_length`) neither the training exports (spacy, conll, iob, prodigy tokens) nor `train` can
    tokenize it (spaCy's E088), so an import refuses it with file:line as ingest and extract do."""
    if length <= MAX_EXTRACT_CHARS:
        return None
    return (f"text of {length:,} characters is longer than spaCy takes ({MAX_EXTRACT_CHARS:,}, nlp.max_length): "
            "it could never be exported for training or trained on; split it into articles")


@dataclass(slots=True)
class IngestReport:
    added: int = 0
    already_present: int = 0
    extracted: int = 0
    skipped: list[InputError] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.already_present} already present", f"{self.extracted} pre-annotated"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.cancelled:
            parts.append("cancelled")
        return ", ".join(parts)


WRITE_BATCH = 2000
"""Documents a transaction when nothing is extracted on the way (texts, or records carrying their pre-extraction):
few large transactions keep full-text indexing and commits (each an fsync) cheap."""
WRITE_BATCH_CHARS = 32 * 1024 * 1024
"""...and at most this many characters of text a batch, so memory stays bounded with long articles."""


def batched(items: Iterable, size: int, max_chars: int | None = None) -> Iterator[list]:
    """Lists of at most `size` items (and, with `max_chars`, at most that many characters of document text,
    always at least one item)."""
    iterator = iter(items)
    if max_chars is None:
        while batch := list(islice(iterator, size)):
            yield batch
        return
    batch, chars = [], 0
    for item in iterator:
        batch.append(item)
        chars += len(item.document.text)
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def ingest_records(
    store: Store,
    records: Iterable[SourceRecord],
    *,
    extract: ExtractFn | None = None,
    batch_size: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Add each record's document (once) and the model's entities and quotes: the record's own pre-extraction
    when it carries one (`SourceRecord.extraction`, from `annotator extract`), else `extract`'s when given.

    A batch is looked up in one query, extracted (outside any transaction, so other windows can keep saving),
    then written in one transaction with bulk statements (`Store.add_documents`, `Store.write_annotation_sets`).
    `batch_size`: documents a batch (default: 32 with `extract`, else WRITE_BATCH). `on_progress(n)` after
    each batch with the records it held; `should_cancel()` is polled before each batch (what was written stays).
    An article too long to extract raises InputError before its batch is written (callers check all first).
    """
    report = report or IngestReport()
    size = batch_size or (32 if extract is not None else WRITE_BATCH)
    for batch in batched(records, size, WRITE_BATCH_CHARS):
        if should_cancel and should_cancel():
            report.cancelled = True
            break
        _ingest_batch(store, batch, extract, report)
        if on_progress:
            on_progress(len(batch))
    return report


def _ingest_batch(store: Store, batch: list[SourceRecord], extract: ExtractFn | None, report: IngestReport) -> None:
    unique: dict[str, SourceRecord] = {}
    for record in batch:
        if record.document.hash in unique:
            report.already_present += 1
        else:
            unique[record.document.hash] = record
    present = store.document_ids_by_hash(list(unique))
    with_model_set = store.documents_with_set(list(present.values()), MODEL_ANNOTATOR)
    report.already_present += len(present)
    # The records whose document gets the model's set now: new ones, and stored ones still without it. A stored
    # document may hold its text in another Unicode normalisation form (same NFC identity): the record's offsets
    # would not fit it, so it is extracted from its stored text (or, with no extractor, left without a set).
    wanted: list[tuple[SourceRecord, str]] = []
    for text_hash, record in unique.items():
        doc_id = present.get(text_hash)
        if doc_id in with_model_set or (record.extraction is None and extract is None):
            continue
        text = record.document.text if doc_id is None else store.document(doc_id).text
        if record.extraction is not None and text == record.document.text:
            wanted.append((record, text))
        elif extract is not None:
            wanted.append((record, text))
    to_extract = [(r, text) for r, text in wanted if r.extraction is None or text != r.document.text]
    if extract is not None:  # never a partial write: refuse before this batch (callers check all first)
        for record, _ in to_extract:
            error = too_long_for_extraction(record)
            if error is not None:
                raise error
    found = {}
    if to_extract:
        found = dict(zip((id(r) for r, _ in to_extract), extract([text for _, text in to_extract])))
    with store.transaction():
        added = store.add_documents([r.document for r in unique.values()])
        doc_ids = {h: doc_id for h, (doc_id, _) in zip(unique, added)}
        sets = []
        for record, _text in wanted:
            extraction = found[id(record)] if id(record) in found else record.extraction
            sets.append(
                AnnotationSet(
                    doc_id=doc_ids[record.document.hash],
                    annotator=MODEL_ANNOTATOR,
                    status=Status.NEW,  # the pre-extraction has no workflow status
                    entities=extraction.entities,
                    quotes=extraction.quotes,
                )
            )
        extracted = store.write_annotation_sets(sets)
    # counted into the report once the batch is committed (a failed one keeps nothing)
    report.added += sum(created for _, created in added)
    report.extracted += extracted
