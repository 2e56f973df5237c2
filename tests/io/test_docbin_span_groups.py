"""The spaCy export's span groups hold what their names say: `sc` (spancat's default key) only when a set has
overlapping spans, never the quotes' speakers or cues (a loop variable once put the cues there)."""

from __future__ import annotations

import spacy

from annotator.core.model import AnnotationSet, Document, Entity, Quote, QuoteType, Status, TextRange
from annotator.io.records import ExportIssues
from annotator.io.spacy_docbin import doc_from_set

TEXT = 'Ann Lee said: "We will win." Bob agreed in Paris.'


def test_quotes_with_speaker_and_cue_put_nothing_in_the_spancat_group():
    nlp = spacy.blank("en")
    quote = Quote(14, 27, QuoteType.DIRECT, speaker=TextRange(0, 7), cue=TextRange(8, 12))
    aset = AnnotationSet(doc_id=1, annotator="ann", status=Status.DONE,
                         entities=[Entity(0, 7, "PERSON"), Entity(43, 48, "GPE")], quotes=[quote])
    doc = doc_from_set(nlp, Document(text=TEXT, id=1), aset, issues=ExportIssues())
    assert "sc" not in doc.spans
    assert [s.text for s in doc.spans["speakers"]] == ["Ann Lee"]
    assert [s.text for s in doc.spans["cues"]] == ["said"]
    assert [(e.text, e.label_) for e in doc.ents] == [("Ann Lee", "PERSON"), ("Paris", "GPE")]
