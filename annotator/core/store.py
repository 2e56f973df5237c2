"""The one facade over the SQLite database (through sqlite-utils).

Every change runs in one transaction (`Store.transaction()`); reads never hold one open. The database runs in
WAL mode with foreign keys on, a busy timeout (two processes may share a file) and `synchronous=FULL`, so an
edit that returned is on disk. Offsets are code points.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from annotator.core import resources
from annotator.core.migrations import SchemaTooNewError, migrate
from annotator.core.model import (
    MODEL_ANNOTATOR,
    AnnotationSet,
    Annotator,
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

BUSY_TIMEOUT_MS = 5000


class StoreError(RuntimeError):
    """The database cannot be used (not a database, damaged, locked, too new, read-only)."""


class NotFoundError(KeyError):
    """A document, annotation or annotator that is not (or no longer) in the database."""

    def __str__(self) -> str:  # KeyError quotes its message; we want plain text
        return str(self.args[0]) if self.args else ""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def default_db_path() -> Path:
    """`$ANNOTATOR_DB`, else `annotations.db` in the user's data directory (XDG on Linux)."""
    if os.environ.get("ANNOTATOR_DB"):
        return Path(os.environ["ANNOTATOR_DB"]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "annotator" / "annotations.db"


@dataclass(slots=True)
class DocumentRow:
    """One line of the document list: enough to show, nothing more (no text)."""

    id: int
    title: str
    source: str
    status: Status
    entity_count: int
    quote_count: int
    annotators: list[str]


@dataclass(slots=True)
class SearchHit:
    doc_id: int
    title: str
    snippet: str


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else "{}"


def entity_from_row(row: dict[str, Any] | sqlite3.Row) -> Entity:
    return Entity(
        start=row["start"],
        end=row["end"],
        label=row["label"],
        origin=Origin(row["origin"]),
        id=row["id"],
        doc_id=row["doc_id"],
        annotator_id=row["annotator_id"],
        extra=json.loads(row["extra"]),
    )


def quote_from_row(row: dict[str, Any] | sqlite3.Row) -> Quote:
    speaker = TextRange(row["speaker_start"], row["speaker_end"]) if row["speaker_start"] is not None else None
    cue = TextRange(row["cue_start"], row["cue_end"]) if row["cue_start"] is not None else None
    return Quote(
        start=row["start"],
        end=row["end"],
        type=QuoteType(row["type"]),
        speaker=speaker,
        speaker_name=row["speaker_name"],
        cue=cue,
        origin=Origin(row["origin"]),
        id=row["id"],
        doc_id=row["doc_id"],
        annotator_id=row["annotator_id"],
        extra=json.loads(row["extra"]),
    )


def tag_from_row(row: dict[str, Any] | sqlite3.Row) -> Tag:
    kind = TargetKind(row["target_kind"])
    return Tag(
        tag=row["tag"],
        target_kind=kind,
        target_id=None if kind is TargetKind.DOCUMENT else row["target_id"],
        id=row["id"],
        doc_id=row["doc_id"],
        annotator_id=row["annotator_id"],
    )


def quote_columns(quote: Quote) -> dict[str, Any]:
    return {
        "start": quote.start,
        "end": quote.end,
        "type": QuoteType(quote.type).value,
        "speaker_start": quote.speaker.start if quote.speaker else None,
        "speaker_end": quote.speaker.end if quote.speaker else None,
        "speaker_name": quote.speaker_name,
        "cue_start": quote.cue.start if quote.cue else None,
        "cue_end": quote.cue.end if quote.cue else None,
        "origin": Origin(quote.origin).value,
        "extra": _json(quote.extra),
    }


class Store:
    """Documents, annotators and their annotation sets in one SQLite file."""

    def __init__(self, path: str | os.PathLike, *, readonly: bool = False, create: bool = True):
        self.path = Path(path)
        self.readonly = readonly
        if not self.path.exists() and (readonly or not create):
            raise StoreError(f"{self.path}: no such database")
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            if readonly:
                conn = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
                )
            else:
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                migrate(conn, str(self.path))
            else:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except SchemaTooNewError as error:
            raise StoreError(str(error)) from None
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot open as an annotator database ({error})") from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        if readonly:
            self._check_readonly_schema()
        elif not self.conn.execute("SELECT 1 FROM labels LIMIT 1").fetchone():
            self._seed_configuration()

    # -- lifecycle -------------------------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_readonly_schema(self) -> None:
        from annotator.core.migrations import MIGRATIONS, applied_migrations

        known = {m.name for m in MIGRATIONS}
        try:
            done = applied_migrations(self.conn)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot open as an annotator database ({error})") from None
        if not done:
            raise StoreError(f"{self.path}: not an annotator database")
        if any(name not in known for name in done):
            raise StoreError(f"{self.path} was written by a newer version of annotator; upgrade to open it.")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction (BEGIN IMMEDIATE, so two processes never deadlock); nested calls are savepoints."""
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only")
        with self._lock:
            if self.conn.in_transaction:
                with self.db.atomic():
                    yield self
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StoreError(f"{self.path} is busy: another annotator is writing to it ({error})") from None
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def integrity_check(self) -> str:
        return self.query("PRAGMA integrity_check")[0][0]

    # -- configuration: labels and tag set -------------------------------------------------------------------

    def _seed_configuration(self) -> None:
        with self.transaction():
            for position, (name, color) in enumerate(resources.default_labels().items()):
                self.conn.execute(
                    "INSERT OR IGNORE INTO labels(name, color, position) VALUES (?, ?, ?)", (name, color, position)
                )
            for scope, tags in resources.default_tag_set().items():
                for tag in tags:
                    self.conn.execute("INSERT OR IGNORE INTO tag_set(tag, scope) VALUES (?, ?)", (tag, scope))

    def labels(self) -> dict[str, str]:
        """Entity labels in display order (the first nine get keys 1–9), with their colours."""
        return {r["name"]: r["color"] for r in self.query("SELECT name, color FROM labels ORDER BY position, name")}

    def ensure_label(self, name: str, color: str | None = None) -> None:
        """Add a label (imported data or a user's new label) with a generated colour if none is given."""
        if name in self.labels():
            return
        with self.transaction():
            position = self.query("SELECT coalesce(max(position), -1) + 1 FROM labels")[0][0]
            self.conn.execute(
                "INSERT OR IGNORE INTO labels(name, color, position) VALUES (?, ?, ?)",
                (name, color or resources.color_for(name), position),
            )

    def tag_set(self, scope: str) -> list[str]:
        return [r["tag"] for r in self.query("SELECT tag FROM tag_set WHERE scope = ? ORDER BY tag", (scope,))]

    def add_to_tag_set(self, tag: str, scope: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR IGNORE INTO tag_set(tag, scope) VALUES (?, ?)", (tag, scope))

    def remove_from_tag_set(self, tag: str, scope: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM tag_set WHERE tag = ? AND scope = ?", (tag, scope))

    # -- annotators ------------------------------------------------------------------------------------------

    def annotator_id(self, name: str, *, create: bool = True, readonly_source: str | None = None) -> int:
        name = name.strip()
        if not name:
            raise ValueError("an annotator needs a name")
        row = self.query("SELECT id FROM annotators WHERE name = ?", (name,))
        if row:
            return row[0][0]
        if not create:
            raise NotFoundError(f"no annotator named {name!r}")
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO annotators(name, readonly_source, created_at) VALUES (?, ?, ?)",
                (name, readonly_source, now()),
            )
            return cursor.lastrowid

    def annotator_name(self, annotator_id: int) -> str:
        row = self.query("SELECT name FROM annotators WHERE id = ?", (annotator_id,))
        if not row:
            raise NotFoundError(f"no annotator with id {annotator_id}")
        return row[0][0]

    def annotators(self) -> list[Annotator]:
        return [
            Annotator(name=r["name"], id=r["id"], readonly_source=r["readonly_source"])
            for r in self.query("SELECT id, name, readonly_source FROM annotators ORDER BY name")
        ]

    # -- documents -------------------------------------------------------------------------------------------

    def add_document(self, doc: Document) -> tuple[int, bool]:
        """Insert a document unless its text is already there. Returns (id, created)."""
        existing = self.query("SELECT id FROM documents WHERE hash = ?", (doc.hash,))
        if existing:
            return existing[0][0], False
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO documents(hash, title, source, text, meta, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (doc.hash, doc.title, doc.source, doc.text, _json(doc.meta), now()),
            )
            return cursor.lastrowid, True

    def document_id_by_hash(self, text_hash: str) -> int | None:
        row = self.query("SELECT id FROM documents WHERE hash = ?", (text_hash,))
        return row[0][0] if row else None

    def document(self, doc_id: int) -> Document:
        rows = self.query("SELECT id, hash, title, source, text, meta FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            raise NotFoundError(f"no document with id {doc_id}")
        r = rows[0]
        return Document(
            text=r["text"], title=r["title"], source=r["source"], meta=json.loads(r["meta"]), id=r["id"], hash=r["hash"]
        )

    def document_count(self) -> int:
        return self.query("SELECT count(*) FROM documents")[0][0]

    def _list_filter(
        self, annotator_id: int | None, status: Status | None, text: str | None
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if status is not None:
            if annotator_id is None:
                raise ValueError("filtering by status needs an annotator")
            if Status(status) is Status.NEW:
                clauses.append(
                    "coalesce((SELECT status FROM annotation_sets s WHERE s.doc_id = d.id AND s.annotator_id = ?), 'new') = 'new'"
                )
                params.append(annotator_id)
            else:
                clauses.append(
                    "d.id IN (SELECT doc_id FROM annotation_sets WHERE annotator_id = ? AND status = ?)"
                )
                params.extend([annotator_id, Status(status).value])
        if text:
            clauses.append("d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            params.append(fts_query(text))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def count_documents(
        self, *, annotator: str | None = None, status: Status | None = None, text: str | None = None
    ) -> int:
        annotator_id = self._optional_annotator_id(annotator)
        where, params = self._list_filter(annotator_id, status, text)
        return self.query(f"SELECT count(*) FROM documents d{where}", params)[0][0]

    def list_document_ids(
        self,
        *,
        annotator: str | None = None,
        status: Status | None = None,
        text: str | None = None,
        offset: int = 0,
        limit: int = -1,
    ) -> list[int]:
        annotator_id = self._optional_annotator_id(annotator)
        where, params = self._list_filter(annotator_id, status, text)
        rows = self.query(f"SELECT d.id FROM documents d{where} ORDER BY d.id LIMIT ? OFFSET ?", [*params, limit, offset])
        return [r[0] for r in rows]

    def iter_document_ids(self, *, batch: int = 1000) -> Iterator[int]:
        """Every document id in order, fetched a batch at a time (flat memory on large corpora)."""
        last = 0
        while True:
            rows = self.query("SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last, batch))
            if not rows:
                return
            for row in rows:
                yield row[0]
            last = rows[-1][0]

    def document_rows(self, doc_ids: list[int], *, annotator: str | None = None) -> list[DocumentRow]:
        """List rows for these ids (in that order). Counts are the annotator's when they have a set on the
        document, else the model's pre-extraction."""
        if not doc_ids:
            return []
        me = self._optional_annotator_id(annotator) or -1
        model = self._optional_annotator_id(MODEL_ANNOTATOR) or -1
        marks = ",".join("?" * len(doc_ids))
        rows = self.query(
            f"""
            SELECT d.id, d.title, d.source,
                   coalesce(mine.status, 'new') AS status,
                   CASE WHEN mine.doc_id IS NULL THEN ? ELSE ? END AS counted
            FROM documents d
            LEFT JOIN annotation_sets mine ON mine.doc_id = d.id AND mine.annotator_id = ?
            WHERE d.id IN ({marks})
            """,
            [model, me, me, *doc_ids],
        )
        by_id = {r["id"]: r for r in rows}
        names = {
            r["doc_id"]: r["names"]
            for r in self.query(
                f"""SELECT s.doc_id, group_concat(a.name, '\x1f') AS names FROM annotation_sets s
                    JOIN annotators a ON a.id = s.annotator_id
                    WHERE s.doc_id IN ({marks}) AND a.name != ? GROUP BY s.doc_id""",
                [*doc_ids, MODEL_ANNOTATOR],
            )
        }
        result = []
        for doc_id in doc_ids:
            r = by_id.get(doc_id)
            if r is None:
                continue
            counted = r["counted"]
            entity_count = self.query(
                "SELECT count(*) FROM entities WHERE doc_id = ? AND annotator_id = ?", (doc_id, counted)
            )[0][0]
            quote_count = self.query(
                "SELECT count(*) FROM quotes WHERE doc_id = ? AND annotator_id = ?", (doc_id, counted)
            )[0][0]
            result.append(
                DocumentRow(
                    id=doc_id,
                    title=r["title"],
                    source=r["source"],
                    status=Status(r["status"]),
                    entity_count=entity_count,
                    quote_count=quote_count,
                    annotators=sorted((names.get(doc_id) or "").split("\x1f")) if names.get(doc_id) else [],
                )
            )
        return result

    def _optional_annotator_id(self, name: str | None) -> int | None:
        if name is None:
            return None
        rows = self.query("SELECT id FROM annotators WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    # -- search ----------------------------------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search (FTS5) over titles and texts, best match first, with a highlighted snippet."""
        rows = self.query(
            """SELECT rowid, title, snippet(documents_fts, 1, '[', ']', '…', 12) AS snippet
               FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?""",
            (fts_query(text), limit),
        )
        return [SearchHit(r["rowid"], r["title"], r["snippet"]) for r in rows]

    # -- annotation sets -------------------------------------------------------------------------------------

    def has_annotation_set(self, doc_id: int, annotator: str) -> bool:
        annotator_id = self._optional_annotator_id(annotator)
        if annotator_id is None:
            return False
        return bool(
            self.query(
                "SELECT 1 FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?", (doc_id, annotator_id)
            )
        )

    def annotation_set(self, doc_id: int, annotator: str) -> AnnotationSet | None:
        """Everything `annotator` holds on the document, or None if they never opened it."""
        annotator_id = self._optional_annotator_id(annotator)
        if annotator_id is None:
            return None
        with self._lock:
            rows = self.query(
                "SELECT status, extra, updated_at FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?",
                (doc_id, annotator_id),
            )
            if not rows:
                return None
            key = (doc_id, annotator_id)
            return AnnotationSet(
                doc_id=doc_id,
                annotator=annotator,
                status=Status(rows[0]["status"]),
                extra=json.loads(rows[0]["extra"]),
                updated_at=rows[0]["updated_at"],
                entities=[
                    entity_from_row(r)
                    for r in self.query(
                        'SELECT * FROM entities WHERE doc_id = ? AND annotator_id = ? ORDER BY start, "end", id', key
                    )
                ],
                quotes=[
                    quote_from_row(r)
                    for r in self.query(
                        'SELECT * FROM quotes WHERE doc_id = ? AND annotator_id = ? ORDER BY start, "end", id', key
                    )
                ],
                tags=[
                    tag_from_row(r)
                    for r in self.query(
                        "SELECT * FROM tags WHERE doc_id = ? AND annotator_id = ? ORDER BY target_kind, target_id, tag",
                        key,
                    )
                ],
            )

    def annotators_of(self, doc_id: int) -> list[str]:
        return [
            r[0]
            for r in self.query(
                """SELECT a.name FROM annotation_sets s JOIN annotators a ON a.id = s.annotator_id
                   WHERE s.doc_id = ? ORDER BY a.name""",
                (doc_id,),
            )
        ]

    def ensure_annotation_set(self, doc_id: int, annotator: str, *, start_from: str | None = MODEL_ANNOTATOR) -> bool:
        """Give `annotator` a set on the document, starting as a copy of `start_from`'s (the model's
        pre-extraction by default). Returns True if it was created now."""
        annotator_id = self.annotator_id(annotator)
        with self.transaction():
            if self.query(
                "SELECT 1 FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?", (doc_id, annotator_id)
            ):
                return False
            if not self.query("SELECT 1 FROM documents WHERE id = ?", (doc_id,)):
                raise NotFoundError(f"no document with id {doc_id}")
            stamp = now()
            self.conn.execute(
                "INSERT INTO annotation_sets(doc_id, annotator_id, status, created_at, updated_at) VALUES (?, ?, 'new', ?, ?)",
                (doc_id, annotator_id, stamp, stamp),
            )
            source_id = self._optional_annotator_id(start_from) if start_from else None
            if source_id is not None and source_id != annotator_id:
                self._copy_set(doc_id, source_id, annotator_id)
            return True

    def _copy_set(self, doc_id: int, from_id: int, to_id: int) -> None:
        """Copy entities, quotes and their tags from one annotator's set to another's (ids are new)."""
        entity_ids: dict[int, int] = {}
        for row in self.query("SELECT * FROM entities WHERE doc_id = ? AND annotator_id = ?", (doc_id, from_id)):
            cursor = self.conn.execute(
                'INSERT INTO entities(doc_id, annotator_id, start, "end", label, origin, extra) VALUES (?, ?, ?, ?, ?, ?, ?)',
                (doc_id, to_id, row["start"], row["end"], row["label"], row["origin"], row["extra"]),
            )
            entity_ids[row["id"]] = cursor.lastrowid
        quote_ids: dict[int, int] = {}
        for row in self.query("SELECT * FROM quotes WHERE doc_id = ? AND annotator_id = ?", (doc_id, from_id)):
            quote = quote_from_row(row)
            columns = quote_columns(quote)
            cursor = self.conn.execute(
                f"INSERT INTO quotes(doc_id, annotator_id, {', '.join(quoted_column(c) for c in columns)}) "
                f"VALUES (?, ?, {', '.join('?' * len(columns))})",
                (doc_id, to_id, *columns.values()),
            )
            quote_ids[row["id"]] = cursor.lastrowid
        for row in self.query("SELECT * FROM tags WHERE doc_id = ? AND annotator_id = ?", (doc_id, from_id)):
            target = row["target_id"]
            if row["target_kind"] == "entity":
                target = entity_ids.get(target)
            elif row["target_kind"] == "quote":
                target = quote_ids.get(target)
            if target is None:
                continue
            self.conn.execute(
                "INSERT OR IGNORE INTO tags(doc_id, annotator_id, target_kind, target_id, tag) VALUES (?, ?, ?, ?, ?)",
                (doc_id, to_id, row["target_kind"], target, row["tag"]),
            )

    def replace_annotation_set(self, aset: AnnotationSet) -> AnnotationSet:
        """Write a whole annotation set, replacing what the annotator had on the document (ingest, import,
        adjudication). Entity and quote tags in `aset.tags` refer to positions in `aset.entities`/`aset.quotes`
        by `target_id` = list index. Returns the set as stored, with ids."""
        annotator_id = self.annotator_id(aset.annotator)
        with self.transaction():
            stamp = now()
            self.conn.execute(
                "DELETE FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?", (aset.doc_id, annotator_id)
            )
            self.conn.execute(
                "INSERT INTO annotation_sets(doc_id, annotator_id, status, extra, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (aset.doc_id, annotator_id, Status(aset.status).value, _json(aset.extra), stamp, stamp),
            )
            entity_ids = [
                self.conn.execute(
                    'INSERT INTO entities(doc_id, annotator_id, start, "end", label, origin, extra) VALUES (?, ?, ?, ?, ?, ?, ?)',
                    (aset.doc_id, annotator_id, e.start, e.end, e.label, Origin(e.origin).value, _json(e.extra)),
                ).lastrowid
                for e in aset.entities
            ]
            quote_ids = []
            for quote in aset.quotes:
                columns = quote_columns(quote)
                quote_ids.append(
                    self.conn.execute(
                        f"INSERT INTO quotes(doc_id, annotator_id, {', '.join(quoted_column(c) for c in columns)}) "
                        f"VALUES (?, ?, {', '.join('?' * len(columns))})",
                        (aset.doc_id, annotator_id, *columns.values()),
                    ).lastrowid
                )
            for tag in aset.tags:
                kind = TargetKind(tag.target_kind)
                if kind is TargetKind.DOCUMENT:
                    target = 0
                elif kind is TargetKind.ENTITY:
                    target = entity_ids[tag.target_id]
                else:
                    target = quote_ids[tag.target_id]
                self.conn.execute(
                    "INSERT OR IGNORE INTO tags(doc_id, annotator_id, target_kind, target_id, tag) VALUES (?, ?, ?, ?, ?)",
                    (aset.doc_id, annotator_id, kind.value, target, tag.tag),
                )
            for label in {e.label for e in aset.entities} - set(self.labels()):
                self.ensure_label(label)
        stored = self.annotation_set(aset.doc_id, aset.annotator)
        assert stored is not None
        return stored

    def status(self, doc_id: int, annotator: str) -> Status:
        annotator_id = self._optional_annotator_id(annotator)
        rows = self.query(
            "SELECT status FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?", (doc_id, annotator_id)
        )
        return Status(rows[0][0]) if rows else Status.NEW

    def progress(self, annotator: str) -> tuple[int, int]:
        """(documents the annotator finished — done, skipped or rejected —, all documents)."""
        annotator_id = self._optional_annotator_id(annotator)
        done = 0
        if annotator_id is not None:
            done = self.query(
                "SELECT count(*) FROM annotation_sets WHERE annotator_id = ? AND status IN ('done', 'skipped', 'rejected')",
                (annotator_id,),
            )[0][0]
        return done, self.document_count()

    # -- single rows (used by ops and the window) ------------------------------------------------------------

    def entity(self, entity_id: int) -> Entity:
        rows = self.query("SELECT * FROM entities WHERE id = ?", (entity_id,))
        if not rows:
            raise NotFoundError(f"no entity with id {entity_id}")
        return entity_from_row(rows[0])

    def quote(self, quote_id: int) -> Quote:
        rows = self.query("SELECT * FROM quotes WHERE id = ?", (quote_id,))
        if not rows:
            raise NotFoundError(f"no quote with id {quote_id}")
        return quote_from_row(rows[0])

    # -- statistics ------------------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Corpus figures: documents, annotators with their sets, statuses, entities per label, quotes per type."""
        per_annotator = []
        for a in self.annotators():
            statuses = {
                r["status"]: r["n"]
                for r in self.query(
                    "SELECT status, count(*) AS n FROM annotation_sets WHERE annotator_id = ? GROUP BY status", (a.id,)
                )
            }
            labels = {
                r["label"]: r["n"]
                for r in self.query(
                    "SELECT label, count(*) AS n FROM entities WHERE annotator_id = ? GROUP BY label ORDER BY n DESC",
                    (a.id,),
                )
            }
            quote_types = {
                r["type"]: r["n"]
                for r in self.query(
                    "SELECT type, count(*) AS n FROM quotes WHERE annotator_id = ? GROUP BY type", (a.id,)
                )
            }
            per_annotator.append(
                {
                    "annotator": a.name,
                    "documents": sum(statuses.values()),
                    "statuses": statuses,
                    "entities": sum(labels.values()),
                    "entities_by_label": labels,
                    "quotes": sum(quote_types.values()),
                    "quotes_by_type": quote_types,
                }
            )
        return {"database": str(self.path), "documents": self.document_count(), "annotators": per_annotator}


def quoted_column(column: str) -> str:
    return f'"{column}"'


def fts_query(text: str) -> str:
    """Turn what a person types into a safe FTS5 query: each word must appear (prefix match on the last)."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        return '""'
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)
