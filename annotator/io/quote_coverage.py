"""Whether a set's source annotated quotes at all: the quote analogue of "missing, not O".

spancat reads an empty `doc.spans["quotes"]` as "no span here is a quote" (every candidate a negative). That is
true of a set made in annotator's window, by the pre-extraction, or imported from a record with a `quotes` field
(annotator's JSONL and Prodigy exports write one, empty or not, exactly for such sets; attack v4 H3). It is not true of a Prodigy `ner` / `ner_manual` task, a binary
`ner.teach` answer, a Label Studio or doccano task, CoNLL/IOB or a category-only set: nobody was asked about quotes
there, so such a set gets no quotes group at all (absent = unknown) and `train quotes` leaves its document out."""

from __future__ import annotations

from annotator.core.model import AnnotationSet

IMPORT_KEY = "_annotator_import"
"""records.IMPORT_KEY (the record keys a set had at import), named here: records imports this module."""

BINARY_KEY = "binary_tasks"
"""prodigy_answers.BINARY_KEY (a Prodigy binary answer set), named here to keep this module free of that import."""
LABEL_STUDIO_KEY = "labelstudio"
"""labelstudio.LS_KEY: a set imported from Label Studio (no quote flavour there)."""


def quotes_annotated(aset: AnnotationSet) -> bool:
    """True when the set's quotes (possibly none) are someone's decision about every quote in the text: the set
    holds a quote, or it was made in annotator (window, pre-extraction, review), or imported from a record that
    carried a `quotes` field. False for imports whose source has no quotes (see the module docstring)."""
    if aset.quotes:
        return True
    marker = aset.extra.get(IMPORT_KEY)
    if isinstance(marker, dict):
        return "quotes" in (marker.get("had") or [])
    return BINARY_KEY not in aset.extra and LABEL_STUDIO_KEY not in aset.extra
