"""Adjudication: line up every annotator's version of a document as candidate items, and write the reviewer's
decisions into a gold annotation set.

The gold set is an ordinary annotator (named "gold" unless the reviewer names another: `--gold`), so it
exports, lists and counts like anyone's work. The person deciding is recorded separately, as `reviewer`, in
the `review_decisions` table (doc, gold, reviewer, item key, decision, chosen_from, payload, time): several
reviewers can share one gold set and each decision says who made it.

Items (one per thing annotators may disagree on; `choices` maps each annotator to what they chose, None for
"does not have it"):
- `entity:S:E` — every distinct entity span; the choice is the label (entities align by exact span, so a
  boundary disagreement gives two items whose spans overlap: taking one replaces the other in gold);
- `quote:S:E` — a cluster of quotes whose contents overlap >= 0.5 of their union (S:E spans the cluster);
  the choice is the content span. When annotators who have the quote differ on speaker, cue or type, the
  cluster also gets `speaker:…`, `cue:…`, `type:…` items (choices only from those annotators);
- `spantag:entity:S:E:NAME` / `spantag:quote:S:E:NAME` — a tag on a matched span: an entity span two or more
  annotators marked (same boundaries, any label), or a quote cluster with two or more members; one item per
  tag any of them gave that span; the choice is yes/no, only from the annotators who have the span. Taking it
  writes (or removes) the tag on the gold entity / quote with ops.add_tag / ops.remove_tag; when gold does not
  have the span yet, the annotator's entity or quote is taken first (and recorded as such). Tags every holder
  agrees on come along whenever the span enters gold;
- `tag:NAME` — every document tag anyone gave; the choice is yes/no.

When the gold set is first created on a document it is filled with what every version agrees on (recorded as
decision "auto"), like INCEpTION's curation; the reviewer only settles disagreements. Single decisions go
through `annotator.core.ops`, so the edit log records them; accepting a whole version writes the set in one
transaction (and logs it). Every decision returns an `Applied` that can undo it (the window's QUndoCommands
call that).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core import ops
from annotator.core.model import AnnotationSet, Entity, Origin, Quote, QuoteType, Status, Tag, TargetKind, TextRange
from annotator.core.store import Store
from annotator.review.alignment import QUOTE_MATCH_THRESHOLD, cluster_quotes, cluster_span, span_jaccard
from annotator.review.versions import (
    DEFAULT_GOLD,
    default_annotators,
    documents_with_versions,
    is_rejected,
    load_versions,
    review_verdicts,
)

ENTITY, QUOTE, SPEAKER, CUE, QUOTE_TYPE, TAG = "entity", "quote", "speaker", "cue", "type", "tag"
SPAN_TAG = "spantag"
KIND_ORDER = {ENTITY: 0, QUOTE: 1, SPEAKER: 2, CUE: 3, QUOTE_TYPE: 4, SPAN_TAG: 5, TAG: 6}


@dataclass(slots=True)
class Item:
    """One thing to decide on a document, with what each annotator chose."""

    kind: str
    key: str
    start: int
    end: int
    choices: dict[str, Any]
    quotes: dict[str, Quote] = field(default_factory=dict)
    """For quote, speaker, cue and type items: each annotator's quote in the cluster."""

    @property
    def unanimous(self) -> bool:
        values = list(self.choices.values())
        return all(v == values[0] for v in values)

    def options(self) -> list[tuple[Any, list[str]]]:
        """Distinct choices with who chose them, most chosen first (None, "absent", last)."""
        groups: dict[Any, list[str]] = {}
        for name, value in self.choices.items():
            groups.setdefault(value, []).append(name)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, -len(kv[1])))
        return [(value, names) for value, names in ordered]

    @property
    def parent_key(self) -> str | None:
        if self.kind in (SPEAKER, CUE, QUOTE_TYPE):
            return QUOTE + self.key[len(self.kind):]
        return None

    @property
    def span_key(self) -> str | None:
        """For a span-tag item: the key of the entity or quote item it tags (`entity:S:E` / `quote:S:E`)."""
        if self.kind != SPAN_TAG:
            return None
        _kind, target, start, end, _tag = self.key.split(":", 4)
        return f"{target}:{start}:{end}"

    @property
    def tag_name(self) -> str | None:
        """The tag of a document-tag or span-tag item."""
        if self.kind == TAG:
            return self.key.split(":", 1)[1]
        if self.kind == SPAN_TAG:
            return self.key.split(":", 4)[4]
        return None

    @property
    def target_kind(self) -> TargetKind:
        if self.kind == SPAN_TAG:
            return TargetKind.ENTITY if self.key.split(":", 2)[1] == ENTITY else TargetKind.QUOTE
        return TargetKind.DOCUMENT


def describe(item: Item, value: Any, text: str) -> str:
    """A short human-readable form of one choice."""
    if value is None:
        return "—"
    if item.kind == ENTITY:
        return str(value)
    if item.kind == QUOTE:
        start, end = value
        snippet = text[start:end]
        if len(snippet) > 60:
            snippet = snippet[:28] + "…" + snippet[-28:]
        return f"“{snippet}” [{start}–{end}]"
    if item.kind == SPEAKER:
        start, end, name = value
        as_written = text[start:end] if start is not None else ""
        if not as_written and not name:
            return "(no speaker)"
        if name and name != as_written:
            return f"{as_written or '?'} → {name}"
        return as_written or name
    if item.kind == CUE:
        return text[value[0] : value[1]]
    if item.kind == QUOTE_TYPE:
        return str(value)
    if item.kind in (TAG, SPAN_TAG):
        return "yes" if value else "no"
    return str(value)


def item_title(item: Item, text: str) -> str:
    """What the item is about, for the first column of a review list."""
    if item.kind == TAG:
        return f"#{item.tag_name}"
    snippet = text[item.start : item.end]
    if item.kind == SPAN_TAG:
        if len(snippet) > 30:
            snippet = snippet[:14] + "…" + snippet[-14:]
        return f"#{item.tag_name} on {snippet}"
    if len(snippet) > 50:
        snippet = snippet[:24] + "…" + snippet[-24:]
    return snippet


def tags_by_target(aset: AnnotationSet) -> dict[tuple[TargetKind, int], set[str]]:
    """The set's entity and quote tags by (kind, target id). Stored sets refer to row ids; sets built in memory
    without ids (as for `replace_annotation_set`) refer to list positions, and are read that way."""
    result: dict[tuple[TargetKind, int], set[str]] = {}
    for t in aset.tags:
        if t.target_kind is not TargetKind.DOCUMENT and t.target_id is not None:
            result.setdefault((t.target_kind, t.target_id), set()).add(t.tag)
    return result


def _target_id(obj: Entity | Quote, position: int) -> int:
    return obj.id if obj.id is not None else position


def entity_tags(aset: AnnotationSet) -> dict[tuple[int, int], set[str]]:
    """Tags of each entity of the set, by span."""
    by_target = tags_by_target(aset)
    return {(e.start, e.end): by_target.get((TargetKind.ENTITY, _target_id(e, i)), set())
            for i, e in enumerate(aset.entities)}


def quote_tags(aset: AnnotationSet, quote: Quote) -> set[str]:
    """Tags of one quote of the set."""
    by_target = tags_by_target(aset)
    for i, q in enumerate(aset.quotes):
        if q is quote:
            return set(by_target.get((TargetKind.QUOTE, _target_id(q, i)), set()))
    return set()


def _speaker_value(q: Quote) -> tuple[int | None, int | None, str | None]:
    return (q.speaker.start if q.speaker else None, q.speaker.end if q.speaker else None, q.speaker_name or None)


def _cue_value(q: Quote) -> tuple[int, int] | None:
    return (q.cue.start, q.cue.end) if q.cue else None


def candidate_items(versions: Mapping[str, AnnotationSet]) -> list[Item]:
    """All items of a document, by position (tags last)."""
    names = list(versions)
    items: list[Item] = []
    spans: dict[tuple[int, int], dict[str, str]] = {}
    for name in names:
        for e in versions[name].entities:
            spans.setdefault((e.start, e.end), {})[name] = e.label
    span_tags = {n: entity_tags(versions[n]) for n in names}
    for (start, end), labels in spans.items():
        items.append(Item(ENTITY, f"{ENTITY}:{start}:{end}", start, end, {n: labels.get(n) for n in names}))
        holders = [n for n in names if n in labels]
        if len(holders) >= 2:
            tagged = {n: span_tags[n].get((start, end), set()) for n in holders}
            for tag in sorted(set().union(*tagged.values())):
                items.append(Item(SPAN_TAG, f"{SPAN_TAG}:{ENTITY}:{start}:{end}:{tag}", start, end,
                                  {n: tag in tagged[n] for n in holders}))
    for cluster in cluster_quotes({n: versions[n].quotes for n in names}):
        start, end = cluster_span(cluster)
        suffix = f":{start}:{end}"
        choices = {n: ((cluster[n].start, cluster[n].end) if n in cluster else None) for n in names}
        items.append(Item(QUOTE, QUOTE + suffix, start, end, choices, dict(cluster)))
        if len(cluster) >= 2:
            tagged = {n: quote_tags(versions[n], q) for n, q in cluster.items()}
            for tag in sorted(set().union(*tagged.values())):
                items.append(Item(SPAN_TAG, f"{SPAN_TAG}:{QUOTE}{suffix}:{tag}", start, end,
                                  {n: tag in tagged[n] for n in cluster}, dict(cluster)))
            for kind, value_of in ((SPEAKER, _speaker_value), (CUE, _cue_value), (QUOTE_TYPE, lambda q: q.type.value)):
                sub = {n: value_of(q) for n, q in cluster.items()}
                if len(set(sub.values())) > 1:
                    items.append(Item(kind, kind + suffix, start, end, sub, dict(cluster)))
    tags = sorted(set().union(*(set(v.document_tags()) for v in versions.values()))) if versions else []
    for tag in tags:
        items.append(Item(TAG, f"{TAG}:{tag}", 0, 0, {n: tag in versions[n].document_tags() for n in names}))
    items.sort(key=lambda i: (i.kind == TAG, i.start, KIND_ORDER[i.kind], i.end, i.key))
    return items


def gold_quote_for(item: Item, gold: AnnotationSet | None) -> Quote | None:
    """The gold quote that stands for the item's quote cluster (best overlap >= 0.5 with any member)."""
    if gold is None or not item.quotes:
        return None
    best, best_score = None, 0.0
    for g in gold.quotes:
        score = max(span_jaccard(g, q) for q in item.quotes.values())
        if score >= QUOTE_MATCH_THRESHOLD and score > best_score:
            best, best_score = g, score
    return best


def gold_span_for(item: Item, gold: AnnotationSet | None) -> Entity | Quote | None:
    """For a span-tag item: the gold entity (same span) or gold quote (same cluster) it is about."""
    if gold is None:
        return None
    if item.target_kind is TargetKind.ENTITY:
        return next((e for e in gold.entities if (e.start, e.end) == (item.start, item.end)), None)
    return gold_quote_for(item, gold)


def gold_value(item: Item, gold: AnnotationSet | None) -> Any:
    """What the gold set currently holds for the item, in the same form as `item.choices`."""
    if gold is None:
        return None
    if item.kind == ENTITY:
        return next((e.label for e in gold.entities if (e.start, e.end) == (item.start, item.end)), None)
    if item.kind == TAG:
        return item.key.split(":", 1)[1] in gold.document_tags()
    if item.kind == SPAN_TAG:
        target = gold_span_for(item, gold)
        if target is None:
            return None
        return item.tag_name in tags_by_target(gold).get((item.target_kind, target.id), set())
    q = gold_quote_for(item, gold)
    if q is None:
        return None
    return {QUOTE: (q.start, q.end), SPEAKER: _speaker_value(q), CUE: _cue_value(q), QUOTE_TYPE: q.type.value}[item.kind]


# -- decisions ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Applied:
    """A decision that was written, with how to take it back."""

    description: str
    undo_steps: list[Callable[[], None]] = field(default_factory=list)
    decision_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Decision:
    item_key: str
    decision: str
    chosen_from: str | None
    reviewer: str
    at: str
    payload: dict[str, Any]


def _writable(aset: AnnotationSet, *, annotator: str, status: Status | None = None) -> AnnotationSet:
    """A copy of a stored set ready for `replace_annotation_set` as a person's (gold) set: every span human."""
    return aset.copy_for(annotator, status=status, origin=Origin.HUMAN)


class RejectedVersionError(ops.EditError):
    """Accepting a version its annotator rejected, without saying so explicitly (`allow_rejected`)."""


class ReviewVerdictError(ops.EditError):
    """Accepting a version into gold over another review's verdict (a Prodigy `review` answered reject or
    ignore, `gold@<reviewer>`), without saying so explicitly (`override_review`)."""


FINISHED_GOLD = (Status.DONE, Status.REJECTED)
"""A gold set in one of these statuses settles its document: the reviewer accepted it, or rejected it."""


class Review:
    """One document under review: its versions, candidate items, the gold set and the decisions on it.

    `versions` are the compared ones (in progress or done); `rejected` holds the versions their annotators
    rejected (a verdict on the document, not "no entities": left out of the items, as Prodigy's review recipe
    and INCEpTION's curation leave reject answers out). Accept versus reject is one more disagreement
    (`verdict_disagrees`)."""

    def __init__(
        self,
        store: Store,
        doc_id: int,
        *,
        reviewer: str,
        gold: str = DEFAULT_GOLD,
        annotators: Sequence[str] | None = None,
        include_model: bool = False,
    ):
        self.store = store
        self.doc_id = doc_id
        self.reviewer = reviewer
        self.gold = gold
        names = list(annotators) if annotators else default_annotators(store, include_model=include_model)
        names = [n for n in names if n != gold]
        loaded = load_versions(store, doc_id, names)
        self.rejected = {name: aset for name, aset in loaded.items() if is_rejected(aset)}
        self.versions = {name: aset for name, aset in loaded.items() if name not in self.rejected}
        self.annotators = list(self.versions)
        self.document = store.document(doc_id)
        self.items = candidate_items(self.versions)
        self.verdicts = review_verdicts(store, doc_id, gold)
        """Other gold sets that rejected or skipped the document ("gold@rev (rejected)"): a reviewer's verdict,
        overridden only when asked (`accept_version(override_review=True)`)."""

    # -- reading ---------------------------------------------------------------------------------------------

    def gold_set(self) -> AnnotationSet | None:
        return self.store.annotation_set(self.doc_id, self.gold)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def decisions(self) -> dict[str, Decision]:
        """The latest decision on each item key."""
        rows = self.store.decision_rows(self.doc_id, self.gold)
        return {
            r["item_key"]: Decision(r["item_key"], r["decision"], r["chosen_from"], r["reviewer"], r["at"],
                                    json.loads(r["payload"]))
            for r in rows
        }

    def is_resolved(self, item: Item, decisions: Mapping[str, Decision] | None = None) -> bool:
        """Unanimous, or decided; a span tag is also settled when its span was rejected (left out of gold)."""
        decisions = self.decisions() if decisions is None else decisions
        if item.unanimous or item.key in decisions:
            return True
        if item.kind == SPAN_TAG:
            parent = decisions.get(item.span_key)
            return parent is not None and parent.decision == "reject"
        return False

    def disagreements(self) -> list[Item]:
        return [i for i in self.items if not i.unanimous]

    @property
    def verdict_disagrees(self) -> bool:
        """Someone rejected the document and someone else annotated it (accept versus reject), or a reviewer
        (another gold set, e.g. a Prodigy review's `gold@<reviewer>`) rejected or skipped it."""
        return (bool(self.rejected) and bool(self.versions)) or bool(self.verdicts)

    def unresolved(self) -> list[Item]:
        decisions = self.decisions()
        return [i for i in self.items if not self.is_resolved(i, decisions)]

    # -- writing ---------------------------------------------------------------------------------------------

    def _record(self, key: str, decision: str, chosen_from: str | None, payload: dict[str, Any] | None = None) -> int:
        return self.store.record_decision(self.doc_id, gold=self.gold, reviewer=self.reviewer, key=key,
                                          decision=decision, chosen_from=chosen_from, payload=payload)

    def _forget(self, decision_ids: Sequence[int]) -> None:
        self.store.forget_decisions(decision_ids)

    def undo(self, applied: Applied) -> None:
        """Take a decision back: reverse its edits (newest first) and drop its decision rows."""
        with self.store.transaction():
            for step in reversed(applied.undo_steps):
                step()
            self._forget(applied.decision_ids)

    def agreed_set(self) -> tuple[AnnotationSet, list[str]]:
        """What every version agrees on, as a (not stored) gold set, and the item keys it settles."""
        entities: list[Entity] = []
        quotes: list[Quote] = []
        tags: list[Tag] = []
        agreed: list[str] = []
        positions: dict[str, tuple[TargetKind, int]] = {}  # item key -> (kind, list position) in the new set
        for item in self.items:
            if not item.unanimous or item.kind == SPAN_TAG:
                continue
            value = next(iter(item.choices.values()))
            if value is None or value is False:
                continue
            if item.kind == ENTITY:
                positions[item.key] = (TargetKind.ENTITY, len(entities))
                entities.append(Entity(item.start, item.end, value, Origin.HUMAN))
            elif item.kind == QUOTE:
                if any(i.parent_key == item.key for i in self.items):  # speaker, cue or type disagree
                    continue
                first = next(iter(item.quotes.values()))
                positions[item.key] = (TargetKind.QUOTE, len(quotes))
                quotes.append(first.with_(id=None, doc_id=None, annotator_id=None, origin=Origin.HUMAN, extra={}))
            elif item.kind == TAG:
                tags.append(Tag(item.key.split(":", 1)[1]))
            agreed.append(item.key)
        for item in self.items:  # span tags everyone agrees on, on spans that made it in
            if item.kind == SPAN_TAG and item.unanimous and item.span_key in positions:
                if next(iter(item.choices.values())):
                    kind, position = positions[item.span_key]
                    tags.append(Tag(item.tag_name, kind, position))
                agreed.append(item.key)
        return AnnotationSet(self.doc_id, self.gold, Status.IN_PROGRESS, entities, quotes, tags), agreed

    def ensure_gold(self) -> bool:
        """Create the gold set on this document, holding what all versions agree on. True if created now."""
        if self.store.has_annotation_set(self.doc_id, self.gold):
            return False
        aset, agreed = self.agreed_set()
        with self.store.transaction():
            self.store.replace_annotation_set(aset)
            for key in agreed:
                self._record(key, "auto", None)
        return True

    def _entity_in_gold(self, start: int, end: int) -> Entity | None:
        gold = self.gold_set()
        return next((e for e in gold.entities if (e.start, e.end) == (start, end)), None) if gold else None

    def take(self, item: Item, annotator: str) -> Applied:
        """Put `annotator`'s choice for the item into the gold set."""
        value = item.choices.get(annotator)
        if annotator not in item.choices:
            raise ops.EditError(f"{annotator} has no say on {item.key}")
        self.ensure_gold()
        applied = Applied(f"take {item.key} from {annotator}")
        with self.store.transaction():
            if item.kind == ENTITY:
                if value is None:
                    return self._reject_into(item, applied, chosen_from=annotator)
                self._put_entity(applied, item.start, item.end, value)
                self._put_agreed_span_tags(applied, item)
                applied.decision_ids.append(self._record(item.key, "take", annotator, {"label": value}))
                for other in self.items:  # overlapping spans are settled by this choice
                    if other.kind == ENTITY and other.key != item.key and other.start < item.end and item.start < other.end:
                        applied.decision_ids.append(self._record(other.key, "reject", None, {"superseded_by": item.key}))
            elif item.kind == TAG:
                tag = item.key.split(":", 1)[1]
                self._put_tag(applied, tag, bool(value))
                applied.decision_ids.append(self._record(item.key, "take", annotator, {"value": bool(value)}))
            elif item.kind == SPAN_TAG:
                target = gold_span_for(item, self.gold_set())
                if target is None:  # the span is not in gold yet: take this annotator's entity or quote first
                    brought = self.take(self.item(item.span_key), annotator)
                    applied.undo_steps.extend(brought.undo_steps)
                    applied.decision_ids.extend(brought.decision_ids)
                    target = gold_span_for(item, self.gold_set())
                if target is not None:
                    self._put_span_tag(applied, item, target.id, bool(value))
                applied.decision_ids.append(self._record(item.key, "take", annotator, {"value": bool(value)}))
            else:
                quote = item.quotes.get(annotator)
                if quote is None:
                    return self._reject_into(item, applied, chosen_from=annotator)
                existing = gold_quote_for(item, self.gold_set())
                if item.kind == QUOTE or existing is None:
                    fields = dict(start=quote.start, end=quote.end, type=quote.type, speaker=quote.speaker,
                                  speaker_name=quote.speaker_name, cue=quote.cue)
                    self._put_quote(applied, existing, fields)
                    self._put_agreed_span_tags(applied, self.item(item.parent_key or item.key))
                    keys = [item.key] if item.kind == QUOTE else [item.key, item.parent_key]
                    keys += [i.key for i in self.items if i.parent_key == (item.parent_key or item.key) and i.key not in keys]
                    for key in keys:
                        applied.decision_ids.append(self._record(key, "take", annotator))
                else:
                    if item.kind == SPEAKER:
                        fields = dict(speaker=quote.speaker, speaker_name=quote.speaker_name)
                    elif item.kind == CUE:
                        fields = dict(cue=quote.cue)
                    else:
                        fields = dict(type=quote.type)
                    self._put_quote(applied, existing, fields)
                    applied.decision_ids.append(self._record(item.key, "take", annotator))
        return applied

    def reject(self, item: Item) -> Applied:
        """Leave the item out of the gold set (remove it if it is there)."""
        self.ensure_gold()
        applied = Applied(f"reject {item.key}")
        with self.store.transaction():
            return self._reject_into(item, applied, chosen_from=None)

    def _reject_into(self, item: Item, applied: Applied, *, chosen_from: str | None) -> Applied:
        if item.kind == ENTITY:
            existing = self._entity_in_gold(item.start, item.end)
            if existing is not None:
                removed = ops.delete_entity(self.store, entity_id=existing.id)
                applied.undo_steps.append(lambda: ops.restore(self.store, removed=removed))
        elif item.kind == TAG:
            self._put_tag(applied, item.key.split(":", 1)[1], False)
        elif item.kind == SPAN_TAG:
            target = gold_span_for(item, self.gold_set())
            if target is not None:
                self._put_span_tag(applied, item, target.id, False)
        else:
            existing = gold_quote_for(item, self.gold_set())
            if existing is not None:
                if item.kind == QUOTE:
                    removed = ops.delete_quote(self.store, quote_id=existing.id)
                    applied.undo_steps.append(lambda: ops.restore(self.store, removed=removed))
                elif item.kind == SPEAKER:
                    self._put_quote(applied, existing, dict(speaker=None, speaker_name=None))
                elif item.kind == CUE:
                    self._put_quote(applied, existing, dict(cue=None))
        applied.decision_ids.append(self._record(item.key, "reject", chosen_from))
        return applied

    def edit_entity(self, item: Item, *, start: int, end: int, label: str) -> Applied:
        """Put an entity of the reviewer's own making in place of the item's (new bounds and/or label)."""
        self.ensure_gold()
        applied = Applied(f"edit {item.key}")
        with self.store.transaction():
            existing = self._entity_in_gold(item.start, item.end)
            if existing is not None:
                removed = ops.delete_entity(self.store, entity_id=existing.id)
                applied.undo_steps.append(lambda: ops.restore(self.store, removed=removed))
            self._put_entity(applied, start, end, label)
            applied.decision_ids.append(
                self._record(item.key, "edit", None, {"start": start, "end": end, "label": label})
            )
        return applied

    def edit_quote(self, item: Item, **fields: Any) -> Applied:
        """Change fields of the gold quote for the item (start, end, type, speaker, speaker_name, cue); the
        quote is first taken from the first annotator who has it if gold has none."""
        self.ensure_gold()
        applied = Applied(f"edit {item.key}")
        with self.store.transaction():
            existing = gold_quote_for(item, self.gold_set())
            if existing is None:
                base = next(iter(item.quotes.values()))
                start_fields = dict(start=base.start, end=base.end, type=base.type, speaker=base.speaker,
                                    speaker_name=base.speaker_name, cue=base.cue)
                start_fields.update(fields)
                self._put_quote(applied, None, start_fields)
            else:
                self._put_quote(applied, existing, fields)
            payload = {k: (list((v.start, v.end)) if isinstance(v, TextRange) else v) for k, v in fields.items()}
            applied.decision_ids.append(self._record(item.key, "edit", None, payload))
        return applied

    def accept_version(self, annotator: str, *, decision: str = "accept_version",
                       allow_rejected: bool = False, override_review: bool = False) -> Applied:
        """Make the gold set a copy of `annotator`'s whole version (status done). A version its annotator
        rejected raises RejectedVersionError unless `allow_rejected`: then the reviewer confirms the rejection,
        and gold is that version with its status, rejected (so training exports leave the document out,
        `io/training_version.py`). Raises ops.EditError when `annotator` has no version, and ReviewVerdictError
        when another review rejected or skipped the document (`self.verdicts`) unless `override_review`."""
        if self.verdicts and not override_review:
            raise ReviewVerdictError(
                f"document {self.doc_id}: the review verdict {', '.join(self.verdicts)} keeps it out of training; "
                f"accepting {annotator}'s version into {self.gold} would override it")
        source = self.versions.get(annotator)
        items = self.items
        if source is None and annotator in self.rejected:
            if not allow_rejected:
                raise RejectedVersionError(
                    f"{annotator} rejected document {self.doc_id}: a rejected answer is not an annotation to "
                    f"accept into {self.gold}")
            source = self.rejected[annotator]
            items = candidate_items({**self.versions, annotator: source})
        if source is None:
            raise ops.EditError(f"{annotator} has no version of document {self.doc_id}")
        before = self.gold_set()
        applied = Applied(f"accept {annotator}'s version")
        with self.store.transaction():
            status = Status.REJECTED if annotator in self.rejected else Status.DONE
            self.store.replace_annotation_set(_writable(source, annotator=self.gold, status=status))
            gold_id = self.store.annotator_id(self.gold)
            self.store.log_edit(self.doc_id, gold_id, "review_accept_version", {"from": annotator})
            applied.decision_ids.append(self._record("document", decision, annotator,
                                                     {"rejected": True} if annotator in self.rejected else None))
            for item in items:
                if not item.unanimous:
                    chosen = item.choices.get(annotator)
                    verdict = "take" if chosen not in (None, False) or item.kind in (TAG, SPAN_TAG) else "reject"
                    applied.decision_ids.append(self._record(item.key, verdict, annotator))

        def back() -> None:
            ops.put_back_set(self.store, self.doc_id, gold_id, before)

        applied.undo_steps.append(back)
        return applied

    def set_status(self, status: Status) -> Applied:
        self.ensure_gold()
        old = ops.set_status(self.store, doc_id=self.doc_id, annotator=self.gold, status=status)
        return Applied(
            f"mark {Status(status).value}",
            [lambda: ops.set_status(self.store, doc_id=self.doc_id, annotator=self.gold, status=old)],
        )

    # -- edit helpers (each pushes its own undo step) ----------------------------------------------------------

    def _put_entity(self, applied: Applied, start: int, end: int, label: str) -> None:
        existing = self._entity_in_gold(start, end)
        if existing is not None:
            if existing.label != label:
                old = ops.relabel_entity(self.store, entity_id=existing.id, label=label)
                applied.undo_steps.append(lambda: ops.restore_entity_fields(self.store, entity=old))
            return
        new, removed = ops.add_entity(
            self.store, doc_id=self.doc_id, annotator=self.gold, start=start, end=end, label=label,
            replace_overlapping=True,
        )

        def back() -> None:
            ops.remove_entity(self.store, entity_id=new.id)
            if removed.entities:
                ops.restore(self.store, removed=removed)

        applied.undo_steps.append(back)

    def _put_quote(self, applied: Applied, existing: Quote | None, fields: dict[str, Any]) -> None:
        if existing is None:
            new = ops.add_quote(
                self.store, doc_id=self.doc_id, annotator=self.gold, start=fields["start"], end=fields["end"],
                type=fields.get("type", QuoteType.DIRECT), speaker=fields.get("speaker"),
                speaker_name=fields.get("speaker_name"), cue=fields.get("cue"),
            )
            applied.undo_steps.append(lambda: ops.remove_quote(self.store, quote_id=new.id))
            return
        old = ops.update_quote(self.store, quote_id=existing.id, **fields)
        applied.undo_steps.append(lambda: ops.restore_quote_fields(self.store, quote=old))

    def _put_span_tag(self, applied: Applied, item: Item, target_id: int, present: bool) -> None:
        """Tag (or untag) the gold entity / quote `target_id` with the item's tag, through ops."""
        where = dict(doc_id=self.doc_id, annotator=self.gold, tag=item.tag_name, target_kind=item.target_kind,
                     target_id=target_id)
        if present:
            if ops.add_tag(self.store, **where) is not None:
                applied.undo_steps.append(lambda: ops.remove_tag(self.store, **where))
        elif ops.remove_tag(self.store, **where):
            applied.undo_steps.append(lambda: ops.add_tag(self.store, **where))

    def _put_agreed_span_tags(self, applied: Applied, span_item: Item) -> None:
        """Give the gold span of an entity / quote item the tags all its holders agree on."""
        gold = self.gold_set()
        for item in self.items:
            if item.kind == SPAN_TAG and item.span_key == span_item.key and item.unanimous:
                if next(iter(item.choices.values())):
                    target = gold_span_for(item, gold)
                    if target is not None:
                        self._put_span_tag(applied, item, target.id, True)

    def _put_tag(self, applied: Applied, tag: str, present: bool) -> None:
        if present:
            if ops.add_tag(self.store, doc_id=self.doc_id, annotator=self.gold, tag=tag) is not None:
                applied.undo_steps.append(
                    lambda: ops.remove_tag(self.store, doc_id=self.doc_id, annotator=self.gold, tag=tag)
                )
        elif ops.remove_tag(self.store, doc_id=self.doc_id, annotator=self.gold, tag=tag):
            applied.undo_steps.append(lambda: ops.add_tag(self.store, doc_id=self.doc_id, annotator=self.gold, tag=tag))


# -- corpus-level review ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class QueueEntry:
    """One document of the review queue. `annotators`: the compared versions; `rejected`: who rejected the
    document (not compared; accept versus reject counts as one disagreement)."""

    doc_id: int
    title: str
    annotators: list[str]
    disagreements: int
    unresolved: int
    items: int
    gold_status: Status | None
    rejected: list[str] = field(default_factory=list)
    review_verdicts: list[str] = field(default_factory=list)
    """Other gold sets that rejected or skipped the document ("gold@rev (rejected)")."""


def review_queue(
    store: Store,
    *,
    gold: str = DEFAULT_GOLD,
    annotators: Sequence[str] | None = None,
    include_model: bool = False,
    reviewer: str = "reviewer",
) -> list[QueueEntry]:
    """Documents with two or more versions, the most unresolved disagreement first; finished (gold done)
    documents last."""
    names = [n for n in (annotators or default_annotators(store, include_model=include_model)) if n != gold]
    entries = []
    for doc_id in documents_with_versions(store, names):
        review = Review(store, doc_id, reviewer=reviewer, gold=gold, annotators=names)
        gold_set = review.gold_set()
        status = Status(gold_set.status) if gold_set else None
        verdict = int(review.verdict_disagrees)
        disagreements = len(review.disagreements()) + verdict
        unresolved = 0 if status in FINISHED_GOLD else len(review.unresolved()) + verdict
        entries.append(
            QueueEntry(doc_id, review.document.title, review.annotators, disagreements, unresolved,
                       len(review.items), status, list(review.rejected), list(review.verdicts))
        )
    entries.sort(key=lambda e: (e.gold_status is Status.DONE, -e.unresolved, -e.disagreements, e.doc_id))
    return entries


def accept_identical(
    store: Store,
    *,
    reviewer: str,
    gold: str = DEFAULT_GOLD,
    annotators: Sequence[str] | None = None,
    include_model: bool = False,
    dry_run: bool = False,
    applied: list[tuple[Review, Applied]] | None = None,
    held_back: list[int] | None = None,
) -> list[int]:
    """Accept, as gold, every document on which all versions (two or more) agree completely and whose gold set
    is not done yet. Returns the documents accepted (with `dry_run`: that would be, writing nothing). `applied`,
    if given, receives each (Review, Applied) written, so a caller can undo them all (`Review.undo`).
    A rejected version never counts as agreeing (an empty accepted answer and a reject are not identical), and a
    reviewer's verdict (another gold set rejected or skipped the document, `Review.verdicts`) is never overridden
    in bulk: such a document is left for the reviewer, and its id goes to `held_back` if given."""
    names = [n for n in (annotators or default_annotators(store, include_model=include_model)) if n != gold]
    accepted = []
    for doc_id in documents_with_versions(store, names):
        review = Review(store, doc_id, reviewer=reviewer, gold=gold, annotators=names)
        gold_set = review.gold_set()
        if gold_set is not None and Status(gold_set.status) in FINISHED_GOLD:
            continue
        if review.rejected or review.verdicts:
            if held_back is not None:
                held_back.append(doc_id)
            continue
        if len(review.versions) < 2 or review.disagreements():
            continue
        if not dry_run:
            done = review.accept_version(review.annotators[0], decision="accept_identical")
            if applied is not None:
                applied.append((review, done))
        accepted.append(doc_id)
    return accepted
