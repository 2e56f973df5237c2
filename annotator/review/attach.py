"""Bring a teammate's annotator database into this one, read-only, for review.

`attach_database(store, other_path)` opens OTHER.db with `Store(path, readonly=True)` (never writes to it) and
copies every annotation set of every human annotator there (not the model's pre-extraction, not gold sets)
into this database, each annotator kept separate:
- documents are matched by content hash (NFC text; offsets mapped onto the stored form) and created when missing;
- an annotator keeps their name unless a local annotator of that name holds other work (a different
  `readonly_source`), in which case the name gets `@<source>` (the file's stem, or `--as NAME`), then a number;
- `--as NAME` with a single annotator in OTHER.db names them NAME; with several, it is the suffix source;
- each attached annotator records `readonly_source = "<absolute path of OTHER.db>#<their name there>"`.
Attaching the same file again replaces those annotators' sets with the file's current ones (idempotent).
Left behind, and named in the summary with how many sets: OTHER's gold sets (review's adjudication, `gold@<reviewer>`
of an imported Prodigy review: another team's decisions, not a version to compare) and model sets (`model`,
`model@<version>`).
All in one transaction: a failure leaves this database as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import Document, Origin, is_model_set
from annotator.core.normalise import OffsetMap
from annotator.core.store import Store, StoreError, is_database_file
from annotator.review.versions import human_annotators


@dataclass(slots=True)
class AttachReport:
    source: str
    annotators: dict[str, str] = field(default_factory=dict)
    """Name in OTHER.db -> name here."""
    documents_created: int = 0
    sets_copied: int = 0
    left_behind: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Name in OTHER.db -> (what it is: "gold set" / "model set", how many sets) of annotators not copied."""

    def summary(self) -> str:
        names = ", ".join(f"{a} as {b}" if a != b else a for a, b in self.annotators.items()) or "no annotators"
        text = (f"attached {len(self.annotators)} annotator(s) from {self.source} ({names}): "
                f"{self.sets_copied} annotation sets, {self.documents_created} new documents")
        if self.left_behind:
            text += "; left behind: " + ", ".join(
                f"{name} ({kind}, {count} set{'s' if count != 1 else ''})"
                for name, (kind, count) in self.left_behind.items())
        return text


def _local_name(store: Store, wanted: str, source: str, suffix: str, taken: set[str]) -> str:
    """`wanted` if free or already this source's; else wanted@suffix, wanted@suffix2, ..."""
    candidates = [wanted, f"{wanted}@{suffix}"] + [f"{wanted}@{suffix}{i}" for i in range(2, 1000)]
    existing = {a.name: a.readonly_source for a in store.annotators()}
    for name in candidates:
        if name in taken:
            continue
        if name not in existing or existing[name] == source:
            return name
    raise StoreError(f"cannot find a free name for {wanted!r}")


def attach_database(store: Store, other_path: str | os.PathLike, *, as_name: str | None = None) -> AttachReport:
    """Copy OTHER.db's human annotators' sets into `store` (module docstring); StoreError when OTHER.db is this
    database, or an annotation cannot be placed on a document stored here in another normalisation form."""
    path = Path(other_path).resolve()
    # by stat(2) (device, inode), never by opening it: a hard link is the same file under another name, and
    # opening it here would drop SQLite's locks (core.store.is_database_file)
    if store.path.resolve() == path or is_database_file(path, store.path.resolve(), open_ones=False):
        raise StoreError(f"{other_path} is this database (the same file by stat); attach another one")
    report = AttachReport(source=str(path))
    with Store(path, readonly=True) as other:
        names = human_annotators(other)
        for name in other.annotators_with_sets():
            if name not in names:
                kind = "model set" if is_model_set(name) else "gold set"
                report.left_behind[name] = (kind, len(other.documents_of(other.annotator_id(name, create=False))))
        suffix = as_name or path.stem
        taken: set[str] = set()
        with store.transaction():
            for name in names:
                source = f"{path}#{name}"
                if as_name and len(names) == 1:
                    local = _local_name(store, as_name, source, path.stem, taken)
                else:
                    local = _local_name(store, name, source, suffix, taken)
                taken.add(local)
                store.annotator_id(local, readonly_source=source)
                report.annotators[name] = local
                other_id = other.annotator_id(name, create=False)
                doc_ids = other.documents_of(other_id)
                for other_doc in doc_ids:
                    doc = other.document(other_doc)
                    local_doc, created = store.add_document(  # hash recomputed: NFC identity (issue 17)
                        Document(text=doc.text, title=doc.title, source=doc.source, meta=doc.meta)
                    )
                    report.documents_created += created
                    aset = other.annotation_set(other_doc, name)
                    if aset is None:
                        continue
                    copy = aset.copy_for(local, origin=Origin.HUMAN)
                    copy.doc_id = local_doc
                    if not created:
                        try:
                            OffsetMap(doc.text, store.document(local_doc).text).annotation_set(copy)
                        except ValueError as error:
                            raise StoreError(
                                f"{path}: document {other_doc} is document {local_doc} here in another Unicode "
                                f"normalisation form and {name}'s annotations cannot be placed on it ({error})"
                            ) from None
                    store.replace_annotation_set(copy)
                    report.sets_copied += 1
    return report
