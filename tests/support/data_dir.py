"""Reading an app's data dir from outside, read-only, as another process would: the journal, the
audit trail, who leads."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def query(data_dir: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    """Rows of the data dir's database; [] while it does not exist or is not migrated yet."""
    path = data_dir / "amazon-tui.db"
    if not path.exists():
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []


def journal_row(data_dir: Path, order_id: str) -> dict | None:
    """The order's latest cancellation row."""
    rows = query(
        data_dir, "SELECT * FROM cancellations WHERE order_id = ? ORDER BY id DESC LIMIT 1", (order_id,)
    )
    return dict(rows[0]) if rows else None


def audit_outcomes(data_dir: Path, order_id: str) -> list[str]:
    """The order's audit outcomes, oldest first."""
    return [
        row[0]
        for row in query(data_dir, "SELECT outcome FROM audit WHERE order_id = ? ORDER BY id", (order_id,))
    ]


def leader_pid(data_dir: Path) -> int | None:
    """The pid of the peer holding an unexpired lease, if any."""
    rows = query(
        data_dir,
        "SELECT p.pid FROM lease l JOIN peers p ON p.id = l.holder WHERE l.expires > ?",
        (time.time(),),
    )
    return rows[0][0] if rows else None
