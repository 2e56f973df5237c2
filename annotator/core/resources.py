"""Files in `resources/`: label colours, the default tag set, the style sheet and icons.

`ANNOTATOR_RESOURCES` points elsewhere to use another folder (a team's own labels, say).
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import os
from functools import cache
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("ANNOTATOR_RESOURCES")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "resources"


def resource_path(name: str) -> Path:
    return resources_dir() / name


@cache
def _load_json(name: str) -> dict:
    with open(resource_path(name), encoding="utf-8") as handle:
        return {k: v for k, v in json.load(handle).items() if not k.startswith("_")}


def default_labels() -> dict[str, str]:
    """Label name -> colour (#rrggbb), in display order."""
    return dict(_load_json("labels.json"))


FORMER_DEFAULT_COLOURS: dict[str, tuple[str, ...]] = {  # displaCy's (first versions) and issue 15's first set
    "PERSON": ("#aa9cfc",),
    "ORG": ("#7aecec",),
    "GPE": ("#feca74",),
    "NORP": ("#c887fb",),
    "LOC": ("#ff9561",),
    "DATE": ("#74c7f0", "#bfe1d9"),
    "EVENT": ("#ffeb80", "#fff06a"),
    "FAC": ("#9cc9cc", "#b0b0b0"),
    "MONEY": ("#5fd87a", "#e4e7d2"),
    "CARDINAL": ("#e0d890", "#e4e7d2"),
    "ORDINAL": ("#c8b090", "#e4e7d2", "#fabfd2"),
    "PERCENT": ("#e4e7d2", "#f090c8"),
    "QUANTITY": ("#7fb0ff", "#e4e7d2", "#a6bdd7"),
    "TIME": ("#40c090", "#bfe1d9", "#d7b5a6"),
    "PRODUCT": ("#b6f07a", "#bfeeb7", "#ff9d9a"),
    "WORK_OF_ART": ("#f0d0ff", "#f8d8ff", "#ffbe7d"),
    "LAW": ("#ff8197", "#93aa00"),
    "LANGUAGE": ("#a08060", "#ff8197", "#499894"),
}
"""Colours earlier versions gave the default labels (the last of each: issue 15's second set, before attack 15b). A label still holding one shows this version's default
(`shown_colour`): the colour was never chosen by the team, so it follows the default palette; a team's own
colour is kept."""


def shown_colour(label: str, stored: str) -> str:
    """The colour to show for `label` stored with colour `stored` (#rrggbb): this version's default when `stored`
    is a former default of that label (attack 15 #15: PERSON/NORP, DATE/QUANTITY, MONEY/TIME looked alike),
    else `stored` unchanged."""
    if stored.lower() in FORMER_DEFAULT_COLOURS.get(label, ()):
        return default_labels().get(label, stored)
    return stored


def default_tag_set() -> dict[str, list[str]]:
    """Scope ('document' or 'span') -> tags."""
    return {scope: list(tags) for scope, tags in _load_json("tags.json").items()}


def color_for(label: str, in_use: list[str] | None = None) -> str:
    """A light colour (black text reads on it) for a new label with none configured. Given the colours `in_use`
    (#rrggbb), the one farthest from all of them by CIEDE2000 (core/colour_distance.py: labels added one after
    another got #c49cf0 and #bc9cf0 from a hash of their names, attack 15b #10); without, a stable colour from
    a hash of the name (a label shown before it is stored)."""
    if in_use is not None:
        from annotator.core.colour_distance import farthest_colour

        return farthest_colour(in_use)
    hue = int(hashlib.md5(label.encode("utf-8")).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.78, 0.75)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
