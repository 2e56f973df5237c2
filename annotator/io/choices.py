"""Document tags from Prodigy `choice` answers (`options` + `accept`) and spaCy `cats`, and back on export.

Kept apart from `records` and `prodigy_answers` (which both use it) so neither imports the other: the `where`
passed in only needs `fail(reason) -> InputError` (records.Where)."""

from __future__ import annotations

from typing import Any


def _kind(value: Any) -> str:
    return "null" if value is None else {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__)


def _need_list(where, value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise where.fail(f"{what} must be an array, got {_kind(value)}")
    return value


def option_tag(option: dict[str, Any]) -> str | None:
    """The tag an option stands for: its id when that is a string, else its text."""
    value = option.get("id")
    if not isinstance(value, str) or not value.strip():
        value = option.get("text")
    return value.strip() if isinstance(value, str) and value.strip() else None


def choice_tags(where, record: dict[str, Any]) -> list[str]:
    """Document tags from a choice task's accepted options (`accept` holds option ids)."""
    accepted = record.get("accept")
    if accepted is None:
        return []
    _need_list(where, accepted, '"accept"')
    options = record.get("options") or []
    _need_list(where, options, '"options"')
    by_id = {}
    for number, option in enumerate(options):
        if not isinstance(option, dict):
            raise where.fail(f"option {number} must be an object, got {_kind(option)}")
        by_id[_id_key(option.get("id"))] = option
    tags = []
    for value in accepted:
        option = by_id.get(_id_key(value))
        tag = option_tag(option) if option is not None else (value if isinstance(value, str) else None)
        if tag is None:
            raise where.fail(f'"accept" names {value!r}, which is not one of the task\'s "options"')
        tags.append(tag)
    return tags


def _id_key(value: Any) -> str:
    return f"{type(value).__name__}:{value}"


def cats_tags(where, record: dict[str, Any]) -> list[str]:
    """Document tags from spaCy `cats`: labels scored 1 (a score below 1 is a prediction or a "not")."""
    cats = record.get("cats")
    if cats is None:
        return []
    if not isinstance(cats, dict):
        raise where.fail(f'"cats" must be an object, got {_kind(cats)}')
    tags = []
    for label, score in cats.items():
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise where.fail(f'"cats" score of {label!r} must be a number, got {_kind(score)}')
        if not label.strip():
            raise where.fail('"cats" has an empty label')
        if score == 1:
            tags.append(label.strip())
    return tags


def refresh_choice_and_cats(record: dict[str, Any], doc_tags: list[str]) -> None:
    """On export: `accept` and `cats` say what the set's document tags say now (unchanged values stay as they
    came, so an unedited set is written back identically)."""
    options = record.get("options")
    if isinstance(record.get("accept"), list) and isinstance(options, list):
        tagged = set(doc_tags)
        record["accept"] = [o.get("id") for o in options if isinstance(o, dict) and option_tag(o) in tagged]
    cats = record.get("cats")
    if isinstance(cats, dict):
        fresh = {}
        for label, score in cats.items():
            tagged = label in doc_tags
            was = not isinstance(score, bool) and isinstance(score, (int, float)) and score == 1
            fresh[label] = score if tagged == was else (1.0 if tagged else 0.0)
        for tag in doc_tags:
            fresh.setdefault(tag, 1.0)
        record["cats"] = fresh
