"""The cue lexicon: reporting verbs and multiword cues ("according to", "called on").

The default list lives in ``resources/cue_verbs.txt``; users extend it with a file of their own passed to
:class:`~annotator.extract.pipeline.Extractor` or named by the ``ANNOTATOR_CUES`` environment variable
(several paths separated by ``os.pathsep``). In an extra file, a line ``-word`` removes a cue.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import UserError
from annotator.core.resources import resource_path

ENV_VAR = "ANNOTATOR_CUES"
NOUN_CUES = frozenset({
    "allegation", "claim", "warning", "assertion", "insistence", "admission", "accusation", "assurance",
    "announcement", "argument", "suggestion", "prediction", "promise", "pledge", "contention", "statement",
    "complaint", "concession", "declaration", "denial", "estimate", "forecast", "vow",
    "boast", "acknowledgement", "acknowledgment", "confirmation", "revelation", "testimony", "remark",
})
"""Reporting nouns whose that-clause is an indirect quote (``the allegation that …``); not ``fact``/``idea``."""
DEFAULT_CUE_FILE = resource_path("cue_verbs.txt")


@dataclass(slots=True)
class CueLexicon:
    """Single-word cues (lemmas or word forms, lowercase) and multiword cues keyed by their first word."""

    words: set[str] = field(default_factory=set)
    multi: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    def add(self, cue: str) -> None:
        parts = tuple(cue.lower().split())
        if not parts:
            return
        if len(parts) == 1:
            self.words.add(parts[0])
        else:
            variants = self.multi.setdefault(parts[0], [])
            if parts not in variants:
                variants.append(parts)

    def remove(self, cue: str) -> None:
        parts = tuple(cue.lower().split())
        if len(parts) == 1:
            self.words.discard(parts[0])
        elif parts and parts[0] in self.multi:
            self.multi[parts[0]] = [p for p in self.multi[parts[0]] if p != parts]

    def __contains__(self, cue: str) -> bool:
        parts = tuple(cue.lower().split())
        if len(parts) == 1:
            return parts[0] in self.words
        return bool(parts) and parts in self.multi.get(parts[0], [])

    def __len__(self) -> int:
        return len(self.words) + sum(len(v) for v in self.multi.values())


def parse_cues(lines: Iterable[str], lexicon: CueLexicon | None = None) -> CueLexicon:
    lexicon = lexicon if lexicon is not None else CueLexicon()
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-"):
            lexicon.remove(line[1:].strip())
        else:
            lexicon.add(line)
    return lexicon


def _env_files() -> list[Path]:
    value = os.environ.get(ENV_VAR, "").strip()
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def load_cues(
    extra: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    *,
    use_env: bool = True,
    base: str | os.PathLike[str] | None = None,
) -> CueLexicon:
    """Load the default lexicon, then the extra file(s) given, then those named by ``ANNOTATOR_CUES``.

    A missing, unreadable or non-UTF-8 extra file raises ``CueFileError`` (a UserError and FileNotFoundError)
    naming it (a typo in a user's path must not pass silently).
    """
    base_path = Path(base) if base is not None else DEFAULT_CUE_FILE
    lexicon = parse_cues(base_path.read_text(encoding="utf-8").splitlines())
    extras: list[Path] = []
    if extra is not None:
        if isinstance(extra, (str, os.PathLike)):
            extras.append(Path(extra))
        else:
            extras.extend(Path(p) for p in extra)
    if use_env:
        extras.extend(_env_files())
    for path in extras:
        parse_cues(_read_cue_file(path).splitlines(), lexicon)
    return lexicon


class CueFileError(UserError, FileNotFoundError):
    """A cue file that is missing, a folder, unreadable or not UTF-8: one line naming the file."""


def _read_cue_file(path: Path) -> str:
    where = f"{path} (from ${ENV_VAR})" if str(path) in os.environ.get(ENV_VAR, "") else str(path)
    if path.is_dir():
        raise CueFileError(f"{where}: is a folder, not a cue file (one cue a line)")
    if not path.is_file():
        if path.exists():  # a FIFO or device (a link to /dev/zero): reading it would hang or never end
            raise CueFileError(f"{where}: is not a regular file (a device, FIFO or socket), not a cue file")
        raise CueFileError(f"{where}: cue file not found")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CueFileError(f"{where}: not UTF-8 text (a cue file is UTF-8, one cue a line)") from None
    except OSError as error:
        raise CueFileError(f"{where}: cannot be read ({error.strerror or error})") from None

