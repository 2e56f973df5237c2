"""What every annotation set must hold to be stored, wherever it comes from (`annotator import`, and `ingest` of
records carrying their pre-extraction): the rules of issue 17, in one place.

- A label or tag name is one line of visible text (core/names.name_problem: no control character, newline, line
  or paragraph separator, no edge spaces, not empty).
- An entity, quote, speaker or cue holds at least one visible character (core/spans.has_visible_character);
  one that starts or ends in whitespace is kept but listed.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.errors import InputError
from annotator.core.model import Entity, Quote, Tag
from annotator.core.names import label_problem, name_problem, shown
from annotator.core.spans import describe_blank, has_blank_edge, has_visible_character


def check_set_content(path: str, line: int | None, text: str, entities: Iterable[Entity], quotes: Iterable[Quote],
                      tags: Iterable[Tag] = (), *, checked: set | None = None,
                      blank_edges: list[str] | None = None) -> None:
    """Refuse (InputError `path:line: reason`) an entity, quote, speaker or cue with no visible character, or a
    label or tag name with a control character (or otherwise not one line of visible text). Offsets are code
    points into `text`, already checked to lie inside it. `checked` caches names already found good (they
    repeat across a file); `blank_edges` receives `path:line: …` for spans starting or ending in whitespace."""
    checked = set() if checked is None else checked
    for tag in tags:
        if tag.tag not in checked:
            if problem := name_problem(tag.tag):
                raise InputError(path, line, f'tag "{shown(tag.tag)}" {problem}')
            checked.add(tag.tag)
    for entity in entities:
        label, start, end = entity.label, entity.start, entity.end
        if ("label", label) not in checked:  # apart from tags: "O" is a fine tag, not an entity label
            if problem := label_problem(label):
                raise InputError(path, line, f'label "{shown(label)}" {problem}')
            checked.add(("label", label))
        first, last = text[start], text[end - 1]
        if first.isascii() and last.isascii() and first.isalnum() and last.isalnum():  # fast path
            continue
        check_span(path, line, text, "entity", start, end, label, blank_edges)
    for quote in quotes:  # quotes, speakers and cues follow the entity rule (issue 17)
        check_span(path, line, text, "quote", quote.start, quote.end, "", blank_edges)
        if quote.speaker:
            check_span(path, line, text, "speaker", quote.speaker.start, quote.speaker.end, "", blank_edges)
        if quote.cue:
            check_span(path, line, text, "cue", quote.cue.start, quote.cue.end, "", blank_edges)


def check_span(path: str, line: int | None, text: str, what: str, start: int, end: int, label: str = "",
               blank_edges: list[str] | None = None) -> None:
    """Refuse a span with no visible character (`path:line`); list one that starts or ends in whitespace."""
    if not has_visible_character(text, start, end):
        raise InputError(path, line, f"{what} {label}".rstrip() + f": {describe_blank(text, start, end)}")
    if blank_edges is not None and has_blank_edge(text, start, end):
        named = f"{what} {start}-{end} {label}".rstrip()
        where = f"{path}:{line}" if line is not None else str(path)
        blank_edges.append(f"{where}: {named} {text[start:end]!r} starts or ends in whitespace")
