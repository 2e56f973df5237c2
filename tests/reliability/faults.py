"""Real faults for the durability tests: a small tmpfs that fills up, a folder mounted read-only, the CLI run as
a real process."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from crashkit import REPO

from tests.cli_run import one_line_error as shared_one_line_error
from tests.cli_run import run_cli

ANNOTATOR_BIN = REPO / ".venv" / "bin" / "annotator"


def cli(db: Path, *args, timeout: float = 120, cwd: Path | None = None
        ) -> subprocess.CompletedProcess:
    """Run `annotator --db DB ARGS...` as a real process (never $ANNOTATOR_DB's); returns it, exit code unchecked."""
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_DB"}
    return run_cli(db, *args, ok=False, timeout=timeout, env=env, cwd=cwd)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The command failed with exit 1 and a single `Error: ...` line (and no traceback); returns that line."""
    return shared_one_line_error(result, code=1)


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@contextlib.contextmanager
def small_tmpfs(size: str = "2m") -> Iterator[Path]:
    """A fresh tmpfs of `size`: writes past it fail with ENOSPC, as on a full disk. Needs root (CI runs as root)."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-tmpfs-"))
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def remount_readonly(folder: Path) -> None:
    """Make a `small_tmpfs` read-only (EROFS for everyone, root included)."""
    _mount("-o", "remount,ro", str(folder))


def fill(folder: Path, leave_bytes: int = 0) -> None:
    """Fill the file system of `folder` until at most `leave_bytes` are free."""
    filler = folder / "filler.bin"
    with open(filler, "ab") as handle:
        while True:
            free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
            if free <= leave_bytes:
                return
            try:
                handle.write(b"\0" * min(65536, max(free - leave_bytes, 1)))
                handle.flush()
            except OSError:
                return


@contextlib.contextmanager
def readonly_file(path: Path) -> Iterator[Path]:
    """Make one file read-only for everyone, root included (a read-only bind mount of the file onto itself),
    while its folder stays writable."""
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,ro,bind", str(path))
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)
