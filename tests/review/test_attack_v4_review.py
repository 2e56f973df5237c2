"""Attack v4 (review items): H7 — a Prodigy review answered `reject` is never overridden silently; M5 — attach
refuses the database itself by any name; L4/L5 below."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.cli_run import one_line_error, run_cli

DATA = Path(__file__).parent.parent / "data" / "attack_v4"
TEXT = "Kamala Harris toured Detroit and Flint."


def _review_record(answer: str, *, reviewer: str = "rev-session", sessions=("ds-alice", "ds-bob")) -> dict:
    version = {"text": TEXT, "spans": [{"start": 0, "end": 13, "label": "PERSON"},
                                       {"start": 21, "end": 28, "label": "GPE"}], "answer": "accept"}
    return {"text": TEXT, "spans": [{"start": 0, "end": 13, "label": "PERSON"}], "answer": answer,
            "_annotator_id": reviewer, "_view_id": "review",
            "versions": [{**version, "sessions": [s], "default": i == 0} for i, s in enumerate(sessions)]}


def _db_with(tmp_path: Path, *records: dict, name: str = "prv") -> Path:
    source = tmp_path / f"{name}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / f"{name}.db"
    run_cli(db, "import", source)
    return db


def _trained_docs(db: Path, tmp_path: Path) -> str:
    out = run_cli(db, "export", "--format", "spacy", "-o", tmp_path / "sp")
    return out.stdout + out.stderr


# -- H7 -----------------------------------------------------------------------------------------------------


def test_accept_identical_leaves_a_document_a_prodigy_review_rejected(tmp_path):
    db = tmp_path / "prv.db"
    run_cli(db, "import", DATA / "prv.jsonl")
    result = run_cli(db, "review", "accept-identical", "--as", "me")
    assert "0 document(s) accepted" in result.stdout, result.stdout
    assert "gold@rev-session" in result.stdout and "rejected" in result.stdout, result.stdout
    assert "reviewed out: document 1" in _trained_docs(db, tmp_path)


def test_accept_from_a_version_over_a_review_reject_needs_an_explicit_option(tmp_path):
    db = tmp_path / "prv.db"
    run_cli(db, "import", DATA / "prv.jsonl")
    one_line_error(run_cli(db, "review", "accept", "1", "--from", "ds-alice", "--as", "me", ok=False),
                   "gold@rev-session", "--override-review")
    assert "reviewed out: document 1" in _trained_docs(db, tmp_path)
    done = run_cli(db, "review", "accept", "1", "--from", "ds-alice", "--as", "me", "--override-review")
    assert "overriding" in done.stdout and "gold@rev-session" in done.stdout, done.stdout
    assert "reviewed out" not in _trained_docs(db, tmp_path)


def test_the_queue_names_the_review_verdict(tmp_path):
    db = tmp_path / "prv.db"
    run_cli(db, "import", DATA / "prv.jsonl")
    queue = run_cli(db, "review", "queue").stdout
    assert "gold@rev-session (rejected)" in queue, queue
    entries = json.loads(run_cli(db, "review", "queue", "--json").stdout)
    assert entries[0]["review_verdicts"] == ["gold@rev-session (rejected)"]
    assert entries[0]["unresolved"] >= 1


def test_a_review_answered_ignore_is_not_overridden_either(tmp_path):
    """Variation: `ignore` (skipped gold), another reviewer, three sessions, one of two documents."""
    other = _review_record("accept", reviewer="r2")
    other["text"] = other["versions"][0]["text"] = other["versions"][1]["text"] = TEXT.replace("Flint", "Lansing")
    db = _db_with(tmp_path, _review_record("ignore", reviewer="chief", sessions=("s-a", "s-b", "s-c")),
                  {"text": TEXT.replace("Flint", "Lansing"), "spans": [{"start": 0, "end": 13, "label": "PERSON"}],
                   "answer": "accept", "_annotator_id": "s-a"},
                  {"text": TEXT.replace("Flint", "Lansing"), "spans": [{"start": 0, "end": 13, "label": "PERSON"}],
                   "answer": "accept", "_annotator_id": "s-b"})
    result = run_cli(db, "review", "accept-identical", "--as", "me")
    assert "1 document(s) accepted into gold: 2" in result.stdout, result.stdout
    assert "gold@chief (skipped)" in result.stdout, result.stdout
    one_line_error(run_cli(db, "review", "accept", "1", "--from", "s-b", "--as", "me", ok=False), "gold@chief")


# -- M5 -----------------------------------------------------------------------------------------------------


def _annotators(db: Path) -> str:
    return run_cli(db, "list").stdout


def test_attach_refuses_a_hard_link_of_the_database_itself(tmp_path):
    db = _db_with(tmp_path, {"text": TEXT, "spans": [], "answer": "accept", "_annotator_id": "alice"}, name="at")
    os.link(db, tmp_path / "athard.db")
    before = _annotators(db)
    one_line_error(run_cli(db, "attach", tmp_path / "athard.db", ok=False), "is this database")
    assert _annotators(db) == before
    assert "@athard" not in _annotators(db)


def test_attach_refuses_the_database_under_any_other_name(tmp_path):
    """Variation: a hard link in another folder with another suffix, and a symbolic link to that hard link."""
    db = _db_with(tmp_path, {"text": TEXT, "spans": [], "answer": "accept", "_annotator_id": "alice"}, name="at")
    (tmp_path / "sub").mkdir()
    os.link(db, tmp_path / "sub" / "copy.sqlite")
    (tmp_path / "sym.db").symlink_to(tmp_path / "sub" / "copy.sqlite")
    for other in (tmp_path / "sub" / "copy.sqlite", tmp_path / "sym.db"):
        one_line_error(run_cli(db, "attach", other, ok=False), "is this database")
    assert "@copy" not in _annotators(db) and "@sym" not in _annotators(db)


# -- L4 -----------------------------------------------------------------------------------------------------


def _docbin_cats(db: Path, out: Path) -> dict[str, dict[str, float]]:
    import spacy
    from spacy.tokens import DocBin

    run_cli(db, "export", "--format", "spacy", "-o", out)
    nlp = spacy.blank("en")
    return {doc.text: dict(doc.cats) for path in sorted(out.rglob("*.spacy"))
            for doc in DocBin().from_disk(path).get_docs(nlp.vocab)}


def test_explicit_no_categories_survive_label_studio(tmp_path):
    db = tmp_path / "cats.db"
    run_cli(db, "import", DATA / "cats.jsonl")
    before = _docbin_cats(db, tmp_path / "sp0")
    assert before["Alice Smith said hello to Bob in Paris."] == {"POLITICS": 1.0, "SPORT": 0.0}
    run_cli(db, "export", "--format", "labelstudio", "-o", tmp_path / "ls.json")
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", tmp_path / "ls.json")
    assert _docbin_cats(fresh, tmp_path / "sp1") == before
    run_cli(db, "import", tmp_path / "ls.json")  # into the same database: nothing changes either
    assert _docbin_cats(db, tmp_path / "sp2") == before


def test_a_rejected_textcat_label_survives_label_studio(tmp_path):
    """Variation: the "no" comes from a binary textcat answer (reject), beside an accepted one."""
    text = "The council voted on the budget."
    db = _db_with(tmp_path, {"text": text, "label": "POLITICS", "answer": "accept", "_annotator_id": "t"},
                  {"text": text, "label": "SPORT", "answer": "reject", "_annotator_id": "t"}, name="tc")
    before = _docbin_cats(db, tmp_path / "sp0")
    assert before[text] == {"POLITICS": 1.0, "SPORT": 0.0}, before
    run_cli(db, "export", "--format", "labelstudio", "-o", tmp_path / "ls.json")
    fresh = tmp_path / "fresh.db"
    run_cli(fresh, "import", tmp_path / "ls.json")
    assert _docbin_cats(fresh, tmp_path / "sp1") == before


# -- L5 -----------------------------------------------------------------------------------------------------


def _warnings(result) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("warning:")]


def test_merge_warnings_are_said_once_under_the_line_that_caused_them(tmp_path):
    db = tmp_path / "b1.db"
    run_cli(db, "import", DATA / "man.jsonl")
    said = _warnings(run_cli(db, "import", DATA / "bin.jsonl"))
    assert len(said) == len(set(s.split(": ", 2)[2] for s in said)), said
    overlap = [s for s in said if "accepted suggestion ORG 0-5" in s]
    assert len(overlap) == 1 and "bin.jsonl:3:" in overlap[0], said
    assert any("bin.jsonl:4:" in s and "rejects PERSON 0-11" in s for s in said), said


def test_merge_warnings_of_an_earlier_file_are_not_repeated_by_a_later_one(tmp_path):
    """Variation: the binary answers come in two files; the second file's import says only its own."""
    lines = (DATA / "bin.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "first.jsonl").write_text("".join(lines[:3]), encoding="utf-8")
    (tmp_path / "second.jsonl").write_text(lines[3], encoding="utf-8")
    db = tmp_path / "b.db"
    run_cli(db, "import", DATA / "man.jsonl")
    first = _warnings(run_cli(db, "import", tmp_path / "first.jsonl"))
    assert len(first) == 1 and "first.jsonl:3:" in first[0], first
    second = _warnings(run_cli(db, "import", tmp_path / "second.jsonl"))
    assert len(second) == 1 and "second.jsonl:1:" in second[0] and "rejects PERSON" in second[0], second


def _exported(db: Path, out: Path, fmt: str) -> list[dict]:
    run_cli(db, "export", "--format", fmt, "-o", out)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_the_merged_set_is_the_same_whatever_the_import_order(tmp_path):
    b1, b2 = tmp_path / "b1.db", tmp_path / "b2.db"
    for db, order in ((b1, ("man", "bin")), (b2, ("bin", "man"))):
        for name in order:
            run_cli(db, "import", DATA / f"{name}.jsonl")
    for fmt in ("jsonl", "prodigy"):
        one, two = _exported(b1, tmp_path / f"1.{fmt}", fmt), _exported(b2, tmp_path / f"2.{fmt}", fmt)
        assert [r.get("_task_hash") for r in one] == [r.get("_task_hash") for r in two], fmt
        assert one == two, fmt
