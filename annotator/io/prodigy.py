"""Prodigy task JSONL out: entities as `spans`, quotes as QUOTE / SPEAKER / CUE spans joined by relations.

Relations follow explosion/projects `rel_component`: `head` and `child` are the `token_end` of each span, with
`head_span` / `child_span` carrying the spans. A quote relation goes from the QUOTE span (head) to its SPEAKER or
CUE span (child) with the label SPEAKER or CUE; the QUOTE span carries `quote_type` and `speaker_name`.
Tokens come from the record (a file imported from Prodigy keeps its own) or from spaCy's blank English tokenizer,
loaded lazily. Reading Prodigy files is `records.parse_prodigy_record`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from annotator.core.model import AnnotationSet, Document, QuoteType
from annotator.io.quote_coverage import quotes_annotated
from annotator.io.records import (
    CUE_LABEL,
    IMPORT_KEY,
    mark_unjudged_record,
    QUOTE_LABEL,
    SPEAKER_LABEL,
    ExportIssues,
    base_record,
    entity_span,
    overlapping_spans,
    place_overlaps,
    refresh_relations,
    tag_lists,
)


@lru_cache(maxsize=4)
def blank_nlp(lang: str = "en"):
    import spacy  # lazy: spaCy is only needed when a record has no tokens of its own

    return spacy.blank(lang)


def spacy_tokens(text: str, lang: str = "en") -> list[dict[str, Any]]:
    """Prodigy-style tokens from spaCy's blank tokenizer (whitespace-only tokens are disabled, like Prodigy)."""
    doc = blank_nlp(lang).make_doc(text)
    tokens = []
    for token in doc:
        item = {"text": token.text, "start": token.idx, "end": token.idx + len(token.text), "id": token.i,
                "ws": bool(token.whitespace_)}
        if token.is_space:
            item["disabled"] = True
        tokens.append(item)
    return tokens


class TokenAligner:
    """Maps character offsets to token ids; a span that does not start and end on token boundaries is
    expanded to the tokens it touches and reported."""

    def __init__(self, tokens: list[dict[str, Any]]):
        self.tokens = tokens
        self.ids = [t.get("id", i) for i, t in enumerate(tokens)]
        self.starts = {t["start"]: self.ids[i] for i, t in enumerate(tokens)}
        self.ends = {t["end"]: self.ids[i] for i, t in enumerate(tokens)}

    def align(self, start: int, end: int) -> tuple[int, int, bool]:
        """(token_start, token_end inclusive, exact)."""
        if start in self.starts and end in self.ends:
            return self.starts[start], self.ends[end], True
        first = last = None
        for i, token in enumerate(self.tokens):
            if token["end"] > start and token["start"] < end:
                first = self.ids[i] if first is None else first
                last = self.ids[i]
        if first is None:  # between tokens (whitespace only): nearest token
            first = last = self.ids[min(range(len(self.tokens)), key=lambda i: abs(self.tokens[i]["start"] - start))] if self.tokens else 0
        return first, last, False


def prodigy_record(
    doc: Document,
    aset: AnnotationSet,
    *,
    labels: set[str] | None = None,
    issues: ExportIssues | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """One Prodigy task for one (document, annotator)."""
    record = base_record(doc, aset, answer_always=False)
    marker = aset.extra.get(IMPORT_KEY) or {}
    tokens = record.get("tokens")
    if not isinstance(tokens, list):
        tokens = record["tokens"] = spacy_tokens(doc.text, lang)
    aligner = TokenAligner(tokens)
    where = f"document {doc.id} ({aset.annotator})"
    doc_tags, entity_tags, quote_tags = tag_lists(aset)

    def with_tokens(span: dict[str, Any], what: str) -> dict[str, Any]:
        first, last, exact = aligner.align(span["start"], span["end"])
        if not exact and issues is not None:
            issues.misaligned_span(doc.id, aset.annotator, span["start"], span["end"], what,
                                   f"written with the tokens it touches ({first}-{last})")
        span["token_start"], span["token_end"] = first, last
        return span

    spans = []
    for i, entity in enumerate(aset.entities):
        if labels is not None and entity.label not in labels:
            continue
        spans.append(with_tokens(entity_span(doc.text, entity, entity_tags.get(i, []), with_text=False),
                                 f"{entity.label} entity"))
    relations = refresh_relations(aset.extra.get("relations", []), spans, where, issues,
                                  overlaps=overlapping_spans(aset))
    part_spans: dict[tuple[int, int, str], dict[str, Any]] = {}
    for i, quote in enumerate(aset.quotes):
        extra = {k: v for k, v in quote.extra.items()
                 if k not in {"speaker_span", "cue_span", "speaker_relation", "cue_relation"}}
        head = with_tokens(
            {**extra, "start": quote.start, "end": quote.end, "label": QUOTE_LABEL,
             "quote_type": QuoteType(quote.type).value, "speaker_name": quote.speaker_name}, "quote")
        if "text" in extra:
            head["text"] = doc.text[quote.start : quote.end]
        if quote_tags.get(i):
            head["tags"] = quote_tags[i]
        spans.append(head)
        for kind, rng, label in (("speaker", quote.speaker, SPEAKER_LABEL), ("cue", quote.cue, CUE_LABEL)):
            if rng is None:
                continue
            key = (rng.start, rng.end, label)
            if key not in part_spans:
                part = {**quote.extra.get(f"{kind}_span", {}), "start": rng.start, "end": rng.end, "label": label}
                if "text" in part:
                    part["text"] = doc.text[rng.start : rng.end]
                part_spans[key] = with_tokens(part, kind)
                spans.append(part_spans[key])
            child = part_spans[key]
            relations.append({
                **quote.extra.get(f"{kind}_relation", {}),
                "head": head["token_end"], "child": child["token_end"], "label": label,
                "head_span": {k: v for k, v in head.items() if k != "tags"},
                "child_span": dict(child),
            })
    spans = place_overlaps(record, aset, spans)  # spans_manual overlaps as they came, others apart (s4 M1)
    if spans or "spans" in marker.get("had", ["spans"]):
        record["spans"] = spans
    if relations or "relations" in aset.extra or "relations" in marker.get("had", []):
        record["relations"] = relations
    if doc_tags or "tags" in marker.get("had", []):
        record["tags"] = doc_tags
    if doc_tags and "accept" not in record and "cats" not in record and choice_is_safe(aset):
        # Prodigy reads document categories from a choice answer (`options` + `accept`, what textcat.manual
        # saves; data-to-spacy trains textcat from it), not from annotator's `tags` (attack 12b #12)
        record["options"] = [{"id": tag, "text": tag} for tag in doc_tags]
        record["accept"] = list(doc_tags)
    mark_unjudged_record(record, aset)  # entities never annotated, said when nothing else in the record does
    if not aset.quotes and quotes_annotated(aset):
        record["quotes"] = []  # "no quote here", judged: Prodigy keeps the field; absent = never judged (v4 H3)
    return record


def choice_is_safe(aset: AnnotationSet) -> bool:
    """Whether the set's document tags can also go out as a Prodigy choice answer: it has spans (so a re-import
    reads it as a NER annotation again), or its entities were never judged (a classification record, which a
    choice answer is). A person's finished set without spans would come back as "categories only", its tokens
    missing instead of O (records.categories_or_relations_only): its tags stay in `tags` alone."""
    from annotator.io.training_version import entities_unjudged

    return bool(aset.entities or aset.quotes) or entities_unjudged(aset) is not None
