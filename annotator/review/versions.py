"""Which annotators' work is compared, and loading their versions of a document.

A "version" is one annotator's annotation set on a document. Compared by default: every human annotator
(everyone except the model and gold sets) whose set on the document has been worked on — status other than
`new` (never edited: still a plain copy of the model's pre-extraction) and `skipped`.

Gold sets: the adjudicated result is stored as an ordinary annotator, named "gold" unless the reviewer picks
another name; any annotator that review decisions were written into counts as gold too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Status
from annotator.core.store import Store

DEFAULT_GOLD = "gold"
COUNTED_STATUSES = (Status.IN_PROGRESS, Status.DONE, Status.REJECTED)


def gold_annotators(store: Store) -> set[str]:
    names = {DEFAULT_GOLD}
    if store.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'review_decisions'"):
        names.update(
            r[0]
            for r in store.query(
                "SELECT DISTINCT a.name FROM review_decisions d JOIN annotators a ON a.id = d.gold_id"
            )
        )
    return names


def human_annotators(store: Store) -> list[str]:
    """Annotators with at least one set, other than the model and gold sets, by name."""
    gold = gold_annotators(store)
    rows = store.query(
        """SELECT a.name FROM annotators a WHERE EXISTS (SELECT 1 FROM annotation_sets s WHERE s.annotator_id = a.id)
           ORDER BY a.name"""
    )
    return [r[0] for r in rows if r[0] != MODEL_ANNOTATOR and r[0] not in gold]


def default_annotators(store: Store, *, include_model: bool = False) -> list[str]:
    names = human_annotators(store)
    if include_model and store.query(
        "SELECT 1 FROM annotators a JOIN annotation_sets s ON s.annotator_id = a.id WHERE a.name = ? LIMIT 1",
        (MODEL_ANNOTATOR,),
    ):
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
    names = ",".join("?" * len(annotators))
    states = _statuses(statuses)
    marks = ",".join("?" * len(states))
    rows = store.query(
        f"""SELECT s.doc_id FROM annotation_sets s JOIN annotators a ON a.id = s.annotator_id
            WHERE a.name IN ({names}) AND (s.status IN ({marks}) OR a.name = ?)
            GROUP BY s.doc_id HAVING count(*) >= ? ORDER BY s.doc_id""",
        [*annotators, *states, MODEL_ANNOTATOR, minimum],
    )
    return [r[0] for r in rows]
