"""Agreement coefficients on small cases computed by hand, and against scikit-learn / the krippendorff package."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.review.kappa import cohen_kappa, fleiss_kappa, krippendorff_alpha


def test_cohen_by_hand():
    a = [1, 1, 0, 0, 1, 0, 1, 1, 0, 1]
    b = [1, 0, 0, 0, 1, 1, 1, 1, 0, 1]
    # p_o: items 1 and 5 differ -> 8/10 = 0.8
    # a has six 1s, four 0s; b has six 1s, four 0s -> p_e = 0.6*0.6 + 0.4*0.4 = 0.52
    # kappa = (0.8 - 0.52) / (1 - 0.52) = 0.28 / 0.48 = 0.583333...
    assert cohen_kappa(a, b) == pytest.approx(0.28 / 0.48)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_cohen_undefined_when_everyone_says_the_same():
    assert math.isnan(cohen_kappa([True] * 4, [True] * 4))


@pytest.mark.parametrize("seed", range(20))
def test_cohen_matches_sklearn_on_random_labels(seed):
    rng = random.Random(seed)
    cats = ["PER", "ORG", "GPE", "O"][: rng.randint(2, 4)]
    n = rng.randint(5, 60)
    a = [rng.choice(cats) for _ in range(n)]
    b = [x if rng.random() < 0.6 else rng.choice(cats) for x in a]
    ours = cohen_kappa(a, b)
    theirs = cohen_kappa_score(a, b)
    if math.isnan(theirs):
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(theirs)


def test_fleiss_by_hand():
    # three raters, four items, yes/no:
    # item 1: 3 yes      -> P_1 = (9 - 3) / (3*2) = 1
    # item 2: 2 yes 1 no -> P_2 = (4 + 1 - 3) / 6 = 1/3
    # item 3: 3 no       -> P_3 = 1
    # item 4: 1 yes 2 no -> P_4 = 1/3
    # mean P = (8/3) / 4 = 2/3; p_yes = 6/12 = 0.5, p_no = 0.5 -> P_e = 0.5
    # kappa = (2/3 - 1/2) / (1 - 1/2) = 1/3
    counts = [{"y": 3}, {"y": 2, "n": 1}, {"n": 3}, {"y": 1, "n": 2}]
    assert fleiss_kappa(counts) == pytest.approx(1 / 3)


def test_fleiss_wikipedia_example():
    # Fleiss (1971) as worked on Wikipedia: 10 subjects, 14 raters, 5 categories -> P = 0.378, P_e = 0.213, 0.210
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]
    counts = [{c: n for c, n in enumerate(row) if n} for row in table]
    assert fleiss_kappa(counts) == pytest.approx(0.2099, abs=5e-4)


def test_fleiss_with_two_raters_is_scotts_pi_not_cohen():
    # a guard that the formula is Fleiss' (pooled marginals): with two raters it equals Scott's pi.
    # ratings (y,y), (y,n), (n,n), (n,n): p_o = 3/4; pooled p_y = 3/8, p_n = 5/8 -> p_e = 9/64 + 25/64 = 34/64
    # pi = (3/4 - 34/64) / (1 - 34/64) = (14/64) / (30/64) = 7/15
    counts = [{"y": 2}, {"y": 1, "n": 1}, {"n": 2}, {"n": 2}]
    assert fleiss_kappa(counts) == pytest.approx(7 / 15)


def test_alpha_by_hand():
    # units (a,a), (a,b), (b,b), (b,b), and (a, missing) which cannot be paired.
    # coincidences: o_aa = 2, o_ab = o_ba = 1, o_bb = 4  -> n_a = 3, n_b = 5, n = 8
    # alpha = 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k = 1 - 7 * 2 / (2 * 3 * 5) = 16/30
    units = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("a", None)]
    assert krippendorff_alpha(units) == pytest.approx(16 / 30)
    data = np.array([[0, 0, 1, 1, 0], [0, 1, 1, 1, np.nan]], dtype=float)
    assert krippendorff.alpha(reliability_data=data, level_of_measurement="nominal") == pytest.approx(16 / 30)


@pytest.mark.parametrize("seed", range(20))
def test_alpha_matches_krippendorff_package(seed):
    rng = random.Random(seed)
    coders = rng.randint(2, 5)
    units = []
    for _ in range(rng.randint(4, 40)):
        truth = rng.randrange(4)
        unit = []
        for _c in range(coders):
            r = rng.random()
            unit.append(None if r < 0.15 else truth if r < 0.7 else rng.randrange(4))
        units.append(tuple(unit))
    data = np.array([[np.nan if u[c] is None else u[c] for u in units] for c in range(coders)], dtype=float)
    try:
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:
        theirs = float("nan")
    ours = krippendorff_alpha(units)
    if math.isnan(theirs):
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(theirs)


@pytest.mark.parametrize("seed", range(30))
def test_greedy_match_sweep_equals_brute_force(seed):
    from annotator.core.model import Quote
    from annotator.review.alignment import greedy_match, span_jaccard

    rng = random.Random(seed)

    def spans(n):
        out = []
        for _ in range(n):
            s = rng.randrange(0, 200)
            out.append(Quote(start=s, end=s + rng.randrange(1, 60)))
        return out

    left, right = spans(rng.randrange(0, 12)), spans(rng.randrange(0, 12))
    brute = []
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            s = span_jaccard(a, b)
            if s > 0 and s >= 0.3:
                brute.append((-s, i, j))
    brute.sort()
    used_i, used_j, pairs = set(), set(), []
    for _s, i, j in brute:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j))
    assert greedy_match(left, right, span_jaccard, minimum=0.3) == sorted(pairs)
