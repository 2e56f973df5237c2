"""Which annotators' work is compared, and loading their versions of a document.

A "version" is one annotator's annotation set on a document. Compared by default: every human annotator
(everyone except the model and gold sets) whose set on the document has been worked on — status other than
`new` (never edited: still a plain copy of the model's pre-extraction) and `skipped`.

A *rejected* version (Prodigy `answer: reject`, the window's "Mark rejected") is a verdict on the document, not
an annotation with no entities in it: its spans are not compared item by item (agreement, review items), the
way Prodigy's `review` recipe filters reject answers of manual tasks out and INCEpTION's curation merges only
finished annotations. Review still lists it (`rejected_names`): accept versus reject is a disagreement to settle,
and a rejected version enters gold only when the reviewer says so explicitly.

Gold sets: the adjudicated result is stored as an ordinary annotator, named "gold" unless the reviewer picks
another name; any annotator that review decisions were written into counts as gold too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.core.errors import UserError
from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Status, is_gold_set, is_model_set
from annotator.core.names import check_name
from annotator.core.store import Store

DEFAULT_GOLD = "gold"
COUNTED_STATUSES = (Status.IN_PROGRESS, Status.DONE, Status.REJECTED)
"""Sets that count as someone's version of a document (the review queue lists documents with two or more)."""
COMPARED_STATUSES = (Status.IN_PROGRESS, Status.DONE)
"""Versions whose entities, quotes and tags are compared (agreement, review items): a rejected set is left out."""


def is_rejected(aset: AnnotationSet | None) -> bool:
    """True for a person's set marked rejected (the model's pre-extraction has no workflow status)."""
    return aset is not None and aset.annotator != MODEL_ANNOTATOR and Status(aset.status) is Status.REJECTED


def rejected_names(store: Store, doc_id: int, annotators: Sequence[str]) -> list[str]:
    """Those of `annotators` whose set on the document is rejected, in the order given."""
    return [name for name in annotators if is_rejected(store.annotation_set(doc_id, name))]


def gold_annotators(store: Store) -> set[str]:
    return {DEFAULT_GOLD} | store.gold_names_with_decisions()


def check_gold_target(store: Store, gold: str) -> None:
    """Refuse (UserError) a gold target that would overwrite someone's own work: the model's pre-extraction, or
    an annotator holding sets who is not a gold set (no review decision written into them). A gold target is
    "gold", an earlier gold set, or a new name; the name itself must be one line of visible text."""
    check_name(gold, "gold set name")
    if gold == MODEL_ANNOTATOR:
        raise UserError(f"--gold {gold!r} is the model's pre-extraction; gold must be a gold set or a new name")
    if gold not in gold_annotators(store) and gold in store.annotators_with_sets():
        raise UserError(f"--gold {gold!r} is an annotator's own work and accepting into it would overwrite it; "
                        "gold must be a gold set (default 'gold') or a new name")


def review_verdicts(store: Store, doc_id: int, gold: str) -> list[str]:
    """["gold@rev (rejected)", ...]: the other gold sets on the document (a Prodigy `review` answer imported as
    `gold@<reviewer>`, another review's gold) that rejected or skipped it. A reviewer's verdict keeps the document
    out of training (`io/training_version.py`); review must not override it without being told to."""
    names = [n for n in store.annotators_with_sets() if n != gold and is_gold_set(n, gold_annotators(store))]
    said = []
    for name in names:
        aset = store.annotation_set(doc_id, name)
        if aset is not None and Status(aset.status) in (Status.REJECTED, Status.SKIPPED):
            said.append(f"{name} ({Status(aset.status).value})")
    return said


def human_annotators(store: Store) -> list[str]:
    """Annotators with at least one set, other than model sets (`model`, `model@<version>` from an import) and gold
    sets (review's, and `gold@<reviewer>`, a Prodigy review's answer), by name."""
    gold = gold_annotators(store)
    return [name for name in store.annotators_with_sets() if not is_model_set(name) and not is_gold_set(name, gold)]


def default_annotators(store: Store, *, include_model: bool = False) -> list[str]:
    names = human_annotators(store)
    if include_model and store.has_any_set(MODEL_ANNOTATOR):
        names.append(MODEL_ANNOTATOR)
    return names


def _statuses(statuses: Iterable[Status] | None) -> list[str]:
    return [Status(s).value for s in (COUNTED_STATUSES if statuses is None else statuses)]


def counted(aset: AnnotationSet | None, statuses: Iterable[Status] | None = None) -> bool:
    if aset is None:
        return False
    if aset.annotator == MODEL_ANNOTATOR:
        return True  # the pre-extraction has no workflow status; count it whenever asked for
    return Status(aset.status).value in _statuses(statuses)


def load_versions(
    store: Store, doc_id: int, annotators: Sequence[str], *, statuses: Iterable[Status] | None = None
) -> dict[str, AnnotationSet]:
    """The counted versions of the document, in the order of `annotators`."""
    versions = {}
    for name in annotators:
        aset = store.annotation_set(doc_id, name)
        if counted(aset, statuses):
            versions[name] = aset
    return versions


def documents_with_versions(
    store: Store, annotators: Sequence[str], *, minimum: int = 2, statuses: Iterable[Status] | None = None
) -> list[int]:
    """Documents on which at least `minimum` of the annotators have a counted version, by id."""
    if not annotators:
        return []
    return store.documents_with_sets(list(annotators), _statuses(statuses), any_status=MODEL_ANNOTATOR,
                                     minimum=minimum)
