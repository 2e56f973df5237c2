"""Build a quote gold file (seed_quotes.jsonl format) from hand-written entries, computing every offset from the
text and asserting it, so no offset is ever typed by hand. Used by dev_articles/ and blind_articles/.

An entry is (doc, quote, speaker, resolved speaker, cue, type[, text the quote comes after]).
"""

from __future__ import annotations

import json
from pathlib import Path

DIRECT, INDIRECT, MIXED = "direct", "indirect", "mixed"


def build_rows(folder: Path, gold: list[tuple]) -> list[dict]:
    rows = []
    texts: dict[str, str] = {}
    for entry in gold:
        doc, quote, speaker, resolved, cue, qtype = entry[:6]
        after = entry[6] if len(entry) > 6 else None
        text = texts.setdefault(doc, (folder / doc).read_text(encoding="utf-8"))
        if after is None:
            assert text.count(quote) == 1, (doc, quote, text.count(quote))
            start = text.index(quote)
        else:
            start = text.index(quote, text.index(after))
        end = start + len(quote)
        assert text[start:end] == quote
        if speaker is not None:
            assert speaker in text, (doc, speaker)
        if cue is not None:
            assert cue in text, (doc, cue)
        rows.append({"doc": doc, "quote_start": start, "quote_end": end, "quote": quote, "speaker": speaker,
                     "speaker_resolved": resolved, "cue": cue, "type": qtype})
    rows.sort(key=lambda r: (r["doc"], r["quote_start"]))
    for a, b in zip(rows, rows[1:]):
        assert a["doc"] != b["doc"] or a["quote_end"] <= b["quote_start"], ("overlap", a["quote"], b["quote"])
    return rows


def write_gold(folder: Path, gold: list[tuple], name: str) -> None:
    rows = build_rows(folder, gold)
    out = folder / name
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} quotes in {len({r['doc'] for r in rows})} docs -> {out}")
