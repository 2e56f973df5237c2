"""Attack v4, spans and relations lost or merged in exports: H5 (a relation ending on a nested span), H6 (a
discontinuous brat span in doccano), H2 (an entity and a quote part on the same offsets).

Driven through the real `annotator` CLI in subprocesses on real files: the attacker's inputs (copied into
tests/data/attack_v4) and a variation of each kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_run import run_cli

DATA = Path(__file__).parent.parent / "data" / "attack_v4"


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def doccano_state(db: Path, out: Path) -> list[dict]:
    """Every set as doccano writes it (entities and relations by offsets, ids left out), sorted."""
    run_cli(db, "export", "--format", "doccano", "--versions", "all", "-o", out)
    state = []
    for record in read_jsonl(out):
        by_id = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]}
        state.append({
            "text": record["text"],
            "user": record.get("user") or record.get("_annotator_id"),
            "entities": sorted(by_id.values()),
            "relations": sorted((by_id[r["from_id"]], by_id[r["to_id"]], r["type"]) for r in record["relations"]),
        })
    return sorted(state, key=lambda s: (s["text"], str(s["user"])))


# --- H5: a relation whose end is a nested (overlapping) span --------------------------------------------------

NESTED_BOTH = {  # variation: both ends of the relation are nested spans, the relation the other way round
    "text": "The Bank of England raised rates, said Andrew Bailey of London.",
    "entities": [
        {"id": 1, "start_offset": 4, "end_offset": 19, "label": "ORG"},
        {"id": 2, "start_offset": 12, "end_offset": 19, "label": "GPE"},
        {"id": 3, "start_offset": 39, "end_offset": 62, "label": "PERSON"},
        {"id": 4, "start_offset": 56, "end_offset": 62, "label": "GPE"},
    ],
    "relations": [{"id": 7, "from_id": 4, "to_id": 2, "type": "SAME_COUNTRY"},
                  {"id": 8, "from_id": 3, "to_id": 1, "type": "WORKS_FOR"}],
    "user": "ann",
}


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy"])
@pytest.mark.parametrize("source", ["attack", "both_nested"])
def test_h5_relation_to_nested_span_survives_jsonl_and_prodigy(tmp_path: Path, fmt: str, source: str) -> None:
    src = DATA / "ov.jsonl" if source == "attack" else jsonl(tmp_path / "nb.jsonl", [NESTED_BOTH])
    db = tmp_path / "a.db"
    run_cli(db, "import", src)
    before = doccano_state(db, tmp_path / "before.doccano")
    assert any(r[2] in ("NEAR", "SAME_COUNTRY") for s in before for r in s["relations"])
    out = tmp_path / f"x.{fmt}"
    done = run_cli(db, "export", "--format", fmt, "-o", out)
    assert "left out" not in done.stderr + done.stdout, done.stderr
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", out)
    assert doccano_state(fresh, tmp_path / "fresh.doccano") == before
    same = run_cli(db, "import", out)  # back into the same database: nothing changes
    assert " 0 annotation sets written" in same.stdout + same.stderr, same.stdout + same.stderr
    assert doccano_state(db, tmp_path / "after.doccano") == before


# --- H6: a discontinuous brat span in the doccano export ------------------------------------------------------

def test_h6_doccano_leaves_out_and_lists_a_nested_discontinuous_span(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    run_cli(db, "import", DATA / "br1" / "coll")
    out = tmp_path / "x.doccano"
    done = run_cli(db, "export", "--format", "doccano", "-o", out)
    assert "discontinuous ROLE span 0-5; 55-64 left out" in done.stderr, done.stderr
    (record,) = read_jsonl(out)
    assert "ROLE" not in {e["label"] for e in record["entities"]}
    assert not any(e["end_offset"] - e["start_offset"] > 40 for e in record["entities"])  # nothing widened
    assert "brat_ids" not in record  # doccano's own fields only
    fresh = tmp_path / "f.db"
    run_cli(fresh, "import", out)
    run_cli(fresh, "export", "--format", "brat", "-o", tmp_path / "fb")
    ann = "".join(p.read_text() for p in (tmp_path / "fb").rglob("*.ann"))
    assert "ROLE" not in ann and " 0 54" not in ann and "0 64" not in ann


def test_h6_doccano_leaves_out_a_discontinuous_entity_and_names_why_its_relation_goes(tmp_path: Path) -> None:
    # variation: the discontinuous span overlaps nothing (it is the set's entity, not a kept overlap) and a
    # relation ends on it
    folder = tmp_path / "coll"
    folder.mkdir()
    (folder / "d.txt").write_text("Governor Ann Lee of Ohio.\nShe was reelected by voters.\n", encoding="utf-8")
    (folder / "d.ann").write_text(
        "T1\tROLE 0 8;26 29\tGovernor She\nT2\tGPE 20 24\tOhio\nR1\tGOVERNS Arg1:T1 Arg2:T2\n", encoding="utf-8")
    db = tmp_path / "d.db"
    run_cli(db, "import", folder)
    out = tmp_path / "d.doccano"
    done = run_cli(db, "export", "--format", "doccano", "-o", out)
    assert "discontinuous ROLE span 0-8; 26-29 left out" in done.stderr, done.stderr
    assert "GOVERNS" in done.stderr and "discontinuous" in done.stderr.split("GOVERNS")[1].splitlines()[0]
    (record,) = read_jsonl(out)
    assert [(e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]] == [(20, 24, "GPE")]
    assert record["relations"] == []


# --- H2: an entity labelled SPEAKER / CUE / QUOTE on exactly a quote's part ---------------------------------

def jsonl_state(db: Path, out: Path) -> list[tuple]:
    """Every set's entities and quotes (offsets, labels, type, speaker, cue, name), from annotator's JSONL."""
    run_cli(db, "export", "--versions", "all", "-o", out)
    state = []
    for record in read_jsonl(out):
        quotes = sorted((q["start"], q["end"], q["type"], (q.get("speaker") or {}).get("start"),
                         (q.get("speaker") or {}).get("end"), (q.get("cue") or {}).get("start"),
                         (q.get("cue") or {}).get("end"), q.get("speaker_name")) for q in record["quotes"])
        spans = sorted((s["start"], s["end"], s["label"]) for s in record["spans"])
        state.append((record["text"], spans, quotes))
    return sorted(state)


CUE_ON_CUE = {  # variation: a CUE entity on an indirect quote's cue, a QUOTE entity on the quote, no SPEAKER
    "text": "The minister announced that taxes would fall next year.",
    "spans": [{"start": 13, "end": 22, "label": "CUE"}, {"start": 28, "end": 54, "label": "QUOTE"},
              {"start": 0, "end": 12, "label": "PERSON"}],
    "quotes": [{"start": 28, "end": 54, "type": "indirect", "speaker": {"start": 0, "end": 12},
                "cue": {"start": 13, "end": 22}}],
    "answer": "accept", "_annotator_id": "bob",
}


@pytest.mark.parametrize("fmt", ["prodigy", "labelstudio", "brat", "doccano"])
@pytest.mark.parametrize("source", ["q2", "q3", "cue_on_cue"])
def test_h2_entity_on_a_quote_part_survives_every_round_trip(tmp_path: Path, fmt: str, source: str) -> None:
    src = DATA / f"{source}.jsonl" if source != "cue_on_cue" else jsonl(tmp_path / "c.jsonl", [CUE_ON_CUE])
    db = tmp_path / "a.db"
    run_cli(db, "import", src)
    before = jsonl_state(db, tmp_path / "before.jsonl")
    labels = {label for _, spans, _ in before for _, _, label in spans}
    assert labels & {"SPEAKER", "CUE", "QUOTE"} and all(quotes for _, _, quotes in before)
    out = tmp_path / f"x.{fmt}"
    run_cli(db, "export", "--format", fmt, "-o", out)
    # brat names the annotator by its folder unless told (README): told here, as a user bringing it back would
    who = ["--annotator", "alice" if source != "cue_on_cue" else "bob"] if fmt == "brat" else []
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", out, *who)
    assert jsonl_state(fresh, tmp_path / "fresh.jsonl") == before
    same = run_cli(db, "import", out, *who)
    assert " 0 annotation sets written" in same.stdout + same.stderr, same.stdout + same.stderr
    assert jsonl_state(db, tmp_path / "after.jsonl") == before
