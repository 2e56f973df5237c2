"""Re-run the pre-extraction (a new or retrained model) on the documents nobody has corrected yet.

A document is untouched when no person has a set on it, or every person's set on it has one of the chosen
statuses (default: `new`, i.e. opened but never edited). Only the model's set (annotator "model") is replaced;
a person's set is never read for writing, never changed. The extractor is passed in (a callable), so this
module never imports spaCy.

A `model` set that an import wrote (another tool's model predictions, e.g. Label Studio `predictions` with their
`model_version`, imported as the pre-annotation of a document that had none) is not annotator's pre-extraction:
before it is replaced it is kept under its own name, `model@<model_version>` (`model@labelstudio` without one,
the import's own rule), and the summary says so. Nothing a team imported is replaced silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Extraction, Status
from annotator.core.store import Store

ExtractFn = Callable[[Sequence[str]], Iterable[Extraction]]

IMPORT_MARKER = "_annotator_import"
"""Set-extra key every import writes (`io.records.IMPORT_KEY`); the pre-extraction never has it."""
LABEL_STUDIO_KEY = "labelstudio"
"""Set-extra key of a Label Studio annotation's or prediction's own fields (`io.labelstudio.LS_KEY`)."""


def imported_prediction_name(aset: AnnotationSet | None) -> str | None:
    """For a `model` set an import wrote (another tool's predictions), the name it is kept under before
    re-annotation replaces it: `model@<model_version>` (Label Studio's field), `model@labelstudio` without one
    (as `io/labelstudio.py` names a prediction), `model@imported` for any other import. None for annotator's own
    pre-extraction."""
    if aset is None or not (IMPORT_MARKER in aset.extra or LABEL_STUDIO_KEY in aset.extra):
        return None
    fields = aset.extra.get(LABEL_STUDIO_KEY)
    if isinstance(fields, dict):
        version = fields.get("model_version")
        if isinstance(version, (str, int)) and not isinstance(version, bool) and str(version).strip():
            return f"{MODEL_ANNOTATOR}@{version}"
        return f"{MODEL_ANNOTATOR}@labelstudio"
    return f"{MODEL_ANNOTATOR}@imported"


def keep_imported_prediction(store: Store, doc_id: int) -> str | None:
    """If the document's `model` set is an imported prediction, copy it to its own name (the first free of
    `imported_prediction_name`, then `-2`, `-3`...) and return that name; else None. Call inside the
    transaction that replaces the model's set."""
    current = store.annotation_set(doc_id, MODEL_ANNOTATOR)
    wanted = imported_prediction_name(current)
    if wanted is None:
        return None
    name = wanted
    for number in range(2, 1000):
        if not store.has_annotation_set(doc_id, name):
            break
        name = f"{wanted}-{number}"
    store.replace_annotation_set(current.copy_for(name, status=Status.NEW))
    return name


@dataclass(slots=True)
class ReannotateReport:
    reannotated: int = 0
    with_untouched_person_sets: int = 0
    """Of those, documents where a person has a set in one of the chosen statuses (left exactly as it was)."""
    corrected: int = 0
    """Documents left alone: someone has a set in another status."""
    cancelled: bool = False
    predictions_kept: dict[str, int] = field(default_factory=dict)
    """Imported predictions that were the document's `model` set, kept under their own name: name -> documents."""

    def summary(self) -> str:
        text = (f"{self.reannotated} documents re-annotated by the model, {self.corrected} left alone "
                f"(corrected by someone)")
        if self.with_untouched_person_sets:
            text += (f"; {self.with_untouched_person_sets} of them have a person's untouched set, kept as it was "
                     "(only the model's set changed)")
        if self.predictions_kept:
            text += ("; imported predictions that were the model's set kept under their own name: "
                     + ", ".join(f"{name} ({count} document{'s' if count != 1 else ''})"
                                 for name, count in self.predictions_kept.items()))
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
    (an interrupted run keeps whole batches; running again redoes the rest). An imported prediction held as the
    model's set is first kept under its own name (`keep_imported_prediction`)."""
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
                kept = keep_imported_prediction(store, doc_id)
                if kept is not None:
                    report.predictions_kept[kept] = report.predictions_kept.get(kept, 0) + 1
                store.replace_annotation_set(AnnotationSet(
                    doc_id=doc_id, annotator=MODEL_ANNOTATOR, status=Status.NEW,  # no workflow status (as ingest)
                    entities=extraction.entities, quotes=extraction.quotes,
                ))
                report.reannotated += 1
                report.with_untouched_person_sets += doc_id in with_sets
        if on_progress:
            on_progress(report.reannotated, len(ids))
    return report
