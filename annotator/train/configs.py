"""spaCy training configs for `annotator train`, built with spaCy's own API (`spacy.cli.init_config.init_config`
for a new pipeline, the base pipeline's own `nlp.config` with `source` for fine-tuning), never written by hand.

- NER, fine-tuning: every component of the base pipeline is sourced from it; all but `ner` are frozen (the base
  `ner` of en_core_web_sm has its own tok2vec, so the tagger and parser are unchanged); the best checkpoint is
  chosen on `ents_f`.
- NER from scratch: `init_config(pipeline=["ner"])`.
- Quotes: `init_config(pipeline=["spancat"])` with `spans_key = "quotes"` (what the export writes), an
  `spacy.ngram_range_suggester.v1` covering the training quotes' lengths (5th to 95th percentile, in tokens:
  the default suggester proposes 1-3 tokens and quotes are mostly 5-40) and score weights on
  `spans_quotes_f/p/r` so the scores show and pick the best checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUOTES_SPANS_KEY = "quotes"
FINE_TUNE_LEARN_RATE = 1e-4
"""Fine-tuning a trained ner on a few corrected documents: the base's own rate (0.001) overfits them and scored
below the base on held-out articles; 1e-4 scored above it (benchmarks/bench_training.py, README)."""
PROGRESS_LOGGER = "annotator.ProgressLogger.v1"


@dataclass(slots=True)
class TrainSettings:
    """What every training run needs: the DocBins, steps, evaluation frequency (steps) and seed."""

    train_path: Path
    dev_path: Path
    max_steps: int = 100
    eval_frequency: int | None = None
    """None: max_steps // 5, at least 1 and at most 200."""
    seed: int = 0
    lang: str = "en"
    learn_rate: float | None = None
    """Adam's learning rate; None: FINE_TUNE_LEARN_RATE when fine-tuning, else init_config's 0.001."""

    @property
    def every(self) -> int:
        if self.eval_frequency:
            return self.eval_frequency
        return max(1, min(200, self.max_steps // 5))


def _common(config: Any, settings: TrainSettings) -> Any:
    """Paths, steps, seed and the progress logger, set on a filled spaCy Config."""
    config["paths"]["train"] = str(settings.train_path)
    config["paths"]["dev"] = str(settings.dev_path)
    training = config["training"]
    training["max_steps"] = settings.max_steps
    training["max_epochs"] = 0
    training["eval_frequency"] = settings.every
    training["patience"] = 0
    training["seed"] = settings.seed
    training["logger"] = {"@loggers": PROGRESS_LOGGER}
    config["system"]["seed"] = settings.seed
    if settings.learn_rate is not None:
        training["optimizer"]["learn_rate"] = settings.learn_rate
    rate = training.get("optimizer", {}).get("learn_rate")
    if isinstance(rate, dict) and rate.get("@schedules", "").startswith("warmup_linear"):
        rate["total_steps"] = max(settings.max_steps, 1)
        rate["warmup_steps"] = min(int(rate.get("warmup_steps", 250)), max(1, settings.max_steps // 10))
    return config


def ner_config(settings: TrainSettings, base: str | None) -> Any:
    """Config fine-tuning `base`'s `ner` (a package name or a pipeline folder), or a blank `ner` when base is
    None. Raises OSError when the base pipeline cannot be loaded, ValueError when it has no `ner`."""
    import spacy
    from spacy.cli.init_config import init_config

    if base is None:
        config = init_config(lang=settings.lang, pipeline=["ner"], optimize="efficiency", gpu=False)
        config["training"]["score_weights"] = {"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None}
        return _common(config, settings)
    try:
        nlp = spacy.load(base)
    except (TypeError, AttributeError) as error:  # an installed Python package that is not a pipeline (numpy)
        raise ValueError(f"the base {base!r} is not a spaCy pipeline ({type(error).__name__})") from None
    except ValueError as error:  # a truncated or damaged weights file: msgpack's "Unpack failed: ..."
        reason = " ".join(str(error).split())[:200]
        raise ValueError(f"cannot load base pipeline {base!r}: one of its files is damaged or incomplete "
                         f"({type(error).__name__}: {reason}); train it again or choose another --base") from None
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"the base pipeline {base!r} has no ner component "
                         f"({'it has ' + ', '.join(nlp.pipe_names) if nlp.pipe_names else 'it has no components'})")
    config = nlp.config.copy()
    # component_names: the disabled ones too (en_core_web_sm's senter), which the config's pipeline lists
    config["components"] = {name: {"source": str(base)} for name in nlp.component_names}
    if any("ner" in getattr(nlp.get_pipe(name), "listening_components", ()) for name in nlp.component_names):
        # the base's ner listens to a shared tok2vec (a `--base blank` pipeline annotator trained): that tok2vec
        # stays frozen, so the ner gets its own copy of it (spaCy's `replace_listeners`), else spaCy stops with
        # E203; the tok2vec and whatever else listens to it stay exactly as they were
        config["components"]["ner"]["replace_listeners"] = ["model.tok2vec"]
    training = config["training"]
    training["frozen_components"] = [name for name in nlp.component_names if name != "ner"]
    training["annotating_components"] = []
    # only the entities count for the best checkpoint (the frozen tagger / parser have no gold here): every
    # other component's default weight is set to 0, else spaCy normalises ents_f down among them
    weights: dict[str, float | None] = {}
    for name in nlp.component_names:
        weights.update({key: 0.0 for key in nlp.get_pipe_meta(name).default_score_weights})
    weights.update({"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None})
    training["score_weights"] = weights
    config["initialize"]["vectors"] = None
    config["initialize"]["init_tok2vec"] = None
    config["initialize"]["lookups"] = None  # the sourced components carry theirs; no spacy-lookups-data needed
    config = _common(config, settings)
    if settings.learn_rate is None:
        training["optimizer"]["learn_rate"] = FINE_TUNE_LEARN_RATE
    return config


MAX_QUOTE_TOKENS = 60
"""Default ceiling of the suggester's longest n-gram (tokens). The n-gram suggester proposes every span of
min..max tokens at every token, and spancat scores each one: memory grows with the article's tokens times the
range (quotes of 600 tokens made spaCy ask for 26 GB). News quotes are 2-57 tokens (median 13, issue 13), so 60
covers them; `train quotes --max-quote-tokens` moves it (up to MAX_QUOTE_TOKENS_LIMIT)."""
MAX_QUOTE_TOKENS_LIMIT = 200


def quote_suggester_sizes(lengths: list[int], ceiling: int = MAX_QUOTE_TOKENS) -> tuple[int, int]:
    """(min_size, max_size) in tokens for the n-gram suggester: the 5th and 95th percentiles of the training
    quotes' lengths (nearest rank), so the suggester proposes spans as long as quotes are, the longest capped at
    `ceiling`; (1, 3) with none. Quotes longer than max_size are never proposed, so never learned (see
    `too_long_quotes`)."""
    if not lengths:
        return 1, 3
    ordered = sorted(lengths)

    def rank(share: float) -> int:
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]

    high = min(ceiling, max(1, rank(0.95)))
    low = min(high, max(1, rank(0.05)))
    return low, high


def too_long_quotes(lengths: list[int], ceiling: int = MAX_QUOTE_TOKENS) -> int:
    """How many training quotes are longer than the capped suggester's max_size (not proposed, not learned)."""
    return sum(1 for n in lengths if n > quote_suggester_sizes(lengths, ceiling)[1])


def quotes_config(settings: TrainSettings, quote_lengths: list[int], ceiling: int = MAX_QUOTE_TOKENS) -> Any:
    """Config for a `tok2vec` + `spancat` pipeline on `doc.spans["quotes"]` (labels = quote types)."""
    from spacy.cli.init_config import init_config

    config = init_config(lang=settings.lang, pipeline=["spancat"], optimize="efficiency", gpu=False)
    spancat = config["components"]["spancat"]
    spancat["spans_key"] = QUOTES_SPANS_KEY
    low, high = quote_suggester_sizes(quote_lengths, ceiling)
    spancat["suggester"] = {"@misc": "spacy.ngram_range_suggester.v1", "min_size": low, "max_size": high}
    # the spancat factory's defaults name the key "sc": zeroed, else spaCy normalises the quotes' F down to half
    config["training"]["score_weights"] = {
        f"spans_{QUOTES_SPANS_KEY}_f": 1.0, f"spans_{QUOTES_SPANS_KEY}_p": 0.0, f"spans_{QUOTES_SPANS_KEY}_r": 0.0,
        "spans_sc_f": 0.0, "spans_sc_p": 0.0, "spans_sc_r": 0.0,
    }
    return _common(config, settings)
