"""Atomic file writes: the target holds either its old content or the whole new content, never a half file.

Rule of the project: every file annotator writes (exports, DocBin files, tag sets, settings, part files) goes to a
temporary file in the same folder, is flushed and fsynced, then renamed over the target (`os.replace`, atomic on
POSIX and Windows within one file system), and the folder is fsynced so the rename itself survives a crash.
A killed process leaves at most a stray ``.<name>.*.tmp`` file beside the target, never a damaged target.

Never use this for the SQLite database file: that file is SQLite's alone (see core/store.py).
"""
from __future__ import annotations

import os
import stat
import tempfile
import time
from glob import escape as glob_escape
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_write", "write_bytes_atomic", "write_text_atomic", "fsync_directory", "StagedFiles",
           "WriteTargetError", "resolve_write_target", "resolve_write_folder", "remove_stale_temps"]


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


def _mode_for_new_file(target: Path) -> int:
    """The permission bits a file written at ``target`` should get: those of the file it replaces, or 0o666
    minus the umask, as ``open()`` would give a new file."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _open_temp_beside(target: Path, mode: str, *, shown_path: str | os.PathLike, encoding: str | None = "utf-8",
                      newline: str | None = None) -> tuple[str, IO]:
    """Create ``.<name>.*.tmp`` in ``target``'s folder with ``target``'s future permissions and open it.

    Returns (temporary file name, open handle): ``"wb"`` bytes or ``"w"`` text in ``encoding``/``newline``.
    Raises ``OSError`` with ``filename`` = ``shown_path`` when the folder refuses a new file; on any other failure
    the temporary file is removed before the error propagates."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        error.filename = os.fspath(shown_path)
        raise
    try:
        os.chmod(temp_name, _mode_for_new_file(target))
        if mode == "wb":
            return temp_name, os.fdopen(fd, "wb")
        return temp_name, os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        os.unlink(temp_name)
        raise


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
    temp_name, handle = _open_temp_beside(target, mode, shown_path=target, encoding=encoding, newline=newline)
    try:
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


class WriteTargetError(ValueError):
    """An export target annotator refuses to write: the database or its `-wal`/`-shm` (or a link to one), a
    device, FIFO, socket or other special file, or a folder where a file is needed. One line, nothing written."""


def _identities_of(protected: tuple[str | os.PathLike, ...]) -> set[tuple[int, int]]:
    found = set()
    for base in protected:
        for suffix in ("", "-wal", "-shm"):
            try:
                st = os.stat(f"{os.fspath(base)}{suffix}")  # stat only: an open() would drop SQLite's locks
            except OSError:
                continue
            found.add((st.st_dev, st.st_ino))
    return found


def resolve_write_target(path: str | os.PathLike, *, protected: tuple[str | os.PathLike, ...] = ()) -> Path:
    """The regular file an export to `path` really writes (stat(2) only, nothing is opened).

    A symbolic link is written through: the file it points to is replaced atomically, the link stays a link.
    Raises `WriteTargetError` when the target is one of the `protected` databases or its `-wal`/`-shm` (same
    device and inode, so hard and symbolic links count), is a device, FIFO, socket or folder, or is `-`."""
    shown = os.fspath(path)
    if shown in ("", "-"):
        raise WriteTargetError(f"{shown!r} is not a file name (writing to standard output is not supported); "
                               "name a file with -o")
    real = Path(os.path.realpath(shown))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as error:
        raise WriteTargetError(f"{shown}: {error.strerror}") from None
    if st is not None:
        if (st.st_dev, st.st_ino) in _identities_of(protected):
            raise WriteTargetError(f"{shown} is the annotator database (or its -wal/-shm); an export there would "
                                   "destroy it; choose another file")
        if stat.S_ISDIR(st.st_mode):
            raise WriteTargetError(f"{shown} is a folder; name a file (or use --split for a folder export)")
        if not stat.S_ISREG(st.st_mode):
            raise WriteTargetError(f"{shown} is not a regular file (a device, FIFO or socket); annotator only "
                                   "replaces regular files")
    else:
        # a new file named like the database's -wal/-shm would be taken by SQLite as its own
        for base in protected:
            base_real = os.path.realpath(os.fspath(base))
            if str(real) in (base_real, f"{base_real}-wal", f"{base_real}-shm", f"{base_real}-journal"):
                raise WriteTargetError(f"{shown} is the annotator database's own file name; choose another file")
    return real


def resolve_write_folder(path: str | os.PathLike, *, protected: tuple[str | os.PathLike, ...] = ()) -> Path:
    """The folder a folder export (train/dev, DocBin) writes into. Raises `WriteTargetError` if it exists and is
    not a folder (or is one of the `protected` databases' files)."""
    shown = os.fspath(path)
    if shown in ("", "-"):
        raise WriteTargetError(f"{shown!r} is not a folder name; name a folder with -o")
    real = Path(os.path.realpath(shown))
    if real.exists() and not real.is_dir():
        if (real.stat().st_dev, real.stat().st_ino) in _identities_of(protected):
            raise WriteTargetError(f"{shown} is the annotator database (or its -wal/-shm); choose another folder")
        raise WriteTargetError(f"{shown} exists and is not a folder; an export with a train/dev split writes a "
                               "folder")
    return real


STALE_TEMP_SECONDS = 3600


def remove_stale_temps(target: str | os.PathLike, *, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Remove `.<name>.*.tmp` files beside `target` older than `older_than` seconds: what a killed write left.
    Younger ones may belong to a write still running. Returns how many were removed."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    removed = 0
    now = time.time()
    try:
        candidates = list(folder.glob(f".{glob_escape(target.name)}.*.tmp"))
    except OSError:
        return 0
    for temp in candidates:
        try:
            st = os.lstat(temp)
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > older_than:
                os.unlink(temp)
                removed += 1
        except OSError:
            continue
    return removed


class StagedFiles:
    """Several files written as one: each goes to a temporary file beside its target; `commit()` fsyncs all of
    them and only then renames each over its target; `discard()` (or any failure before the renames) removes the
    temporaries and leaves every target as it was. Used by folder exports (train/dev, DocBin shards), so that
    "files already there are unchanged" is true when an export fails.

    Targets pass `resolve_write_target` (symbolic links written through; databases and special files refused)."""

    def __init__(self, *, protected: tuple[str | os.PathLike, ...] = ()):
        self.protected = protected
        self._staged: list[tuple[str, Path, IO]] = []  # (temp name, real target, open handle)
        self.targets: list[Path] = []  # as given, in order

    def stage(self, path: str | os.PathLike, mode: str = "w") -> IO:
        """A handle on a new temporary file for `path` (`"w"` UTF-8 text with "\\n" newlines, or `"wb"`)."""
        if mode not in ("w", "wb"):
            raise ValueError(f"StagedFiles mode must be 'w' or 'wb', not {mode!r}")
        real = resolve_write_target(path, protected=self.protected)
        real.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(real)
        temp_name, handle = _open_temp_beside(real, mode, shown_path=path, encoding="utf-8", newline="\n")
        self._staged.append((temp_name, real, handle))
        self.targets.append(Path(path))
        return handle

    def stage_bytes(self, path: str | os.PathLike, data: bytes) -> None:
        """Stage `data` as the new content of `path` (written to its temporary file now, renamed at commit)."""
        handle = self.stage(path, "wb")
        try:
            handle.write(data)
        except OSError as error:
            error.filename = os.fspath(path)
            raise

    def commit(self) -> list[Path]:
        """fsync every temporary file, then rename each over its target. On a failure before the renames every
        temporary is removed and every target is as it was; the `OSError` propagates (filename = the target)."""
        try:
            for temp_name, real, handle in self._staged:
                try:
                    handle.flush()
                    os.fsync(handle.fileno())
                    handle.close()
                except OSError as error:
                    error.filename = str(real)
                    raise
        except BaseException:
            self.discard()
            raise
        folders = set()
        for temp_name, real, _handle in self._staged:
            os.replace(temp_name, real)
            folders.add(real.parent)
        for folder in folders:
            fsync_directory(folder)
        self._staged.clear()
        return self.targets

    def discard(self) -> None:
        """Remove every temporary file; the targets keep what they held."""
        for temp_name, _real, handle in self._staged:
            try:
                handle.close()
            except OSError:
                pass
            try:
                os.unlink(temp_name)
            except OSError:
                pass
        self._staged.clear()


def open_lock_file(path: str | os.PathLike) -> int:
    """A file descriptor (read/write, created if missing) for an OS lock file (core/locks.output_lock). The one
    file annotator writes in place rather than atomically: a lock lives on an open file, it is never data."""
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
