"""Named, ordered schema migrations, recorded in the database's `_migrations` table.

To change the schema, append a new `Migration` to `MIGRATIONS`; never edit one that has shipped.
An older database is migrated on open; a database that records a migration this code does not know was written
by a newer annotator and is refused.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of annotator."""


@dataclass(frozen=True)
class Migration:
    name: str
    apply: Callable[[sqlite3.Connection], None]


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run a multi-statement script inside the current transaction (`executescript` would commit first)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                conn.execute(pending)
            pending = ""
    if pending.strip(" \n;"):
        raise ValueError(f"incomplete SQL statement in migration: {pending[:80]!r}")


def _initial(conn: sqlite3.Connection) -> None:
    run_script(conn, 
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE TABLE annotators (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            readonly_source TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE annotation_sets (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
            status TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'in_progress', 'done', 'skipped', 'rejected')),
            extra TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, annotator_id)
        ) WITHOUT ROWID;
        CREATE INDEX annotation_sets_by_annotator ON annotation_sets(annotator_id, status, doc_id);
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL,
            annotator_id INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            origin TEXT NOT NULL DEFAULT 'human' CHECK (origin IN ('model', 'human')),
            extra TEXT NOT NULL DEFAULT '{}',
            CHECK (start >= 0 AND "end" > start),
            FOREIGN KEY (doc_id, annotator_id) REFERENCES annotation_sets(doc_id, annotator_id) ON DELETE CASCADE
        );
        CREATE INDEX entities_by_set ON entities(doc_id, annotator_id, start);
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL,
            annotator_id INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            type TEXT NOT NULL DEFAULT 'direct' CHECK (type IN ('direct', 'indirect', 'mixed')),
            speaker_start INTEGER,
            speaker_end INTEGER,
            speaker_name TEXT,
            cue_start INTEGER,
            cue_end INTEGER,
            origin TEXT NOT NULL DEFAULT 'human' CHECK (origin IN ('model', 'human')),
            extra TEXT NOT NULL DEFAULT '{}',
            CHECK (start >= 0 AND "end" > start),
            CHECK ((speaker_start IS NULL) = (speaker_end IS NULL)),
            CHECK ((cue_start IS NULL) = (cue_end IS NULL)),
            FOREIGN KEY (doc_id, annotator_id) REFERENCES annotation_sets(doc_id, annotator_id) ON DELETE CASCADE
        );
        CREATE INDEX quotes_by_set ON quotes(doc_id, annotator_id, start);
        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL,
            annotator_id INTEGER NOT NULL,
            target_kind TEXT NOT NULL CHECK (target_kind IN ('document', 'entity', 'quote')),
            target_id INTEGER NOT NULL DEFAULT 0,
            tag TEXT NOT NULL,
            UNIQUE (doc_id, annotator_id, target_kind, target_id, tag),
            FOREIGN KEY (doc_id, annotator_id) REFERENCES annotation_sets(doc_id, annotator_id) ON DELETE CASCADE
        );
        CREATE TRIGGER entity_tags_follow AFTER DELETE ON entities BEGIN
            DELETE FROM tags WHERE target_kind = 'entity' AND target_id = old.id;
        END;
        CREATE TRIGGER quote_tags_follow AFTER DELETE ON quotes BEGIN
            DELETE FROM tags WHERE target_kind = 'quote' AND target_id = old.id;
        END;
        CREATE TABLE tag_set (
            tag TEXT NOT NULL,
            scope TEXT NOT NULL CHECK (scope IN ('document', 'span')),
            PRIMARY KEY (tag, scope)
        );
        CREATE TABLE labels (
            name TEXT PRIMARY KEY,
            color TEXT NOT NULL,
            position INTEGER NOT NULL
        );
        CREATE TABLE edit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            doc_id INTEGER NOT NULL,
            annotator_id INTEGER NOT NULL,
            op TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX edit_log_by_doc ON edit_log(doc_id, annotator_id);
        """
    )


def _full_text_search(conn: sqlite3.Connection) -> None:
    """FTS5 over document titles and texts (entity and quote texts are substrings of the text)."""
    run_script(conn, 
        """
        CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO documents_fts(rowid, title, text) SELECT id, title, text FROM documents;
        CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        END;
        CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        """
    )


def _quote_speaker_search(conn: sqlite3.Connection) -> None:
    """FTS5 over quotes' resolved speaker names, which are not in the text ("John Kerry" for "he"), so search
    and the list filter find a document by who is quoted in it. Rowid = quote id; kept in step by triggers."""
    run_script(conn,
        """
        CREATE VIRTUAL TABLE quote_speakers_fts USING fts5(
            speaker_name, doc_id UNINDEXED, tokenize='unicode61 remove_diacritics 2', prefix='2 3'
        );
        INSERT INTO quote_speakers_fts(rowid, speaker_name, doc_id)
            SELECT id, speaker_name, doc_id FROM quotes WHERE coalesce(speaker_name, '') != '';
        CREATE TRIGGER quote_speakers_fts_insert AFTER INSERT ON quotes
        WHEN coalesce(new.speaker_name, '') != '' BEGIN
            INSERT INTO quote_speakers_fts(rowid, speaker_name, doc_id) VALUES (new.id, new.speaker_name, new.doc_id);
        END;
        CREATE TRIGGER quote_speakers_fts_delete AFTER DELETE ON quotes
        WHEN coalesce(old.speaker_name, '') != '' BEGIN
            DELETE FROM quote_speakers_fts WHERE rowid = old.id;
        END;
        CREATE TRIGGER quote_speakers_fts_update AFTER UPDATE OF speaker_name, doc_id ON quotes BEGIN
            DELETE FROM quote_speakers_fts WHERE rowid = old.id;
            INSERT INTO quote_speakers_fts(rowid, speaker_name, doc_id)
                SELECT new.id, new.speaker_name, new.doc_id WHERE coalesce(new.speaker_name, '') != '';
        END;
        """
    )


def _review_decisions(conn: sqlite3.Connection) -> None:
    """Who decided what during review: one row per adjudication decision written into a gold set."""
    run_script(conn,
        """
        CREATE TABLE review_decisions (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            gold_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
            reviewer_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            decision TEXT NOT NULL
                CHECK (decision IN ('auto', 'take', 'reject', 'edit', 'accept_version', 'accept_identical')),
            chosen_from TEXT,
            payload TEXT NOT NULL DEFAULT '{}',
            at TEXT NOT NULL
        );
        CREATE INDEX review_decisions_by_doc ON review_decisions(doc_id, gold_id, item_key);
        """
    )


def _scale_indexes(conn: sqlite3.Connection) -> None:
    """Large corpora (a million documents) stay instant.

    - `documents_by_id`: a narrow index on the id, so `count(*)` and `LIMIT … OFFSET` in the document list step
      through ~10 bytes per document instead of the table's pages with all the texts (10x faster at 1M).
    - `documents_fts` rebuilt with prefix indexes for 2- and 3-character prefixes: search-as-you-type matches the
      last word as a prefix ("ker" → "kerry"), and without these FTS5 merges every term with that prefix for each
      query (a 2-letter prefix: ~1 s on 1M documents; with them: < 1 ms). The triggers of 0002 keep working
      (they name the table, which keeps its name).
    """
    run_script(conn,
        """
        CREATE INDEX IF NOT EXISTS documents_by_id ON documents(id);
        DROP TABLE documents_fts;
        CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
            prefix='2 3'
        );
        INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
        """
    )


_NEVER_REUSED = ("entities", "quotes", "tags")


def _never_reuse_ids(conn: sqlite3.Connection) -> None:
    """Entity, quote and tag ids are never reused (AUTOINCREMENT).

    Undo puts a deleted row back with its old id. Without AUTOINCREMENT SQLite hands the highest freed id to the
    next insert, so with two windows on one database an entity deleted in one window could have its id taken by
    another window's new entity, and undoing the delete then failed (UNIQUE constraint): the work was lost. Each
    table is rebuilt from its own stored SQL (so columns added by later migrations are kept); every trigger is
    dropped first and recreated after (a trigger naming a table being rebuilt would block the rename), as are
    the rebuilt tables' indexes.
    """
    triggers = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL").fetchall()
    indexes = conn.execute(
        f"SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join('?' * len(_NEVER_REUSED))})",
        _NEVER_REUSED,
    ).fetchall()
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    for table in _NEVER_REUSED:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
        if "AUTOINCREMENT" in sql.upper():
            continue
        new_sql, renamed = re.subn(rf'^CREATE TABLE\s+"?{table}"?', f"CREATE TABLE {table}_rebuilt", sql)
        new_sql, keyed = re.subn(r"\bid INTEGER PRIMARY KEY\b", "id INTEGER PRIMARY KEY AUTOINCREMENT", new_sql, count=1)
        if not (renamed and keyed):
            raise RuntimeError(f"cannot rebuild table {table}: unexpected schema {sql[:80]!r}")
        conn.execute(new_sql)
        conn.execute(f"INSERT INTO {table}_rebuilt SELECT * FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
    for (sql,) in indexes + triggers:
        conn.execute(sql)


ENTITY_SPANS_SQL = """
SELECT e.doc_id AS doc_id, d.title AS title, a.name AS annotator, s.status AS status, e.label AS label,
       e.start AS start, e."end" AS "end", substr(d.text, e.start + 1, e."end" - e.start) AS text,
       (SELECT group_concat(t.tag, ', ') FROM tags t
         WHERE t.target_kind = 'entity' AND t.target_id = e.id) AS tags,
       e.origin AS origin, e.id AS entity_id
FROM entities e
JOIN documents d ON d.id = e.doc_id
JOIN annotators a ON a.id = e.annotator_id
JOIN annotation_sets s ON s.doc_id = e.doc_id AND s.annotator_id = e.annotator_id
"""

QUOTE_SPANS_SQL = """
SELECT q.doc_id AS doc_id, d.title AS title, a.name AS annotator, s.status AS status, q.type AS type,
       q.start AS start, q."end" AS "end", substr(d.text, q.start + 1, q."end" - q.start) AS text,
       CASE WHEN q.speaker_start IS NULL THEN NULL
            ELSE substr(d.text, q.speaker_start + 1, q.speaker_end - q.speaker_start) END AS speaker,
       q.speaker_name AS speaker_name,
       CASE WHEN q.cue_start IS NULL THEN NULL
            ELSE substr(d.text, q.cue_start + 1, q.cue_end - q.cue_start) END AS cue,
       (SELECT group_concat(t.tag, ', ') FROM tags t
         WHERE t.target_kind = 'quote' AND t.target_id = q.id) AS tags,
       q.speaker_start AS speaker_start, q.speaker_end AS speaker_end, q.cue_start AS cue_start,
       q.cue_end AS cue_end, q.origin AS origin, q.id AS quote_id
FROM quotes q
JOIN documents d ON d.id = q.doc_id
JOIN annotators a ON a.id = q.annotator_id
JOIN annotation_sets s ON s.doc_id = q.doc_id AND s.annotator_id = q.annotator_id
"""

DOCUMENT_TAGS_SQL = """
SELECT t.doc_id AS doc_id, d.title AS title, a.name AS annotator, s.status AS status, t.tag AS tag
FROM tags t
JOIN documents d ON d.id = t.doc_id
JOIN annotators a ON a.id = t.annotator_id
JOIN annotation_sets s ON s.doc_id = t.doc_id AND s.annotator_id = t.annotator_id
WHERE t.target_kind = 'document'
"""


def _exchange_views(conn: sqlite3.Connection) -> None:
    """Read-only views so `sqlite-utils query`, Datasette or pandas read annotations without learning the
    schema (issue 12): `entity_spans` (doc_id, title, annotator, status, label, start, end, text, tags),
    `quote_spans` (... type, start, end, text, speaker, speaker_name, cue, tags) and `document_tags`. Offsets are
    code points, as SQLite's substr() counts them. Made with sqlite-utils' `create_view` (inside this
    migration's transaction: it only runs CREATE VIEW on the connection)."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    db.create_view("entity_spans", ENTITY_SPANS_SQL.strip(), replace=True)
    db.create_view("quote_spans", QUOTE_SPANS_SQL.strip(), replace=True)
    db.create_view("document_tags", DOCUMENT_TAGS_SQL.strip(), replace=True)


def _boilerplate_lines(conn: sqlite3.Connection) -> None:
    """Issue 14: each document's boilerplate lines as a JSON list of [start, end) code-point ranges, filled in
    for the documents already stored; a title that is itself boilerplate ("Accessibility links") becomes the
    headline."""
    import json

    from annotator.core.boilerplate import boilerplate_ranges, headline_of, is_boilerplate_line

    columns = {row[1] for row in conn.execute("PRAGMA table_info(documents)")}
    conn.execute("ALTER TABLE documents ADD COLUMN boilerplate TEXT NOT NULL DEFAULT '[]'")
    rows = conn.execute("SELECT id, title, text FROM documents").fetchall()
    for doc_id, title, text in rows:
        ranges = boilerplate_ranges(text)
        if ranges:
            conn.execute("UPDATE documents SET boilerplate = ? WHERE id = ?", (json.dumps(ranges), doc_id))
        if is_boilerplate_line(title or ""):
            conn.execute("UPDATE documents SET title = ? WHERE id = ?", (headline_of(text)[:300], doc_id))
            if "search_title" in columns:  # 0010 ran first (a database from a build without 0009)
                from annotator.core.normalise import search_form

                conn.execute("UPDATE documents SET search_title = ? WHERE id = ?",
                             (search_form(headline_of(text)[:300]), doc_id))


def _nfc_search_and_model_status(conn: sqlite3.Connection) -> None:
    """Issue 17: documents compare and search by their NFC text (`annotator.core.normalise`), and the model's
    pre-extraction has no workflow status.

    - The model's sets, stored as `done` before, become `new` ("no status"): every view shows the model's set
      without a status and counts only people's work as done.

    - `documents.search_title` / `search_text`: the NFC form of the title / text when it differs from what is
      stored, else NULL (the stored text stays as given; offsets keep counting its code points).
    - `documents_search`: a view giving each document's NFC title and text; `documents_fts` is rebuilt over it,
      so the tokenizer sees composed characters whatever the stored form (an NFD "한국" or "café" is found by
      the query typed either way) and snippets read the same text the index saw.
    - Existing documents: search columns filled, and `hash` recomputed from the NFC text. When two documents
      differ only by normalisation, one holds the NFC hash (the one stored in NFC, else the oldest) and new
      imports of either form attach to it; the other keeps its old hash and stays a document of its own (its
      annotations are not merged).
    """
    from annotator.core.model import MODEL_ANNOTATOR, content_hash
    from annotator.core.normalise import search_form

    conn.execute(
        "UPDATE annotation_sets SET status = 'new' WHERE annotator_id IN (SELECT id FROM annotators WHERE name = ?)",
        (MODEL_ANNOTATOR,),
    )

    run_script(conn,
        """
        ALTER TABLE documents ADD COLUMN search_title TEXT;
        ALTER TABLE documents ADD COLUMN search_text TEXT;
        """
    )
    last = 0
    while True:  # in id order, a slice at a time (flat memory on a large corpus); ASCII texts need nothing
        rows = conn.execute(
            "SELECT id, title, text FROM documents WHERE id > ? ORDER BY id LIMIT 500", (last,)
        ).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        for doc_id, title, text in rows:
            if title.isascii() and text.isascii():
                continue
            normal_title, normal_text = search_form(title), search_form(text)
            if normal_title is None and normal_text is None:
                continue
            conn.execute(
                "UPDATE documents SET search_title = ?, search_text = ? WHERE id = ?", (normal_title, normal_text, doc_id)
            )
            if normal_text is not None:
                new_hash = content_hash(text)
                if not conn.execute("SELECT 1 FROM documents WHERE hash = ?", (new_hash,)).fetchone():
                    conn.execute("UPDATE documents SET hash = ? WHERE id = ?", (new_hash, doc_id))
    run_script(conn,
        """
        DROP TRIGGER IF EXISTS documents_fts_insert;
        DROP TRIGGER IF EXISTS documents_fts_delete;
        DROP TRIGGER IF EXISTS documents_fts_update;
        DROP TABLE documents_fts;
        CREATE VIEW documents_search AS
            SELECT id, coalesce(search_title, title) AS title, coalesce(search_text, text) AS text FROM documents;
        CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, text, content='documents_search', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3'
        );
        INSERT INTO documents_fts(documents_fts) VALUES ('rebuild');
        CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts(rowid, title, text)
            VALUES (new.id, coalesce(new.search_title, new.title), coalesce(new.search_text, new.text));
        END;
        CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text)
            VALUES ('delete', old.id, coalesce(old.search_title, old.title), coalesce(old.search_text, old.text));
        END;
        CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text, search_title, search_text ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, text)
            VALUES ('delete', old.id, coalesce(old.search_title, old.title), coalesce(old.search_text, old.text));
            INSERT INTO documents_fts(rowid, title, text)
            VALUES (new.id, coalesce(new.search_title, new.title), coalesce(new.search_text, new.text));
        END;
        """
    )


_COLLIDING_LABEL_COLOURS = {  # displaCy's defaults that several labels shared -> this version's distinct ones
    "MONEY": ("#e4e7d2", "#5fd87a"), "CARDINAL": ("#e4e7d2", "#e0d890"), "ORDINAL": ("#e4e7d2", "#c8b090"),
    "PERCENT": ("#e4e7d2", "#f090c8"), "QUANTITY": ("#e4e7d2", "#7fb0ff"), "DATE": ("#bfe1d9", "#74c7f0"),
    "TIME": ("#bfe1d9", "#40c090"), "LAW": ("#ff8197", "#ff8197"), "LANGUAGE": ("#ff8197", "#a08060"),
    "FAC": ("#9cc9cc", "#b0b0b0"), "EVENT": ("#ffeb80", "#fff06a"), "PRODUCT": ("#bfeeb7", "#b6f07a"),
    "WORK_OF_ART": ("#f0d0ff", "#f8d8ff"),
}


def _distinct_label_colours(conn: sqlite3.Connection) -> None:
    """Every default label gets a colour of its own (issue 15: MONEY/CARDINAL/ORDINAL/PERCENT/QUANTITY, DATE/TIME
    and LAW/LANGUAGE shared one). Only labels still holding the old default colour change: a team's own colour
    stays."""
    for name, (old, new) in _COLLIDING_LABEL_COLOURS.items():
        conn.execute("UPDATE labels SET color = ? WHERE name = ? AND lower(color) = ?", (new, name, old))


MIGRATIONS: list[Migration] = [
    Migration("0001_initial", _initial),
    Migration("0002_full_text_search", _full_text_search),
    Migration("0003_quote_speaker_search", _quote_speaker_search),
    Migration("0004_review_decisions", _review_decisions),
    Migration("0005_scale_indexes", _scale_indexes),
    Migration("0006_never_reuse_ids", _never_reuse_ids),
    Migration("0008_exchange_views", _exchange_views),
    Migration("0009_boilerplate_lines", _boilerplate_lines),
    Migration("0010_nfc_search_and_model_status", _nfc_search_and_model_status),
    Migration("0011_distinct_label_colours", _distinct_label_colours),
]


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='_migrations'").fetchone()
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY id")]


def _create_whole(conn: sqlite3.Connection) -> list[str] | None:
    """A new database gets every migration in ONE transaction, so a creation cut short (a full disk, Ctrl+C,
    SIGTERM, a kill) leaves no tables at all, never a schema half made that would read as one made by an older
    annotator needing an upgrade. Returns the names applied, or None when another process created the schema
    first (the caller then applies what is missing one by one)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if applied_migrations(conn):  # another process created it meanwhile
            conn.execute("ROLLBACK")
            return None
        conn.execute(
            "CREATE TABLE _migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)"
        )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for migration in MIGRATIONS:
            migration.apply(conn)
            conn.execute("INSERT INTO _migrations(name, applied_at) VALUES (?, ?)", (migration.name, now))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return [m.name for m in MIGRATIONS]


def migrate(conn: sqlite3.Connection, path: str = "database") -> list[str]:
    """Apply every migration this database lacks, each in its own transaction. Returns the names applied."""
    known = [m.name for m in MIGRATIONS]
    done = applied_migrations(conn)
    unknown = [name for name in done if name not in known]
    if unknown:
        raise SchemaTooNewError(
            f"{path} was written by a newer version of annotator (it has schema migration {unknown[-1]!r}, "
            f"which this version does not know). Upgrade annotator to open it."
        )
    if not done and (created := _create_whole(conn)) is not None:
        return created
    applied = []
    for migration in MIGRATIONS:
        if migration.name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, applied_at TEXT NOT NULL)"
            )
            if migration.name in applied_migrations(conn):  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            migration.apply(conn)
            conn.execute(
                "INSERT INTO _migrations(name, applied_at) VALUES (?, ?)",
                (migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(migration.name)
    return applied
