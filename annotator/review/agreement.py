"""Inter-annotator agreement over the store: entities, quotes and document tags, per label and overall, per
document and for the corpus, with documents ranked by disagreement.

What is measured (also printed by `annotator agreement --help`):
- Entities, pairwise precision / recall / F1, A taken as reference and B as prediction (F1 is symmetric):
  *exact* = same start, end and label; *overlap* = same label and at least one shared character, one-to-one.
  Counts are summed over documents before dividing (micro-average).
- Entities, Krippendorff's alpha (nominal), **character level**: every non-whitespace character of every
  document both (or more) annotators worked on is a unit; each annotator's value is the label of the entity
  covering it, or "O" (unlabelled). Whitespace is left out so the gaps between words do not inflate agreement.
  Per label: the same units with values "this label" / "anything else".
- Quotes: content match when overlap / union >= 0.5 (one-to-one, best first); P/R/F1 as for entities; on matched
  pairs, agreement of speaker (same resolved name, else overlapping speaker spans), cue (overlapping spans, or
  both absent) and type.
- Document tags: each (document, tag) is a yes/no judgement. Two annotators: Cohen's kappa; more: Fleiss'
  kappa over the documents all of them worked on. Per tag (over documents) and overall (over all
  document-tag pairs). Tags considered: the document tag set plus every tag someone used.
- Span tags (tags on entities and quotes): **percentage agreement on matched spans**, not kappa. For each pair
  of annotators, spans are matched as entities with the same boundaries (any label) and quotes matched as
  above; for every matched pair of spans and every tag at least one of the two gave it, the two agree when both
  gave it. Value = agreeing / such (span, tag) judgements, summed over pairs and documents; per tag and overall
  (ALL), separately for entity tags and quote tags. Tags neither gave a span are not counted (they would
  inflate agreement); spans only one annotator marked are not counted (that is entity / quote agreement).
- Rejected versions (Prodigy `answer: reject`, the window's "Mark rejected") are left out of every figure: a
  reject is a verdict on the document, not an annotation that found nothing (Prodigy's review recipe filters
  reject answers of manual tasks out; INCEpTION's curation and agreement take finished annotations). They are
  listed (`rejected`) and named in a warning, so nobody reads the figures as covering them.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import MODEL_ANNOTATOR, AnnotationSet, Entity, Status
from annotator.core.store import Store
from annotator.review.alignment import (
    cues_agree,
    match_entities,
    match_quotes,
    speakers_agree,
)
from annotator.review.kappa import NAN, KrippendorffAlpha, cohen_kappa, fleiss_kappa, is_defined
from annotator.review.versions import (
    COMPARED_STATUSES,
    default_annotators,
    documents_with_versions,
    load_versions,
    rejected_names,
)

ALL = "ALL"
UNLABELLED = "O"


@dataclass(slots=True)
class PRF:
    """Counts of one comparison: A's items matched by B (tp), B's unmatched (fp), A's unmatched (fn)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else NAN

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else NAN

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else NAN

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": _num(self.precision),
                "recall": _num(self.recall), "f1": _num(self.f1)}


@dataclass(slots=True)
class Ratio:
    agree: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.agree / self.total if self.total else NAN

    def add(self, other: Ratio) -> None:
        self.agree += other.agree
        self.total += other.total


def entity_prf(a: Sequence[Entity], b: Sequence[Entity], *, mode: str) -> dict[str, PRF]:
    """Per-label and overall (ALL) counts of B's entities against A's."""
    pairs = match_entities(a, b, mode=mode, same_label=True)
    result: dict[str, PRF] = defaultdict(PRF)
    matched_a = {i for i, _ in pairs}
    matched_b = {j for _, j in pairs}
    for i, _j in pairs:
        result[a[i].label].tp += 1
    for i, e in enumerate(a):
        if i not in matched_a:
            result[e.label].fn += 1
    for j, e in enumerate(b):
        if j not in matched_b:
            result[e.label].fp += 1
    total = PRF()
    for prf in result.values():
        total.add(prf)
    result[ALL] = total
    return dict(result)


@dataclass(slots=True)
class QuoteComparison:
    prf: PRF = field(default_factory=PRF)
    speaker: Ratio = field(default_factory=Ratio)
    cue: Ratio = field(default_factory=Ratio)
    type: Ratio = field(default_factory=Ratio)

    def add(self, other: QuoteComparison) -> None:
        self.prf.add(other.prf)
        self.speaker.add(other.speaker)
        self.cue.add(other.cue)
        self.type.add(other.type)


def compare_quotes(a: AnnotationSet, b: AnnotationSet) -> QuoteComparison:
    pairs = match_quotes(a.quotes, b.quotes)
    result = QuoteComparison(prf=PRF(tp=len(pairs), fn=len(a.quotes) - len(pairs), fp=len(b.quotes) - len(pairs)))
    for i, j in pairs:
        qa, qb = a.quotes[i], b.quotes[j]
        result.speaker.add(Ratio(int(speakers_agree(qa, qb)), 1))
        result.cue.add(Ratio(int(cues_agree(qa, qb)), 1))
        result.type.add(Ratio(int(qa.type == qb.type), 1))
    return result


SPAN_TAG_SCOPES = ("entity", "quote")


def compare_span_tags(a: AnnotationSet, b: AnnotationSet) -> dict[str, dict[str, Ratio]]:
    """Span-tag agreement of B with A on matched spans: scope ("entity" / "quote") -> tag (and ALL) -> Ratio."""
    from annotator.review.adjudication import entity_tags, quote_tags

    result: dict[str, dict[str, Ratio]] = {scope: defaultdict(Ratio) for scope in SPAN_TAG_SCOPES}
    tags_a, tags_b = entity_tags(a), entity_tags(b)
    pairs = [(tags_a[(a.entities[i].start, a.entities[i].end)], tags_b[(b.entities[j].start, b.entities[j].end)])
             for i, j in match_entities(a.entities, b.entities, mode="exact", same_label=False)]
    quote_pairs = [(quote_tags(a, a.quotes[i]), quote_tags(b, b.quotes[j])) for i, j in match_quotes(a.quotes, b.quotes)]
    for scope, matched in (("entity", pairs), ("quote", quote_pairs)):
        for ta, tb in matched:
            for tag in ta | tb:
                ratio = Ratio(int(tag in ta and tag in tb), 1)
                result[scope][tag].add(ratio)
                result[scope][ALL].add(ratio)
    return {scope: dict(per) for scope, per in result.items()}


def character_units(
    text: str, versions: Sequence[Sequence[Entity] | None]
) -> Counter[tuple[str | None, ...]]:
    """Character-level units of one document, compressed: value tuple (one label or "O" per annotator, None
    for an annotator without a version) -> number of non-whitespace characters carrying it."""
    cuts = {0, len(text)}
    covers = []
    for entities in versions:
        if entities is None:
            covers.append(None)
            continue
        ordered = sorted(entities, key=lambda e: (e.start, e.end))
        covers.append(([e.start for e in ordered], ordered))
        for e in ordered:
            cuts.add(max(0, min(e.start, len(text))))
            cuts.add(max(0, min(e.end, len(text))))
    bounds = sorted(cuts)
    nonspace = [0]
    for ch in text:
        nonspace.append(nonspace[-1] + (not ch.isspace()))
    units: Counter = Counter()
    for left, right in zip(bounds, bounds[1:]):
        weight = nonspace[right] - nonspace[left]
        if not weight:
            continue
        values: list[str | None] = []
        for cover in covers:
            if cover is None:
                values.append(None)
                continue
            starts, ordered = cover
            k = bisect.bisect_right(starts, left) - 1  # the entity starting last at or before `left`
            value = ordered[k].label if k >= 0 and ordered[k].end > left else UNLABELLED
            values.append(value)
        units[tuple(values)] += weight
    return units


def alpha_of(units: Mapping[tuple[str | None, ...], int], label: str | None = None) -> float:
    """Nominal alpha over compressed units; with `label`, binary alpha (label vs anything else)."""
    acc = KrippendorffAlpha()
    for values, weight in units.items():
        if label is not None:
            values = tuple(None if v is None else v == label for v in values)
        acc.add(values, weight)
    return acc.value()


@dataclass(slots=True)
class DocumentAgreement:
    doc_id: int
    title: str
    annotators: list[str]
    entity_f1: float
    entity_overlap_f1: float
    entity_alpha: float
    quote_f1: float
    speaker: float
    cue: float
    tags: float
    disagreements: int
    items: int
    span_tags: float = NAN
    """Span-tag percentage agreement on matched spans (entity and quote tags together)."""

    @property
    def sort_key(self) -> tuple:
        f1 = self.entity_f1 if is_defined(self.entity_f1) else 1.0
        return (-self.disagreements, f1, self.doc_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id, "title": self.title, "annotators": self.annotators,
            "entity_f1": _num(self.entity_f1), "entity_overlap_f1": _num(self.entity_overlap_f1),
            "entity_alpha": _num(self.entity_alpha), "quote_f1": _num(self.quote_f1), "speaker": _num(self.speaker),
            "cue": _num(self.cue), "tags": _num(self.tags), "span_tags": _num(self.span_tags),
            "disagreements": self.disagreements, "items": self.items,
        }


@dataclass(slots=True)
class AgreementReport:
    annotators: list[str]
    labels: list[str]
    documents: list[DocumentAgreement]
    entity_exact: dict[tuple[str, str], dict[str, PRF]]
    entity_overlap: dict[tuple[str, str], dict[str, PRF]]
    entity_alpha: dict[str, float]
    quotes: dict[tuple[str, str], QuoteComparison]
    tag_method: str
    tag_kappa: dict[str, float]
    tag_documents: int
    span_tags: dict[str, dict[str, Ratio]] = field(default_factory=dict)
    """Span-tag percentage agreement on matched spans: "entity" / "quote" -> tag (and ALL) -> Ratio."""
    rejected: list[tuple[int, str]] = field(default_factory=list)
    """(document id, annotator) of every rejected version left out of the comparison."""

    def warnings(self) -> list[str]:
        """Figures resting on too little data to read as agreement (issue 17): a kappa or alpha over one or two
        documents swings from -1 to 1 on a single judgement (one document, four tags: Cohen's κ = -0.25 when a
        single tag differs). Each line names the figure and how much data it rests on."""
        found = []
        if self.rejected:
            shown = ", ".join(f"document {d} ({n})" for d, n in self.rejected[:10])
            more = f" and {len(self.rejected) - 10} more" if len(self.rejected) > 10 else ""
            found.append(
                f"{len(self.rejected)} rejected version(s) left out of every figure (a reject is a verdict on the "
                f"document, not an annotation with nothing in it): {shown}{more}"
            )
        compared = len(self.documents)
        if 0 < compared < MIN_DOCUMENTS:
            found.append(
                f"entity and quote figures rest on {_documents(compared)} (fewer than {MIN_DOCUMENTS}): "
                "too little data to read them as the team's agreement"
            )
        if self.tag_documents < MIN_DOCUMENTS and any(is_defined(v) for v in self.tag_kappa.values()):
            kind = "Cohen's" if self.tag_method == "cohen" else "Fleiss'"
            found.append(
                f"document-tag {kind} kappa rests on {_documents(self.tag_documents)} (fewer than {MIN_DOCUMENTS}): "
                "too little data, a single judgement moves it a lot"
            )
        return found

    def as_dict(self) -> dict[str, Any]:
        def pairs(table):
            return [
                {"a": a, "b": b, "per_label": {label: prf.as_dict() for label, prf in per.items()}}
                for (a, b), per in table.items()
            ]

        return {
            "annotators": self.annotators,
            "definitions": {
                "entity_exact": "same start, end and label",
                "entity_overlap": "same label, at least one shared character, one-to-one",
                "entity_alpha": "nominal Krippendorff's alpha, character level (non-whitespace characters), "
                "unlabelled characters valued 'O'; per label: label vs anything else",
                "quote_match": "content overlap / union >= 0.5, one-to-one",
                "tag_kappa": "Cohen's kappa (two annotators) or Fleiss' kappa (more) over document x tag yes/no",
                "span_tags": "percentage agreement on matched spans (entities: same boundaries; quotes: as "
                "quote_match): both gave the tag / (span, tag) pairs at least one of the two gave, pairs summed",
            },
            "entities": {
                "exact": pairs(self.entity_exact),
                "overlap": pairs(self.entity_overlap),
                "alpha": {k: _num(v) for k, v in self.entity_alpha.items()},
            },
            "quotes": [
                {"a": a, "b": b, **q.prf.as_dict(), "speaker": _num(q.speaker.value), "cue": _num(q.cue.value),
                 "type": _num(q.type.value), "matched": q.speaker.total}
                for (a, b), q in self.quotes.items()
            ],
            "tags": {"method": self.tag_method, "documents": self.tag_documents,
                     "kappa": {k: _num(v) for k, v in self.tag_kappa.items()}},
            "span_tags": {
                scope: {tag: {"agree": r.agree, "total": r.total, "value": _num(r.value)} for tag, r in per.items()}
                for scope, per in self.span_tags.items()
            },
            "documents": [d.as_dict() for d in self.documents],
            "rejected": [{"doc_id": d, "annotator": n} for d, n in self.rejected],
            "warnings": self.warnings(),
        }

    def csv_rows(self) -> Iterable[dict[str, Any]]:
        """Flat rows (scope, measure, label, a, b, value, tp, fp, fn) for --csv."""
        for name, table in (("entity_exact", self.entity_exact), ("entity_overlap", self.entity_overlap)):
            for (a, b), per in table.items():
                for label, prf in per.items():
                    for metric in ("precision", "recall", "f1"):
                        yield {"scope": "corpus", "doc_id": "", "measure": f"{name}_{metric}", "label": label,
                               "a": a, "b": b, "value": _num(getattr(prf, metric)),
                               "tp": prf.tp, "fp": prf.fp, "fn": prf.fn}
        for label, value in self.entity_alpha.items():
            yield {"scope": "corpus", "doc_id": "", "measure": "entity_alpha", "label": label, "a": "", "b": "",
                   "value": _num(value), "tp": "", "fp": "", "fn": ""}
        for (a, b), q in self.quotes.items():
            for metric in ("precision", "recall", "f1"):
                yield {"scope": "corpus", "doc_id": "", "measure": f"quote_{metric}", "label": ALL, "a": a, "b": b,
                       "value": _num(getattr(q.prf, metric)), "tp": q.prf.tp, "fp": q.prf.fp, "fn": q.prf.fn}
            for metric in ("speaker", "cue", "type"):
                ratio = getattr(q, metric)
                yield {"scope": "corpus", "doc_id": "", "measure": f"quote_{metric}", "label": ALL, "a": a, "b": b,
                       "value": _num(ratio.value), "tp": ratio.agree, "fp": "", "fn": ratio.total - ratio.agree}
        for tag, value in self.tag_kappa.items():
            yield {"scope": "corpus", "doc_id": "", "measure": f"tag_{self.tag_method}_kappa", "label": tag,
                   "a": "", "b": "", "value": _num(value), "tp": "", "fp": "", "fn": ""}
        for scope, per in self.span_tags.items():
            for tag, ratio in per.items():
                yield {"scope": "corpus", "doc_id": "", "measure": f"{scope}_tag_agreement", "label": tag,
                       "a": "", "b": "", "value": _num(ratio.value), "tp": ratio.agree, "fp": "",
                       "fn": ratio.total - ratio.agree}
        for d in self.documents:
            for key, value in d.as_dict().items():
                if key in ("doc_id", "title", "annotators"):
                    continue
                yield {"scope": "document", "doc_id": d.doc_id, "measure": key, "label": ALL, "a": "", "b": "",
                       "value": value, "tp": "", "fp": "", "fn": ""}


MIN_DOCUMENTS = 10
"""Below this many documents, agreement figures are shown with a "too little data" warning (issue 17). Chance-
corrected coefficients over a handful of items have confidence intervals spanning most of [-1, 1]; ten documents
is the smallest sample common annotation guidelines (e.g. a pilot round) report agreement on."""


def _documents(count: int) -> str:
    return f"{count} document" + ("" if count == 1 else "s")


def _num(value: float) -> float | None:
    return round(value, 6) if is_defined(value) else None


def _mean(values: Iterable[float]) -> float:
    present = [v for v in values if is_defined(v)]
    return sum(present) / len(present) if present else NAN


def _filtered(aset: AnnotationSet, labels: set[str] | None) -> AnnotationSet:
    if labels is None:
        return aset
    copy = AnnotationSet(doc_id=aset.doc_id, annotator=aset.annotator, status=aset.status,
                         entities=[e for e in aset.entities if e.label in labels], quotes=aset.quotes, tags=aset.tags)
    return copy


def compute_agreement(
    store: Store,
    *,
    annotators: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    include_model: bool = False,
    doc_ids: Sequence[int] | None = None,
) -> AgreementReport:
    """Agreement of the annotators (default: every human annotator; `include_model` adds the model) on every
    document at least two of them worked on. Streams documents one at a time."""
    from annotator.review.adjudication import candidate_items

    names = list(annotators) if annotators else default_annotators(store, include_model=include_model)
    label_filter = set(labels) if labels else None
    pair_keys = list(itertools.combinations(names, 2))
    exact: dict[tuple[str, str], dict[str, PRF]] = {p: defaultdict(PRF) for p in pair_keys}
    overlap: dict[tuple[str, str], dict[str, PRF]] = {p: defaultdict(PRF) for p in pair_keys}
    quotes: dict[tuple[str, str], QuoteComparison] = {p: QuoteComparison() for p in pair_keys}
    corpus_units: Counter = Counter()
    tag_values: list[tuple[dict[str, set[str]], int]] = []  # (annotator -> document tags, doc id) per document
    span_tags: dict[str, dict[str, Ratio]] = {scope: defaultdict(Ratio) for scope in SPAN_TAG_SCOPES}
    documents: list[DocumentAgreement] = []
    seen_labels: set[str] = set()
    wanted = documents_with_versions(store, names, statuses=COMPARED_STATUSES) if names else []
    people = [n for n in names if n != MODEL_ANNOTATOR]  # the pre-extraction has no status to reject with
    with_rejects = documents_with_versions(store, people, minimum=1, statuses=[Status.REJECTED]) if people else []
    if doc_ids is not None:
        keep = set(doc_ids)
        wanted = [d for d in wanted if d in keep]
        with_rejects = [d for d in with_rejects if d in keep]
    rejected = [(d, n) for d in with_rejects for n in rejected_names(store, d, people)]
    for doc_id in wanted:
        versions = {n: _filtered(v, label_filter)
                    for n, v in load_versions(store, doc_id, names, statuses=COMPARED_STATUSES).items()}
        if len(versions) < 2:
            continue
        doc = store.document(doc_id)
        present = [n for n in names if n in versions]
        doc_exact, doc_overlap, doc_quote, doc_speaker, doc_cue = [], [], [], [], []
        doc_span_tags = Ratio()
        for a, b in itertools.combinations(present, 2):
            va, vb = versions[a], versions[b]
            pair_exact = entity_prf(va.entities, vb.entities, mode="exact")
            pair_overlap = entity_prf(va.entities, vb.entities, mode="overlap")
            for label, prf in pair_exact.items():
                exact[(a, b)][label].add(prf)
            for label, prf in pair_overlap.items():
                overlap[(a, b)][label].add(prf)
            doc_exact.append(pair_exact[ALL].f1)
            doc_overlap.append(pair_overlap[ALL].f1)
            q = compare_quotes(va, vb)
            quotes[(a, b)].add(q)
            doc_quote.append(q.prf.f1)
            doc_speaker.append(q.speaker.value)
            doc_cue.append(q.cue.value)
            for scope, per in compare_span_tags(va, vb).items():
                for tag, ratio in per.items():
                    span_tags[scope][tag].add(ratio)
                doc_span_tags.add(per.get(ALL, Ratio()))
        for v in versions.values():
            seen_labels.update(e.label for e in v.entities)
        units = character_units(doc.text, [versions[n].entities if n in versions else None for n in names])
        corpus_units.update(units)
        doc_tags = {n: set(versions[n].document_tags()) for n in present}
        tag_values.append((doc_tags, doc_id))
        all_tags = set().union(*doc_tags.values())
        tag_ratio = (
            sum(all(t in s for s in doc_tags.values()) for t in all_tags) / len(all_tags) if all_tags else NAN
        )
        items = candidate_items(versions)
        documents.append(
            DocumentAgreement(
                doc_id=doc_id, title=doc.title, annotators=present,
                entity_f1=_mean(doc_exact), entity_overlap_f1=_mean(doc_overlap), entity_alpha=alpha_of(units),
                quote_f1=_mean(doc_quote), speaker=_mean(doc_speaker), cue=_mean(doc_cue), tags=tag_ratio,
                disagreements=sum(not item.unanimous for item in items), items=len(items),
                span_tags=doc_span_tags.value,
            )
        )
    documents.sort(key=lambda d: d.sort_key)
    label_list = [lab for lab in store.labels() if lab in seen_labels] + sorted(seen_labels - set(store.labels()))
    entity_alpha = {ALL: alpha_of(corpus_units)}
    for label in label_list:
        entity_alpha[label] = alpha_of(corpus_units, label)
    method, kappas, tag_docs = _tag_kappas(names, tag_values, store.tag_set("document"))
    return AgreementReport(
        annotators=names, labels=label_list, documents=documents,
        entity_exact={p: _ordered(per, label_list) for p, per in exact.items()},
        entity_overlap={p: _ordered(per, label_list) for p, per in overlap.items()},
        entity_alpha=entity_alpha, quotes=quotes, tag_method=method, tag_kappa=kappas, tag_documents=tag_docs,
        span_tags={scope: _ordered_ratios(per) for scope, per in span_tags.items()},
        rejected=rejected,
    )


def _ordered_ratios(per: Mapping[str, Ratio]) -> dict[str, Ratio]:
    out = {ALL: per.get(ALL, Ratio())}
    for tag in sorted(t for t in per if t != ALL):
        out[tag] = per[tag]
    return out


def _ordered(per: Mapping[str, PRF], labels: Sequence[str]) -> dict[str, PRF]:
    out = {ALL: per.get(ALL, PRF())}
    for label in labels:
        if label in per:
            out[label] = per[label]
    return out


def _tag_kappas(
    names: Sequence[str], per_doc: Sequence[tuple[dict[str, set[str]], int]], tag_set: Sequence[str]
) -> tuple[str, dict[str, float], int]:
    method = "cohen" if len(names) == 2 else "fleiss"
    complete = [tags for tags, _doc in per_doc if all(n in tags for n in names)]
    used = set().union(*(s for tags in complete for s in tags.values())) if complete else set()
    tags = sorted(set(tag_set) | used)
    result: dict[str, float] = {}
    if len(names) < 2 or not complete:
        return method, {ALL: NAN}, len(complete)

    def kappa(judgements: list[tuple[bool, ...]]) -> float:
        if method == "cohen":
            return cohen_kappa([j[0] for j in judgements], [j[1] for j in judgements])
        return fleiss_kappa([Counter(j) for j in judgements])

    pooled: list[tuple[bool, ...]] = []
    per_tag: dict[str, list[tuple[bool, ...]]] = {}
    for tag in tags:
        judgements = [tuple(tag in doc[n] for n in names) for doc in complete]
        per_tag[tag] = judgements
        pooled.extend(judgements)
    result[ALL] = kappa(pooled)
    for tag in tags:
        result[tag] = kappa(per_tag[tag])
    return method, result, len(complete)
