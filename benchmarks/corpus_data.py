"""Seeded generator of a large corpus database (shared by bench_corpus.py and anyone who needs a big file).

    build_corpus(docs=1_000_000, spans=10_000_000, seed=7) -> Path   (cached under benchmarks/out/)

Documents are short texts (30–60 words) drawn from a Zipf-distributed synthetic vocabulary, so full-text search
meets common, mid and rare words as in news text. Every document has the model's pre-extraction (entities and
quotes, ~spans/docs spans each); quotes carry resolved speaker names drawn from a pool of names that never occur
in any text (so finding them tests the speaker index, not the text index). Annotator "alice" has a set on one
document in ten with mixed statuses, "bob" on one in a hundred.

Generation goes straight through sqlite3 (executemany and INSERT … SELECT in large transactions, synchronous=OFF,
no journal) on a schema made by `Store` itself, so the file is exactly what annotator writes. Statistics
(ANALYZE) are not gathered: a user's database would not have them either. The result is cached keyed by size,
seed and GENERATOR_VERSION; a second run reuses it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path

import numpy as np

from _common import OUT, note

GENERATOR_VERSION = 3  # 3: schema with 0006_never_reuse_ids
STAMP = "2024-01-01T00:00:00.000+00:00"
LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE", "LOC", "EVENT", "MONEY", "CARDINAL"]
FIRST = ["John", "Angela", "Emmanuel", "Olaf", "Xi", "Narendra", "Kamala", "Boris", "Ursula", "Antonio",
         "Recep", "Jacinda", "Justin", "Cyril", "Luiz", "Fumio", "Yoon", "Pedro", "Giorgia", "Mark"]
LAST = ["Kerry", "Merkel", "Macron", "Scholz", "Jinping", "Modi", "Harris", "Johnson", "Leyen", "Guterres",
        "Erdogan", "Ardern", "Trudeau", "Ramaphosa", "Lula", "Kishida", "Suk", "Sanchez", "Meloni", "Rutte"]
SPEAKERS = [f"{f} {l}" for f in FIRST for l in LAST]  # 400 names, none of whose words is in the vocabulary
CONSONANTS = "bcdfghjklmnprstvz"
VOWELS = "aeiou"


def vocabulary(size: int, rng: np.random.Generator) -> list[str]:
    """`size` distinct pronounceable lowercase words, most frequent first (shorter words are commoner)."""
    words: list[str] = []
    seen: set[str] = set()
    forbidden = {w.lower() for w in FIRST + LAST}
    syllables = [c + v for c in CONSONANTS for v in VOWELS]
    length = 1
    while len(words) < size:
        n = min(size - len(words), 4000)
        picks = rng.integers(0, len(syllables), size=(n * 3, length + (1 if len(words) > 100 else 0)))
        for row in picks:
            word = "".join(syllables[i] for i in row)
            if word not in seen and word not in forbidden:
                seen.add(word)
                words.append(word)
                if len(words) >= size:
                    break
        length = min(length + 1, 4)
    return words


def corpus_path(docs: int, spans: int, seed: int) -> Path:
    return OUT / f"corpus-d{docs}-s{spans}-seed{seed}-g{GENERATOR_VERSION}.db"


def build_corpus(docs: int, spans: int, seed: int = 7, *, vocab_size: int = 50_000) -> Path:
    """The cached corpus database for these sizes, generated first if missing. Returns its path."""
    path = corpus_path(docs, spans, seed)
    if path.exists():
        note(f"reusing generated corpus {path.relative_to(OUT.parent.parent)}")
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in OUT.glob(partial.name + "*"):
        leftover.unlink()
    note(f"generating {docs:,} documents and ~{spans:,} spans (seed {seed}); once, then cached in {OUT.name}/ …")
    started = time.perf_counter()

    from annotator.core.store import Store

    Store(partial).close()  # the schema exactly as annotator makes it (migrations, labels, tag set)
    conn = sqlite3.connect(partial, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    for pragma in ("synchronous = OFF", "foreign_keys = OFF", "cache_size = -1000000", "temp_store = MEMORY",
                   "locking_mode = EXCLUSIVE"):
        conn.execute(f"PRAGMA {pragma}")
    rng = np.random.default_rng(seed)
    words = vocabulary(vocab_size, rng)
    weights = 1.0 / np.arange(1, vocab_size + 1) ** 1.05
    weights /= weights.sum()
    word_array = np.array(words, dtype=object)

    conn.execute("BEGIN")
    ids = {}
    for name in ("model", "alice", "bob"):
        ids[name] = conn.execute(
            "INSERT INTO annotators(name, created_at) VALUES (?, ?)", (name, STAMP)
        ).lastrowid
    chunk = 50_000
    for first in range(0, docs, chunk):
        n = min(chunk, docs - first)
        lengths = rng.integers(30, 61, size=n)
        drawn = word_array[rng.choice(vocab_size, size=int(lengths.sum()), p=weights)]
        rows = []
        at = 0
        for i in range(n):
            body = drawn[at : at + lengths[i]]
            at += lengths[i]
            title = " ".join(body[:6]).capitalize()
            text = title + ". " + " ".join(body[6:]).capitalize() + "."
            rows.append((hashlib.sha256(text.encode()).hexdigest(), title, "bench", text, STAMP))
        conn.executemany(
            "INSERT OR IGNORE INTO documents(hash, title, source, text, created_at) VALUES (?, ?, ?, ?, ?)", rows
        )
    # Sets: the model on every document, alice on one in ten (mixed statuses), bob on one in a hundred.
    conn.execute(
        "INSERT INTO annotation_sets(doc_id, annotator_id, status, created_at, updated_at) "
        "SELECT id, ?, 'new', ?, ? FROM documents", (ids["model"], STAMP, STAMP),
    )
    conn.execute(
        """INSERT INTO annotation_sets(doc_id, annotator_id, status, created_at, updated_at)
           SELECT id, ?, CASE (id / 10) % 10 WHEN 0 THEN 'in_progress' WHEN 1 THEN 'skipped' WHEN 2 THEN 'rejected'
                                            WHEN 3 THEN 'in_progress' WHEN 4 THEN 'new' ELSE 'done' END, ?, ?
           FROM documents WHERE id % 10 = 3""", (ids["alice"], STAMP, STAMP),
    )
    conn.execute(
        "INSERT INTO annotation_sets(doc_id, annotator_id, status, created_at, updated_at) "
        "SELECT id, ?, 'done', ?, ? FROM documents WHERE id % 100 = 3", (ids["bob"], STAMP, STAMP),
    )
    # Spans: ~spans/docs per document, 90 % entities and 10 % quotes, at positions inside every text
    # (each text has at least 30 words of >= 2 letters, so >= 90 characters).
    per_doc = max(1, round(spans / docs))
    max_entities = max(1, 2 * round(per_doc * 0.9) - 1)  # 1 + (hash % max) averages ~0.9 * per_doc
    max_quotes = max(1, 2 * round(per_doc * 0.1) + 1)  # hash % max averages ~0.1 * per_doc
    conn.execute("CREATE TEMP TABLE seq(i INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO seq(i) VALUES (?)", [(i,) for i in range(max(max_entities, max_quotes))])
    conn.execute("CREATE TEMP TABLE labels_(k INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO labels_ VALUES (?, ?)", list(enumerate(LABELS)))
    conn.execute("CREATE TEMP TABLE speakers_(k INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO speakers_ VALUES (?, ?)", list(enumerate(SPEAKERS)))
    step = 80 // max_entities if max_entities <= 40 else 1
    conn.execute(
        f"""INSERT INTO entities(doc_id, annotator_id, start, "end", label, origin)
            SELECT d.id, ?, s.i * {step}, s.i * {step} + 1 + (d.id + s.i) % 6,
                   (SELECT name FROM labels_ WHERE k = (d.id * 7 + s.i) % {len(LABELS)}), 'model'
            FROM documents d JOIN seq s ON s.i < 1 + (d.id * 2654435761 + {seed}) % {max_entities}""",
        (ids["model"],),
    )
    conn.execute(
        f"""INSERT INTO quotes(doc_id, annotator_id, start, "end", type, speaker_start, speaker_end, speaker_name,
                               cue_start, cue_end, origin)
            SELECT d.id, ?, 20 + s.i * 30, 45 + s.i * 30,
                   CASE (d.id + s.i) % 3 WHEN 0 THEN 'direct' WHEN 1 THEN 'indirect' ELSE 'mixed' END,
                   s.i * 30, s.i * 30 + 4,
                   (SELECT name FROM speakers_ WHERE k = (d.id * 31 + s.i * 7) % {len(SPEAKERS) + 40}),
                   s.i * 30 + 5, s.i * 30 + 9, 'model'
            FROM documents d JOIN seq s ON s.i < (d.id * 40503 + {seed}) % {max_quotes}""",
        (ids["model"],),
    )
    # alice's sets hold a few spans of her own (so counts differ from the model's).
    conn.execute(
        """INSERT INTO entities(doc_id, annotator_id, start, "end", label, origin)
           SELECT s.doc_id, s.annotator_id, q.i * 8, q.i * 8 + 3, 'PERSON', 'human'
           FROM annotation_sets s JOIN seq q ON q.i < 3 WHERE s.annotator_id = ?""",
        (ids["alice"],),
    )
    conn.execute(
        """INSERT INTO tags(doc_id, annotator_id, target_kind, target_id, tag)
           SELECT doc_id, annotator_id, 'document', 0, 'checked' FROM annotation_sets
           WHERE annotator_id = ? AND status = 'done'""",
        (ids["alice"],),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")  # as annotator leaves it
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM entities), (SELECT count(*) FROM quotes)"
    ).fetchone()
    conn.close()
    os.replace(partial, path)
    size = path.stat().st_size / 2**30
    note(
        f"generated {counts[0]:,} documents, {counts[1]:,} entities, {counts[2]:,} quotes "
        f"({size:.2f} GiB) in {time.perf_counter() - started:.0f} s"
    )
    return path


def sample_words(seed: int, vocab_size: int = 50_000) -> dict[str, str]:
    """Words of known frequency in the generated vocabulary: common (rank 3), mid (rank 300), rare (rank 30,000)."""
    words = vocabulary(vocab_size, np.random.default_rng(seed))
    return {"common": words[2], "mid": words[299], "rare": words[29_999]}
