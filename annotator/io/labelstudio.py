"""Label Studio JSON in and out (labelstud.io/guide/task_format, /guide/predictions).

Read: the JSON export, an array of tasks `{"id", "data": {"text", ...}, "annotations": [...], "predictions": [...]}`.
Each annotation is one annotator's set: the annotator from `completed_by` (a user id N -> `userN`; an object ->
its email; else `created_username`), `was_cancelled` -> status skipped; the (first) prediction is the model's
set, `model@<model_version>` (never over the pre-extraction `model`). Results: `labels` (a text span: `value.start/end` in characters of `data.text`, `value.labels`)
-> entities (QUOTE / SPEAKER / CUE labels joined by relations are quotes, as in the Prodigy flavour);
`relation` results (`from_id`, `to_id`, `labels`) -> relations; `choices` -> document tags. Other `data`
fields become the document's meta. Other result types and annotation fields are kept and written back.
Write: the documented import shape, one task per document with every exported annotator's annotation and the
model's set as a prediction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, QuoteType, Status
from annotator.core.strict_json import JSONRejected, dumps_strict, loads_strict
from annotator.core.errors import InputError
from annotator.io.records import (
    CUE_LABEL,
    QUOTE_LABEL,
    SPEAKER_LABEL,
    ExportIssues,
    ImportedSet,
    Where,
    parse_prodigy_record,
    tag_lists,
    overlapping_spans,
    type_name,
)

LS_KEY = "labelstudio"
"""AnnotationSet.extra key: the annotation's (or prediction's) own fields and results annotator does not use."""
MEDIA_KEYS = ("image", "audio", "video", "url", "html", "pdf", "timeseries", "ocr")
ANNOTATION_OWN = ("result", "completed_by", "was_cancelled", "created_username")


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


def text_of(where: Where, task: dict[str, Any]) -> tuple[str, str]:
    """(data key, text) of a task."""
    data = task.get("data")
    if not isinstance(data, dict):
        raise where.fail('a Label Studio task needs a "data" object')
    if isinstance(data.get("text"), str):
        return "text", data["text"]
    strings = [k for k, v in data.items() if isinstance(v, str) and k not in MEDIA_KEYS]
    if len(strings) == 1:
        return strings[0], data[strings[0]]
    kinds = [k for k in data if k in MEDIA_KEYS]
    if kinds:
        raise where.fail(f"a Label Studio task of {'/'.join(kinds)}: no text to annotate")
    raise where.fail(f'no "text" in the task\'s data (keys: {", ".join(data) or "none"})')


def record_of(where: Where, text: str, block: dict[str, Any], *, model: bool) -> dict[str, Any]:
    """One annotation or prediction as a Prodigy-style record (parsed by `parse_prodigy_record`)."""
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
        if kind == "labels" or (kind is None and "labels" in value and "start" in value):
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
                raise where.fail(f"result {number} needs value.labels, a list of label names")
            span = {"start": value.get("start"), "end": value.get("end"), "label": labels[0]}
            if isinstance(value.get("text"), str):
                span["text"] = value["text"]
            kept = {k: v for k, v in result.items() if k not in ("type", "value")}
            if len(labels) > 1:
                kept["more_labels"] = labels[1:]
            meta = kept.get("meta")
            if labels[0] == QUOTE_LABEL and isinstance(meta, dict):  # written by annotator's export
                meta = dict(meta)
                for key in ("quote_type", "speaker_name"):
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
            other.append(result)
    prodigy_relations = []
    for result in relations:
        ends = [result.get("from_id"), result.get("to_id")]
        head, child = (by_id.get(end) if isinstance(end, (str, int)) else None for end in ends)
        if head is None or child is None:
            raise where.fail(f"relation {result.get('from_id')!r} -> {result.get('to_id')!r} does not join two "
                             "labelled spans of this annotation")
        labels = result.get("labels") or []
        if (head["label"], child["label"]) in ((QUOTE_LABEL, SPEAKER_LABEL), (QUOTE_LABEL, CUE_LABEL)):
            label = child["label"]
        else:
            label = labels[0] if labels else "related"
        rest = {k: v for k, v in result.items() if k not in ("from_id", "to_id", "type", "labels")}
        if labels[1:] or (labels and label != labels[0]):
            rest["labels"] = labels
        prodigy_relations.append({
            **rest, "label": label,
            "head_span": {"start": head["start"], "end": head["end"], "label": head["label"]},
            "child_span": {"start": child["start"], "end": child["end"], "label": child["label"]},
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


def parse_task(path: Path, number: int, task: Any, notes: list[str]) -> list[ImportedSet]:
    if is_json_min(task):
        task = task_of_json_min(task)
    ident = task.get("id") if isinstance(task, dict) else None
    where = Where(path, None, notes, place=f"task {number}" + (f" (id {ident})" if ident is not None else "") + ": ")
    if not isinstance(task, dict):
        raise where.fail(f"a task must be an object, got {type_name(task)}")
    key, text = text_of(where, task)
    if not text.strip():
        raise where.fail("the task's text is empty")
    meta = {k: v for k, v in task["data"].items() if k != key}
    result = []
    annotations = task.get("annotations") or []
    predictions = task.get("predictions") or []
    for what, blocks in (("annotations", annotations), ("predictions", predictions)):
        if not isinstance(blocks, list):
            raise where.fail(f'"{what}" must be an array')
    for block in annotations:
        if not isinstance(block, dict):
            raise where.fail("an annotation must be an object")
        sets = parse_prodigy_record(where, record_of(where, text, block, model=False))
        result.append(ImportedSet(text, meta, sets[0].annotator, sets[0].aset, None))
    if predictions:
        block = predictions[0]
        if not isinstance(block, dict):
            raise where.fail("a prediction must be an object")
        record = record_of(where, text, block, model=True)
        if predictions[1:]:
            record.setdefault(LS_KEY, {})["more_predictions"] = predictions[1:]
        sets = parse_prodigy_record(where, record)
        version = block.get("model_version")
        name = f"{MODEL_ANNOTATOR}@{version if isinstance(version, (str, int)) and str(version).strip() else 'labelstudio'}"
        result.append(ImportedSet(text, meta, name, sets[0].aset, None))
    if not result:
        result.append(ImportedSet(text, meta, None, None, None))
    return result


def iter_labelstudio_sets(path: Path, notes: list[str]):
    try:
        tasks = loads_strict(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except JSONRejected as error:
        yield None, InputError(path, None, f"not a Label Studio JSON export: {error}"), 0
        return
    if not isinstance(tasks, list):
        yield None, InputError(path, None, "a Label Studio JSON export is an array of tasks"), 0
        return
    size = path.stat().st_size
    for number, task in enumerate(tasks, 1):
        try:
            yield None, parse_task(path, number, task, notes), size * number // len(tasks)
        except InputError as error:
            yield None, error, size * number // len(tasks)


# -- writing -------------------------------------------------------------------------------------------------


def results_of(doc: Document, aset: AnnotationSet, *, labels: set[str] | None,
               issues: ExportIssues) -> list[dict[str, Any]]:
    """The set's Label Studio results: labels, relations (quotes' speaker and cue too) and choices."""
    text = doc.text
    kept = aset.extra.get(LS_KEY) if isinstance(aset.extra.get(LS_KEY), dict) else {}
    doc_tags, _, _ = tag_lists(aset)
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

    def label_result(start: int, end: int, label: str, extra: dict[str, Any]) -> str:
        key = (start, end, label)
        if key in ids:
            return ids[key]
        rid = extra.get("id") if isinstance(extra.get("id"), str) and extra.get("id") else fresh_id()
        more = extra.get("more_labels") or []
        base = {k: v for k, v in extra.items() if k not in ("id", "text", "more_labels", "token_start", "token_end",
                                                            "tags")}
        results.append({"id": rid, "from_name": base.pop("from_name", "label"), "to_name": base.pop("to_name", "text"),
                        "type": "labels", **base,
                        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label, *more]}})
        ids[key] = rid
        return rid

    for entity in aset.entities:
        if labels is None or entity.label in labels:
            label_result(entity.start, entity.end, entity.label, entity.extra)
    for span in overlapping_spans(aset):  # Label Studio holds overlapping regions (attack 12 #8)
        if isinstance(span.get("start"), int) and isinstance(span.get("end"), int) and isinstance(
                span.get("label"), str) and (labels is None or span["label"] in labels):
            label_result(span["start"], span["end"], span["label"], {})
    for relation in aset.extra.get("relations", []) or []:
        head, child = relation.get("head_span") or {}, relation.get("child_span") or {}
        a = ids.get((head.get("start"), head.get("end"), head.get("label")))
        b = ids.get((child.get("start"), child.get("end"), child.get("label")))
        if not (a and b):
            issues.dropped_relations.append(f"document {doc.id} ({aset.annotator}): relation {relation.get('label')!r} "
                                            "left out: one of its entities was changed or deleted")
            continue
        rest = {k: v for k, v in relation.items() if k not in ("head", "child", "head_span", "child_span", "label",
                                                                "labels")}
        results.append({"from_id": a, "to_id": b, "type": "relation", "direction": rest.pop("direction", "right"),
                        **rest, "labels": relation.get("labels") or [relation.get("label")]})
    for quote in aset.quotes:
        extra = {k: v for k, v in quote.extra.items() if k not in ("speaker_span", "cue_span", "speaker_relation",
                                                                   "cue_relation")}
        if QuoteType(quote.type) is not QuoteType.DIRECT:
            extra["meta"] = {**(extra.get("meta") or {}), "quote_type": QuoteType(quote.type).value}
        if quote.speaker_name:
            extra["meta"] = {**(extra.get("meta") or {}), "speaker_name": quote.speaker_name}
        head = label_result(quote.start, quote.end, QUOTE_LABEL, extra)
        for role, rng, label in (("speaker", quote.speaker, SPEAKER_LABEL), ("cue", quote.cue, CUE_LABEL)):
            if rng is not None:
                part = label_result(rng.start, rng.end, label, quote.extra.get(f"{role}_span") or {})
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
    kept.pop("other_results", None)
    more = kept.pop("more_predictions", None)
    block: dict[str, Any] = {**kept, "result": results_of(doc, aset, labels=labels, issues=issues)}
    if not model:
        found = re.fullmatch(r"user(\d+)", aset.annotator)
        if found:
            block["completed_by"] = int(found.group(1))
        else:
            block["created_username"] = aset.annotator
        block["was_cancelled"] = Status(aset.status) is Status.SKIPPED
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
            self.tasks.append({"data": {"text": doc.text, **{k: v for k, v in doc.meta.items() if k != "text"}},
                               "annotations": [], "predictions": []})
            self.last_doc = doc.id
        task = self.tasks[-1]
        model = is_model(aset.annotator)
        block = block_of(doc, aset, labels=self.labels, issues=self.issues, model=model)
        more = block.pop("_more", None)
        if model:
            task["predictions"] = [block, *(more or [])]
        else:
            task["annotations"].append(block)

    def close(self) -> list[Path]:
        from annotator.core.files import write_text_atomic

        self.output.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.output, dumps_strict(self.tasks, indent=1) + "\n")
        return [self.output]

    def discard(self) -> None:
        pass
