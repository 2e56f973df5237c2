"""Bring articles into the store, with the model's pre-extraction as its own annotation set.

Idempotent: a text already in the store is not added again (its pre-extraction is filled in if missing).
Works in batches, each batch one transaction, so memory stays flat and an interrupted ingest resumes where
it stopped when run again. The extractor is passed in (a callable), so this module never imports spaCy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Extraction, Status
from annotator.core.store import Store
from annotator.io.articles import InputError, SourceRecord

ExtractFn = Callable[[Sequence[str]], Iterable[Extraction]]


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
    # the records whose document gets the model's set now: new ones, and stored ones still without it
    wanted = [
        r for h, r in unique.items()
        if (r.extraction is not None or extract is not None) and present.get(h) not in with_model_set
    ]
    to_extract = [r for r in wanted if r.extraction is None]
    found = dict(zip((id(r) for r in to_extract), extract([r.document.text for r in to_extract]))) if to_extract else {}
    with store.transaction():
        added = store.add_documents([r.document for r in unique.values()])
        report.added += sum(created for _, created in added)
        doc_ids = {h: doc_id for h, (doc_id, _) in zip(unique, added)}
        sets = []
        for record in wanted:
            extraction = record.extraction if record.extraction is not None else found[id(record)]
            sets.append(
                AnnotationSet(
                    doc_id=doc_ids[record.document.hash],
                    annotator=MODEL_ANNOTATOR,
                    status=Status.DONE,
                    entities=extraction.entities,
                    quotes=extraction.quotes,
                )
            )
        report.extracted += store.write_annotation_sets(sets)
