"""Listing and searching documents: the filters, counts and keyset pages behind the document list and
`annotator list`, and full-text search (FTS5 over titles and texts, plus quoted speakers' resolved names).
A mixin of `Store`: it uses the store's connection and helpers, and holds no state of its own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotator.core.model import MODEL_ANNOTATOR, Status
from annotator.core.normalise import nfc

SEARCH_RANK_WINDOW = 2000
"""`search` ranks (bm25) at most this many matches, the most recent ones: ranking all 800,000 documents that
contain a common word would take a second on a million-document corpus; a rare word is ranked in full."""


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


class DocumentListing:
    """Store methods that list, count and search documents (read-only)."""

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
            terms = symbol_terms(text)
            if has_words(text) or not terms:
                clauses.append(
                    "d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
                    " UNION SELECT doc_id FROM quote_speakers_fts WHERE quote_speakers_fts MATCH ?)"
                )
                params.extend([fts_query(text), fts_query(text)])
            for term in terms:  # what the FTS tokenizer drops (emoji, symbols): a scan, see symbol_terms
                clauses.append("(instr(d.title, ?) > 0 OR instr(d.text, ?) > 0)")
                params.extend([term, term])
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _text_match_ids(
        self, annotator_id: int | None, status: Status | None, text: str, *, after: int, limit: int
    ) -> list[int]:
        """Ids (ascending, > `after`, at most `limit`; -1: all) of documents whose title or text matches `text`,
        or one of whose quotes has a matching speaker name, that also pass the status filter. Driven by the FTS
        indexes in id order, so a page of a word found in most documents costs no more than one of a rare word."""
        if symbol_terms(text):  # emoji or symbols typed: not in the FTS index, found by scanning (symbol_terms)
            where, params = self._list_filter(annotator_id, status, text)
            rows = self.query(f"SELECT d.id FROM documents d{where} AND d.id > ? ORDER BY d.id LIMIT ?",
                              [*params, after, limit])
            return [r[0] for r in rows]
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

    def iter_document_texts(self, *, batch: int = 1000) -> Iterator[tuple[int, str]]:
        """(id, text) of every document in id order, a batch at a time (flat memory on large corpora)."""
        last = 0
        while True:
            rows = self.query("SELECT id, text FROM documents WHERE id > ? ORDER BY id LIMIT ?", (last, batch))
            if not rows:
                return
            for row in rows:
                yield row[0], row[1]
            last = rows[-1][0]

    def document_rows(self, doc_ids: list[int], *, annotator: str | None = None) -> list[DocumentRow]:
        """List rows for these ids (in that order). Counts are the annotator's when they have a set on the
        document, else the model's pre-extraction. `annotators` names who worked on it: a set still "new" (never
        edited, or every edit undone) is nobody's work yet (attack 15 #18), as review counts it."""
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
                    WHERE s.doc_id IN ({marks}) AND a.name != ? AND s.status != 'new' GROUP BY s.doc_id""",
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


    # -- search ----------------------------------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search (FTS5) over titles and texts (so the entities and quotes in them) and over quotes'
        resolved speaker names (not in the text: "John Kerry" for "he said"), with a highlighted snippet.

        Order: documents matching both first, then text matches (best bm25 rank first) and speaker matches (newest
        first) alternately. Only the SEARCH_RANK_WINDOW most recent text matches are ranked."""
        if symbol_terms(text):
            return self._scan_search(text, limit)
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

    def _scan_search(self, text: str, limit: int) -> list[SearchHit]:
        """`search` for text holding emoji or symbols (symbol_terms): documents holding every symbol term (and
        every word, through the FTS index), newest first, with a snippet around the first term."""
        where, params = self._list_filter(None, None, text)
        rows = self.query(f"SELECT d.id, d.title, d.text FROM documents d{where} ORDER BY d.id DESC LIMIT ?",
                          [*params, limit])
        term = symbol_terms(text)[0]
        hits = []
        for r in rows:
            body = r["text"] or ""
            at = body.find(term)
            snippet = (f"…{body[max(0, at - 40):at]}[{term}]{body[at + len(term):at + len(term) + 40]}…" if at >= 0
                       else f"title: {r['title']}")
            hits.append(SearchHit(r["id"], r["title"], " ".join(snippet.split())))
        return hits

    # -- who has worked on what (review/versions.py and review/attach.py decide what to do with it) --------------

    def gold_names_with_decisions(self) -> set[str]:
        """Names of the annotators that review decisions were written into (empty before review's migration)."""
        if not self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'review_decisions'"):
            return set()
        return {r[0] for r in self.query(
            "SELECT DISTINCT a.name FROM review_decisions d JOIN annotators a ON a.id = d.gold_id"
        )}

    def annotators_with_sets(self) -> list[str]:
        """Names of the annotators holding at least one annotation set, sorted by name."""
        return [r[0] for r in self.query(
            """SELECT a.name FROM annotators a WHERE EXISTS (SELECT 1 FROM annotation_sets s WHERE s.annotator_id = a.id)
               ORDER BY a.name"""
        )]

    def has_any_set(self, annotator: str) -> bool:
        """Whether `annotator` holds at least one annotation set."""
        return bool(self.query(
            "SELECT 1 FROM annotators a JOIN annotation_sets s ON s.annotator_id = a.id WHERE a.name = ? LIMIT 1",
            (annotator,),
        ))

    def documents_with_sets(self, annotators: list[str], statuses: list[str], *, any_status: str, minimum: int) -> list[int]:
        """Ids of documents on which at least `minimum` of `annotators` hold a set whose status is in `statuses`
        (the sets of the annotator named `any_status` count whatever their status), ascending."""
        names = ",".join("?" * len(annotators))
        marks = ",".join("?" * len(statuses))
        rows = self.query(
            f"""SELECT s.doc_id FROM annotation_sets s JOIN annotators a ON a.id = s.annotator_id
                WHERE a.name IN ({names}) AND (s.status IN ({marks}) OR a.name = ?)
                GROUP BY s.doc_id HAVING count(*) >= ? ORDER BY s.doc_id""",
            [*annotators, *statuses, any_status, minimum],
        )
        return [r[0] for r in rows]

    def documents_of(self, annotator_id: int) -> list[int]:
        """Ids of the documents on which the annotator (by id) holds a set, ascending."""
        return [r[0] for r in self.query(
            "SELECT doc_id FROM annotation_sets WHERE annotator_id = ? ORDER BY doc_id", (annotator_id,)
        )]


def fts_query(text: str) -> str:
    """Turn what a person types into a safe FTS5 query: each word must appear (prefix match on the last).
    The query is NFC-normalised first, like the index (a word typed in NFD, e.g. pasted from macOS, is one word,
    not two split at its combining mark)."""
    text = nfc(text)
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        return '""'
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


JOINERS = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}
"""Characters that hold an emoji sequence together (zero-width joiner, variation selectors, keycap)."""


def symbol_terms(text: str) -> list[str]:
    """The runs of symbols in what a person typed — emoji (🎉, a ZWJ family, a flag), signs such as € or ©,
    maths — which FTS5's unicode61 tokenizer drops as separators, so the index cannot find them (attack 15 #18:
    searching 🎉 found nothing). Each run must appear as typed (NFC) in the title or the text; the list and
    `search` find those by a scan of the documents (instr), slower than the index but only when a symbol is
    typed. Punctuation (. , - ' ") is not a symbol here: it separates words as before."""
    import unicodedata

    terms, run = [], ""
    for char in nfc(text):
        if unicodedata.category(char).startswith("S") or (run and char in JOINERS):
            run += char
        else:
            if run:
                terms.append(run)
            run = ""
    if run:
        terms.append(run)
    return list(dict.fromkeys(terms))


def has_words(text: str) -> bool:
    """Whether `text` holds a word the FTS index can find (a letter or a digit)."""
    return any(c.isalnum() for c in text)
