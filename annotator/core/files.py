"""Atomic file writes: the target holds either its old content or the whole new content, never a half file.

Rule of the project: every file annotator writes (exports, DocBin files, tag sets, settings, part files) goes to a
temporary file in the same folder, is flushed and fsynced, then renamed over the target (`os.replace`, atomic on
POSIX and Windows within one file system), and the folder is fsynced so the rename itself survives a crash.
A killed process leaves at most a stray ``.<name>.*.tmp`` file beside the target, never a damaged target.

Never use this for the SQLite database file: that file is SQLite's alone (see core/store.py).
"""
from __future__ import annotations

import os
from collections import Counter
import stat
import tempfile
import time
from glob import escape as glob_escape
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_write", "write_bytes_atomic", "write_text_atomic", "fsync_directory", "StagedFiles",
           "WriteTargetError", "resolve_write_target", "database_file_hit", "database_file_names",
           "database_identities", "forget_open_database", "register_open_database", "resolve_write_folder", "remove_stale_temps"]


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
    if database_file_hit(target):  # the last guard of every write: no caller can forget its database
        raise WriteTargetError(f"{target} is the annotator database (or its -wal/-shm/-journal); writing there "
                               "would destroy it; choose another file")
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


DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")
"""The files SQLite keeps for one database: the file itself, its WAL, its shared-memory index, its rollback journal."""

_open_databases: Counter[str] = Counter()
"""Fully resolved paths of the databases this process has open, with how many connections each (core/store.Store
registers each and forgets it on close): every write target and input is checked against them too, so no caller
can forget to pass its database."""


def register_open_database(path: str | os.PathLike) -> None:
    """Protect the database at `path` (and its -wal/-shm/-journal) from every write in this process while it is
    open (until the matching `forget_open_database`)."""
    _open_databases[os.path.realpath(os.fspath(path))] += 1


def forget_open_database(path: str | os.PathLike) -> None:
    """One connection to the database at `path` was closed (a database opened and closed earlier is an ordinary
    file again: another database of the process may `attach` it or an export may replace it)."""
    real = os.path.realpath(os.fspath(path))
    _open_databases[real] -= 1
    if _open_databases[real] <= 0:
        del _open_databases[real]


def database_file_names(database: str | os.PathLike) -> tuple[str, ...]:
    """Absolute names of the database's files: `database` as given and fully resolved (os.path.realpath), each with
    "", "-wal", "-shm", "-journal". SQLite follows a symbolic link to the database and keeps its WAL beside the
    real file, so `dsym.db -> d.db` has its WAL at `d.db-wal` (attack v4 H1); the given spelling is kept too."""
    shown = os.fspath(database)
    bases = dict.fromkeys((os.path.abspath(shown), os.path.realpath(shown)))
    return tuple(f"{base}{suffix}" for base in bases for suffix in DATABASE_SUFFIXES)


def database_identities(database: str | os.PathLike) -> set[tuple[int, int]]:
    """(st_dev, st_ino) of each of the database's files that exists (see `database_file_names`), by stat(2)
    only: an open() then close() in the process holding the database would drop SQLite's POSIX locks."""
    found = set()
    for name in database_file_names(database):
        try:
            st = os.stat(name)
        except OSError:
            continue
        found.add((st.st_dev, st.st_ino))
    return found


def _guarded(protected: tuple[str | os.PathLike, ...], open_ones: bool = True) -> tuple[str | os.PathLike, ...]:
    return (*protected, *sorted(_open_databases)) if open_ones else protected


def database_file_hit(path: str | os.PathLike, protected: tuple[str | os.PathLike, ...] = (), *,
                      open_ones: bool = True) -> bool:
    """Whether `path` is one of the files of a `protected` database or (with `open_ones`) of a database this
    process has open: the same (st_dev, st_ino) as an existing one, or, by name, the fully resolved path (or the
    resolved folder plus the name, which an `os.replace` onto a link would take) of one that may not exist yet.
    stat(2) only."""
    shown = os.fspath(path)
    candidates = {os.path.realpath(shown),
                  os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(shown))), os.path.basename(shown))}
    try:
        st = os.stat(shown)
        identity = (st.st_dev, st.st_ino)
    except OSError:
        identity = None
    for base in _guarded(protected, open_ones):
        if candidates & set(database_file_names(base)):
            return True
        if identity is not None and identity in database_identities(base):
            return True
    return False


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
    if database_file_hit(shown, protected):
        raise WriteTargetError(f"{shown} is the annotator database (or its -wal/-shm/-journal); an export there "
                               "would destroy it; choose another file")
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise WriteTargetError(f"{shown} is a folder; name a file (or use --split for a folder export)")
        if not stat.S_ISREG(st.st_mode):
            raise WriteTargetError(f"{shown} is not a regular file (a device, FIFO or socket); annotator only "
                                   "replaces regular files")
    return real


def resolve_write_folder(path: str | os.PathLike, *, protected: tuple[str | os.PathLike, ...] = ()) -> Path:
    """The folder a folder export (train/dev, DocBin) writes into. Raises `WriteTargetError` if it exists and is
    not a folder (or is one of the `protected` databases' files)."""
    shown = os.fspath(path)
    if shown in ("", "-"):
        raise WriteTargetError(f"{shown!r} is not a folder name; name a folder with -o")
    real = Path(os.path.realpath(shown))
    if database_file_hit(shown, protected):
        raise WriteTargetError(f"{shown} is the annotator database (or its -wal/-shm/-journal); choose another "
                               "folder")
    if real.exists() and not real.is_dir():
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
