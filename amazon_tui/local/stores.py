"""The configured stores as the local store knows them: created, last sync, last failure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from amazon_tui.domain.secrets import redact
from amazon_tui.domain.values import format_timestamp, parse_timestamp
from amazon_tui.local.db import Database


class StoreRow(NamedTuple):
    """What the local store holds of one store."""

    name: str
    created: datetime | None
    last_sync: datetime | None
    last_error: str | None
    error_kind: str | None  # "auth" when the credentials were refused; see core/stores.py


class StoreRecords:
    """Every SQL statement on the ``stores`` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def register(self, stores: Iterable[tuple[str, str, str]], *, now: datetime) -> None:
        """Record (name, marketplace, seller id) of each configured store; the first time a store
        is seen is its "Created". No write when nothing changed, which is every start but the
        first (a write would wait on another process's sync)."""
        known = {tuple(row) for row in self.db.query("SELECT name, marketplace, seller_id FROM stores")}
        changed = [store for store in stores if tuple(store) not in known]
        if not changed:
            return
        stamp = format_timestamp(now)
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO stores (name, marketplace, seller_id, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET "
                "marketplace = excluded.marketplace, seller_id = excluded.seller_id",
                [(name, marketplace, seller_id, stamp) for name, marketplace, seller_id in changed],
            )

    def get(self, name: str) -> StoreRow | None:
        rows = self.db.query(
            "SELECT name, created, last_sync, last_error, error_kind FROM stores WHERE name = ?", (name,)
        )
        if not rows:
            return None
        row = rows[0]
        return StoreRow(
            row["name"],
            parse_timestamp(row["created"]),
            parse_timestamp(row["last_sync"]),
            row["last_error"],
            row["error_kind"],
        )

    def failures(self) -> dict[str, str]:
        """The stores whose last sync failed, with the cause."""
        rows = self.db.query("SELECT name, last_error FROM stores WHERE last_error IS NOT NULL")
        return {row["name"]: row["last_error"] for row in rows}

    def latest_sync(self) -> str | None:
        """When any store last synced (ISO 8601), None before the first sync."""
        rows = self.db.query("SELECT max(last_sync) FROM stores")
        return rows[0][0] if rows and rows[0][0] else None

    def record_success(self, name: str, *, now: datetime) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE stores SET last_sync = ?, last_error = NULL, error_kind = NULL WHERE name = ?",
                (format_timestamp(now), name),
            )

    def record_failure(self, name: str, message: str, kind: str) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE stores SET last_error = ?, error_kind = ? WHERE name = ?",
                (redact(message), kind, name),
            )
