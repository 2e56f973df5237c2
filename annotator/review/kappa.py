"""Chance-corrected agreement coefficients, written out so every step can be checked by hand.

- `cohen_kappa(a, b)`: two raters, nominal categories (same value as scikit-learn's `cohen_kappa_score`).
- `fleiss_kappa(counts)`: any fixed number of raters per item (Fleiss 1971).
- `KrippendorffAlpha`: nominal alpha from a coincidence matrix, with missing values; units are added with a
  weight, so a million identical characters cost one addition (same value as the `krippendorff` package).

An undefined coefficient (every rating in one category, so expected disagreement is zero) is `nan`,
as in scikit-learn and the `krippendorff` package (which raises); callers print it as "n/a".
Pure Python, no numpy: review runs in the window and the CLI without extra imports.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence

NAN = float("nan")


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two raters over the same items: (p_o - p_e) / (1 - p_e)."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    n = len(a)
    if n == 0:
        return NAN
    observed = sum(x == y for x, y in zip(a, b)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    if expected == 1:
        return NAN
    return (observed - expected) / (1 - expected)


def fleiss_kappa(counts: Sequence[Mapping[Hashable, int]]) -> float:
    """Fleiss' kappa. `counts[i][c]` is how many raters put item i in category c; every item has the same
    number of raters n >= 2. P_i = (sum_c n_ic^2 - n) / (n (n - 1)); p_c = sum_i n_ic / (N n);
    kappa = (mean P_i - sum_c p_c^2) / (1 - sum_c p_c^2)."""
    items = [c for c in counts if sum(c.values())]
    if not items:
        return NAN
    n = sum(items[0].values())
    if n < 2 or any(sum(c.values()) != n for c in items):
        raise ValueError("Fleiss' kappa needs the same number (>= 2) of raters on every item")
    big_n = len(items)
    p_bar = sum((sum(v * v for v in c.values()) - n) / (n * (n - 1)) for c in items) / big_n
    totals: Counter = Counter()
    for c in items:
        totals.update(c)
    p_e = sum((t / (big_n * n)) ** 2 for t in totals.values())
    if p_e == 1:
        return NAN
    return (p_bar - p_e) / (1 - p_e)


class KrippendorffAlpha:
    """Nominal Krippendorff's alpha, accumulated unit by unit.

    A unit is a tuple of values, one per coder, None where a coder gave none; units with fewer than two values
    are not pairable and are ignored. Coincidences: o_ck += w * (number of ordered c-k pairs in the unit) /
    (m_u - 1). alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.
    """

    def __init__(self) -> None:
        self.coincidence: Counter[tuple[Hashable, Hashable]] = Counter()

    def add(self, values: Iterable[Hashable | None], weight: float = 1) -> None:
        present = Counter(v for v in values if v is not None)
        m = sum(present.values())
        if m < 2 or weight == 0:
            return
        for c, n_c in present.items():
            for k, n_k in present.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    self.coincidence[(c, k)] += weight * pairs / (m - 1)

    def add_all(self, units: Iterable[Sequence[Hashable | None]]) -> KrippendorffAlpha:
        for unit in units:
            self.add(unit)
        return self

    def value(self) -> float:
        marginals: Counter = Counter()
        for (c, _k), o in self.coincidence.items():
            marginals[c] += o
        n = sum(marginals.values())
        if n <= 1:
            return NAN
        disagree_observed = sum(o for (c, k), o in self.coincidence.items() if c != k)
        total_sq = sum(marginals.values()) ** 2 - sum(v * v for v in marginals.values())  # sum_{c!=k} n_c n_k
        if total_sq == 0:
            return NAN
        return 1 - (n - 1) * disagree_observed / total_sq


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float:
    """Nominal alpha of units (each a sequence of one value per coder, None for missing)."""
    return KrippendorffAlpha().add_all(units).value()


def is_defined(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def format_coefficient(value: float | None, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if is_defined(value) else "n/a"
