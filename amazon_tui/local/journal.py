"""The cancellation journal: every step committed before the next request is sent."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from amazon_tui.domain.values import CancelReason, format_timestamp, timestamp
from amazon_tui.local.db import Database


class CancelState(str, Enum):
    """requested -> verified -> (sending) -> submitted -> canceled | failed.

    ``sending``: the feed's createFeed was sent and its answer lost (a 5xx, a timeout after
    sending, a crash): Amazon may hold the feed. Resolved by evidence before anything is sent again.
    """

    REQUESTED = "requested"
    VERIFIED = "verified"
    SENDING = "sending"
    SUBMITTED = "submitted"
    CANCELED = "canceled"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (CancelState.CANCELED, CancelState.FAILED)


class DuplicateCancellation(Exception):
    """The order already has a cancellation that is pending or done."""

    def __init__(
        self, order_id: str, state: CancelState, by: str | None = None, since: datetime | None = None
    ) -> None:
        self.order_id = order_id
        self.state = state
        self.by = by
        self.since = since
        super().__init__(f"Order {order_id} {already(state, by, since)}")


def already(state: CancelState, by: str | None, since: datetime | None) -> str:
    """ "is already being canceled by alice since 2026-12-04 14:02 UTC" (or "has already been canceled")."""
    if state.final:
        return "has already been canceled" + (f" by {by}" if by else "") + "."
    who = f" by {by}" if by else ""
    when = f" since {since.strftime('%Y-%m-%d %H:%M')} UTC" if since else ""
    return f"is already being canceled{who}{when}."


@dataclass(frozen=True)
class JournalEntry:
    id: int
    order_id: str
    store: str
    reason: CancelReason
    items: tuple[str, ...]
    operator: str
    state: CancelState
    batch: str | None
    feed_id: str | None
    document_id: str | None
    message: str | None
    magento_done: bool
    requested_at: datetime
    updated_at: datetime
    owner: str | None = None  # the peer (process) that submits it; see local/lease.py


def _entry(row: sqlite3.Row) -> JournalEntry:
    return JournalEntry(
        id=row["id"],
        order_id=row["order_id"],
        store=row["store"],
        reason=CancelReason(row["reason"]),
        items=tuple(json.loads(row["items"])),
        operator=row["operator"],
        state=CancelState(row["state"]),
        batch=row["batch"],
        feed_id=row["feed_id"],
        document_id=row["document_id"],
        message=row["message"],
        magento_done=bool(row["magento_done"]),
        requested_at=timestamp(row["requested_at"]),
        updated_at=timestamp(row["updated_at"]),
        owner=row["owner"],
    )


class Journal:
    """Durable record of cancellations; the unique index makes a second live row impossible.

    Every write is synced to disk before it returns (``durable``): a row is written before
    the request it stands for, and must outlive a power cut, not only a crash.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def request(
        self,
        order_id: str,
        store: str,
        reason: CancelReason,
        operator: str,
        *,
        now: datetime,
        also: Callable[[sqlite3.Connection], None] | None = None,
        owner: str | None = None,
    ) -> JournalEntry:
        """Write the ``requested`` row, or raise DuplicateCancellation (also across processes).

        ``also`` writes more in the same transaction (the audit row): a crash keeps both or neither.
        """
        stamp = format_timestamp(now)
        try:
            with self.db.transaction(durable=True) as conn:
                cursor = conn.execute(
                    "INSERT INTO cancellations "
                    "(order_id, store, reason, items, operator, state, requested_at, updated_at, owner) "
                    "VALUES (?, ?, ?, '[]', ?, ?, ?, ?, ?)",
                    (
                        order_id,
                        store,
                        reason.value,
                        operator,
                        CancelState.REQUESTED.value,
                        stamp,
                        stamp,
                        owner,
                    ),
                )
                entry_id = cursor.lastrowid
                assert entry_id is not None
                if also is not None:
                    also(conn)
        except sqlite3.IntegrityError:
            live = self.live(order_id)
            if live is None:
                raise DuplicateCancellation(order_id, CancelState.SUBMITTED) from None
            raise DuplicateCancellation(order_id, live.state, live.operator, live.requested_at) from None
        return self.get(entry_id)

    def advance(self, entry_id: int, state: CancelState, *, now: datetime, **fields: object) -> JournalEntry:
        """Move an entry to ``state`` (and set feed_id, items, message... ) and commit."""
        allowed = {"items", "batch", "feed_id", "document_id", "message", "magento_done"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown journal fields {sorted(unknown)}")
        values = {
            key: json.dumps(list(value)) if key == "items" and isinstance(value, Iterable) else value
            for key, value in fields.items()
        }
        assignments = "".join(f", {key} = :{key}" for key in values)
        with self.db.transaction(durable=True) as conn:
            conn.execute(
                f"UPDATE cancellations SET state = :state, updated_at = :now{assignments} WHERE id = :id",
                {"state": state.value, "now": format_timestamp(now), "id": entry_id, **values},
            )
        return self.get(entry_id)

    def set_magento_done(self, entry_id: int, *, now: datetime) -> None:
        with self.db.transaction(durable=True) as conn:
            conn.execute(
                "UPDATE cancellations SET magento_done = 1, updated_at = ? WHERE id = ?",
                (format_timestamp(now), entry_id),
            )

    def get(self, entry_id: int) -> JournalEntry:
        return _entry(self.db.query("SELECT * FROM cancellations WHERE id = ?", (entry_id,))[0])

    def live(self, order_id: str) -> JournalEntry | None:
        """The pending or done cancellation of an order, if any."""
        rows = self.db.query(
            "SELECT * FROM cancellations WHERE order_id = ? AND state != 'failed'", (order_id,)
        )
        return _entry(rows[0]) if rows else None

    def latest(self, order_id: str) -> JournalEntry | None:
        rows = self.db.query(
            "SELECT * FROM cancellations WHERE order_id = ? ORDER BY id DESC LIMIT 1", (order_id,)
        )
        return _entry(rows[0]) if rows else None

    def unfinished(self) -> list[JournalEntry]:
        """Entries a restart must resume: not final, or canceled with Magento still to do."""
        rows = self.db.query(
            "SELECT * FROM cancellations WHERE state IN ('requested', 'verified', 'sending', 'submitted') "
            "OR (state = 'canceled' AND magento_done = 0) ORDER BY id"
        )
        return [_entry(row) for row in rows]

    def by_feed(self, feed_id: str) -> list[JournalEntry]:
        return [
            _entry(row)
            for row in self.db.query("SELECT * FROM cancellations WHERE feed_id = ? ORDER BY id", (feed_id,))
        ]

    def feed_ids(self) -> set[str]:
        return {
            row[0]
            for row in self.db.query("SELECT DISTINCT feed_id FROM cancellations WHERE feed_id IS NOT NULL")
        }

    def all(self, limit: int = 500) -> list[JournalEntry]:
        return [
            _entry(row)
            for row in self.db.query("SELECT * FROM cancellations ORDER BY id DESC LIMIT ?", (limit,))
        ]
