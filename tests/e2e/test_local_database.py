"""The local database: a kill during sync loses nothing (WAL); bad files get a message and a way out."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from amazon_tui.local.db import DB_FILE
from amazon_tui.local.schema import SCHEMA_VERSION
from tests.support.processes import REPO, cli_env, run_cli, write_config


def count(db, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def test_sigkill_during_sync_then_the_next_sync_completes_without_duplicates(served, tmp_path):
    sandbox = served.sandbox
    env = cli_env(tmp_path / "data", write_config(tmp_path / "config.toml", served.base_url))
    # Hold the second searchOrders page: the first page is committed, the cursor is not.
    sandbox.inject_fault("searchOrders", "latency", count=2, latency=1)
    process = subprocess.Popen(
        [sys.executable, "-m", "amazon_tui", "sync"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while sandbox.faults.active() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    sandbox.clear_faults()
    db = tmp_path / "data" / DB_FILE
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    result = run_cli(["sync"], env)
    assert result.returncode == 0, result.stderr
    result = run_cli(["sync"], env)  # again: the overlap re-fetches, nothing doubles
    assert result.returncode == 0, result.stderr
    expected = sum(
        1 for _ in sandbox.db.query("SELECT 1 FROM amazon_orders a WHERE seller_id != 'A4SANDBOXACMEDE'")
    )
    assert count(db, "SELECT COUNT(*) FROM orders") == expected
    assert (
        count(db, "SELECT COUNT(*) FROM (SELECT order_id FROM orders GROUP BY order_id HAVING COUNT(*) > 1)")
        == 0
    )


def _journal_and_audit(data_dir):
    """Put one journal row and two audit rows in the local database, as a cancellation would."""
    from datetime import UTC, datetime

    from amazon_tui.domain.values import CancelReason
    from amazon_tui.local.audit_trail import AuditEntry, AuditTrail
    from amazon_tui.local.db import open_database
    from amazon_tui.local.journal import Journal

    db = open_database(data_dir)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    entry = Journal(db).request("111-0000000-0000001", "Acme US", CancelReason.NO_INVENTORY, "ops", now=now)
    trail = AuditTrail(db)
    trail.record(
        AuditEntry(time=now, operator="ops", action="cancel", outcome="requested", order_id=entry.order_id)
    )
    trail.record(
        AuditEntry(
            time=now,
            operator="ops",
            action="cancel",
            outcome="submitted",
            order_id=entry.order_id,
            feed_id="50001",
        )
    )
    db.close()


def test_newer_schema_gets_a_message_and_rebuild_keeps_journal_and_audit(tmp_path):
    env = cli_env(tmp_path / "data")
    data = tmp_path / "data" / "sandbox"  # the sandbox's local store
    _journal_and_audit(data)
    with sqlite3.connect(data / DB_FILE) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    result = run_cli(["orders", "--sandbox"], env)
    assert result.returncode == 2 and "newer amazon-tui" in result.stderr and "db rebuild" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli(["stores", "--sandbox"], env)
    assert "Traceback" not in result.stderr and result.returncode == 2

    result = run_cli(["db", "rebuild", "--sandbox"], env)
    assert result.returncode == 0, result.stderr
    assert "journal (1 rows)" in result.stdout and "audit trail (2 rows)" in result.stdout
    backups = list(data.glob(f"{DB_FILE}.*.bak"))
    assert len(backups) == 1
    result = run_cli(["audit", "--json", "--sandbox"], env)
    assert result.returncode == 0 and '"feed_id": "50001"' in result.stdout
    with sqlite3.connect(data / DB_FILE) as conn:
        assert conn.execute("SELECT order_id, state FROM cancellations").fetchall() == [
            ("111-0000000-0000001", "requested")
        ]


def test_corrupted_file_gets_a_message_and_rebuild_says_what_stayed_in_the_backup(tmp_path):
    env = cli_env(tmp_path / "data")
    data = tmp_path / "data" / "sandbox"
    data.mkdir(parents=True)
    (data / DB_FILE).write_bytes(b"this is not a database" * 500)
    result = run_cli(["orders", "--sandbox"], env)
    assert result.returncode == 2 and "unreadable" in result.stderr and "db rebuild" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli(["db", "rebuild", "--sandbox"], env)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1 and "stay in the backup" in result.stderr
    backup = next(data.glob(f"{DB_FILE}.*.bak"))
    assert backup.read_bytes().startswith(b"this is not a database")  # untouched
    result = run_cli(["audit", "--sandbox"], env)
    assert result.returncode == 0  # the new database works
