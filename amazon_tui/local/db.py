"""Opening the local database: WAL mode, migrations, one clear line for a bad file or a refusing disk."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar, cast

from amazon_tui.local.disk import StorageError, from_os_error, from_sqlite_error, is_corrupt
from amazon_tui.local.schema import MIGRATIONS, SCHEMA_VERSION

DB_FILE = "amazon-tui.db"
PAGE_SIZE = 16_384
WAL_CHECKPOINT_PAGES = 1000
T = TypeVar("T")


class DatabaseError(Exception):
    """The local database cannot be used (damaged, too new); the message says why and what to do."""


class Database:
    """One SQLite connection shared by the app's threads, serialised by a lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._memo_version: tuple[int, int] | None = None
        self._memo: dict[tuple[object, ...], object] = {}
        self.after_commit: list[Callable[[], None]] = []  # called under the lock after each own commit
        try:
            self._conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=10.0
            )
        except sqlite3.Error as exc:
            raise self._unusable(exc) from exc
        try:
            self._configure()
            self._migrate()
        except BaseException as exc:
            self._conn.close()
            if isinstance(exc, sqlite3.Error):
                raise self._unusable(exc) from exc
            raise

    def _configure(self) -> None:
        self._conn.row_factory = sqlite3.Row
        # Only a new (empty) file takes it; an existing one keeps its page size. An order row
        # is 1.5-2.5 KB: a 4 KB page holds one or two and leaves the rest empty, a 16 KB page
        # about eight, so a sync's upserts split and write fewer pages (~15% faster). The cost:
        # reading one row from disk or OS cache copies 16 KB (deep pages of unindexed sorts).
        self._conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        # SQLite's default, stated: checkpoint (and so sync, under NORMAL) every 1000 pages of
        # WAL, 16 MB at 16 KB pages. A power cut can take back the latest order writes, which
        # a sync fetches again (the cursor commits with them); the cancellation journal and the
        # audit trail are synced at their own commits (``durable``). docs/decisions.md has the
        # details. A sync's random index inserts write ~4x the data to the WAL; a checkpoint
        # every ~4 MB cost ~10% of its upsert rate.
        self._conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=10000")

    def _unusable(self, error: sqlite3.Error) -> Exception:
        """Why the file cannot be opened: the disk's fault, a damaged file, or SQLite's own words."""
        return self._refusal(error) or DatabaseError(
            f"The local database {self.path} cannot be opened ({error}; {error.sqlite_errorname})."
        )

    def _refusal(self, error: sqlite3.Error) -> Exception | None:
        """What ``error`` means for the operator: the disk's fault, or a damaged file (the one case
        where `db rebuild` helps); None for any other SQLite error."""
        refusal = from_sqlite_error(error, self.path)
        if refusal is not None:
            return refusal
        if is_corrupt(error):
            return DatabaseError(
                f"The local database {self.path} is unreadable ({error}). Nothing was changed. "
                "Run `amazon-tui db rebuild` to move it aside as a backup "
                "and rebuild it from Amazon and Magento."
            )
        return None

    @contextmanager
    def _refusals(self) -> Iterator[None]:
        """Raise the disk's fault or a damaged file as such (StorageError, DatabaseError)."""
        try:
            yield
        except sqlite3.Error as exc:
            refusal = self._refusal(exc)
            if refusal is None:
                raise
            raise refusal from exc

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"The local database {self.path} was written by a newer amazon-tui "
                f"(schema {version}, this version knows {SCHEMA_VERSION}). "
                "Upgrade amazon-tui, or run `amazon-tui db rebuild` to back it up "
                "and rebuild it from the services."
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as conn:
                if conn.execute("PRAGMA user_version").fetchone()[0] > number:
                    continue  # another process migrated meanwhile
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number + 1}")

    @property
    def lock(self) -> threading.RLock:
        """The lock that serialises this connection's use across threads."""
        return self._lock

    @property
    def schema_version(self) -> int:
        with self._lock, self._refusals():
            version: int = self._conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    @contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction; commit on success, roll back on error.

        ``durable``: the commit is synced to disk before it returns (``synchronous=FULL``),
        so it survives a power cut too. Elsewhere WAL with ``synchronous=NORMAL`` survives a
        crash of the process, and syncs at checkpoints only (orders can be fetched again).
        A full disk, a read-only file and the like raise StorageError, with nothing written.
        """
        with self._lock, self._refusals():
            if durable:
                self._conn.execute("PRAGMA synchronous=FULL")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._roll_back()
                    raise
                for hook in self.after_commit:
                    hook()
            finally:
                if durable:
                    self._conn.execute("PRAGMA synchronous=NORMAL")

    def _roll_back(self) -> None:
        """Undo the failed transaction, unless SQLite already has (it does after a full disk or an
        I/O error); a failing ROLLBACK must not hide the error that caused it."""
        if self._conn.in_transaction:
            with suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def query(self, sql: str, params: Sequence[object] | Mapping[str, object] = ()) -> list[sqlite3.Row]:
        with self._lock, self._refusals():
            return self._conn.execute(sql, params).fetchall()

    def memo(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """``compute()``, reused while no connection (this or another process) has written.

        For aggregates that several widgets ask for in one refresh (a big store's GMV scans
        100,000 index entries). ``data_version`` moves on other connections' commits,
        ``total_changes`` on this one's.
        """
        with self._lock, self._refusals():
            version = (self._conn.execute("PRAGMA data_version").fetchone()[0], self._conn.total_changes)
            if self._memo_version != version:
                self._memo_version, self._memo = version, {}
            if key not in self._memo:
                self._memo[key] = compute()
            return cast(T, self._memo[key])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (the scripts hold no triggers)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def open_database(directory: Path) -> Database:
    """Open (and create or migrate) the database in the data directory.

    The directory is made 0700 and a new file 0600 before SQLite opens it (its -wal and -shm
    take the file's mode): it holds buyer names and addresses. Opening the file for writing
    here first names the disk's refusal by its errno (StorageError): a data dir that is a
    file, on a read-only file system, or not this user's.
    """
    path = directory / DB_FILE
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        refusal = from_os_error(exc, path)
        if refusal is None:
            raise
        raise refusal from exc
    return Database(path)


def backup_and_reset(directory: Path) -> Path | None:
    """Move the database aside (with its WAL files) and return the backup path."""
    path = directory / DB_FILE
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    shutil.move(path, backup)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            shutil.move(side, backup.with_name(backup.name + suffix))
    return backup


KEPT_TABLES = ("cancellations", "audit")
"""What a rebuild carries over: the services cannot give these back (orders they can)."""


def rebuild(directory: Path) -> tuple[Path | None, dict[str, int], str | None]:
    """Move the database aside and start a new one that keeps the journal and the audit trail.

    Returns (backup path, rows kept per table, why some could not be kept or None). The
    backup is never deleted: whatever could not be copied is still in it. When the disk
    refuses the new file (StorageError: full, read-only…), the old one is put back as it was.
    """
    backup = backup_and_reset(directory)
    try:
        kept, problem = _start_anew(directory, backup)
    except StorageError:
        _put_back(directory, backup)
        raise
    return backup, kept, problem


def _start_anew(directory: Path, backup: Path | None) -> tuple[dict[str, int], str | None]:
    """A new database with the journal and audit rows of ``backup`` (rows kept, or why not)."""
    fresh = open_database(directory)
    kept: dict[str, int] = {}
    if backup is None:
        fresh.close()
        return kept, None
    problem = None
    try:
        old = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            for table in KEPT_TABLES:
                old_columns = [row[1] for row in old.execute(f"PRAGMA table_info({table})")]
                new_columns = [row[1] for row in fresh.query(f"PRAGMA table_info({table})")]
                columns = [name for name in new_columns if name in old_columns]
                if not columns:
                    raise sqlite3.DatabaseError(f"no {table} table")
                rows = old.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
                marks = ", ".join("?" for _ in columns)
                with fresh.transaction(
                    durable=True
                ) as conn:  # the journal and audit trail: no service has them
                    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
                kept[table] = len(rows)
        finally:
            old.close()
    except (sqlite3.Error, ValueError) as exc:
        problem = f"{exc}"
        with fresh.transaction(durable=True) as conn:  # all or nothing: a half-copied journal would mislead
            for table in KEPT_TABLES:
                conn.execute(f"DELETE FROM {table}")
        kept = {}
    finally:
        fresh.close()
    return kept, problem


def _put_back(directory: Path, backup: Path | None) -> None:
    """Undo a rebuild the disk refused: the new files go, the old ones come back under their names."""
    path = directory / DB_FILE
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    if backup is None:
        return
    for suffix in ("", "-wal", "-shm"):
        side = backup.with_name(backup.name + suffix)
        if side.exists():
            shutil.move(side, path.with_name(path.name + suffix))
