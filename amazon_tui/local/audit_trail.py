"""The audit trail: who did what to which order, when, and what Amazon said."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from amazon_tui.domain.secrets import redact
from amazon_tui.domain.values import format_timestamp, timestamp
from amazon_tui.local.db import Database


@dataclass(frozen=True)
class AuditEntry:
    time: datetime
    operator: str
    action: str
    outcome: str
    store: str | None = None
    order_id: str | None = None
    reason: str | None = None
    feed_id: str | None = None
    message: str | None = None

    def as_json(self) -> dict[str, str | None]:
        data = asdict(self)
        data["time"] = format_timestamp(self.time)
        return data


class AuditTrail:
    """Append-only log of destructive actions and their outcomes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, entry: AuditEntry) -> None:
        """Append an entry, synced to disk before it returns: the services cannot give it back."""
        self.record_many([entry])

    def record_many(self, entries: Sequence[AuditEntry]) -> None:
        """Append entries in one transaction, synced once (a batch of orders, one disk sync)."""
        with self.db.transaction(durable=True) as conn:
            self.write(conn, entries)

    @staticmethod
    def write(conn: sqlite3.Connection, entries: Sequence[AuditEntry]) -> None:
        """Append entries within the caller's transaction (a journal write and its audit row, together)."""
        conn.executemany(
            "INSERT INTO audit (time, operator, action, store, order_id, reason, feed_id, outcome, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    format_timestamp(entry.time),
                    entry.operator,
                    entry.action,
                    entry.store,
                    entry.order_id,
                    entry.reason,
                    entry.feed_id,
                    entry.outcome,
                    None if entry.message is None else redact(entry.message),
                )
                for entry in entries
            ],
        )

    def entries(self, limit: int = 1000) -> list[AuditEntry]:
        rows = self.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        return [
            AuditEntry(
                time=timestamp(row["time"]),
                operator=row["operator"],
                action=row["action"],
                outcome=row["outcome"],
                store=row["store"],
                order_id=row["order_id"],
                reason=row["reason"],
                feed_id=row["feed_id"],
                message=row["message"],
            )
            for row in rows
        ]
