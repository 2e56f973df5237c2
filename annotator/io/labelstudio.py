"""Label Studio JSON in and out (labelstud.io/guide/task_format, /guide/predictions).

Read: the JSON export, an array of tasks `{"id", "data": {"text", ...}, "annotations": [...], "predictions": [...]}`.
Each annotation is one annotator's set: the annotator from `completed_by` (a user id N -> `userN`; an object ->
its email, and then a plain N elsewhere in the file is that email too; else `created_username`), `was_cancelled` -> status skipped; the (first) prediction is the model's
set, `model@<model_version>` (never over the pre-extraction `model`). Results: `labels` (a text span: `value.start/end` in characters of `data.text`, `value.labels`)
-> entities (QUOTE / SPEAKER / CUE labels joined by relations are quotes, as in the Prodigy flavour);
`relation` results (`from_id`, `to_id`, `labels`) -> relations; `choices` -> document tags. Other `data`
fields become the document's meta. Other result types and annotation fields are kept and written back.
Write: the documented import shape, one task per document with every exported annotator's annotation and the
model's set as a prediction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, QuoteType, Status
from annotator.core.strict_json import JSONRejected, dumps_strict, loads_strict
from annotator.core.errors import InputError
from annotator.core.normalise import nfc
from annotator.io.records import (
    CUE_LABEL,
    QUOTE_LABEL,
    SPEAKER_LABEL,
    ExportIssues,
    ImportedSet,
    Where,
    mark_entities_not_annotated,
    overlapping_spans,
    parse_prodigy_record,
    relation_name,
    span_relation,
    tag_lists,
    type_name,
)

LS_KEY = "labelstudio"
"""AnnotationSet.extra key: the annotation's (or prediction's) own fields and results annotator does not use."""
ASTRAL = re.compile("[\U00010000-\U0010ffff]")
"""Characters outside the Basic Multilingual Plane: one code point, two UTF-16 units."""
MEDIA_KEYS = ("image", "audio", "video", "url", "html", "pdf", "timeseries", "ocr")
BINARY_FIELD = "binary_tasks"
"""Annotation field annotator writes for a set made of Prodigy binary answers (`ner.teach`: accept / reject /
ignore of one suggestion a task): the tasks as kept (`prodigy_answers.BINARY_KEY`), each without its text. Label
Studio keeps an annotation's unknown fields; annotator reads them back, so the set stays partial: its rejected and
unjudged tokens stay *missing* for NER, never "no entity" (attack s4 H4)."""
UNJUDGED_FIELD = "entities_judged"
"""Annotation field `false` on a set whose source annotated categories or relations only, never entities
(`records.ENTITIES_KEY`): read back, its tokens stay missing for NER (attack s4 H4)."""
DECLINED_FIELD = "declined_choices"
"""Annotation field listing the document labels the annotator explicitly said no to (a `cats` score of 0, a
Prodigy `choice` option not chosen): a `choices` result holds only what was chosen, so without it an explicit
"no" (0.0 in a DocBin's `doc.cats`) would come back as unknown (attack v4 L4). Read back as `cats` scores of 0."""
MANUAL_FIELD = "manual_answer"
"""Annotation field annotator writes beside `BINARY_FIELD` for binary answers merged into a complete manual answer
(`prodigy_answers.MANUAL_KEY`): the manual answer as kept, without its text. Read back, the set stays complete
(O outside its entities), as the Prodigy and JSONL exports keep it (attack v4 M1)."""
ANNOTATION_OWN = ("result", "was_cancelled", BINARY_FIELD, UNJUDGED_FIELD, DECLINED_FIELD, MANUAL_FIELD)
"""Annotation fields rebuilt on export (`completed_by` / `created_username` are kept, and written back while
they still name the set's annotator)."""
TASK_BLOCKS = ("annotations", "completions", "predictions")
"""Task fields holding annotations: `completions` is the name Label Studio before 1.0 used for `annotations`."""
TITLE_KEYS = ("title", "headline")
"""Data fields that hold a document's title, not the text to annotate."""


def annotator_name(annotation: dict[str, Any]) -> str | None:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    if isinstance(who, int) and not isinstance(who, bool):
        return f"user{who}"
    if isinstance(who, str) and who.strip():
        return who.strip()
    name = annotation.get("created_username")
    return name.strip() if isinstance(name, str) and name.strip() else None


def known_users(tasks: list[Any]) -> tuple[dict[int, dict[str, Any]], list[int]]:
    """({user id: the user object}, ids also given as a plain number) over a file's annotations. Label Studio
    writes `completed_by` as the user's id, or (some exports and API versions) as an object with `id` and
    `email`; one file can hold both for the same person. A plain id with an object elsewhere in the file is that
    user (named by the email), never a second annotator `userN`."""
    users: dict[int, dict[str, Any]] = {}
    plain: set[int] = set()
    for task in tasks:
        for key in ("annotations", "completions"):
            blocks = task.get(key) if isinstance(task, dict) else None
            for block in blocks if isinstance(blocks, list) else []:
                who = block.get("completed_by") if isinstance(block, dict) else None
                if isinstance(who, dict) and type(who.get("id")) is int and isinstance(who.get("email"), str) \
                        and who["email"].strip():
                    users.setdefault(who["id"], who)
                elif type(who) is int:
                    plain.add(who)
                elif isinstance(who, dict) and type(who.get("id")) is int:
                    plain.add(who["id"])  # an object without an email: by its id only, like a plain id
    return users, sorted(plain & set(users))


def with_known_user(block: dict[str, Any], users: dict[int, dict[str, Any]] | None) -> dict[str, Any]:
    """The annotation with a `completed_by` that names a user by id only (a plain number, or an object without an
    email) replaced by that user's object from `known_users`."""
    who = block.get("completed_by")
    ident = who.get("id") if isinstance(who, dict) and not (isinstance(who.get("email"), str)
                                                             and who["email"].strip()) else who
    if users and type(ident) is int and ident in users:
        return {**block, "completed_by": users[ident]}
    return block


def named_fields(task: dict[str, Any]) -> list[str]:
    """The `to_name`s of the task's span results (the object tag annotated; in Label Studio's configs it is
    named like the data field it shows, `<Text name="body" value="$body"/>`), most used first."""
    counts: dict[str, int] = {}
    for key in TASK_BLOCKS:
        blocks = task.get(key)
        for block in blocks if isinstance(blocks, list) else []:
            results = block.get("result") if isinstance(block, dict) else None
            for result in results if isinstance(results, list) else []:
                if isinstance(result, dict) and isinstance(result.get("to_name"), str) and \
                        isinstance(result.get("value"), dict) and "start" in result["value"]:
                    counts[result["to_name"]] = counts.get(result["to_name"], 0) + 1
    # most results first; on a tie the article body wins over a title/headline field (attack 12b #5)
    return sorted(counts, key=lambda name: (-counts[name], name.lower() in TITLE_KEYS))


def text_of(where: Where, task: dict[str, Any]) -> tuple[str, str]:
    """(data key, text) of a task: the field the span results annotate (their `to_name`), else `text`, else
    the one text field that is not a title (`title`, `headline`: the document's title)."""
    data = task.get("data")
    if not isinstance(data, dict):
        raise where.fail('a Label Studio task needs a "data" object')
    for name in named_fields(task):
        if isinstance(data.get(name), str) and name not in MEDIA_KEYS:
            return name, data[name]
    if isinstance(data.get("text"), str):
        return "text", data["text"]
    strings = [k for k, v in data.items() if isinstance(v, str) and k not in MEDIA_KEYS]
    bodies = [k for k in strings if k.lower() not in TITLE_KEYS]
    if len(strings) == 1 or len(bodies) == 1:
        key = strings[0] if len(strings) == 1 else bodies[0]
        return key, data[key]
    kinds = [k for k in data if k in MEDIA_KEYS]
    if kinds and not strings:
        raise where.fail(f"a Label Studio task of {'/'.join(kinds)}: no text to annotate")
    if len(bodies) > 1:
        raise where.fail(f"several text fields in the task's data ({', '.join(bodies)}) and no span result "
                         "names one (to_name): annotate one in Label Studio, or keep the text under \"text\"")
    raise where.fail(f'no "text" in the task\'s data (keys: {", ".join(data) or "none"})')


def utf16_to_code_points(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Code-point offsets of the UTF-16 code-unit range start-end of `text` (Label Studio before its emoji fix
    counted JavaScript string positions), or None when the range is outside the text or splits a character."""
    units = text.encode("utf-16-le", "surrogatepass")
    if not 0 <= start < end <= len(units) // 2:
        return None
    try:
        before = units[: 2 * start].decode("utf-16-le")
        inside = units[2 * start : 2 * end].decode("utf-16-le")
    except UnicodeDecodeError:
        return None
    return len(before), len(before) + len(inside)


def code_point_offsets(where: Where, text: str, value: dict[str, Any], number: int) -> tuple[Any, Any, bool]:
    """(start, end, converted) of a span value. Offsets are code points; when the value's own `text` is not
    the code-point slice but is the UTF-16 one, the offsets were written by a Label Studio that counted UTF-16
    code units: they are converted (converted=True). When it is neither and the text has characters outside
    the Basic Multilingual Plane (where the two counts differ), the span is refused: which characters it meant
    cannot be told."""
    start, end, written = value.get("start"), value.get("end"), value.get("text")
    if not (isinstance(written, str) and type(start) is int and type(end) is int) or text.isascii():
        return start, end, False
    if 0 <= start < end <= len(text) and nfc(text[start:end]) == nfc(written):
        return start, end, False
    if not ASTRAL.search(text):
        return start, end, False  # the counts agree: a stale value.text is the usual warning
    converted = utf16_to_code_points(text, start, end)
    if converted is not None and nfc(text[converted[0]:converted[1]]) == nfc(written):
        return converted[0], converted[1], True
    raise where.fail(f"result {number}: value.text {written!r} is neither the text at {start}-{end} counted in "
                     "code points nor counted in UTF-16 units; the span cannot be placed")


def record_of(where: Where, text: str, block: dict[str, Any], *, model: bool,
              converted: list[int] | None = None, text_key: str = "text") -> dict[str, Any]:
    """One annotation or prediction as a Prodigy-style record (parsed by `parse_prodigy_record`). Span
    results on another data field than `text_key` are kept as other results. `converted` counts spans whose
    UTF-16 offsets were converted to code points."""
    results = block.get("result", [])
    if not isinstance(results, list):
        raise where.fail(f'"result" must be an array, got {type_name(results)}')
    spans, relations, tags, other = [], [], [], []
    by_id: dict[Any, dict[str, Any]] = {}
    for number, result in enumerate(results):
        if not isinstance(result, dict):
            raise where.fail(f"result {number} must be an object")
        kind = result.get("type")
        value = result.get("value") if isinstance(result.get("value"), dict) else {}
        on_text = result.get("to_name") in (None, text_key) or not isinstance(result.get("to_name"), str)
        if on_text and (kind == "labels" or (kind is None and "labels" in value and "start" in value)):
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
                raise where.fail(f"result {number} needs value.labels, a list of label names")
            start, end, was_utf16 = code_point_offsets(where, text, value, number)
            if was_utf16 and converted is not None:
                converted.append(number)
            span = {"start": start, "end": end, "label": labels[0]}
            if isinstance(value.get("text"), str):
                span["text"] = value["text"]
            kept = {k: v for k, v in result.items() if k not in ("type", "value")}
            if len(labels) > 1:
                kept["more_labels"] = labels[1:]
                where.warn(f"result {number} has several labels ({', '.join(labels)}): {labels[0]} is the entity; "
                           "the others are kept (written back to Label Studio) but no NER export can hold them")
            meta = kept.get("meta")
            if isinstance(meta, dict) and (labels[0] == QUOTE_LABEL or "tags" in meta):  # from annotator's export
                meta = dict(meta)
                for key in ("quote_type", "speaker_name", "tags"):
                    if key in meta:
                        kept[key] = meta.pop(key)
                if meta:
                    kept["meta"] = meta
                else:
                    kept.pop("meta")
            span.update(kept)
            spans.append(span)
            if isinstance(result.get("id"), (str, int)):
                by_id[result["id"]] = span
        elif kind == "relation":
            relations.append(result)
        elif kind == "choices" and isinstance(value.get("choices"), list):
            tags.extend(c for c in value["choices"] if isinstance(c, str))
            other.append({k: v for k, v in result.items() if k != "value"} | {"value": {"choices": []}})
        else:
            if kind == "labels" and not on_text and "start" in value:  # never dropped silently (attack 12b #5)
                where.warn(f"result {number} labels the data field {result.get('to_name')!r}, not {text_key!r} "
                           f"(the field with the most labelled results, the document's text): left out of the "
                           "annotations (kept, written back to Label Studio; no other export holds it)")
            other.append(result)
    prodigy_relations = []
    for result in relations:
        ends = [result.get("from_id"), result.get("to_id")]
        head, child = (by_id.get(end) if isinstance(end, (str, int)) else None for end in ends)
        if head is None or child is None:
            raise where.fail(f"relation {result.get('from_id')!r} -> {result.get('to_id')!r} does not join two "
                             "labelled spans of this annotation")
        labels = result.get("labels") or []
        ends_of = {"head_span": {"start": head["start"], "end": head["end"], "label": head["label"]},
                   "child_span": {"start": child["start"], "end": child["end"], "label": child["label"]}}
        if (head["label"], child["label"]) in ((QUOTE_LABEL, SPEAKER_LABEL), (QUOTE_LABEL, CUE_LABEL)):
            label = child["label"]
            # the very regions joined, so the quote takes them and not an equal entity beside them (v4 H2)
            ends_of = {"head_span": {k: v for k, v in head.items() if k != "tags"},
                       "child_span": {k: v for k, v in child.items() if k != "tags"}}
        else:
            label = labels[0] if labels else "related"
        rest = {k: v for k, v in result.items() if k not in ("from_id", "to_id", "type", "labels")}
        if labels[1:] or (labels and label != labels[0]):
            rest["labels"] = labels
        prodigy_relations.append({
            **rest, "label": label, **ends_of,
        })
    own = {k: v for k, v in block.items() if k not in ANNOTATION_OWN}
    if other:
        own["other_results"] = other
    record: dict[str, Any] = {"text": text, "spans": spans, "relations": prodigy_relations, "tags": tags,
                              "answer": "ignore" if block.get("was_cancelled") is True else "accept"}
    if own:
        record[LS_KEY] = own
    if not model:
        name = annotator_name(block)
        if name:
            record["_annotator_id"] = name
    return record


MIN_OWN = ("id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time")
"""JSON-MIN keys about the annotation, not the data."""


def is_json_min(item: Any) -> bool:
    """A Label Studio JSON-MIN item: flat, one annotation an item (`annotator`, `annotation_id`, results under
    their control's name, e.g. `"label": [{"start", "end", "text", "labels"}]`)."""
    if not isinstance(item, dict) or "data" in item:
        return False
    return "annotation_id" in item or "annotator" in item or any(
        isinstance(v, list) and v and all(isinstance(x, dict) and "start" in x and "labels" in x for x in v)
        for v in item.values())


def task_of_json_min(item: dict[str, Any]) -> dict[str, Any]:
    """A JSON-MIN item as a full task with one annotation (span lists -> `labels` results, `{"choices": [...]}`
    -> a `choices` result; other fields are data)."""
    data, results, own = {}, [], {}
    for key, value in item.items():
        if key in MIN_OWN:
            own[key] = value
        elif isinstance(value, list) and value and all(isinstance(x, dict) and "start" in x for x in value):
            for index, span in enumerate(value):
                labels = span.get("labels") or span.get("hypertextlabels") or []
                results.append({"id": f"{key}-{index}", "from_name": key, "to_name": "text", "type": "labels",
                                "value": {"start": span.get("start"), "end": span.get("end"),
                                          **({"text": span["text"]} if isinstance(span.get("text"), str) else {}),
                                          "labels": labels}})
        elif isinstance(value, dict) and isinstance(value.get("choices"), list):
            results.append({"from_name": key, "to_name": "text", "type": "choices", "value": value})
        else:
            data[key] = value
    annotation: dict[str, Any] = {"result": results}
    if "annotator" in own:
        annotation["completed_by"] = own.pop("annotator")
    if "annotation_id" in own:
        annotation["id"] = own.pop("annotation_id")
    annotation.update({k: v for k, v in own.items() if k != "id"})
    task: dict[str, Any] = {"data": data, "annotations": [annotation] if results or "completed_by" in annotation else []}
    if "id" in own:
        task["id"] = own["id"]
    return task


SPAN_RESULT_TYPES = frozenset({"labels", "hypertextlabels", "relation"})


def no_span_results(block: dict[str, Any]) -> bool:
    """True for an annotation (or prediction) whose results are all of other kinds than text spans (`choices`
    of a text-classification project, a `textarea`, a `rating`...): nobody marked entities in it, so its tokens
    are never judged for NER (records.ENTITIES_KEY; as a Prodigy `choice` or doccano classification record).
    An annotation with no result at all is a NER annotation that found nothing (O), as Prodigy's ner.manual."""
    results = block.get("result")
    if not isinstance(results, list) or not results:
        return False
    for result in results:
        if not isinstance(result, dict):
            return False
        value = result.get("value") if isinstance(result.get("value"), dict) else {}
        if result.get("type") in SPAN_RESULT_TYPES or "start" in value or "labels" in value:
            return False
    return True


def parse_task(path: Path, number: int, task: Any, notes: list[str], line: int | None = None,
               converted: list[int] | None = None,
               users: dict[int, dict[str, Any]] | None = None) -> list[ImportedSet]:
    """A task -> one set per annotation (`annotations`, or `completions` of Label Studio before 1.0) and the
    (first) prediction as the model's pre-annotation (status new; the importer names it `model`, or
    `model@<model_version>` when the document's model set holds something else). `line`: where the task
    starts in the file. `converted` gets one item per span whose UTF-16 offsets were converted. `users`: the
    file's user objects by id (`known_users`), so a plain-id `completed_by` names the same annotator."""
    if is_json_min(task):
        task = task_of_json_min(task)
    ident = task.get("id") if isinstance(task, dict) else None
    where = Where(path, line, notes, place=f"task {number}" + (f" (id {ident})" if ident is not None else "") + ": ")
    if not isinstance(task, dict):
        raise where.fail(f"a task must be an object, got {type_name(task)}")
    key, text = text_of(where, task)
    if not text.strip():
        raise where.fail("the task's text is empty")
    meta = {k: v for k, v in task["data"].items() if k != key}
    own_task = {k: v for k, v in task.items() if k not in ("data", *TASK_BLOCKS)}
    result = []
    blocks_of = {}
    for what in TASK_BLOCKS:
        blocks = task.get(what) or []
        if not isinstance(blocks, list):
            raise where.fail(f'"{what}" must be an array')
        blocks_of[what] = blocks
    found: list[int] = []

    def parsed(block: dict[str, Any], *, model: bool):
        record = record_of(where, text, block, model=model, converted=found, text_key=key)
        kept = {**record.get(LS_KEY, {}), **({"task": own_task} if own_task else {}),
                **({"data_key": key} if key != "text" else {})}
        if kept:  # the task's own fields (its id...) and the data field of the text, for the export
            record[LS_KEY] = kept
        return record

    for block in [*blocks_of["annotations"], *blocks_of["completions"]]:
        if not isinstance(block, dict):
            raise where.fail("an annotation must be an object")
        sets = parse_prodigy_record(where, parsed(with_known_user(block, users), model=False), keep_overlaps=True)
        if no_span_results(block):
            mark_entities_not_annotated(sets[0].aset)  # text classification only: tokens missing for NER, never O
        partial_state(where, text, block, sets[0].aset)
        result.append(ImportedSet(text, meta, sets[0].annotator, sets[0].aset, line))
    predictions = blocks_of["predictions"]
    if predictions:
        block = predictions[0]
        if not isinstance(block, dict):
            raise where.fail("a prediction must be an object")
        record = parsed(block, model=True)
        if predictions[1:]:
            record.setdefault(LS_KEY, {})["more_predictions"] = predictions[1:]
        sets = parse_prodigy_record(where, record, keep_overlaps=True)
        if no_span_results(block):
            mark_entities_not_annotated(sets[0].aset)
        sets[0].aset.status = Status.NEW  # a model's suggestions: a pre-annotation, never anyone's finished work
        version = block.get("model_version")
        name = f"{MODEL_ANNOTATOR}@{version if isinstance(version, (str, int)) and str(version).strip() else 'labelstudio'}"
        result.append(ImportedSet(text, meta, MODEL_ANNOTATOR, sets[0].aset, line, prediction=name))
    if found:
        where.warn(f"{len(found)} span offsets counted UTF-16 units (a Label Studio before its emoji fix), "
                   "converted to code points (value.text matches)")
        if converted is not None:
            converted.extend(found)
    if not result:
        result.append(ImportedSet(text, meta, None, None, line))
    return result


def partial_state(where: Where, text: str, block: dict[str, Any], aset: AnnotationSet) -> None:
    """Read back what annotator's export says of a partial set (`BINARY_FIELD`, `UNJUDGED_FIELD`): the binary
    tasks (checked as an import of them would be) go back into the set, a `false` marks entities not annotated.
    The entities stay those of the results (what Label Studio shows, edits included)."""
    from annotator.io.prodigy_answers import BINARY_KEY, MANUAL_KEY, build_binary_set
    from annotator.io.records import IMPORT_KEY, digest, mark_entities_not_annotated, parse_prodigy_record

    tasks = block.get(BINARY_FIELD)
    if tasks is not None:
        if not isinstance(tasks, list) or not all(isinstance(task, dict) for task in tasks):
            raise where.fail(f'"{BINARY_FIELD}" must be an array of Prodigy tasks (objects)')
        build_binary_set(where, text, tasks)  # refuses bad offsets or answers with this task's place
        aset.extra[BINARY_KEY] = list(tasks)
        manual = block.get(MANUAL_FIELD)
        if manual is not None:
            if not isinstance(manual, dict):
                raise where.fail(f'"{MANUAL_FIELD}" must be a Prodigy answer (an object)')
            parse_prodigy_record(where, {**manual, "text": text})  # refuses bad offsets, labels or answers
            aset.extra[MANUAL_KEY] = dict(manual)
        aset.extra.setdefault(IMPORT_KEY, {})["digest"] = digest(aset)
    if block.get(UNJUDGED_FIELD) is False and not aset.entities:
        mark_entities_not_annotated(aset)
    declined = block.get(DECLINED_FIELD)
    if declined is not None:
        if not isinstance(declined, list) or not all(isinstance(x, str) and x.strip() for x in declined):
            raise where.fail(f'"{DECLINED_FIELD}" must be an array of labels (non-empty strings)')
        tags = aset.document_tags()
        aset.extra["cats"] = {**{tag: 1.0 for tag in tags}, **{x: 0.0 for x in declined if x not in tags}}
        aset.extra.setdefault(IMPORT_KEY, {})["digest"] = digest(aset)


def unjudged_fields(aset: AnnotationSet) -> dict[str, Any]:
    """The annotation fields that carry a partial set's state (see `BINARY_FIELD`, `UNJUDGED_FIELD`)."""
    from annotator.io.prodigy_answers import BINARY_KEY, MANUAL_KEY
    from annotator.io.records import ENTITIES_KEY, IMPORT_KEY

    fields: dict[str, Any] = {}
    if isinstance(aset.extra.get(BINARY_KEY), list):
        fields[BINARY_FIELD] = aset.extra[BINARY_KEY]
        if isinstance(aset.extra.get(MANUAL_KEY), dict):
            fields[MANUAL_FIELD] = aset.extra[MANUAL_KEY]
    marker = aset.extra.get(IMPORT_KEY)
    if isinstance(marker, dict) and marker.get(ENTITIES_KEY) is False and not aset.entities:
        fields[UNJUDGED_FIELD] = False
    from annotator.io.prodigy_answers import rejected_labels

    # binary answers travel in BINARY_FIELD already; the rest of the "no"s (cats 0, choice options not chosen) here
    without_binary = AnnotationSet(aset.doc_id, aset.annotator, aset.status, [], [], list(aset.tags),
                                   extra={k: v for k, v in aset.extra.items() if k != BINARY_KEY})
    tags = set(aset.document_tags())
    declined = [label for label in rejected_labels(without_binary) if label not in tags]
    if declined:
        fields[DECLINED_FIELD] = declined
    return fields


def task_lines(raw: bytes) -> list[int] | None:
    """The line (1-based) where each task of a JSON array starts, for `file:line` in messages; None when the
    file is not plain UTF-8 JSON (the caller still has the parsed tasks)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")
    position = space.match(text, 0).end()
    if text[position : position + 1] != "[":
        return None
    position, line, counted, lines = position + 1, 1, 0, []
    try:
        while True:
            position = space.match(text, position).end()
            if text[position : position + 1] in ("]", ""):
                return lines
            line += text.count("\n", counted, position)
            counted = position
            lines.append(line)
            _, position = decoder.raw_decode(text, position)
            position = space.match(text, position).end()
            if text[position : position + 1] == ",":
                position += 1
    except ValueError:
        return None


def iter_labelstudio_sets(path: Path, notes: list[str], summary: list[str] | None = None):
    """(line, sets or InputError, bytes read) a task. `summary` gets one line when spans' UTF-16 offsets
    were converted."""
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        tasks = loads_strict(raw)
    except JSONRejected as error:
        yield None, InputError(path, None, f"not a Label Studio JSON export: {error}"), 0
        return
    single = isinstance(tasks, dict) and isinstance(tasks.get("data"), dict)
    if single:  # one task object (Label Studio imports that too)
        tasks = [tasks]
    if not isinstance(tasks, list):
        yield None, InputError(path, None, "a Label Studio JSON export is an array of tasks"), 0
        return
    lines = [1] if single else task_lines(raw)
    if lines is not None and len(lines) != len(tasks):
        lines = None
    size = path.stat().st_size
    converted: list[int] = []
    users, both = known_users(tasks)
    if both and summary is not None:
        summary.append("Label Studio user(s) given both as an object and as a plain id, one annotator each: "
                       + ", ".join(f"{ident} = {users[ident]['email'].strip()}" for ident in both))
    for number, task in enumerate(tasks, 1):
        line = lines[number - 1] if lines else None
        try:
            yield line, parse_task(path, number, task, notes, line, converted, users), size * number // len(tasks)
        except InputError as error:
            yield line, error, size * number // len(tasks)
    if converted and summary is not None:
        summary.append(f"{len(converted)} spans had UTF-16 offsets (Label Studio before its emoji fix): converted "
                       "to code points")


# -- writing -------------------------------------------------------------------------------------------------


def results_of(doc: Document, aset: AnnotationSet, *, labels: set[str] | None,
               issues: ExportIssues) -> list[dict[str, Any]]:
    """The set's Label Studio results: labels, relations (quotes' speaker and cue too) and choices."""
    text = doc.text
    kept = aset.extra.get(LS_KEY) if isinstance(aset.extra.get(LS_KEY), dict) else {}
    doc_tags, entity_tags, quote_tags = tag_lists(aset)
    to_name = kept.get("data_key") if isinstance(kept.get("data_key"), str) else "text"
    results: list[dict[str, Any]] = []
    ids: dict[tuple[int, int, str], str] = {}
    taken = {e.extra.get("id") for e in aset.entities}
    counter = 0

    def fresh_id() -> str:
        nonlocal counter
        while True:
            counter += 1
            candidate = f"r{counter}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    def label_result(start: int, end: int, label: str, extra: dict[str, Any], tags: list[str] | None = None,
                     *, quote_part: bool = False) -> str:
        # a quote's own region (`quote_part`: the QUOTE, its SPEAKER, its CUE) is never an entity's region with the
        # same offsets and label: shared, the entity would be read back as the quote's part and lost (v4 H2)
        key = (start, end, label, "quote") if quote_part else (start, end, label)
        if key in ids:
            return ids[key]
        rid = extra.get("id") if isinstance(extra.get("id"), str) and extra.get("id") else fresh_id()
        more = extra.get("more_labels") or []
        base = {k: v for k, v in extra.items() if k not in ("id", "text", "more_labels", "token_start", "token_end",
                                                            "tags")}
        if tags:  # span tags ride in the region's meta (Label Studio keeps it; annotator reads them back)
            base["meta"] = {**(base.get("meta") or {}), "tags": tags}
        results.append({"id": rid, "from_name": base.pop("from_name", "label"), "to_name": base.pop("to_name", to_name),
                        "type": "labels", **base,
                        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label, *more]}})
        ids[key] = rid
        return rid

    for i, entity in enumerate(aset.entities):
        if labels is None or entity.label in labels:
            label_result(entity.start, entity.end, entity.label, entity.extra, entity_tags.get(i))
    for span in overlapping_spans(aset):  # Label Studio holds overlapping regions (attack 12 #8, #14)
        if isinstance(span.get("start"), int) and isinstance(span.get("end"), int) and isinstance(
                span.get("label"), str) and (labels is None or span["label"] in labels):
            label_result(span["start"], span["end"], span["label"],
                         {k: v for k, v in span.items() if k not in ("start", "end", "label")})
    for kept_relation in aset.extra.get("relations", []) or []:
        relation = span_relation(kept_relation, aset) or {}  # a doccano relation too (attack s4 M2)
        head, child = relation.get("head_span") or {}, relation.get("child_span") or {}
        a = ids.get((head.get("start"), head.get("end"), head.get("label")))
        b = ids.get((child.get("start"), child.get("end"), child.get("label")))
        if not (a and b):
            issues.dropped_relations.append(f"document {doc.id} ({aset.annotator}): relation "
                                            f"{relation_name(kept_relation)} left out: one of its entities was "
                                            "changed, deleted or not exported")
            continue
        rest = {k: v for k, v in relation.items() if k not in ("head", "child", "head_span", "child_span", "label",
                                                                "labels")}
        results.append({"from_id": a, "to_id": b, "type": "relation", "direction": rest.pop("direction", "right"),
                        **rest, "labels": relation.get("labels") or [relation.get("label")]})
    for i, quote in enumerate(aset.quotes):
        extra = {k: v for k, v in quote.extra.items() if k not in ("speaker_span", "cue_span", "speaker_relation",
                                                                   "cue_relation")}
        # always written (direct too): a QUOTE region without it is read back as an entity (attack s4 H1)
        extra["meta"] = {**(extra.get("meta") or {}), "quote_type": QuoteType(quote.type).value}
        if quote.speaker_name:
            extra["meta"] = {**(extra.get("meta") or {}), "speaker_name": quote.speaker_name}
        head = label_result(quote.start, quote.end, QUOTE_LABEL, extra, quote_tags.get(i), quote_part=True)
        for role, rng, label in (("speaker", quote.speaker, SPEAKER_LABEL), ("cue", quote.cue, CUE_LABEL)):
            if rng is not None:
                part = label_result(rng.start, rng.end, label, quote.extra.get(f"{role}_span") or {}, quote_part=True)
                results.append({"from_id": head, "to_id": part, "type": "relation", "direction": "right",
                                **(quote.extra.get(f"{role}_relation") or {}), "labels": [label]})
    choices_done = False
    for other in kept.get("other_results", []) or []:
        if other.get("type") == "choices" and not choices_done:
            results.append({**other, "value": {"choices": doc_tags}})
            choices_done = True
        elif other.get("type") != "choices":
            results.append(other)
    if doc_tags and not choices_done:
        results.append({"id": fresh_id(), "from_name": "choices", "to_name": "text", "type": "choices",
                        "value": {"choices": doc_tags}})
    return results


def block_of(doc: Document, aset: AnnotationSet, *, labels: set[str] | None, issues: ExportIssues,
             model: bool) -> dict[str, Any]:
    kept = dict(aset.extra.get(LS_KEY) or {}) if isinstance(aset.extra.get(LS_KEY), dict) else {}
    for key in ("other_results", "task", "data_key"):
        kept.pop(key, None)
    more = kept.pop("more_predictions", None)
    if not model and annotator_name(kept) != aset.annotator:  # renamed since: say who from the name
        kept.pop("completed_by", None)
        kept.pop("created_username", None)
    block: dict[str, Any] = {**kept, "result": results_of(doc, aset, labels=labels, issues=issues)}
    if not model:
        found = re.fullmatch(r"user(\d+)", aset.annotator)
        if "completed_by" in block or "created_username" in block:
            pass  # as it came (an id, or an object with the email)
        elif found:
            block["completed_by"] = int(found.group(1))
        else:
            block["created_username"] = aset.annotator
        block["was_cancelled"] = Status(aset.status) is Status.SKIPPED
        block.update(unjudged_fields(aset))  # a partial set stays partial when read back (attack s4 H4)
    else:
        _, _, version = aset.annotator.partition("@")
        block["model_version"] = block.get("model_version") or version or "annotator"
    return block if more is None else {**block, "_more": more}


def is_model(name: str) -> bool:
    """The pre-extraction (`model`) or a model's set imported from predictions (`model@<version>`)."""
    return name == MODEL_ANNOTATOR or name.startswith(f"{MODEL_ANNOTATOR}@")


class LabelStudioWriter:
    """One JSON array (written atomically): a task per document, its annotators' annotations and the model's
    set as a prediction."""

    def __init__(self, output: Path, *, labels: set[str] | None, issues: ExportIssues):
        self.output = Path(output)
        self.labels = labels
        self.issues = issues
        self.tasks: list[dict[str, Any]] = []
        self.last_doc: int | None = None

    def add(self, doc: Document, aset: AnnotationSet) -> None:
        if doc.id != self.last_doc or not self.tasks:
            kept = aset.extra.get(LS_KEY) if isinstance(aset.extra.get(LS_KEY), dict) else {}
            task = dict(kept.get("task") or {}) if isinstance(kept.get("task"), dict) else {}  # its id...
            key = kept.get("data_key") if isinstance(kept.get("data_key"), str) else "text"
            self.tasks.append({**task, "data": {key: doc.text, **{k: v for k, v in doc.meta.items() if k != key}},
                               "annotations": [], "predictions": []})
            self.last_doc = doc.id
        task = self.tasks[-1]
        model = is_model(aset.annotator)
        block = block_of(doc, aset, labels=self.labels, issues=self.issues, model=model)
        more = block.pop("_more", None)
        if model:
            task["predictions"] += [block, *(more or [])]
        else:
            task["annotations"].append(block)

    def close(self) -> list[Path]:
        from annotator.core.files import write_text_atomic

        self.output.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.output, dumps_strict(self.tasks, indent=1) + "\n")
        return [self.output]

    def discard(self) -> None:
        pass
