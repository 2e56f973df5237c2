"""Issue 13's third attack (attack-13b), fixed: each kind through the real command line (real subprocesses, real
spaCy, training runs of 2 steps on a few documents).

- #3 re-training into a pipeline folder refuses when any file at any depth is not the training's own;
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_train_attack_s3 import one_line_error  # noqa: E402
from test_train_cli import cli, gadget_corpus  # noqa: E402


# -- #3: files a person put inside a pipeline's sub-folders are never deleted ---------------------------------


@pytest.mark.slow
def test_retraining_refuses_a_pipeline_holding_nested_user_files(tmp_path):
    db = tmp_path / "a.db"
    gadget_corpus(db, 4)
    out = tmp_path / "m1"
    cli(db, "train", "ner", "--base", "blank", "--output", out, "--max-steps", 2)
    cli(db, "train", "ner", "--base", "blank", "--output", out, "--max-steps", 2)  # its own pipeline: replaced
    for extra in ("ner/mynotes.txt", "vocab/sub/k.txt"):
        (out / extra).parent.mkdir(parents=True, exist_ok=True)
        (out / extra).write_text("keep")
        result = cli(db, "train", "ner", "--base", "blank", "--output", out, "--max-steps", 2, ok=False)
        one_line_error(result, str(out), extra.rsplit("/", 1)[0])
        assert (out / extra).read_text() == "keep"
        (out / extra).unlink()
        if extra.startswith("vocab/sub"):
            (out / "vocab" / "sub").rmdir()
    cli(db, "train", "ner", "--base", "blank", "--output", out, "--max-steps", 2)  # clean again: replaced


# -- #2: a quotes group only where quotes were annotated; train quotes uses only those ------------------------

NER_ONLY = [  # Prodigy records whose source never annotated quotes (each has a quote nobody was asked about)
    {"text": 'Ada Lovelace said "hi" in London.', "spans": [{"start": 0, "end": 12, "label": "PERSON"}],
     "answer": "accept", "_view_id": "ner_manual", "_annotator_id": "bo"},
    {"text": 'Fatima said "we won" in Dubai.', "spans": [{"start": 24, "end": 29, "label": "GPE", "answer": "accept"}],
     "answer": "accept", "_view_id": "ner", "_annotator_id": "bo"},
    {"text": '"Rain again," Tom said in Oslo.', "spans": [], "answer": "accept", "_annotator_id": "bo",
     "accept": ["WEATHER"], "options": [{"id": "WEATHER", "text": "WEATHER"}], "_view_id": "choice"},
]
OWN_EMPTY = {"text": "Nobody said anything in Rome.", "spans": [], "quotes": [], "answer": "accept",
             "_annotator_id": "bo"}
OWN_QUOTE = {"text": 'Ann said "yes" today.', "spans": [], "answer": "accept", "_annotator_id": "bo",
             "quotes": [{"start": 10, "end": 13, "type": "direct"}]}


def write_jsonl(path, records):
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_quotes_group_exists_only_where_quotes_were_annotated(tmp_path):
    from test_training_data import docbin_docs

    db = tmp_path / "a.db"
    cli(db, "import", "--no-extract", write_jsonl(tmp_path / "in.jsonl", [*NER_ONLY, OWN_EMPTY, OWN_QUOTE]))
    out = tmp_path / "x"
    cli(db, "export", "--format", "spacy", "--split", 1, "-o", out)
    docs = {doc.text: doc for doc in docbin_docs(out / "train.spacy")}
    assert len(docs) == 5
    for record in NER_ONLY:
        assert "quotes" not in docs[record["text"]].spans, record["_view_id"]
    assert list(docs[OWN_EMPTY["text"]].spans["quotes"]) == []  # annotated: no quote here
    assert [s.text for s in docs[OWN_QUOTE["text"]].spans["quotes"]] == ["yes"]


@pytest.mark.slow
def test_train_quotes_leaves_out_documents_nobody_annotated_quotes_in(tmp_path):
    db = tmp_path / "a.db"
    gadget_corpus(db, 4)
    cli(db, "import", "--no-extract", write_jsonl(tmp_path / "in.jsonl", NER_ONLY))
    result = cli(db, "train", "quotes", "--output", tmp_path / "mq", "--max-steps", 2)
    assert "3 documents to train on" in result.stderr and "1 held out" in result.stderr, result.stderr
    assert "3 document(s) left out: their sets never annotated quotes" in result.stderr
    ner = cli(db, "train", "ner", "--base", "blank", "--output", tmp_path / "mn", "--max-steps", 2)
    assert "left out" not in ner.stderr.split("in training:")[-1]  # NER uses all 7
    assert "5 documents to train on, 1 to pick the best checkpoint, 1 held out" in ner.stderr, ner.stderr


def test_train_quotes_with_too_few_annotated_documents_says_why(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", "--no-extract", write_jsonl(tmp_path / "in.jsonl", [*NER_ONLY, OWN_QUOTE]))
    result = cli(db, "train", "quotes", "--output", tmp_path / "mq", "--max-steps", 2, ok=False)
    one_line_error(result, "1 document(s)", "3 more never annotated quotes")


# -- #1 (boilerplate part): CoNLL/IOB leave boilerplate lines out, and list them --------------------------------


@pytest.mark.parametrize("fmt", ["iob", "conll"])
def test_boilerplate_lines_are_left_out_of_conll_and_listed(tmp_path, fmt):
    from annotator.core.model import AnnotationSet, Document, Entity, Status
    from annotator.core.store import Store
    from test_train_attack_s3 import BOILERPLATE_TEXT

    text = BOILERPLATE_TEXT + "Sunak flew to Rome.\nBy John Smith\n"
    db = tmp_path / "a.db"
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text=text))
        found = [(name, label) for name, label in (("Barack Obama", "PERSON"), ("Paris", "GPE"),
                                                    ("Angela Merkel", "PERSON"), ("Sunak", "PERSON"))]
        entities = []
        for name, label in found:
            at = text.index(name, text.index("Barack") if name == "Paris" else 0)
            entities.append(Entity(at, at + len(name), label))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE,
                                                   entities=entities))
    out = tmp_path / f"x.{fmt}"
    result = cli(db, "export", "--format", fmt, "-o", out)
    written = out.read_text()
    words = [line.split()[0] for line in written.splitlines() if line.strip() and not line.startswith("-DOCSTART-")]
    for gone in ("Accessibility", "READ", "Share", "Photo", "Merkel", "By"):
        assert gone not in words, (gone, written)
    assert {"Barack", "Obama", "arrived", "Macron", "Sunak", "flew", "Rome"} <= set(words)
    assert "Barack\tB-PERSON" in written or "Barack -X- -X- B-PERSON" in written
    listed = [line for line in result.stderr.splitlines() if "boilerplate line(s) left out" in line]
    assert len(listed) == 1 and "Angela" in listed[0] and "B-PERSON" in listed[0], result.stderr
    assert "CoNLL has no missing tag" in listed[0]


# -- #4: export --split is exact and seeded, the order train uses ---------------------------------------------


def test_export_split_is_the_stated_share_for_every_seed(tmp_path):
    from test_training_data import docbin_docs

    db = tmp_path / "a.db"
    gadget_corpus(db, 7)
    for share, train, dev in ((0.8, 6, 1), (0.6, 4, 3), (0.2, 1, 6), (0.9, 6, 1), (0.99, 6, 1), (1, 7, 0)):
        for seed in (0, 5):
            out = tmp_path / f"x-{share}-{seed}"
            result = cli(db, "export", "--format", "spacy", "--split", share, "--seed", seed, "-o", out)
            assert len(docbin_docs(out / "train.spacy")) == train, (share, seed, result.stderr)
            if dev:
                assert len(docbin_docs(out / "dev.spacy")) == dev, (share, seed, result.stderr)
            else:  # a side with no documents gets no file (an empty dev.spacy stops `spacy train`)
                assert not (out / "dev.spacy").exists(), (share, seed, result.stderr)
            assert f"train {train}" in result.stdout + result.stderr


def test_export_dev_side_is_train_held_out_side(tmp_path):
    from annotator.core.store import Store
    from annotator.train.data import build_training_data
    from test_training_data import docbin_docs

    db = tmp_path / "a.db"
    gadget_corpus(db, 10)
    for seed in (0, 3, 7):
        out = tmp_path / f"x{seed}"
        cli(db, "export", "--format", "spacy", "--split", 0.8, "--seed", seed, "-o", out)
        with Store(db) as store:
            data = build_training_data(store, tmp_path / f"t{seed}", eval_split=0.2, seed=seed)
        held_out = {doc.text for doc in docbin_docs(data.test_path)}
        assert {doc.text for doc in docbin_docs(out / "dev.spacy")} == held_out and len(held_out) == 2


# -- #6: a Prodigy review record without an answer keeps its versions' answers --------------------------------


def test_undecided_review_record_imports_its_versions_as_people_answers(tmp_path):
    text = "Sara Kim sang in Busan."
    busan = {"start": 17, "end": 22, "label": "GPE"}
    sara = {"start": 0, "end": 8, "label": "PERSON"}
    review = {"text": text, "spans": [busan], "_view_id": "review", "_annotator_id": "ds-rita",
              "versions": [{"text": text, "spans": [busan], "answer": "accept", "sessions": ["ds-bob"]},
                           {"text": text, "spans": [busan, sara], "answer": "reject", "sessions": ["ds-ann", "ds-cy"]},
                           {"text": text, "spans": [sara], "sessions": ["ds-dan"]}]}
    db = tmp_path / "a.db"
    result = cli(db, "import", "--no-extract", write_jsonl(tmp_path / "rv.jsonl", [review]))
    assert "review records" in result.stdout + result.stderr and "no reviewed (gold) version" in result.stdout + result.stderr
    from annotator.core.store import Store

    with Store(db) as store:
        doc_id = next(iter(store.iter_document_ids()))
        names = set(store.annotators_of(doc_id))
        assert {"ds-bob", "ds-ann", "ds-cy"} <= names and not any(n.startswith("gold") for n in names), names
        assert "ds-dan" not in names  # a version without an answer is nobody's annotation
        bob, ann = store.annotation_set(doc_id, "ds-bob"), store.annotation_set(doc_id, "ds-ann")
        assert bob.status.value == "done" and [(e.start, e.label) for e in bob.entities] == [(17, "GPE")]
        assert ann.status.value == "rejected" and len(ann.entities) == 2
    out = tmp_path / "x"
    cli(db, "export", "--format", "spacy", "--split", 1, "-o", out)
    from test_training_data import docbin_docs

    docs = docbin_docs(out / "train.spacy")
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [[("Busan", "GPE")]]  # bob's accepted answer


# -- #5: the latest version across annotators by `_timestamp`, a tie called a tie -----------------------------


def _ts_records(first, second):
    text = "Maria Lopez flew to Lima."
    person, city = {"start": 0, "end": 11, "label": "PERSON"}, {"start": 20, "end": 24, "label": "GPE"}
    return [{"text": text, "spans": [person, city], "answer": "accept", "_annotator_id": first[0],
             "_timestamp": first[1]},
            {"text": text, "spans": [person], "answer": "accept", "_annotator_id": second[0], "_timestamp": second[1]}]


@pytest.mark.parametrize("names", [("zed", "amy"), ("aaa", "zzz")])
def test_the_newer_timestamp_trains_whatever_the_names(tmp_path, names):
    newer, older = names
    db = tmp_path / "a.db"
    cli(db, "import", "--no-extract", write_jsonl(tmp_path / "ts.jsonl",
                                                   _ts_records((newer, 1700000000), (older, 1600000000))))
    result = cli(db, "export", "--format", "spacy", "--split", 1, "-o", tmp_path / "x")
    assert f"kept {newer} (latest correction by its _timestamp; no gold set)" in result.stderr, result.stderr


def test_two_imports_in_the_wrong_order_keep_the_newer_answer(tmp_path):
    db = tmp_path / "a.db"
    records = _ts_records(("zed", 1700000000), ("amy", 1600000000))
    cli(db, "import", "--no-extract", write_jsonl(tmp_path / "1.jsonl", records[:1]))
    cli(db, "import", "--no-extract", write_jsonl(tmp_path / "2.jsonl", records[1:]))  # imported later, older
    result = cli(db, "export", "--format", "spacy", "--split", 1, "-o", tmp_path / "x")
    assert "kept zed (latest correction by its _timestamp" in result.stderr, result.stderr


def test_a_tie_is_reported_as_a_tie(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", "--no-extract", write_jsonl(tmp_path / "ts.jsonl",
                                                   _ts_records(("zed", 1650000000), ("amy", 1650000000))))
    result = cli(db, "export", "--format", "spacy", "--split", 1, "-o", tmp_path / "x")
    assert "kept amy (a tie on the latest correction time: first by annotator name; no gold set)" in result.stderr
    assert "latest update" not in result.stderr


def test_a_set_edited_after_import_is_timed_by_its_edit(tmp_path):
    from annotator.core.model import Entity
    from annotator.core.store import Store

    db = tmp_path / "a.db"
    cli(db, "import", "--no-extract", write_jsonl(tmp_path / "ts.jsonl",
                                                   _ts_records(("zed", 1700000000), ("amy", 1600000000))))
    with Store(db) as store:  # amy corrects her set in annotator now: her time is now, not her old _timestamp
        doc_id = next(iter(store.iter_document_ids()))
        amy = store.annotation_set(doc_id, "amy")
        amy.entities.append(Entity(20, 24, "LOC"))
        store.replace_annotation_set(amy)
    result = cli(db, "export", "--format", "spacy", "--split", 1, "-o", tmp_path / "x")
    assert "kept amy (latest update; no gold set)" in result.stderr, result.stderr


# -- LOWs: #7 --annotator model, #8 entities all held out, #12 --eval-split too large ------------------------


def test_low_messages(tmp_path):
    from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Status
    from annotator.core.store import Store

    db = tmp_path / "a.db"
    with Store(db) as store:
        texts = ["It rained all day.", "The shop was closed.", "Nothing happened here.", "Maria Lopez sang."]
        for i, text in enumerate(texts):
            doc_id, _ = store.add_document(Document(text=text))
            entities = [Entity(0, 11, "PERSON")] if text.startswith("Maria") else []
            store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE,
                                                       entities=entities))
            if i == 0:
                store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR))
    model = cli(db, "train", "ner", "-o", tmp_path / "m0", "--annotator", "model", ok=False)
    one_line_error(model, "1 document(s) with a done set (or a model's set, which has no status) by model")
    messages = set()
    for seed in range(12):
        result = cli(db, "train", "ner", "-o", tmp_path / f"m{seed}", "--seed", seed, "--max-steps", 1,
                     "--base", "blank", ok=False)
        if result.returncode:  # the data summary line, then the one error line
            assert "Traceback" not in result.stderr and result.stderr.strip().splitlines()[-1].startswith("Error: ")
            messages.add(result.stderr.strip().splitlines()[-1])
    held = [m for m in messages if "held-out" in m]
    assert held and all("all 1 were in held-out documents" in m and "--seed" in m for m in held), messages
    assert not any("hold no entities to train on" in m for m in messages), messages


def test_eval_split_share_not_count_is_named(tmp_path):
    from annotator.core.store import Store
    from annotator.train.data import build_training_data

    db = tmp_path / "a.db"
    gadget_corpus(db, 9)
    with Store(db) as store:
        data = build_training_data(store, tmp_path / "t", eval_split=0.99)
    assert "--eval-split leaves no room for a separate dev set" in data.summary()
    with Store(db) as store:
        small = build_training_data(store, tmp_path / "t2", eval_split=0.2, annotators=None)
    assert "leaves no room" not in small.summary()


# -- LOW #10: a damaged --base names the base ---------------------------------------------------------------


@pytest.mark.slow
def test_a_damaged_base_is_named_in_one_line(tmp_path):
    import shutil

    db = tmp_path / "a.db"
    gadget_corpus(db, 4)
    good, bad = tmp_path / "m1", tmp_path / "mbad"
    cli(db, "train", "ner", "--base", "blank", "--output", good, "--max-steps", 2)
    shutil.copytree(good, bad)
    (bad / "ner" / "model").write_bytes((good / "ner" / "model").read_bytes()[:100])
    result = cli(db, "train", "ner", "--base", bad, "--output", tmp_path / "out", "--max-steps", 1, ok=False)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: cannot load base pipeline") and str(bad) in last and "damaged" in last, last
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


# -- LOW #11: a training export with nothing to export refuses in one line -------------------------------------


@pytest.mark.parametrize("fmt", ["spacy", "doccano", "conll", "iob"])
def test_a_training_export_of_nothing_is_refused(tmp_path, fmt):
    db = tmp_path / "a.db"
    gadget_corpus(db, 3)
    out = tmp_path / "cn"
    result = cli(db, "export", "--format", fmt, "--status", "new", "-o", out, ok=False)
    one_line_error(result, "nothing to export: no new set by any person")
    assert not out.exists()
