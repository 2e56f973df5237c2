"""Scoring quote predictions against gold (QUOTES.md, "How to measure").

A gold quote is matched to the prediction covering the largest share of it (coverage = overlap / gold
length), one to one, if the coverage reaches the threshold (0.3 and 0.8 are reported). Precision =
matched / predictions, recall = matched / gold; speaker (resolved name), cue and type accuracy are
computed on the matched pairs. No spaCy here.

Coverage never penalises a prediction that runs past the gold (a quote extended by 30 characters still covers
all of it), so boundary exactness is reported beside it: the share of matched pairs whose start and end both
equal the gold's, and how many predictions run past their gold quote (`Scores.exact`, `Scores.overshoots`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import Quote
from annotator.core.strict_json import loads_strict

THRESHOLDS = (0.3, 0.8)


@dataclass(frozen=True, slots=True)
class ScoredQuote:
    """A gold or predicted quote reduced to what the scorer compares."""

    doc: str
    start: int
    end: int
    type: str
    speaker_name: str | None = None
    cue: str | None = None
    speaker: str | None = None
    text: str = ""


def load_gold(path: str | os.PathLike[str]) -> list[ScoredQuote]:
    """Read ``seed_quotes.jsonl`` (fields doc, quote_start, quote_end, quote, speaker, speaker_resolved,
    cue, type)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = loads_strict(line)
            out.append(
                ScoredQuote(
                    doc=row["doc"],
                    start=int(row["quote_start"]),
                    end=int(row["quote_end"]),
                    type=row.get("type", "direct"),
                    speaker_name=row.get("speaker_resolved"),
                    cue=row.get("cue"),
                    speaker=row.get("speaker"),
                    text=row.get("quote", ""),
                )
            )
    return out


def from_quotes(doc: str, text: str, quotes: Iterable[Quote]) -> list[ScoredQuote]:
    """Predictions of one document in scorer form."""
    return [
        ScoredQuote(
            doc=doc,
            start=q.start,
            end=q.end,
            type=str(q.type),
            speaker_name=q.speaker_name,
            cue=q.cue.text_of(text) if q.cue else None,
            speaker=q.speaker.text_of(text) if q.speaker else None,
            text=text[q.start : q.end],
        )
        for q in quotes
    ]


def coverage(gold: ScoredQuote, pred: ScoredQuote) -> float:
    """Share of the gold span covered by the prediction."""
    if gold.doc != pred.doc:
        return 0.0
    overlap = min(gold.end, pred.end) - max(gold.start, pred.start)
    length = max(1, gold.end - gold.start)
    return max(0, overlap) / length


def match(
    gold: list[ScoredQuote], pred: list[ScoredQuote], threshold: float
) -> list[tuple[ScoredQuote, ScoredQuote, float]]:
    """One-to-one pairs, best coverage first."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            c = coverage(g, p)
            if c >= threshold and c > 0:
                candidates.append((-c, gi, pi))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for neg_c, gi, pi in candidates:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gold[gi], pred[pi], -neg_c))
    pairs.sort(key=lambda x: (x[0].doc, x[0].start))
    return pairs


def _norm(value: str | None) -> str:
    return " ".join((value or "").casefold().split())


@dataclass(slots=True)
class Scores:
    threshold: float
    n_gold: int
    n_pred: int
    matched: int
    precision: float
    recall: float
    f1: float
    speaker: float
    """Resolved-speaker accuracy on matched pairs."""
    cue: float
    type: float
    pairs: list[tuple[ScoredQuote, ScoredQuote, float]] = field(default_factory=list)
    misses: list[ScoredQuote] = field(default_factory=list)
    false_positives: list[ScoredQuote] = field(default_factory=list)
    exact: float = 0.0
    """Boundary exactness: share of matched pairs whose predicted start and end both equal the gold's."""
    overshoots: int = 0
    """Matched predictions that start before or end after their gold quote (characters the gold does not have)."""


def score(gold: list[ScoredQuote], pred: list[ScoredQuote], threshold: float = 0.3) -> Scores:
    pairs = match(gold, pred, threshold)
    n = len(pairs)
    precision = n / len(pred) if pred else 0.0
    recall = n / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def acc(check) -> float:
        return sum(1 for g, p, _ in pairs if check(g, p)) / n if n else 0.0

    matched_g = {id(g) for g, _, _ in pairs}
    matched_p = {id(p) for _, p, _ in pairs}
    return Scores(
        threshold=threshold,
        n_gold=len(gold),
        n_pred=len(pred),
        matched=n,
        precision=precision,
        recall=recall,
        f1=f1,
        speaker=acc(lambda g, p: _norm(g.speaker_name) == _norm(p.speaker_name)),
        cue=acc(lambda g, p: _norm(g.cue) == _norm(p.cue)),
        type=acc(lambda g, p: g.type == p.type),
        pairs=pairs,
        misses=[g for g in gold if id(g) not in matched_g],
        false_positives=[p for p in pred if id(p) not in matched_p],
        exact=acc(lambda g, p: (g.start, g.end) == (p.start, p.end)),
        overshoots=sum(1 for g, p, _ in pairs if p.start < g.start or p.end > g.end),
    )


def overshoot_chars(gold: ScoredQuote, pred: ScoredQuote) -> int:
    """Characters of the prediction outside its gold quote (before its start plus after its end)."""
    return max(0, gold.start - pred.start) + max(0, pred.end - gold.end)


def evaluate(
    gold: list[ScoredQuote], pred: list[ScoredQuote], thresholds: Iterable[float] = THRESHOLDS
) -> dict[float, Scores]:
    return {t: score(gold, pred, t) for t in thresholds}


def predict_seeds(seed_dir: str | os.PathLike[str], extractor, docs: Iterable[str] | None = None) -> list[ScoredQuote]:
    """Run an Extractor over the ``*.txt`` files of seed_dir (or only the named docs)."""
    seed_path = Path(seed_dir)
    names = sorted(docs) if docs is not None else sorted(p.name for p in seed_path.glob("*.txt"))
    texts = [(seed_path / name).read_text(encoding="utf-8") for name in names]
    out: list[ScoredQuote] = []
    for name, text, extraction in zip(names, texts, extractor.extract(texts)):
        out.extend(from_quotes(name, text, extraction.quotes))
    return out
