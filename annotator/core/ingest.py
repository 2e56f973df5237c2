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


def too_long_for_extraction(record: SourceRecord) -> InputError | None:
    """An InputError naming the record's file (and line) when its text is over MAX_EXTRACT_CHARS, else None."""
    length = len(record.document.text)
    if length <= MAX_EXTRACT_CHARS:
        return None
    return InputError(
        record.path, record.line,
        f"article of {length:,} characters is longer than pre-extraction takes ({MAX_EXTRACT_CHARS:,}, spaCy's "
        "max_length); split it, or ingest it with --no-extract (text only)",
    )


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


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def ingest_records(
    store: Store,
    records: Iterable[SourceRecord],
    *,
    extract: ExtractFn | None = None,
    batch_size: int = 64,
    on_progress: Callable[[int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Add each record's document (once) and, with `extract`, the model's entities and quotes."""
    report = report or IngestReport()
    model_id = store.annotator_id(MODEL_ANNOTATOR)
    for batch in batched(records, batch_size):
        if should_cancel and should_cancel():
            report.cancelled = True
            break
        seen: set[str] = set()
        fresh = []
        for record in batch:
            doc = record.document
            if doc.hash in seen:
                report.already_present += 1
                continue
            seen.add(doc.hash)
            existing = store.document_id_by_hash(doc.hash)
            if existing is None:
                fresh.append((record, None))
            else:
                report.already_present += 1
                if extract is not None and not _has_set(store, existing, model_id):
                    fresh.append((record, existing))
        if extract is not None:  # never a partial write: refuse before this batch (callers check all first)
            for record, _ in fresh:
                error = too_long_for_extraction(record)
                if error is not None:
                    raise error
        # An existing document is extracted from its stored text: the record may hold it in another Unicode
        # normalisation form (same NFC identity), whose offsets would not fit the stored text.
        texts = [r.document.text if existing is None else store.document(existing).text for r, existing in fresh]
        extractions = list(extract(texts)) if extract and fresh else []
        added = extracted = 0  # counted into the report once the batch is committed (a failed one keeps nothing)
        with store.transaction():
            for index, (record, existing) in enumerate(fresh):
                doc_id = existing
                if doc_id is None:
                    doc_id, created = store.add_document(record.document)
                    added += created
                if extractions:
                    found = extractions[index]
                    store.replace_annotation_set(
                        AnnotationSet(
                            doc_id=doc_id,
                            annotator=MODEL_ANNOTATOR,
                            status=Status.NEW,  # the pre-extraction has no workflow status
                            entities=found.entities,
                            quotes=found.quotes,
                        )
                    )
                    extracted += 1
        report.added += added
        report.extracted += extracted
        if on_progress:
            on_progress(len(batch))
    return report


def _has_set(store: Store, doc_id: int, annotator_id: int) -> bool:
    return bool(
        store.query("SELECT 1 FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?", (doc_id, annotator_id))
    )
