"""Exchange sub-commands: `export` (annotator JSONL, Prodigy, doccano, spaCy DocBin) and `import`."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import db_path_of, open_store, progress_bar
from annotator.core.model import Status


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "prodigy", "doccano", "spacy"]), default="jsonl",
              show_default=True, help="jsonl: annotator's records (Prodigy task + quotes); prodigy: quotes as "
              "QUOTE/SPEAKER/CUE spans + relations; doccano: entities + relations; spacy: DocBin train/dev.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File (a folder for spacy or with --split). Default: ./exports/annotations-<format>-<time>[-N] "
                   "(never overwrites an earlier export). A symbolic link is written through (the file it points "
                   "to is replaced whole); the database, its -wal/-shm, devices, FIFOs and '-' are refused.")
@click.option("--annotator", "annotators", multiple=True, help="Only these annotators (repeat). Default: all but the model.")
@click.option("--status", "statuses", multiple=True, type=click.Choice([s.value for s in Status]),
              help="Only sets with these statuses (repeat). Default: done for the training formats (spacy, "
              "doccano); done, rejected, skipped for jsonl and prodigy (the status travels as `answer`).")
@click.option("--versions", type=click.Choice(["one", "all"]), default=None,
              help="one: one version per document (gold where it exists, else the latest updated set; each "
              "choice listed); all: one record per document and annotator. Default: one for spacy and doccano, "
              "all for jsonl and prodigy.")
@click.option("--labels", default=None, help="Only entities with these labels (comma-separated).")
@click.option("--split", type=click.FloatRange(0, 1), default=None,
              help="Share of documents for train (rest to dev). Default for spacy: 0.8.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the train/dev split.")
@click.option("--align", type=click.Choice(["strict", "expand"]), default="strict", show_default=True,
              help="spacy: a span off token boundaries is reported and left out (strict) or widened (expand).")
@click.pass_context
def export(ctx, fmt, output, annotators, statuses, versions, labels, split, seed, align):
    """Export annotation sets. Exchange formats (jsonl, prodigy): one record per document and annotator, every
    finished status. Training formats (spacy, doccano): done sets only and one version per document (gold where
    it exists) unless --status / --versions say otherwise. Spans that cannot be expressed exactly (not aligned
    with tokens) and relations whose spans were edited away are listed, never dropped silently."""
    from annotator.io.exporter import ExportOptions
    from annotator.io.exporter import export as run_export

    options = ExportOptions(
        format=fmt,
        output=output,
        annotators=list(annotators) or None,
        statuses=[Status(s) for s in statuses] or None,
        versions=versions,
        labels=[label.strip() for label in labels.split(",") if label.strip()] if labels else None,
        split=split,
        seed=seed,
        align=align,
    )
    with open_store(ctx, readonly=True, must_exist=True) as store, progress_bar(None, "exporting", unit="rec") as bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - state["done"])
            state["done"] = done

        try:
            report = run_export(store, options, on_progress=progress)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:  # full disk, read-only folder: every file is written whole or not at all
            where = error.filename or options.output or "the export"
            raise click.ClickException(
                f"cannot write {where}: {error.strerror or error}; nothing was exported (files already there "
                "are unchanged)") from None
    for line in report.issues.misaligned:
        click.echo(f"not aligned: {line}", err=True)
    for line in report.issues.duplicates:
        click.echo(f"several versions: {line}", err=True)
    for line in report.issues.blank_edges:
        click.echo(f"whitespace edge: {line}", err=True)
    for line in report.issues.dropped_relations:
        click.echo(f"relation: {line}", err=True)
    click.echo(report.summary())


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "prodigy", "doccano"]), default="auto",
              show_default=True)
@click.option("--annotator", default=None,
              help="Annotator for records that do not name one (_annotator_id/_session_id/user). Default: file stem.")
@click.pass_context
def import_(ctx, file, fmt, annotator):
    """Import annotations (annotator JSONL, Prodigy, doccano). All or nothing: one pass in one transaction;
    the first bad record is reported as file:line: reason and nothing is written. Importing the same file
    again changes nothing."""
    from annotator.core.store import StoreError
    from annotator.io.articles import InputError
    from annotator.io.importer import import_file

    with open_store(ctx) as store, progress_bar(file.stat().st_size, "importing", unit="B") as bar:
        bar.unit_scale = True
        state = {"done": 0}

        def progress(_phase: str, done: int, total: int) -> None:  # characters read of the file's bytes
            bar.update(done - state["done"])
            state["done"] = done

        try:
            report = import_file(store, file, fmt=fmt, annotator=annotator, on_progress=progress)
        except InputError as error:
            raise click.ClickException(f"{error}\nNothing was imported.") from None
        except StoreError as error:  # disk full, read-only: the one transaction rolled back
            raise click.ClickException(f"{error}; nothing was imported (one transaction)") from None
    for line in report.blank_edges:
        click.echo(f"whitespace edge: {line}", err=True)
    click.echo(f"{db_path_of(ctx)}: {report.summary()}")


def register(group: click.Group) -> None:
    group.add_command(export)
    group.add_command(import_)
