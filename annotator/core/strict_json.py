"""Strict JSON in and out: what annotator reads from users' files and what it writes.

Reading: Python's ``json`` accepts ``NaN``/``Infinity`` (not JSON, RFC 8259 §6), raises ``RecursionError`` on deep
nesting and ``ValueError`` past 4,300 digits in an integer; hostile or broken files must give one clear reason
instead. ``loads_strict`` turns each into :class:`JSONRejected` with a short reason, so a caller reports
``file:line: reason`` and writes nothing.

Writing: ``dumps_strict`` refuses NaN/Infinity (``allow_nan=False``) so every file annotator writes is valid JSON.
"""
from __future__ import annotations

import json
from typing import Any

__all__ = ["JSONRejected", "loads_strict", "dumps_strict", "MAX_DEPTH", "MAX_INT_DIGITS"]

#: Deepest nesting accepted. Real annotation records nest < 10 levels; 200 stays far from Python's recursion limit.
MAX_DEPTH = 200
#: Longest integer accepted, in digits. Offsets and ids fit in 19 digits (int64); 30 leaves room for odd ids.
MAX_INT_DIGITS = 30


class JSONRejected(ValueError):
    """A JSON text annotator will not read; ``str(error)`` is a one-line reason without file or line."""


class InvalidJSON(JSONRejected):
    """The text is not JSON at all (a syntax error): it may be another format. The other rejections (NaN,
    Infinity, deep nesting, huge numbers) are JSON that annotator refuses to read, so a reader can blame the line."""


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise JSONRejected(f"an integer of {len(digits.lstrip('-'))} digits (at most {MAX_INT_DIGITS} are accepted)")
    return int(digits)


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise JSONRejected(f"the number {text[:20]} is too large for a float")
    return value


def _reject_constant(name: str) -> Any:
    raise JSONRejected(f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)")


def _depth_exceeds(text: str, limit: int) -> bool:
    """True when brackets outside strings nest deeper than ``limit``. Cheap test first: few brackets, no scan."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads_strict(text: str | bytes) -> Any:
    """Parse one JSON text strictly. Returns the value; raises :class:`JSONRejected` (a ``ValueError``) with a
    one-line reason for invalid JSON, NaN/Infinity, nesting deeper than ``MAX_DEPTH`` or integers longer than
    ``MAX_INT_DIGITS`` digits."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JSONRejected(f"not UTF-8 text (byte {error.start})") from None
    if _depth_exceeds(text, MAX_DEPTH):
        raise JSONRejected(f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_reject_constant)
    except JSONRejected:
        raise
    except json.JSONDecodeError as error:
        raise InvalidJSON(f"invalid JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise JSONRejected(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # e.g. a float that overflows, or a surrogate problem
        raise InvalidJSON(f"invalid JSON: {str(error).splitlines()[0]}") from None


def dumps_strict(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` that never writes NaN/Infinity (raises ``ValueError``) and keeps non-ASCII text as is."""
    kwargs.setdefault("ensure_ascii", False)
    return json.dumps(value, allow_nan=False, **kwargs)
