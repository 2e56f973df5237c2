"""Run a training: spaCy's own `spacy.cli.train.train` on a config from `configs`, with progress reported through
a registered logger, then per-label precision / recall / F on the held-out split, and the best pipeline written
to the output folder (which `spacy.load` opens, and `annotator extract / ingest / reannotate --model` take).

The output folder appears whole or not at all: training happens in a sibling work folder, and the finished
pipeline is renamed into place (a previous pipeline there is replaced only then)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.files import fsync_directory, write_bytes_atomic, write_text_atomic
from annotator.core.strict_json import dumps_strict
from annotator.train.configs import PROGRESS_LOGGER, QUOTES_SPANS_KEY

TRAINING_INFO = "annotator_training.json"
"""Written into every pipeline `annotator train` makes: kind, base, data, scores, seconds."""

ProgressFn = Callable[[dict[str, Any]], None]
"""Receives {"step", "max_steps", "loss", "score" (None between evaluations), "epoch"}."""


class TrainError(RuntimeError):
    """Training could not run or finish; the message is one line (the full spaCy log is in the work folder)."""


@dataclass(slots=True)
class LabelScores:
    """Precision, recall and F (0..1) of one label on the held-out documents."""

    p: float
    r: float
    f: float


@dataclass(slots=True)
class TrainResult:
    output: Path
    kind: str
    scores: dict[str, LabelScores] = field(default_factory=dict)
    overall: LabelScores | None = None
    seconds: float = 0.0

    def table(self) -> str:
        lines = [f"{'label':<16} {'P':>6} {'R':>6} {'F':>6}"]
        for label, s in sorted(self.scores.items()):
            lines.append(f"{label:<16} {s.p:6.3f} {s.r:6.3f} {s.f:6.3f}")
        if self.overall:
            lines.append(f"{'ALL':<16} {self.overall.p:6.3f} {self.overall.r:6.3f} {self.overall.f:6.3f}")
        return "\n".join(lines)


_sink: dict[str, Any] = {"progress": None, "max_steps": 0}


def _register_logger() -> None:
    from spacy import registry

    if PROGRESS_LOGGER in registry.loggers.get_all():
        return

    @registry.loggers(PROGRESS_LOGGER)
    def progress_logger():
        """Reports each step to the function `train_from_config` was given (None: nothing)."""

        def setup(nlp, stdout=None, stderr=None):
            def log_step(info):
                report = _sink["progress"]
                if report is None:
                    return
                if info is None:  # a step between evaluations: spaCy passes nothing; count it
                    _sink["step"] = _sink.get("step", 0) + 1
                    report({"step": _sink["step"], "max_steps": _sink["max_steps"], "loss": None, "score": None})
                    return
                _sink["step"] = info["step"]
                report({"step": info["step"], "max_steps": _sink["max_steps"], "epoch": info.get("epoch"),
                        "loss": round(float(sum(info.get("losses", {}).values())), 3),
                        "score": round(float(info.get("score") or 0.0), 4)})

            return log_step, lambda: None

        return setup


def train_from_config(config: Any, output: Path, *, kind: str, dev_path: Path,
                      on_progress: ProgressFn | None = None, info: dict[str, Any] | None = None) -> TrainResult:
    """Train with `config` (a filled spaCy Config whose logger is PROGRESS_LOGGER), evaluate the best checkpoint
    on `dev_path` and put it at `output`. `kind` is "ner" or "quotes". Raises TrainError."""
    output = Path(output).absolute()
    check_output(output)
    work = output.parent / f".{output.name}.training-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        return _train_in(work, config, output, kind=kind, dev_path=dev_path, on_progress=on_progress, info=info)
    except TrainError:
        raise  # its work folder holds spacy.log, named in the message (removed by the next run: stale_staging)
    except BaseException:  # Ctrl+C, SIGTERM (see `terminate_as_interrupt`), a disk full while staging: no 30 MB left
        shutil.rmtree(work, ignore_errors=True)
        raise


def _train_in(work: Path, config: Any, output: Path, *, kind: str, dev_path: Path,
              on_progress: ProgressFn | None, info: dict[str, Any] | None) -> TrainResult:
    import spacy.cli.train

    config_path = work / "config.cfg"
    write_text_atomic(config_path, config.to_str())
    _register_logger()
    _sink.update(progress=on_progress, max_steps=int(config["training"]["max_steps"]), step=0)
    started = time.perf_counter()
    log_path = work / "spacy.log"
    log = io.StringIO()  # spaCy's own console output, kept in the work folder (written whole at the end)
    failure = None
    try:
        with contextlib.redirect_stdout(log):
            spacy.cli.train.train(config_path, work / "out")
    except SystemExit as exit_:  # spaCy's msg.fail(exits=1) on a config or data problem
        failure = f"spaCy stopped training ({exit_.code})"
    except Exception as error:
        failure = f"training failed: {type(error).__name__}: {one_line(str(error))}"
    finally:
        _sink.update(progress=None)
    try:
        write_text_atomic(log_path, log.getvalue())
    except OSError as error:  # a full disk: nothing to point at, so nothing is kept
        shutil.rmtree(work, ignore_errors=True)
        raise TrainError(f"{failure or 'training finished'} but its log could not be written "
                         f"({error.strerror or error}); the work folder was removed") from None
    if failure:
        raise TrainError(f"{failure}; see {log_path}")
    seconds = time.perf_counter() - started
    best = work / "out" / "model-best"
    if not best.is_dir():
        raise TrainError(f"spaCy wrote no model-best; see {log_path}")
    import spacy

    nlp = spacy.load(best)
    result = evaluate(nlp, dev_path, kind)
    result.seconds = seconds
    result.output = output
    record = {"kind": kind, **(info or {}), "seconds": round(seconds, 1),
              "overall": result.overall and vars_of(result.overall),
              "per_label": {k: vars_of(v) for k, v in result.scores.items()}}
    write_text_atomic(best / TRAINING_INFO, dumps_strict(record, indent=2))
    write_bytes_atomic(best / "training-config.cfg", Path(config_path).read_bytes())  # temp + fsync + rename
    write_text_atomic(best / MANIFEST, dumps_strict(pipeline_manifest(best), indent=1))
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    check_output(output)  # again: something may have been put there while training ran
    if output.exists():
        output.rename(old)
    best.rename(output)
    fsync_directory(output.parent)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    return result


def one_line(message: str, limit: int = 300) -> str:
    """A spaCy error as one line of at most `limit` characters (E961 puts the whole config in its message)."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


STAGING_PATTERNS = (r"\.(?P<name>.+)\.training-(?P<pid>\d+)", r"\.(?P<name>.+)\.old-(?P<pid>\d+)",
                    r"\.annotator-train-(?P<pid>\d+)-[^/]*")
"""The folders a training stages in beside its --output (named with the training's process id): the work folder,
the previous pipeline while it is replaced, the DocBins (cli.train)."""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0; a process of another user counts as alive)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(parent: Path) -> list[str]:
    """Remove staging folders in `parent` left by a training that was killed or failed: only real folders (not
    symbolic links) whose name is one of STAGING_PATTERNS and whose process is gone (a live process, this one
    included, keeps its own). Returns the names removed."""
    import re

    removed = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    for entry in entries:
        for pattern in STAGING_PATTERNS:
            match = re.fullmatch(pattern, entry.name)
            if match is None:
                continue
            pid = int(match["pid"])
            if pid != os.getpid() and not pid_alive(pid) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
            break
    return removed


MANIFEST = "annotator_manifest.json"
"""Written last into every pipeline `annotator train` makes: {"files": {relative path: sha256}, "folders": [...]},
every file and folder (recursively) spaCy's `nlp.to_disk` and annotator wrote. Only a folder whose whole content
is listed there, unchanged, may be replaced by the next training."""


def _tree(folder: Path) -> tuple[list[Path], list[Path]]:
    """Every file and every folder under `folder` (recursively, symbolic links not followed, listed as files)."""
    files, folders = [], []
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in dirs:
            (files if (base / name).is_symlink() else folders).append(base / name)
        files.extend(base / name for name in names)
    return sorted(files), sorted(folders)


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pipeline_manifest(folder: Path) -> dict[str, Any]:
    """The manifest (see MANIFEST) of the pipeline just written at `folder`."""
    files, folders = _tree(folder)
    return {"files": {f.relative_to(folder).as_posix(): _sha256(f) for f in files if f.name != MANIFEST
                      or f.parent != folder},
            "folders": [d.relative_to(folder).as_posix() for d in folders]}


def _first_foreign(folder: Path) -> str | None:
    """The first entry (relative path, sorted) of an existing pipeline folder that the training which made it did
    not write, or whose content changed since (a database, notes, anything a person put or edited there, at any
    depth): replacing the folder would delete it. None when every entry is the training's own."""
    from annotator.core.strict_json import JSONRejected, loads_strict

    try:
        manifest = loads_strict((folder / MANIFEST).read_text(encoding="utf-8"))
        listed, listed_folders = dict(manifest["files"]), set(manifest["folders"])
    except (OSError, UnicodeDecodeError, JSONRejected, KeyError, TypeError, ValueError):
        return f"{MANIFEST} (missing or unreadable: not a pipeline this annotator wrote whole)"
    files, folders = _tree(folder)
    for path in sorted(files + folders):
        relative = path.relative_to(folder).as_posix()
        if relative == MANIFEST:
            continue
        if path in folders:
            if relative not in listed_folders:
                return relative + "/"
        elif relative not in listed:
            return relative
        else:
            try:
                if _sha256(path) != listed[relative]:
                    return f"{relative} (changed since training)"
            except OSError:
                return f"{relative} (unreadable)"
    return None


def check_output(output: Path) -> None:
    """Raise TrainError unless `output` is free: missing, an empty folder, or a pipeline annotator trained whose
    every file and folder, at any depth, is listed unchanged in its MANIFEST (it is replaced when the new one is
    finished; anything else in it refuses the folder, naming the first such file, so a database or notes kept
    there, or in one of its component folders, are never deleted)."""
    if not output.exists():
        return
    if not output.is_dir() or (any(output.iterdir()) and not (output / TRAINING_INFO).exists()):
        raise TrainError(f"{output} exists and is not a pipeline annotator trained; choose another --output")
    if (output / TRAINING_INFO).exists() and (foreign := _first_foreign(output)):
        raise TrainError(f"{output} holds a file that is not part of the trained pipeline ({foreign}); "
                         "replacing it would delete it: choose another --output")


def vars_of(scores: LabelScores) -> dict[str, float]:
    return {"p": round(scores.p, 4), "r": round(scores.r, 4), "f": round(scores.f, 4)}


def evaluate(nlp: Any, dev_path: Path, kind: str) -> TrainResult:
    """Per-label and overall P/R/F of `nlp` on the DocBin at `dev_path`: entities (`ents_per_type`) for "ner",
    `doc.spans["quotes"]` for "quotes" (spaCy's own Scorer, exact span + label)."""
    from spacy.tokens import DocBin
    from spacy.training import Example

    docs = list(DocBin().from_disk(dev_path).get_docs(nlp.vocab))
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in docs]
    if kind == "quotes":
        for example in examples:  # the prediction must not see the reference spans
            example.predicted.spans.clear()
    scores = nlp.evaluate(examples)
    key = "ents" if kind == "ner" else f"spans_{QUOTES_SPANS_KEY}"
    per_type = scores.get(f"{key}_per_type") or {}
    result = TrainResult(output=Path(), kind=kind)
    result.scores = {label: LabelScores(v["p"], v["r"], v["f"]) for label, v in per_type.items()}
    result.overall = LabelScores(scores.get(f"{key}_p") or 0.0, scores.get(f"{key}_r") or 0.0,
                                 scores.get(f"{key}_f") or 0.0)
    return result
