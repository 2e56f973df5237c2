"""Export annotation sets as annotator JSONL, Prodigy, doccano or spaCy DocBin, streamed.

Documents are walked in id order with `Store.iter_document_ids`, a batch at a time; each batch's annotation
sets (filtered by annotator and status) are loaded with one query per table, so memory stays flat however
large the corpus. One record per (document, annotator) for the exchange formats (jsonl, prodigy); the
training formats (spacy, doccano) keep one version per document and done sets by default (`default_versions`,
`default_statuses`). With a split, documents go to `train` / `dev` in exact numbers (`exact_sides`: the share
rounded), in the order of a hash of the document and the seed (the order `annotator train` uses), so every
annotator's record of a document lands on the same side.
"""

from __future__ import annotations

import json
import operator
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
import os
from pathlib import Path
from typing import Any

from annotator.core.errors import Cancelled
from annotator.core.model import (
    MODEL_ANNOTATOR,
    AnnotationSet,
    Document,
    Entity,
    Origin,
    Quote,
    QuoteType,
    Status,
    Tag,
    TargetKind,
    TextRange,
)
from annotator.core.files import StagedFiles, resolve_write_folder, resolve_write_target
from annotator.core.spans import has_blank_edge
from annotator.core.store import Store
from annotator.io.records import (
    ANSWER_OF_STATUS,
    STATUS_KEY,
    ExportIssues,
    input_hash_of_digest,
    one_shot_encoder,
    record_from_set,
    task_hash_from_key,
)

EXPORT_FORMATS = ("jsonl", "prodigy", "doccano", "spacy", "conll", "iob", "brat", "labelstudio")
WHOLE_FILE_FORMATS = ("conll", "iob", "brat", "labelstudio")
"""Formats written by a writer that takes (document, set) pairs and writes its file(s) at the end."""
SUFFIXES = {"conll": ".conll", "iob": ".iob", "labelstudio": ".json", "brat": ""}
TRAINING_FORMATS = ("spacy", "doccano")
"""Formats read as training data: no `answer` field to carry a status, and one text should be one example."""
STATUSLESS_FORMATS = ("conll", "iob", "brat")
"""Formats with no status field (issue 12): a rejected or skipped set would read as done, so done sets only."""
DEFAULT_STATUSES = (Status.DONE, Status.REJECTED, Status.SKIPPED)
"""Exchange formats (jsonl, prodigy, labelstudio): the status travels as Prodigy's `answer` (accept / reject /
ignore) or Label Studio's `was_cancelled`."""
TRAINING_STATUSES = (Status.DONE,)
"""Training formats: only finished sets; a rejected or skipped document is not an example of anything."""
VERSIONS = ("one", "all")


def default_statuses(fmt: str) -> list[Status]:
    """The statuses exported when the user names none: done only for the training formats (spacy, doccano) and
    the formats without a status field (conll, iob, brat); else (jsonl, prodigy, labelstudio) done, rejected and
    skipped, whose status survives as Prodigy's `answer` or Label Studio's `was_cancelled`."""
    done_only = fmt in TRAINING_FORMATS or fmt in STATUSLESS_FORMATS
    return list(TRAINING_STATUSES if done_only else DEFAULT_STATUSES)


def default_versions(fmt: str) -> str:
    """"one" version per document for training formats (the same text with conflicting annotations teaches
    noise), "all" (one record per document and annotator) for exchange formats. Issue 12 exported doccano with
    every annotator's `user`; issue 13's training rule wins for doccano (`--versions all` gives them all back)."""
    return "one" if fmt in TRAINING_FORMATS else "all"


SHARD_DOCS = 10_000
"""Above this many records a spaCy split is written as a folder of DocBin shards (bounded memory)."""


LINE_BREAKERS = ("\x85", "\u2028", "\u2029")
"""Characters str.splitlines() breaks on, which JSON allows raw inside strings."""


class ExportCancelled(Cancelled):
    """The user cancelled the export (files written so far are removed)."""


@dataclass(slots=True)
class ExportOptions:
    format: str = "jsonl"
    output: Path | None = None
    annotators: list[str] | None = None
    """None: every annotator except the model's pre-extraction."""
    statuses: list[Status] | None = None
    """None: the format's default (`default_statuses`)."""
    versions: str | None = None
    """"one": one set per document (gold if selected and present, else the most recently updated set, ties by
    annotator name; each such choice listed in `issues.duplicates`); "all": every selected set. None: the
    format's default (`default_versions`)."""
    labels: list[str] | None = None
    """Only entities with these labels (quotes are always exported)."""
    split: float | None = None
    seed: int = 0
    align: str = "strict"
    lang: str = "en"
    batch: int = 500
    shard_docs: int | None = None
    """spaCy only: DocBin shard size; None decides from the number of records (SHARD_DOCS)."""
    include_model: bool = False
    """Training formats (spacy, doccano, conll, iob, brat): also model sets (`model`, `model@...`), ranked after
    people's (`io/training_version.py`)."""


@dataclass(slots=True)
class ExportReport:
    format: str = ""
    records: int = 0
    documents: int = 0
    by_split: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    issues: ExportIssues = field(default_factory=ExportIssues)
    replaced: list[str] = field(default_factory=list)
    """Files of this export that replaced a file of the same name (an earlier export into the same place)."""
    empty_sides: list[str] = field(default_factory=list)
    """Sides of a split that got no document (`--split 1`: no dev), so no file was written for them."""
    foreign_sides: list[str] = field(default_factory=list)
    """Files of an empty side already in the folder (not this export's: left as they were)."""

    def summary(self) -> str:
        parts = [f"{self.records} records of {self.documents} documents ({self.format})"]
        if self.by_split and (len(self.by_split) > 1 or "all" not in self.by_split):  # no empty "; " part
            parts.append(", ".join(f"{k} {v}" for k, v in self.by_split.items()))
        for side in self.empty_sides:
            foreign = [f for f in self.foreign_sides if Path(f).stem == side]
            parts.append(f"no {side} documents, so no {side} file written" + (
                f" ({foreign[0]} is already there from before, not this export's: left as it was)" if foreign else ""))
        if self.replaced:
            shown = ", ".join(self.replaced[:3]) + (f" and {len(self.replaced) - 3} more" if len(self.replaced) > 3
                                                    else "")
            parts.append(f"replaced {len(self.replaced)} file{'s' if len(self.replaced) > 1 else ''} already there "
                         f"({shown})")
        if self.issues.misaligned:
            parts.append(f"{len(self.issues.misaligned)} spans not aligned with tokens (listed above)")
        if self.issues.duplicates:
            parts.append(f"{len(self.issues.duplicates)} documents had several versions, one kept (listed; review "
                         "them to make a gold set, or export --versions all)")
        if self.issues.blank_edges:
            parts.append(f"{len(self.issues.blank_edges)} spans start or end in whitespace (listed above)")
        if self.issues.dropped_relations:
            parts.append(f"{len(self.issues.dropped_relations)} relations left out (listed above)")
        if self.issues.left_out:
            parts.append(f"{len(self.issues.left_out)} spans this format cannot hold as they are (listed above)")
        if self.issues.unjudged:
            parts.append(f"{len(self.issues.unjudged)} sets with tokens nobody judged for entities left out (listed "
                         "above)")
        if self.issues.declined_models:
            parts.append(f"{len(self.issues.declined_models)} model sets left out for documents a person skipped or "
                         "rejected (listed above)")
        if self.issues.reviewed_out:
            parts.append(f"{len(self.issues.reviewed_out)} documents left out: their gold set was rejected or "
                         "skipped in review (listed above)")
        if self.issues.model_sets_left_out:
            parts.append(f"model sets left out: {', '.join(self.issues.model_sets_left_out)} (training uses people's "
                         "sets; --include-model or --annotator to add them)")
        return "; ".join(parts) + "\n" + "\n".join(self.files)


def default_output(fmt: str, base: Path | None = None, *, split: bool = False) -> Path:
    """`./exports/annotations-<format>-<timestamp>[-N][.jsonl]` (a folder for spaCy or a split). A name already
    taken (an export earlier in the same second) gets the next free `-2`, `-3`, ... so none is overwritten."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = (base or Path.cwd()) / "exports"
    number = 1
    while True:
        name = f"annotations-{fmt}-{stamp}" + (f"-{number}" if number > 1 else "")
        if fmt in SUFFIXES:
            path = folder / f"{name}{SUFFIXES[fmt]}"
        else:
            path = folder / name if fmt == "spacy" or split else folder / f"{name}.jsonl"
        if not os.path.lexists(path):
            return path
        number += 1


def split_key(doc_hash: str, seed: int) -> float:
    """A document's place in the split order: a hash of its text and the seed (stable as documents are added).
    The one order of `export --split` and `annotator train` (train/data.py)."""
    return random.Random(f"{seed}:{doc_hash}").random()


def exact_sides(doc_hashes: Iterable[str], split: float, seed: int) -> dict[str, str]:
    """{document hash: "train" | "dev"} for `export --split`: exactly n - round((1 - split) x n) documents to
    train, the rest to dev (at least one on each side when 0 < split < 1 and there are 2 or more), taken in
    `split_key` order, the order `annotator train` uses: so the dev side of `export --split 0.8 --seed S` is the
    held-out side of `train --eval-split 0.2 --seed S` on the same documents. Not a coin flip per document."""
    ordered = sorted(set(doc_hashes), key=lambda h: (split_key(h, seed), h))
    total = len(ordered)
    dev = round((1.0 - split) * total)
    if 0.0 < split < 1.0 and total >= 2:
        dev = min(total - 1, max(1, dev))
    return {h: ("dev" if i < dev else "train") for i, h in enumerate(ordered)}


def selected_document_hashes(store: Store, annotator_ids: dict[int, str], statuses: Iterable[Status], *,
                             models_any_status: bool = False) -> list[str]:
    """Hashes of the documents that have a set the export selects (the population `exact_sides` splits)."""
    statuses = [Status(s).value for s in statuses]
    if not annotator_ids or not statuses:
        return []
    rows = store.query(
        f"SELECT DISTINCT d.hash FROM documents d JOIN annotation_sets s ON s.doc_id = d.id "
        f"WHERE s.annotator_id IN ({','.join('?' * len(annotator_ids))}) "
        f"AND {_status_filter(models_any_status).format(marks=','.join('?' * len(statuses)))}",
        [*annotator_ids, *statuses, MODEL_ANNOTATOR],
    )
    return [row[0] for row in rows]


def is_model_name(name: str) -> bool:
    """The model's pre-extraction (`model`) or a model's predictions imported as `model@<version>`: sets with
    no workflow status, never someone's answer."""
    return name == MODEL_ANNOTATOR or name.startswith(f"{MODEL_ANNOTATOR}@")


def selected_annotator_ids(store: Store, names: list[str] | None) -> dict[int, str]:
    if names is None:
        return {a.id: a.name for a in store.annotators() if not is_model_name(a.name)}
    known = {a.name: a.id for a in store.annotators()}
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(f"no annotator named {', '.join(map(repr, missing))} (known: {', '.join(sorted(known))})")
    return {known[n]: n for n in names}


_STATUS_FILTER = ("(status IN ({marks}) OR annotator_id IN (SELECT id FROM annotators WHERE name = ? "
                  "OR name GLOB 'model@*'))")
"""The status filter of an export. The model's pre-extraction has no workflow status (stored as `new`): when
the model is asked for by name, all its sets are exported whatever statuses are selected."""
_MODELS_FILTER = ("(status IN ({marks}) OR annotator_id IN (SELECT id FROM annotators WHERE name = ? "
                  "OR name LIKE 'model@%'))")
"""The status filter of a training export with --include-model: no model set has a workflow status."""


def _status_filter(models: bool) -> str:
    return _MODELS_FILTER if models else _STATUS_FILTER


def count_sets(store: Store, annotator_ids: dict[int, str], statuses: Iterable[Status], *,
               models_any_status: bool = False) -> int:
    if not annotator_ids:
        return 0
    statuses = [Status(s).value for s in statuses]
    rows = store.query(
        f"SELECT count(*) FROM annotation_sets WHERE annotator_id IN ({','.join('?' * len(annotator_ids))}) "
        f"AND {_status_filter(models_any_status).format(marks=','.join('?' * len(statuses)))}",
        [*annotator_ids, *statuses, MODEL_ANNOTATOR],
    )
    return rows[0][0]


def document_id_batches(store: Store, batch: int) -> Iterator[list[int]]:
    """Every document id, in order, as lists of at most `batch` (flat memory on any corpus)."""
    ids = iter(store.iter_document_ids(batch=batch))
    while doc_ids := [doc_id for _, doc_id in zip(range(batch), ids)]:
        yield doc_ids


def iter_sets(
    store: Store, annotator_ids: dict[int, str], statuses: Iterable[Status], *, batch: int = 500,
    models_any_status: bool = False,
) -> Iterator[tuple[Document, AnnotationSet]]:
    """(document, annotation set) in document id order, then annotator name; a batch of documents at a time.
    `models_any_status`: model sets (`model@...`) whatever their status (they have no workflow)."""
    statuses = [Status(s).value for s in statuses]
    if not annotator_ids or not statuses:
        return
    for doc_ids in document_id_batches(store, batch):
        yield from _load_batch(store, doc_ids, annotator_ids, statuses, models_any_status)


def _load_batch(store: Store, doc_ids: list[int], annotator_ids: dict[int, str], statuses: list[str],
                models_any_status: bool = False):
    for set_row, doc_row, meta, entity_rows, quote_rows, tag_rows in _read_batch(store, doc_ids, annotator_ids,
                                                                                 statuses, models_any_status):
        yield _document(doc_row, meta), _annotation_set(set_row, annotator_ids, entity_rows, quote_rows, tag_rows)


def _annotation_set(set_row: tuple, annotator_ids: dict[int, str], entity_rows, quote_rows, tag_rows) -> AnnotationSet:
    doc_id, annotator_id, status, extra, updated_at = set_row
    return AnnotationSet(
        doc_id=doc_id,
        annotator=annotator_ids[annotator_id],
        status=Status(status),
        entities=[_entity(e) for e in entity_rows],
        quotes=[_quote(q) for q in quote_rows],
        tags=[_tag(t) for t in tag_rows],
        extra=json.loads(extra),
        updated_at=updated_at,
    )


def _document(doc_row: tuple, meta: dict[str, Any]) -> Document:
    doc_id, text_hash, title, source, text, _ = doc_row
    return Document(text=text, title=title, source=source, meta=meta, id=doc_id, hash=text_hash)


def _read_batch(store: Store, doc_ids: list[int], annotator_ids: dict[int, str], statuses: list[str],
                models_any_status: bool = False):
    """The rows of every wanted set of these documents, in export order (document id, then annotator name):
    (set row, document row, parsed meta, entity rows, quote rows, tag rows) as plain tuples, entities and
    quotes in text order (start, end, id), tags by kind, target and name. One query a table for the batch."""
    docs_in = ",".join("?" * len(doc_ids))
    who_in = ",".join("?" * len(annotator_ids))
    sets = _tuples(
        store,
        f"SELECT doc_id, annotator_id, status, extra, updated_at FROM annotation_sets "
        f"WHERE doc_id IN ({docs_in}) AND annotator_id IN ({who_in}) "
        f"AND {_status_filter(models_any_status).format(marks=','.join('?' * len(statuses)))}",
        [*doc_ids, *annotator_ids, *statuses, MODEL_ANNOTATOR],
    )
    if not sets:
        return
    wanted = sorted({r[0] for r in sets})
    wanted_in = ",".join("?" * len(wanted))
    params = [*wanted, *annotator_ids]
    # (doc_id, annotator_id) -> [entity rows, quote rows, tag rows]
    grouped: dict[tuple[int, int], tuple[list, list, list]] = {(r[0], r[1]): ([], [], []) for r in sets}
    # Entities and quotes in the order of their index (doc_id, annotator_id, start, id: no sort in SQLite),
    # then each set's rows sorted by (start, end, id) below.
    for position, (table, columns, order) in enumerate((
        ("entities", ENTITY_COLUMNS, "annotator_id, start, id"),
        ("quotes", QUOTE_COLUMNS, "annotator_id, start, id"),
        ("tags", TAG_COLUMNS, "target_kind, target_id, tag"),
    )):
        for row in _tuples(
            store,
            f"SELECT {columns} FROM {table} WHERE doc_id IN ({wanted_in}) AND annotator_id IN ({who_in}) "
            f"ORDER BY doc_id, {order}",
            params,
        ):
            bucket = grouped.get((row[0], row[1]))
            if bucket is not None:
                bucket[position].append(row)
    documents = {
        r[0]: r
        for r in _tuples(store, f"SELECT id, hash, title, source, text, meta FROM documents WHERE id IN ({wanted_in})", wanted)
    }
    metas: dict[int, dict[str, Any]] = {}
    for set_row in sorted(sets, key=lambda r: (r[0], annotator_ids[r[1]])):
        doc_id = set_row[0]
        entity_rows, quote_rows, tag_rows = grouped[(doc_id, set_row[1])]
        if len(entity_rows) > 1:
            entity_rows.sort(key=_SPAN_ORDER)
        if len(quote_rows) > 1:
            quote_rows.sort(key=_SPAN_ORDER)
        meta = metas.get(doc_id)
        if meta is None:
            meta = metas[doc_id] = json.loads(documents[doc_id][5])
        yield set_row, documents[doc_id], meta, entity_rows, quote_rows, tag_rows


# Row -> model conversion for the export's bulk reads: the same objects as store.entity_from_row & co., from
# plain tuples, with the common empty `extra` ("{}") not parsed and enums looked up in a dict.
ENTITY_COLUMNS = 'doc_id, annotator_id, id, start, "end", label, origin, extra'
QUOTE_COLUMNS = (
    'doc_id, annotator_id, id, start, "end", type, speaker_start, speaker_end, speaker_name, cue_start, cue_end, '
    "origin, extra"
)
TAG_COLUMNS = "doc_id, annotator_id, id, target_kind, target_id, tag"
_ORIGINS = {o.value: o for o in Origin}
_QUOTE_TYPES = {t.value: t for t in QuoteType}
_KINDS = {k.value: k for k in TargetKind}


def _tuples(store: Store, sql: str, params: list[Any]) -> list[tuple]:
    with store._lock:
        cursor = store.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()


def _extra(raw: str) -> dict[str, Any]:
    return {} if raw == "{}" else json.loads(raw)


def _entity(r: tuple) -> Entity:
    return Entity(start=r[3], end=r[4], label=r[5], origin=_ORIGINS[r[6]], id=r[2], doc_id=r[0], annotator_id=r[1],
                  extra=_extra(r[7]))


def _quote(r: tuple) -> Quote:
    return Quote(
        start=r[3], end=r[4], type=_QUOTE_TYPES[r[5]],
        speaker=TextRange(r[6], r[7]) if r[6] is not None else None, speaker_name=r[8],
        cue=TextRange(r[9], r[10]) if r[9] is not None else None,
        origin=_ORIGINS[r[11]], id=r[2], doc_id=r[0], annotator_id=r[1], extra=_extra(r[12]),
    )


def _tag(r: tuple) -> Tag:
    kind = _KINDS[r[3]]
    return Tag(tag=r[5], target_kind=kind, target_id=None if kind is TargetKind.DOCUMENT else r[4], id=r[2],
               doc_id=r[0], annotator_id=r[1])


_SPAN_ORDER = operator.itemgetter(3, 4, 2)
"""(start, end, id) of an entity or quote row."""
_ANSWERS = {status.value: answer for status, answer in ANSWER_OF_STATUS.items()}


def iter_jsonl_records(
    store: Store,
    annotator_ids: dict[int, str],
    statuses: Iterable[Status],
    *,
    batch: int = 500,
    labels: set[str] | None = None,
    issues: ExportIssues | None = None,
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(document id, document hash, annotator JSONL record) in `iter_sets` order: the same records as
    `record_from_set` over `iter_sets`, built straight from the rows. A set whose rows carry no `extra` (the
    common case) skips the model objects; any other set goes through `record_from_set`, so kept fields,
    tokens and relations behave exactly as there."""
    statuses = [Status(s).value for s in statuses]
    if not annotator_ids or not statuses:
        return
    for doc_ids in document_id_batches(store, batch):
        yield from _jsonl_batch(store, doc_ids, annotator_ids, statuses, labels, issues)


def _jsonl_batch(store, doc_ids, annotator_ids, statuses, labels, issues):
    for set_row, doc_row, meta, entity_rows, quote_rows, tag_rows in _read_batch(store, doc_ids, annotator_ids, statuses):
        doc_id, annotator_id, status, extra, _ = set_row
        if (
            extra == "{}"
            and all(e[7] == "{}" for e in entity_rows)
            and all(q[12] == "{}" for q in quote_rows)
        ):
            record = _plain_record(doc_row[4], doc_row[1], meta, annotator_ids[annotator_id], status, entity_rows, quote_rows,
                                   tag_rows, labels)
        else:
            aset = _annotation_set(set_row, annotator_ids, entity_rows, quote_rows, tag_rows)
            record = record_from_set(_document(doc_row, meta), aset, labels=labels, issues=issues)
        yield doc_id, doc_row[1], record


def _plain_record(text, text_hash, meta, annotator, status, entity_rows, quote_rows, tag_rows, labels) -> dict[str, Any]:
    """= record_from_set for a set with empty `extra` everywhere (no kept fields, tokens or relations)."""
    doc_tags: list[str] = []
    entity_tags: dict[int, list[str]] = {}
    quote_tags: dict[int, list[str]] = {}
    if tag_rows:
        entity_ids = {e[2] for e in entity_rows}
        quote_ids = {q[2] for q in quote_rows}
        for t in tag_rows:
            kind = t[3]
            if kind == "document":
                doc_tags.append(t[5])
            elif kind == "entity":
                if t[4] in entity_ids:
                    entity_tags.setdefault(t[4], []).append(t[5])
            elif kind == "quote" and t[4] in quote_ids:
                quote_tags.setdefault(t[4], []).append(t[5])
        doc_tags.sort()
        for tags in (*entity_tags.values(), *quote_tags.values()):
            tags.sort()
    ih = input_hash_of_digest(text_hash)
    content = [
        sorted([e[3], e[4], e[5]] for e in entity_rows),
        sorted(
            [q[3], q[4], q[5], [q[6], q[7]] if q[6] is not None else None, [q[9], q[10]] if q[9] is not None else None,
             q[8]]
            for q in quote_rows
        ),
    ]
    record: dict[str, Any] = {
        "text": text,
        "meta": dict(meta),
        "_input_hash": ih,
        "_task_hash": task_hash_from_key(content, ih),
        "_annotator_id": annotator,
    }
    answer = _ANSWERS.get(status)
    if answer:
        record["answer"] = answer
    elif annotator != MODEL_ANNOTATOR:  # a person's unfinished set: records.base_record's marker, the same rule
        record[STATUS_KEY] = status
    spans = []
    for e in entity_rows:
        if labels is not None and e[5] not in labels:
            continue
        start, end = e[3], e[4]
        span = {"start": start, "end": end, "label": e[5], "text": text[start:end]}
        tags = entity_tags.get(e[2])
        if tags:
            span["tags"] = tags
        spans.append(span)
    record["spans"] = spans
    quotes = []
    for q in quote_rows:
        start, end = q[3], q[4]
        speaker = cue = None
        if q[6] is not None:
            speaker = {"start": q[6], "end": q[7], "text": text[q[6]:q[7]]}
        if q[9] is not None:
            cue = {"start": q[9], "end": q[10], "text": text[q[9]:q[10]]}
        quotes.append({
            "start": start, "end": end, "text": text[start:end], "type": q[5], "speaker": speaker, "cue": cue,
            "speaker_name": q[8], "tags": quote_tags.get(q[2]) or [],
        })
    record["quotes"] = quotes
    record["tags"] = doc_tags
    return record


def record_builder(fmt: str, options: ExportOptions, issues: ExportIssues) -> Callable[[Document, AnnotationSet], dict[str, Any]]:
    labels = set(options.labels) if options.labels else None
    if fmt == "jsonl":
        return lambda doc, aset: record_from_set(doc, aset, labels=labels, issues=issues)
    if fmt == "prodigy":
        from annotator.io.prodigy import prodigy_record
        from annotator.io.prodigy_answers import EARLIER_KEY, binary_export_tasks, manual_export_parts

        def build(doc: Document, aset: AnnotationSet) -> dict[str, Any] | list[dict[str, Any]]:
            tasks = binary_export_tasks(doc.text, aset)  # binary answers go back as the tasks they came as
            if tasks is not None and labels is None:
                return tasks
            # a manual answer merged with binary answers goes back as that answer followed by the tasks
            parts = manual_export_parts(doc.text, aset) if labels is None else None
            after: list[dict[str, Any]] = []
            if parts is not None:
                aset, after = parts
            record = prodigy_record(doc, aset, labels=labels, issues=issues, lang=options.lang)
            earlier = record.pop(EARLIER_KEY, None)  # earlier answers are records of their own, as in Prodigy's
            if not isinstance(earlier, list) or not earlier:  # dataset (db-in sees them; a re-import keeps them)
                return [record, *after] if after else record
            return [*({"text": doc.text, **{k: v for k, v in kept.items() if v != [] or k not in ("quotes", "tags")},
                       "_annotator_id": aset.annotator} for kept in earlier if isinstance(kept, dict)), record, *after]

        return build
    if fmt == "doccano":
        from annotator.io.doccano import doccano_record

        return lambda doc, aset: doccano_record(doc, aset, labels=labels, issues=issues)
    raise ValueError(f"unknown format {fmt!r}")


def check_output(output: Path, fmt: str, *, folder: bool) -> None:
    """Refuse (ValueError, one line) an output that cannot take this export: a folder where a file is written,
    a file where a folder is (spacy, --split), or something that is not a regular file (a device such as
    /dev/full, a pipe): the atomic rename would replace it instead of writing into it."""
    if folder:
        if output.exists() and not output.is_dir():
            what = {"spacy": "a folder (train, dev)", "brat": "a folder of .txt/.ann pairs"}.get(fmt)
            raise ValueError(f"{output}: is a file; the {fmt} export{' with a split' if what is None else ''} "
                             f"writes {what or 'a folder (train, dev)'}: give a folder name")
        return
    if output.is_dir():
        raise ValueError(f"{output}: is a folder; the {fmt} export writes one file: give a file name")
    if output.exists() and not output.is_file():
        raise ValueError(f"{output}: is not a regular file (a device or a pipe); give a file name")


def export(
    store: Store,
    options: ExportOptions,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> ExportReport:
    """Write the selected annotation sets; returns what was written and what could not be expressed exactly."""
    fmt = options.format
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    if options.split is not None and not 0.0 <= options.split <= 1.0:
        raise ValueError("--split must be between 0 and 1")
    split = options.split if options.split is not None else (0.8 if fmt == "spacy" else None)
    if split is not None and fmt in WHOLE_FILE_FORMATS:
        raise ValueError(f"--split is for jsonl, prodigy, doccano and spacy exports, not {fmt}")
    statuses = list(options.statuses) if options.statuses is not None else default_statuses(fmt)
    versions = options.versions or default_versions(fmt)
    if versions not in VERSIONS:
        raise ValueError(f"unknown --versions {versions!r} (choose from {', '.join(VERSIONS)})")
    if options.labels and not any(label in store.labels() for label in options.labels):  # a typo exports nothing
        known = ", ".join(list(store.labels())[:20])
        raise ValueError(f"no entity label named {', '.join(map(repr, options.labels))} (known: {known})")
    report = ExportReport(format=fmt)
    issues = report.issues
    training = fmt in TRAINING_FORMATS or fmt in STATUSLESS_FORMATS
    if training:  # the one rule of what trains (io/training_version.py)
        from annotator.io.training_version import training_annotator_ids

        annotator_ids = training_annotator_ids(store, options.annotators, include_model=options.include_model,
                                               issues=issues)
    else:
        annotator_ids = selected_annotator_ids(store, options.annotators)
    if fmt == "labelstudio" and options.annotators is None:  # the model's set goes along as the prediction
        annotator_ids.update({a.id: a.name for a in store.annotators() if is_model_name(a.name)})
    models_any_status = training and options.include_model
    total = count_sets(store, annotator_ids, statuses, models_any_status=models_any_status)
    if training and total == 0:  # an empty training file is never wanted (`train` refuses the same selection)
        who = ", ".join(options.annotators) if options.annotators else "any person"
        raise ValueError(f"nothing to export: no {'/'.join(Status(s).value for s in statuses)} set by {who} "
                         f"(--status, --annotator choose others); nothing was written")
    output = Path(options.output) if options.output else default_output(fmt, split=split is not None)
    check_output(output, fmt, folder=fmt in ("spacy", "brat") or split is not None)
    made = missing_folders(output)  # a failed or interrupted export removes the ones it made, if left empty
    side_suffix = ".spacy" if fmt == "spacy" else ".jsonl"
    there_before = files_there(output, fmt, split is not None, side_suffix)
    writer: Any
    if fmt == "spacy":
        from annotator.io.spacy_docbin import DocBinWriter

        shard = options.shard_docs if options.shard_docs is not None else (SHARD_DOCS if total > SHARD_DOCS else None)
        writer = DocBinWriter(output, lang=options.lang, align=options.align, shard_docs=shard or None,
                              protected=(store.path,))
    elif fmt in WHOLE_FILE_FORMATS:
        if fmt == "brat":  # a folder of .txt/.ann pairs
            resolve_write_folder(output, protected=(store.path,))
        else:
            resolve_write_target(output, protected=(store.path,))
        writer = whole_file_writer(fmt, output, set(options.labels) if options.labels else None, issues)
    else:
        writer = JsonlWriter(output, split=split is not None, suffix=".jsonl", protected=(store.path,))
        build = record_builder(fmt, options, issues)
    labels = set(options.labels) if options.labels else None
    last_doc = None
    # (document id, document hash, the set's JSONL record or None, document, annotation set)
    items: Iterator[tuple[int, str, dict[str, Any] | None, Document | None, AnnotationSet | None]]
    if fmt == "jsonl" and versions == "all":  # records straight from the rows (same records, no model objects)
        items = ((doc_id, doc_hash, record, None, None) for doc_id, doc_hash, record in
                 iter_jsonl_records(store, annotator_ids, statuses, batch=options.batch, labels=labels,
                                    issues=issues))
    else:
        pairs = iter_sets(store, annotator_ids, statuses, batch=options.batch, models_any_status=models_any_status)
        if versions == "one":
            from annotator.io.training_version import declined_guard

            guard = declined_guard(store, annotator_ids) if training else None
            pairs = one_version_per_document(pairs, gold_names(store), issues, guard)
        elif training:  # every version, but a model set still never stands in for a person who declined
            from annotator.io.training_version import declined_guard, drop_declined_models

            pairs = drop_declined_models(pairs, issues, declined_guard(store, annotator_ids))
        items = ((doc.id, doc.hash, None, doc, aset) for doc, aset in pairs)
    sides = exact_sides(selected_document_hashes(store, annotator_ids, statuses, models_any_status=models_any_status),
                        split, options.seed) if split is not None else {}
    try:
        for doc_id, doc_hash, record, doc, aset in items:
            side = sides.get(doc_hash, "train") if split is not None else "all"
            if aset is not None and fmt in ("conll", "iob", "doccano", "brat") and _unjudged_left_out(
                    fmt, issues, doc, aset):
                continue
            if doc is not None and fmt in TOKENIZED_FORMATS and _too_long_left_out(fmt, issues, doc, aset):
                continue
            _list_blank_edges(issues, doc_id, record, doc, aset)
            if record is not None:
                writer.write(side, record)
            elif fmt == "spacy":
                writer.add(side, doc, aset, labels=labels, issues=issues)
            elif fmt in WHOLE_FILE_FORMATS:
                if writer.add(doc, aset) is False:  # left out by the writer (listed in issues)
                    continue
            else:
                built = build(doc, aset)
                for one in built if isinstance(built, list) else [built]:
                    writer.write(side, one)
            report.records += 1
            report.by_split[side] = report.by_split.get(side, 0) + 1
            if doc_id != last_doc:
                report.documents += 1
                last_doc = doc_id
            if report.records % 500 == 0:
                if should_cancel and should_cancel():
                    raise ExportCancelled("export cancelled")
                if on_progress:
                    on_progress(report.records, total)
        if should_cancel and should_cancel():  # a cancel after the last poll still leaves nothing behind
            raise ExportCancelled("export cancelled")
        if fmt in WHOLE_FILE_FORMATS:
            files = writer.close()
        elif split is not None:  # a side without documents gets no file (an empty dev.spacy is no dev set)
            report.empty_sides = [side for side in ("train", "dev") if not report.by_split.get(side)]
            files = writer.close(tuple(side for side in ("train", "dev") if side not in report.empty_sides)
                                 or ("train",))
            report.empty_sides = [side for side in report.empty_sides if side != "train" or report.records]
            report.foreign_sides = [str(output / f"{side}{side_suffix}") for side in report.empty_sides
                                    if output / f"{side}{side_suffix}" in there_before]
        else:
            files = writer.close(("all",))
    except BaseException:
        writer.discard()
        remove_empty_folders(made)
        raise
    report.files = [str(f) for f in files]
    replaced = getattr(writer, "replaced", None)  # brat knows its own pairs
    report.replaced = [str(f) for f in (replaced if replaced is not None else
                                        [f for f in files if Path(f) in there_before])]
    if on_progress:
        on_progress(report.records, total)
    return report


def missing_folders(output: Path) -> list[Path]:
    """`output` and its missing parent folders, innermost first, that an export would create (none of them
    exists yet); lstat only."""
    missing = []
    path = Path(os.path.abspath(output))
    while not os.path.lexists(path) and path.parent != path:
        missing.append(path)
        path = path.parent
    return missing


def remove_empty_folders(folders: list[Path]) -> None:
    """Remove the folders (innermost first) a failed export created, each only if it is (now) empty: a failed
    spacy or brat export leaves no new empty folder behind, and never touches a file someone put there."""
    if folders and folders[0].is_dir() and not folders[0].is_symlink():  # the new output folder: its empty
        for root, dirs, files in os.walk(folders[0], topdown=False):  # sub-folders (spacy shards) are ours
            for name in files:  # and so is a `.<name>.*.tmp` (core/files) a signal cut off before its cleanup
                if name.startswith(".") and name.endswith(".tmp"):  # ran (attack v4 M3)
                    try:
                        os.unlink(os.path.join(root, name))
                    except OSError:
                        pass
            for name in dirs:
                try:
                    os.rmdir(os.path.join(root, name))
                except OSError:
                    pass
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty, gone already, or not ours to remove: leave it
            return


TOKENIZED_FORMATS = frozenset({"spacy", "conll", "iob", "prodigy"})
"""Formats whose records hold spaCy's tokens: a text over spaCy's `nlp.max_length` cannot be written in them."""


def too_long_left_out(issues: ExportIssues, doc: Document, aset: AnnotationSet, what: str) -> bool:
    """A document longer than spaCy's tokenizer takes (`core.ingest.MAX_EXTRACT_CHARS`, nlp.max_length; spaCy
    raises E088) is left out of a tokenized export or of training, and listed in `issues.left_out` with its id:
    one such document (stored with `ingest --no-extract` or by an older annotator) never stops the whole corpus.
    True when the set is left out."""
    from annotator.core.ingest import MAX_EXTRACT_CHARS

    if len(doc.text) <= MAX_EXTRACT_CHARS:
        return False
    issues.left_out.append(f"document {doc.id} ({aset.annotator}): left out of {what}: its text of "
                           f"{len(doc.text):,} characters is longer than spaCy's tokenizer takes "
                           f"({MAX_EXTRACT_CHARS:,}, nlp.max_length); split the article to use it")
    return True


def _too_long_left_out(fmt: str, issues: ExportIssues, doc: Document, aset: AnnotationSet) -> bool:
    return too_long_left_out(issues, doc, aset, f"the {fmt} export")


def files_there(output: Path, fmt: str, split: bool, suffix: str) -> set[Path]:
    """The files an export to `output` may replace that are there before it runs (for the summary: an export
    replaces an earlier one of the same name, as `spacy convert` and Prodigy's `data-to-spacy` do, and says so)."""
    if fmt == "brat":
        return set()  # the brat writer tells its own pairs apart (BratWriter.replaced)
    if not (fmt == "spacy" or split):
        return {output} if output.is_file() else set()
    found = set()
    for side in ("train", "dev"):
        if (output / f"{side}{suffix}").is_file():
            found.add(output / f"{side}{suffix}")
        if (output / side).is_dir():  # shards of a large DocBin export
            found.update(p for p in (output / side).glob(f"*{suffix}") if p.is_file())
    return found


def _unjudged_left_out(fmt: str, issues: ExportIssues, doc: Document, aset: AnnotationSet) -> bool:
    """CoNLL, IOB, doccano and brat have no "missing" state for a token: a set whose tokens were not all judged
    (binary answers, categories or relations only; `training_version.entities_unjudged`) would read back as a
    complete set, its unjudged and rejected tokens as "no entity" (attack s4 H4). Such a set is left out, and
    listed. (The spaCy DocBin marks those tokens missing; Label Studio and the Prodigy formats carry the answers
    themselves.) True when the set is left out."""
    from annotator.io.training_version import entities_unjudged

    why = entities_unjudged(aset)
    if why is None or (fmt == "doccano" and _doccano_classification(aset)):
        return False
    name = {"conll": "CoNLL", "iob": "IOB"}.get(fmt, fmt)
    issues.unjudged.append(f"document {doc.id} ({aset.annotator}): left out ({why}; {name} has no tag for "
                           "\"not judged\", and reading it back would make those tokens \"no entity here\")")
    return True


def _doccano_classification(aset: AnnotationSet) -> bool:
    """A set of document categories only (no entity, quote, kept overlap or relation): the doccano export writes it
    as a text-classification record (`"label": [...]`), which reads back as categories only, its tokens unjudged
    for entities. So doccano carries that partial state, and the set is not left out."""
    from annotator.io.records import OVERLAP_KEY

    return (not aset.entities and not aset.quotes and not aset.extra.get("relations")
            and not aset.extra.get(OVERLAP_KEY)
            and any(TargetKind(t.target_kind) is TargetKind.DOCUMENT for t in aset.tags))


def whole_file_writer(fmt: str, output: Path, labels: set[str] | None, issues: ExportIssues):
    """The writer of a CoNLL, IOB, brat or Label Studio export (imported only when used)."""
    if fmt in ("conll", "iob"):
        from annotator.io.conll import ConllWriter

        return ConllWriter(output, two_columns=fmt == "iob", labels=labels, issues=issues)
    if fmt == "brat":
        from annotator.io.brat import BratWriter

        return BratWriter(output, labels=labels, issues=issues)
    from annotator.io.labelstudio import LabelStudioWriter

    return LabelStudioWriter(output, labels=labels, issues=issues)


def gold_names(store: Store) -> set[str]:
    """Annotators whose sets are adjudicated gold (see `io/training_version.py`)."""
    from annotator.io.training_version import gold_names as names

    return names(store)


def one_version_per_document(
    pairs: Iterable[tuple[Document, AnnotationSet]], gold: set[str], issues: ExportIssues, store: Store | None = None
) -> Iterator[tuple[Document, AnnotationSet]]:
    """One set per document by the training rule of `io/training_version.py` (gold, then a person's latest
    set, then a model set only when asked); every choice among several listed in `issues.duplicates`."""
    from annotator.io.training_version import one_version_per_document as pick

    return pick(pairs, gold, issues, store)


def _list_blank_edges(issues: ExportIssues, doc_id: int, record: dict[str, Any] | None, doc, aset) -> None:
    """Every export lists the entities that start or end in whitespace (kept as stored; issue 17)."""
    if record is not None:
        text = record["text"]
        who = record.get("_annotator_id", "")
        for span in record.get("spans", ()):
            if has_blank_edge(text, span["start"], span["end"]):
                issues.blank_edged_entity(doc_id, who, span["start"], span["end"], span.get("label", ""), text)
        for quote in record.get("quotes", ()):
            for part, span in (("quote", quote), ("speaker", quote.get("speaker")), ("cue", quote.get("cue"))):
                if isinstance(span, dict) and "start" in span and has_blank_edge(text, span["start"], span["end"]):
                    issues.blank_edged_entity(doc_id, who, span["start"], span["end"], "", text, part)
    if doc is not None and aset is not None:
        if record is None:
            for e in aset.entities:
                if has_blank_edge(doc.text, e.start, e.end):
                    issues.blank_edged_entity(doc_id, aset.annotator, e.start, e.end, e.label, doc.text)
        for q in aset.quotes:  # quotes, speakers and cues are listed like entities
            for part, span in (("quote", q), ("speaker", q.speaker), ("cue", q.cue)):
                if span is not None and has_blank_edge(doc.text, span.start, span.end):
                    issues.blank_edged_entity(doc_id, aset.annotator, span.start, span.end, "", doc.text, part)


_ENCODE = one_shot_encoder(ensure_ascii=False)
"""= json.dumps(record, ensure_ascii=False), with one encoder for the whole export."""


class JsonlWriter:
    """One JSON object a line to `output` (or `output/train.jsonl` and `output/dev.jsonl` with a split).
    Lines are buffered and written `CHUNK` at a time (`writelines`); `close` writes the rest. Each file is
    written atomically (core/files.py): into a temporary file beside it, renamed over it by `close`, so a
    killed or failed export leaves the previous file whole; `discard` drops the temporary files."""

    CHUNK = 256

    def __init__(self, output: Path, *, split: bool, suffix: str = ".jsonl",
                 protected: tuple[Path, ...] = ()):
        self.output = Path(output)
        self.split = split
        self.suffix = suffix
        self.handles: dict[str, Any] = {}
        self.pending: dict[str, list[str]] = {}
        self.paths: list[Path] = []
        # every file goes to a temporary first; close() renames them all only once all are written and fsynced
        self.staged = StagedFiles(protected=protected)
        if split:
            resolve_write_folder(self.output, protected=protected)
        else:
            resolve_write_target(self.output, protected=protected)
            self._open("all")

    def _open(self, side: str):
        path = self.output / f"{side}{self.suffix}" if self.split else self.output
        handle = self.staged.stage(path, "w")
        self.handles[side] = handle
        self.pending[side] = []
        self.paths.append(path)
        return handle

    def write(self, side: str, record: dict[str, Any]) -> None:
        pending = self.pending.get(side)
        if pending is None:
            self._open(side)
            pending = self.pending[side]
        line = _ENCODE(record)
        if "\x85" in line or "\u2028" in line or "\u2029" in line:  # = LINE_BREAKERS: escaped, so no reader
            for c in LINE_BREAKERS:  # splitting on them breaks a record
                line = line.replace(c, f"\\u{ord(c):04x}")
        pending.append(line + "\n")
        if len(pending) >= self.CHUNK:
            self.handles[side].writelines(pending)
            pending.clear()

    def close(self, sides: tuple[str, ...]) -> list[Path]:
        for side in sides:
            if side not in self.handles and (self.split or side == "all"):
                self._open(side)
        for side, handle in self.handles.items():
            handle.writelines(self.pending[side])
            self.pending[side] = []
        self.staged.commit()  # all files renamed over their targets, or none
        return self.paths

    def discard(self) -> None:
        """Drop the temporary files; the targets keep what they held before the export."""
        self.staged.discard()
