"""Hypothesis: generated records (entities, quotes, tags, unknown fields, astral characters) survive
import -> export as annotator JSONL exactly, and import -> export as Prodigy -> import -> export as JSONL."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from exchange_helpers import read_jsonl, write_jsonl

from annotator.core.store import Store
from annotator.io.exporter import ExportOptions, export
from annotator.io.importer import import_file
from annotator.core.model import Status

WORDS = st.sampled_from(["Kerry", "said", "the", "Taliban", "“war”", "é", "naïve", "😀", "\n", "Paris", ",", "\"no\""])
TAGS = st.lists(st.sampled_from(["important", "needs-review", "opinion"]), unique=True, max_size=2).map(sorted)


def cuts(draw, length: int, count: int) -> list[tuple[int, int]]:
    points = sorted(draw(st.lists(st.integers(0, length), min_size=2 * count, max_size=2 * count, unique=True)))
    return [(points[i], points[i + 1]) for i in range(0, len(points), 2)]


@st.composite
def records(draw):
    result = []
    texts = draw(st.lists(st.lists(WORDS, min_size=3, max_size=25).map(" ".join), min_size=1, max_size=3, unique=True))
    for text in texts:
        n = draw(st.integers(0, min(3, len(text) // 2)))
        spans = [{"start": s, "end": e, "label": draw(st.sampled_from(["PERSON", "ORG", "GPE"])),
                  "text": text[s:e], **({"tags": t} if (t := draw(TAGS)) else {}),
                  **({"source": "x"} if draw(st.booleans()) else {})} for s, e in cuts(draw, len(text), n)
                 if text[s:e].strip()]  # an entity needs a visible character (issue 17)
        quotes = []
        for _ in range(draw(st.integers(0, 2))):
            (qs, qe), = cuts(draw, len(text), 1)
            if not text[qs:qe].strip():
                continue  # a quote, speaker or cue needs a visible character too (issue 17)
            parts = {}
            for part in ("speaker", "cue"):
                if draw(st.booleans()):
                    (ps, pe), = cuts(draw, len(text), 1)
                    parts[part] = {"start": ps, "end": pe, "text": text[ps:pe]} if text[ps:pe].strip() else None
                else:
                    parts[part] = None
            quotes.append({"start": qs, "end": qe, "text": text[qs:qe],
                           "type": draw(st.sampled_from(["direct", "indirect", "mixed"])), **parts,
                           "speaker_name": draw(st.none() | st.sampled_from(["John Kerry", "Zoë"])), "tags": draw(TAGS)})
        quotes.sort(key=lambda q: (q["start"], q["end"]))
        if len({(q["start"], q["end"]) for q in quotes}) < len(quotes):
            quotes = quotes[:1]
        result.append({
            "text": text, "meta": {"source": "gen", "n": draw(st.integers(0, 9))},
            "_input_hash": draw(st.integers(-2**31, 2**31 - 1)), "_task_hash": draw(st.integers(-2**31, 2**31 - 1)),
            "_annotator_id": draw(st.sampled_from(["alice", "bob"])),
            "answer": draw(st.sampled_from(["accept", "reject", "ignore"])),
            "spans": spans, "quotes": quotes, "tags": draw(TAGS),
            # integers strict JSON accepts (at most 30 digits, core/strict_json.py)
            "custom": draw(st.none() | st.integers(-10**30 + 1, 10**30 - 1) | st.text(max_size=5)),
        })
    return result


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def export_all(store, fmt, path):
    export(store, ExportOptions(format=fmt, output=path, statuses=list(Status)))
    return sorted(read_jsonl(path), key=lambda r: (r["text"], r["_annotator_id"]))


@SETTINGS
@given(records())
def test_jsonl_round_trip_is_exact(tmp_path_factory, recs):
    tmp = tmp_path_factory.mktemp("rt")
    with Store(tmp / "a.db") as store:
        import_file(store, write_jsonl(tmp / "in.jsonl", recs))
        assert export_all(store, "jsonl", tmp / "out.jsonl") == sorted(recs, key=lambda r: (r["text"], r["_annotator_id"]))
        assert import_file(store, tmp / "in.jsonl").sets_written == 0


@SETTINGS
@given(records())
def test_quotes_survive_the_prodigy_flavour(tmp_path_factory, recs):
    tmp = tmp_path_factory.mktemp("pf")
    with Store(tmp / "a.db") as first:
        import_file(first, write_jsonl(tmp / "in.jsonl", recs))
        export(first, ExportOptions(format="prodigy", output=tmp / "p.jsonl", statuses=list(Status)))
    with Store(tmp / "b.db") as second:
        import_file(second, tmp / "p.jsonl")
        again = export_all(second, "jsonl", tmp / "out.jsonl")
    expected = sorted(recs, key=lambda r: (r["text"], r["_annotator_id"]))
    for before, after in zip(expected, again, strict=True):
        for key in ("text", "meta", "answer", "tags", "_annotator_id"):
            assert after[key] == before[key]
        strip = lambda spans: [{k: s[k] for k in ("start", "end", "label", "text")} | {"tags": s.get("tags", [])}
                               for s in spans]
        assert strip(after["spans"]) == strip(before["spans"])
        assert [{k: q[k] for k in ("start", "end", "text", "type", "speaker", "cue", "speaker_name", "tags")}
                for q in after["quotes"]] == before["quotes"]
