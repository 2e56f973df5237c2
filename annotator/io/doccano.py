"""doccano JSONL in and out.

Read: sequence labelling `{"text", "label": [[start, end, "LABEL"], ...]}` (also `labels`, and text
classification `"label": ["cat", ...]`, read as document tags), the relation layout
`{"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [{"id"?, "from_id", "to_id",
"type"}]}`, and old exports whose `annotations` carry a `user` each (one annotation set per user).
Write: the entities + relations layout (or the `label` layout for a record that came in that way and has no
relations or quotes). Quotes are QUOTE / SPEAKER / CUE entities joined by SPEAKER / CUE relations from the quote,
the QUOTE entity carrying `quote_type` and `speaker_name`; on reading, a QUOTE entity with neither those fields nor
such a relation is an entity labelled QUOTE, not a quote (attack s4 H1).
"""

from __future__ import annotations

from typing import Any

from annotator.core.model import (
    MODEL_ANNOTATOR,
    AnnotationSet,
    Document,
    Entity,
    Quote,
    QuoteType,
    Status,
    Tag,
    TargetKind,
    TextRange,
)
from annotator.io.records import (
    CUE_LABEL,
    IMPORT_KEY,
    QUOTE_LABEL,
    SPEAKER_LABEL,
    STATUS_KEY,
    TOKEN_KEYS,
    UNFINISHED_OF_STATUS,
    OVERLAP_KEY,
    ExportIssues,
    ImportedSet,
    Where,
    annotator_of,
    bare_quote_warning,
    check_range,
    check_span_text,
    import_marker,
    is_marked_quote,
    mark_entities_not_annotated,
    need,
    overlap_warning,
    overlapping_spans,
    record_meta,
    record_text,
    tag_lists,
    tags_from,
    shown_value,
    span_relation,
    string_list,
    type_name,
)

LAYOUT_KEYS = ("entities", "label", "labels", "annotations")
DOCCANO_KEYS = (*LAYOUT_KEYS, "relations", "meta", "tags", "text", "done", "cats")
"""Record keys annotator reads (the rest is kept and written back). `cats`: the categories of doccano's
intent-detection-and-slot-filling layout (entities + `"cats": ["label", ...]`)."""
DONE_KEY = "done"
"""`"done": true` on a record with no annotations: a person finished it and found nothing (written by annotator's
doccano export for an empty done set). doccano itself has no per-record done flag and exports every example,
annotated or not, so without it an empty annotation list is an example nobody annotated (see `is_unannotated`)."""


def is_unannotated(record: dict[str, Any], found: list, categories: list) -> bool:
    """The one rule for doccano's empty records (attack 12 #10): no span, no category, no relation and no tag,
    and no `"done": true`, is a document to annotate (status new, like a text-only record), never a done set that would
    train as "no entities here". doccano writes `"label": []` for every example nobody labelled, and has no
    flag saying that an example was looked at; a user whose empty examples really are negatives (doccano's
    "Export only approved documents") marks them done in annotator after import."""
    return (not found and not categories and not record.get("relations") and not record.get("tags")
            and record.get(DONE_KEY) is not True)
ENTITY_KEYS = {"start_offset", "end_offset", "label", "user", "tags"}
USER_ID_KEY = "user_id"
"""Key of the import marker (records.IMPORT_KEY): doccano's numeric `user` (an id, as doccano before 1.3 wrote
it), imported as the annotator `user<N>` and written back as the number while the set is still that annotator's."""
NATIVE_LAYOUT = frozenset(LAYOUT_KEYS)
FOREIGN_SOURCES = frozenset({"spans", "answer", "quotes", "brat", "conll"})
"""Import-marker `had` keys of records from other formats (Prodigy / Label Studio / annotator JSONL, brat,
CoNLL): their spans' own fields (Label Studio's from_name/to_name, Prodigy's score, brat notes) are not doccano's."""


NOT_DOCCANO = frozenset({
    IMPORT_KEY, "relations", "tokens", OVERLAP_KEY,
    # kept for other formats' exports (Prodigy answers, Label Studio, brat, CoNLL): not doccano fields, and a
    # doccano export carrying them would read back as another format
    "answer", "spans", "options", "accept", "cats", "versions", "binary_tasks", "earlier_answers", "label",
    "manual_answer",
    "labelstudio", "brat_other", "conll", "sessions", "session_id",
    # Prodigy task fields (review's view_id / default, a model's score, stream priority, pattern matches)
    "view_id", "default", "score", "priority", "pattern", "config", "html",
    "brat_ids",  # brat's T/R ids (brat.IDS_KEY), for the brat export only (attack v4 H6)
})
"""Keys of AnnotationSet.extra the doccano export does not write (what it writes is doccano's own fields and
what came in a doccano record)."""


def looks_like_doccano(record: dict[str, Any]) -> bool:
    return any(key in record for key in LAYOUT_KEYS) and "spans" not in record and "tokens" not in record


def _annotations(where: Where, text: str, record: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Every labelled span of the record as {start, end, label, user, extra}, plus classification labels."""
    found: list[dict[str, Any]] = []
    categories: list[str] = []
    for key in LAYOUT_KEYS:
        if key not in record or record[key] is None:
            continue
        items = record[key]
        if isinstance(items, str) and key in ("label", "labels"):  # one category as a string: doccano's import
            items = [items]  # takes it as such (a Prodigy textcat task is told apart by detection)
        items = need(where, items, list, f'"{key}"')
        for number, item in enumerate(items):
            what = f"{key} {number}"
            if isinstance(item, str) and key in ("label", "labels"):
                categories.append(item)
                continue
            if isinstance(item, list):
                if len(item) < 3:
                    raise where.fail(f"{what} must be [start, end, label], got {item!r}")
                start, end, label = item[:3]
                if len(item) > 3:  # doccano writes [start, end, label]; a 4th element has no meaning to keep
                    where.warn(f"{what} has {len(item)} elements; a doccano span is [start, end, label]: "
                               f"{shown_value(item[3:])} not kept")
                extra: dict[str, Any] = {}
                user = None
                source: dict[str, Any] = {}
            elif isinstance(item, dict):
                start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
                user = item.get("user")
                extra = {k: v for k, v in item.items() if k not in ENTITY_KEYS}
                source = item
            else:
                raise where.fail(f"{what} must be an object or [start, end, label], got {type_name(item)}")
            rng = check_range(where, text, start, end, what)
            if isinstance(label, int) and not isinstance(label, bool):
                label = str(label)  # old exports name labels by their id: kept, said (the name is only a number)
                where.warn(f"{what} label is the number {label}, not a name (an older doccano export names a label "
                           f"by its id): imported as the label {label!r}")
            if not isinstance(label, str) or not label.strip():
                raise where.fail(f"{what} needs a non-empty label, got {shown_value(label)}")
            check_span_text(where, text, source, rng, what)
            if user is not None and not isinstance(user, (str, int)):
                raise where.fail(f'{what} "user" must be a string or an integer, got {type_name(user)}')
            found.append({"range": rng, "label": label, "user": user, "extra": extra, "tags": source.get("tags"),
                          "what": what})
    cats = record.get("cats")
    if cats is not None:
        categories.extend(string_list(where, cats, '"cats"'))
    return drop_repeats(where, found, keep_labels=frozenset({QUOTE_LABEL, SPEAKER_LABEL, CUE_LABEL})), categories


def drop_repeats(where: Where, found: list[dict[str, Any]], *, keep_labels: frozenset[str] = frozenset()
                 ) -> list[dict[str, Any]]:
    """The same span and label twice (by the same user) is one entity, with a warning (doccano lets a user
    click the same words twice; a NER set cannot hold both). Spans labelled in `keep_labels` are all kept: a
    SPEAKER/CUE/QUOTE entity and a quote's part on the same words are two spans in annotator's export, told
    apart by the relations (`parse_doccano_record`, attack v4 H2)."""
    seen: dict[tuple[Any, ...], str] = {}
    kept = []
    for item in found:
        if item["label"] in keep_labels:
            kept.append(item)
            continue
        key = (item["range"].start, item["range"].end, item["label"], item["user"])
        if key in seen:
            where.warn(f"{item['what']} repeats {seen[key]} ({item['label']} {item['range'].start}-"
                       f"{item['range'].end}); kept once")
            continue
        seen[key] = item["what"]
        kept.append(item)
    return kept


def doccano_text(where: Where, record: dict[str, Any]) -> str:
    """The record's text: `text`, or `data` as doccano 1.5 wrote it (doccano issue #1522)."""
    if "text" not in record and isinstance(record.get("data"), str):
        return record_text(where, {"text": record["data"]})
    return record_text(where, record)


def parse_doccano_record(where: Where, record: dict[str, Any]) -> list[ImportedSet]:
    """A doccano record -> one set per user (the record's `user`, or each span's own `user` in old exports).
    Overlapping (nested) spans: the first is an entity, the others are kept in `OVERLAP_KEY` (written back),
    with a warning."""
    text = doccano_text(where, record)
    meta = record_meta(where, record)
    record_user = annotator_of(where, record, ("_annotator_id", "user", "username"))
    found, categories = _annotations(where, text, record)
    if is_unannotated(record, found, categories):
        return [ImportedSet(text, meta, record_user, None, where.line)]
    relations = need(where, record.get("relations", []) or [], list, '"relations"')
    by_id = {}
    for item in found:
        if "id" in item["extra"]:
            by_id.setdefault(item["extra"]["id"], item)
    groups: dict[Any, list[dict[str, Any]]] = {}
    for item in found:
        groups.setdefault(item["user"], []).append(item)
    if not groups:
        groups[None] = []
    result = []
    extra_base = {k: v for k, v in record.items() if k not in DOCCANO_KEYS and k not in ("user", "username")
                  and not (k == "data" and "text" not in record)}
    for user, items in groups.items():
        in_group = {id(item) for item in items}
        parts: dict[int, dict[str, Any]] = {}  # id(quote item) -> {"speaker": item, "cue": item, ...relations}
        consumed: set[int] = set()
        generic = []
        for number, relation in enumerate(relations):
            need(where, relation, dict, f"relation {number}")
            source, target = by_id.get(relation.get("from_id")), by_id.get(relation.get("to_id"))
            if source is None or target is None:
                raise where.fail(
                    f"relation {number} joins entity ids {relation.get('from_id')!r} -> {relation.get('to_id')!r}, "
                    "which are not entities of this record"
                )
            if id(source) not in in_group:
                continue
            labels = {source["label"], target["label"]}
            if (QUOTE_LABEL in labels and labels & {SPEAKER_LABEL, CUE_LABEL} and len(labels) == 2
                    and relation.get("type") in (None, *(labels - {QUOTE_LABEL}))):
                quote, part = (source, target) if source["label"] == QUOTE_LABEL else (target, source)
                kind = part["label"].lower()
                slot = parts.setdefault(id(quote), {})
                if kind in slot:
                    raise where.fail(f"quote entity {quote['extra'].get('id')!r} has more than one {part['label']} relation")
                slot[kind] = part
                rel_extra = {k: v for k, v in relation.items() if k not in ("from_id", "to_id", "type")}
                if rel_extra:
                    slot[f"{kind}_relation"] = rel_extra
                consumed.add(id(part))
            else:
                generic.append(relation)
        # a QUOTE entity is a quote only with annotator's marks (quote_type / speaker_name, or a SPEAKER/CUE
        # relation); else a person's entity labelled QUOTE (attack s4 H1)
        quote_items = {id(item) for item in items if item["label"] == QUOTE_LABEL
                       and (id(item) in parts or is_marked_quote(item["extra"]))}
        # repeats of SPEAKER/CUE/QUOTE spans were kept until now: the copy a quote took and an equal entity beside
        # it are both kept; other repeats are one span, as any repeat (attack v4 H2)
        heads = {id(item) for item in drop_repeats(where, [item for item in items if id(item) in quote_items])}
        rest = {id(item) for item in drop_repeats(
            where, [item for item in items if id(item) not in quote_items and id(item) not in consumed])}
        items = [item for item in items if id(item) in heads or id(item) in consumed or id(item) in rest]
        quote_items = heads
        bare = [item for item in items if item["label"] == QUOTE_LABEL and id(item) not in quote_items]
        if bare and (quote_items or any(item["label"] in (SPEAKER_LABEL, CUE_LABEL) for item in items)):
            where.warn(bare_quote_warning(bare[0]["what"] + (f" and {len(bare) - 1} more" if bare[1:] else ""),
                                          bare[0]["range"].start, bare[0]["range"].end))
        tags: list[Tag] = []
        entities = []
        overlapping = []
        for item in items:
            if id(item) in quote_items or id(item) in consumed:
                continue
            start, end = item["range"].start, item["range"].end
            if any(e.start < end and start < e.end for e in entities):  # nested or crossing: kept aside
                where.warn(overlap_warning(item["what"], item["label"], start, end))
                overlapping.append({"start": start, "end": end, "label": item["label"], **item["extra"],
                                    **({"tags": item["tags"]} if item["tags"] else {})})
                continue
            entities.append(Entity(start=start, end=end, label=item["label"], extra=item["extra"]))
            tags_from(where, tags, item["tags"], TargetKind.ENTITY, len(entities) - 1, f"{item['what']} tags")
        quotes = []
        for item in items:
            if id(item) not in quote_items:
                continue
            slot = parts.get(id(item), {})
            extra = {k: v for k, v in item["extra"].items() if k not in ("quote_type", "speaker_name")}
            for kind in ("speaker", "cue"):
                if kind in slot and slot[kind]["extra"]:
                    extra[f"{kind}_span"] = slot[kind]["extra"]
                if f"{kind}_relation" in slot:
                    extra[f"{kind}_relation"] = slot[f"{kind}_relation"]
            kind_value = item["extra"].get("quote_type", QuoteType.DIRECT.value)
            if kind_value not in {t.value for t in QuoteType}:
                raise where.fail(f'{item["what"]} "quote_type" must be "direct", "indirect" or "mixed", got {kind_value!r}')
            name = item["extra"].get("speaker_name")
            if name is not None:
                need(where, name, str, f"{item['what']} speaker_name")
            quotes.append(Quote(
                start=item["range"].start, end=item["range"].end, type=QuoteType(kind_value),
                speaker=slot["speaker"]["range"] if "speaker" in slot else None, speaker_name=name,
                cue=slot["cue"]["range"] if "cue" in slot else None, extra=extra,
            ))
            tags_from(where, tags, item["tags"], TargetKind.QUOTE, len(quotes) - 1, f"{item['what']} tags")
        tags_from(where, tags, categories or None, TargetKind.DOCUMENT, None, "classification labels")
        tags_from(where, tags, record.get("tags"), TargetKind.DOCUMENT, None, '"tags"')
        extra = dict(extra_base)
        if "relations" in record:
            extra["relations"] = generic
        if overlapping:
            extra[OVERLAP_KEY] = overlapping
        # doccano has no status: a record is done, unless it is annotator's export of a person's unfinished set
        # (records.STATUS_KEY, the same marker as in annotator JSONL)
        status = UNFINISHED_OF_STATUS.get(extra.get(STATUS_KEY)) if isinstance(extra.get(STATUS_KEY), str) else None
        if status is not None:
            extra.pop(STATUS_KEY)
        aset = AnnotationSet(doc_id=0, annotator="", status=status or Status.DONE, entities=entities, quotes=quotes,
                             tags=tags, extra=extra)
        aset.extra[IMPORT_KEY] = import_marker(record, aset, DOCCANO_KEYS)
        if not entities and not quotes and "entities" not in record and (categories or record.get("relations")):
            mark_entities_not_annotated(aset)  # a classification record: no NER answer (attack 12b #2)
        annotator = annotator_of(where, {"user": user}, ("user",)) if user is not None else record_user
        user_id = user if user is not None else record.get("user") if record_user is not None else None
        if isinstance(user_id, int) and not isinstance(user_id, bool) and annotator == f"user{user_id}":
            aset.extra[IMPORT_KEY][USER_ID_KEY] = user_id  # doccano's user id: written back as the number it was
        result.append(ImportedSet(text, meta, annotator, aset, where.line))
    return result


def _from_prodigy(relation: dict[str, Any], by_offsets: dict[tuple[int, int, str], Any]) -> dict[str, Any]:
    ends = [by_offsets.get((r.get("start"), r.get("end"), r.get("label")))
            for r in (relation["head_span"], relation["child_span"])]
    rest = {k: v for k, v in relation.items() if k not in ("head", "child", "head_span", "child_span", "label")}
    return {**rest, "from_id": ends[0], "to_id": ends[1], "type": relation.get("label")}


def _ids_in(aset: AnnotationSet):
    for entity in aset.entities:
        yield entity.extra.get("id")
    for quote in aset.quotes:
        yield quote.extra.get("id")
        for key in ("speaker_span", "cue_span"):
            part = quote.extra.get(key)
            if isinstance(part, dict):
                yield part.get("id")


def doccano_record(
    doc: Document, aset: AnnotationSet, *, labels: set[str] | None = None, issues: ExportIssues | None = None
) -> dict[str, Any]:
    """One doccano record for one (document, annotator)."""
    marker = aset.extra.get(IMPORT_KEY) or {}
    had = marker.get("had", [])
    record: dict[str, Any] = {
        k: v for k, v in aset.extra.items() if k not in NOT_DOCCANO and not k.startswith("_")
    }
    record["text"] = doc.text
    if Status(aset.status) in (Status.NEW, Status.IN_PROGRESS) and aset.annotator != MODEL_ANNOTATOR:
        record[STATUS_KEY] = Status(aset.status).value  # comes back unfinished, never done
    record["user"] = aset.annotator  # doccano's per-user field: a re-import gives each annotator back
    user_id = marker.get(USER_ID_KEY)
    if isinstance(user_id, int) and not isinstance(user_id, bool) and aset.annotator == f"user{user_id}":
        record["user"] = user_id  # doccano's numeric user id, as it came (attack 12b #12)
    native = bool(NATIVE_LAYOUT & set(had)) and not (FOREIGN_SOURCES & set(had))

    def own_fields(extra: dict[str, Any]) -> dict[str, Any]:
        """A span's or relation's fields for doccano: all of them for a set that came from doccano (written
        back as they came), else only doccano's own (an integer id): other tools' fields never leak in."""
        if native:
            return {k: v for k, v in extra.items() if k not in TOKEN_KEYS}
        ident = extra.get("id")
        return {"id": ident} if isinstance(ident, int) and not isinstance(ident, bool) else {}
    if doc.meta or "meta" in had:
        record["meta"] = dict(doc.meta)
    doc_tags, entity_tags, quote_tags = tag_lists(aset)
    taken = [i for i in _ids_in(aset) if isinstance(i, int) and not isinstance(i, bool)]
    next_id = max(taken, default=-1) + 1

    def fresh(extra: dict[str, Any]) -> dict[str, Any]:
        nonlocal next_id
        if "id" in extra:
            return dict(extra)
        next_id += 1
        return {"id": next_id - 1, **extra}

    entities = []
    pieces_only: set[tuple[int, int, str]] = set()  # discontinuous spans left out, their relations with them

    def discontinuous(start: int, end: int, label: str, extra: dict[str, Any]) -> bool:
        """A discontinuous brat span (`fragments`): doccano holds continuous spans only, and the span covering
        its pieces would hold words that are not the entity; left out and listed, never widened (attack v4 H6)."""
        fragments = extra.get("fragments")
        if not fragments and isinstance(extra.get("brat"), dict):  # an overlapping span keeps brat's extra apart
            fragments = extra["brat"].get("fragments")
        if not fragments:
            return False
        pieces_only.add((start, end, label))
        if issues is not None:
            issues.left_out.append(
                f"document {doc.id} ({aset.annotator}): discontinuous {label} span "
                f"{'; '.join(f'{a}-{b}' for a, b in fragments)} left out (doccano holds continuous spans only)")
        return True
    for i, entity in enumerate(aset.entities):
        if labels is not None and entity.label not in labels:
            continue
        if discontinuous(entity.start, entity.end, entity.label, entity.extra):
            continue
        kept = own_fields(entity.extra)
        item = {**fresh(kept), "label": entity.label, "start_offset": entity.start, "end_offset": entity.end}
        if entity_tags.get(i):
            item["tags"] = entity_tags[i]
        entities.append(item)
    for span in overlapping_spans(aset):  # nested / crossing spans kept beside the entities: doccano has them
        if labels is not None and span["label"] not in labels:
            continue
        if discontinuous(span["start"], span["end"], span["label"], span):
            continue
        kept = own_fields({k: v for k, v in span.items() if k not in ("start", "end", "label", "text")})
        entities.append({**fresh(kept), "label": span["label"], "start_offset": span["start"],
                         "end_offset": span["end"]})
    exported_ids = {e["id"] for e in entities}
    by_offsets = {(e["start_offset"], e["end_offset"], e["label"]): e["id"] for e in entities}
    relations = []
    for original in aset.extra.get("relations", []):
        relation = original
        if isinstance(relation.get("head_span"), dict) and isinstance(relation.get("child_span"), dict):
            relation = _from_prodigy(relation, by_offsets)  # a Prodigy relation: make it doccano's
        if relation.get("from_id") in exported_ids and relation.get("to_id") in exported_ids:
            if not native:  # doccano's relation fields only (id, from_id, to_id, type)
                relation = {**own_fields(relation), **{k: relation[k] for k in ("from_id", "to_id", "type")
                                                       if k in relation}}
            relations.append(relation)
        elif issues is not None:
            ends = span_relation(original, aset) or {}
            why = ("one of its entities is discontinuous (left out, listed)"
                   if any((e.get("start"), e.get("end"), e.get("label")) in pieces_only
                          for e in (ends.get("head_span") or {}, ends.get("child_span") or {}))
                   else "one of its entities was changed or deleted")
            issues.dropped_relations.append(
                f"document {doc.id} ({aset.annotator}): relation {relation.get('type')!r} "
                f"{relation.get('from_id')}->{relation.get('to_id')} left out: {why}"
            )
    parts: dict[tuple[int, int, str], dict[str, Any]] = {}
    for i, quote in enumerate(aset.quotes):
        extra = own_fields({k: v for k, v in quote.extra.items()
                            if k not in ("speaker_span", "cue_span", "speaker_relation", "cue_relation")})
        head = {**fresh(extra), "label": QUOTE_LABEL, "start_offset": quote.start, "end_offset": quote.end,
                "quote_type": QuoteType(quote.type).value, "speaker_name": quote.speaker_name}
        if quote_tags.get(i):
            head["tags"] = quote_tags[i]
        entities.append(head)
        for kind, rng, label in (("speaker", quote.speaker, SPEAKER_LABEL), ("cue", quote.cue, CUE_LABEL)):
            if rng is None:
                continue
            key = (rng.start, rng.end, label)
            if key not in parts:
                parts[key] = {**fresh(own_fields(quote.extra.get(f"{kind}_span", {}))), "label": label,
                              "start_offset": rng.start, "end_offset": rng.end}
                entities.append(parts[key])
            relations.append({**(quote.extra.get(f"{kind}_relation", {}) if native else {}), "from_id": head["id"],
                              "to_id": parts[key]["id"], "type": label})
    nothing = not entities and not relations and not doc_tags
    label_key = next((k for k in ("label", "labels") if k in had), None)
    spans_only = not relations and not aset.quotes and "relations" not in had and "entities" not in had
    if doc_tags and not entities and spans_only:
        record[label_key or "label"] = doc_tags  # text classification: doccano's `label`, a list of categories
    elif label_key and spans_only and not doc_tags:
        record[label_key] = [[e["start_offset"], e["end_offset"], e["label"]] for e in entities]
    else:
        record["entities"] = entities
        record["relations"] = relations
        if doc_tags or "cats" in had:  # categories beside spans: doccano's intent-and-slot layout
            record["cats"] = doc_tags
    if nothing and Status(aset.status) is Status.DONE:
        record[DONE_KEY] = True  # a person's "nothing here", which an empty doccano record does not say
    return record


__all__ = ["doccano_record", "looks_like_doccano", "parse_doccano_record", "TextRange"]
