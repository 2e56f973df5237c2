"""The JSONL export's fast path (records built straight from rows) gives exactly the records of the general
path (`record_from_set` over `iter_sets`): same keys in the same order, same values, same bytes."""

from __future__ import annotations

import random

import pytest

from annotator.core.model import AnnotationSet, Document, Entity, Quote, QuoteType, Status, Tag, TargetKind, TextRange
from annotator.core.store import Store
from annotator.io import exporter
from annotator.io.records import ExportIssues, record_from_set

WORDS = ["é", "Paris", "said", "\u2028x", "the", "Ünïcode", "Kabul", "😀"]


def random_set(rng: random.Random, doc_id: int, text: str, who: str) -> AnnotationSet:
    entities, position = [], 0
    while position < len(text) - 10 and len(entities) < 6:
        start = position + rng.randint(0, 8)
        end = start + rng.randint(1, 5)
        entities.append(Entity(start, end, rng.choice(["ORG", "PER", "GPE"]), extra={"k": 1} if rng.random() < 0.05 else {}))
        position = end + 1
    rng.shuffle(entities)
    quotes = []
    for _ in range(rng.randint(0, 3)):
        start = rng.randint(0, 50)
        end = start + rng.randint(1, 40)
        quotes.append(Quote(start, end, type=rng.choice(list(QuoteType)),
                            speaker=TextRange(end + 1, end + 3) if rng.random() < 0.6 else None,
                            cue=TextRange(end + 4, end + 6) if rng.random() < 0.5 else None,
                            speaker_name=rng.choice([None, "Ann"]), extra={"z": [1]} if rng.random() < 0.05 else {}))
    tags = []
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice(list(TargetKind))
        if kind is TargetKind.DOCUMENT:
            tags.append(Tag(rng.choice(["b", "a"]), kind))
        elif kind is TargetKind.ENTITY and entities:
            tags.append(Tag(rng.choice(["x", "w"]), kind, rng.randrange(len(entities))))
        elif kind is TargetKind.QUOTE and quotes:
            tags.append(Tag(rng.choice(["x", "w"]), kind, rng.randrange(len(quotes))))
    return AnnotationSet(doc_id=doc_id, annotator=who, status=rng.choice(list(Status)), entities=entities,
                         quotes=quotes, tags=tags, extra=rng.choice([{}, {}, {"_task_hash": 5, "keep": "me"}]))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("fast") / "x.db"
    rng = random.Random(3)
    with Store(path) as store, store.transaction():
        for i in range(120):
            text = " ".join(rng.choice(WORDS) for _ in range(40)) + str(i)
            doc_id, _ = store.add_document(Document(text=text, meta={"i": i}))
            for who in ("alice", "bob", "model"):
                if rng.random() < 0.8:
                    store.replace_annotation_set(random_set(rng, doc_id, text, who))
    return path


@pytest.mark.parametrize("labels", [None, {"ORG", "PER"}])
@pytest.mark.parametrize("everyone", [False, True])
def test_fast_path_equals_the_general_path(corpus, labels, everyone):
    with Store(corpus, readonly=True) as store:
        ids = exporter.selected_annotator_ids(store, ["alice", "bob", "model"] if everyone else None)
        for statuses in (exporter.DEFAULT_STATUSES, list(Status)):
            general = [(d.id, d.hash, record_from_set(d, a, labels=labels, issues=ExportIssues()))
                       for d, a in exporter.iter_sets(store, ids, statuses, batch=7)]
            fast = list(exporter.iter_jsonl_records(store, ids, statuses, batch=7, labels=labels, issues=ExportIssues()))
            assert len(general) > 30
            assert [(i, h, list(r)) for i, h, r in fast] == [(i, h, list(r)) for i, h, r in general]
            assert [exporter._ENCODE(r) for *_, r in fast] == [exporter._ENCODE(r) for *_, r in general]
