"""The local SQLite store: migrations, WAL, upserts, queries in SQL, the journal's uniqueness."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from amazon_tui.domain import CancelReason, FulfilledBy, Money, Order, OrderItem, OrderQuery, OrderStatus, SortField
from amazon_tui.local import CancelState, DatabaseError, DuplicateCancellation, Journal, OrderRepository, open_database
from amazon_tui.local.db import DB_FILE
from amazon_tui.local.schema import SCHEMA_VERSION

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def order(number: int, status: OrderStatus = OrderStatus.UNSHIPPED, total: str = "10.00", buyer: str = "Zoë", updated: datetime = NOW) -> Order:
    return Order(
        order_id=f"111-0000000-{number:07d}",
        store="Acme US",
        status=status,
        fulfilled_by=FulfilledBy.MERCHANT,
        created=NOW - timedelta(days=number % 40, hours=number),
        last_updated=updated,
        buyer_name=buyer,
        total=Money.parse(total, "USD"),
        items=(OrderItem(order_item_id=f"{number}01", quantity_ordered=1, quantity_unshipped=1),),
    )


def test_migrates_an_empty_file_and_reopens_idempotently(tmp_path):
    db = open_database(tmp_path)
    assert db.schema_version == SCHEMA_VERSION
    tables = {row[0] for row in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"stores", "orders", "items", "packages", "order_notes", "sync_cursors", "cancellations", "audit", "magento_links"} <= tables
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
    db.close()
    again = open_database(tmp_path)
    assert again.schema_version == SCHEMA_VERSION
    again.close()


def test_migrates_a_zero_byte_file(tmp_path):
    (tmp_path / DB_FILE).write_bytes(b"")
    assert open_database(tmp_path).schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused_with_a_way_out(tmp_path):
    connection = sqlite3.connect(tmp_path / DB_FILE)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(DatabaseError, match="newer amazon-tui.*amazon-tui db rebuild"):
        open_database(tmp_path)


def test_corrupted_file_is_refused_with_a_way_out(tmp_path):
    (tmp_path / DB_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="unreadable.*amazon-tui db rebuild"):
        open_database(tmp_path)


def test_upsert_is_idempotent_and_notes_status_changes(tmp_path):
    repo = OrderRepository(open_database(tmp_path))
    first = repo.upsert([order(1), order(2)], now=NOW)
    assert len(first.inserted) == 2
    again = repo.upsert([order(1), order(2)], now=NOW)
    assert again.inserted == () and again.changed == ()
    shipped = repo.upsert([order(1, OrderStatus.SHIPPED, updated=NOW + timedelta(hours=1))], now=NOW)
    assert [(c.old, c.new) for c in shipped.changed] == [(OrderStatus.UNSHIPPED, OrderStatus.SHIPPED)]
    assert repo.get("111-0000000-0000001").notes == "Status updated to Shipped."
    assert [text for _, text in repo.notes("111-0000000-0000001")] == ["Status updated to Shipped."]
    stale = repo.upsert([order(1, OrderStatus.UNSHIPPED)], now=NOW)
    assert stale.changed == () and repo.get("111-0000000-0000001").status is OrderStatus.SHIPPED


def test_filters_and_sorting_run_over_all_matches(tmp_path):
    repo = OrderRepository(open_database(tmp_path))
    statuses = [OrderStatus.UNSHIPPED, OrderStatus.SHIPPED, OrderStatus.PENDING]
    repo.upsert([order(n, statuses[n % 3], total=f"{n}.50", buyer=f"Buyer {n % 7}") for n in range(1, 301)], now=NOW)
    by_total = repo.summaries(OrderQuery(sort=SortField.TOTAL, descending=True), limit=3)
    assert [s.total.amount for s in by_total] == [Decimal("300.50"), Decimal("299.50"), Decimal("298.50")]
    query = OrderQuery(statuses=(OrderStatus.SHIPPED,), total_min=Decimal("100"), total_max=Decimal("200"), buyer_name="buyer 3")
    rows = repo.summaries(query, limit=1000)
    assert rows and all(s.status is OrderStatus.SHIPPED and Decimal("100") <= s.total.amount <= Decimal("200") and s.buyer_name == "Buyer 3" for s in rows)
    assert repo.count(query) == len(rows)
    assert repo.count(OrderQuery(quick="0000042")) == 1
    assert repo.count(OrderQuery(buyer_name="100%")) == 0  # LIKE wildcards are literal


def test_journal_allows_one_live_cancellation_per_order(tmp_path):
    db = open_database(tmp_path)
    journal = Journal(db)
    entry = journal.request("111-0000000-0000001", "Acme US", CancelReason.NO_INVENTORY, "op", now=NOW)
    with pytest.raises(DuplicateCancellation):
        journal.request("111-0000000-0000001", "Acme US", CancelReason.NO_INVENTORY, "op", now=NOW)
    other_process = Journal(open_database(tmp_path))
    with pytest.raises(DuplicateCancellation):
        other_process.request("111-0000000-0000001", "Acme US", CancelReason.BUYER_CANCELED, "op2", now=NOW)
    journal.advance(entry.id, CancelState.FAILED, now=NOW, message="refused")
    retry = journal.request("111-0000000-0000001", "Acme US", CancelReason.NO_INVENTORY, "op", now=NOW)
    assert retry.state is CancelState.REQUESTED
    assert [e.id for e in journal.unfinished()] == [retry.id]
