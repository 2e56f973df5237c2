"""Helpers to build annotators' versions directly in a store."""

from __future__ import annotations

import pytest

from annotator.core.model import AnnotationSet, Document, Entity, Quote, QuoteType, Status, Tag, TargetKind, TextRange


def put_version(store, doc_id, annotator, *, entities=(), quotes=(), tags=(), span_tags=(), status=Status.DONE):
    """Write one annotator's whole set: entities as (start, end, label), quotes as Quote, document tags as names,
    span tags as ("entity" | "quote", index in entities / quotes, name)."""
    kinds = {"entity": TargetKind.ENTITY, "quote": TargetKind.QUOTE}
    return store.replace_annotation_set(
        AnnotationSet(
            doc_id=doc_id,
            annotator=annotator,
            status=status,
            entities=[Entity(s, e, label) for s, e, label in entities],
            quotes=list(quotes),
            tags=[Tag(t) for t in tags] + [Tag(name, kinds[kind], index) for kind, index, name in span_tags],
        )
    )


def quote(start, end, *, speaker=None, name=None, cue=None, type=QuoteType.DIRECT):
    return Quote(
        start=start,
        end=end,
        type=type,
        speaker=TextRange(*speaker) if speaker else None,
        speaker_name=name,
        cue=TextRange(*cue) if cue else None,
    )


@pytest.fixture
def add_doc(store):
    def add(text, title=""):
        doc_id, _ = store.add_document(Document(text=text, title=title))
        return doc_id

    return add
