"""What a file without annotator names or original texts (CoNLL/IOB, brat) brings back into the database it was
exported from (attack s4 M7, M9).

- **Texts rebuilt from tokens** (CoNLL/IOB: tokens joined by spaces, `It costs $ 3.99 .`) attach to the stored
  document whose text is the same up to whitespace (`It costs $3.99.`), with the offsets mapped onto the stored
  text (`TokenTextIndex`), instead of creating a second copy of the article.
- **A file that is one person's export come back**: CoNLL, IOB and brat carry no annotator, so an import names
  the sets after the file or folder. When every set of such a file says what one person's done set on the same
  document says (as far as the format carries: entities for CoNLL/IOB, entities, overlapping spans and quotes for
  brat), the file is that person's export and nothing new is stored (`CopyCheck`); any difference, and the file
  is imported as someone else's sets, as before. `--annotator` names the sets whatever they hold.
"""

from __future__ import annotations

import hashlib
from typing import Any

from annotator.core.model import AnnotationSet, QuoteType, Status
from annotator.core.store import Store
from annotator.io.records import IMPORT_KEY, ImportedSet, digest, overlapping_spans

NO_NAME_FORMATS = ("conll", "iob", "brat")
"""Import formats with no annotator field."""
TOKEN_TEXT_FORMATS = ("conll", "iob")
"""Import formats whose text is rebuilt from tokens (not the original's spacing)."""
ATTACHED_KEY = "attached"
"""Import marker key (`records.IMPORT_KEY`): True when a CoNLL set was placed on a stored text (its tokens are
then that text's own spaCy tokens again, not whitespace-separated CoNLL tokens)."""


def squeezed(text: str) -> str:
    """The text without any whitespace (what CoNLL keeps of it: the tokens' characters, in order)."""
    return "".join(text.split())


def _key(text: str) -> bytes:
    return hashlib.sha256(squeezed(text).encode("utf-8", "surrogatepass")).digest()


class TokenTextIndex:
    """Stored documents by their text without whitespace, built on first use (one pass over the texts)."""

    def __init__(self, store: Store):
        self.store = store
        self._index: dict[bytes, int | None] | None = None

    def _build(self) -> dict[bytes, int | None]:
        index: dict[bytes, int | None] = {}
        for doc_id, text in self.store.iter_document_texts():
            key = _key(text)
            index[key] = None if key in index else doc_id  # None: two stored texts differ only in spacing
        return index

    def place(self, imported: ImportedSet) -> bool:
        """Move a token-rebuilt set onto the stored document with the same text up to whitespace: its text
        becomes the stored text, its entity offsets are mapped, its marker says so (`ATTACHED_KEY`). True when
        moved; False when no stored document (or more than one) matches, or the text is stored as it is."""
        from annotator.core.model import content_hash

        aset = imported.aset
        if aset is None or aset.quotes or self.store.document_id_by_hash(content_hash(imported.text)) is not None:
            return False
        if self._index is None:
            self._index = self._build()
        doc_id = self._index.get(_key(imported.text))
        if doc_id is None:
            return False
        stored = self.store.document(doc_id).text
        mapped = map_offsets(imported.text, stored, [(e.start, e.end) for e in aset.entities])
        if mapped is None:
            return False
        for entity, (start, end) in zip(aset.entities, mapped):
            entity.start, entity.end = start, end
        imported.text = stored
        marker = aset.extra.setdefault(IMPORT_KEY, {})
        marker[ATTACHED_KEY] = True
        marker["digest"] = digest(aset)  # of the annotations as placed
        return True


def map_offsets(source: str, target: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    """Ranges of `source` on `target`, two texts with the same non-whitespace characters: a range's first and
    last characters map to the same characters of `target`. None when a range starts or ends in whitespace."""
    source_at = {i: n for n, i in enumerate(i for i, c in enumerate(source) if not c.isspace())}
    target_chars = [i for i, c in enumerate(target) if not c.isspace()]
    mapped = []
    for start, end in ranges:
        first, last = source_at.get(start), source_at.get(end - 1)
        if first is None or last is None:
            return None
        mapped.append((target_chars[first], target_chars[last] + 1))
    return mapped


def carried(aset: AnnotationSet, fmt: str) -> Any:
    """What a file of this format carries of a set, as comparable data (see the module's docstring)."""
    entities = sorted((e.start, e.end, e.label) for e in aset.entities)
    if fmt in TOKEN_TEXT_FORMATS:
        return entities
    spans = sorted((s.get("start"), s.get("end"), s.get("label")) for s in overlapping_spans(aset))
    quotes = sorted((q.start, q.end, QuoteType(q.type).value, q.speaker and (q.speaker.start, q.speaker.end),
                     q.cue and (q.cue.start, q.cue.end)) for q in aset.quotes)
    return [entities, spans, quotes]


class CopyCheck:
    """Holds the sets of a no-annotator file while every one equals one person's done set on its document; see
    the module's docstring. `take` returns the sets to write now (all of them once the check failed)."""

    def __init__(self, store: Store, fmt: str):
        self.store = store
        self.fmt = fmt
        self.active = True
        self.held: list[tuple[ImportedSet, AnnotationSet]] = []
        self.owners: set[str] | None = None

    def _owners_of(self, aset: AnnotationSet) -> set[str]:
        from annotator.core.model import is_model_set

        found = set()
        want = carried(aset, self.fmt)
        for name in self.store.annotators_of(aset.doc_id):
            if is_model_set(name):
                continue
            stored = self.store.annotation_set(aset.doc_id, name)
            if stored is not None and Status(stored.status) is Status.DONE and carried(stored, self.fmt) == want:
                found.add(name)
        return found

    def take(self, sets: list[tuple[ImportedSet, AnnotationSet]]) -> list[tuple[ImportedSet, AnnotationSet]]:
        if not self.active:
            return sets
        for number, (imported, aset) in enumerate(sets):
            owners = self._owners_of(aset)
            owners = owners if self.owners is None else self.owners & owners
            if not owners:  # not a copy: everything held so far is written after all
                self.active = False
                released, self.held = [*self.held, *sets[number:]], []  # held holds sets[:number] too
                return released
            self.owners = owners
            self.held.append((imported, aset))
        return []

    def copy_of(self) -> list[str]:
        """The people whose sets the whole file repeats (empty when it is not such a copy)."""
        return sorted(self.owners or ()) if self.active and self.held else []
