"""The local database when the disk refuses (issue 30, item 5): the cause is SQLite's error code
or the errno, a failed write leaves the previous state, and `db rebuild` is advised only for a
damaged file. SQLite raises SQLITE_FULL for real when ``PRAGMA max_page_count`` stops its file
from growing (set on the app's own connection, through ``Database.transaction``)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from amazon_tui.local.db import DB_FILE, Database, DatabaseError, open_database, rebuild
from amazon_tui.local.disk import DiskFault, StorageError, from_os_error, from_sqlite_error

NOTE = "INSERT INTO order_notes (order_id, time, text) VALUES (?, ?, ?)"


def cap_growth(db: Database, pages: int = 0) -> None:
    """From now on the file may grow by ``pages`` pages; then SQLite says the disk is full."""
    with db.transaction() as conn:
        size = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={size + pages}")


def notes(db: Database) -> int:
    return db.query("SELECT count(*) FROM order_notes")[0][0]


@pytest.mark.parametrize(
    "number, fault",
    [
        (errno.ENOSPC, DiskFault.FULL),
        (errno.EDQUOT, DiskFault.QUOTA),
        (errno.EROFS, DiskFault.READ_ONLY),
        (errno.ENOTDIR, DiskFault.NOT_A_DIRECTORY),
        (errno.EEXIST, DiskFault.NOT_A_DIRECTORY),
        (errno.EACCES, DiskFault.NO_PERMISSION),
        (errno.EPERM, DiskFault.NO_PERMISSION),
    ],
)
def test_an_errno_names_the_cause_and_the_path(number, fault):
    refusal = from_os_error(OSError(number, "words that are never read", "/data/amazon-tui.db"))
    assert refusal is not None and refusal.fault is fault and refusal.path == Path("/data/amazon-tui.db")
    assert "/data/amazon-tui.db" in str(refusal) and len(str(refusal).splitlines()) == 1
    assert "rebuild" not in str(refusal)


def test_other_errors_are_not_the_disks():
    assert from_os_error(OSError(errno.ECONNREFUSED, "refused", "/x")) is None
    assert from_os_error(OSError(errno.ENOSPC, "no file named")) is None
    assert from_os_error(OSError(errno.ENOSPC, "full"), "/fallback").path == Path("/fallback")


def test_a_full_disk_mid_transaction_rolls_it_back_whole(tmp_path):
    db = open_database(tmp_path)
    with db.transaction() as conn:
        conn.execute(NOTE, ("111-0000000-0000001", "t", "before"))
    cap_growth(db)
    with pytest.raises(StorageError) as raised, db.transaction() as conn:
        conn.executemany(NOTE, [("111-0000000-0000001", "t", "x" * 5000)] * 50)
    assert raised.value.fault is DiskFault.FULL and raised.value.path == tmp_path / DB_FILE
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
    assert raised.value.__cause__.sqlite_errorcode == sqlite3.SQLITE_FULL  # SQLite's, not ours
    assert notes(db) == 1, "nothing of the failed transaction is left"
    with db.transaction() as conn:  # SQLite rolled back on its own: the connection still works
        conn.execute(NOTE, ("111-0000000-0000001", "t", "small"))
    assert notes(db) == 2
    db.close()
    assert sqlite3.connect(tmp_path / DB_FILE).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_error_that_failed_a_transaction_is_the_one_raised(tmp_path):
    db = open_database(tmp_path)
    cap_growth(db)
    # before: "cannot rollback - no transaction is active", SQLite having rolled back already
    with pytest.raises(StorageError), db.transaction(durable=True) as conn:
        conn.executemany(NOTE, [("1", "t", "x" * 5000)] * 50)
    with pytest.raises(LookupError), db.transaction() as conn:
        conn.execute(NOTE, ("1", "t", "kept?"))
        raise LookupError("the block failed")
    assert notes(db) == 0


def test_a_read_only_database_is_sqlites_readonly(tmp_path):
    db = open_database(tmp_path)
    with db.transaction() as conn:
        conn.execute("PRAGMA query_only=1")
    with pytest.raises(StorageError) as raised, db.transaction() as conn:
        conn.execute(NOTE, ("1", "t", "x"))
    assert raised.value.fault is DiskFault.READ_ONLY and "read-only" in str(raised.value)


def test_sqlite_codes_decide_never_the_words(tmp_path):
    error = sqlite3.OperationalError("database or disk is full")  # the words, without SQLite's code
    assert from_sqlite_error(error, tmp_path / DB_FILE) is None


def test_a_new_data_dir_on_a_full_disk_is_a_full_disk_not_a_broken_database(tmp_path, monkeypatch):
    """Before: "unreadable … run `amazon-tui db rebuild`". The migrations cannot write the new file."""
    connect = sqlite3.connect

    def no_room(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.execute("PRAGMA max_page_count=1")
        return conn

    monkeypatch.setattr(sqlite3, "connect", no_room)
    with pytest.raises(StorageError) as raised:
        open_database(tmp_path / "data")
    assert raised.value.fault is DiskFault.FULL and "rebuild" not in str(raised.value)
    assert str(tmp_path / "data" / DB_FILE) in str(raised.value)


def test_only_a_damaged_file_is_sent_to_db_rebuild(tmp_path):
    (tmp_path / DB_FILE).write_bytes(b"not a database " * 1000)
    with pytest.raises(DatabaseError, match=r"unreadable .* Run `amazon-tui db rebuild`"):
        open_database(tmp_path)


def test_a_data_dir_that_is_a_file_is_named(tmp_path):
    (tmp_path / "data").write_text("a file")
    with pytest.raises(StorageError) as raised:
        open_database(tmp_path / "data")
    assert raised.value.fault is DiskFault.NOT_A_DIRECTORY and raised.value.operator_input
    with pytest.raises(StorageError) as raised:
        open_database(tmp_path / "data" / "below")
    assert raised.value.fault is DiskFault.NOT_A_DIRECTORY


def test_a_rebuild_the_disk_refuses_puts_the_old_file_back(tmp_path, monkeypatch):
    db = open_database(tmp_path)
    with db.transaction(durable=True) as conn:
        conn.execute(NOTE, ("111-0000000-0000001", "t", "the old file"))
    db.close()
    before = (tmp_path / DB_FILE).read_bytes()
    connect = sqlite3.connect

    def no_room(*args, **kwargs):
        conn = connect(*args, **kwargs)
        if str(args[0]).endswith(DB_FILE):  # the new file; the backup is read through a URI
            conn.execute("PRAGMA max_page_count=1")
        return conn

    monkeypatch.setattr(sqlite3, "connect", no_room)
    with pytest.raises(StorageError):
        rebuild(tmp_path)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_FILE], "no backup, no half-made file"
    assert (tmp_path / DB_FILE).read_bytes() == before
    assert notes(open_database(tmp_path)) == 1
