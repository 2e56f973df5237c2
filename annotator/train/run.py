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
    import spacy.cli.train

    output = Path(output).absolute()
    check_output(output)
    work = output.parent / f".{output.name}.training-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    config_path = work / "config.cfg"
    write_text_atomic(config_path, config.to_str())
    _register_logger()
    _sink.update(progress=on_progress, max_steps=int(config["training"]["max_steps"]), step=0)
    started = time.perf_counter()
    log_path = work / "spacy.log"
    log = io.StringIO()  # spaCy's own console output, kept in the work folder (written whole at the end)
    try:
        with contextlib.redirect_stdout(log):
            spacy.cli.train.train(config_path, work / "out")
    except SystemExit as exit_:  # spaCy's msg.fail(exits=1) on a config or data problem
        raise TrainError(f"spaCy stopped training ({exit_.code}); see {log_path}") from None
    except Exception as error:
        raise TrainError(f"training failed: {type(error).__name__}: {error}; see {log_path}") from None
    finally:
        _sink.update(progress=None)
        write_text_atomic(log_path, log.getvalue())
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
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    check_output(output)  # again: something may have been put there while training ran
    if output.exists():
        output.rename(old)
    best.rename(output)
    fsync_directory(output.parent)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    return result


PIPELINE_FILES = {"config.cfg", "meta.json", "tokenizer", "vocab", TRAINING_INFO, "training-config.cfg"}
"""What spaCy's `nlp.to_disk` and annotator write into a pipeline folder, besides one folder per component."""


def _foreign_entries(folder: Path) -> list[str]:
    """Entries of an existing pipeline folder that neither spaCy's `to_disk` nor annotator wrote (a database, notes,
    anything a person put there): replacing the folder would delete them, so their presence refuses it."""
    from annotator.core.strict_json import JSONRejected, loads_strict

    try:
        meta = loads_strict((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, JSONRejected):
        return ["meta.json (missing or unreadable)"]
    components = set(meta.get("components") or meta.get("pipeline") or []) if isinstance(meta, dict) else set()
    return sorted(entry.name for entry in folder.iterdir() if entry.name not in PIPELINE_FILES | components)


def check_output(output: Path) -> None:
    """Raise TrainError unless `output` is free: missing, an empty folder, or a pipeline annotator trained that
    holds nothing else (it is replaced when the new one is finished; any other file in it refuses the folder,
    so a database or notes kept there are never deleted)."""
    if not output.exists():
        return
    if not output.is_dir() or (any(output.iterdir()) and not (output / TRAINING_INFO).exists()):
        raise TrainError(f"{output} exists and is not a pipeline annotator trained; choose another --output")
    if (output / TRAINING_INFO).exists() and (foreign := _foreign_entries(output)):
        raise TrainError(f"{output} holds files that are not part of a trained pipeline ({', '.join(foreign[:5])}); "
                         "replacing it would delete them: choose another --output")


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
