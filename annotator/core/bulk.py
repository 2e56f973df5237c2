"""Bulk writes for import: many documents and annotation sets in a few `executemany` statements instead of
~20 statements a set. A mixin of `Store`: it uses the store's connection, transactions and helpers."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from annotator.core import resources
from annotator.core.boilerplate import boilerplate_json
from annotator.core.errors import StoreError
from annotator.core.model import AnnotationSet, Document, Origin, Quote, Status
from annotator.core.normalise import search_form
from annotator.core.rows import _json, now, quote_columns, quoted_column, tag_target


class BulkWrites:
    """Store methods for bulk import writes."""

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
            stamp, rows, normal_rows, result = now(), [], [], []
            marked: list[tuple[int, Document]] = []  # documents whose boilerplate lines are (maybe) to be stored
            for doc in docs:
                doc_id = found.get(doc.hash)
                if doc_id is not None:
                    result.append((doc_id, False))
                    continue
                found[doc.hash] = doc_id = next_id
                next_id += 1
                row = (doc_id, doc.hash, doc.title, doc.source, doc.text, _json(doc.meta), stamp)
                normal = (search_form(doc.title), search_form(doc.text))  # NFC forms for search, when they differ
                if normal == (None, None):
                    rows.append(row)
                else:
                    normal_rows.append(row + normal)
                if doc.boilerplate is None or doc.boilerplate:
                    marked.append((doc_id, doc))
                result.append((doc_id, True))
            self.conn.executemany(
                "INSERT INTO documents(id, hash, title, source, text, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
            )
            if normal_rows:
                self.conn.executemany(
                    "INSERT INTO documents(id, hash, title, source, text, meta, created_at, search_title, search_text) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", normal_rows
                )
            boilerplate = [(json_of, doc_id) for doc_id, doc in marked if (json_of := boilerplate_json(doc)) != "[]"]
            if boilerplate:  # written only where there is some (older schemas in tests keep working)
                self.conn.executemany("UPDATE documents SET boilerplate = ? WHERE id = ?", boilerplate)
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
                    tag_rows.append((doc_id, annotator_id, *tag_target(tag, entity_ids, quote_ids), tag.tag))
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

    # -- the annotation import's scratch table (annotator.io.importer): which line first gave each pair --------

    @contextlib.contextmanager
    def import_scratch(self) -> Iterator[None]:
        """A temp table `import_seen` (document id, annotator name -> first line) for one import, empty at the
        start and dropped at the end; use it inside the import's transaction."""
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_seen (doc_id INTEGER, annotator TEXT, line INTEGER, "
            "PRIMARY KEY (doc_id, annotator))"
        )
        self.conn.execute("DELETE FROM temp.import_seen")
        try:
            yield
        finally:
            self.conn.execute("DROP TABLE IF EXISTS temp.import_seen")

    def first_import_line(self, doc_id: int, annotator: str) -> int | None:
        """The line (1-based) of the import that first gave this (document, annotator) pair, or None."""
        row = self.conn.execute(
            "SELECT line FROM temp.import_seen WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ).fetchone()
        return row[0] if row else None

    def remember_import_lines(self, first_lines: dict[tuple[int, str], int]) -> None:
        """Note the first line of each (document id, annotator name) pair a batch of the import wrote."""
        self.conn.executemany(
            "INSERT INTO temp.import_seen(doc_id, annotator, line) VALUES (?, ?, ?)",
            [(doc_id, name, line) for (doc_id, name), line in first_lines.items()],
        )

    def existing_sets(self, doc_ids: list[int], annotators: list[str]) -> set[tuple[int, str]]:
        """(document id, annotator name) pairs among these that already have an annotation set. Two queries
        whatever the sizes (the ids go in as bound parameters); nothing if no annotator exists yet."""
        if not annotators or not doc_ids:
            return set()
        ids = dict(self.conn.execute(
            f"SELECT id, name FROM annotators WHERE name IN ({','.join('?' * len(annotators))})", annotators
        ).fetchall())
        if not ids:
            return set()
        rows = self.conn.execute(
            f"SELECT doc_id, annotator_id FROM annotation_sets WHERE doc_id IN ({','.join('?' * len(doc_ids))}) "
            f"AND annotator_id IN ({','.join('?' * len(ids))})",
            [*doc_ids, *ids],
        ).fetchall()
        return {(doc_id, ids[annotator_id]) for doc_id, annotator_id in rows}
