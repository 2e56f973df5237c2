"""Training data for `annotator train`: DocBins written by the export's own `doc_from_set`, so what is trained on
is exactly what `export --format spacy` writes (done sets by default, one version per document, misaligned
entities as missing tokens, `doc.cats` only for given tags)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.files import write_bytes_atomic
from annotator.core.model import Status
from annotator.core.store import Store
from annotator.io.exporter import gold_names, iter_sets, one_version_per_document
from annotator.io.training_version import declined_guard, training_annotator_ids
from annotator.io.records import ExportIssues


class TrainingDataError(ValueError):
    """Not enough selected documents to train and evaluate (the message says what was found)."""


@dataclass(slots=True)
class TrainingData:
    """Where the DocBins are and what is in them. Quote lengths are in spaCy tokens."""

    train_path: Path
    dev_path: Path
    train_docs: int = 0
    dev_docs: int = 0
    entity_labels: dict[str, int] = field(default_factory=dict)
    quote_lengths: list[int] = field(default_factory=list)
    issues: ExportIssues = field(default_factory=ExportIssues)

    def summary(self) -> str:
        labels = ", ".join(f"{k} {v}" for k, v in sorted(self.entity_labels.items())) or "none"
        return (f"{self.train_docs} documents to train on, {self.dev_docs} held out; entities: {labels}; "
                f"quotes: {len(self.quote_lengths)}")


def split_of(doc_hash: str, eval_split: float, seed: int) -> str:
    """"dev" for about `eval_split` of the documents, by a hash of the text and the seed (stable as documents
    are added); "train" for the rest."""
    return "dev" if random.Random(f"{seed}:{doc_hash}").random() < eval_split else "train"


def build_training_data(
    store: Store,
    folder: Path,
    *,
    annotators: list[str] | None = None,
    statuses: Iterable[Status] = (Status.DONE,),
    eval_split: float = 0.2,
    seed: int = 0,
    lang: str = "en",
) -> TrainingData:
    """Write `folder/train.spacy` and `folder/dev.spacy` from the selected sets (default: every person's done
    sets, gold where it exists). With at least 2 documents both sides get one or more. Raises
    TrainingDataError when fewer than 2 documents are selected."""
    import spacy
    from spacy.tokens import DocBin

    from annotator.io.spacy_docbin import QUOTES_KEY, doc_from_set

    if not 0.0 < eval_split < 1.0:
        raise TrainingDataError("--eval-split must be between 0 and 1 (exclusive)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank(lang)
    data = TrainingData(folder / "train.spacy", folder / "dev.spacy")
    ids = training_annotator_ids(store, annotators, include_model=False, issues=data.issues)
    pairs = one_version_per_document(iter_sets(store, ids, statuses), gold_names(store), data.issues,
                                     declined_guard(store, ids))
    sides: dict[str, list] = {"train": [], "dev": []}
    for document, aset in pairs:
        doc = doc_from_set(nlp, document, aset, issues=data.issues)
        sides[split_of(document.hash, eval_split, seed)].append(doc)
    total = len(sides["train"]) + len(sides["dev"])
    if total < 2:
        who = ", ".join(annotators) if annotators else "any person"
        raise TrainingDataError(
            f"{total} document(s) with a {'/'.join(Status(s).value for s in statuses)} set by {who}: "
            "training needs at least 2 (one to hold out)")
    for side, other in (("dev", "train"), ("train", "dev")):  # never an empty side
        if not sides[side]:
            sides[side].append(sides[other].pop())
    for side, docs in sides.items():
        write_bytes_atomic(folder / f"{side}.spacy", DocBin(docs=docs, store_user_data=True).to_bytes())
        for doc in docs:
            for ent in doc.ents:
                data.entity_labels[ent.label_] = data.entity_labels.get(ent.label_, 0) + 1
            if side == "train":
                data.quote_lengths.extend(len(span) for span in doc.spans.get(QUOTES_KEY, []))
    data.train_docs, data.dev_docs = len(sides["train"]), len(sides["dev"])
    return data
