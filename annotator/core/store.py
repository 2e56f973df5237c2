"""The one facade over the SQLite database (through sqlite-utils).

Every change runs in one transaction (`Store.transaction()`); reads never hold one open. The database runs in
WAL mode with foreign keys on, a busy timeout (two processes may share a file) and `synchronous=FULL`, so an
edit that returned is on disk. Offsets are code points.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
SEARCH_RANK_WINDOW = 2000
"""`search` ranks (bm25) at most this many matches, the most recent ones: ranking all 800,000 documents that
contain a common word would take a second on a million-document corpus; a rare word is ranked in full."""


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


_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
"""= json.dumps(value, ensure_ascii=False, sort_keys=True), without building an encoder per call (bulk writes)."""


def _json(value: dict[str, Any]) -> str:
    return _ENCODE_JSON(value) if value else "{}"


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


def _is_locked(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _prepare_for_writing(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    migrate(conn, name)


def _retry_while_locked(action, timeout_ms: int) -> None:
    """Run `action`, retrying while the database is locked, up to the busy timeout. Switching a new file to WAL
    can answer "database is locked" at once, without waiting in SQLite's busy handler, when another process is
    creating the same database at that moment."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not _is_locked(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


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

    def __init__(
        self, path: str | os.PathLike, *, readonly: bool = False, create: bool = True, busy_timeout_ms: int | None = None
    ):
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
            timeout_ms = int(BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms)
            self._busy_timeout_ms = timeout_ms
            conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                _retry_while_locked(lambda: _prepare_for_writing(conn, str(self.path)), timeout_ms)
            else:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except SchemaTooNewError as error:
            raise StoreError(str(error)) from None
        except sqlite3.OperationalError as error:
            if _is_locked(error):
                raise StoreError(f"{self.path} is busy: another annotator is writing to it ({error})") from None
            raise StoreError(f"{self.path}: cannot open as an annotator database ({error})") from None
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot open as an annotator database ({error})") from None
        self.conn = conn
        if readonly:
            self._check_readonly_schema()
        elif not self.conn.execute("SELECT 1 FROM labels LIMIT 1").fetchone():
            self._seed_configuration()

    # -- lifecycle -------------------------------------------------------------------------------------------

    @property
    def db(self):
        """The sqlite-utils Database over the same connection, made on first use: importing sqlite_utils pulls in
        numpy (~0.45 s), which the window's start-up must not pay (benchmarks/bench_startup.py)."""
        db = getattr(self, "_db", None)
        if db is None:
            import sqlite_utils

            db = self._db = sqlite_utils.Database(self.conn)
        return db

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
            self._begin_immediate()
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def _begin_immediate(self) -> None:
        """Take the write lock, waiting up to the busy timeout. We poll with short random sleeps instead of
        SQLite's busy handler, whose waits grow to 100 ms: against another process writing in a tight loop those
        long sleeps can miss every free moment for seconds, while short ones get a turn fairly."""
        deadline = time.monotonic() + self._busy_timeout_ms / 1000
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    if not _is_locked(error) or time.monotonic() >= deadline:
                        raise StoreError(f"{self.path} is busy: another annotator is writing to it ({error})") from None
                    time.sleep(random.uniform(0.0005, 0.003))
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def changed_elsewhere(self) -> bool:
        """Whether another connection (another window, a CLI import) committed since the last call: SQLite's
        `data_version` moves only for other connections' commits. Cheap enough to poll."""
        version = self.query("PRAGMA data_version")[0][0]
        changed = getattr(self, "_seen_data_version", version) != version
        self._seen_data_version = version
        return changed

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
                # "new" = no set, or a set still marked new: the complement of the (indexed) other statuses.
                clauses.append(
                    "d.id NOT IN (SELECT doc_id FROM annotation_sets WHERE annotator_id = ?"
                    " AND status IN ('in_progress', 'done', 'skipped', 'rejected'))"
                )
                params.append(annotator_id)
            else:
                clauses.append(
                    "d.id IN (SELECT doc_id FROM annotation_sets WHERE annotator_id = ? AND status = ?)"
                )
                params.extend([annotator_id, Status(status).value])
        if text:
            clauses.append(
                "d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
                " UNION SELECT doc_id FROM quote_speakers_fts WHERE quote_speakers_fts MATCH ?)"
            )
            params.extend([fts_query(text), fts_query(text)])
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _text_match_ids(
        self, annotator_id: int | None, status: Status | None, text: str, *, after: int, limit: int
    ) -> list[int]:
        """Ids (ascending, > `after`, at most `limit`; -1: all) of documents whose title or text matches `text`,
        or one of whose quotes has a matching speaker name, that also pass the status filter. Driven by the FTS
        indexes in id order, so a page of a word found in most documents costs no more than one of a rare word."""
        where, params = self._list_filter(annotator_id, status, None)
        also = where.replace(" WHERE ", " AND ", 1)
        query = fts_query(text)
        in_text = self.query(
            f"SELECT d.id FROM (SELECT rowid AS id FROM documents_fts WHERE documents_fts MATCH ?) d "
            f"WHERE d.id > ?{also} ORDER BY d.id LIMIT ?",
            [query, after, *params, limit],
        )
        by_speaker = self.query(
            f"SELECT DISTINCT d.id FROM (SELECT doc_id AS id FROM quote_speakers_fts WHERE quote_speakers_fts MATCH ?) d "
            f"WHERE d.id > ?{also} ORDER BY d.id LIMIT ?",
            [query, after, *params, limit],
        )
        ids = sorted({r[0] for r in in_text} | {r[0] for r in by_speaker})
        return ids if limit < 0 else ids[:limit]

    def count_documents(
        self,
        *,
        annotator: str | None = None,
        status: Status | None = None,
        text: str | None = None,
        at_most: int | None = None,
    ) -> int:
        """How many documents pass the filter. With `at_most`, counting stops there (a list filtered on a word
        found in 800,000 documents shows "10,000+" at once instead of walking every match)."""
        annotator_id = self._optional_annotator_id(annotator)
        if text:
            if at_most is not None:
                return len(self._text_match_ids(annotator_id, status, text, after=0, limit=at_most))
        elif status is not None and annotator_id is not None:  # from the annotation_sets index alone
            if Status(status) is Status.NEW:
                others = self.query(
                    "SELECT count(*) FROM annotation_sets WHERE annotator_id = ?"
                    " AND status IN ('in_progress', 'done', 'skipped', 'rejected')",
                    (annotator_id,),
                )[0][0]
                count = self.document_count() - others
            else:
                count = self.query(
                    "SELECT count(*) FROM annotation_sets WHERE annotator_id = ? AND status = ?",
                    (annotator_id, Status(status).value),
                )[0][0]
            return count if at_most is None else min(count, at_most)
        elif status is None:
            count = self.document_count()
            return count if at_most is None else min(count, at_most)
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
        after: int | None = None,
    ) -> list[int]:
        """Ids passing the filter, ascending. `after`: keyset paging — only ids greater than this one (pass the
        last id of the page before; on a large corpus cheaper than a large `offset`, which still steps over rows)."""
        annotator_id = self._optional_annotator_id(annotator)
        if text:
            ids = self._text_match_ids(
                annotator_id, status, text, after=after or 0, limit=-1 if limit < 0 else offset + limit
            )
            return ids[offset:]
        where, params = self._list_filter(annotator_id, status, text)
        if after is not None:
            where += (" AND " if where else " WHERE ") + "d.id > ?"
            params.append(after)
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
        """Full-text search (FTS5) over titles and texts (so the entities and quotes in them) and over quotes'
        resolved speaker names (not in the text: "John Kerry" for "he said"), with a highlighted snippet.

        Order: documents matching both first, then text matches (best bm25 rank first) and speaker matches (newest
        first) alternately. Only the SEARCH_RANK_WINDOW most recent text matches are ranked."""
        query = fts_query(text)
        rows = self.query(
            """SELECT rowid, title, snippet(documents_fts, 1, '[', ']', '…', 12) AS snippet
               FROM documents_fts WHERE documents_fts MATCH ?1 AND rowid >= coalesce((SELECT min(rowid) FROM
                   (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)), 0)
               ORDER BY rank LIMIT ?2""",
            (query, limit, SEARCH_RANK_WINDOW),
        )
        in_text = [SearchHit(r["rowid"], r["title"], r["snippet"]) for r in rows]
        speakers: dict[int, str] = {}  # doc id -> first matching speaker, newest documents first
        for r in self.query(
            """SELECT doc_id, highlight(quote_speakers_fts, 0, '[', ']') AS name FROM quote_speakers_fts
               WHERE quote_speakers_fts MATCH ? ORDER BY rowid DESC LIMIT ?""",
            (query, SEARCH_RANK_WINDOW),
        ):
            speakers.setdefault(r["doc_id"], r["name"])
        if not speakers:
            return in_text
        both = [h for h in in_text if h.doc_id in speakers]
        text_only = [h for h in in_text if h.doc_id not in speakers]
        found = {h.doc_id for h in in_text}
        speaker_ids = [d for d in speakers if d not in found][: limit]
        titles = {
            r[0]: r[1]
            for r in self.query(
                f"SELECT id, title FROM documents WHERE id IN ({','.join('?' * len(speaker_ids))})", speaker_ids
            )
        } if speaker_ids else {}
        speaker_only = [SearchHit(d, titles.get(d, ""), f"quoted: {speakers[d]}") for d in speaker_ids if d in titles]
        mixed = [*both]
        for pair in zip(text_only, speaker_only):
            mixed.extend(pair)
        shorter = min(len(text_only), len(speaker_only))
        mixed += text_only[shorter:] + speaker_only[shorter:]
        return mixed[:limit]

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

    def highest_id(self, table: str) -> int:
        """The highest id `table` has ever handed out: max(id), or AUTOINCREMENT's high-water mark when rows at
        the top were deleted. Code that assigns ids itself (bulk writes, set copies) starts above it, so an id
        is never reused and undo can always put a deleted row back under its own id."""
        highest = self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
            row = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
            if row:
                highest = max(highest, row[0])
        return highest

    def _copy_set(self, doc_id: int, from_id: int, to_id: int) -> None:
        """Copy entities, quotes and their tags from one annotator's set to another's, in set-based SQL (a long
        article's 10,000 spans copy in milliseconds). New ids are assigned explicitly as highest_id + rank,
        so tags can follow their entity or quote; the caller's write transaction keeps that stable."""
        key = (doc_id, from_id)
        entity_base = self.highest_id("entities")
        quote_base = self.highest_id("quotes")
        ranked = "SELECT id, row_number() OVER (ORDER BY id) AS n FROM {table} WHERE doc_id = ? AND annotator_id = ?"
        self.conn.execute(
            f"""WITH ranked AS ({ranked.format(table="entities")})
                INSERT INTO entities(id, doc_id, annotator_id, start, "end", label, origin, extra)
                SELECT ? + ranked.n, e.doc_id, ?, e.start, e."end", e.label, e.origin, e.extra
                FROM entities e JOIN ranked ON ranked.id = e.id ORDER BY e.id""",
            (*key, entity_base, to_id),
        )
        self.conn.execute(
            f"""WITH ranked AS ({ranked.format(table="quotes")})
                INSERT INTO quotes(id, doc_id, annotator_id, start, "end", type, speaker_start, speaker_end,
                                   speaker_name, cue_start, cue_end, origin, extra)
                SELECT ? + ranked.n, q.doc_id, ?, q.start, q."end", q.type, q.speaker_start, q.speaker_end,
                       q.speaker_name, q.cue_start, q.cue_end, q.origin, q.extra
                FROM quotes q JOIN ranked ON ranked.id = q.id ORDER BY q.id""",
            (*key, quote_base, to_id),
        )
        self.conn.execute(
            f"""WITH ranked_entities AS ({ranked.format(table="entities")}),
                     ranked_quotes AS ({ranked.format(table="quotes")})
                INSERT OR IGNORE INTO tags(doc_id, annotator_id, target_kind, target_id, tag)
                SELECT t.doc_id, ?, t.target_kind,
                       CASE t.target_kind WHEN 'document' THEN 0
                                          WHEN 'entity' THEN ? + re.n
                                          ELSE ? + rq.n END,
                       t.tag
                FROM tags t
                LEFT JOIN ranked_entities re ON t.target_kind = 'entity' AND re.id = t.target_id
                LEFT JOIN ranked_quotes rq ON t.target_kind = 'quote' AND rq.id = t.target_id
                WHERE t.doc_id = ? AND t.annotator_id = ?
                  AND (t.target_kind = 'document' OR re.n IS NOT NULL OR rq.n IS NOT NULL)""",
            (*key, *key, to_id, entity_base, quote_base, *key),
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

    # -- bulk writes (import) --------------------------------------------------------------------------------

    def add_documents(self, docs: list[Document]) -> list[tuple[int, bool]]:
        """Bulk `add_document`: (id, created) for each document, in order; texts already stored (or repeated in
        `docs`) are not inserted again. One lookup query and one executemany for the whole list."""
        if not docs:
            return []
        with self._bulk():
            found: dict[str, int] = {}
            hashes = list(dict.fromkeys(d.hash for d in docs))
            for start in range(0, len(hashes), 500):
                chunk = hashes[start : start + 500]
                found.update(
                    self.conn.execute(
                        f"SELECT hash, id FROM documents WHERE hash IN ({','.join('?' * len(chunk))})", chunk
                    ).fetchall()
                )
            next_id = self.highest_id("documents") + 1
            stamp, rows, result = now(), [], []
            for doc in docs:
                doc_id = found.get(doc.hash)
                if doc_id is not None:
                    result.append((doc_id, False))
                    continue
                found[doc.hash] = doc_id = next_id
                next_id += 1
                rows.append((doc_id, doc.hash, doc.title, doc.source, doc.text, _json(doc.meta), stamp))
                result.append((doc_id, True))
            self.conn.executemany(
                "INSERT INTO documents(id, hash, title, source, text, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
            )
            return result

    def write_annotation_sets(self, sets: list[AnnotationSet]) -> int:
        """Bulk `replace_annotation_set` (import): each set replaces what its annotator had on its document, with
        a few executemany statements for the whole list instead of ~20 statements a set. Tags refer to list
        positions as there. Entity and quote ids are handed out here (the write lock is held), so tags point
        at them without a round trip per row. New annotators and labels are added. Returns len(sets)."""
        if not sets:
            return 0
        with self._bulk():
            conn = self.conn
            names = {a.annotator for a in sets}
            ids = dict(
                conn.execute(
                    f"SELECT name, id FROM annotators WHERE name IN ({','.join('?' * len(names))})", list(names)
                ).fetchall()
            )
            for name in sorted(names - ids.keys()):
                if not name.strip():
                    raise ValueError("an annotator needs a name")
                ids[name] = conn.execute(
                    "INSERT INTO annotators(name, created_at) VALUES (?, ?)", (name, now())
                ).lastrowid
            encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # = _json, one encoder for all rows
            stamp = now()
            conn.executemany(
                "DELETE FROM annotation_sets WHERE doc_id = ? AND annotator_id = ?",
                [(a.doc_id, ids[a.annotator]) for a in sets],
            )
            next_entity = self.highest_id("entities") + 1
            next_quote = self.highest_id("quotes") + 1
            set_rows, entity_rows, quote_rows, tag_rows, labels = [], [], [], [], set()
            for aset in sets:
                doc_id, annotator_id = aset.doc_id, ids[aset.annotator]
                set_rows.append(
                    (doc_id, annotator_id, Status(aset.status).value, encode(aset.extra) if aset.extra else "{}", stamp, stamp)
                )
                entity_ids = list(range(next_entity, next_entity + len(aset.entities)))
                next_entity += len(entity_ids)
                for entity_id, e in zip(entity_ids, aset.entities):
                    labels.add(e.label)
                    entity_rows.append(
                        (entity_id, doc_id, annotator_id, e.start, e.end, e.label, Origin(e.origin).value,
                         encode(e.extra) if e.extra else "{}")
                    )
                quote_ids = list(range(next_quote, next_quote + len(aset.quotes)))
                next_quote += len(quote_ids)
                for quote_id, q in zip(quote_ids, aset.quotes):
                    quote_rows.append((quote_id, doc_id, annotator_id, *quote_columns(q).values()))
                for tag in aset.tags:
                    kind = TargetKind(tag.target_kind)
                    if kind is TargetKind.DOCUMENT:
                        target = 0
                    elif kind is TargetKind.ENTITY:
                        target = entity_ids[tag.target_id]
                    else:
                        target = quote_ids[tag.target_id]
                    tag_rows.append((doc_id, annotator_id, kind.value, target, tag.tag))
            conn.executemany(
                "INSERT INTO annotation_sets(doc_id, annotator_id, status, extra, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                set_rows,
            )
            conn.executemany(
                'INSERT INTO entities(id, doc_id, annotator_id, start, "end", label, origin, extra) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                entity_rows,
            )
            columns = [quoted_column(c) for c in quote_columns(Quote(0, 1))]
            conn.executemany(
                f"INSERT INTO quotes(id, doc_id, annotator_id, {', '.join(columns)}) "
                f"VALUES ({', '.join('?' * (3 + len(columns)))})",
                quote_rows,
            )
            conn.executemany(
                "INSERT OR IGNORE INTO tags(doc_id, annotator_id, target_kind, target_id, tag) VALUES (?, ?, ?, ?, ?)",
                tag_rows,
            )
            known = {r[0] for r in conn.execute("SELECT name FROM labels")}
            position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM labels").fetchone()[0]
            for label in sorted(labels - known):
                conn.execute(
                    "INSERT OR IGNORE INTO labels(name, color, position) VALUES (?, ?, ?)",
                    (label, resources.color_for(label), position),
                )
                position += 1
            return len(sets)

    @contextlib.contextmanager
    def _bulk(self) -> Iterator[None]:
        """The caller's transaction when one is open (no savepoint per call: bulk writes run inside an import's
        one transaction, which rolls back as a whole), else a transaction of its own."""
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only")
        with self._lock:
            if self.conn.in_transaction:
                yield
            else:
                with self.transaction():
                    yield

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
