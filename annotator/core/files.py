"""Atomic file writes: the target holds either its old content or the whole new content, never a half file.

Rule of the project: every file annotator writes (exports, DocBin files, tag sets, settings, part files) goes to a
temporary file in the same folder, is flushed and fsynced, then renamed over the target (`os.replace`, atomic on
POSIX and Windows within one file system), and the folder is fsynced so the rename itself survives a crash.
A killed process leaves at most a stray ``.<name>.*.tmp`` file beside the target, never a damaged target.

Never use this for the SQLite database file: that file is SQLite's alone (see core/store.py).
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_write", "write_bytes_atomic", "write_text_atomic", "fsync_directory"]


def fsync_directory(folder: str | os.PathLike) -> None:
    """fsync a folder so that a rename inside it is durable. A no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(os.fspath(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; on a clean exit fsync it and rename it over ``path``.

    ``mode`` is ``"w"`` (text, ``encoding``/``newline`` apply) or ``"wb"`` (bytes). On any exception the temporary
    file is removed and ``path`` is left as it was; the exception propagates (``OSError`` for a full disk or a
    read-only folder, with ``filename`` set to the target). The new file gets mode 0o666 minus the umask, like
    ``open()`` would give it, or keeps the mode of the file it replaces.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', not {mode!r}")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        error.filename = str(target)
        raise
    try:
        try:
            file_mode = os.stat(target).st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            file_mode = 0o666 & ~umask
        os.chmod(temp_name, file_mode)
        if mode == "wb":
            handle = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        if isinstance(error, OSError) and not error.filename:
            error.filename = str(target)
        raise
    fsync_directory(folder)


def write_text_atomic(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see ``atomic_write``). Raises ``OSError`` on failure, target intact."""
    with atomic_write(path, "w", encoding=encoding, newline="") as handle:
        handle.write(text)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see ``atomic_write``). Raises ``OSError`` on failure, target intact."""
    with atomic_write(path, "wb", encoding=None) as handle:
        handle.write(data)
