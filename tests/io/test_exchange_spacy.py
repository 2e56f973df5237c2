"""spaCy DocBin export: seeds pre-annotated by the real extractor, exported with a train/dev split, loaded
back with quotes intact, and trained on for a few steps with `python -m spacy train`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import AnnotationSet, Document, Entity, Quote, Status, Tag, TargetKind, TextRange
from annotator.io.exporter import ExportOptions, export
from annotator.io.spacy_docbin import quotes_of

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def seed_extractions():
    from annotator.extract.pipeline import Extractor

    paragraphs = [p.strip() for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")
                  if len(p.strip()) > 80]
    return list(zip(paragraphs, Extractor().extract(paragraphs)))


def fill(store, seed_extractions):
    for text, found in seed_extractions:
        doc_id, _ = store.add_document(Document(text=text))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE,
                                                   entities=found.entities, quotes=found.quotes,
                                                   tags=[Tag("opinion")] if len(text) % 2 else []))


@pytest.mark.slow
def test_seeds_export_load_and_train(store, tmp_path, seed_extractions):
    import spacy
    from spacy.tokens import DocBin

    fill(store, seed_extractions)
    assert sum(len(found.quotes) for _, found in seed_extractions) > 5
    out = tmp_path / "corpus"
    report = export(store, ExportOptions(format="spacy", output=out, split=0.7, seed=3))
    assert report.by_split.get("train") and report.by_split.get("dev")
    nlp = spacy.blank("en")
    docs = [*DocBin().from_disk(out / "train.spacy").get_docs(nlp.vocab),
            *DocBin().from_disk(out / "dev.spacy").get_docs(nlp.vocab)]
    assert len(docs) == report.records
    by_text = {text: found for text, found in seed_extractions}
    written = 0
    for doc in docs:
        found = by_text[doc.text]
        loaded = quotes_of(doc)
        expected = [(q.start, q.end, q.type.value, q.speaker and (q.speaker.start, q.speaker.end),
                     q.cue and (q.cue.start, q.cue.end)) for q in sorted(found.quotes, key=lambda q: (q.start, q.end))]
        got = [(q["start"], q["end"], q["type"], q["speaker"], q["cue"]) for q in loaded]
        if not report.issues.misaligned:
            assert got == expected
        written += len(got)
        assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} <= {(e.start, e.end, e.label) for e in found.entities}
        assert doc.cats == ({"opinion": 1.0} if len(doc.text) % 2 else {})  # only decided tags
    assert written + sum("quote" in m for m in report.issues.misaligned) == sum(len(f.quotes) for f in by_text.values())
    config = tmp_path / "config.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "en", "--pipeline", "ner",
                    "--force"], check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output", str(tmp_path / "model"),
         "--paths.train", str(out / "train.spacy"), "--paths.dev", str(out / "dev.spacy"),
         "--training.max_steps", "5", "--training.eval_frequency", "2", "--nlp.batch_size", "8"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout[-2000:]
    assert (tmp_path / "model" / "model-last").is_dir()


def test_misaligned_spans_are_reported_with_doc_and_offsets(store, tmp_path):
    text = "Mr. Smithson said it rains."
    doc_id, _ = store.add_document(Document(text=text))
    store.replace_annotation_set(AnnotationSet(
        doc_id=doc_id, annotator="bob", status=Status.DONE,
        entities=[Entity(4, 9, "PERSON"), Entity(0, 3, "PERSON")],
        quotes=[Quote(18, 26, speaker=TextRange(4, 12), cue=TextRange(13, 17))],
        tags=[Tag("x", TargetKind.QUOTE, 0)],
    ))
    report = export(store, ExportOptions(format="spacy", output=tmp_path / "c", split=1.0))
    assert len(report.issues.misaligned) == 1
    assert f"document {doc_id}" in report.issues.misaligned[0] and "4-9" in report.issues.misaligned[0]
    import spacy
    from spacy.tokens import DocBin

    (doc,) = DocBin().from_disk(tmp_path / "c" / "train.spacy").get_docs(spacy.blank("en").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("Mr.", "PERSON")]
    assert quotes_of(doc) == [{"start": 18, "end": 26, "type": "direct", "speaker": (4, 12), "cue": (13, 17),
                               "speaker_name": None, "tags": ["x"]}]
    expanded = export(store, ExportOptions(format="spacy", output=tmp_path / "e", split=1.0, align="expand"))
    assert "expanded to 4-12" in expanded.issues.misaligned[0]
