"""Regression guard on the quote scores the README quotes (`make eval-quotes` prints them in full).

The seeds and the dev set were used to write the rules (their figures are fitted); the blind sets after their
fixes are guarded too. A change to the extractor that lowers any figure below the floor here fails `make test`:
raise a floor when the extractor gets better, never lower one without saying so in the README.
Boundary exactness (both ends equal to the gold's) is guarded as well: coverage alone never notices a quote that
runs past its gold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.extract.scoring import THRESHOLDS, evaluate, load_gold, overshoot_chars, predict_seeds

ROOT = Path(__file__).resolve().parents[2]

SETS = {
    # name: (gold file, floors at coverage 0.3 (P, R, speaker, cue, type, exact), F1 at 0.8, most quotes past gold)
    "seeds": (ROOT / "seeds" / "seed_quotes.jsonl",
              {"precision": 1.0, "recall": 1.0, "speaker": 1.0, "cue": 1.0, "type": 1.0, "exact": 0.969}, 1.0, 1),
    "dev": (ROOT / "benchmarks" / "dev_articles" / "dev_quotes.jsonl",
            {"precision": 1.0, "recall": 1.0, "speaker": 1.0, "cue": 1.0, "type": 1.0, "exact": 0.975}, 1.0, 4),
    "blind": (ROOT / "benchmarks" / "blind_articles" / "blind_quotes.jsonl",
              {"precision": 1.0, "recall": 0.990, "speaker": 0.980, "cue": 1.0, "type": 1.0, "exact": 1.0}, 0.995, 0),
    "blind2": (ROOT / "benchmarks" / "blind2_articles" / "blind2_quotes.jsonl",
               {"precision": 1.0, "recall": 0.982, "speaker": 0.894, "cue": 1.0, "type": 1.0, "exact": 1.0}, 0.990, 0),
}


@pytest.mark.parametrize("name", list(SETS))
def test_quote_scores_do_not_fall_below_the_published_figures(extractor, name):
    gold_path, floors, f1_floor, most_past = SETS[name]
    gold = load_gold(gold_path)
    assert gold, f"no gold quotes in {gold_path}"
    pred = predict_seeds(gold_path.parent, extractor, sorted({g.doc for g in gold}))
    results = evaluate(gold, pred, THRESHOLDS)
    at_03, at_08 = results[0.3], results[0.8]
    got = {key: getattr(at_03, key) for key in floors}
    fallen = {key: f"{got[key]:.3f} < {floor:.3f}" for key, floor in floors.items() if got[key] < floor - 1e-9}
    assert not fallen, f"{name}: {fallen}"
    assert at_08.f1 >= f1_floor - 1e-9, f"{name}: F1 @0.8 {at_08.f1:.3f} < {f1_floor:.3f}"
    past = [overshoot_chars(g, p) for g, p, _ in at_03.pairs if overshoot_chars(g, p)]
    assert len(past) <= most_past, f"{name}: {len(past)} predictions run past their gold quote by {sorted(past)} characters"


def test_the_scorer_counts_a_quote_running_past_its_gold_as_inexact():
    from annotator.extract.scoring import ScoredQuote, score

    gold = [ScoredQuote("d", 10, 20, "direct"), ScoredQuote("d", 30, 40, "direct")]
    pred = [ScoredQuote("d", 10, 20, "direct"), ScoredQuote("d", 30, 61, "direct")]  # 21 characters too many
    result = score(gold, pred, 0.8)
    assert result.recall == 1.0 and result.precision == 1.0  # coverage alone is blind to it
    assert result.exact == 0.5 and result.overshoots == 1
    assert overshoot_chars(gold[1], pred[1]) == 21
