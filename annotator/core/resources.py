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


def default_tag_set() -> dict[str, list[str]]:
    """Scope ('document' or 'span') -> tags."""
    return {scope: list(tags) for scope, tags in _load_json("tags.json").items()}


def color_for(label: str) -> str:
    """A stable, light colour for a label that has none configured (dark text stays readable on it)."""
    hue = int(hashlib.md5(label.encode("utf-8")).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(hue, 0.78, 0.75)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
