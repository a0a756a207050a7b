"""When the disk refuses amazon-tui a file: the cause, and one line naming it and the path.

The cause is read from ``OSError.errno`` or from the primary code of SQLite's error
(``sqlite3.Error.sqlite_errorcode``), never from message text. SQLite does not say which
errno lies under its I/O error, so that one is named as SQLite's.
"""

from __future__ import annotations

import errno
import sqlite3
from enum import Enum
from pathlib import Path


class DiskFault(Enum):
    FULL = "full"
    QUOTA = "quota"
    READ_ONLY = "read_only"
    NOT_A_DIRECTORY = "not_a_directory"
    NO_PERMISSION = "no_permission"
    IO = "io"
    CANNOT_OPEN = "cannot_open"


_ERRNOS = {
    errno.ENOSPC: DiskFault.FULL,
    errno.EDQUOT: DiskFault.QUOTA,
    errno.EROFS: DiskFault.READ_ONLY,
    errno.ENOTDIR: DiskFault.NOT_A_DIRECTORY,
    errno.EEXIST: DiskFault.NOT_A_DIRECTORY,  # a directory made where a file is
    errno.EACCES: DiskFault.NO_PERMISSION,
    errno.EPERM: DiskFault.NO_PERMISSION,
}
_SQLITE_CODES = {
    sqlite3.SQLITE_FULL: DiskFault.FULL,
    sqlite3.SQLITE_READONLY: DiskFault.READ_ONLY,
    sqlite3.SQLITE_PERM: DiskFault.NO_PERMISSION,
    sqlite3.SQLITE_IOERR: DiskFault.IO,
    sqlite3.SQLITE_CANTOPEN: DiskFault.CANNOT_OPEN,
}
_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_LINES = {
    DiskFault.FULL: "The disk is full: {path} could not be written. Free some space, then try again.",
    DiskFault.QUOTA: (
        "The disk quota is used up: {path} could not be written. "
        "Free some space or have the quota raised, then try again."
    ),
    DiskFault.READ_ONLY: (
        "{path} cannot be written: it is on a read-only file system, or read-only itself. "
        "amazon-tui needs a writable data dir ($AMAZON_TUI_DATA_DIR)."
    ),
    DiskFault.NOT_A_DIRECTORY: (
        "{path} cannot be a directory: a file is in its place, or in its path. "
        "Point $AMAZON_TUI_DATA_DIR (or $AMAZON_TUI_STATE_DIR) at a directory."
    ),
    DiskFault.NO_PERMISSION: (
        "No permission to use {path}: give this user write access to it, "
        "or point $AMAZON_TUI_DATA_DIR at a directory of its own."
    ),
    DiskFault.IO: (
        "The disk failed to read or write {path} (SQLite's I/O error: the disk may be full, over "
        "quota or failing). Check it, then try again."
    ),
    DiskFault.CANNOT_OPEN: (
        "SQLite cannot open {path}: check that its directory exists and that this user may write in it."
    ),
}


class StorageError(Exception):
    """The disk refused a file or directory: the cause (``fault``) and the path, in one line."""

    def __init__(self, fault: DiskFault, path: Path | str) -> None:
        super().__init__(_LINES[fault].format(path=path))
        self.fault = fault
        self.path = Path(path)

    @property
    def operator_input(self) -> bool:
        """The operator named a path that cannot work (a data dir that is a file), not a disk's state."""
        return self.fault is DiskFault.NOT_A_DIRECTORY


def from_os_error(error: OSError, path: Path | str | None = None) -> StorageError | None:
    """The disk fault ``error`` is, naming its file (else ``path``); None for any other error."""
    fault = _ERRNOS.get(error.errno or 0)
    where = error.filename if isinstance(error.filename, str) else path
    return None if fault is None or where is None else StorageError(fault, where)


def from_sqlite_error(error: sqlite3.Error, path: Path) -> StorageError | None:
    """The disk fault under SQLite's ``error`` about the database ``path``; None for any other
    error (a damaged file, a busy database, a constraint…)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    if code == sqlite3.SQLITE_READONLY_DIRECTORY:  # its -wal and -shm cannot be made beside it
        return StorageError(DiskFault.NO_PERMISSION, path.parent)
    fault = _SQLITE_CODES.get(code & 0xFF)
    return None if fault is None else StorageError(fault, path)


def is_corrupt(error: sqlite3.Error) -> bool:
    """SQLite found the file damaged or not a database at all (SQLITE_CORRUPT, SQLITE_NOTADB)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _CORRUPT_CODES
