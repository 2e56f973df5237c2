"""brat standoff in and out: `doc.txt` + `doc.ann` (UTF-8; offsets in characters of the .txt).

`.ann` grammar (brat docs, "Standoff format"): `T1<TAB>LABEL START END[;START END]*<TAB>text`,
`R1<TAB>TYPE Arg1:T1 Arg2:T2`, `A1<TAB>NAME T1 [VALUE]`, `#1<TAB>AnnotatorNotes T1<TAB>note`, plus `E`, `M`, `N`
and `*` lines, which annotator keeps as they are (`extra["brat_other"]`) and writes back.

Mapping: a `Quote` span is a quote when it carries annotator's quote marks — a `QuoteType` attribute (written on
every quote), a speaker/cue relation or a `speaker_name: ...` note; a `Quote` span with none of them is an entity
typed Quote (a collection's own entity type; attack s4 H1), with a warning when the file also holds quotes or
Speaker/Cue spans. A quote's speaker and cue are the spans a relation whose type names a speaker or a
cue (`HasSpeaker`, `Speaker`, `HasCue`, `Cue`...) joins to it, either a `Speaker` / `Cue` span or an entity
(a speaker is often a PERSON span). A quote's type is its `QuoteType` attribute (direct when absent) and its
resolved speaker a note `speaker_name: ...`. Other T spans are entities (notes in `extra["note"]`, attributes in
`extra["attributes"]`), other relations are kept as Prodigy-style relations between entities. A discontinuous
span becomes the span that covers it (reported unless only line breaks separate its pieces; the pieces are kept
and written back). Writing puts one .txt/.ann pair per document in a folder; brat has no annotator, status or
tags, so an export takes one annotator's sets.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationSet, Document, Entity, Quote, QuoteType, Status, TextRange
from annotator.core.errors import InputError
from annotator.core.ingest import too_long_for_spacy
from annotator.core.input_files import check_input_file
from annotator.core.names import label_problem, shown
from annotator.io.set_checks import check_span
from annotator.io.records import (IMPORT_KEY, ExportIssues, ImportedSet, Where, bare_quote_warning,
                                  check_no_overlap, digest, OVERLAP_KEY, overlapping_spans, relation_name,
                                  span_relation)

OTHER_KEY = "brat_other"
IDS_KEY = "brat_ids"
"""AnnotationSet.extra key, kept with `brat_other`: the file's own T and R ids, {"T": [[start, end, label, id]],
"R": [[type, [start, end, label], [start, end, label], id]]}; an export writes the same span or relation under
the same id, so the kept lines' references stay true (a reference to what is gone drops that line, listed)."""
ID_REF = re.compile(r"^(?:[^:\s]*:)?([TREAMN#]\d+)$")
"""A reference to an annotation in a kept line's second field: `T3`, `Theme:T3` (events), `R1` (notes)."""
NOTE_PREFIX = "speaker_name: "
TYPE_ATTRIBUTES = {"quotetype", "quote_type", "type"}
T_LINE = re.compile(r"^(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")
R_LINE = re.compile(r"^(R\S*)\t(\S+) (\S+):(\S+) (\S+):(\S+)\s*$")
A_LINE = re.compile(r"^([AM]\S*)\t(\S+) (\S+)(?: (\S+))?\s*$")
NOTE_LINE = re.compile(r"^(#\S*)\t(\S+) (\S+)\t(.*)$")


def _key(span: dict[str, Any]) -> list:
    return [span["start"], span["end"], span["label"]]


def pairs_of(path: Path, summary: list[str] | None = None) -> list[tuple[Path, Path]]:
    """(.txt, .ann) pairs: the pair a file belongs to, or every pair in a folder (sorted by name). For a folder,
    `summary` gets one line for what the folder holds that is not imported: `.txt` files without a `.ann` and
    sub-folders (brat nests collections in folders; each is imported on its own). Names and stat(2) only."""
    if path.is_dir():
        anns = sorted(path.glob("*.ann"))
        if not anns:
            raise InputError(path, None, "no brat .ann files in this folder")
        if summary is not None:
            _list_not_imported(path, summary)
        return [(ann.with_suffix(".txt"), ann) for ann in anns]
    return [(path.with_suffix(".txt"), path.with_suffix(".ann"))]


def _list_not_imported(folder: Path, summary: list[str]) -> None:
    """One summary line each for `.txt` files without their `.ann` and for sub-folders of a brat folder."""
    lonely, subfolders = [], []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir():
            subfolders.append(entry.name)
        elif entry.suffix == ".txt" and not os.path.lexists(entry.with_suffix(".ann")):
            lonely.append(entry.name)
    if lonely:
        summary.append(f"{len(lonely)} .txt file(s) without a .ann not imported ({_names(lonely)}): brat needs "
                       "both; an empty .ann makes one a text without annotations")
    if subfolders:
        summary.append(f"{len(subfolders)} sub-folder(s) not imported ({_names(subfolders)}): brat keeps one "
                       "collection a folder; import each on its own")


def _names(names: list[str], shown: int = 5) -> str:
    return ", ".join(names[:shown]) + (f", and {len(names) - shown} more" if len(names) > shown else "")


def check_pair(txt: Path, ann: Path, database: str | os.PathLike | None) -> None:
    """Refuse (InputError) a pair file that must not be opened, by stat(2) only, before either is read: the
    database being imported into (or its -wal/-shm), a FIFO, device or socket (a link to /dev/zero) — reading
    one would hang or never end (core/input_files.check_input_file). A missing .txt is left to `read_text`."""
    check_input_file(ann, database)
    if os.path.lexists(txt):
        check_input_file(txt, database)


def read_text(path: Path) -> str:
    """The .txt's text, without a UTF-8 byte order mark (see `read_text_and_bom`)."""
    return read_text_and_bom(path)[0]


def read_text_and_bom(path: Path) -> tuple[str, int]:
    """(text without a leading BOM, 1 if there was one else 0). brat itself reads the .txt as plain UTF-8
    (`open_textfile` in brat's annotation.py), so a BOM is character 0 and every .ann offset counts it: the
    caller shifts the offsets back by the returned amount."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:  # newline="": offsets count "\r" too
            raw = handle.read()
            return raw.removeprefix("\ufeff"), int(raw.startswith("\ufeff"))
    except FileNotFoundError:
        raise InputError(path, None, "the .txt file of this brat .ann is missing (brat needs both)") from None
    except UnicodeDecodeError as error:
        raise InputError(path, None, f"not UTF-8 (byte {error.start}: {error.reason})") from None


def _same_text(written: str, candidates: tuple[str, ...]) -> bool:
    """brat's text column is the span's text (pieces of a discontinuous span joined by a space; brat writes a
    line break inside a span as a space): equal up to runs of whitespace."""
    squeeze = " ".join(written.split())
    return written in candidates or any(squeeze == " ".join(c.split()) for c in candidates)


def parse_pair(txt: Path, ann: Path, notes: list[str]) -> ImportedSet:
    text, bom = read_text_and_bom(txt)
    if not text.strip():
        raise InputError(txt, None, "empty text")
    if reason := too_long_for_spacy(len(text)):
        raise InputError(txt, None, reason)
    try:
        lines = ann.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as error:
        raise InputError(ann, None, f"not UTF-8 (byte {error.start}: {error.reason})") from None
    spans: dict[str, dict[str, Any]] = {}
    relations: list[tuple[int, str, str, str, str, str]] = []
    attributes: list[tuple[int, str, str, str | None]] = []
    annotator_notes: list[tuple[int, str, str]] = []
    other: list[str] = []
    seen_ids: dict[str, int] = {}
    first_of: dict[tuple, str] = {}  # (start, end, label, pieces) -> the id of the first T line with them
    aliases: dict[str, str] = {}  # the id of a repeated T line -> the first one's id (references follow it)
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        where = Where(ann, number, notes)
        ident = line.split("\t", 1)[0]
        if ident != "*":  # `*` (Equiv) lines have no id
            if ident in seen_ids:
                raise where.fail(f"duplicate id {ident} (first on line {seen_ids[ident]}); brat ids are unique in "
                                 "a file")
            seen_ids[ident] = number
        if line.startswith("T"):
            found = T_LINE.match(line)
            if not found:
                raise where.fail("a T line must read T<id><TAB>LABEL START END<TAB>text")
            ident, label, ranges, written = found.groups()
            pieces = [tuple(int(v) for v in piece.split()) for piece in ranges.split(";")]
            if bom:  # brat counted the BOM as character 0 (attack 12b #4)
                if any(piece[0] < bom for piece in pieces):
                    raise where.fail(f"{ident} starts on the .txt's byte order mark (offset 0); brat counts it as "
                                     "a character, so the first word starts at 1")
                pieces = [(a - bom, b - bom) for a, b in pieces]
                ranges = ";".join(f"{a} {b}" for a, b in pieces)
            for start, end in pieces:
                if not 0 <= start < end <= len(text):
                    raise where.fail(f"{ident} offsets {start}-{end} are outside the text (length {len(text)}) "
                                     "or empty")
            start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
            extra: dict[str, Any] = {}
            if len(pieces) > 1:
                gaps = [text[a[1]:b[0]] for a, b in zip(pieces, pieces[1:])]
                if not all(gap.strip() == "" and ("\n" in gap or "\r" in gap) for gap in gaps):
                    where.warn(f"{ident} is discontinuous ({ranges}); stored as the span {start}-{end} that "
                               "covers it with its pieces (written back to brat), and left out of NER training "
                               "(the spacy and conll exports list it)")
                    extra["fragments"] = [list(p) for p in pieces]
            expected = " ".join(text[a:b] for a, b in pieces)
            if written and not _same_text(written, (expected, text[start:end])):
                # a stale .ann (the .txt edited after annotation) or offsets of another encoding: refused, as a
                # stale span in the other formats, never imported as garbled spans
                raise where.fail(f"{ident} text {written!r} does not match the .txt at {ranges} ({expected!r}): "
                                 "the .ann is stale or its offsets count another text")
            if problem := label_problem(label):  # refused here, on its own line (attack 13b #9)
                raise where.fail(f'{ident} label "{shown(label)}" {problem}')
            for a, b in pieces:
                check_span(str(ann), number, text, f"{ident} entity", a, b, label)
            same = (start, end, label, tuple(pieces))
            if same in first_of:  # an exact repeat (brat's UI can save one twice): one span, as doccano's repeats
                aliases[ident] = first_of[same]
                where.warn(f"{ident} repeats {first_of[same]} ({label} {ranges}): kept once")
                continue
            first_of[same] = ident
            spans[ident] = {"start": start, "end": end, "label": label, "extra": extra, "line": number}
        elif line.startswith("R"):
            found = R_LINE.match(line)
            if not found:
                raise where.fail("an R line must read R<id><TAB>TYPE Arg1:T1 Arg2:T2")
            ident, kind, _, arg1, _, arg2 = found.groups()
            relations.append((number, ident, kind, arg1, arg2, line))
        elif line.startswith(("A", "M")):
            found = A_LINE.match(line)
            if not found:
                raise where.fail("an A line must read A<id><TAB>NAME T1 [VALUE]")
            if found.group(3) not in spans and not found.group(3).startswith("T"):
                other.append(line)  # an attribute of an event or relation: kept as it is
                continue
            attributes.append((number, found.group(3), found.group(2), found.group(4)))
        elif line.startswith("#"):
            found = NOTE_LINE.match(line)
            if not found:
                raise where.fail("a note must read #<id><TAB>AnnotatorNotes T1<TAB>note")
            if not found.group(3).startswith("T"):
                other.append(line)  # a note on a relation or event: kept as it is
                continue
            annotator_notes.append((number, found.group(3), found.group(4)))
        elif line[0] in "ENR*":
            other.append(line)
        else:
            raise where.fail(f"not a brat standoff line (T, R, E, A, M, N, # or *): {line[:40]!r}")
    if aliases:  # references to a repeated T line point at the span it repeats
        relations = [(n, i, kind, aliases.get(a1, a1), aliases.get(a2, a2), line)
                     for n, i, kind, a1, a2, line in relations]
        attributes = [(n, aliases.get(target, target), name, value) for n, target, name, value in attributes]
        annotator_notes = [(n, aliases.get(target, target), note) for n, target, note in annotator_notes]
    original_ids = {  # written back under the same ids, so kept E / N / * / # lines still point right
        "T": [[s["start"], s["end"], s["label"], i] for i, s in spans.items()],
        "R": [[kind, _key(spans[a1]), _key(spans[a2]), i] for _, i, kind, a1, a2, _ in relations
              if a1 in spans and a2 in spans],
    }
    quote_ids = [i for i, s in spans.items() if s["label"].lower() == "quote"]
    part_only = {i for i, s in spans.items() if s["label"].lower() in ("speaker", "cue")}
    parts: dict[str, dict[str, str]] = {q: {} for q in quote_ids}
    generic: list[tuple[int, str, str, str]] = []
    used_parts: set[str] = set()
    for number, ident, kind, arg1, arg2, line in relations:
        where = Where(ann, number, notes)
        for arg in (arg1, arg2):
            if arg not in spans:
                raise where.fail(f"{ident} points at {arg}, which is not a T span of this file")
        role = "speaker" if "speaker" in kind.lower() else "cue" if "cue" in kind.lower() else None
        quote, part = (arg1, arg2) if arg1 in parts else (arg2, arg1) if arg2 in parts else (None, None)
        if role and quote is not None and part not in parts:
            if role in parts[quote]:
                raise where.fail(f"quote {quote} has more than one {role} relation")
            parts[quote][role] = part
            parts[quote][f"{role}_type"] = kind
            used_parts.add(part)
        else:
            generic.append((number, kind, arg1, arg2))
    quote_type = {q: QuoteType.DIRECT for q in quote_ids}
    typed: set[str] = set()
    for number, target, name, value in attributes:
        where = Where(ann, number, notes)
        if target not in spans:
            raise where.fail(f"attribute {name} points at {target}, which is not a T span of this file")
        if target in quote_type and name.lower() in TYPE_ATTRIBUTES and (value or "").lower() in QuoteType._value2member_map_:
            quote_type[target] = QuoteType(value.lower())
            typed.add(target)
        else:
            spans[target]["extra"].setdefault("attributes", {})[name] = value if value is not None else True
    speaker_names: dict[str, str] = {}
    for number, target, note in annotator_notes:
        if target not in spans:
            raise Where(ann, number).fail(f"a note points at {target}, which is not a T span of this file")
        if target in quote_type and note.startswith(NOTE_PREFIX):
            speaker_names[target] = note[len(NOTE_PREFIX):]
        else:
            spans[target]["extra"]["note"] = note
    # A Quote span is a quote only with annotator's marks (a QuoteType attribute, a speaker/cue relation, a
    # speaker_name note; annotator's export writes QuoteType on every quote); else an entity typed Quote (s4 H1).
    bare = [q for q in quote_ids if not (parts[q] or q in typed or q in speaker_names)]
    if bare:
        quote_ids = [q for q in quote_ids if q not in bare]
        for q in bare:
            del quote_type[q]
        if quote_ids or part_only:
            first = spans[bare[0]]
            Where(ann, first["line"], notes).warn(bare_quote_warning(
                bare[0] + (f" and {len(bare) - 1} more" if bare[1:] else ""), first["start"], first["end"],
                first["label"]).replace("quote_type, speaker_name, a SPEAKER/CUE relation",
                                        "a QuoteType attribute, a speaker_name note, a speaker/cue relation"))
    entity_ids = [i for i in spans if i not in quote_type and not (i in part_only and i in used_parts)]
    entities = []
    overlapping: list[dict[str, Any]] = []
    # brat allows overlapping (nested) spans, NER does not: later ones are kept apart. A discontinuous span never
    # trains (spaCy spans are continuous), so continuous spans take the entity slot first (attack 12b #9); the
    # file's order is kept among each kind.
    file_order = {i: n for n, i in enumerate(entity_ids)}
    kept_ids: list[str] = []
    for i in sorted(entity_ids, key=lambda i: "fragments" in spans[i]["extra"]):
        span = spans[i]
        if any(e.start < span["end"] and span["start"] < e.end for e in entities):
            Where(ann, span["line"], notes).warn(
                f"{i} ({span['label']} {span['start']}-{span['end']}) overlaps an earlier entity; kept in "
                f"{OVERLAP_KEY} (written back on export; a span group in spaCy files), not as an entity")
            overlapping.append({"start": span["start"], "end": span["end"], "label": span["label"],
                                **({"brat": span["extra"]} if span["extra"] else {})})
            continue
        entities.append(Entity(start=span["start"], end=span["end"], label=span["label"], extra=span["extra"]))
        kept_ids.append(i)
    entities = [e for _, e in sorted(zip((file_order[i] for i in kept_ids), entities), key=lambda p: p[0])]
    check_no_overlap(Where(ann, None), entities)
    quotes = []
    for q in quote_ids:
        slot = parts[q]
        extra = dict(spans[q]["extra"])
        for role in ("speaker", "cue"):
            kind = slot.get(f"{role}_type")
            if kind and kind != ("HasSpeaker" if role == "speaker" else "HasCue"):
                extra[f"{role}_relation_type"] = kind
        quotes.append(Quote(
            start=spans[q]["start"], end=spans[q]["end"], type=quote_type[q],
            speaker=TextRange(spans[slot["speaker"]]["start"], spans[slot["speaker"]]["end"]) if "speaker" in slot else None,
            cue=TextRange(spans[slot["cue"]]["start"], spans[slot["cue"]]["end"]) if "cue" in slot else None,
            speaker_name=speaker_names.get(q), extra=extra,
        ))
    extra_set: dict[str, Any] = {}
    if generic:
        rels = []
        for number, kind, arg1, arg2 in generic:
            head, child = spans[arg1], spans[arg2]
            if arg1 not in entity_ids or arg2 not in entity_ids:
                raise Where(ann, number).fail(f"relation {kind} joins a quote part that is no entity; "
                                              "annotator keeps relations between entities and quote speaker/cue")
            rels.append({"label": kind,
                         "head_span": {"start": head["start"], "end": head["end"], "label": head["label"]},
                         "child_span": {"start": child["start"], "end": child["end"], "label": child["label"]}})
        extra_set["relations"] = rels
    if overlapping:
        extra_set[OVERLAP_KEY] = overlapping
    if other:
        extra_set[OTHER_KEY] = other
        extra_set[IDS_KEY] = original_ids
    aset = AnnotationSet(doc_id=0, annotator="", status=Status.DONE, entities=entities, quotes=quotes,
                         extra=extra_set)
    aset.extra[IMPORT_KEY] = {"had": ["brat"], "digest": digest(aset)}
    return ImportedSet(text, {"file": txt.name}, None, aset, None, source=ann)


def iter_brat_sets(path: Path, notes: list[str], summary: list[str] | None = None,
                   database: str | os.PathLike | None = None):
    """(None, [the pair's set] or its InputError, bytes read so far) for each pair of the file's pair or folder
    (`pairs_of`). Each pair's files are checked by stat(2) before they are opened (`check_pair`): the database
    `database` or a device/FIFO is refused for that pair."""
    done = 0
    for txt, ann in pairs_of(path, summary):
        try:
            check_pair(txt, ann, database)
            done += ann.stat().st_size + (txt.stat().st_size if txt.exists() else 0)
            yield None, [parse_pair(txt, ann, notes)], done
        except InputError as error:
            yield error.line, error, done


# -- writing -------------------------------------------------------------------------------------------------


def check_brat_label(label: str, doc_id: int | None, what: str = "label") -> None:
    """Refuse (ValueError, one line) a label brat's `.ann` grammar cannot hold as it is: whitespace separates
    its fields, so `NEW LABEL` would be read back as another label (renaming it would change the data)."""
    if not label or re.search(r"\s", label):
        raise ValueError(f"{what} {label!r} (document {doc_id}) holds whitespace, which brat's .ann fields cannot "
                         "carry: relabel those entities (in the window), or leave the label out with --labels")


class _Ids:
    """brat ids for one .ann: a span or relation the imported file had gets its own id back; any other gets the
    lowest free number of its kind, never one the file used (a kept line may point at it)."""

    def __init__(self, extra: dict[str, Any], kept: list[str]):
        ids = extra.get(IDS_KEY) if isinstance(extra.get(IDS_KEY), dict) else {}
        self.wanted: dict[tuple, str] = {}
        ranges: dict[tuple, list[str]] = {}
        for start, end, label, ident in ids.get("T", []) or []:
            self.wanted.setdefault(("T", start, end, label), ident)
            ranges.setdefault(("T", start, end), []).append(ident)
        for key, found in ranges.items():  # a relabelled span keeps its id (its range names it alone)
            if len(found) == 1:
                self.wanted.setdefault(key, found[0])
        for kind, head, child, ident in ids.get("R", []) or []:
            self.wanted.setdefault(("R", kind, tuple(head), tuple(child)), ident)
        self.reserved = set(self.wanted.values()) | {line.split("\t", 1)[0] for line in kept}
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}

    def take(self, kind: str, key: tuple | None = None) -> str:
        ident = self.wanted.get((kind, *key)) if key is not None else None
        if (ident is None or ident in self.used) and kind == "T" and key is not None:
            ident = self.wanted.get((kind, *key[:2]))
        if ident is not None and ident not in self.used:
            self.used.add(ident)
            return ident
        number = self.counters.get(kind, 0)
        while True:
            number += 1
            ident = f"{kind}{number}"
            if ident not in self.reserved and ident not in self.used:
                break
        self.counters[kind] = number
        self.used.add(ident)
        return ident


def ann_text(doc: Document, aset: AnnotationSet, *, labels: set[str] | None, issues: ExportIssues) -> str:
    """The .ann of one set (brat's grammar; a span over line breaks is written as pieces, as brat does). Spans
    and relations keep the ids the imported file gave them; kept `E`/`N`/`*`/`#`/`A` lines are written only if
    every annotation they point at is written (else left out and listed)."""
    text = doc.text
    lines: list[str] = []
    kept = [line for line in aset.extra.get(OTHER_KEY, []) or [] if isinstance(line, str)]
    ids = _Ids(aset.extra, kept)
    by_key: dict[tuple[int, int, str], str] = {}

    def t_line(start: int, end: int, label: str, fragments: list[list[int]] | None = None, *,
               part: bool = False) -> str:
        # `part`: a quote's own Speaker/Cue span, kept apart from an entity with the same offsets and label
        key = (start, end, label, "part") if part else (start, end, label)
        if key in by_key:
            return by_key[key]
        pieces = fragments or [[m.start() + start, m.end() + start] for m in re.finditer(r"[^\r\n]+", text[start:end])]
        pieces = [p for p in pieces if p[0] < p[1]] or [[start, end]]
        ident = ids.take("T", key[:3])
        covered = " ".join(text[a:b] for a, b in pieces)
        lines.append(f"{ident}\t{label} {';'.join(f'{a} {b}' for a, b in pieces)}\t{covered}")
        by_key[key] = ident
        return ident

    def r_line(kind: str, head: tuple, child: tuple, arg1: str, arg2: str) -> None:
        lines.append(f"{ids.take('R', (kind, head, child))}\t{kind} Arg1:{arg1} Arg2:{arg2}")

    entity_ids = {}
    for entity in aset.entities:
        if labels is not None and entity.label not in labels:
            continue
        check_brat_label(entity.label, doc.id)
        ident = t_line(entity.start, entity.end, entity.label, entity.extra.get("fragments"))
        entity_ids[(entity.start, entity.end)] = (ident, entity.label)
        for name, value in (entity.extra.get("attributes") or {}).items():
            lines.append(f"{ids.take('A')}\t{name} {ident}" + ("" if value is True else f" {value}"))
        if isinstance(entity.extra.get("note"), str):
            lines.append(f"{ids.take('#')}\tAnnotatorNotes {ident}\t{entity.extra['note']}")
    for span in overlapping_spans(aset):  # brat holds overlapping spans (a spans_manual task's)
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if isinstance(start, int) and isinstance(end, int) and isinstance(label, str) and (
                labels is None or label in labels):
            check_brat_label(label, doc.id)
            kept_extra = span.get("brat") if isinstance(span.get("brat"), dict) else {}
            ident = t_line(start, end, label, kept_extra.get("fragments"))
            entity_ids.setdefault((start, end), (ident, label))
            for name, value in (kept_extra.get("attributes") or {}).items():
                lines.append(f"{ids.take('A')}\t{name} {ident}" + ("" if value is True else f" {value}"))
            if isinstance(kept_extra.get("note"), str):
                lines.append(f"{ids.take('#')}\tAnnotatorNotes {ident}\t{kept_extra['note']}")
    for kept_relation in aset.extra.get("relations", []) or []:
        relation = span_relation(kept_relation, aset) or {}  # a doccano relation too (attack s4 M2)
        head, child = relation.get("head_span") or {}, relation.get("child_span") or {}
        a = entity_ids.get((head.get("start"), head.get("end")))
        b = entity_ids.get((child.get("start"), child.get("end")))
        if a and b:
            kind = str(relation.get("label") or "Related")
            check_brat_label(kind, doc.id, "relation type")
            r_line(kind, (head.get("start"), head.get("end"), a[1]), (child.get("start"), child.get("end"), b[1]),
                   a[0], b[0])
        else:
            issues.dropped_relations.append(f"document {doc.id} ({aset.annotator}): relation "
                                            f"{relation_name(kept_relation)} left out: one of its entities was changed, "
                                            "deleted or not exported")
    for quote in aset.quotes:
        ident = t_line(quote.start, quote.end, "Quote", quote.extra.get("fragments"))
        # always written (direct too): a Quote span without it is read back as an entity typed Quote (s4 H1)
        lines.append(f"{ids.take('A')}\tQuoteType {ident} {QuoteType(quote.type).value}")
        for role, rng, label, default in (("speaker", quote.speaker, "Speaker", "HasSpeaker"),
                                          ("cue", quote.cue, "Cue", "HasCue")):
            if rng is None:
                continue
            found = entity_ids.get((rng.start, rng.end))
            if found and found[1].lower() in ("speaker", "cue"):
                # an entity labelled SPEAKER/CUE on the part's words: reused, it would be read back as the part
                # only and the entity lost; the part gets its own span (attack v4 H2)
                found = None
            part_label = found[1] if found else label
            part = found[0] if found else t_line(rng.start, rng.end, label, part=True)
            kind = quote.extra.get(f"{role}_relation_type") or default
            r_line(kind, (quote.start, quote.end, "Quote"), (rng.start, rng.end, part_label), ident, part)
        if quote.speaker_name:
            lines.append(f"{ids.take('#')}\tAnnotatorNotes {ident}\t{NOTE_PREFIX}{quote.speaker_name}")
        if isinstance(quote.extra.get("note"), str):
            lines.append(f"{ids.take('#')}\tAnnotatorNotes {ident}\t{quote.extra['note']}")
    written = {line.split("\t", 1)[0] for line in lines} | {line.split("\t", 1)[0] for line in kept}
    remaining = list(kept)
    changed = True
    while changed:  # a line pointing at a dropped line (an attribute of a left-out event) goes too
        changed = False
        for line in list(remaining):
            fields = line.split("\t")
            refs = [m.group(1) for token in (fields[1].split() if len(fields) > 1 else [])
                    if (m := ID_REF.match(token))]
            gone = [ref for ref in refs if ref not in written]
            if gone:
                issues.dropped_relations.append(
                    f"document {doc.id} ({aset.annotator}): brat line {line[:60]!r} left out: it points at "
                    f"{', '.join(gone)}, which was changed or deleted")
                remaining.remove(line)
                written.discard(fields[0])
                changed = True
    lines.extend(remaining)
    return "".join(line + "\n" for line in lines)


class BratWriter:
    """One .txt/.ann pair per document in the output folder, as brat keeps a collection: a new folder, or an
    existing one (a brat collection with its `annotation.conf`, an earlier export) written into. Each file is
    written atomically; files of the folder that are not this export's pairs are left alone. A failed export
    removes the pairs it created and leaves the files it would have replaced whole (each is either the old or
    the new file)."""

    def __init__(self, output: Path, *, labels: set[str] | None, issues: ExportIssues):
        self.output = Path(output)
        self.labels = labels
        self.issues = issues
        self.files: list[Path] = []
        self.created: list[Path] = []
        self.replaced: list[Path] = []
        self.names: set[str] = set()
        self.annotators: set[str] = set()

    def add(self, doc: Document, aset: AnnotationSet) -> None:
        from annotator.core.files import write_text_atomic

        self.annotators.add(aset.annotator)
        if len(self.annotators) > 1:
            raise ValueError(f"brat has no annotator field: choose one with --annotator (this export has "
                             f"{', '.join(sorted(self.annotators))})")
        ann_content = ann_text(doc, aset, labels=self.labels, issues=self.issues)  # refuses before writing
        stem = self._free_stem(doc)
        self.names.add(stem.casefold())
        self.output.mkdir(parents=True, exist_ok=True)
        txt, ann = self.output / f"{stem}.txt", self.output / f"{stem}.ann"
        for path, content in ((txt, doc.text), (ann, ann_content)):
            if not path.exists():
                self.created.append(path)
            else:
                self.replaced.append(path)  # an earlier export's pair of that name: listed in the summary
            write_text_atomic(path, content)
        self.files += [txt, ann]

    def _free_stem(self, doc: Document) -> str:
        """The pair's name: the document's stored file name (`meta.file`, from a brat import), else `doc-<id>`;
        a name this export already wrote (another document's stored name may be `doc-7`, attack s4 H5) takes the
        next free `-2`, `-3`, ... so every document gets its own pair and none is overwritten."""
        stem = Path(str(doc.meta.get("file") or "")).stem
        # names are told apart case-insensitively: `a.txt` and `A.TXT` are one file on macOS and Windows
        if not stem or stem.casefold() in self.names or not re.fullmatch(r"[\w.-]+", stem):
            stem = f"doc-{doc.id}"
        base, number = stem, 1
        while stem.casefold() in self.names:
            number += 1
            stem = f"{base}-{number}"
        return stem

    def close(self) -> list[Path]:
        self.output.mkdir(parents=True, exist_ok=True)
        return [self.output]

    def discard(self) -> None:
        for path in self.created:
            path.unlink(missing_ok=True)
