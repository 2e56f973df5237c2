"""doccano's text-classification CSV in: a header with `text` and `label` (or `labels`) columns, a row per
text (doccano's export writes one row per label, so rows repeating a text add labels; a label cell may also hold
several labels separated by `#`, as doccano's exporter joins them). Each text's labels become document tags of
one annotator's set (a `user` column names the annotator). Other columns go to the document's meta."""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.ingest import MAX_EXTRACT_CHARS
from annotator.core.model import AnnotationSet, Status, Tag, TargetKind
from annotator.io.records import ENTITIES_KEY, IMPORT_KEY, ImportedSet, digest


CSV_CELL_LIMIT = MAX_EXTRACT_CHARS + 1
"""Longest CSV cell read, in characters: the longest text annotator imports (spaCy's nlp.max_length, as every
other format) plus a leading BOM, which is stripped. Python's csv module stops at 131,072 by default (v4 M4); a
longer cell is refused naming that limit, as an over-long text is in the other formats."""


def iter_csv_sets(path: Path, notes: list[str]):
    """(line, [ImportedSet] or InputError, characters read so far) for each text of the doccano CSV at `path`
    (module docstring); rows repeating a text add labels to it."""
    if csv.field_size_limit() < CSV_CELL_LIMIT:  # process-wide: only ever raised, never lowered
        csv.field_size_limit(CSV_CELL_LIMIT)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as error:
        yield None, InputError(path, None, str(error)), 0
        return
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except (StopIteration, csv.Error, UnicodeDecodeError) as error:
            yield 1, InputError(path, 1, f"not a doccano CSV ({error or 'empty'})"), 0
            return
        repeated = sorted({name for name in header if name and header.count(name) > 1})
        if repeated:  # which one holds the text or the labels would be a guess (the other went to meta)
            where = ", ".join(f'"{name}" (columns {", ".join(str(i + 1) for i, h in enumerate(header) if h == name)})'
                              for name in repeated)
            yield 1, InputError(path, 1, f"the header names a column twice: {where}; give each column its own "
                                         "name"), 0
            return
        if "text" not in header:
            yield 1, InputError(path, 1, f'a doccano CSV needs a "text" column (columns: {", ".join(header)})'), 0
            return
        text_at = header.index("text")
        label_at = next((header.index(k) for k in ("label", "labels") if k in header), None)
        user_at = header.index("user") if "user" in header else None
        done = 0
        grouped: dict[tuple[str, str | None], list] = {}  # rows repeating a text add labels to it
        try:
            ended = reader.line_num  # the line the previous row ended on
            for row in reader:
                # a row's own first line (a quoted cell may hold line breaks: line_num is where the row ends)
                number, ended = ended + 1, reader.line_num
                done += sum(len(cell) + 1 for cell in row)
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    yield number, InputError(path, number, f"{len(row)} cells, but the header has {len(header)}"), done
                    continue
                text = row[text_at]
                if not text.strip():
                    yield number, InputError(path, number, '"text" is empty'), done
                    continue
                labels = [x.strip() for x in (row[label_at] if label_at is not None else "").split("#") if x.strip()]
                meta = {name: row[i] for i, name in enumerate(header) if i not in (text_at, label_at, user_at)}
                user = row[user_at].strip() if user_at is not None and row[user_at].strip() else None
                slot = grouped.setdefault((text, user), [number, meta, []])
                slot[2].extend(labels)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                yield reader.line_num, InputError(path, reader.line_num, (
                    f"a cell longer than {MAX_EXTRACT_CHARS:,} characters: longer than spaCy takes (nlp.max_length);"
                    " split the text into articles")), done
            else:
                yield reader.line_num, InputError(path, reader.line_num, f"bad CSV: {error}"), done
        except UnicodeDecodeError as error:
            yield None, InputError(path, None, f"not UTF-8 (byte {error.start}: {error.reason})"), done
    for (text, user), (number, meta, labels) in grouped.items():
        aset = AnnotationSet(doc_id=0, annotator="", status=Status.DONE,
                             tags=[Tag(tag=label, target_kind=TargetKind.DOCUMENT) for label in dict.fromkeys(labels)])
        # a classification CSV never annotated entities: NER tokens missing, never O (attack 12b #2)
        aset.extra[IMPORT_KEY] = {"had": ["csv"], "digest": digest(aset), ENTITIES_KEY: False}
        yield number, [ImportedSet(text, meta, user, aset if labels else None, number)], done
