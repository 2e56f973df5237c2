"""Lining up two or more annotators' versions of one document: which entity, quote or speaker corresponds to
which. Used both by the agreement figures and by adjudication, so the two always agree on what "the same" is.

Rules (also in the CLI help):
- entities, exact: same start, same end (and, when labels matter, same label);
- entities, overlap: the spans share at least one character; one-to-one, largest overlap first;
- quotes: content spans whose overlap is at least half of their union (Jaccard >= 0.5), one-to-one, best first;
- speakers of matched quotes agree when both are absent, or both resolved names are given and equal (ignoring
  case and spaces), or — when a resolved name is missing — the speaker spans overlap;
- cues of matched quotes agree when both are absent or both spans overlap.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from annotator.core.model import Entity, Quote, TextRange

QUOTE_MATCH_THRESHOLD = 0.5
"""Minimum overlap / union of two quote contents for them to be the same quote."""

T = TypeVar("T")


def overlap_length(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def span_jaccard(a: Entity | Quote | TextRange, b: Entity | Quote | TextRange) -> float:
    """Overlap of two spans divided by their union (0 when disjoint, 1 when equal)."""
    inter = overlap_length(a.start, a.end, b.start, b.end)
    if not inter:
        return 0.0
    union = max(a.end, b.end) - min(a.start, b.start)
    return inter / union


def greedy_match(
    left: Sequence[T], right: Sequence[T], score: Callable[[T, T], float], *, minimum: float
) -> list[tuple[int, int]]:
    """One-to-one pairs (i, j) with score >= minimum (and > 0), best score first; ties by position.

    Only spans that overlap are scored (every score here is 0 for disjoint spans): the right-hand spans are
    sorted by start and, for each left span, only those starting in (left.start - longest, left.end) are tried,
    so long documents cost about n log n, not n * m."""
    order = sorted(range(len(right)), key=lambda j: right[j].start)
    starts = [right[j].start for j in order]
    longest = max((right[j].end - right[j].start for j in order), default=0)
    candidates = []
    for i, a in enumerate(left):
        lo = bisect.bisect_right(starts, a.start - longest)
        hi = bisect.bisect_left(starts, a.end)
        for k in range(lo, hi):
            j = order[k]
            s = score(a, right[j])
            if s > 0 and s >= minimum:
                candidates.append((-s, i, j))
    candidates.sort()
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for _s, i, j in candidates:
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        pairs.append((i, j))
    return sorted(pairs)


def match_entities(
    left: Sequence[Entity], right: Sequence[Entity], *, mode: str = "exact", same_label: bool = True
) -> list[tuple[int, int]]:
    """Pairs of corresponding entities. mode "exact" (same boundaries) or "overlap" (share a character)."""
    if mode == "exact":
        index = {}
        for j, e in enumerate(right):
            index.setdefault((e.start, e.end, e.label if same_label else None), j)
        pairs = []
        for i, e in enumerate(left):
            j = index.get((e.start, e.end, e.label if same_label else None))
            if j is not None:
                pairs.append((i, j))
        return pairs
    if mode != "overlap":
        raise ValueError(f"unknown matching mode {mode!r}")

    def score(a: Entity, b: Entity) -> float:
        if same_label and a.label != b.label:
            return 0.0
        return overlap_length(a.start, a.end, b.start, b.end)

    return greedy_match(left, right, score, minimum=1)


def match_quotes(
    left: Sequence[Quote], right: Sequence[Quote], *, threshold: float = QUOTE_MATCH_THRESHOLD
) -> list[tuple[int, int]]:
    """Pairs of corresponding quotes: content Jaccard >= threshold, one-to-one, best first."""
    return greedy_match(left, right, span_jaccard, minimum=threshold)


def _norm_name(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def speakers_agree(a: Quote, b: Quote) -> bool:
    if a.speaker is None and b.speaker is None and not a.speaker_name and not b.speaker_name:
        return True
    if a.speaker_name and b.speaker_name:
        return _norm_name(a.speaker_name) == _norm_name(b.speaker_name)
    if a.speaker is None or b.speaker is None:
        return False
    return a.speaker.overlaps(b.speaker)


def cues_agree(a: Quote, b: Quote) -> bool:
    if a.cue is None or b.cue is None:
        return a.cue is None and b.cue is None
    return a.cue.overlaps(b.cue)


def cluster_quotes(
    versions: Mapping[str, Sequence[Quote]], *, threshold: float = QUOTE_MATCH_THRESHOLD
) -> list[dict[str, Quote]]:
    """Group the quotes of several annotators into clusters of "the same quote" (at most one per annotator).

    Annotators are taken in the mapping's order; each one's quotes are matched one-to-one against the clusters
    so far (by Jaccard with the cluster's first member), unmatched quotes open new clusters. Clusters come back
    sorted by position."""
    clusters: list[dict[str, Quote]] = []
    for name, quotes in versions.items():
        heads = [next(iter(c.values())) for c in clusters]
        pairs = match_quotes(heads, list(quotes), threshold=threshold)
        matched = set()
        for ci, qi in pairs:
            clusters[ci][name] = quotes[qi]
            matched.add(qi)
        for qi, quote in enumerate(quotes):
            if qi not in matched:
                clusters.append({name: quote})
    clusters.sort(key=lambda c: min((q.start, q.end) for q in c.values()))
    return clusters


def cluster_span(cluster: Mapping[str, Quote]) -> tuple[int, int]:
    """The span that names a quote cluster: from its earliest start to its latest end."""
    return min(q.start for q in cluster.values()), max(q.end for q in cluster.values())
