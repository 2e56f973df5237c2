"""Attack 12 on Prodigy, doccano and Label Studio import/export and format detection: each defect's input
(as the tester wrote it) and variations of the same kind, through the real `annotator import` / `export`
subprocesses on real files. The checks read the database back through the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from test_exchange_cases import cli, state, write

from annotator.core.store import Store


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def ls_span(text: str, needle: str, label: str, rid: str, *, to_name: str = "text", utf16: bool = False) -> dict:
    start = text.index(needle)
    begin, end = (utf16_len(text[:start]), utf16_len(text[:start]) + utf16_len(needle)) if utf16 else (
        start, start + len(needle))
    return {"id": rid, "from_name": "label", "to_name": to_name, "type": "labels",
            "value": {"start": begin, "end": end, "text": needle, "labels": [label]}}


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def docbin(folder: Path) -> list:
    nlp = spacy.blank("en")
    return [doc for name in ("train.spacy", "dev.spacy") if (folder / name).exists()
            for doc in DocBin().from_disk(folder / name).get_docs(nlp.vocab)]


MERKEL = "Angela Merkel visited Berlin today."


# -- #2: Label Studio predictions are the model's pre-annotation, never a finished set ------------------------


def test_prediction_is_the_models_pre_annotation_and_never_training_data(tmp_path):
    task = {"id": 7, "data": {"text": MERKEL},
            "annotations": [{"completed_by": {"id": 3, "email": "zoe@x.org"},
                             "result": [ls_span(MERKEL, "Angela Merkel", "PER", "a"),
                                        ls_span(MERKEL, "Berlin", "LOC", "b")]}],
            "predictions": [{"model_version": "v1", "result": [ls_span(MERKEL, "Angela Merkel", "PER", "p")]}]}
    db = tmp_path / "l3.db"
    done = cli(db, "import", write_json(tmp_path / "ls2.json", [task]), "--no-extract")
    assert "1 model predictions imported as pre-annotations (status new" in done.stdout
    found = state(db)
    assert found[(MERKEL, "model")][:2] == ("new", [(0, 13, "PER")])
    assert found[(MERKEL, "zoe@x.org")][:2] == ("done", [(0, 13, "PER"), (22, 28, "LOC")])
    cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    (doc,) = docbin(tmp_path / "sp")
    assert [(e.text, e.label_) for e in doc.ents] == [("Angela Merkel", "PER"), ("Berlin", "LOC")]
    out = tmp_path / "ls_out.json"
    cli(db, "export", "--format", "labelstudio", "-o", out)
    (exported,) = json.loads(out.read_text(encoding="utf-8"))
    assert [p["model_version"] for p in exported["predictions"]] == ["v1"]
    again = cli(db, "import", out, "--no-extract")
    assert "0 annotation sets written, 2 unchanged" in again.stdout


def test_prediction_variation_cancelled_human_and_no_model_version(tmp_path):
    text = "Ola Brenner runs the harbour in Lorne."
    task = {"data": {"text": text},
            "annotations": [{"completed_by": 4, "was_cancelled": True, "result": []}],
            "predictions": [{"result": [ls_span(text, "Ola Brenner", "PER", "p"), ls_span(text, "Lorne", "GPE", "q")]}]}
    db = tmp_path / "p.db"
    cli(db, "import", write_json(tmp_path / "ls_pred.json", [task]), "--no-extract")
    found = state(db)
    assert found[(text, "user4")][0] == "skipped"
    assert found[(text, "model")][0] == "new"
    for fmt in ("doccano", "jsonl", "prodigy", "conll"):  # training and exchange exports: no model answer
        out = tmp_path / f"o.{fmt}"
        done = cli(db, "export", "--format", fmt, "-o", out, ok=fmt in ("jsonl", "prodigy"))
        if fmt in ("doccano", "conll"):  # a training export of nothing (no done set) is refused, writes nothing
            assert done.returncode == 1 and "nothing to export" in done.stderr and not out.exists(), fmt
            continue
        assert "model" not in out.read_text(encoding="utf-8"), fmt
        assert "model" not in done.stdout


def test_prediction_variation_over_an_existing_pre_extraction_gets_its_own_set(tmp_path):
    db = tmp_path / "m.db"
    text = "Sam Reyes met the mayor of Lorne on Friday."
    # the model's pre-extraction exists first (an extract record without people), with other entities
    cli(db, "ingest", write(tmp_path / "pre.jsonl", [{"text": text, "spans": [
        {"start": 0, "end": 9, "label": "PERSON"}]}]), "--no-extract")
    task = {"data": {"text": text}, "predictions": [{"model_version": "ls-ner-2", "result": [
        ls_span(text, "Lorne", "GPE", "p")]}]}
    path = write_json(tmp_path / "pred_only.json", [task])
    cli(db, "import", path, "--no-extract")
    found = state(db)
    assert found[(text, "model")][1] == [(0, 9, "PERSON")]  # the pre-extraction is not overwritten
    assert found[(text, "model@ls-ner-2")][:2] == ("new", [(27, 32, "GPE")])
    assert "0 annotation sets written" in cli(db, "import", path, "--no-extract").stdout
    done = cli(db, "agreement")
    assert "model@" not in done.stdout + done.stderr  # predictions are nobody's version in review either


# -- #3: the older `completions` shape ------------------------------------------------------------------------


def test_completions_are_read_like_annotations(tmp_path):
    tasks = [{"id": 1, "data": {"text": "Tim Cook runs Apple."}, "completions": [{"id": 1001, "lead_time": 2.1, "result": [
        {"id": "x1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 8, "text": "Tim Cook", "labels": ["PER"]}}]}]}]
    db = tmp_path / "o.db"
    done = cli(db, "import", write_json(tmp_path / "ls_old.json", tasks), "--no-extract")
    assert "without annotations" not in done.stdout
    assert state(db)[("Tim Cook runs Apple.", "ls_old")][:2] == ("done", [(0, 8, "PER")])


def test_completions_variation_users_cancelled_and_old_predictions(tmp_path):
    text = "Mira Holt opened the Eastport bridge."
    tasks = [{"id": 3, "data": {"text": text},
              "completions": [
                  {"completed_by": 2, "result": [ls_span(text, "Mira Holt", "PER", "a"), ls_span(text, "Eastport", "LOC", "b")]},
                  {"completed_by": 5, "was_cancelled": True, "result": []}],
              "predictions": [{"model_version": 0, "result": [ls_span(text, "Mira Holt", "PER", "m")]}]}]
    db = tmp_path / "c.db"
    cli(db, "import", write_json(tmp_path / "old2.json", tasks), "--no-extract")
    found = state(db)
    assert found[(text, "user2")][:2] == ("done", [(0, 9, "PER"), (21, 29, "LOC")])
    assert found[(text, "user5")][0] == "skipped"
    assert found[(text, "model")][:2] == ("new", [(0, 9, "PER")])


# -- #6: a second answer in another file (or a later run) keeps the first -------------------------------------


def test_answer_in_another_file_keeps_the_stored_one_and_says_so(tmp_path):
    record = {"text": "Cross file Carol.", "spans": [{"start": 11, "end": 16, "label": "PERSON"}], "answer": "accept",
              "_annotator_id": "x-xi"}
    xa = write(tmp_path / "xa.jsonl", [record])
    xb = write(tmp_path / "xb.jsonl", [{**record, "spans": [{"start": 11, "end": 16, "label": "ORG"}]}])
    db = tmp_path / "x.db"
    cli(db, "import", xa, "--no-extract")
    done = cli(db, "import", xb, "--no-extract")
    assert "1 earlier answers replaced by a later one and kept" in done.stdout
    assert "xb.jsonl:1" in done.stderr and "stored before this import" in done.stderr
    (line,) = [json.loads(x) for x in cli(db, "export", "-o", "-").stdout.splitlines() if x.startswith("{")]
    assert [s["label"] for s in line["spans"]] == ["ORG"]
    assert [s["label"] for s in line["earlier_answers"][0]["spans"]] == ["PERSON"]
    # a later run of the first file again: that answer is already kept; nothing flips, nothing is lost
    again = cli(db, "import", xa, "--no-extract")
    assert "0 annotation sets written" in again.stdout and "already kept" in again.stderr
    assert "0 annotation sets written, 1 unchanged" in cli(db, "import", xb, "--no-extract").stdout


def test_answer_in_another_file_variation_doccano_and_older_timestamp(tmp_path):
    text = "Dana Wolff spoke in Marren."
    db = tmp_path / "d.db"
    cli(db, "import", write(tmp_path / "first.jsonl", [{"text": text, "label": [[0, 10, "PER"]], "user": "kim"}]))
    done = cli(db, "import", write(tmp_path / "second.jsonl", [{"text": text, "label": [[20, 26, "LOC"]],
                                                                 "user": "kim"}]))
    assert "kept" in done.stdout
    assert state(db)[(text, "kim")][1] == [(20, 26, "LOC")]
    # Prodigy _timestamp decides across files too: an older answer imported later is kept as the earlier one
    p = {"text": "Ivo Lang left Pell.", "answer": "accept", "_annotator_id": "t"}
    cli(db, "import", write(tmp_path / "new.jsonl", [{**p, "spans": [{"start": 0, "end": 8, "label": "PER"}],
                                                      "_timestamp": 200}]), "--no-extract")
    cli(db, "import", write(tmp_path / "old.jsonl", [{**p, "spans": [{"start": 14, "end": 18, "label": "LOC"}],
                                                      "_timestamp": 100}]), "--no-extract")
    assert state(db)[("Ivo Lang left Pell.", "t")][1] == [(0, 8, "PER")]


# -- #12: a rejected textcat label is 0.0 in doc.cats ---------------------------------------------------------


def test_rejected_textcat_label_is_zero_in_doc_cats(tmp_path):
    db = tmp_path / "t.db"
    cli(db, "import", write(tmp_path / "tc.jsonl", [
        {"text": "I hate it", "label": "POSITIVE", "answer": "reject"},
        {"text": "I love it", "label": "POSITIVE", "answer": "accept"},
        {"text": "Meh then", "label": "POSITIVE", "answer": "ignore"},
        {"text": "Rain again", "label": "WEATHER", "answer": "accept", "_view_id": "classification"},
        {"text": "Rain again", "label": "SPORT", "answer": "reject", "_view_id": "classification"},
        {"text": "Scores 1 and 0", "cats": {"SPORT": 1.0, "WEATHER": 0.0}, "answer": "accept"},
    ]), "--no-extract")
    cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    cats = {doc.text: doc.cats for doc in docbin(tmp_path / "sp")}
    assert cats["I hate it"] == {"POSITIVE": 0.0}
    assert cats["I love it"] == {"POSITIVE": 1.0}
    assert cats["Rain again"] == {"WEATHER": 1.0, "SPORT": 0.0}
    assert cats["Scores 1 and 0"] == {"SPORT": 1.0, "WEATHER": 0.0}
    assert "Meh then" not in cats  # all ignored: skipped, not training data


# -- #13: UTF-16 offsets of old Label Studio -------------------------------------------------------------------


def test_utf16_offsets_are_converted_when_value_text_says_so(tmp_path):
    text = "😀 Paris and 👍🏽 Berlin"
    task = {"id": 1, "data": {"text": text}, "annotations": [{"completed_by": 1, "result": [
        ls_span(text, "Paris", "LOC", "a", utf16=True), ls_span(text, "Berlin", "LOC", "b", utf16=True)]}]}
    db = tmp_path / "e.db"
    done = cli(db, "import", write_json(tmp_path / "ls_emoji1.json", [task]), "--no-extract")
    assert "2 spans had UTF-16 offsets" in done.stdout
    found = state(db)[(text, "user1")][1]
    assert [text[s:e] for s, e, _ in found] == ["Paris", "Berlin"]


def test_utf16_variation_code_points_stay_and_neither_is_refused_with_file_line(tmp_path):
    text = "Rain 🌧️🌧️ over Oslo and 🏔️ Bergen"
    ok = {"data": {"text": text}, "annotations": [{"completed_by": 2, "result": [
        ls_span(text, "Oslo", "LOC", "a"), ls_span(text, "Bergen", "LOC", "b")]}]}
    db = tmp_path / "u.db"
    done = cli(db, "import", write_json(tmp_path / "cp.json", [ok]), "--no-extract")
    assert "UTF-16" not in done.stdout
    assert [text[s:e] for s, e, _ in state(db)[(text, "user2")][1]] == ["Oslo", "Bergen"]
    bad = json.loads(json.dumps(ok))
    bad["annotations"][0]["result"][1]["value"]["text"] = "Trondheim"
    bad_file = write_json(tmp_path / "bad.json", [ok, bad])
    refused = cli(tmp_path / "v.db", "import", bad_file, "--no-extract", ok=False)
    assert "bad.json:" in refused.stderr and "task 2" in refused.stderr and "UTF-16" in refused.stderr
    assert ":None" not in refused.stderr
    assert not (tmp_path / "v.db").exists()  # a failed import into a new path leaves no database (#29)


# -- #14: overlapping / nested entities from doccano and Label Studio ---------------------------------------


def test_nested_entities_import_from_doccano_and_label_studio_and_go_back(tmp_path):
    text = "The Bank of England raised rates."
    doccano = write(tmp_path / "nested.jsonl", [{"text": text, "label": [[4, 19, "ORG"], [12, 19, "LOC"]]}])
    db = tmp_path / "n.db"
    done = cli(db, "import", doccano, "--no-extract")
    assert "nested.jsonl:1" in done.stderr and "doc.ents cannot hold" in done.stderr
    assert state(db)[(text, "nested")][1] == [(4, 19, "ORG")]
    out = tmp_path / "back.jsonl"
    cli(db, "export", "--format", "doccano", "--versions", "all", "-o", out)
    (record,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(record["label"]) == [[4, 19, "ORG"], [12, 19, "LOC"]]
    assert "0 annotation sets written" in cli(db, "import", out, "--no-extract").stdout
    ls = [{"data": {"text": text}, "annotations": [{"completed_by": 9, "result": [
        ls_span(text, "England", "LOC", "x"), ls_span(text, "Bank of England", "ORG", "y")]}]}]
    db2 = tmp_path / "n2.db"
    cli(db2, "import", write_json(tmp_path / "nested.json", ls), "--no-extract")
    assert state(db2)[(text, "user9")][1] == [(12, 19, "LOC")]
    ls_out = tmp_path / "ls_back.json"
    cli(db2, "export", "--format", "labelstudio", "-o", ls_out)
    (task,) = json.loads(ls_out.read_text(encoding="utf-8"))
    spans = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in task["annotations"][0]["result"])
    assert spans == [(4, 19, "ORG"), (12, 19, "LOC")]


def test_nested_variation_crossing_entities_with_relations_in_the_entities_layout(tmp_path):
    text = "Mayor Ada Lind of Pell resigned."
    record = {"text": text, "entities": [
        {"id": 1, "label": "PER", "start_offset": 0, "end_offset": 13},
        {"id": 2, "label": "PER", "start_offset": 6, "end_offset": 13},
        {"id": 3, "label": "GPE", "start_offset": 18, "end_offset": 22}],
        "relations": [{"id": 5, "from_id": 1, "to_id": 3, "type": "mayor_of"}], "user": "ann"}
    db = tmp_path / "c.db"
    cli(db, "import", write(tmp_path / "cross.jsonl", [record]))
    assert state(db)[(text, "ann")][1] == [(0, 13, "PER"), (18, 22, "GPE")]
    out = tmp_path / "o.jsonl"
    cli(db, "export", "--format", "doccano", "-o", out)
    (back,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sorted((e["start_offset"], e["end_offset"], e["label"]) for e in back["entities"]) == [
        (0, 13, "PER"), (6, 13, "PER"), (18, 22, "GPE")]
    assert back["relations"] == record["relations"]


# -- #15: rel.manual relations between unlabelled spans ------------------------------------------------------


def test_relations_between_unlabelled_spans_import_and_go_back(tmp_path):
    text = "Ana said she would come."
    tokens = [{"text": w, "start": text.index(w), "end": text.index(w) + len(w), "id": i}
              for i, w in enumerate(["Ana", "said", "she", "would", "come", "."])]
    tokens[-1]["start"], tokens[-1]["end"] = 23, 24
    record = {"text": text, "tokens": tokens, "spans": [], "_view_id": "relations", "answer": "accept",
              "_annotator_id": "coref-1", "relations": [{
                  "head": 0, "child": 2, "label": "COREF",
                  "head_span": {"start": 0, "end": 3, "token_start": 0, "token_end": 0, "label": None},
                  "child_span": {"start": 9, "end": 12, "token_start": 2, "token_end": 2, "label": None}}]}
    path = write(tmp_path / "p_rel.jsonl", [{"text": "Nothing here.", "answer": "accept", "spans": []}, record])
    db = tmp_path / "r.db"
    cli(db, "import", path, "--no-extract")
    assert state(db)[(text, "coref-1")][:2] == ("done", [])
    out = tmp_path / "out.jsonl"
    cli(db, "export", "--format", "prodigy", "-o", out)
    back = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    (relation,) = next(r for r in back if r["text"] == text)["relations"]
    assert (relation["label"], relation["head_span"]["start"], relation["child_span"]["start"]) == ("COREF", 0, 9)
    assert "0 annotation sets written" in cli(db, "import", out, "--no-extract").stdout


def test_unlabelled_relation_variation_out_of_range_end_is_one_line(tmp_path):
    record = {"text": "Bo ran.", "spans": [], "answer": "accept", "relations": [{
        "head": 0, "child": 9, "label": "X", "head_span": {"start": 0, "end": 2, "label": None},
        "child_span": {"start": 40, "end": 44, "label": None}}]}
    done = cli(tmp_path / "r.db", "import", write(tmp_path / "bad_rel.jsonl", [record]), "--no-extract", ok=False)
    assert "bad_rel.jsonl:1:" in done.stderr and "outside the text" in done.stderr


# -- #16: detection reads the first record whole ---------------------------------------------------------------


@pytest.mark.parametrize("record, fmt", [
    ({"text": "a b " * 25000}, "prodigy"),
    ({"text": "Ann " + "x " * 40000, "label": [[0, 3, "PER"]]}, "doccano"),
    ({"text": "Ann " + "y " * 40000, "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": "accept"}, "prodigy"),
])
def test_first_line_longer_than_64_kib_is_detected(tmp_path, record, fmt):
    path = write(tmp_path / "hh.jsonl", [record, {"text": "short"}])
    done = cli(tmp_path / "h.db", "import", path, "--no-extract")
    assert f"({fmt})" in done.stdout


# -- #17: several data fields: the annotated one is the text, a title field the title --------------------------


def test_label_studio_title_and_body_reads_the_annotated_field(tmp_path):
    body = "Sam founded Acme in Oslo."
    tasks = [{"id": 2, "data": {"title": "Big news", "body": body}, "annotations": [{"completed_by": 1, "result": [
        ls_span(body, "Sam", "PER", "a", to_name="body"), ls_span(body, "Acme", "ORG", "b", to_name="body")]}]}]
    db = tmp_path / "t.db"
    cli(db, "import", write_json(tmp_path / "tb.json", tasks), "--no-extract")
    assert state(db)[(body, "user1")][1] == [(0, 3, "PER"), (12, 16, "ORG")]
    with Store(db, readonly=True) as store:
        assert store.document(1).title == "Big news"
    out = tmp_path / "back.json"
    cli(db, "export", "--format", "labelstudio", "-o", out)
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    assert task["id"] == 2 and task["data"] == {"body": body, "title": "Big news"}
    assert {r["to_name"] for r in task["annotations"][0]["result"]} == {"body"}
    assert "0 annotation sets written" in cli(db, "import", out, "--no-extract").stdout


def test_label_studio_fields_variation_headline_content_and_two_bodies(tmp_path):
    content = "Lorne council meets on Friday."
    tasks = [{"data": {"headline": "Council", "content": content, "url": "http://x.example/1"}}]
    db = tmp_path / "h.db"
    cli(db, "import", write_json(tmp_path / "hc.json", tasks), "--no-extract")
    with Store(db, readonly=True) as store:
        doc = store.document(1)
        assert (doc.text, doc.title) == (content, "Council")
    two = [{"data": {"summary": "Short.", "content": content}}]
    refused = cli(tmp_path / "two.db", "import", write_json(tmp_path / "two.json", two), "--no-extract", ok=False)
    assert "several text fields" in refused.stderr and "summary" in refused.stderr


# -- #18 / #19 / #21: doccano `data`, string labels, categories where doccano reads them -------------------------


def test_doccano_text_under_data_is_read(tmp_path):
    db = tmp_path / "d.db"
    done = cli(db, "import", write(tmp_path / "d15.jsonl", [
        {"id": 1, "data": "Sam founded Acme.", "label": [[0, 3, "PER"]]},
        {"id": 2, "data": "Ivo Lang left.", "entities": [{"id": 4, "label": "PER", "start_offset": 0, "end_offset": 8}]},
    ]))
    assert "(doccano)" in done.stdout
    found = state(db)
    assert found[("Sam founded Acme.", "d15")][1] == [(0, 3, "PER")]
    assert found[("Ivo Lang left.", "d15")][1] == [(0, 8, "PER")]
    out = tmp_path / "o.jsonl"
    cli(db, "export", "--format", "doccano", "-o", out)
    assert all("text" in r and "data" not in r for r in map(json.loads, out.read_text().splitlines()))


def test_string_label_without_answer_is_a_prodigy_question_or_a_doccano_category(tmp_path):
    lines = [{"text": "I love it", "label": "POSITIVE"},
             {"text": "So so", "label": "NEGATIVE", "meta": {"source": "x"}, "_input_hash": 4}]
    path = write(tmp_path / "amb.jsonl", lines)
    db = tmp_path / "a.db"
    done = cli(db, "import", path, "--no-extract")
    assert "(prodigy)" in done.stdout and "2 texts without annotations (status new" in done.stdout
    assert "--format doccano" in done.stderr
    assert state(db) == {}
    db2 = tmp_path / "b.db"
    cli(db2, "import", path, "--no-extract", "--format", "doccano")
    assert state(db2)[("I love it", "amb")][3] == ["POSITIVE"]


def test_categories_are_exported_where_doccano_reads_them(tmp_path):
    csv = tmp_path / "d4.csv"
    csv.write_text('text,label\n"Terrible customer service.",negative\n', encoding="utf-8")
    db = tmp_path / "c.db"
    cli(db, "import", csv)
    choice = {"text": "Ann moved to Oslo.", "options": [{"id": "MOVE", "text": "Moving"}], "accept": ["MOVE"],
              "spans": [{"start": 0, "end": 3, "label": "PER"}], "answer": "accept", "_annotator_id": "cho"}
    cli(db, "import", write(tmp_path / "choice.jsonl", [choice]), "--no-extract")
    out = tmp_path / "o.jsonl"
    cli(db, "export", "--format", "doccano", "--versions", "all", "-o", out)
    records = {r["text"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert records["Terrible customer service."]["label"] == ["negative"]
    assert "tags" not in records["Terrible customer service."]
    mixed = records["Ann moved to Oslo."]
    assert mixed["cats"] == ["MOVE"] and [e["label"] for e in mixed["entities"]] == ["PER"]
    assert not {"options", "accept", "answer", "tags"} & mixed.keys()
    fresh = tmp_path / "f.db"
    cli(fresh, "import", out, "--no-extract")
    assert state(fresh)[("Ann moved to Oslo.", "cho")][3] == ["MOVE"]
    assert state(fresh)[("Terrible customer service.", "d4")][3] == ["negative"]


# -- #20: the doccano export always carries the annotator -------------------------------------------------------


def test_doccano_export_carries_an_annotator_named_by_the_file(tmp_path):
    db = tmp_path / "d.db"
    cli(db, "import", write(tmp_path / "d2.jsonl", [{"text": "Kai Berg left Pell.", "label": [[0, 8, "PER"]]}]))
    out = tmp_path / "d2_out.jsonl"
    cli(db, "export", "--format", "doccano", "--versions", "all", "-o", out)
    assert json.loads(out.read_text(encoding="utf-8"))["user"] == "d2"
    done = cli(db, "import", out)
    assert done.stdout.strip().endswith("annotators: d2") and "0 annotation sets written, 1 unchanged" in done.stdout


# -- #24 / #25: Label Studio round trip and the first re-import as a fixed point ---------------------------------


def test_label_studio_round_trip_keeps_task_id_user_object_and_quote_tags(tmp_path):
    text = 'Kline said "taxes will rise" today.'
    quote, speaker = ls_span(text, '"taxes will rise"', "QUOTE", "q"), ls_span(text, "Kline", "SPEAKER", "s")
    quote["meta"] = {"tags": ["important"]}
    person = ls_span(text, "Kline", "PER", "k")
    person["meta"] = {"tags": ["checked"]}
    tasks = [{"id": 7, "data": {"text": text}, "annotations": [{"completed_by": {"id": 3, "email": "ann@x.org"}, "result": [
        quote, speaker, person, {"from_id": "q", "to_id": "s", "type": "relation", "direction": "right",
                                 "labels": ["SPEAKER"]}]}]}]
    db = tmp_path / "q.db"
    cli(db, "import", write_json(tmp_path / "quotes.json", tasks), "--no-extract")
    out = tmp_path / "o.json"
    cli(db, "export", "--format", "labelstudio", "-o", out)
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    assert task["id"] == 7
    assert task["annotations"][0]["completed_by"] == {"id": 3, "email": "ann@x.org"}
    assert "0 annotation sets written, 1 unchanged" in cli(db, "import", out, "--no-extract").stdout
    fresh = tmp_path / "f.db"
    cli(fresh, "import", out, "--no-extract")
    with Store(fresh, readonly=True) as store:
        aset = store.annotation_set(1, "ann@x.org")
        assert sorted((t.target_kind.value, t.tag) for t in aset.tags) == [("entity", "checked"), ("quote", "important")]


CASES = Path(__file__).resolve().parents[1] / "data" / "formats"


@pytest.mark.parametrize("case", ["prodigy_choice.jsonl", "spacy_cats.jsonl", "prodigy_review_reviewer_is_annotator.jsonl",
                                  "prodigy_same_text_twice.jsonl", "prodigy_textcat_teach.jsonl",
                                  "doccano_two_users.jsonl", "doccano_textcat.csv", "labelstudio_ner.json"])
def test_first_re_import_of_an_own_export_changes_nothing(tmp_path, case):
    db = tmp_path / "fp.db"
    cli(db, "import", CASES / case, "--no-extract")
    for fmt in ("prodigy", "doccano", "labelstudio"):
        out = tmp_path / f"fp.{fmt}"
        cli(db, "export", "--format", fmt, "--versions", "all", "-o", out)
        done = cli(db, "import", out, "--no-extract")
        assert " 0 annotation sets written" in done.stdout and "documents created" in done.stdout, (fmt, done.stdout)
        assert "0 documents created" in done.stdout, (fmt, done.stdout)


# -- LOW: messages, float offsets, repeated quotes --------------------------------------------------------------


def test_float_offsets_null_label_message_and_repeated_quote(tmp_path):
    db = tmp_path / "f.db"
    cli(db, "import", write(tmp_path / "floats.jsonl", [
        {"text": "Ann met Bob.", "label": [[0.0, 3.0, "PER"], [8, 11.0, "PER"]], "user": "pd"}]))
    assert state(db)[("Ann met Bob.", "pd")][1] == [(0, 3, "PER"), (8, 11, "PER")]
    null = cli(tmp_path / "n.db", "import", write(tmp_path / "null.jsonl", [
        {"text": "Ann", "spans": [{"start": 0, "end": 3, "label": None}], "answer": "accept"}]), ok=False)
    assert "got null" in null.stderr and "None" not in null.stderr
    big = cli(tmp_path / "b.db", "import", write(tmp_path / "big.jsonl", [
        {"text": "Ann", "spans": [{"start": 10**23, "end": 2, "label": "X"}], "answer": "accept"}]), ok=False)
    assert "outside the text" in big.stderr
    quote = {"start": 4, "end": 11, "type": "direct"}
    done = cli(tmp_path / "q.db", "import", write(tmp_path / "q.jsonl", [
        {"text": 'He: "yes!" ok', "quotes": [quote, dict(quote)], "answer": "accept"}]), "--no-extract")
    assert "repeats quote 0" in done.stderr
    assert len(state(tmp_path / "q.db")[('He: "yes!" ok', "q")][2]) == 1


def test_single_label_studio_task_object_is_read(tmp_path):
    text = "Ola Brenner spoke."
    task = {"id": 1, "data": {"text": text}, "annotations": [{"completed_by": 1, "result": [
        ls_span(text, "Ola Brenner", "PER", "a")]}]}
    db = tmp_path / "s.db"
    cli(db, "import", write_json(tmp_path / "one_task.json", task), "--no-extract")
    assert state(db)[(text, "user1")][1] == [(0, 11, "PER")]


def test_mixed_shapes_semicolon_csv_and_several_labels_on_a_region_are_said(tmp_path):
    mixed = write(tmp_path / "mix.jsonl", [{"text": "A b.", "spans": [], "answer": "accept"},
                                          {"text": "Ann", "label": [[0, 3, "PER"]]}])
    done = cli(tmp_path / "m.db", "import", mixed, "--no-extract", ok=False)
    assert "mix.jsonl:2:" in done.stderr and "doccano record" in done.stderr
    other = write(tmp_path / "mix2.jsonl", [{"text": "Ann", "label": [[0, 3, "PER"]]},
                                           {"text": "Bo", "spans": [{"start": 0, "end": 2, "label": "PER"}]}])
    assert "mix2.jsonl:2:" in cli(tmp_path / "m2.db", "import", other, ok=False).stderr
    for separator in (";", "\t"):
        table = tmp_path / "t.csv"
        table.write_text(f"text{separator}label\nBad service.{separator}negative\n", encoding="utf-8")
        refused = cli(tmp_path / "t.db", "import", table, ok=False)
        assert "separated by" in refused.stderr and "plain text" not in refused.stderr
    text = "Ola Brenner spoke."
    region = ls_span(text, "Ola Brenner", "PER", "a")
    region["value"]["labels"] = ["PER", "VIP"]
    db = tmp_path / "v.db"
    done = cli(db, "import", write_json(tmp_path / "vip.json", [{"data": {"text": text}, "annotations": [
        {"completed_by": 1, "result": [region]}]}]), "--no-extract")
    assert "vip.json:2: task 1" in done.stderr and "PER, VIP" in done.stderr
    out = tmp_path / "o.json"
    cli(db, "export", "--format", "labelstudio", "-o", out)
    assert json.loads(out.read_text(encoding="utf-8"))[0]["annotations"][0]["result"][0]["value"]["labels"] == ["PER", "VIP"]


def test_prodigy_export_writes_earlier_answers_as_records_of_their_own(tmp_path):
    base = {"text": "The Pell Harbour council met.", "_annotator_id": "a"}
    records = [{**base, "spans": [{"start": 4, "end": 8, "label": "ORG"}], "answer": "accept"},
               {**base, "spans": [], "answer": "reject"},
               {**base, "spans": [{"start": 4, "end": 16, "label": "ORG"}], "answer": "accept"}]
    db = tmp_path / "a.db"
    cli(db, "import", write(tmp_path / "three.jsonl", records), "--no-extract")
    out = tmp_path / "p.jsonl"
    cli(db, "export", "--format", "prodigy", "-o", out)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["answer"], [s["end"] for s in r["spans"]]) for r in lines] == [
        ("accept", [8]), ("reject", []), ("accept", [16])]
    assert all(r["_annotator_id"] == "a" and "earlier_answers" not in r for r in lines)
    assert "0 annotation sets written" in cli(db, "import", out, "--no-extract").stdout
    fresh = tmp_path / "f.db"
    cli(fresh, "import", out, "--no-extract")
    out2 = tmp_path / "p2.jsonl"
    cli(fresh, "export", "--format", "prodigy", "-o", out2)
    assert out2.read_bytes() == out.read_bytes()
