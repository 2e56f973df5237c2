from pathlib import Path

from annotator.extract.scoring import ScoredQuote, coverage, evaluate, load_gold, match, predict_seeds

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_matching_is_one_to_one_by_largest_coverage():
    g = [ScoredQuote("d", 0, 100, "direct"), ScoredQuote("d", 100, 200, "direct")]
    p = [ScoredQuote("d", 0, 150, "direct")]
    assert coverage(g[0], p[0]) == 1.0 and coverage(g[1], p[0]) == 0.5
    pairs = match(g, p, 0.3)
    assert [(a.start, b.start) for a, b, _ in pairs] == [(0, 0)]
    assert match([g[1]], p, 0.8) == []


def test_seeds_reach_targets(extractor):
    gold = load_gold(SEEDS / "seed_quotes.jsonl")
    pred = predict_seeds(SEEDS, extractor, sorted({g.doc for g in gold}))
    s = evaluate(gold, pred)[0.3]
    assert s.recall >= 0.95 and s.precision >= 0.90, (s.misses, s.false_positives)
    assert s.speaker >= 0.95 and s.cue >= 0.90 and s.type >= 0.85
