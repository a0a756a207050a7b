"""Opening the local database: WAL mode, migrations, clear errors for bad files."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from amazon_tui.local.schema import MIGRATIONS, SCHEMA_VERSION

DB_FILE = "amazon-tui.db"


class DatabaseError(Exception):
    """The local database cannot be used; the message says why and what to do."""


class Database:
    """One SQLite connection shared by the app's threads, serialised by a lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10.0)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(
                f"The local database {self.path} is unreadable ({exc}). Nothing was changed. "
                f"Run `amazon-tui db rebuild` to move it aside as a backup and rebuild it from Amazon and Magento."
            ) from None

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"The local database {self.path} was written by a newer amazon-tui (schema {version}, this version knows {SCHEMA_VERSION}). "
                f"Upgrade amazon-tui, or run `amazon-tui db rebuild` to back it up and rebuild it from the services."
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as conn:
                if conn.execute("PRAGMA user_version").fetchone()[0] > number:
                    continue  # another process migrated meanwhile
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number + 1}")

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction; commit on success, roll back on error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (the scripts hold no triggers)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def open_database(directory: Path) -> Database:
    """Open (and create or migrate) the database in the data directory."""
    directory.mkdir(parents=True, exist_ok=True)
    return Database(directory / DB_FILE)


def backup_and_reset(directory: Path) -> Path | None:
    """Move the database aside (with its WAL files) and return the backup path."""
    path = directory / DB_FILE
    if not path.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    shutil.move(path, backup)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            shutil.move(side, backup.with_name(backup.name + suffix))
    return backup
