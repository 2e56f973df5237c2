"""Checks made on an input file before anything opens it: by stat(2) only, never open().

An input that is a device, FIFO or socket (a named pipe, a link to /dev/zero) would block or never end when read,
so it is refused in one line; an input that is the database being written (or its `-wal`/`-shm`), by any name,
symbolic or hard link, must never be opened by a process holding a connection to it: closing any descriptor of
that inode drops SQLite's POSIX locks (https://www.sqlite.org/howtocorrupt.html §2.2). Identity is (st_dev,
st_ino), the way `core.store.is_database_file` compares it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.store import is_database_file

NOT_REGULAR = "is not a regular file (a device, FIFO or socket): annotator reads files and folders only"


def database_input_error(path: str | os.PathLike, database: str | os.PathLike) -> InputError:
    """The one-line refusal of an input that is the database (or its -wal/-shm) itself, naming the database."""
    return InputError(Path(path), None, f"is the annotator database {database} itself (or its -wal/-shm), not "
                                        "input: give another file")


def check_input_file(path: str | os.PathLike, database: str | os.PathLike | None = None, *,
                     folder_ok: bool = False) -> None:
    """Refuse (InputError, one line naming `path`) an input that must not be opened: missing ("no such file"), a
    symbolic link whose target is missing ("a broken symbolic link"), the database at `database` or its
    -wal/-shm (same device and inode), a folder unless `folder_ok`, or anything that is not a regular file
    (a FIFO, a character device such as /dev/zero, a socket; a link to one counts as one). stat(2) only."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(path, None, "is a broken symbolic link (the file it points to does not exist)") from None
        raise InputError(path, None, "no such file") from None
    except OSError as error:  # a link loop, a permission problem on a folder of the path
        raise InputError(path, None, f"cannot be read ({error.strerror or error})") from None
    if database is not None and is_database_file(path, database):
        raise database_input_error(path, database)
    if stat.S_ISDIR(st.st_mode):
        if folder_ok:
            return
        raise InputError(path, None, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, None, NOT_REGULAR)
