"""Apply random edits to a database, reporting each one only after it is saved: the crash-safety probe.

    python -m annotator.tools.edit_driver DB [--seed N] [--edits N] [--annotator NAME]

Prints, one line each, flushed:
    ready <state-json>                 after the driver's document and annotation set exist
    intent <n> <intent-json>           before calling an edit (annotator.core.ops)
    saved <n> <json>                   only after the edit returned, i.e. after its transaction committed;
                                       json = {"op", "args", "log_id", "state"} with the set as read back
    refused <n> <reason>               the edit was refused (EditError): nothing was written

`verify_run` (used by tests/reliability and benchmarks/soak_crash.py) checks, after the process was killed,
that the database holds exactly the last reported state, or that state plus the one edit in flight.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

from annotator.core import ops
from annotator.core.model import Document, QuoteType, Status, TargetKind, TextRange, content_hash
from annotator.core.store import Store

ANNOTATOR = "crash-probe"
DRIVER_TEXT = (
    "Crash probe 📰. «Who said it?» asked Zoë\u0301 — \"we did\", said the 👩\u200d💻 team.\r\n"
    "שלום עולם said the mayor\tof Tel Aviv. Lone CR here\rand a NUL\x00there. "
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters, e\u0301 combined, ﷽ wide, 🇫🇷 flag; <b>bold</b> & 'quotes'.\n"
) * 3
LABELS = ["PERSON", "ORG", "GPE", "<b>x</b>", "'); DROP TABLE documents;--", "LOC 😀"]
TAGS = ["check", "<img src=x onerror=alert(1)>", "a'b\"c", "DROP TABLE tags;"]
NAMES = ["Zoë", None, "Robert'); DROP TABLE quotes;--", "<i>Mayor</i>"]


# -- the state a person would see, as plain JSON ------------------------------------------------------------


def snapshot(store: Store, annotator: str = ANNOTATOR) -> dict[str, Any]:
    """The probe's document and annotation set as plain JSON-able data (ids included), plus the document count."""
    state: dict[str, Any] = {"documents": store.document_count(), "set": None}
    doc_id = store.document_id_by_hash(content_hash(DRIVER_TEXT))
    if doc_id is None:
        return state
    aset = store.annotation_set(doc_id, annotator)
    if aset is None:
        return state
    state["set"] = {
        "doc_id": doc_id,
        "status": aset.status.value,
        "entities": sorted([e.id, e.start, e.end, e.label] for e in aset.entities),
        "quotes": sorted(
            [
                q.id, q.start, q.end, q.type.value,
                [q.speaker.start, q.speaker.end] if q.speaker else None,
                q.speaker_name,
            ]
            for q in aset.quotes
        ),
        "tags": sorted([t.target_kind.value, t.target_id or 0, t.tag] for t in aset.tags),
    }
    return state


# -- random edits --------------------------------------------------------------------------------------------


def random_intent(rng: random.Random, state: dict[str, Any]) -> dict[str, Any]:
    """Pick an edit (op name and keyword arguments) that makes sense on the current state."""
    s = state["set"]
    length = len(DRIVER_TEXT)
    entities, quotes = s["entities"], s["quotes"]
    choices = ["add_entity"] * 6 + ["add_quote", "add_tag", "remove_tag", "set_status", "add_document"]
    if entities:
        choices += ["relabel_entity"] * 2 + ["resize_entity"] * 2 + ["delete_entity"] * 2 + ["tag_entity"]
    if quotes:
        choices += ["update_quote", "delete_quote"]
    op = rng.choice(choices)
    start = rng.randrange(length - 1)
    end = min(length, start + rng.randint(1, 12))
    doc = {"doc_id": s["doc_id"], "annotator": ANNOTATOR}
    if op == "add_entity":
        return {"op": op, "args": {**doc, "start": start, "end": end, "label": rng.choice(LABELS),
                                   "replace_overlapping": rng.random() < 0.5}}
    if op == "relabel_entity":
        return {"op": op, "args": {"entity_id": rng.choice(entities)[0], "label": rng.choice(LABELS)}}
    if op == "resize_entity":
        return {"op": op, "args": {"entity_id": rng.choice(entities)[0], "start": start, "end": end}}
    if op == "delete_entity":
        return {"op": op, "args": {"entity_id": rng.choice(entities)[0]}}
    if op == "tag_entity":
        return {"op": "add_tag", "args": {**doc, "tag": rng.choice(TAGS), "target_kind": "entity",
                                          "target_id": rng.choice(entities)[0]}}
    if op == "add_quote":
        speaker = None
        if rng.random() < 0.5:
            s_start = rng.randrange(length - 1)
            speaker = [s_start, min(length, s_start + rng.randint(1, 8))]
        return {"op": op, "args": {**doc, "start": start, "end": min(length, end + 20),
                                   "type": rng.choice(list(QuoteType)).value, "speaker": speaker,
                                   "speaker_name": rng.choice(NAMES)}}
    if op == "update_quote":
        return {"op": op, "args": {"quote_id": rng.choice(quotes)[0], "type": rng.choice(list(QuoteType)).value,
                                   "speaker_name": rng.choice(NAMES)}}
    if op == "delete_quote":
        return {"op": op, "args": {"quote_id": rng.choice(quotes)[0]}}
    if op in ("add_tag", "remove_tag"):
        return {"op": op, "args": {**doc, "tag": rng.choice(TAGS)}}
    if op == "set_status":
        return {"op": op, "args": {**doc, "status": rng.choice(list(Status)).value}}
    # A large document: a longer transaction, so kills land inside writes too.
    words = rng.randint(5_000, 60_000)
    return {"op": "add_document", "args": {"text": f"bulk {rng.getrandbits(64)} " + "lorem ipsum " * words}}


def perform(store: Store, intent: dict[str, Any]) -> None:
    """Run one intent through annotator.core.ops (or Store.add_document)."""
    op, args = intent["op"], dict(intent["args"])
    if op == "add_document":
        store.add_document(Document(text=args["text"], title="bulk"))
    elif op == "add_quote":
        args["type"] = QuoteType(args["type"])
        args["speaker"] = TextRange(*args["speaker"]) if args["speaker"] else None
        ops.add_quote(store, **args)
    elif op == "update_quote":
        args["type"] = QuoteType(args["type"])
        ops.update_quote(store, **args)
    elif op in ("add_tag", "remove_tag"):
        args["target_kind"] = TargetKind(args.get("target_kind", "document"))
        getattr(ops, op)(store, **args)
    elif op == "set_status":
        args["status"] = Status(args["status"])
        ops.set_status(store, **args)
    else:
        getattr(ops, op)(store, **args)


def last_log_id(store: Store, annotator: str = ANNOTATOR) -> int:
    """The newest edit-log row of this annotator (other processes may log edits of other annotators meanwhile)."""
    return store.query(
        "SELECT coalesce(max(l.id), 0) FROM edit_log l JOIN annotators a ON a.id = l.annotator_id WHERE a.name = ?",
        (annotator,),
    )[0][0]


def run(db: Path, *, seed: int, edits: int, annotator: str = ANNOTATOR) -> None:
    rng = random.Random(seed)
    out = sys.stdout
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text=DRIVER_TEXT, title="crash probe"))
        store.ensure_annotation_set(doc_id, annotator, start_from=None)
        state = snapshot(store, annotator)
        out.write(f"ready {json.dumps({'state': state, 'log_max': last_log_id(store, annotator)})}\n")
        out.flush()
        n = 0
        while edits <= 0 or n < edits:
            n += 1
            intent = random_intent(rng, state)
            shown = intent if intent["op"] != "add_document" else {"op": "add_document", "args": {"size": len(intent["args"]["text"])}}
            out.write(f"intent {n} {json.dumps(shown)}\n")
            out.flush()
            before = last_log_id(store, annotator)
            try:
                perform(store, intent)
            except ops.EditError as error:
                out.write(f"refused {n} {json.dumps(str(error))}\n")
                out.flush()
                continue
            state = snapshot(store, annotator)
            after = last_log_id(store, annotator)
            report = {
                "op": intent["op"], "args": shown["args"], "log_id": after if after > before else None,
                "log_max": after, "state": state,
            }
            out.write(f"saved {n} {json.dumps(report)}\n")
            out.flush()


# -- checking a killed run -----------------------------------------------------------------------------------


def parse_output(stdout: str) -> dict[str, Any]:
    """The complete lines a killed driver printed: its ready state, saved edits, and the edit in flight."""
    lines = stdout.split("\n")
    complete = lines[:-1]  # the last piece is empty, or a line cut by the kill: not reported
    ready, saved, pending = None, [], None
    for line in complete:
        kind, _, rest = line.partition(" ")
        if kind == "ready":
            ready = json.loads(rest)
        elif kind == "intent":
            number, _, body = rest.partition(" ")
            pending = (int(number), json.loads(body))
        elif kind == "saved":
            number, _, body = rest.partition(" ")
            saved.append((int(number), json.loads(body)))
            pending = None
        elif kind == "refused":
            pending = None
    return {"ready": ready, "saved": saved, "pending": pending}


def apply_intent(state: dict[str, Any], intent: dict[str, Any], log_payload: dict[str, Any] | None) -> dict[str, Any]:
    """What the state becomes if `intent` committed (new ids come from its edit-log payload)."""
    new = copy.deepcopy(state)
    s = new["set"]
    op, a = intent["op"], intent["args"]

    def touch() -> None:
        if s["status"] == "new":
            s["status"] = "in_progress"

    def drop_entities(ids: set[int]) -> None:
        s["entities"] = [e for e in s["entities"] if e[0] not in ids]
        s["tags"] = [t for t in s["tags"] if not (t[0] == "entity" and t[1] in ids)]

    if op == "add_document":
        new["documents"] += 1
    elif op == "add_entity":
        clashes = {e[0] for e in s["entities"] if e[1] < a["end"] and e[2] > a["start"]}
        drop_entities(clashes)
        s["entities"].append([log_payload["id"], a["start"], a["end"], a["label"].strip()])
        touch()
    elif op == "relabel_entity":
        for e in s["entities"]:
            if e[0] == a["entity_id"]:
                e[3] = a["label"].strip()
        touch()
    elif op == "resize_entity":
        for e in s["entities"]:
            if e[0] == a["entity_id"]:
                e[1], e[2] = a["start"], a["end"]
        touch()
    elif op == "delete_entity":
        drop_entities({a["entity_id"]})
        touch()
    elif op == "add_quote":
        s["quotes"].append([log_payload["id"], a["start"], a["end"], a["type"], a["speaker"], a["speaker_name"]])
        touch()
    elif op == "update_quote":
        for q in s["quotes"]:
            if q[0] == a["quote_id"]:
                q[3], q[5] = a["type"], a["speaker_name"]
        touch()
    elif op == "delete_quote":
        s["quotes"] = [q for q in s["quotes"] if q[0] != a["quote_id"]]
        s["tags"] = [t for t in s["tags"] if not (t[0] == "quote" and t[1] == a["quote_id"])]
        touch()
    elif op == "add_tag":
        s["tags"].append([a.get("target_kind", "document"), a.get("target_id") or 0, a["tag"].strip()])
        touch()
    elif op == "remove_tag":
        s["tags"] = [t for t in s["tags"] if t != [a.get("target_kind", "document"), a.get("target_id") or 0, a["tag"]]]
        touch()
    elif op == "set_status":
        s["status"] = a["status"]
    for key in ("entities", "quotes", "tags"):
        s[key] = sorted(s[key])
    return new


def database_health(db: Path) -> list[str]:
    """Problems SQLite itself finds: integrity_check must say ok, foreign_key_check must be empty."""
    conn = sqlite3.connect(db)
    try:
        problems = []
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:5]}")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            problems.append(f"foreign_key_check: {broken[:5]}")
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents_fts'").fetchone():
            try:  # the full-text index agrees with the documents table
                conn.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as error:
                problems.append(f"full-text index: {error}")
        return problems
    finally:
        conn.close()


def verify_run(db: Path, stdout: str, annotator: str = ANNOTATOR) -> tuple[list[str], dict[str, Any]]:
    """Check a killed run. Returns (problems, facts); facts say how many edits were reported and whether the
    edit in flight had committed."""
    run_out = parse_output(stdout)
    problems = database_health(db)
    facts = {"saved": len(run_out["saved"]), "in_flight_committed": False, "ready": run_out["ready"] is not None,
             # edits that changed something (a no-op, e.g. a tag already there, reports log_id None)
             "saved_logged": sum(1 for _, report in run_out["saved"] if report["log_id"] is not None)}
    with Store(db) as store:
        actual = snapshot(store, annotator)
        if actual["set"]:
            length = len(store.document(actual["set"]["doc_id"]).text)
            for row in actual["set"]["entities"] + actual["set"]["quotes"]:
                if not 0 <= row[1] < row[2] <= length:
                    problems.append(f"span {row} lies outside the text (length {length})")
        log_ids = {r[0]: r[1] for r in store.query("SELECT id, op FROM edit_log")}
        for number, report in run_out["saved"]:
            if report["log_id"] is not None and log_ids.get(report["log_id"]) != report["op"]:
                problems.append(f"saved edit {number} ({report['op']}, log {report['log_id']}) is not in the edit log")
        if run_out["ready"] is None:
            return problems, facts  # killed while starting: no edit was reported
        last = run_out["saved"][-1][1] if run_out["saved"] else run_out["ready"]
        reported, last_log = last["state"], last["log_max"]
        newer = store.query(
            "SELECT l.op, l.payload FROM edit_log l JOIN annotators a ON a.id = l.annotator_id "
            "WHERE l.id > ? AND a.name = ? ORDER BY l.id",
            (last_log, annotator),
        )
        if len(newer) > 1:
            problems.append(f"{len(newer)} edits logged after the last reported one; at most the one in flight may be")
        if actual == reported:
            return problems, facts
        pending = run_out["pending"]
        if pending is None:
            problems.append(f"database differs from the last reported state:\n  db:   {actual}\n  last: {reported}")
            return problems, facts
        payload = json.loads(newer[-1]["payload"]) if newer else None
        intent = pending[1]
        if intent["op"] == "add_document":
            expected = apply_intent(reported, intent, payload)
        elif payload is None:
            expected = None
        else:
            expected = apply_intent(reported, intent, payload)
        if expected != actual:
            problems.append(
                f"database is neither the last reported state nor that plus edit {pending[0]} {intent['op']}:\n"
                f"  db:       {actual}\n  last:     {reported}\n  +pending: {expected}"
            )
        else:
            facts["in_flight_committed"] = True
    return problems, facts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--edits", type=int, default=0, help="stop after this many edits (0: until killed)")
    parser.add_argument("--annotator", default=ANNOTATOR)
    options = parser.parse_args(argv)
    try:
        run(options.db, seed=options.seed, edits=options.edits, annotator=options.annotator)
    except BrokenPipeError:  # the reader went away
        pass


if __name__ == "__main__":
    main()
