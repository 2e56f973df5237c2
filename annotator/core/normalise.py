"""Unicode normalisation: one document however its text is composed.

The same words can be stored as precomposed characters (NFC: "é" = U+00E9, what most keyboards produce) or
decomposed (NFD: "e" + U+0301, what text copied on macOS often is). They look identical, so annotator compares
NFC text: a document's identity (`model.content_hash`) and full-text search use the NFC form. The stored text
stays exactly as given and every offset keeps counting its code points.

When an imported record's text differs from the stored document only by normalisation, its offsets are mapped
onto the stored text (`OffsetMap`); a span that starts or ends inside a character that the other form composes
differently cannot be mapped and is refused.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left

from annotator.core.model import AnnotationSet, TextRange


BOM = "\ufeff"


def nfc(text: str) -> str:
    """`text` in Unicode Normalization Form C (the same object when it already is: the quick check is cheap)."""
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def search_form(text: str) -> str | None:
    """What the full-text index sees instead of `text`: its NFC form when that differs, else None."""
    normal = nfc(text)
    return None if normal is text or normal == text else normal


def _joins_previous(char: str) -> bool:
    """Whether `char` belongs to the character before it for normalisation: a combining mark, or a Hangul
    vowel or final consonant jamo (NFC composes those with the syllable's start)."""
    return unicodedata.combining(char) != 0 or "\u1161" <= char <= "\u11c2"


def _cluster_starts(text: str) -> list[int]:
    starts = [i for i, char in enumerate(text) if i == 0 or not _joins_previous(char)]
    return starts


class UnmappableOffset(ValueError):
    """An offset falls inside a character that the two forms of the text compose differently."""


class OffsetMap:
    """Maps code-point offsets of `source` onto `target`, two texts equal under NFC once a leading BOM is left out.

    Both texts are cut into the same clusters (a character with its combining marks); an offset on a cluster
    boundary maps to the same boundary in the other text. Raises ValueError when the texts are not
    NFC-equal cluster by cluster; `map` raises UnmappableOffset for an offset inside a cluster."""

    def __init__(self, source: str, target: str):
        self.identity = source == target
        if self.identity:
            return
        # a leading BOM that only one text has (ingest strips it; a JSONL record may keep it) is skipped
        self._source_lead = 1 if source.startswith(BOM) else 0
        self._target_lead = 1 if target.startswith(BOM) else 0
        source, target = source[self._source_lead :], target[self._target_lead :]
        source_starts, target_starts = _cluster_starts(source), _cluster_starts(target)
        if len(source_starts) != len(target_starts):
            raise ValueError("the texts differ by more than Unicode normalisation")
        source_starts.append(len(source))
        target_starts.append(len(target))
        for i in range(len(source_starts) - 1):
            left = source[source_starts[i] : source_starts[i + 1]]
            right = target[target_starts[i] : target_starts[i + 1]]
            if left != right and nfc(left) != nfc(right):
                raise ValueError("the texts differ by more than Unicode normalisation")
        self._source = source_starts
        self._target = target_starts

    def map(self, offset: int) -> int:
        if self.identity:
            return offset
        inner = max(offset - self._source_lead, 0)  # an offset before the skipped BOM is the text's start
        index = bisect_left(self._source, inner)
        if index >= len(self._source) or self._source[index] != inner:
            raise UnmappableOffset(f"offset {offset} falls inside a character composed differently in the stored text")
        return self._target[index] + (self._target_lead if offset >= self._source_lead else 0)

    def range(self, span: TextRange | None) -> TextRange | None:
        return None if span is None else TextRange(self.map(span.start), self.map(span.end))

    def annotation_set(self, aset: AnnotationSet) -> AnnotationSet:
        """`aset` with every entity, quote, speaker and cue offset mapped (in place; returned for chaining).
        Raises UnmappableOffset naming the first span that cannot be mapped."""
        if self.identity:
            return aset
        for entity in aset.entities:
            try:
                entity.start, entity.end = self.map(entity.start), self.map(entity.end)
            except UnmappableOffset as error:
                raise UnmappableOffset(f"entity [{entity.start}, {entity.end}) {entity.label}: {error}") from None
        for quote in aset.quotes:
            start, end = quote.start, quote.end
            try:
                quote.start, quote.end = self.map(quote.start), self.map(quote.end)
                quote.speaker = self.range(quote.speaker)
                quote.cue = self.range(quote.cue)
            except UnmappableOffset as error:
                raise UnmappableOffset(f"quote [{start}, {end}): {error}") from None
        return aset
