"""Re-run the pre-extraction (a new or retrained model) on the documents nobody has corrected yet.

A document is untouched when no person has a set on it, or every person's set on it has one of the chosen
statuses (default: `new`, i.e. opened but never edited). Only the model's set (annotator "model") is replaced;
a person's set is never read for writing, never changed. The extractor is passed in (a callable), so this
module never imports spaCy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Extraction, Status
from annotator.core.store import Store

ExtractFn = Callable[[Sequence[str]], Iterable[Extraction]]


@dataclass(slots=True)
class ReannotateReport:
    reannotated: int = 0
    with_untouched_person_sets: int = 0
    """Of those, documents where a person has a set in one of the chosen statuses (left exactly as it was)."""
    corrected: int = 0
    """Documents left alone: someone has a set in another status."""
    cancelled: bool = False

    def summary(self) -> str:
        text = (f"{self.reannotated} documents re-annotated by the model, {self.corrected} left alone "
                f"(corrected by someone)")
        if self.with_untouched_person_sets:
            text += (f"; {self.with_untouched_person_sets} of them have a person's untouched set, kept as it was "
                     "(only the model's set changed)")
        return text + ("; cancelled" if self.cancelled else "")


def untouched_document_ids(store: Store, statuses: Iterable[Status] = (Status.NEW,)) -> tuple[list[int], set[int], int]:
    """(ids of documents whose every person's set has one of `statuses`, the ids among them where a person has
    such a set, how many documents are excluded because someone's set has another status). The model's own
    set doesn't count."""
    allowed = [Status(s).value for s in statuses]
    marks = ",".join("?" * len(allowed)) or "NULL"
    rows = store.query(
        f"""SELECT d.id,
                   (SELECT count(*) FROM annotation_sets s JOIN annotators a ON a.id = s.annotator_id
                     WHERE s.doc_id = d.id AND a.name != ? AND s.status NOT IN ({marks})) AS worked,
                   (SELECT count(*) FROM annotation_sets s JOIN annotators a ON a.id = s.annotator_id
                     WHERE s.doc_id = d.id AND a.name != ?) AS people
            FROM documents d ORDER BY d.id""",
        [MODEL_ANNOTATOR, *allowed, MODEL_ANNOTATOR],
    )
    ids = [r[0] for r in rows if r[1] == 0]
    with_sets = {r[0] for r in rows if r[1] == 0 and r[2] > 0}
    return ids, with_sets, sum(1 for r in rows if r[1] > 0)


def reannotate(
    store: Store,
    extract: ExtractFn,
    *,
    statuses: Iterable[Status] = (Status.NEW,),
    batch_size: int = 32,
    on_progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> ReannotateReport:
    """Replace the model's set on every untouched document with `extract`'s result, a batch per transaction
    (an interrupted run keeps whole batches; running again redoes the rest)."""
    ids, with_sets, corrected = untouched_document_ids(store, statuses)
    report = ReannotateReport(corrected=corrected)
    for start in range(0, len(ids), batch_size):
        if should_cancel and should_cancel():
            report.cancelled = True
            break
        chunk = ids[start : start + batch_size]
        texts = [store.document(doc_id).text for doc_id in chunk]
        found = list(extract(texts))
        with store.transaction():
            for doc_id, extraction in zip(chunk, found):
                store.replace_annotation_set(AnnotationSet(
                    doc_id=doc_id, annotator=MODEL_ANNOTATOR, status=Status.NEW,  # no workflow status (as ingest)
                    entities=extraction.entities, quotes=extraction.quotes,
                ))
                report.reannotated += 1
                report.with_untouched_person_sets += doc_id in with_sets
        if on_progress:
            on_progress(report.reannotated, len(ids))
    return report
