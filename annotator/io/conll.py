"""CoNLL-2003 and two-column IOB in and out, through spaCy's own tag helpers (`spacy.training.iob_to_biluo`,
`biluo_tags_to_spans`, `offsets_to_biluo_tags`, `biluo_to_iob`); spaCy is imported only when this runs.

Read: a token a line, columns separated by spaces or tabs, the NER tag last (BIO/IOB2, IOB1 where `I-` opens a
span, or BILUO/BIOES with `S-`/`E-`), a blank line between sentences, `-DOCSTART-` lines between documents. A
file without `-DOCSTART-` is one document a sentence (as `spacy convert -n 1`). CoNLL has no character offsets:
the text is rebuilt from the tokens (joined by a space, sentences by a newline), so offsets are exact in it.
Middle columns (CoNLL-2003's POS and chunk tags) are kept in the set's `extra["conll"]` and written back.
Write: `conll` is CoNLL-2003 (`word POS chunk TAG`, documents opened by spaCy's delimiter `-DOCSTART- -X- O O`);
`iob` is two tab-separated columns (documents of several lines opened by the same spaCy delimiter, which
`spacy convert` splits on and other CoNLL readers skip). Tags are BIO. A text that came from CoNLL keeps its tokens; any other text is
tokenized by spaCy's tokenizer (the one the spaCy DocBin export uses), a line a sentence. CoNLL has no
annotator, status, quotes, tags or "missing" tokens: an export takes one annotator's sets, and a document with an
entity that does not fall on token boundaries (or crosses a line, or is discontinuous) is left out and listed
(O there would teach "no entity" on tokens a person labelled). A label holding whitespace is
refused (the columns are space-separated).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationSet, Document, Entity, Status
from annotator.core.errors import InputError
from annotator.core.names import label_problem as _label_problem, shown
from annotator.io.records import (IMPORT_KEY, ExportIssues, ImportedSet, Where, check_no_overlap, digest,
                                  overlapping_spans)

CONLL_KEY = "conll"
"""AnnotationSet.extra key: {"columns": [[[middle columns] per token] per sentence]} when the file had any."""
DOCSTART = "-DOCSTART-"
SPACY_DOCSTART = "-DOCSTART- -X- O O"
"""The document delimiter `spacy convert` splits on (conll_ner_to_docs)."""
label_problem = functools.lru_cache(maxsize=4096)(_label_problem)
"""core.names.label_problem, remembered: a file repeats its few labels on every token line."""
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
        if tag != "O" and (problem := label_problem(found.group(3))):  # named on the tag's own line (13b #9)
            raise where_of(number).fail(f'label "{shown(found.group(3))}" {problem}')
        normal.append("O" if tag == "O" else f"{found.group(2)}-{found.group(3)}")
    if any(t[0] in "ESLU" for t in normal if t != "O"):
        return [{"S": "U", "E": "L"}.get(t[0], t[0]) + t[1:] if t != "O" else t for t in normal]
    return iob_to_biluo(normal)


def first_broken_tag(biluo: list[str]) -> int | None:
    """The index of the first tag of a BILUO sequence that cannot follow the ones before it (an `I-`/`L-` with no
    open entity of its label, or a `B-`/`U-`/`O` while one is open), so a refusal names that token's line."""
    open_label = None
    for index, tag in enumerate(biluo):
        prefix, label = (tag[0], tag[2:]) if tag not in ("O", "-", "") else ("O", None)
        if prefix in "IL":
            if open_label != label:
                return index
            open_label = label if prefix == "I" else None
        else:
            if open_label is not None:
                return index
            open_label = label if prefix == "B" else None
    return len(biluo) - 1 if open_label is not None else None


def token_width(lines: list[str]) -> tuple[int, int] | None:
    """(columns, line number) of the file's first token line (not blank, -DOCSTART- or a comment), or None."""
    for number, line in enumerate(lines, 1):
        columns = line.split()
        if not columns or columns[0] == DOCSTART or (columns[0] == "#" and not TAG.match(columns[-1])):
            continue
        return len(columns), number
    return None


def parse_document(path: Path, first_line: int, sentences: list[list[tuple[int, list[str]]]],
                   notes: list[str], width: tuple[int, int] | None = None) -> ImportedSet:
    """One document's set. `width` (columns, line) of the file's first token line: every token line must have
    as many columns, else the line is refused (a token holding a space, `New York B-LOC`, would otherwise lose
    a word without a trace)."""
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
        if width is not None:
            for number, cols in sentence:
                if len(cols) != width[0]:
                    raise InputError(path, number, f"{len(cols)} columns where this file's token lines have "
                                     f"{width[0]} (line {width[1]}); a CoNLL token cannot hold a space or tab "
                                     f"({' '.join(cols)[:60]!r})")
        words = [cols[0] for _, cols in sentence]
        biluo: list[str] | None = None
        try:
            biluo = _biluo(lambda n: Where(path, n), [(n, cols[-1]) for n, cols in sentence])
            doc = Doc(vocab, words=words, spaces=[True] * (len(words) - 1) + [False])
            spans = biluo_tags_to_spans(doc, biluo)
        except ValueError as error:
            if isinstance(error, InputError):
                raise
            at = first_broken_tag(biluo) if biluo is not None else None
            number, tag = (sentence[at][0], sentence[at][1][-1]) if at is not None else (sentence[0][0], None)
            what = (f"tag {tag!r} does not continue the tags before it" if tag
                    else "the tags of this sentence do not form spans")
            reason = str(error).split(". Tag sequence:")[0]  # spaCy's reason, without the sentence's whole sequence
            raise InputError(path, number, f"{what} ({reason})") from None
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


def is_pipe_iob(lines: list[str]) -> bool:
    """True for spaCy's `iob` format (what `spacy convert --converter iob` reads): a sentence a line, tokens
    separated by spaces, each `word|TAG` or `word|POS|TAG` (nine tokens in ten so, at least: the reader refuses
    the line of any other)."""
    tokens = [token for line in lines[:200] for token in line.split()]
    piped = sum(1 for token in tokens if "|" in token and TAG.match(token.rsplit("|", 1)[1]))
    return bool(tokens) and piped >= 0.9 * len(tokens)  # a stray bad token is then refused with its line


def flavour(path: Path) -> str:
    """"iob" for a two-column file or spaCy's `word|TAG` lines, else "conll" (CoNLL-2003's four columns, or any
    other number): the name an import's summary gives the file (both are read by this one reader)."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16).decode("utf-8", errors="replace")
    lines = head.split("\n")[:-1] or head.split("\n")
    width = token_width(lines)
    return "iob" if is_pipe_iob(lines) or (width is not None and width[0] == 2) else "conll"


def _pipe_sets(path: Path, lines: list[str], notes: list[str]):
    """spaCy's `word|TAG` IOB: a document a line (as `spacy convert -c iob -n 1`); a token that is not
    `word|TAG` or `word|POS|TAG`, or a line whose tokens mix the two, is refused with its line."""
    done = 0
    for number, line in enumerate(lines, 1):
        done += len(line) + 1
        if not line.strip():
            continue
        tokens = [token.split("|") for token in line.split()]
        widths = {len(cols) for cols in tokens}
        bad = next((t for t in tokens if len(t) not in (2, 3) or not all(t)), None)
        if bad is not None or len(widths) > 1:
            shown = "|".join(bad) if bad is not None else line.strip()[:60]
            yield number, InputError(path, number, f"spaCy IOB tokens are word|TAG or word|POS|TAG, one kind a "
                                     f"line: {shown!r}"), done
            continue
        try:
            yield number, [parse_document(path, number, [[(number, cols) for cols in tokens]], notes)], done
        except InputError as error:
            yield number, error, done


def iter_conll_sets(path: Path, notes: list[str]):
    """(line, [ImportedSet] or InputError, characters read) a document at a time."""
    try:
        lines = _read_lines(path)
    except InputError as error:
        yield error.line, error, 0
        return
    if is_pipe_iob(lines):
        yield from _pipe_sets(path, lines, notes)
        return
    done = counted = 0
    width = token_width(lines)
    for first_line, sentences in _documents(path, lines):
        last = sentences[-1][-1][0]
        done += sum(len(line) + 1 for line in lines[counted:last])
        counted = last
        try:
            yield first_line, [parse_document(path, first_line, sentences, notes, width)], done
        except InputError as error:
            yield first_line, error, done


# -- writing -------------------------------------------------------------------------------------------------


_NLP: dict[str, Any] = {}


def _blank(lang: str = "en"):
    """spaCy's blank pipeline (its tokenizer only), made once: the tokenizer the spaCy DocBin export uses."""
    if lang not in _NLP:
        import spacy

        _NLP[lang] = spacy.blank(lang)
    return _NLP[lang]


def _from_conll(aset: AnnotationSet) -> bool:
    """The set's text is CoNLL's own (tokens joined by spaces), not a stored article a CoNLL file was attached
    to (`io/token_attach`: then the text is the article's and spaCy tokenizes it, as for any other text)."""
    marker = aset.extra.get(IMPORT_KEY) or {}
    if isinstance(marker, dict) and marker.get("attached"):
        return False
    return CONLL_KEY in aset.extra or marker.get("had") == ["conll"]


def _token_doc(doc: Document, aset: AnnotationSet):
    """A spaCy Doc over exactly `doc.text` (offsets are the text's own): a text that came from CoNLL keeps its
    tokens (it is already tokenized, one token between spaces); any other text is tokenized by spaCy's tokenizer,
    as the spaCy DocBin export does (so "Paris." is "Paris" + ".", "Obama's" is "Obama" + "'s")."""
    from spacy.tokens import Doc

    nlp = _blank()
    if not _from_conll(aset):
        return nlp.make_doc(doc.text)
    words, spaces = [], []
    for found in re.finditer(r"\S+|\s+", doc.text):
        piece = found.group()
        if not piece.isspace():
            words.append(piece)
            spaces.append(False)
        elif piece == " " and words and not spaces[-1]:
            spaces[-1] = True
        else:  # other whitespace (a line break, several spaces) is a whitespace token, as spaCy makes them
            if words and not spaces[-1] and piece.startswith(" "):
                spaces[-1], piece = True, piece[1:]
            words.append(piece)
            spaces.append(False)
    return Doc(nlp.vocab, words=words, spaces=spaces)


def _is_break(token) -> bool:
    return token.is_space and ("\n" in token.text or "\r" in token.text or "\u2028" in token.text
                               or "\u2029" in token.text or "\x85" in token.text)


def conll_lines(doc: Document, aset: AnnotationSet, *, two_columns: bool, labels: set[str] | None,
                issues: ExportIssues) -> list[list[str]] | None:
    """The document's sentences (a line of text each) as token lines (without line ends). Tokens from spaCy's
    tokenizer (`_token_doc`), tags from spaCy's `offsets_to_biluo_tags` + `biluo_to_iob` on the whole text. An
    entity that does not fall on token boundaries, or crosses a line, cannot be written: it is listed in
    `issues` (the export's summary) and the whole document is left out (None): CoNLL has no "missing" tag, and
    O on tokens a person labelled would teach "no entity here" (attack s4 M8; the spaCy export marks them
    missing). Web boilerplate lines are left out of the document and listed (`_BoilerplateLines`)."""
    import warnings

    from spacy.training import biluo_to_iob, offsets_to_biluo_tags

    sdoc = _token_doc(doc, aset)
    line_of = []  # the sentence (line of text) of each token
    line = 0
    for token in sdoc:
        line_of.append(line)
        if _is_break(token):
            line += 1
    offsets = []
    for extra_span in overlapping_spans(aset):
        if labels is None or extra_span.get("label") in labels:
            issues.left_out.append(
                f"document {doc.id} ({aset.annotator}): {extra_span.get('label')} span {extra_span.get('start')}-"
                f"{extra_span.get('end')} overlaps an entity: left out (CoNLL holds one tag a token)")
    unwritable = 0
    fate = ("the document is left out (CoNLL has no missing tag, and O on its tokens would teach \"no entity "
            "here\")")
    for entity in aset.entities:
        if labels is not None and entity.label not in labels:
            continue
        fragments = entity.extra.get("fragments")
        if fragments:
            issues.left_out.append(
                f"document {doc.id} ({aset.annotator}): discontinuous {entity.label} entity "
                f"{'; '.join(f'{a}-{b}' for a, b in fragments)} (CoNLL holds continuous spans only): {fate}")
            unwritable += 1
            continue
        span = sdoc.char_span(entity.start, entity.end)
        if span is None or not len(span):
            issues.misaligned_span(doc.id, aset.annotator, entity.start, entity.end, f"{entity.label} entity", fate)
            unwritable += 1
        elif line_of[span.start] != line_of[span.end - 1] or any(_is_break(t) for t in span):
            issues.misaligned_span(doc.id, aset.annotator, entity.start, entity.end, f"{entity.label} entity",
                                   f"crosses a line (a CoNLL sentence); {fate}")
            unwritable += 1
        else:
            offsets.append((entity.start, entity.end, entity.label))
    if unwritable:
        return None
    with warnings.catch_warnings():  # every left-out entity is listed above, in one line each
        warnings.simplefilter("ignore")
        tags = biluo_to_iob(offsets_to_biluo_tags(sdoc, offsets, missing="O"))
    kept = (aset.extra.get(CONLL_KEY) or {}).get("columns") if isinstance(aset.extra.get(CONLL_KEY), dict) else None
    sentences: list[list[str]] = []
    words: list[tuple[str, str]] = []
    index = 0
    boiler = _BoilerplateLines(doc, aset, issues)
    starts: list[int] = []  # character offset of each word of the current sentence

    def flush() -> None:
        nonlocal index
        if not words:
            return
        if boiler.skip(starts, words):  # asked of nobody: left out, not written as O
            words.clear()
            starts.clear()
            index += 1
            return
        starts.clear()
        columns = kept[index] if kept and index < len(kept) and len(kept[index]) == len(words) else None
        rows = []
        for i, (word, tag) in enumerate(words):
            if two_columns:
                rows.append(f"{word}\t{tag}")
            else:
                middle = columns[i] if columns else ["-X-", "-X-"]
                rows.append(" ".join([word, *middle, tag]))
        sentences.append(rows)
        words.clear()
        index += 1

    for token, tag in zip(sdoc, tags):
        if token.is_space or not token.text.strip():
            if _is_break(token):
                flush()
            continue
        words.append((token.text, tag if tag != "-" else "O"))
        starts.append(token.idx)
    flush()
    boiler.report()
    return sentences


class _BoilerplateLines:
    """Web boilerplate lines (`core.boilerplate`: navigation, share, "READ MORE:", captions; dimmed in the window,
    never pre-annotated, asked of nobody) are missing in DocBins; CoNLL has no missing tag, so such a line is left
    out of the CoNLL document (not written as O), an entity kept inside one too, and each document's left-out
    lines are listed in one line of the export's summary."""

    def __init__(self, doc: Document, aset: AnnotationSet, issues: ExportIssues):
        from annotator.core.boilerplate import boilerplate_ranges

        self.doc, self.aset, self.issues = doc, aset, issues
        # a text that came from CoNLL is tokens, not a web page: its O tags are the source's own decisions
        self.ranges = [] if _from_conll(aset) else (
            doc.boilerplate if doc.boilerplate is not None else boilerplate_ranges(doc.text))
        self.lines: list[str] = []
        self.entities: list[str] = []

    def skip(self, starts: list[int], words: list[tuple[str, str]]) -> bool:
        if not self.ranges or not any(a <= start < b for start in starts for a, b in self.ranges):
            return False
        self.lines.append(" ".join(word for word, _tag in words))
        self.entities.extend(f"{word} {tag}" for word, tag in words if tag != "O")
        return True

    def report(self) -> None:
        if not self.lines:
            return
        shown = "; ".join(repr(line[:40]) for line in self.lines[:3]) + ("; ..." if len(self.lines) > 3 else "")
        kept = f", with entity tokens {', '.join(self.entities[:5])}" if self.entities else ""
        self.issues.left_out.append(
            f"document {self.doc.id} ({self.aset.annotator}): {len(self.lines)} boilerplate line(s) left out of the "
            f"CoNLL document ({shown}{kept}): asked of nobody, and CoNLL has no missing tag")


class ConllWriter:
    """Writes one CoNLL file (atomically) for the export: `conll` or `iob` (two columns)."""

    def __init__(self, output: Path, *, two_columns: bool, labels: set[str] | None, issues: ExportIssues):
        self.output = Path(output)
        self.two_columns = two_columns
        self.labels = labels
        self.issues = issues
        self.blocks: list[list[list[str]]] = []
        self.annotators: set[str] = set()

    def add(self, doc: Document, aset: AnnotationSet) -> bool:
        """Add the document's set; False when it is left out (listed in the export's issues)."""
        self.annotators.add(aset.annotator)
        if len(self.annotators) > 1:
            raise ValueError(
                f"CoNLL has no annotator column: choose one with --annotator (this export has "
                f"{', '.join(sorted(self.annotators))})")
        for entity in aset.entities:
            if (self.labels is None or entity.label in self.labels) and re.search(r"\s", entity.label):
                raise ValueError(
                    f"label {entity.label!r} (document {doc.id}) holds whitespace, which CoNLL's space-separated "
                    "columns cannot carry (spaCy would read another label): relabel those entities (in the window), or "
                    "leave the label out with --labels")
        block = conll_lines(doc, aset, two_columns=self.two_columns, labels=self.labels, issues=self.issues)
        if block is None:
            return False  # an entity CoNLL cannot hold: the document is left out (listed), never written O
        if block or not doc.text.strip():
            self.blocks.append(block)  # else every line was boilerplate (listed): no empty document
        return True

    def close(self) -> list[Path]:
        from annotator.core.files import atomic_write

        self.output.parent.mkdir(parents=True, exist_ok=True)
        docstart = SPACY_DOCSTART  # also in two columns: the delimiter `spacy convert` splits on (a
        # "-DOCSTART-\tO" line would become a one-token document of junk O tags); other readers skip any -DOCSTART-
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
