"""Train spaCy pipelines from the corrections in the store: `annotator train ner` / `annotator train quotes`.

- `data`: the training and held-out DocBins, built by the same code as `export --format spacy` (done sets, one
  version per document, misaligned entities as missing tokens);
- `configs`: the spaCy configs, built with spaCy's own API (`init_config`, the base pipeline's `Config`);
- `run`: training with `spacy.cli.train.train`, progress, per-label scores on the held-out split, and the
  pipeline written where `spacy.load` opens it.

Importing this package does not import spaCy; each function imports it when it runs.
"""
