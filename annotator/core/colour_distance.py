"""How different two colours look (CIEDE2000), and a new label's colour chosen far from the colours in use.

CIEDE2000 after Sharma, Wu & Dalal, "The CIEDE2000 color-difference formula" (2005), on CIELAB from sRGB with the
D65 white. Differences under about 2 are hard to see at all; label colours side by side in the article need far
more (attack 15b #10: two imported labels got #c49cf0 and #bc9cf0, ΔE00 ≈ 2, from a hash of their names).
Qt-free: used by the store when a label is added.
"""

from __future__ import annotations

import colorsys
import math
from functools import lru_cache


def _rgb(colour: str) -> tuple[float, float, float]:
    """'#rrggbb' -> (r, g, b) in 0..1. ValueError for anything else."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return tuple(int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


@lru_cache(maxsize=4096)
def lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (L* 0..100, a*, b*) of an sRGB '#rrggbb' colour, D65 white."""

    def linear(u: float) -> float:
        return u / 12.92 if u <= 0.04045 else ((u + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(u) for u in _rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(colour1: str, colour2: str) -> float:
    """The CIEDE2000 difference ΔE00 of two '#rrggbb' colours (0 = identical; sRGB red vs blue ≈ 52.9)."""
    (l1, a1, b1), (l2, a2, b2) = lab(colour1.lower()), lab(colour2.lower())
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = math.degrees(math.atan2(b1, a1p)) % 360, math.degrees(math.atan2(b2, a2p)) % 360
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    rc = 2 * math.sqrt(c_bar_p ** 7 / (c_bar_p ** 7 + 25 ** 7))
    rt = -math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2)))) * rc
    sl = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    sc, sh = 1 + 0.045 * c_bar_p, 1 + 0.015 * c_bar_p * t
    return math.sqrt((d_l / sl) ** 2 + (d_c / sc) ** 2 + (d_h / sh) ** 2 + rt * (d_c / sc) * (d_h / sh))


def contrast_with_black(colour: str) -> float:
    """WCAG 2 contrast ratio of black text on `colour` (1..21)."""

    def linear(u: float) -> float:
        return u / 12.92 if u <= 0.03928 else ((u + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(u) for u in _rgb(colour))
    return (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05) / 0.05


@lru_cache(maxsize=1)
def candidate_colours() -> tuple[str, ...]:
    """Light colours black text reads on (contrast >= 4.5): every 10° of hue at three lightness and three
    saturation steps, plus greys. The pool a new label's colour is picked from."""
    found = []
    for hue in range(0, 360, 10):
        for light in (0.62, 0.72, 0.82):
            for saturation in (0.45, 0.7, 0.95):
                r, g, b = colorsys.hls_to_rgb(hue / 360, light, saturation)
                colour = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
                if contrast_with_black(colour) >= 4.5:
                    found.append(colour)
    found += ["#c8c8c8", "#a8a8a8"]
    return tuple(dict.fromkeys(found))


def farthest_colour(in_use: list[str]) -> str:
    """The candidate colour (`candidate_colours`) whose smallest CIEDE2000 difference to the colours `in_use`
    is the largest (the first such candidate on a tie, so the choice is repeatable)."""
    used = [c.lower() for c in in_use if len(c.lstrip("#")) == 6]
    if not used:
        return candidate_colours()[0]
    return max(candidate_colours(), key=lambda c: min(ciede2000(c, u) for u in used))
