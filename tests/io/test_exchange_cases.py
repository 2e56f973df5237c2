"""Every shape of tests/data/formats (copied from the shared cases; README there says what a user expects) and
variations of each kind written here, driven through the real `annotator import` / `export` / re-import
subprocesses. The checks read the database back through the store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import Status
from annotator.core.store import Store

CASES = Path(__file__).resolve().parents[1] / "data" / "formats"
CLI = [str(Path(sys.executable).parent / "annotator")]


def cli(db: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=120)
    if ok:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
    return done


def state(db: Path) -> dict[tuple[str, str], tuple]:
    """(text, annotator) -> (status, entities, quotes, document tags)."""
    result = {}
    with Store(db, readonly=True) as store:
        for doc_id in store.iter_document_ids():
            doc = store.document(doc_id)
            for name in store.annotators_of(doc_id):
                aset = store.annotation_set(doc_id, name)
                result[(doc.text, name)] = (
                    Status(aset.status).value,
                    sorted((e.start, e.end, e.label) for e in aset.entities),
                    sorted((q.start, q.end, q.type.value, q.speaker and (q.speaker.start, q.speaker.end),
                            q.cue and (q.cue.start, q.cue.end)) for q in aset.quotes),
                    aset.document_tags(),
                )
    return result


def texts(db: Path) -> list[str]:
    with Store(db, readonly=True) as store:
        return [store.document(i).text for i in store.iter_document_ids()]


def by_annotator(found: dict, name: str) -> dict[str, tuple]:
    return {text: value for (text, who), value in found.items() if who == name}


def round_trip(tmp_path: Path, db: Path, fmt: str, suffix: str, *extra: str) -> tuple[Path, Path]:
    """Export `db` as `fmt`, import that into a new database; returns (export, new database). The new
    database exported again gives the same file (or folder)."""
    out = tmp_path / f"out{suffix}"
    cli(db, "export", "--format", fmt, "-o", out, *extra)
    again = tmp_path / "again.db"
    cli(again, "import", out, "--no-extract")
    out2 = tmp_path / f"out2{suffix}"
    cli(again, "export", "--format", fmt, "-o", out2, *extra)
    if out.is_dir():
        assert {p.name: p.read_bytes() for p in out.iterdir()} == {p.name: p.read_bytes() for p in out2.iterdir()}
    else:
        assert out.read_bytes() == out2.read_bytes()
    return out, again


def write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    return path


HARBOUR = "Harbour master Lena Ostrowski said the Marren channel will close in March."
PELL = "The Pell Harbour council met on Tuesday in Eastport."


# -- Prodigy binary (ner.teach, spans.teach, textcat.teach) -----------------------------------------------------


def test_ner_teach_merges_the_tasks_of_a_text(tmp_path):
    db = tmp_path / "a.db"
    done = cli(db, "import", CASES / "prodigy_ner_teach.jsonl")
    assert "1 exact repeats counted once" in done.stdout
    found = by_annotator(state(db), "news-ines")
    assert found[HARBOUR] == ("done", [(15, 29, "PERSON"), (68, 73, "DATE")], [], [])
    assert found[PELL][1] == []  # ignore keeps the span out
    out, again = round_trip(tmp_path, db, "prodigy", ".jsonl")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["spans"][0]["label"], r["answer"]) for r in lines] == [
        ("PERSON", "accept"), ("ORG", "reject"), ("DATE", "accept"), ("GPE", "ignore")]  # as they came, once each
    assert by_annotator(state(again), "news-ines") == found


def test_rejected_suggestions_are_missing_in_spacy_files(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "prodigy_ner_teach.jsonl")
    cli(db, "export", "--format", "spacy", "-o", tmp_path / "spacy", "--split", "1")
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs = {d.text: d for d in DocBin().from_disk(tmp_path / "spacy" / "train.spacy").get_docs(nlp.vocab)}
    doc = docs[HARBOUR]
    assert [(e.text, e.label_) for e in doc.ents] == [("Lena Ostrowski", "PERSON"), ("March", "DATE")]
    marren = next(t for t in doc if t.text == "Marren")
    assert marren.ent_iob_ == ""  # missing, never O


@pytest.mark.parametrize("view", ["spans", None])
def test_binary_variations_other_view_no_view_other_key_order(tmp_path, view):
    tasks = []
    for start, end, label, answer in ((4, 16, "ORG", "reject"), (43, 51, "GPE", "accept"), (4, 16, "ORG", "accept"),
                                      (32, 39, "DATE", "reject")):
        task = {"answer": answer, "spans": [{"label": label, "end": end, "start": start}], "text": PELL,
                "meta": {"score": 0.5}, "_annotator_id": "desk-kim"}
        if view:
            task["_view_id"] = view
        tasks.append(task)
    db = tmp_path / "a.db"
    cli(db, "import", write(tmp_path / "teach.jsonl", tasks))
    # the later accept of ORG replaces its earlier reject; DATE stays rejected
    assert by_annotator(state(db), "desk-kim")[PELL] == ("done", [(4, 16, "ORG"), (43, 51, "GPE")], [], [])
    _out, again = round_trip(tmp_path, db, "prodigy", ".jsonl")
    assert state(again) == state(db)


def test_textcat_teach_is_not_doccano(tmp_path):
    db = tmp_path / "a.db"
    done = cli(db, "import", CASES / "prodigy_textcat_teach.jsonl")
    assert "(prodigy)" in done.stdout
    found = by_annotator(state(db), "prodigy_textcat_teach")
    assert found[HARBOUR][3] == ["TRANSPORT"] and found[PELL][3] == []
    with Store(db, readonly=True) as store:
        doc_id = next(i for i in store.iter_document_ids() if store.document(i).text == PELL)
        tasks = store.annotation_set(doc_id, "prodigy_textcat_teach").extra["binary_tasks"]
    assert [(t["label"], t["answer"]) for t in tasks] == [("TRANSPORT", "reject")]  # recorded as rejected
    _out, again = round_trip(tmp_path, db, "prodigy", ".jsonl")
    # the tasks named no annotator; the export names the one they were imported under (attack 12 #20/#25)
    assert by_annotator(state(again), "prodigy_textcat_teach") == found


def test_textcat_variation_without_view_several_labels_a_text(tmp_path):
    tasks = [{"label": label, "text": HARBOUR, "answer": answer, "_annotator_id": "lee"}
             for label, answer in (("TRANSPORT", "accept"), ("POLITICS", "reject"), ("WEATHER", "ignore"),
                                   ("LABOUR", "accept"))]
    db = tmp_path / "a.db"
    cli(db, "import", write(tmp_path / "cats.jsonl", tasks))
    assert by_annotator(state(db), "lee")[HARBOUR][3] == ["LABOUR", "TRANSPORT"]


# -- choice, cats, raw text ----------------------------------------------------------------------------------


def test_choice_accept_gives_document_tags(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "prodigy_choice.jsonl")
    found = by_annotator(state(db), "desk-omar")
    assert found[HARBOUR][3] == ["TRANSPORT"] and found[PELL][3] == ["POLITICS"]
    _out, again = round_trip(tmp_path, db, "prodigy", ".jsonl")
    assert state(again) == state(db)


def test_choice_variation_integer_option_ids_several_accepted(tmp_path):
    record = {"accept": [0, 2], "text": PELL, "_view_id": "choice", "answer": "accept",
              "options": [{"id": 0, "text": "LOCAL"}, {"id": 1, "text": "SPORT"}, {"id": 2, "text": "POLITICS"}]}
    db = tmp_path / "a.db"
    cli(db, "import", write(tmp_path / "choice.jsonl", [record]), "--annotator", "ann")
    assert by_annotator(state(db), "ann")[PELL][3] == ["LOCAL", "POLITICS"]
    out, _again = round_trip(tmp_path, db, "prodigy", ".jsonl")
    assert json.loads(out.read_text(encoding="utf-8"))["accept"] == [0, 2]


def test_cats_scores_of_one_are_tags(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "spacy_cats.jsonl")
    # spaCy's textcat training shape (scores exactly 0/1, no answer): decided labels, the file's annotator's
    found = by_annotator(state(db), "spacy_cats")
    assert found[HARBOUR][3] == ["TRANSPORT"] and found[PELL][3] == ["POLITICS"]
    # a model's doc.cats output (fractional scores, no answer) is a suggestion: the model's set, never training data
    scores = [{"text": "A third text about the harbour and the council.", "cats": {"TRANSPORT": 0.91, "POLITICS": 0.2}}]
    cli(db, "import", write(tmp_path / "scores.jsonl", scores))
    assert "scores" not in {who for _, who in state(db)}
    variation = [{"cats": {"A": 1, "B": 0, "C": 0.7}, "text": HARBOUR, "answer": "accept"}]
    cli(db, "import", write(tmp_path / "ints.jsonl", variation))
    assert by_annotator(state(db), "ints")[HARBOUR][3] == ["A"]


def test_raw_text_is_new_documents_pre_annotated(tmp_path):
    db = tmp_path / "a.db"
    done = cli(db, "import", CASES / "raw_text.jsonl")
    assert "2 texts without annotations" in done.stdout
    found = state(db)
    assert {who for _, who in found} == {"model"}  # no done empty set: the model's pre-annotation only
    with Store(db, readonly=True) as store:
        doc_id = next(iter(store.iter_document_ids()))
        assert store.status(doc_id, "raw_text") is Status.NEW


def test_raw_text_variation_mixed_with_answers_and_no_extract(tmp_path):
    records = [{"meta": {"title": "T"}, "text": HARBOUR},
               {"text": PELL, "spans": [{"start": 4, "end": 16, "label": "ORG"}], "answer": "accept"}]
    db = tmp_path / "a.db"
    cli(db, "import", write(tmp_path / "mixed.jsonl", records), "--no-extract")
    assert set(state(db)) == {(PELL, "mixed")}
    assert len(texts(db)) == 2


# -- tolerance ---------------------------------------------------------------------------------------------


def test_stale_span_text_is_a_warning_with_file_and_line(tmp_path):
    db = tmp_path / "a.db"
    path = CASES / "prodigy_stale_span_text.jsonl"
    done = cli(db, "import", path)
    assert f"warning: {path}:1: span 0 text 'Jönsdóttir-Kří'" in done.stderr
    assert by_annotator(state(db), "desk-ana")  # imported by offsets
    (entities,) = [v[1] for v in by_annotator(state(db), "desk-ana").values()]
    assert entities == [(6, 24, "PERSON"), (36, 48, "GPE")]


def test_stale_text_variation_doccano_entities_on_line_two(tmp_path):
    records = [{"text": PELL, "label": []},
               {"text": HARBOUR, "entities": [{"id": 1, "label": "PER", "start_offset": 15, "end_offset": 29,
                                               "text": "Lena"}], "relations": []}]
    path = write(tmp_path / "stale.jsonl", records)
    done = cli(tmp_path / "a.db", "import", path)
    assert f"{path}:2: entities 0 text 'Lena'" in done.stderr


def test_missing_text_is_all_or_nothing_unless_skip_invalid(tmp_path):
    db = tmp_path / "a.db"
    path = CASES / "doccano_missing_text.jsonl"
    done = cli(db, "import", path, ok=False)
    assert f"{path}:2: " in done.stderr and "nothing was imported" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr  # one line (attack 13b #9)
    assert not db.exists() or texts(db) == []
    done = cli(db, "import", path, "--skip-invalid")
    assert f"skipped: {path}:2: " in done.stderr
    assert len(texts(db)) == 2


def test_skip_invalid_variation_lists_every_skipped_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": PELL, "label": [[4, 16, "ORG"]]}) + "\n{broken\n"
                    + json.dumps({"text": HARBOUR, "label": [[15, 99, "PER"]]}) + "\n"
                    + json.dumps({"text": "Third text.", "label": []}) + "\n", encoding="utf-8")
    done = cli(tmp_path / "a.db", "import", path, "--skip-invalid")
    assert f"skipped: {path}:2: " in done.stderr and f"skipped: {path}:3: " in done.stderr
    assert "2 records skipped" in done.stdout


def test_duplicate_span_is_one_entity_with_a_note(tmp_path):
    db = tmp_path / "a.db"
    path = CASES / "doccano_duplicate_span.jsonl"
    done = cli(db, "import", path)
    assert f"{path}:1: label 1 repeats label 0" in done.stderr
    assert by_annotator(state(db), "doccano_duplicate_span")[PELL][1] == [(43, 51, "LOC")]
    variation = [{"text": PELL, "spans": [{"start": 4, "end": 16, "label": "ORG"}] * 2, "answer": "accept"}]
    done = cli(db, "import", write(tmp_path / "dup.jsonl", variation))
    assert "span 1 repeats span 0" in done.stderr
    assert by_annotator(state(db), "dup")[PELL][1] == [(4, 16, "ORG")]


# -- review, repeated answers, doccano users -----------------------------------------------------------------


def test_review_whose_reviewer_is_an_annotator(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "prodigy_review_reviewer_is_annotator.jsonl")
    found = state(db)
    text = next(iter(found))[0]
    assert found[(text, "news-ana")][1] == [(6, 19, "PERSON"), (48, 53, "GPE")]
    assert found[(text, "news-ben")][1] == [(6, 19, "PERSON")]
    assert found[(text, "gold@news-ana")][1] == [(6, 19, "PERSON"), (48, 53, "GPE")]  # the reviewed version
    _out, again = round_trip(tmp_path, db, "jsonl", ".jsonl")
    assert state(again) == found


def test_same_text_twice_later_is_current_earlier_kept(tmp_path):
    db = tmp_path / "a.db"
    path = CASES / "prodigy_same_text_twice.jsonl"
    done = cli(db, "import", path)
    assert "earlier answers replaced by a later one and kept" in done.stdout
    assert f"{path}:2: 'desk-ana' answered this text again (first at line 1)" in done.stderr
    ((_, value),) = state(db).items()
    assert value[0] == "done" and value[1] == [(6, 19, "PERSON"), (48, 53, "GPE")]
    out, again = round_trip(tmp_path, db, "jsonl", ".jsonl")
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["earlier_answers"][0]["answer"] == "reject"  # not lost
    assert state(again) == state(db)


def test_three_answers_variation_keeps_both_earlier(tmp_path):
    base = {"text": PELL, "_annotator_id": "a"}
    records = [{**base, "spans": [{"start": 4, "end": 8, "label": "ORG"}], "answer": "accept"},
               {**base, "spans": [], "answer": "reject"},
               {**base, "spans": [{"start": 4, "end": 16, "label": "ORG"}], "answer": "accept"},
               {**base, "spans": [{"start": 4, "end": 16, "label": "ORG"}], "answer": "accept"}]
    db = tmp_path / "a.db"
    done = cli(db, "import", write(tmp_path / "three.jsonl", records))
    assert "1 exact repeats" in done.stdout
    with Store(db, readonly=True) as store:
        aset = store.annotation_set(next(iter(store.iter_document_ids())), "a")
    assert [(e.start, e.end) for e in aset.entities] == [(4, 16)]
    assert [r["answer"] for r in aset.extra["earlier_answers"]] == ["accept", "reject"]


def test_doccano_two_users_come_back_from_doccano_export(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "doccano_two_users.jsonl")
    found = state(db)
    assert {who for _, who in found} == {"gus", "hana"}
    # doccano is a training format: one version per document by default (issue 13), so every user needs `all`
    _out, again = round_trip(tmp_path, db, "doccano", ".jsonl", "--versions", "all")
    assert state(again) == found


def test_doccano_default_export_keeps_one_version_and_names_the_choice(tmp_path):
    """Training-data rule wins for doccano: two users' sets of one text -> one record, the choice listed."""
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "doccano_two_users.jsonl")
    out = tmp_path / "one.jsonl"
    done = cli(db, "export", "--format", "doccano", "-o", out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len({line["text"] for line in lines})
    assert "several versions: document" in done.stderr and "versions by gus, hana" in done.stderr


def test_doccano_users_variation_entities_layout_and_integer_users(tmp_path):
    records = [{"text": PELL, "entities": [{"id": 1, "label": "ORG", "start_offset": 4, "end_offset": 16}],
                "relations": [], "user": 3},
               {"text": PELL, "entities": [], "relations": [], "user": 4, "done": True}]
    db = tmp_path / "a.db"
    cli(db, "import", write(tmp_path / "users.jsonl", records))
    assert {who for _, who in state(db)} == {"user3", "user4"}  # user 4 finished it and found nothing
    _out, again = round_trip(tmp_path, db, "doccano", ".jsonl", "--versions", "all")
    assert state(again) == state(db)


def test_doccano_textcat_csv(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "doccano_textcat.csv")
    found = by_annotator(state(db), "doccano_textcat")
    assert found[HARBOUR][3] == ["TRANSPORT"] and found[PELL][3] == ["POLITICS"]
    variation = tmp_path / "rows.csv"
    variation.write_text(f'label,text,source\nA,"{PELL}",wire\nB,"{PELL}",wire\n', encoding="utf-8")
    cli(db, "import", variation)
    assert by_annotator(state(db), "rows")[PELL][3] == ["A", "B"]


# -- CoNLL / IOB -------------------------------------------------------------------------------------------


def test_conll2003_in_and_out_and_spacy_convert_reads_the_export(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "conll2003.conll")
    found = by_annotator(state(db), "conll2003")
    text = "Lena Ostrowski visited Eastport on Tuesday ."
    assert found[text][1] == [(0, 14, "PER"), (23, 31, "LOC")]
    out, again = round_trip(tmp_path, db, "conll", ".conll")
    assert out.read_text(encoding="utf-8").splitlines()[2] == "Lena NNP B-NP B-PER"  # POS and chunk kept
    assert by_annotator(state(again), "out") == found
    converted = tmp_path / "converted"
    converted.mkdir()
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", str(out), str(converted), "--converter", "ner"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import spacy
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(next(converted.glob("*.spacy"))).get_docs(spacy.blank("en").vocab))
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [
        [("Lena Ostrowski", "PER"), ("Eastport", "LOC")], [("Pell Harbour", "ORG")]]


def test_two_column_bio_in_and_out(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "bio_two_columns.tsv")
    found = by_annotator(state(db), "bio_two_columns")
    assert found["Fares rise in Port Ellis ."][1] == [(14, 24, "LOC")]
    out, _again = round_trip(tmp_path, db, "iob", ".iob")
    assert out.read_text(encoding="utf-8").startswith((CASES / "bio_two_columns.tsv").read_text(encoding="utf-8"))


@pytest.mark.parametrize("tags", [
    ["I-PER", "I-PER", "O", "I-LOC"],  # IOB1
    ["B-PER", "E-PER", "O", "S-LOC"],  # BIOES
    ["B-PER", "L-PER", "O", "U-LOC"],  # BILUO
])
def test_iob_variations_iob1_bioes_biluo_tabs_and_spaces(tmp_path, tags):
    words = ["Osei", "Mensah", "visited", "Lorne"]
    path = tmp_path / "v.txt"
    path.write_text("-DOCSTART-\tO\n\n" + "".join(f"{w}\tX {t}\n" for w, t in zip(words, tags)), encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", path)
    assert by_annotator(state(db), "v")["Osei Mensah visited Lorne"][1] == [(0, 11, "PER"), (20, 25, "LOC")]


# -- brat, Label Studio ------------------------------------------------------------------------------------


def test_brat_pair_entities_quotes_notes(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "brat_strike.ann")
    ((_, value),) = state(db).items()
    assert value[1] == [(45, 56, "PERSON"), (109, 114, "GPE")]
    assert value[2] == [(0, 30, "direct", (45, 56), (57, 61)), (64, 82, "direct", (84, 90), (91, 95))]
    out, again = round_trip(tmp_path, db, "brat", "")
    ann = (out / "brat_strike.ann").read_text(encoding="utf-8")
    assert "AnnotatorNotes T2\tcity in the north" in ann
    assert list(state(again).values()) == [value]


def test_brat_variation_folder_crlf_attribute_and_discontinuous(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = "Mayor Kline said\r\nthat \"taxes will rise\".\r\n"
    (folder / "one.txt").write_bytes(text.encode("utf-8"))
    (folder / "one.ann").write_text(
        "T1\tSpeaker 6 11\tKline\nT2\tQuote 24 40\ttaxes will rise\"\nA1\tQuoteType T2 indirect\n"
        "R1\tSpeaker Arg1:T2 Arg2:T1\nT3\tORG 0 5;12 16\tMayor said\n", encoding="utf-8")
    db = tmp_path / "a.db"
    done = cli(db, "import", folder)
    assert "discontinuous" in done.stderr
    ((_, value),) = state(db).items()
    assert value[1] == [(0, 16, "ORG")]
    assert value[2] == [(24, 40, "indirect", (6, 11), None)]


def test_brat_overlap_variation_keeps_the_later_span_apart_with_a_warning(tmp_path):
    # brat allows overlapping spans (attack 12 #8/#14): the later is kept in overlapping_spans, written back
    (tmp_path / "o.txt").write_text("Mayor Kline said.", encoding="utf-8")
    (tmp_path / "o.ann").write_text("T1\tSpeaker 6 11\tKline\nT2\tORG 0 11\tMayor Kline\n", encoding="utf-8")
    done = cli(tmp_path / "a.db", "import", tmp_path / "o.ann")
    assert "o.ann:2: T2 (ORG 0-11) overlaps an earlier entity" in done.stderr
    assert list(state(tmp_path / "a.db").values())[0][1] == [(6, 11, "Speaker")]


def test_label_studio_annotators_prediction_relations(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", CASES / "labelstudio_ner.json")
    found = state(db)
    text = next(iter(found))[0]
    assert found[(text, "user1")][1] == [(0, 7, "ORG"), (14, 25, "PER"), (70, 75, "LOC")]
    assert found[(text, "user2")][1] == [(14, 25, "PER"), (70, 75, "GPE")]
    # the prediction is the model's pre-annotation (status new), never a finished set
    assert found[(text, "model")][:2] == ("new", [(14, 25, "PER")])
    out, again = round_trip(tmp_path, db, "labelstudio", ".json")
    assert state(again) == found
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    assert_label_studio_import_shape(task)
    relations = [r for a in task["annotations"] for r in a["result"] if r["type"] == "relation"]
    assert [r["labels"] for r in relations] == [["based_in"]]
    assert task["data"]["source"] == "wire"


def assert_label_studio_import_shape(task: dict) -> None:
    """The documented import shape (labelstud.io/guide/tasks, /guide/predictions): `data` with the text,
    `annotations` / `predictions` each with a `result` list; a text span is a `labels` result with from_name,
    to_name and value {start, end, text, labels}; a relation joins two result ids of the same list."""
    assert isinstance(task["data"]["text"], str)
    for block in [*task["annotations"], *task["predictions"]]:
        ids = {r["id"] for r in block["result"] if r["type"] == "labels"}
        for result in block["result"]:
            if result["type"] == "labels":
                assert {"from_name", "to_name", "value"} <= result.keys()
                value = result["value"]
                assert task["data"]["text"][value["start"]:value["end"]] == value["text"]
                assert isinstance(value["labels"], list) and value["labels"]
            elif result["type"] == "relation":
                assert result["from_id"] in ids and result["to_id"] in ids
                assert result["direction"] in ("right", "left", "bi")
    for block in task["annotations"]:
        assert isinstance(block.get("was_cancelled"), bool)


def test_label_studio_variation_cancelled_user_object_choices_and_quotes(tmp_path):
    text = 'Kline said "taxes will rise" today.'
    tasks = [{"data": {"text": text}, "annotations": [
        {"completed_by": {"id": 7, "email": "kim@example.org"}, "result": [
            {"id": "q", "from_name": "l", "to_name": "text", "type": "labels",
             "value": {"start": 12, "end": 27, "labels": ["QUOTE"]}},
            {"id": "s", "from_name": "l", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 5, "labels": ["SPEAKER"]}},
            {"from_id": "q", "to_id": "s", "type": "relation", "direction": "right", "labels": ["SPEAKER"]},
            {"id": "c", "from_name": "topic", "to_name": "text", "type": "choices", "value": {"choices": ["TAX"]}}]},
        {"completed_by": 2, "was_cancelled": True, "result": []}]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", path)
    found = state(db)
    assert found[(text, "kim@example.org")] == ("done", [], [(12, 27, "direct", (0, 5), None)], ["TAX"])
    assert found[(text, "user2")][0] == "skipped"
    _out, again = round_trip(tmp_path, db, "labelstudio", ".json")
    assert state(again) == found


# -- what annotator cannot read ------------------------------------------------------------------------------


@pytest.mark.parametrize("name,content,looked_like", [
    ("notes.txt", "Just some prose.\nNothing else.\n", "plain text"),
    ("table.csv", "a,b,c\n1,2,3\n", "a CSV without text and label columns"),
    ("images.json", json.dumps([{"data": {"image": "http://x/1.jpg"}, "annotations": []}]),
     "a Label Studio export of image tasks: no text to annotate"),
    ("broken.jsonl", '{"text": "a", \n', "JSON lines, but line 1 does not parse"),
])
def test_unreadable_files_name_the_formats_and_what_they_looked_like(tmp_path, name, content, looked_like):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    done = cli(tmp_path / "a.db", "import", path, ok=False)
    assert "not a format annotator reads" in done.stderr and "Label Studio JSON" in done.stderr
    assert looked_like in done.stderr
    assert done.stderr.count("\n") <= 2


def test_labels_option_repeats_and_allows_commas(tmp_path):
    db = tmp_path / "a.db"
    record = {"text": PELL, "answer": "accept", "spans": [{"start": 4, "end": 16, "label": "ORG, LOCAL"},
                                                          {"start": 43, "end": 51, "label": "LOC"}]}
    cli(db, "import", write(tmp_path / "l.jsonl", [record]))
    out = tmp_path / "o.jsonl"
    cli(db, "export", "--labels", "ORG, LOCAL", "--labels", "LOC", "-o", out)
    assert [s["label"] for s in json.loads(out.read_text(encoding="utf-8"))["spans"]] == ["ORG, LOCAL", "LOC"]
    cli(db, "export", "--labels", "ORG, LOCAL", "-o", out)
    assert [s["label"] for s in json.loads(out.read_text(encoding="utf-8"))["spans"]] == ["ORG, LOCAL"]


def test_label_studio_json_min_variation(tmp_path):
    items = [{"id": 41, "text": HARBOUR, "source": "wire", "annotator": 1, "annotation_id": 9,
              "label": [{"start": 15, "end": 29, "text": "Lena Ostrowski", "labels": ["PER"]}],
              "topic": {"choices": ["TRANSPORT"]}},
             {"id": 41, "text": HARBOUR, "source": "wire", "annotator": "kim@example.org", "annotation_id": 10,
              "label": [{"start": 68, "end": 73, "labels": ["DATE"]}]}]
    path = tmp_path / "min.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", path)
    found = state(db)
    assert found[(HARBOUR, "user1")] == ("done", [(15, 29, "PER")], [], ["TRANSPORT"])
    assert found[(HARBOUR, "kim@example.org")][1] == [(68, 73, "DATE")]
    _out, again = round_trip(tmp_path, db, "labelstudio", ".json")
    assert state(again) == found


def test_same_text_twice_variation_timestamps_decide_not_lines(tmp_path):
    base = {"text": PELL, "_annotator_id": "desk-ana", "answer": "accept"}
    records = [{**base, "spans": [{"start": 4, "end": 16, "label": "ORG"}], "_timestamp": 1700000900},
               {**base, "spans": [], "_timestamp": 1700000100}]
    db = tmp_path / "a.db"
    done = cli(db, "import", write(tmp_path / "late.jsonl", records))
    assert "the one with the later _timestamp is current" in done.stderr
    assert by_annotator(state(db), "desk-ana")[PELL][1] == [(4, 16, "ORG")]


def test_conll_variation_comment_lines_and_no_docstart(tmp_path):
    path = tmp_path / "c.conll"
    path.write_text("# sent_id = 1\nOsei B-PER\nMensah I-PER\nspoke O\n\n# sent_id = 2\nLorne B-LOC\nvoted O\n",
                    encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", path)
    found = by_annotator(state(db), "c")
    assert found["Osei Mensah spoke"][1] == [(0, 11, "PER")] and found["Lorne voted"][1] == [(0, 5, "LOC")]


def test_spans_manual_overlaps_are_kept_and_written_back(tmp_path):
    record = {"text": PELL, "_view_id": "spans_manual", "answer": "accept", "_annotator_id": "sc",
              "spans": [{"start": 4, "end": 16, "label": "ORG"}, {"start": 4, "end": 8, "label": "PLACE"}]}
    db = tmp_path / "a.db"
    done = cli(db, "import", write(tmp_path / "sc.jsonl", [record]))
    assert "span 1 (PLACE 4-8) overlaps an earlier span" in done.stderr
    assert by_annotator(state(db), "sc")[PELL][1] == [(4, 16, "ORG")]
    out, _again = round_trip(tmp_path, db, "prodigy", ".jsonl")
    spans = json.loads(out.read_text(encoding="utf-8"))["spans"]
    assert [(s["start"], s["end"], s["label"]) for s in spans] == [(4, 16, "ORG"), (4, 8, "PLACE")]


def test_textcat_teach_variation_pattern_highlights_are_not_entities(tmp_path):
    task = {"text": PELL, "label": "POLITICS", "answer": "accept", "_view_id": "classification",
            "spans": [{"start": 17, "end": 24, "label": "POLITICS", "pattern": 3}], "meta": {"pattern": 3}}
    db = tmp_path / "a.db"
    cli(db, "import", write(tmp_path / "hl.jsonl", [task]))
    assert by_annotator(state(db), "hl")[PELL] == ("done", [], [], ["POLITICS"])


def test_detection_looks_past_texts_without_annotations(tmp_path):
    records = [{"text": "First text to annotate."},
               {"text": PELL, "label": [[4, 16, "ORG"]], "user": "gus"}]
    db = tmp_path / "a.db"
    done = cli(db, "import", write(tmp_path / "mixed.jsonl", records), "--no-extract")
    assert "(doccano)" in done.stdout
    assert by_annotator(state(db), "gus")[PELL][1] == [(4, 16, "ORG")]
