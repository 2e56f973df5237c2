"""Small helpers shared by the exchange tests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").split("\n") if line.strip()]


def regex_tokens(text: str) -> list[dict[str, Any]]:
    """Prodigy-style tokens, built independently of the code under test."""
    return [
        {"text": m.group(), "start": m.start(), "end": m.end(), "id": i}
        for i, m in enumerate(re.finditer(r"\w+|[^\w\s]", text))
    ]


def span(text: str, tokens: list[dict[str, Any]], needle: str, label: str, **extra: Any) -> dict[str, Any]:
    start = text.index(needle)
    end = start + len(needle)
    first = next(t["id"] for t in tokens if t["start"] == start)
    last = next(t["id"] for t in tokens if t["end"] == end)
    return {"start": start, "end": end, "token_start": first, "token_end": last, "label": label, **extra}
