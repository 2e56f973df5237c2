"""Exchange sub-commands: `export` and `import` (annotator JSONL, Prodigy, doccano, spaCy DocBin, CoNLL/IOB, brat,
Label Studio)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from annotator.cli.common import (Interrupted, db_path_of, one_line_refusal, open_store, progress_bar,
                                  remove_new_database, stdout_failed, stop_on_sigterm)
from annotator.core.model import Status

EXPORT_CHOICES = ("jsonl", "prodigy", "doccano", "spacy", "conll", "iob", "brat", "labelstudio")
IMPORT_CHOICES = ("auto", "jsonl", "prodigy", "doccano", "doccano-csv", "conll", "iob", "brat", "labelstudio")


def label_list(values: tuple[str, ...]) -> list[str] | None:
    """`--labels` values: each option one label (so a label may hold a comma); the older single
    comma-separated value still works when it is the only one."""
    if not values:
        return None
    if len(values) == 1 and "," in values[0]:
        return [label.strip() for label in values[0].split(",") if label.strip()] + [values[0].strip()]
    return [value.strip() for value in values if value.strip()]


@click.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_CHOICES)), default="jsonl", show_default=True,
              help="jsonl: annotator's records (Prodigy task + quotes); prodigy: quotes as QUOTE/SPEAKER/CUE spans + "
              "relations; doccano: entities + relations (with each record's user); spacy: DocBin train/dev; conll: "
              "CoNLL-2003 (4 columns, -DOCSTART-); iob: two columns (token, BIO tag); brat: a folder of .txt/.ann "
              "pairs; labelstudio: a Label Studio JSON import file.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File (a folder for spacy, brat or with --split). Default: "
                   "./exports/annotations-<format>-<time>[-N] (never overwrites an earlier export). '-' writes to "
                   "standard output (one-file formats only: not spacy, brat or --split). A symbolic link "
                   "is written through (the file it points to is replaced whole); the database, its -wal/-shm, "
                   "devices and FIFOs are refused.")
@click.option("--annotator", "annotators", multiple=True, help="Only these annotators (repeat). Default: all but the model.")
@click.option("--status", "statuses", multiple=True, type=click.Choice([s.value for s in Status]),
              help="Only sets with these statuses (repeat). Default: done for the training formats (spacy, "
              "doccano) and for conll, iob, brat (no status field); done, rejected, skipped for jsonl, prodigy and "
              "labelstudio (the status travels as `answer` / `was_cancelled`).")
@click.option("--versions", type=click.Choice(["one", "all"]), default=None,
              help="one: one version per document (gold where it exists, else the latest correction: an imported answer's _timestamp, else its last update here; each "
              "choice listed); all: one record per document and annotator. Default: one for the training formats "
              "spacy and doccano (training-data rule; use `all` to give doccano every annotator's `user`), all "
              "for the others.")
@click.option("--labels", "labels", multiple=True,
              help="Only entities with this label (repeat the option for several; a label may hold a comma). "
              "One value with commas and no such label is read as a comma-separated list. Names that are no known label "
              "are refused (a typo would export no entities).")
@click.option("--split", type=click.FloatRange(0, 1), default=None,
              help="Share of documents for train (rest to dev), exact: dev = round((1 - share) x documents), at "
              "least 1 each side when the share is between 0 and 1 and there are 2 documents or more (1 document, "
              "or --split 1: no dev file), in the seeded order `annotator train` uses. Default for spacy: 0.8.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the train/dev split.")
@click.option("--align", type=click.Choice(["strict", "expand"]), default="strict", show_default=True,
              help="spacy: a span off token boundaries is reported and left out (strict) or widened (expand).")
@click.option("--include-model", is_flag=True,
              help="Training formats (spacy, doccano, conll, iob, brat): also the model's sets (the pre-extraction "
              "and model@<version> sets such as Label Studio predictions), ranked after every person's and never "
              "for a document a person skipped or rejected. Default: people's sets only.")
@click.pass_context
def export(ctx, fmt, output, annotators, statuses, versions, labels, split, seed, align, include_model):
    """Export annotation sets. Exchange formats (jsonl, prodigy, labelstudio): one record per document and
    annotator, every finished status. Training formats (spacy, doccano): done sets only and one version per
    document (gold where it exists) unless --status / --versions say otherwise. conll, iob, brat: done sets only
    (no status field) and one annotator (name it with --annotator when there are several). Spans that cannot be expressed exactly (not aligned
    with tokens) and relations whose spans were edited away are listed, never dropped silently."""
    import shutil
    import sys
    import tempfile

    from annotator.io.exporter import ExportOptions
    from annotator.io.exporter import export as run_export

    to_stdout = output is not None and str(output) == "-"
    if to_stdout and (fmt in ("spacy", "brat") or split is not None):
        raise click.UsageError("-o - (standard output) takes one file: not the spacy or brat format (a folder) "
                               "or --split")
    scratch = tempfile.TemporaryDirectory(prefix="annotator-export-") if to_stdout else None
    if scratch:  # written whole into a scratch file first, so a failure sends nothing half-done to stdout
        output = Path(scratch.name) / f"export.{fmt}.jsonl"
    options = ExportOptions(
        format=fmt,
        output=output,
        annotators=list(annotators) or None,
        statuses=[Status(s) for s in statuses] or None,
        versions=versions,
        labels=label_list(labels),
        split=split,
        seed=seed,
        align=align,
        include_model=include_model,
    )
    stop_on_sigterm()
    try:
        with (open_store(ctx, readonly=True, must_exist=True) as store,
              progress_bar(None, "exporting", unit="rec") as bar):
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
    except KeyboardInterrupt:  # Ctrl+C, SIGTERM: the writers removed their temporary files
        if scratch:
            scratch.cleanup()
        raise Interrupted("nothing was exported (files already there are unchanged)") from None
    for line in report.issues.prefixed_lines():
        click.echo(line, err=True)
    if scratch:
        try:
            with scratch, open(output, "rb") as written:
                shutil.copyfileobj(written, sys.stdout.buffer)
                sys.stdout.flush()
        except KeyboardInterrupt:
            raise Interrupted("standard output got part of the export (it was being written)") from None
        except OSError as error:  # `-o - > /dev/full`, a closed pipe's other errors
            stdout_failed(error, "the export was not written whole")
        click.echo(report.summary().replace(str(output), "standard output"), err=True)
        return
    click.echo(report.summary())


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(IMPORT_CHOICES)), default="auto", show_default=True,
              help="auto: from the content. A brat import takes a .ann/.txt pair (either file) or a folder of them.")
@click.option("--annotator", default=None,
              help="Annotator for records that do not name one (_annotator_id/_session_id/user). Default: file stem (for a brat pair, its folder: the collection).")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid records and list every skipped one (file:line: reason). Default: all or nothing.")
@click.option("--no-extract", is_flag=True, help="Texts without annotations are not pre-annotated by the model.")
@click.option("--model", default=None, help="spaCy pipeline for pre-annotating texts without annotations.")
@click.pass_context
def import_(ctx, file, fmt, annotator, skip_invalid, no_extract, model):
    """Import annotations (annotator JSONL, Prodigy, doccano JSONL/CSV, CoNLL/IOB, brat, Label Studio JSON).
    All or nothing by default: one pass in one transaction; the first bad record is reported as file:line:
    reason and nothing is written. Texts without annotations become documents to annotate (status new),
    pre-annotated like `ingest`. Importing the same file again changes nothing."""
    from annotator.core.input_files import check_input_file
    from annotator.core.store import StoreError
    from annotator.io.articles import InputError
    from annotator.io.detect import detect_format
    from annotator.io.importer import file_size, import_file

    db_path = Path(db_path_of(ctx))
    try:  # by stat(2), before anything is opened: the database itself (any name or link), a device or pipe
        check_input_file(file, db_path, folder_ok=True)
        detected = detect_format(file) if fmt == "auto" else fmt
    except InputError as error:
        raise click.ClickException(one_line_refusal(error)) from None
    extract = None
    if not no_extract and _has_text_only(file, detected):
        from annotator.cli.corpus import make_extract_fn

        extract = make_extract_fn(model, None, None)
    stop_on_sigterm()
    new_database = not os.path.lexists(db_path)
    failure = None
    try:
        with open_store(ctx) as store, progress_bar(file_size(file), "importing", unit="B") as bar:
            bar.unit_scale = True
            state = {"done": 0}

            def progress(_phase: str, done: int, total: int) -> None:  # characters read of the file's bytes
                bar.update(done - state["done"])
                state["done"] = done

            try:
                report = import_file(store, file, fmt=detected, annotator=annotator, on_progress=progress,
                                     skip_invalid=skip_invalid, extract=extract)
            except InputError as error:
                failure = one_line_refusal(error)
            except StoreError as error:  # disk full, read-only: the one transaction rolled back
                if _raised_while_interrupted(error):  # a rollback that failed under Ctrl+C/SIGTERM: the signal
                    raise KeyboardInterrupt from None
                failure = f"{error}; nothing was imported (one transaction)"
    except KeyboardInterrupt:  # Ctrl+C, SIGTERM: the one transaction rolled back, the connection closed
        if new_database:
            remove_new_database(db_path)
        raise Interrupted("nothing was imported (one transaction)" + (
            f"; the new database {db_path} was removed" if new_database else "")) from None
    except BaseException:  # the store could not even be made (a full disk while creating it): no half-made file
        if new_database:
            remove_new_database(db_path)
        raise
    if failure is not None:
        if new_database:  # this command made the file: a failed import leaves no empty database behind
            remove_new_database(db_path)
        raise click.ClickException(failure)
    for line in report.blank_edges:
        click.echo(f"whitespace edge: {line}", err=True)
    for line in report.details():
        click.echo(line, err=True)
    click.echo(f"{db_path_of(ctx)}: {report.summary()}")


def _has_text_only(file: Path, fmt: str) -> bool:
    """Whether the file holds a record with text only (so the model is loaded only when it will be used)."""
    if fmt not in ("jsonl", "prodigy", "doccano"):
        return False
    from annotator.io.importer import ANNOTATION_KEYS
    from annotator.io.articles import iter_jsonl_lines
    from annotator.core.strict_json import JSONRejected, loads_strict

    for _number, line in iter_jsonl_lines(file):
        if isinstance(line, str):
            try:
                record = loads_strict(line)
            except JSONRejected:
                continue
            if isinstance(record, dict) and not (ANNOTATION_KEYS & record.keys()):
                return True
    return False


def register(group: click.Group) -> None:
    group.add_command(export)
    group.add_command(import_)


def _raised_while_interrupted(error: BaseException) -> bool:
    """Whether `error` was raised while a KeyboardInterrupt (Ctrl+C, or SIGTERM turned into one) was being handled:
    SQLite can answer the rollback that interrupt starts with "database table is locked", which must still end as
    the interrupt (exit 130/143, one line), not as an import error."""
    seen = error.__context__
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__context__
    return False
