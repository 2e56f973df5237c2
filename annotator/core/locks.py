"""An OS lock on a lock file beside an output, so two runs never write the same output at once.

The lock is `flock` on `OUT.lock` (never on a SQLite database: SQLite's own locks are its alone). The file holds
the holder's pid and host for the message the second run prints; it is removed when the holder is done. A lock
file left by a killed run holds no lock (the OS drops it with the process), so it never blocks a rerun.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import UserError
from annotator.core.files import open_lock_file


def lock_path(output: Path) -> Path:
    """The lock file of an output: `OUT.lock` in the output's folder."""
    return output.with_name(output.name + ".lock")


@contextlib.contextmanager
def output_lock(output: str | os.PathLike) -> Iterator[Path]:
    """Hold the exclusive lock of `output` for the `with` block. Raises UserError (one line, naming the other
    run's pid) when another run holds it, or OSError when the lock file cannot be made (a missing or read-only
    folder: the same error writing the output would give)."""
    path = lock_path(Path(output))
    while True:
        fd = open_lock_file(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown pid"
            os.close(fd)
            raise UserError(f"{output} is being written by another run ({holder}); wait for it to finish") from None
        # the holder before us may have removed the file after we opened it: lock the file that is there now
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
