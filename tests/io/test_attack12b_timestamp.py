"""Attack 12b (session 3) #7: a Prodigy `_timestamp` that is not an integer of seconds is refused with
file:line (it decides which answer is current), for manual and binary tasks; integers keep deciding. Real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [str(Path(sys.executable).parent / "annotator")]


def cli(db: Path, *args, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == (0 if ok else 1), (done.stdout, done.stderr)
    return done


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def manual(label: str, stamp) -> dict:
    return {"text": "Ann ran.", "spans": [{"start": 0, "end": 3, "label": label}], "answer": "accept",
            "_annotator_id": "t1", "_timestamp": stamp}


@pytest.mark.parametrize("stamp", ["1500000000", "yesterday", [1], 1.5e9, True, {"s": 1}])
def test_wrong_timestamp_type_is_refused_with_its_line(tmp_path, stamp):
    db = tmp_path / "t.db"
    cli(db, "import", jsonl(tmp_path / "o1.jsonl", [manual("ORG", 2000000000)]), "--no-extract")
    done = cli(db, "import", jsonl(tmp_path / "o3.jsonl", [manual("PERSON", 1), manual("GPE", stamp)]),
               "--no-extract", ok=False)
    assert "o3.jsonl:2:" in done.stderr and '"_timestamp"' in done.stderr and "integer" in done.stderr
    out = cli(db, "export", "--format", "jsonl", "-o", "-").stdout
    assert '"ORG"' in out and '"GPE"' not in out and '"PERSON"' not in out  # nothing of the refused file


def test_wrong_timestamp_on_a_binary_task_is_refused(tmp_path):
    task = {"text": "Tim Cook leads Apple.", "spans": [{"start": 0, "end": 8, "label": "PERSON"}],
            "answer": "accept", "_view_id": "ner", "_annotator_id": "b", "_input_hash": 1, "_task_hash": 2,
            "_timestamp": "1700000000"}
    done = cli(tmp_path / "b.db", "import", jsonl(tmp_path / "b.jsonl", [task]), "--no-extract", ok=False)
    assert "b.jsonl:1:" in done.stderr and '"_timestamp"' in done.stderr


def test_integer_timestamps_still_decide_the_current_answer(tmp_path):
    db = tmp_path / "t.db"
    cli(db, "import", jsonl(tmp_path / "o1.jsonl", [manual("ORG", 2000000000)]), "--no-extract")
    cli(db, "import", jsonl(tmp_path / "o2.jsonl", [manual("GPE", 1500000000)]), "--no-extract")
    out = cli(db, "export", "--format", "prodigy", "-o", "-").stdout
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert records[-1]["spans"][0]["label"] == "ORG"
