"""Which annotation sets a training export uses, and which version of a document it keeps: the one place for the
rule (spaCy DocBin, doccano, CoNLL/IOB and brat exports, and `annotator train`).

1. **Model sets train only when asked.** The pre-extraction (`model`) and a model's set brought in by an import
   (`model@<version>`, e.g. Label Studio `predictions`) are left out of training exports unless named with
   `--annotator` or asked for with `--include-model`; the summary counts what was left out. Even then a model set
   never stands in for a person who skipped or rejected the document (Label Studio's `was_cancelled`, Prodigy's
   `ignore` / `reject`): that document is left out, and listed.
2. **One version a document, in this order:** a gold set (review's `gold`, any set review decisions were written
   into, and `gold@<reviewer>`, the reviewed answer of a Prodigy `review` record), then a person's set, then (only
   when asked) a model set; within a rank the latest correction (an imported answer unchanged since: its
   `_timestamp`; else when it was last updated here, `io/correction_time.py`), a tie (said so) by annotator
   name. Every document that had more than one version is listed with who was kept and why.
3. **Status:** the training formats take done sets by default (`exporter.default_statuses`): a set a person
   skipped or rejected is not an example of anything. A document whose *gold* set the review rejected or skipped
   is left out whole (listed): the reviewer's verdict stands over people's sets, as a rejected answer of
   Prodigy's `review` recipe keeps the example out of training.

Names follow the import rules (`io/records.py`, `io/labelstudio.py`): an import never writes `model` or `gold`;
its model sets are `model@...` and its reviewed answers `gold@...`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Status, is_gold_set, is_model_set
from annotator.core.store import Store
from annotator.io.correction_time import correction_time
from annotator.io.records import ENTITIES_KEY, IMPORT_KEY, ExportIssues

GOLD, PERSON, MODEL = 0, 1, 2
"""Ranks of a version: lower is preferred."""


def rank_of(name: str, gold: set[str]) -> int:
    return GOLD if is_gold_set(name, gold) else MODEL if is_model_set(name) else PERSON


def gold_names(store: Store) -> set[str]:
    """Annotators whose sets are adjudicated gold ("gold", and any that review decisions were written into)."""
    from annotator.review.versions import gold_annotators

    return gold_annotators(store)


def training_annotator_ids(store: Store, names: list[str] | None, *, include_model: bool,
                           issues: ExportIssues | None = None) -> dict[int, str]:
    """{annotator id: name} a training export reads: the named annotators (raises ValueError for an unknown
    name), else every annotator but the model sets, plus those with `include_model`. Model sets left out are
    counted in `issues.model_sets_left_out` (names)."""
    known = {a.name: a.id for a in store.annotators()}
    if names is not None:
        missing = [n for n in names if n not in known]
        if missing:
            raise ValueError(f"no annotator named {', '.join(map(repr, missing))} (known: {', '.join(sorted(known))})")
        return {known[n]: n for n in names}
    chosen = {}
    with_sets = set(store.annotators_with_sets())
    for name, ident in known.items():
        if is_model_set(name) and not include_model:
            if issues is not None and name != MODEL_ANNOTATOR and name in with_sets:
                issues.model_sets_left_out.append(name)
            continue
        chosen[ident] = name
    return chosen


def declined_guard(store: Store, annotator_ids: dict[int, str]) -> Store | None:
    """The store to pass to `one_version_per_document` so a model set never stands in for a person who skipped
    or rejected: whenever a person is among the selected annotators (naming only model sets, with --annotator,
    exports them as they are)."""
    return store if any(not is_model_set(name) for name in annotator_ids.values()) else None


def one_version_per_document(
    pairs: Iterable[tuple[Document, AnnotationSet]], gold: set[str], issues: ExportIssues,
    store: Store | None = None,
) -> Iterator[tuple[Document, AnnotationSet]]:
    """Keep one set per document from `pairs` (grouped by document, as `exporter.iter_sets` yields them) by the
    rule above. With `store`, a model set is kept only if no person skipped or rejected the document, and a
    document whose gold set was rejected or skipped in review is left out (`issues.reviewed_out`)."""
    reviewed_out = _gold_declined(store, gold) if store is not None else {}
    group: list[tuple[Document, AnnotationSet]] = []
    for pair in pairs:
        if group and pair[0].id != group[0][0].id:
            yield from _pick(group, gold, issues, store, reviewed_out)
            group = []
        group.append(pair)
    if group:
        yield from _pick(group, gold, issues, store, reviewed_out)


def _gold_declined(store: Store, gold: set[str]) -> dict[int, str]:
    """{document id: "gold (rejected)", ...} for the documents whose gold set is rejected or skipped."""
    names = [name for name in store.annotators_with_sets() if is_gold_set(name, gold)]
    found: dict[int, str] = {}
    if not names:
        return found
    declined = (Status.REJECTED.value, Status.SKIPPED.value)
    for doc_id in store.documents_with_sets(names, list(declined), any_status=MODEL_ANNOTATOR, minimum=1):
        sets = [(name, store.annotation_set(doc_id, name)) for name in names]
        said = [f"{name} ({Status(a.status).value})" for name, a in sets
                if a is not None and Status(a.status).value in declined]
        if said:
            found[doc_id] = ", ".join(said)
    return found


def _pick(group, gold: set[str], issues: ExportIssues, store: Store | None, reviewed_out: dict[int, str]):
    best = min(rank_of(pair[1].annotator, gold) for pair in group)
    doc_id = group[0][0].id
    if best != GOLD and doc_id in reviewed_out:
        issues.reviewed_out.append(
            f"document {doc_id}: review verdict {reviewed_out[doc_id]}; {', '.join(p[1].annotator for p in group)} "
            "left out (a person's set never overrides the review)")
        return
    if best == MODEL and store is not None:
        declined = _people_who_declined(store, group[0][0].id)
        if declined:
            issues.duplicates.append(
                f"document {group[0][0].id}: {', '.join(declined)}; the model set "
                f"{', '.join(p[1].annotator for p in group)} left out (a model set never stands in for a person)")
            return
    candidates = [pair for pair in group if rank_of(pair[1].annotator, gold) == best]
    # max() keeps the first of equals, and the group is in annotator-name order; times: io/correction_time.py
    times = [correction_time(pair[1]) for pair in candidates]
    at = max(range(len(candidates)), key=lambda i: -math.inf if times[i][0] is None else times[i][0])
    kept = candidates[at]
    if len(group) > 1:
        why = {GOLD: "gold", PERSON: "no gold set", MODEL: "a model set, asked for; no person's set"}[best]
        if len(candidates) > 1:
            if sum(t[0] == times[at][0] for t in times) > 1:
                when = "a tie on the latest correction time: first by annotator name"
            else:
                when = ("latest correction by its _timestamp" if times[at][1] == "_timestamp"
                        else "latest update")
            why = f"{when}; {why}" if best == PERSON else f"{when} of the gold sets"
        names = ", ".join(pair[1].annotator for pair in group)
        issues.duplicates.append(f"document {kept[0].id}: versions by {names}; kept {kept[1].annotator} ({why})")
    yield kept


def _people_who_declined(store: Store, doc_id: int) -> list[str]:
    declined = []
    for name in store.annotators_of(doc_id):
        if is_model_set(name):
            continue
        aset = store.annotation_set(doc_id, name)
        if aset is not None and Status(aset.status) in (Status.SKIPPED, Status.REJECTED):
            declined.append(f"{name} ({Status(aset.status).value})")
    return declined


def entities_unjudged(aset: AnnotationSet) -> str | None:
    """Why the tokens of `aset` outside its entities were never judged (so they are *missing* for NER, never O),
    or None for a complete NER annotation. Two kinds (attack 12b #1, #2): Prodigy binary answers (ner.teach,
    spans.teach: accept/reject/ignore one suggestion a task), and a set whose source annotated categories or
    relations only. CoNLL/IOB have no "missing" tag, so those exports leave such sets out (listed); the DocBin
    marks their tokens missing; doccano and brat leave them out too (listed); Label Studio carries the state.
    Binary answers merged into a complete manual answer (`extra["manual_answer"]`, prodigy_answers) are complete:
    judged by that answer."""
    merged = "manual_answer" in aset.extra  # binary answers merged into a complete manual answer (s4 H2)
    if "binary_tasks" in aset.extra and not merged:
        return "binary answers (one suggestion a task): tokens nobody judged"
    marker = aset.extra.get(IMPORT_KEY)
    if isinstance(marker, dict) and marker.get(ENTITIES_KEY) is False and (not aset.entities or merged):
        return "its source annotated categories or relations only, never entities"
    return None


def drop_declined_models(
    pairs: Iterable[tuple[Document, AnnotationSet]], issues: ExportIssues, store: Store | None,
) -> Iterator[tuple[Document, AnnotationSet]]:
    """For exports of every version (`--versions all`, the default of conll, iob, brat): the same rule as
    `one_version_per_document` — a model set is left out (and listed) for a document a person skipped or
    rejected. `store` None (no person selected) keeps every pair."""
    declined_of: dict[int, list[str]] = {}
    for doc, aset in pairs:
        if store is not None and is_model_set(aset.annotator):
            if doc.id not in declined_of:
                declined_of[doc.id] = _people_who_declined(store, doc.id)
            if declined_of[doc.id]:
                issues.declined_models.append(
                    f"document {doc.id}: {', '.join(declined_of[doc.id])}; the model set {aset.annotator} left out "
                    "(a model set never stands in for a person)")
                continue
        yield doc, aset
