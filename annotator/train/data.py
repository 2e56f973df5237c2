"""Training data for `annotator train`: DocBins written by the export's own `doc_from_set`, so what is trained on
is exactly what `export --format spacy` writes (done sets by default, one version per document, misaligned
entities as missing tokens, `doc.cats` only for given tags)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.files import write_bytes_atomic
from annotator.core.model import Status
from annotator.core.store import Store
from annotator.io.exporter import (gold_names, is_model_name, iter_sets, one_version_per_document, split_key,
                                   too_long_left_out)
from annotator.io.training_version import declined_guard, training_annotator_ids
from annotator.io.records import ExportIssues


class TrainingDataError(ValueError):
    """Not enough selected documents to train and evaluate (the message says what was found)."""


@dataclass(slots=True)
class TrainingData:
    """Where the DocBins are and what is in them. Quote lengths are in spaCy tokens.

    Three sides: `train` (learned from), `dev` (spaCy evaluates it to pick the best checkpoint) and `test`
    (held out: the printed per-label scores, never seen by training nor by the checkpoint choice). A set too
    small for three sides (fewer than MIN_DOCS_FOR_DEV documents) has no separate dev: the held-out documents
    also pick the checkpoint, and `summary()` says so (`dev_is_test`)."""

    train_path: Path
    dev_path: Path
    test_path: Path
    train_docs: int = 0
    dev_docs: int = 0
    test_docs: int = 0
    dev_is_test: bool = False
    entity_labels: dict[str, int] = field(default_factory=dict)
    """Entities per label in the TRAINING documents (what is learned from)."""
    quote_lengths: list[int] = field(default_factory=list)
    """Token lengths of the TRAINING documents' quotes."""
    issues: ExportIssues = field(default_factory=ExportIssues)
    held_out_entities: int = 0
    """Entities in the dev and held-out documents (to say why training has none when all were held out)."""
    share_too_large: bool = False
    """No separate dev side although there were enough documents: the --eval-split share left no room."""
    without_quotes: int = 0
    """Documents left out of `train quotes` because their set's source never annotated quotes (no quotes group)."""

    def summary(self) -> str:
        labels = ", ".join(f"{k} {v}" for k, v in sorted(self.entity_labels.items())) or "none"
        if self.dev_is_test:
            reason = ("--eval-split leaves no room for a separate dev set" if self.share_too_large
                      else "too few documents for a separate dev set")
            sides = (f"{self.train_docs} documents to train on, {self.test_docs} held out ({reason}: the held-out "
                     "documents also pick the best checkpoint, so their scores are optimistic)")
        else:
            sides = (f"{self.train_docs} documents to train on, {self.dev_docs} to pick the best checkpoint, "
                     f"{self.test_docs} held out for the scores")
        skipped = (f"; {self.without_quotes} document(s) left out: their sets never annotated quotes (Prodigy NER "
                   "or binary tasks, Label Studio, CoNLL, category-only imports)" if self.without_quotes else "")
        return f"{sides}; in training: entities: {labels}; quotes: {len(self.quote_lengths)}{skipped}"


MIN_DOCS_FOR_DEV = 6
"""From this many documents on, the checkpoint is picked on a dev side of its own (train / dev / held out)."""


def side_sizes(total: int, eval_split: float) -> tuple[int, int, int]:
    """(train, dev, test) document counts for `total` documents: test = round(eval_split * total), dev the
    same share again (from MIN_DOCS_FOR_DEV documents on, else 0: the test side picks the checkpoint), each at
    least 1, train the rest and at least 1. Exact, not a coin flip per document: 20 % of 13 is 3, not 1 to 6."""
    if total < 2:
        raise ValueError("at least 2 documents")
    test = min(total - 1, max(1, round(eval_split * total)))
    dev = 0
    if total >= MIN_DOCS_FOR_DEV:
        dev = max(1, round(eval_split * total))
        if total - test - dev < 1:
            dev = 0
    return total - test - dev, dev, test


def build_training_data(
    store: Store,
    folder: Path,
    *,
    annotators: list[str] | None = None,
    statuses: Iterable[Status] = (Status.DONE,),
    eval_split: float = 0.2,
    seed: int = 0,
    lang: str = "en",
    need_quotes: bool = False,
) -> TrainingData:
    """Write `folder/train.spacy`, `folder/dev.spacy` and `folder/test.spacy` from the selected sets (default:
    every person's done sets, gold where it exists), sized by `side_sizes` in an order fixed by `split_key`
    (when there is no separate dev side, dev.spacy is the test documents). Raises TrainingDataError when fewer
    than 2 documents are selected. `need_quotes` (train quotes): only documents whose set has a quotes group
    (`io/quote_coverage.py`) are used, the others counted in `without_quotes`."""
    import spacy
    from spacy.tokens import DocBin

    from annotator.io.spacy_docbin import QUOTES_KEY, doc_from_set

    if not 0.0 < eval_split < 1.0:
        raise TrainingDataError("--eval-split must be between 0 and 1 (exclusive)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank(lang)
    data = TrainingData(folder / "train.spacy", folder / "dev.spacy", folder / "test.spacy")
    ids = training_annotator_ids(store, annotators, include_model=False, issues=data.issues)
    pairs = one_version_per_document(iter_sets(store, ids, statuses), gold_names(store), data.issues,
                                     declined_guard(store, ids))
    keyed = []
    for document, aset in pairs:
        if too_long_left_out(data.issues, document, aset, "training"):  # spaCy's E088: listed, never fatal
            continue
        doc = doc_from_set(nlp, document, aset, issues=data.issues)
        if need_quotes and QUOTES_KEY not in doc.spans:  # nobody was asked about quotes: not "no quote here"
            data.without_quotes += 1
            continue
        keyed.append((split_key(document.hash, seed), document.hash, doc))
    total = len(keyed)
    if total < 2:
        who = ", ".join(annotators) if annotators else "any person"
        kind = f"{'/'.join(Status(s).value for s in statuses)} set"
        if annotators and any(is_model_name(name) for name in annotators):  # the model's sets have no status
            kind = f"{kind} (or a model's set, which has no status)"
        unasked = (f" whose source annotated quotes ({data.without_quotes} more never annotated quotes)"
                   if data.without_quotes else "")
        raise TrainingDataError(
            f"{total} document(s) with a {kind} by {who}{unasked}: "
            "training needs at least 2 (one to hold out)")
    keyed.sort(key=lambda item: (item[0], item[1]))
    n_train, n_dev, n_test = side_sizes(total, eval_split)
    docs = [doc for _key, _hash, doc in keyed]
    sides = {"test": docs[:n_test], "dev": docs[n_test:n_test + n_dev], "train": docs[n_test + n_dev:]}
    data.dev_is_test = n_dev == 0
    data.share_too_large = data.dev_is_test and total >= MIN_DOCS_FOR_DEV
    if data.dev_is_test:
        sides["dev"] = sides["test"]
    for side, side_docs in sides.items():
        write_bytes_atomic(folder / f"{side}.spacy", DocBin(docs=side_docs, store_user_data=True).to_bytes())
    data.held_out_entities = sum(len(doc.ents) for doc in docs[:n_test + n_dev])
    for doc in sides["train"]:
        for ent in doc.ents:
            data.entity_labels[ent.label_] = data.entity_labels.get(ent.label_, 0) + 1
        data.quote_lengths.extend(len(span) for span in doc.spans.get(QUOTES_KEY, []))
    data.train_docs, data.dev_docs, data.test_docs = n_train, n_dev, n_test
    return data
