"""`annotator agreement`, `annotator attach`, `annotator review ...`, and teammates' JSONL through the importer."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import Document, Status
from annotator.core.store import Store
from annotator.io.exporter import ExportOptions, export
from annotator.io.importer import import_file
from annotator.review.adjudication import Review
from annotator.review.agreement import ALL, compute_agreement
from tests.review.conftest import put_version
from tests.review.test_review_adjudication import TEXT, two_versions


def run(db_path, *args):
    result = CliRunner().invoke(main, ["--db", str(db_path), *args], catch_exceptions=False)
    return result


def test_agreement_table_json_csv(store, add_doc, db_path):
    two_versions(store, add_doc)
    table = run(db_path, "agreement")
    assert table.exit_code == 0, table.output
    assert "alice vs bob" in table.output and "Krippendorff" in table.output and "Cohen's" in table.output
    data = json.loads(run(db_path, "agreement", "--json").output)
    exact = data["entities"]["exact"][0]["per_label"][ALL]
    # alice: PERSON@14, GPE@28, PERSON@39-43; bob: PERSON@14, LOC@28, PERSON@39-48 -> tp 1, fp 2, fn 2, F1 1/3
    assert (exact["tp"], exact["fp"], exact["fn"]) == (1, 2, 2)
    assert abs(exact["f1"] - 1 / 3) < 1e-6
    rows = list(csv.DictReader(io.StringIO(run(db_path, "agreement", "--csv").stdout)))  # warnings go to stderr
    assert any(r["measure"] == "entity_exact_f1" and r["label"] == ALL for r in rows)
    only = json.loads(run(db_path, "agreement", "--annotators", "alice", "bob", "--labels", "PERSON", "--json").output)
    assert only["annotators"] == ["alice", "bob"]
    assert set(only["entities"]["exact"][0]["per_label"]) == {ALL, "PERSON"}
    bad = CliRunner().invoke(main, ["--db", str(db_path), "agreement", "-a", "nobody"])
    assert bad.exit_code != 0 and "no annotator named 'nobody'" in bad.output


def test_review_queue_accept_and_accept_identical(store, add_doc, db_path):
    d = two_versions(store, add_doc)
    same = add_doc("Kerry met Aziz.")
    put_version(store, same, "alice", entities=[(0, 5, "PERSON")])
    put_version(store, same, "bob", entities=[(0, 5, "PERSON")])
    queue = json.loads(run(db_path, "review", "queue", "--json").output)
    assert [e["doc_id"] for e in queue] == [d, same] and queue[0]["unresolved"] == 5
    out = run(db_path, "review", "accept-identical", "--as", "rita").output
    assert f"1 document(s) accepted into gold: {same}" in out
    out = run(db_path, "review", "accept", str(d), "--from", "bob", "--as", "rita").output
    assert "accepted" in out
    with Store(db_path, readonly=True) as fresh:
        gold = fresh.annotation_set(d, "gold")
        assert gold.status is Status.DONE and gold.quotes[0].speaker_name == "Aziz"
    failed = CliRunner().invoke(main, ["--db", str(db_path), "review", "accept", str(d), "--from", "zed", "--as", "r"])
    assert failed.exit_code != 0 and "zed has no version" in failed.output


def test_attach_command(tmp_path, store, add_doc, db_path):
    d = add_doc(TEXT)
    put_version(store, d, "alice", entities=[(14, 19, "PERSON")])
    other_path = tmp_path / "carol.db"
    with Store(other_path) as other:
        od, _ = other.add_document(Document(text=TEXT))
        put_version(other, od, "alice", entities=[(14, 19, "GPE")])
    first = run(db_path, "attach", str(other_path))
    assert "alice as alice@carol" in first.output
    again = run(db_path, "attach", str(other_path), "--as", "carol")
    assert "alice as carol" in again.output  # one annotator there: --as names them
    report = compute_agreement(store, annotators=["alice", "carol"])
    assert report.entity_exact[("alice", "carol")][ALL].tp == 0


def test_teammates_jsonl_goes_through_the_importer(tmp_path, store, add_doc, db_path):
    """Bob annotates in his own database and exports JSONL; the reviewer imports it and reviews; the gold set
    then exports like any annotator's."""
    d = add_doc(TEXT)
    put_version(store, d, "alice", entities=[(14, 19, "PERSON"), (28, 37, "GPE")], tags=["opinion"])
    bob_db = tmp_path / "bob.db"
    with Store(bob_db) as bobs:
        bd, _ = bobs.add_document(Document(text=TEXT))
        put_version(bobs, bd, "bob", entities=[(14, 19, "PERSON"), (28, 37, "LOC")])
        export(bobs, ExportOptions(format="jsonl", output=tmp_path / "bob.jsonl", annotators=["bob"]))
    import_file(store, tmp_path / "bob.jsonl")
    review = Review(store, d, reviewer="rita")
    assert review.annotators == ["alice", "bob"]
    assert {i.key for i in review.disagreements()} == {"entity:28:37", "tag:opinion"}
    review.take(review.item("entity:28:37"), "bob")
    review.set_status(Status.DONE)
    report = export(store, ExportOptions(format="jsonl", output=tmp_path / "gold.jsonl", annotators=["gold"]))
    assert report.records == 1
    record = json.loads((tmp_path / "gold.jsonl").read_text().splitlines()[0])
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [(14, 19, "PERSON"), (28, 37, "LOC")]
