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
Binary tasks and a complete manual answer (`ner.manual`, `ner.correct`: accepted) of the same annotator on the
same text are merged the way Prodigy's `data-to-spacy` / `train` merge every answer on one input into one example
(attack s4 H2): the manual answer's entities, plus each accepted suggestion that does not clash with them; a
rejected suggestion is a constraint ("not this label here") that the complete answer already satisfies. A
suggestion that contradicts the manual answer (rejecting one of its entities, or accepting a span that overlaps
one differently) leaves the manual answer's entity in place and is listed as a warning. The set stays a complete
annotation (tokens outside entities are O) and keeps both the manual answer (`extra["manual_answer"]`) and the
tasks, so a Prodigy export writes them back as they came. Order does not matter (teach before or after manual).
Choice tasks (`options` + `accept`) give document tags from the accepted options; `cats` (label -> score, from
spaCy) give a document tag where the score is 1 (0 = explicitly not). Both are refreshed from the tags on export.
"""

from __future__ import annotations

from dataclasses import replace
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
MANUAL_KEY = "manual_answer"
"""AnnotationSet.extra key of a manual answer merged with binary tasks: that answer as a record (no `text`); the
set's entities are its entities plus the accepted suggestions of `binary_tasks` (`combine_manual_binary`)."""
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
    """A set made of binary answers only (no manual answer merged into it)."""
    return isinstance(aset.extra.get(BINARY_KEY), list) and MANUAL_KEY not in aset.extra


def takes_binary_answers(aset: AnnotationSet) -> bool:
    """Whether binary tasks merge into this non-binary set: an accepted (done) manual answer, or one already
    merged with binary tasks. A rejected or skipped answer is a decision about the whole text: a later binary
    answer replaces it under the later-answer rule, as before."""
    return MANUAL_KEY in aset.extra or (not is_binary_set(aset) and Status(aset.status) is Status.DONE)


def _span_decisions(tasks: list[dict[str, Any]]) -> dict[tuple[int, int, str], tuple[str, dict[str, Any]]]:
    """The last answer on each span suggestion of already checked binary tasks (as `build_binary_set` replays
    them): (start, end, label) -> (answer, span)."""
    found: dict[tuple[int, int, str], tuple[str, dict[str, Any]]] = {}
    for task in tasks:
        label = task.get("label")
        if isinstance(label, str) and task.get("_view_id") not in ("ner", "spans"):
            continue  # a textcat task: its spans are highlights
        for span in task.get("spans", []) or []:
            key = (span["start"], span["end"], span.get("label", label))
            found.pop(key, None)
            found[key] = (task.get("answer", "accept"), span)
    return found


def combine_manual_binary(where: Where, text: str, manual: AnnotationSet, tasks: list[dict[str, Any]], *,
                          apply: list[dict[str, Any]] | None = None) -> AnnotationSet:
    """A complete manual answer merged with binary tasks of the same annotator (module docstring; Prodigy's merge
    of answers on one input): the manual set's entities, tags, quotes and status, plus the accepted suggestions
    and labels of `apply` (default: all `tasks`) that do not clash with it; contradictions are warned about
    (`where.warn`) and the manual answer's entity kept. The result keeps `tasks` in `extra["binary_tasks"]` and
    the manual answer as a record in `extra["manual_answer"]`. Raises InputError for a bad task."""
    from annotator.core.model import Document
    from annotator.io.records import record_from_set

    apply = tasks if apply is None else apply
    build_binary_set(where, text, apply)  # checks every task (offsets, labels, answers)
    entities = [Entity(start=e.start, end=e.end, label=e.label, extra=dict(e.extra)) for e in manual.entities]
    manual_keys = {(e.start, e.end, e.label) for e in manual.entities}
    for (start, end, label), (answer, span) in sorted(_span_decisions(apply).items(), key=lambda item: item[0]):
        if answer == "reject" and (start, end, label) in manual_keys:
            where.warn(f"a binary answer rejects {label} {start}-{end}, an entity of the same annotator's manual "
                       "answer on this text: the manual answer's entity is kept")
        if answer != "accept" or (start, end, label) in manual_keys:
            continue
        clash = next((e for e in entities if e.start < end and start < e.end), None)
        if clash is not None:
            where.warn(f"accepted suggestion {label} {start}-{end} overlaps {clash.label} {clash.start}-{clash.end} "
                       "of the same annotator's manual answer on this text: the manual answer's entity is kept")
            continue
        extra = {k: v for k, v in span.items() if k not in ("start", "end", "label", "token_start", "token_end")}
        entities.append(Entity(start=start, end=end, label=label, extra=extra))
    entities.sort(key=lambda e: (e.start, e.end))
    # tags point at list positions in a set being written (a stored set's point at ids): follow each entity
    by_id = all(e.id is not None for e in manual.entities) and all(q.id is not None for q in manual.quotes)
    entity_at = {(e.id if by_id else i): e for i, e in enumerate(manual.entities)}
    quote_at = {(q.id if by_id else i): i for i, q in enumerate(manual.quotes)}
    order = {(e.start, e.end, e.label): i for i, e in enumerate(entities)}
    tags = []
    for tag in manual.tags:
        kind = TargetKind(tag.target_kind)
        if kind is TargetKind.DOCUMENT:
            tags.append(Tag(tag=tag.tag, target_kind=kind))
        elif kind is TargetKind.ENTITY and tag.target_id in entity_at:
            old = entity_at[tag.target_id]
            tags.append(Tag(tag=tag.tag, target_kind=kind, target_id=order[(old.start, old.end, old.label)]))
        elif kind is TargetKind.QUOTE and tag.target_id in quote_at:
            tags.append(Tag(tag=tag.tag, target_kind=kind, target_id=quote_at[tag.target_id]))
    have = {t.tag for t in tags if TargetKind(t.target_kind) is TargetKind.DOCUMENT}
    for tag in build_binary_set(Where(where.path, where.line), text, apply).tags:
        if tag.tag not in have:
            tags.append(tag)
            have.add(tag.tag)
    record = record_from_set(Document(text=text), manual)
    earlier = record.pop(EARLIER_KEY, None)
    for key in ("text", "meta", BINARY_KEY, MANUAL_KEY):
        record.pop(key, None)
    for key in ("_input_hash", "_task_hash"):  # only the answer's own: a computed one would depend on import order
        if key not in manual.extra:
            record.pop(key, None)
    extra = {k: v for k, v in manual.extra.items() if k not in (BINARY_KEY, MANUAL_KEY)}
    extra[BINARY_KEY] = list(tasks)
    extra[MANUAL_KEY] = record
    if earlier:
        extra[EARLIER_KEY] = earlier
    quotes = [replace(q, id=None) for q in manual.quotes]
    merged = AnnotationSet(doc_id=manual.doc_id, annotator=manual.annotator, status=manual.status,
                           entities=entities, quotes=quotes, tags=tags, extra=extra)
    if isinstance(extra.get(IMPORT_KEY), dict):  # as imported (correction_time, the kept _task_hash)
        extra[IMPORT_KEY] = {**extra[IMPORT_KEY], "digest": digest(merged)}
    return merged


def manual_base(text: str, aset: AnnotationSet) -> AnnotationSet | None:
    """The manual answer a merged set was built from (read back from `extra["manual_answer"]`), or None."""
    from annotator.io.records import parse_prodigy_record

    record = aset.extra.get(MANUAL_KEY)
    if not isinstance(record, dict):
        return None
    try:
        base = parse_prodigy_record(Where(Path("stored"), None), {**record, "text": text})[0].aset
    except InputError:
        return None
    base.doc_id, base.annotator = aset.doc_id, aset.annotator
    return base


def add_binary_answers(where: Where, text: str, current: AnnotationSet, binary: AnnotationSet) -> tuple[AnnotationSet, int]:
    """Binary tasks (`binary`, a binary set) merged into a manual answer or a set already merged with some
    (`current`): the new tasks (an exact repeat counts once) join the kept ones. While the merged set is as
    imported, everything is replayed onto the manual answer; once edited (the window), the edited set is the
    manual answer and only the new tasks apply. Returns (merged set, number of repeated tasks)."""
    kept = list(current.extra.get(BINARY_KEY, []) or []) if MANUAL_KEY in current.extra else []
    known = [_without_annotator(task) for task in kept]
    new, repeats = [], 0
    for task in binary.extra.get(BINARY_KEY, []):
        if _without_annotator(task) in known:
            repeats += 1
            continue
        new.append(task)
        known.append(_without_annotator(task))
    base = manual_base(text, current)
    quiet = Where(where.path, where.line)
    if base is not None and same_answer(combine_manual_binary(quiet, text, base, kept), current):
        # replayed from the manual answer: what the kept tasks contradict was said when they came (under their
        # own line); only what the new tasks add is said now (attack v4 L5)
        heard = Where(where.path, where.line, [], where.place)
        combine_manual_binary(heard, text, base, kept)
        now = Where(where.path, where.line, [], where.place)
        merged = combine_manual_binary(now, text, base, [*kept, *new])
        if where.notes is not None:
            where.notes.extend(note for note in now.notes if note not in heard.notes)
        merged.extra.update({k: v for k, v in current.extra.items() if k == EARLIER_KEY})
    else:
        merged = combine_manual_binary(where, text, current, [*kept, *new], apply=new)
    merged.doc_id, merged.annotator = current.doc_id, current.annotator
    return merged, repeats


def manual_export_parts(text: str, aset: AnnotationSet) -> tuple[AnnotationSet, list[dict[str, Any]]] | None:
    """For a Prodigy export: (the manual answer, the binary tasks as they came, each with its text first) of a
    merged set unedited since import; None otherwise (the caller writes the current annotations)."""
    base = manual_base(text, aset)
    tasks = aset.extra.get(BINARY_KEY)
    if base is None or not isinstance(tasks, list):
        return None
    try:
        replayed = combine_manual_binary(Where(Path("export"), None), text, base, tasks)
    except InputError:
        return None
    if not same_answer(replayed, aset):
        return None
    if EARLIER_KEY in aset.extra:
        base.extra[EARLIER_KEY] = aset.extra[EARLIER_KEY]
    return base, [{"text": text, **dict(sorted({**task, "_annotator_id": aset.annotator}.items()))} for task in tasks]


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
    _check_task_labels(where, text, [task])  # a rejected suggestion's label is written back too
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


NESTED_KEYS = frozenset({EARLIER_KEY, BINARY_KEY, MANUAL_KEY})
"""Record fields of annotator's JSONL that hold whole answers of their own (earlier answers, binary tasks, the
manual answer binary tasks were merged into)."""


def check_nested_answers(where: Where, text: str, record: dict[str, Any]) -> None:
    """Refuse (InputError at the record's `path:line`, naming the nested answer) an `earlier_answers`,
    `binary_tasks` or `manual_answer` entry that a top-level record with the same content would fail: offsets
    outside the text, a bad label (control character, tag prefix, empty), a span with no visible character, a
    bad answer. These fields are written back by the Prodigy export as records of their own, so what is stored
    must re-import (attack s4 M10)."""
    from annotator.io.records import parse_prodigy_record
    from annotator.io.set_checks import check_set_content

    def nested(what: str) -> Where:
        return Where(where.path, where.line, None, f"{where.place}{what}: ")

    def checked(inner: Where, found: list[ImportedSet]) -> None:
        for one in found:
            if one.aset is None:
                continue
            try:
                check_set_content(str(where.path), where.line, text, one.aset.entities, one.aset.quotes, one.aset.tags)
            except InputError as error:
                raise inner.fail(error.reason) from None

    def answer(inner: Where, item: Any, allow_binary: bool) -> None:
        need(inner, item, dict, "an answer")
        if "text" in item and item["text"] != text:
            raise inner.fail("has another text than its record")
        body = {**item, "text": text}
        if allow_binary and is_binary_task(body):
            found = [parse_binary_task(inner, body, ("_annotator_id", "_session_id"))]
            _check_task_labels(inner, text, [body])
        else:
            found = parse_prodigy_record(inner, body)
        checked(inner, found)
        check_nested_answers(inner, text, item)

    earlier = record.get(EARLIER_KEY)
    if earlier is not None:
        for number, item in enumerate(need(where, earlier, list, f'"{EARLIER_KEY}"')):
            answer(nested(f"{EARLIER_KEY}[{number}]"), item, True)
    tasks = record.get(BINARY_KEY)
    if tasks is not None:
        need(where, tasks, list, f'"{BINARY_KEY}"')
        for number, task in enumerate(tasks):
            inner = nested(f"{BINARY_KEY}[{number}]")
            need(inner, task, dict, "a binary task")
            if task.get("answer") is None:  # written back as a record of its own: no answer = a model's (v4 M2)
                raise inner.fail('needs an "answer" ("accept", "reject" or "ignore")')
            owner = annotator_of(where, record, ("_annotator_id", "_session_id"))
            named = annotator_of(inner, task, ("_annotator_id", "_session_id"))
            if named is not None and owner is not None and named != owner:  # tasks merge per annotator
                raise inner.fail(f"names annotator {named!r}, not the record's {owner!r}")
            answer(inner, task, True)  # the checks of a top-level record (labels, choices, relations, _timestamp)
            build_binary_set(inner, text, [task])
            _check_task_labels(inner, text, [task])
    manual = record.get(MANUAL_KEY)
    if manual is not None:
        answer(nested(MANUAL_KEY), manual, False)


def _check_task_labels(where: Where, text: str, tasks: list[dict[str, Any]]) -> None:
    """Every span label of binary tasks (accepted or not: a rejected one is written back too) is one line of
    visible text without a tag prefix, and every span holds a visible character (set_checks' rules)."""
    from annotator.core.names import label_problem, shown
    from annotator.core.spans import describe_blank, has_visible_character

    for task in tasks:
        label = task.get("label")
        if isinstance(label, str) and task.get("_view_id") not in ("ner", "spans"):
            continue  # a textcat task: its spans are highlights, its label a category (as build_binary_set)
        for number, span in enumerate(task.get("spans", []) or []):
            span_label = span.get("label", label) if isinstance(span, dict) else None
            if isinstance(span_label, str) and (problem := label_problem(span_label)):
                raise where.fail(f'span {number} label "{shown(span_label)}" {problem}')
            if isinstance(span, dict) and not has_visible_character(text, span["start"], span["end"]):
                raise where.fail(f"span {number}: {describe_blank(text, span['start'], span['end'])}")
