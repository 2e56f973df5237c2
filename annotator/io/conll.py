"""CoNLL-2003 and two-column IOB in and out, through spaCy's own tag helpers (`spacy.training.iob_to_biluo`,
`biluo_tags_to_spans`, `offsets_to_biluo_tags`, `biluo_to_iob`); spaCy is imported only when this runs.

Read: a token a line, columns separated by spaces or tabs, the NER tag last (BIO/IOB2, IOB1 where `I-` opens a
span, or BILUO/BIOES with `S-`/`E-`), a blank line between sentences, `-DOCSTART-` lines between documents. A
file without `-DOCSTART-` is one document a sentence (as `spacy convert -n 1`). CoNLL has no character offsets:
the text is rebuilt from the tokens (joined by a space, sentences by a newline), so offsets are exact in it.
Middle columns (CoNLL-2003's POS and chunk tags) are kept in the set's `extra["conll"]` and written back.
Write: `conll` is CoNLL-2003 (`word POS chunk TAG`, documents opened by spaCy's delimiter `-DOCSTART- -X- O O`);
`iob` is two tab-separated columns. Tags are BIO. A text that came from CoNLL keeps its tokens; any other text is
tokenized by spaCy's blank tokenizer, a line a sentence. CoNLL has no annotator, status, quotes, tags or
"missing" tokens: an export takes one annotator's sets, and a span that does not fall on token boundaries is
reported and written as O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationSet, Document, Entity, Status
from annotator.core.errors import InputError
from annotator.io.records import IMPORT_KEY, ExportIssues, ImportedSet, Where, check_no_overlap, digest

CONLL_KEY = "conll"
"""AnnotationSet.extra key: {"columns": [[[middle columns] per token] per sentence]} when the file had any."""
DOCSTART = "-DOCSTART-"
SPACY_DOCSTART = "-DOCSTART- -X- O O"
"""The document delimiter `spacy convert` splits on (conll_ner_to_docs)."""
PLACEHOLDERS = {"-X-", "_", "-", "O"}
TAG = re.compile(r"^(O|([BIESLU])[-_](.+))$")


def _vocab():
    from annotator.io.prodigy import blank_nlp

    return blank_nlp("en").vocab


def _read_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, line, f"not UTF-8 (byte {error.start}: {error.reason})") from None
    return text.split("\n")


def _documents(path: Path, lines: list[str]) -> Iterator[tuple[int, list[list[tuple[int, list[str]]]]]]:
    """(first line number, sentences), a sentence being [(line number, columns)]."""
    has_docstart = any(line.split()[:1] == [DOCSTART] for line in lines)
    doc_line, sentences, current = None, [], []
    for number, line in enumerate(lines, 1):
        columns = line.split()
        if columns and columns[0] == "#" and not TAG.match(columns[-1]):
            continue  # a comment line ("# id = 3", "# text = ..."), as CoNLL-U style files carry
        if not columns or columns[0] == DOCSTART:
            if current:
                sentences.append(current)
                current = []
            if columns and sentences:
                yield doc_line, sentences
                sentences = []
            if not has_docstart and sentences:
                yield doc_line, sentences
                sentences = []
            continue
        if not current and not sentences:
            doc_line = number
        current.append((number, columns))
    if current:
        sentences.append(current)
    if sentences:
        yield doc_line, sentences


def _biluo(where_of, tags: list[tuple[int, str]]) -> list[str]:
    """BILUO tags of a sentence from BIO / IOB1 / BILUO / BIOES tags (spaCy's iob_to_biluo for IOB)."""
    from spacy.training import iob_to_biluo

    normal = []
    for number, tag in tags:
        found = TAG.match(tag)
        if not found:
            raise where_of(number).fail(f"{tag!r} is not an IOB tag (B-X, I-X, O; or BILUO/BIOES)")
        normal.append("O" if tag == "O" else f"{found.group(2)}-{found.group(3)}")
    if any(t[0] in "ESLU" for t in normal if t != "O"):
        return [{"S": "U", "E": "L"}.get(t[0], t[0]) + t[1:] if t != "O" else t for t in normal]
    return iob_to_biluo(normal)


def parse_document(path: Path, first_line: int, sentences: list[list[tuple[int, list[str]]]],
                   notes: list[str]) -> ImportedSet:
    from spacy.tokens import Doc
    from spacy.training import biluo_tags_to_spans

    vocab = _vocab()
    texts, entities, columns = [], [], []
    offset = 0
    for sentence in sentences:
        widths = {len(cols) for _, cols in sentence}
        if min(widths) < 2:
            number = next(n for n, cols in sentence if len(cols) < 2)
            raise InputError(path, number, "a token line needs the token and its tag (at least two columns)")
        words = [cols[0] for _, cols in sentence]
        try:
            biluo = _biluo(lambda n: Where(path, n), [(n, cols[-1]) for n, cols in sentence])
            doc = Doc(vocab, words=words, spaces=[True] * (len(words) - 1) + [False])
            spans = biluo_tags_to_spans(doc, biluo)
        except ValueError as error:
            if isinstance(error, InputError):
                raise
            raise InputError(path, sentence[0][0], f"the tags of this sentence do not form spans ({error})") from None
        for span in spans:
            entities.append(Entity(start=offset + span.start_char, end=offset + span.end_char, label=span.label_))
        columns.append([cols[1:-1] for _, cols in sentence])
        texts.append(doc.text)
        offset += len(doc.text) + 1
    text = "\n".join(texts)
    where = Where(path, first_line, notes)
    check_no_overlap(where, entities)
    extra: dict[str, Any] = {}
    if any(any(c not in PLACEHOLDERS for c in cols) for sentence in columns for cols in sentence):
        extra[CONLL_KEY] = {"columns": columns}
    aset = AnnotationSet(doc_id=0, annotator="", status=Status.DONE, entities=entities, extra=extra)
    aset.extra[IMPORT_KEY] = {"had": ["conll"], "digest": digest(aset)}
    return ImportedSet(text, {}, None, aset, first_line)


def iter_conll_sets(path: Path, notes: list[str]):
    """(line, [ImportedSet] or InputError, characters read) a document at a time."""
    try:
        lines = _read_lines(path)
    except InputError as error:
        yield error.line, error, 0
        return
    done = counted = 0
    for first_line, sentences in _documents(path, lines):
        last = sentences[-1][-1][0]
        done += sum(len(line) + 1 for line in lines[counted:last])
        counted = last
        try:
            yield first_line, [parse_document(path, first_line, sentences, notes)], done
        except InputError as error:
            yield first_line, error, done


# -- writing -------------------------------------------------------------------------------------------------


def _sentences(doc: Document, aset: AnnotationSet) -> list[tuple[int, list[tuple[str, int, int]], list[list[str]] | None]]:
    """(line start offset, [(word, start, end)], kept middle columns or None) for each non-blank line."""
    from annotator.io.prodigy import blank_nlp

    kept = (aset.extra.get(CONLL_KEY) or {}).get("columns") if isinstance(aset.extra.get(CONLL_KEY), dict) else None
    from_conll = CONLL_KEY in aset.extra or (aset.extra.get(IMPORT_KEY) or {}).get("had") == ["conll"]
    result = []
    offset = 0
    index = 0
    for line in doc.text.split("\n"):
        if line.strip():
            if from_conll:
                words = [(m.group(), offset + m.start(), offset + m.end()) for m in re.finditer(r"\S+", line)]
            else:
                made = blank_nlp("en").make_doc(line)
                words = [(t.text, offset + t.idx, offset + t.idx + len(t.text)) for t in made if not t.is_space]
            columns = kept[index] if kept and index < len(kept) and len(kept[index]) == len(words) else None
            result.append((offset, words, columns))
            index += 1
        offset += len(line) + 1
    return result


def conll_lines(doc: Document, aset: AnnotationSet, *, two_columns: bool, labels: set[str] | None,
                issues: ExportIssues) -> list[list[str]]:
    """The document's sentences as token lines (without line ends); BIO tags from spaCy's helpers."""
    from spacy.tokens import Doc
    from spacy.training import biluo_to_iob, offsets_to_biluo_tags

    vocab = _vocab()
    entities = [e for e in aset.entities if labels is None or e.label in labels]
    sentences = []
    for start, words, columns in _sentences(doc, aset):
        if not words:
            continue
        end = words[-1][2]
        # the sentence as a reader rebuilds it: its tokens joined by single spaces
        sdoc = Doc(vocab, words=[w for w, _, _ in words], spaces=[True] * (len(words) - 1) + [False])
        inside = []
        for entity in entities:
            if entity.start >= start and entity.end <= end:
                inside.append(entity)
            elif entity.start < end and entity.end > start:
                issues.misaligned_span(doc.id, aset.annotator, entity.start, entity.end, f"{entity.label} entity",
                                       "crosses a line (a CoNLL sentence); written as O")
        # offsets inside the rebuilt sentence: its words are the text's own characters with single spaces between
        shift = {}
        position = 0
        for word, w_start, w_end in words:
            shift[w_start] = position
            shift[w_end] = position + len(word)
            position += len(word) + 1
        offsets = []
        for entity in inside:
            if entity.start in shift and entity.end in shift:
                offsets.append((shift[entity.start], shift[entity.end], entity.label))
            else:
                issues.misaligned_span(doc.id, aset.annotator, entity.start, entity.end, f"{entity.label} entity",
                                       "written as O")
        tags = biluo_to_iob(offsets_to_biluo_tags(sdoc, offsets, missing="O"))
        rows = []
        for i, (word, _, _) in enumerate(words):
            tag = tags[i] if tags[i] != "-" else "O"
            if two_columns:
                rows.append(f"{word}\t{tag}")
            else:
                middle = columns[i] if columns else ["-X-", "-X-"]
                rows.append(" ".join([word, *middle, tag]))
        sentences.append(rows)
    return sentences


class ConllWriter:
    """Writes one CoNLL file (atomically) for the export: `conll` or `iob` (two columns)."""

    def __init__(self, output: Path, *, two_columns: bool, labels: set[str] | None, issues: ExportIssues):
        self.output = Path(output)
        self.two_columns = two_columns
        self.labels = labels
        self.issues = issues
        self.blocks: list[list[list[str]]] = []
        self.annotators: set[str] = set()

    def add(self, doc: Document, aset: AnnotationSet) -> None:
        self.annotators.add(aset.annotator)
        if len(self.annotators) > 1:
            raise ValueError(
                f"CoNLL has no annotator column: choose one with --annotator (this export has "
                f"{', '.join(sorted(self.annotators))})")
        self.blocks.append(conll_lines(doc, aset, two_columns=self.two_columns, labels=self.labels,
                                       issues=self.issues))

    def close(self) -> list[Path]:
        from annotator.core.files import atomic_write

        self.output.parent.mkdir(parents=True, exist_ok=True)
        docstart = SPACY_DOCSTART if not self.two_columns else f"{DOCSTART}\tO"
        with_docstart = not self.two_columns or any(len(block) > 1 for block in self.blocks)
        with atomic_write(self.output, "w", newline="\n") as handle:
            for block in self.blocks:
                if with_docstart:
                    handle.write(docstart + "\n\n")
                for sentence in block:
                    handle.write("\n".join(sentence) + "\n\n")
        return [self.output]

    def discard(self) -> None:
        pass
