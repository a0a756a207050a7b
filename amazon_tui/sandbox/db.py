"""The sandbox's SQLite state: orders as JSON documents plus the columns that are queried."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import overload

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS amazon_orders (
    order_id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL,
    marketplace_id TEXT NOT NULL,
    created_time TEXT NOT NULL,
    last_updated_time TEXT NOT NULL,
    fulfillment_status TEXT NOT NULL,
    fulfilled_by TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS amazon_orders_created
    ON amazon_orders (seller_id, created_time, order_id);
CREATE INDEX IF NOT EXISTS amazon_orders_updated
    ON amazon_orders (seller_id, last_updated_time, order_id);
CREATE TABLE IF NOT EXISTS magento_orders (
    entity_id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL,
    po_number TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS magento_orders_po ON magento_orders (po_number);
CREATE INDEX IF NOT EXISTS magento_orders_store ON magento_orders (store_id, updated_at);
CREATE TABLE IF NOT EXISTS magento_shipments (
    entity_id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS magento_shipments_order ON magento_shipments (order_id);
CREATE INDEX IF NOT EXISTS magento_shipments_updated ON magento_shipments (updated_at);
CREATE TABLE IF NOT EXISTS credit_memos (
    entity_id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notification_destinations (
    destination_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS notification_subscriptions (
    subscription_id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL,
    notification_type TEXT NOT NULL,
    payload_version TEXT NOT NULL,
    destination_id TEXT NOT NULL,
    UNIQUE (seller_id, notification_type)
);
CREATE TABLE IF NOT EXISTS access_tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    document_id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    compression TEXT,
    content BLOB,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feeds (
    feed_id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL,
    feed_type TEXT NOT NULL,
    marketplace_ids TEXT NOT NULL,
    input_document_id TEXT NOT NULL,
    created_time TEXT NOT NULL,
    processing_status TEXT NOT NULL,
    processing_start_time TEXT,
    processing_end_time TEXT,
    result_document_id TEXT
);
CREATE INDEX IF NOT EXISTS feeds_pending ON feeds (processing_status);
"""

DATA_TABLES = (
    "amazon_orders",
    "magento_orders",
    "magento_shipments",
    "credit_memos",
    "documents",
    "feeds",
    "meta",
)


class Database:
    """A thread-safe SQLite connection (the app runs in uvicorn's thread, tests in theirs)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():  # private like the app's own files (its -wal and -shm take this mode)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run statements atomically; nested use joins the outer transaction."""
        with self._lock:
            if self._conn.in_transaction:
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def query_one(self, sql: str, params: Iterable = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchone()

    def execute(self, sql: str, params: Iterable = ()) -> sqlite3.Cursor:
        with self.transaction() as conn:
            return conn.execute(sql, tuple(params))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # meta -----------------------------------------------------------------------------------

    @overload
    def get_meta(self, key: str) -> str | None: ...
    @overload
    def get_meta(self, key: str, default: str) -> str: ...
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """The value stored under key (meta.value is NOT NULL), else default."""
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return row["value"] if row else default

    def set_meta(self, key: str, value: object) -> None:
        self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(value)))

    def next_sequence(self, key: str, start: int = 1) -> int:
        """An increasing counter kept in meta (feed ids, Magento entity ids...)."""
        with self.transaction():
            value = int(self.get_meta(key, str(start - 1))) + 1
            self.set_meta(key, value)
            return value

    def wipe(self) -> None:
        with self.transaction() as conn:
            for table in DATA_TABLES:
                conn.execute(f"DELETE FROM {table}")

    # Amazon orders --------------------------------------------------------------------------

    def insert_amazon_orders(self, seller_docs: Iterable[tuple[str, dict]]) -> None:
        """Bulk insert (seller_id, order document) pairs."""
        rows = ((doc["orderId"], seller_id, *_amazon_columns(doc)) for seller_id, doc in seller_docs)
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO amazon_orders (order_id, seller_id, marketplace_id, created_time,"
                " last_updated_time, fulfillment_status, fulfilled_by, doc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def save_amazon_order(self, doc: dict) -> None:
        self.execute(
            "UPDATE amazon_orders SET marketplace_id = ?, created_time = ?,"
            " last_updated_time = ?, fulfillment_status = ?, fulfilled_by = ?, doc = ?"
            " WHERE order_id = ?",
            (*_amazon_columns(doc), doc["orderId"]),
        )

    def amazon_order(self, order_id: str, seller_id: str | None = None) -> dict | None:
        """The order document; None when unknown or (with seller_id) another seller's."""
        row = self.query_one("SELECT seller_id, doc FROM amazon_orders WHERE order_id = ?", (order_id,))
        if row is None or (seller_id is not None and row["seller_id"] != seller_id):
            return None
        return json.loads(row["doc"])

    # Magento orders -------------------------------------------------------------------------

    def insert_magento_orders(self, docs: Iterable[dict]) -> None:
        rows = (_magento_row(doc) for doc in docs)
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO magento_orders (entity_id, store_id, po_number, updated_at, doc)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def save_magento_order(self, doc: dict) -> None:
        row = _magento_row(doc)
        self.execute(
            "UPDATE magento_orders SET store_id = ?, po_number = ?, updated_at = ?, doc = ?"
            " WHERE entity_id = ?",
            (*row[1:], row[0]),
        )

    def magento_order(self, entity_id: int) -> dict | None:
        row = self.query_one("SELECT doc FROM magento_orders WHERE entity_id = ?", (entity_id,))
        return json.loads(row["doc"]) if row else None

    def magento_order_for_amazon(self, amazon_order_id: str) -> dict | None:
        row = self.query_one("SELECT doc FROM magento_orders WHERE po_number = ?", (amazon_order_id,))
        return json.loads(row["doc"]) if row else None

    # Magento shipments ----------------------------------------------------------------------

    def insert_magento_shipment(self, doc: dict) -> None:
        self.execute(
            "INSERT INTO magento_shipments (entity_id, order_id, store_id, created_at, updated_at, doc)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                doc["entity_id"],
                doc["order_id"],
                doc["store_id"],
                doc["created_at"],
                doc["updated_at"],
                json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
            ),
        )

    def magento_shipment(self, entity_id: int) -> dict | None:
        row = self.query_one("SELECT doc FROM magento_shipments WHERE entity_id = ?", (entity_id,))
        return json.loads(row["doc"]) if row else None


def _amazon_columns(doc: dict) -> tuple:
    fulfillment = doc["fulfillment"]
    return (
        doc["salesChannel"]["marketplaceId"],
        doc["createdTime"],
        doc["lastUpdatedTime"],
        fulfillment["fulfillmentStatus"],
        fulfillment["fulfilledBy"],
        json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
    )


def _magento_row(doc: dict) -> tuple:
    return (
        doc["entity_id"],
        doc["store_id"],
        doc["payment"]["po_number"],
        doc["updated_at"],
        json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
    )
