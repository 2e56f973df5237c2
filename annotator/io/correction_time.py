"""When a set was last corrected, for choosing the latest version of a document (io/training_version.py).

A set imported from Prodigy and not changed since carries the answer's own time, `_timestamp` (seconds since
the epoch, Prodigy's field): its `updated_at` is only when the import ran, so two answers imported in one run, or
in two runs in the wrong order, would otherwise be ordered by name or by import. A set changed in annotator after
its import (its annotations no longer match the import's digest), or made here, is timed by `updated_at`."""

from __future__ import annotations

import math
from datetime import datetime

from annotator.core.model import AnnotationSet
from annotator.io.records import IMPORT_KEY, digest

MS_THRESHOLD = 1e11
"""A `_timestamp` above this is in milliseconds (1e11 s is the year 5138)."""


def correction_time(aset: AnnotationSet) -> tuple[float | None, str]:
    """(seconds since the epoch or None when unknown, where it came from: "_timestamp" or "update")."""
    stamp = aset.extra.get("_timestamp")
    marker = aset.extra.get(IMPORT_KEY)
    if (isinstance(stamp, (int, float)) and not isinstance(stamp, bool) and math.isfinite(stamp)
            and isinstance(marker, dict) and marker.get("digest") == digest(aset)):
        return (stamp / 1000.0 if stamp > MS_THRESHOLD else float(stamp)), "_timestamp"
    try:
        return datetime.fromisoformat(aset.updated_at).timestamp(), "update"
    except (TypeError, ValueError):
        return None, "update"
