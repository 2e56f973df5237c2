"""Prodigy answer shapes beyond one manual task a text: binary suggestions, choices, `cats`, repeated answers.

Binary recipes (`ner.teach`, `spans.teach`, `textcat.teach`, `*.correct` run in binary mode) write ONE task per
suggestion, so many tasks share a text (Prodigy docs, "Annotation task formats"; `data-to-spacy` merges the
accepted answers per input). annotator keeps one annotation set per (text, annotator), so the tasks of one
annotator on one text are merged:
- the tasks themselves are kept, in file order, in the set's `extra["binary_tasks"]` (each task without its
  `text`), so an export writes them back as they came and nothing is lost; an exact repeat counts once;
- an accepted span suggestion is an entity, an accepted `label` (textcat) a document tag;
- a rejected suggestion stays only in its task ("not this label here"): it is no entity, and spaCy files mark
  its tokens *missing*, never O; `ignore` keeps the suggestion out altogether;
- a later answer on the same suggestion replaces an earlier one (replayed in order).
Choice tasks (`options` + `accept`) give document tags from the accepted options; `cats` (label -> score, from
spaCy) give a document tag where the score is 1 (0 = explicitly not). Both are refreshed from the tags on export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationSet, Entity, Status, Tag, TargetKind
from annotator.core.errors import InputError
from annotator.io.records import (
    IMPORT_KEY,
    STATUS_OF_ANSWER,
    ImportedSet,
    Where,
    annotator_of,
    check_range,
    check_span_text,
    check_timestamp,
    content_key,
    digest,
    need,
    record_meta,
    record_text,
    shown_value,
    type_name,
)

BINARY_KEY = "binary_tasks"
"""AnnotationSet.extra key: the binary tasks of a merged set, each a task dict without its `text`."""
EARLIER_KEY = "earlier_answers"
"""AnnotationSet.extra key: earlier answers by the same annotator on the same text (records without `text`)."""
BINARY_VIEWS = frozenset({"ner", "spans", "classification", "binary"})
"""`_view_id`s of Prodigy's binary interfaces (one suggestion a task, accept / reject / ignore)."""
SUGGESTION_META = ("score", "pattern", "label", "p", "priority")
"""Task `meta` keys about the suggestion, not the document: kept in the task, not in the document's meta."""


def is_binary_task(record: dict[str, Any]) -> bool:
    """A Prodigy binary task: a binary `_view_id`, or a textcat task (a string `label` with an `answer`), or
    (no `_view_id`) one scored span suggestion with an `answer`."""
    view = record.get("_view_id")
    if isinstance(view, str) and view in BINARY_VIEWS:
        return True
    if isinstance(record.get("label"), str) and "answer" in record and not record.get("spans"):
        return True
    if view is None and "answer" in record and isinstance(record.get("spans"), list) and len(record["spans"]) == 1:
        meta = record.get("meta")
        return isinstance(meta, dict) and "score" in meta
    return False


def is_binary_set(aset: AnnotationSet) -> bool:
    return isinstance(aset.extra.get(BINARY_KEY), list)


def _answer(where: Where, task: dict[str, Any]) -> str:
    answer = task.get("answer", "accept")
    if not isinstance(answer, str) or answer not in STATUS_OF_ANSWER:
        raise where.fail(f'"answer" must be "accept", "reject" or "ignore", got {answer!r}')
    return answer


def build_binary_set(where: Where, text: str, tasks: list[dict[str, Any]]) -> AnnotationSet:
    """Replay binary tasks (in order) into one set: accepted span suggestions -> entities, accepted labels ->
    document tags; a later answer on the same suggestion replaces the earlier one."""
    spans: dict[tuple[int, int, str], dict[str, Any] | None] = {}
    labels: dict[str, bool] = {}
    for number, task in enumerate(tasks):
        answer = _answer(where, task)
        label = task.get("label")
        # a textcat task's spans are pattern highlights, not suggestions (only ner/spans views suggest spans)
        highlights = isinstance(label, str) and task.get("_view_id") not in ("ner", "spans")
        for index, span in enumerate([] if highlights else need(where, task.get("spans", []) or [], list, '"spans"')):
            what = f"span {index}"
            need(where, span, dict, what)
            rng = check_range(where, text, span.get("start"), span.get("end"), what)
            span_label = span.get("label", label if isinstance(label, str) else None)
            if not isinstance(span_label, str) or not span_label.strip():
                raise where.fail(f'{what} needs a non-empty string "label", got {shown_value(span_label)}')
            check_span_text(where, text, span, rng, what)
            key = (rng.start, rng.end, span_label)
            spans.pop(key, None)  # a later answer replaces an earlier one (and moves to the end)
            spans[key] = span if answer == "accept" else None
        if isinstance(label, str) and label.strip() and (highlights or not task.get("spans")):
            labels.pop(label, None)
            labels[label] = answer == "accept"
        elif label is not None and not isinstance(label, str):
            raise where.fail(f'"label" must be a string in a binary task, got {type_name(label)}')
    entities: list[Entity] = []
    for (start, end, label), span in sorted(spans.items(), key=lambda item: item[0]):
        if span is None:
            continue
        clash = next((e for e in entities if e.start < end and start < e.end), None)
        if clash is not None:
            where.warn(f"accepted {label} {start}-{end} overlaps accepted {clash.label} {clash.start}-{clash.end}; "
                       "the first is kept as the entity (both tasks are kept)")
            continue
        extra = {k: v for k, v in span.items() if k not in ("start", "end", "label", "token_start", "token_end")}
        entities.append(Entity(start=start, end=end, label=label, extra=extra))
    tags = [Tag(tag=label, target_kind=TargetKind.DOCUMENT) for label, accepted in labels.items() if accepted]
    answers = {task.get("answer", "accept") for task in tasks}
    status = Status.SKIPPED if answers == {"ignore"} else Status.DONE
    aset = AnnotationSet(doc_id=0, annotator="", status=status, entities=entities, tags=tags,
                         extra={BINARY_KEY: list(tasks)})
    aset.extra[IMPORT_KEY] = {"had": ["binary"], "digest": digest(aset)}
    return aset


def parse_binary_task(where: Where, record: dict[str, Any], annotator_keys: tuple[str, ...]) -> ImportedSet:
    """One binary task -> a set holding just that task (the importer merges the tasks of a text)."""
    text = record_text(where, record)
    check_timestamp(where, record)
    meta = {k: v for k, v in record_meta(where, record).items() if k not in SUGGESTION_META}
    task = {k: v for k, v in record.items() if k != "text"}
    aset = build_binary_set(where, text, [task])
    return ImportedSet(text, meta, annotator_of(where, record, annotator_keys), aset, where.line)


def merge_binary(where: Where, text: str, earlier: AnnotationSet, later: AnnotationSet) -> tuple[AnnotationSet, int]:
    """The earlier set's tasks followed by the later's new ones (an exact repeat counts once), replayed.
    Returns (merged set, number of repeated tasks)."""
    tasks = list(earlier.extra.get(BINARY_KEY, []))
    known = [_without_annotator(task) for task in tasks]
    repeats = 0
    for task in later.extra.get(BINARY_KEY, []):
        if _without_annotator(task) in known:  # (an export names the annotator in each task)
            repeats += 1
            continue
        tasks.append(task)
        known.append(_without_annotator(task))
    return build_binary_set(where, text, tasks), repeats


def _without_annotator(task: Any) -> Any:
    return {k: v for k, v in task.items() if k != "_annotator_id"} if isinstance(task, dict) else task


task_key = _without_annotator
"""A binary task as compared for repeats: without the annotator (an export names it in each task)."""


def same_answer(a: AnnotationSet, b: AnnotationSet) -> bool:
    """Two sets say the same thing: the same entities, quotes, tags (on the document and on which span) and
    status; ids and kept fields (hashes, tokens, timestamps...) aside. Works for stored sets (tags point at
    ids) and parsed ones (tags point at list positions)."""
    return (
        content_key(a) == content_key(b)
        and Status(a.status) is Status(b.status)
        and _tag_key(a) == _tag_key(b)
    )


def _tag_key(aset: AnnotationSet) -> list[tuple[str, Any, str]]:
    by_id = all(e.id is not None for e in aset.entities) and all(q.id is not None for q in aset.quotes)
    entity_at = {(e.id if by_id else i): (e.start, e.end, e.label) for i, e in enumerate(aset.entities)}
    quote_at = {(q.id if by_id else i): (q.start, q.end) for i, q in enumerate(aset.quotes)}
    key = []
    for tag in aset.tags:
        kind = TargetKind(tag.target_kind)
        where = None if kind is TargetKind.DOCUMENT else (
            entity_at if kind is TargetKind.ENTITY else quote_at).get(tag.target_id)
        key.append((kind.value, repr(where), tag.tag))
    return sorted(key)


def binary_export_tasks(text: str, aset: AnnotationSet) -> list[dict[str, Any]] | None:
    """The set's binary tasks as they came (each with its text first), when the set is unedited since import;
    None when it was edited (the caller writes the current annotations)."""
    tasks = aset.extra.get(BINARY_KEY)
    if not isinstance(tasks, list):
        return None
    try:
        replayed = build_binary_set(Where(Path("export"), None), text, tasks)
    except InputError:
        return None
    if not same_answer(replayed, aset):
        return None
    # each task names its annotator (kept where it was, else last), so a re-import gives them back
    # (keys in the stored order, which is sorted, with the annotator's place among them)
    return [{"text": text, **dict(sorted({**task, "_annotator_id": aset.annotator}.items()))} for task in tasks]


def rejected_labels(aset: AnnotationSet) -> list[str]:
    """Document labels the annotator explicitly said no to: a textcat label whose last binary answer is
    `reject`, a `cats` score of 0, or a `choice` option not chosen. (Not the same as a label never asked about, which stays unknown.)"""
    answers: dict[str, bool] = {}
    for task in aset.extra.get(BINARY_KEY, []) or []:
        label = task.get("label") if isinstance(task, dict) else None
        about_text = task.get("_view_id") not in ("ner", "spans") or not task.get("spans")  # as build_binary_set
        if isinstance(label, str) and label.strip() and about_text and task.get("answer") in ("accept", "reject"):
            answers.pop(label, None)
            answers[label] = task["answer"] == "accept"
    cats = aset.extra.get("cats")
    for label, score in (cats.items() if isinstance(cats, dict) else ()):
        if not isinstance(score, bool) and isinstance(score, (int, float)) and score == 0:
            answers.setdefault(label, False)
    # A Prodigy `choice` answer: the person saw every option and chose those in `accept`; an option not chosen is
    # a "no" (Prodigy's own advice converting choice answers to spaCy cats: unselected labels False). The set's
    # document tags decide what is chosen now (a tag added in the window wins: the caller keeps tags as 1.0).
    options = aset.extra.get("options")
    if isinstance(options, list) and isinstance(aset.extra.get("accept"), list):
        from annotator.io.choices import option_tag

        for option in options:
            tag = option_tag(option) if isinstance(option, dict) else None
            if tag is not None:
                answers.setdefault(tag, False)
    return [label for label, accepted in answers.items() if not accepted]
