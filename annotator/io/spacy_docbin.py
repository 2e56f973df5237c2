"""spaCy DocBin out (training data for `python -m spacy train`). spaCy is imported only when this runs.

Layout of each Doc (all of it survives DocBin):
- `doc.ents`: the entities; tokens under an entity that does not align with them are marked *missing* (as
  `spacy.training.offsets_to_biluo_tags` gives "-"), so training neither learns them as entities nor as "O";
  in a set made from Prodigy binary answers (`extra["binary_tasks"]`) every token outside an accepted entity is
  missing, so a rejected suggestion is never taught as "O";
- `doc.spans["sc"]` (only for a set with overlapping spans, e.g. Prodigy `spans_manual`): every span, the
  entities and the overlapping ones (which are not in `doc.ents`, and are listed; their tokens missing for NER);
- an entity made of discontinuous pieces (brat `T1 ORG 0 5;12 16`) is left out of `doc.ents`, its tokens
  missing, and listed;
- `doc.spans["quotes"]`: quote contents, label = quote type (direct / indirect / mixed), span id `q<i>`;
- `doc.spans["speakers"]`, `doc.spans["cues"]`: one span per quote that has one, label SPEAKER / CUE, with the
  SAME span id `q<i>` as its quote (`span.id_`), so a quote's speaker is the speaker span with its id; these three
  groups exist only when the set's source annotated quotes (`io/quote_coverage.py`: not for Prodigy NER or
  binary tasks, Label Studio, CoNLL, category-only imports), where an empty group would teach "no quote here";
- tokens of web boilerplate lines (`core.boilerplate`: navigation, share, "READ MORE:" and caption lines, which
  are dimmed, never pre-annotated and not asked of anyone) are *missing*, not O, except inside a kept entity;
  their ranges are in `doc.user_data["annotator"]["boilerplate"]`;
- `doc.cats`: only what the annotator decided: each document tag they gave, at 1.0. A tag they did not give is
  left out of `doc.cats` (not 0.0): annotator has no "no" for a tag, and spaCy's textcat treats a label absent
  from `doc.cats` as missing (no loss), where 0.0 would teach "not this tag";
- `doc.user_data["annotator"]`: {"annotator", "status", "doc_id", "meta", "quotes": [{"id", "speaker_name",
  "tags"}], "entity_tags": [[start, end, [tags]]]} (DocBin is written with `store_user_data=True`).
A span that does not align with the tokens (`doc.char_span` -> None) is reported, never silently dropped; with
`align="expand"` it is widened to the tokens it touches (and still reported). In strict mode a left-out entity's
tokens are missing in the NER annotation, never "O".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.core.boilerplate import boilerplate_ranges
from annotator.core.files import StagedFiles, resolve_write_folder
from annotator.core.names import scheme_problem
from annotator.core.model import AnnotationSet, Document, QuoteType, Status
from annotator.io.records import ExportIssues, overlapping_spans, tag_lists
from annotator.io.quote_coverage import quotes_annotated

QUOTES_KEY, SPEAKERS_KEY, CUES_KEY = "quotes", "speakers", "cues"
SPANCAT_KEY = "sc"
"""spaCy's spancat default `spans_key`: a set with overlapping spans (Prodigy `spans_manual`, nested brat spans)
puts every span here, the entities and the overlapping ones, as Prodigy's `data-to-spacy` does for spans."""
USER_DATA_KEY = "annotator"


def quote_span_id(index: int) -> str:
    return f"q{index}"


class DocBinWriter:
    """Writes Docs to `<folder>/<split>.spacy`, or to shards `<folder>/<split>/NNNN.spacy` (a folder spaCy's
    corpus reader walks) when `shard_docs` is set, so memory stays bounded on large exports."""

    def __init__(self, folder: Path, *, lang: str = "en", align: str = "strict", shard_docs: int | None = None,
                 protected: tuple[Path, ...] = ()):
        import spacy
        from spacy.tokens import DocBin

        self._DocBin = DocBin
        self.folder = Path(folder)
        resolve_write_folder(self.folder, protected=protected)
        # every file is staged beside its target; close() renames them all at once, or none on a failure
        self.staged = StagedFiles(protected=protected)
        self.nlp = spacy.blank(lang)
        self.align = align
        self.shard_docs = shard_docs
        self.bins: dict[str, Any] = {}
        self.counts: dict[str, int] = {}
        self.shards: dict[str, int] = {}
        self.files: list[Path] = []

    def add(self, split: str, document: Document, aset: AnnotationSet, *, labels: set[str] | None,
            issues: ExportIssues) -> None:
        doc = doc_from_set(self.nlp, document, aset, align=self.align, labels=labels, issues=issues)
        if split not in self.bins:
            self.bins[split] = self._DocBin(store_user_data=True)
            self.counts[split] = 0
        self.bins[split].add(doc)
        self.counts[split] += 1
        if self.shard_docs and len(self.bins[split]) >= self.shard_docs:
            self._flush(split)

    def _flush(self, split: str) -> None:
        bin_ = self.bins[split]
        if self.shard_docs:
            number = self.shards.get(split, 0)
            path = self.folder / split / f"{number:04d}.spacy"
            self.shards[split] = number + 1
        else:
            path = self.folder / f"{split}.spacy"
        self.staged.stage_bytes(path, bin_.to_bytes())  # renamed at close (spaCy's to_disk writes in place)
        self.files.append(path)
        self.bins[split] = self._DocBin(store_user_data=True)

    def close(self, splits: tuple[str, ...] = ("train", "dev")) -> list[Path]:
        for split in splits:
            if split not in self.bins:
                self.bins[split] = self._DocBin(store_user_data=True)
                self.counts[split] = 0
        for split, bin_ in self.bins.items():
            if len(bin_) or not self.shard_docs or not self.shards.get(split):
                self._flush(split)
        self.staged.commit()
        return self.files


    def discard(self) -> None:
        self.staged.discard()  # temporaries only: files already there are unchanged
        self.files.clear()


def doc_from_set(nlp, document: Document, aset: AnnotationSet, *, align: str = "strict",
                 labels: set[str] | None = None, issues: ExportIssues | None = None):
    """A spaCy Doc holding one annotator's entities, quotes (with speakers and cues) and tags."""
    doc = nlp.make_doc(document.text)
    mode = "expand" if align == "expand" else "strict"
    issues = issues if issues is not None else ExportIssues()
    doc_tags, entity_tags, quote_tags = tag_lists(aset)
    unsure = _UnsureChars()

    def span(start: int, end: int, label: str, what: str, span_id: str | None = None):
        found = doc.char_span(start, end, label=label, alignment_mode=mode, span_id=span_id or 0)
        if found is None or len(found) == 0:
            fate = "left out of the DocBin"
            if what.endswith(" entity"):
                fate = "left out of the DocBin, its tokens marked missing (neither entity nor O)"
                unsure.add_span(start, end)
            issues.misaligned_span(document.id, aset.annotator, start, end, what, fate)
            return None
        if (found.start_char, found.end_char) != (start, end) and not what.endswith(" entity"):
            issues.misaligned_span(document.id, aset.annotator, start, end, what,
                                   f"expanded to {found.start_char}-{found.end_char}")
        return found

    ents = []
    for entity in aset.entities:
        if labels is not None and entity.label not in labels:
            continue
        fragments = entity.extra.get("fragments")
        if fragments:  # a discontinuous span (brat): its covering span holds words that are not the entity
            issues.left_out.append(
                f"document {document.id} ({aset.annotator}): discontinuous {entity.label} entity "
                f"{'; '.join(f'{a}-{b}' for a, b in fragments)}: left out of doc.ents, its tokens missing "
                "(NER holds continuous spans only)")
            unsure.add_span(entity.start, entity.end)
            continue
        if problem := scheme_problem(entity.label):  # stored before import refused such labels
            issues.left_out_span(document.id, aset.annotator, entity.start, entity.end, f"{entity.label} entity",
                                 f"left out, its tokens marked missing: the label {problem}")
            unsure.add_span(entity.start, entity.end)
            continue
        found = span(entity.start, entity.end, entity.label, f"{entity.label} entity")
        if found is not None:
            ents.append((entity, found))
    overlap_group = []  # spancat's span group: every span, overlapping ones too (Prodigy's spans_manual)
    for extra_span in overlapping_spans(aset):
        start, end, label = extra_span.get("start"), extra_span.get("end"), extra_span.get("label")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)) or (
                labels is not None and label not in labels):
            continue
        if isinstance(extra_span.get("brat"), dict) and extra_span["brat"].get("fragments"):
            issues.left_out.append(
                f"document {document.id} ({aset.annotator}): discontinuous {label} span {start}-{end} overlaps an "
                "entity: left out (spaCy spans are continuous), its tokens missing for NER")
            unsure.add_span(start, end)
            continue
        found = span(start, end, label, f"{label} span (overlapping)")
        if found is not None:
            overlap_group.append(found)
            unsure.add_span(start, end)
    kept = []
    for entity, found in ents:
        clashes = [other for other, wide in ents if other is not entity and wide.start < found.end
                   and found.start < wide.end]
        what = f"{entity.label} entity"
        if clashes:  # widened onto the same tokens as another entity: no label is picked, the tokens are missing
            others = ", ".join(f"{o.label} {o.start}-{o.end}" for o in clashes)
            issues.misaligned_span(document.id, aset.annotator, entity.start, entity.end, what,
                                   f"expanded to {found.start_char}-{found.end_char}, it shares tokens with {others}: "
                                   "left out, its tokens marked missing (no label is picked)")
            unsure.add_span(found.start_char, found.end_char)
            continue
        if (found.start_char, found.end_char) != (entity.start, entity.end):
            issues.misaligned_span(document.id, aset.annotator, entity.start, entity.end, what,
                                   f"expanded to {found.start_char}-{found.end_char}")
        kept.append(found)
    for found in overlap_group:  # said once doc.ents is known: which of its tokens an entity holds (attack 12b #11)
        holders = [f"{ent.label_} {ent.start_char}-{ent.end_char}" for ent in kept
                   if ent.start < found.end and found.start < ent.end]
        covered = sum(1 for i in range(found.start, found.end) if any(ent.start <= i < ent.end for ent in kept))
        fate = ("its tokens are all inside the entity " + ", ".join(holders) + " of doc.ents"
                if covered == len(found) else
                f"its tokens outside {', '.join(holders)} marked missing for NER" if holders else
                "its tokens marked missing for NER")
        issues.left_out.append(
            f"document {document.id} ({aset.annotator}): {found.label_} span {found.start_char}-{found.end_char} "
            f"overlaps an entity: in doc.spans[{SPANCAT_KEY!r}], not doc.ents (NER holds no overlaps); {fate}")
    # Boilerplate lines (navigation, share, "READ MORE:", captions) are dimmed, never pre-annotated, and nobody is
    # asked to annotate them: their tokens are missing (unknown), not O, unless inside an entity someone kept.
    skipped_lines = document.boilerplate if document.boilerplate is not None else boilerplate_ranges(document.text)
    for start, end in skipped_lines:
        unsure.add_span(start, end)
    # issue 12: binary answers (accept/reject per suggestion) say nothing of the other tokens: missing, not O
    # and a set whose source annotated only categories or relations never judged entities (io/training_version.py)
    from annotator.io.training_version import entities_unjudged

    default = "missing" if entities_unjudged(aset) else "outside"
    set_entities(doc, kept, unsure.token_indices(doc), default=default)
    quotes, speakers, cues, quote_info = [], [], [], []
    for i, quote in enumerate(aset.quotes):
        sid = quote_span_id(i)
        found = span(quote.start, quote.end, QuoteType(quote.type).value, "quote", sid)
        if found is None:
            for rng, what in ((quote.speaker, "speaker of a left-out quote"), (quote.cue, "cue of a left-out quote")):
                if rng is not None:
                    issues.misaligned_span(document.id, aset.annotator, rng.start, rng.end, what, "left out")
            continue
        quotes.append(found)
        quote_info.append({"id": sid, "speaker_name": quote.speaker_name, "tags": quote_tags.get(i, [])})
        for rng, group, label in ((quote.speaker, speakers, "SPEAKER"), (quote.cue, cues, "CUE")):
            if rng is not None:
                part = span(rng.start, rng.end, label, label.lower(), sid)
                if part is not None:
                    group.append(part)
    if overlap_group:
        doc.spans[SPANCAT_KEY] = sorted([*kept, *overlap_group], key=lambda sp: (sp.start, sp.end, sp.label_))
    if quotes_annotated(aset):  # else no quotes group: unknown, not "no quote here" (io/quote_coverage.py)
        doc.spans[QUOTES_KEY] = quotes
        doc.spans[SPEAKERS_KEY] = speakers
        doc.spans[CUES_KEY] = cues
    # Only decided tags: an absent tag is unknown (missing for textcat), not 0.0; an explicit "no" (a rejected
    # textcat.teach label, a cats score of 0) is 0.0, as Prodigy's data-to-spacy writes it.
    from annotator.io.prodigy_answers import rejected_labels

    doc.cats = {**{name: 0.0 for name in rejected_labels(aset) if name not in doc_tags},
                **{name: 1.0 for name in doc_tags}}
    doc.user_data[USER_DATA_KEY] = {
        "annotator": aset.annotator,
        "status": Status(aset.status).value,
        "doc_id": document.id,
        "meta": document.meta,
        "quotes": quote_info,
        "entity_tags": [[e.start, e.end, entity_tags[i]] for i, e in enumerate(aset.entities) if i in entity_tags],
        "boilerplate": [[int(a), int(b)] for a, b in skipped_lines],
    }
    return doc


class _UnsureChars:
    """Character ranges of entities left out of `doc.ents`: the tokens they touch become missing NER values."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []

    def add_span(self, start: int, end: int) -> None:
        self.ranges.append((start, end))

    def token_indices(self, doc) -> set[int]:
        indices: set[int] = set()
        for start, end in self.ranges:
            touched = doc.char_span(start, end, alignment_mode="expand")
            if touched is not None:
                indices.update(range(touched.start, touched.end))
        return indices


def set_entities(doc, entities: list, missing_tokens: set[int], *, default: str = "outside") -> None:
    """`doc.ents = entities`, with every token in `missing_tokens` (and not inside a kept entity) set to missing
    (`ent_iob` 0, what spaCy's `offsets_to_biluo_tags` writes as "-") and every other token `default`: "outside"
    ("O") for a full annotation, "missing" for a set made of binary answers (a rejected suggestion says only
    "not this span", so its tokens, like every other unannotated token, stay missing)."""
    inside = {i for ent in entities for i in range(ent.start, ent.end)}
    missing = [doc[i : i + 1] for i in sorted(missing_tokens - inside)]
    doc.set_ents(entities, missing=missing, default=default)


def quotes_of(doc) -> list[dict[str, Any]]:
    """Read quotes back from a Doc written here: [{start, end, type, speaker, cue, speaker_name, tags}]."""
    info = {q["id"]: q for q in doc.user_data.get(USER_DATA_KEY, {}).get("quotes", [])}
    speakers = {s.id_: s for s in doc.spans[SPEAKERS_KEY]} if SPEAKERS_KEY in doc.spans else {}
    cues = {s.id_: s for s in doc.spans[CUES_KEY]} if CUES_KEY in doc.spans else {}
    result = []
    for quote in doc.spans[QUOTES_KEY] if QUOTES_KEY in doc.spans else []:
        speaker, cue = speakers.get(quote.id_), cues.get(quote.id_)
        extra = info.get(quote.id_, {})
        result.append({
            "start": quote.start_char, "end": quote.end_char, "type": quote.label_,
            "speaker": (speaker.start_char, speaker.end_char) if speaker is not None else None,
            "cue": (cue.start_char, cue.end_char) if cue is not None else None,
            "speaker_name": extra.get("speaker_name"), "tags": list(extra.get("tags", [])),
        })
    return result
