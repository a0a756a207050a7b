"""The local SQLite store: migrations, WAL, upserts, queries in SQL, the journal's uniqueness."""

from __future__ import annotations

import sqlite3
import typing
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import BaseModel

from amazon_tui.domain.models import (
    Address,
    BuyerCancellationRequest,
    Money,
    Order,
    OrderItem,
    OrderQuery,
    Package,
    PackageLine,
)
from amazon_tui.domain.values import CancelReason, FulfilledBy, OrderStatus, SortField
from amazon_tui.local.db import DB_FILE, PAGE_SIZE, DatabaseError, _statements, open_database
from amazon_tui.local.journal import CancelState, DuplicateCancellation, Journal
from amazon_tui.local.lease import Coordination
from amazon_tui.local.orders import OrderRepository
from amazon_tui.local.schema import MIGRATIONS, SCHEMA_VERSION
from amazon_tui.local.store_figures import StoreFigures

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def order(
    number: int,
    status: OrderStatus = OrderStatus.UNSHIPPED,
    total: str = "10.00",
    buyer: str = "Zoë",
    updated: datetime = NOW,
) -> Order:
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
    assert {
        "stores",
        "orders",
        "order_notes",
        "sync_cursors",
        "cancellations",
        "audit",
        "magento_links",
    } <= tables
    assert not {"items", "packages"} & tables  # they live in the order's doc (schema 3)
    assert db.query("PRAGMA page_size")[0][0] == PAGE_SIZE
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
    with pytest.raises(DatabaseError, match=r"newer amazon-tui.*amazon-tui db rebuild"):
        open_database(tmp_path)


def test_corrupted_file_is_refused_with_a_way_out(tmp_path):
    (tmp_path / DB_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match=r"unreadable.*amazon-tui db rebuild"):
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
    repo.upsert(
        [order(n, statuses[n % 3], total=f"{n}.50", buyer=f"Buyer {n % 7}") for n in range(1, 301)], now=NOW
    )
    by_total = repo.summaries(OrderQuery(sort=SortField.TOTAL, descending=True), limit=3)
    assert [s.total.amount for s in by_total] == [Decimal("300.50"), Decimal("299.50"), Decimal("298.50")]
    query = OrderQuery(
        statuses=(OrderStatus.SHIPPED,),
        total_min=Decimal("100"),
        total_max=Decimal("200"),
        buyer_name="buyer 3",
    )
    rows = repo.summaries(query, limit=1000)
    assert rows and all(
        s.status is OrderStatus.SHIPPED
        and Decimal("100") <= s.total.amount <= Decimal("200")
        and s.buyer_name == "Buyer 3"
        for s in rows
    )
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
    coordination = Coordination(db, kind="test", lease_seconds=15)
    assert coordination.acquire()
    journal.move(entry, CancelState.FAILED, coordination.fence(), now=NOW, message="refused")
    retry = journal.request("111-0000000-0000001", "Acme US", CancelReason.NO_INVENTORY, "op", now=NOW)
    assert retry.state is CancelState.REQUESTED
    assert [e.id for e in journal.unfinished()] == [retry.id]


def rich_order(number: int) -> Order:
    """An order with items, a package, an address, a buyer's request, and empty fields."""
    usd = Money.parse("12.50", "USD")
    return order(number).model_copy(
        update={
            "ship_by": NOW + timedelta(hours=5),
            "programs": ("PRIME",),
            "address": Address(name="Zoë Ærø", city="Łódź", country_code="PL"),
            "items": (
                OrderItem(
                    order_item_id=f"{number}01",
                    title="Café cups",
                    quantity_ordered=2,
                    quantity_unshipped=2,
                    unit_price=usd,
                    row_total=usd,
                    cancellation_request=BuyerCancellationRequest(),
                ),
                OrderItem(order_item_id=f"{number}02", quantity_ordered=1, quantity_shipped=1),
            ),
            "packages": (
                Package(
                    reference_id="1",
                    carrier="DHL",
                    tracking_number="JD0001",
                    ship_time=NOW,
                    lines=(PackageLine(order_item_id=f"{number}02", quantity=1),),
                ),
            ),
        }
    )


def test_an_order_reads_back_equal_to_what_was_upserted(tmp_path):
    repo = OrderRepository(open_database(tmp_path))
    orders = [
        order(1),
        rich_order(2),
        order(3, total="0.00", buyer="").model_copy(update={"total": None, "fulfilled_by": None}),
    ]
    repo.upsert(orders, now=NOW)
    assert [repo.get(o.order_id) for o in orders] == orders
    assert repo.summary("111-0000000-0000002").ship_by == NOW + timedelta(hours=5)
    repo.set_status("111-0000000-0000002", OrderStatus.CANCELLED, "Canceled.", now=NOW)
    assert repo.get("111-0000000-0000002").status is OrderStatus.CANCELLED
    assert {row[0] for row in repo.db.query("SELECT typeof(doc) FROM orders")} == {
        "text"
    }  # bound as UTF-8 bytes, stored as TEXT
    assert "Łódź" in repo.db.query("SELECT doc FROM orders WHERE order_id = '111-0000000-0000002'")[0][0]


def _models_inside(model: type[BaseModel], found: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """``model`` and every model its fields can hold (Order: items, packages, money, ...)."""
    if model not in found:
        found.add(model)
        for field in model.model_fields.values():
            pending = [field.annotation]
            while pending:
                annotation = pending.pop()
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    _models_inside(annotation, found)
                pending += typing.get_args(annotation)
    return found


def test_the_stored_doc_may_leave_out_empty_fields():
    # The doc is written without None fields (smaller, faster sync). It reads back equal only
    # while every field that accepts None also defaults to None.
    models = _models_inside(Order, set())
    assert {Money, OrderItem, Package, PackageLine, Address, BuyerCancellationRequest} <= models
    wrong = [
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if type(None) in typing.get_args(field.annotation) and field.default is not None
    ]
    assert wrong == []


def _schema_2_database(path) -> None:
    """A database as amazon-tui with schema 2 left it: orders with items and packages rows."""
    connection = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        for statement in _statements(script):
            connection.execute(statement)
    for number, status in ((1, OrderStatus.UNSHIPPED), (2, OrderStatus.SHIPPED)):
        item = rich_order(number).model_copy(update={"status": status})
        connection.execute(
            "INSERT INTO orders (order_id, store, status, fulfilled_by, purchase_date, last_updated, "
            "ship_by, buyer_name, buyer_fold, "
            "total_amount, total_micros, currency, notes, buyer_cancel, unseen, detail_fetched, doc) "
            "VALUES (?, 'Acme US', ?, 'MERCHANT', ?, ?, ?, ?, ?, "
            "'10.00', 10000000, 'USD', NULL, 1, 0, NULL, ?)",
            (
                item.order_id,
                status.value,
                item.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                item.last_updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
                item.ship_by.strftime("%Y-%m-%dT%H:%M:%SZ"),
                item.buyer_name,
                item.buyer_name.casefold(),
                item.model_dump_json(),
            ),
        )
        for position, line in enumerate(item.items):
            connection.execute(
                "INSERT INTO items VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?)",
                (item.order_id, line.order_item_id, position, line.quantity_ordered, line.model_dump_json()),
            )
        connection.execute("INSERT INTO packages VALUES (?, '1', 'DHL', 'JD0001', '{}')", (item.order_id,))
    connection.execute(
        "INSERT INTO order_notes (order_id, time, text) "
        "VALUES ('111-0000000-0000002', '2026-11-20T12:00:00Z', 'Status updated to Shipped.')"
    )
    connection.execute("PRAGMA user_version = 2")
    connection.commit()
    connection.close()


def test_schema_2_migrates_to_the_latest_keeping_the_orders(tmp_path):
    _schema_2_database(tmp_path / DB_FILE)
    db = open_database(tmp_path)
    assert db.schema_version == SCHEMA_VERSION == 8
    assert "error_kind" in {row[1] for row in db.query("PRAGMA table_info(stores)")}  # 5: typed failures
    assert {"message_id", "attempted_at", "failure", "cause"} <= {
        row[1] for row in db.query("PRAGMA table_info(cancellations)")
    }  # 6: the money path
    assert "epoch" in {row[1] for row in db.query("PRAGMA table_info(lease)")}
    tables = {row[0] for row in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"items", "packages"} & tables
    assert {"peers", "lease", "sync_requests"} <= tables  # 4: one leader per data dir
    assert "owner" in {row[1] for row in db.query("PRAGMA table_info(cancellations)")}
    indexes = {
        row[0]
        for row in db.query(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL"
        )
    }
    assert indexes == {
        "orders_store_date",
        "orders_store_buyer",
        "orders_store_total",
        "orders_store_status",
        "orders_store_number",  # 8: sorts and go-to-order read one page
        "orders_store_ship",
        "orders_store_queue",
    }
    assert db.query("PRAGMA integrity_check")[0][0] == "ok"
    repo = OrderRepository(db)
    assert repo.get("111-0000000-0000001") == rich_order(1)  # docs written with their nulls still read
    assert repo.count(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.SHIPPED,))) == 1
    assert [text for _, text in repo.notes("111-0000000-0000002")] == ["Status updated to Shipped."]
    counts = StoreFigures(db).attention_counts("Acme US", now=NOW, due_soon=timedelta(hours=24))
    assert (counts.late, counts.due_soon, counts.buyer_cancel) == (0, 0, 1)
    shipped = repo.upsert(
        [
            rich_order(1).model_copy(
                update={"status": OrderStatus.SHIPPED, "last_updated": NOW + timedelta(hours=1)}
            )
        ],
        now=NOW,
    )
    assert [(c.old, c.new) for c in shipped.changed] == [(OrderStatus.UNSHIPPED, OrderStatus.SHIPPED)]
    db.close()


def _plans(repo: OrderRepository, call) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement ``call`` runs."""
    statements: list[str] = []
    repo.db._conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        repo.db._conn.set_trace_callback(None)
    return [
        " | ".join(row[3] for row in repo.db.query("EXPLAIN QUERY PLAN " + sql))
        for sql in statements
        if sql.lstrip().upper().startswith("SELECT")
    ]


def test_the_store_and_status_index_serves_status_lists_counts_and_attention(tmp_path):
    repo = OrderRepository(open_database(tmp_path))
    repo.upsert([order(n) for n in range(1, 21)], now=NOW)
    store = ("Acme US",)
    for descending in (False, True):
        for statuses in ((), (OrderStatus.UNSHIPPED,)):
            [plan] = _plans(
                repo,
                lambda statuses=statuses, descending=descending: repo.summaries(
                    OrderQuery(stores=store, statuses=statuses, sort=SortField.STATUS, descending=descending),
                    limit=10,
                ),
            )
            assert "USING INDEX orders_store_status" in plan and "TEMP B-TREE" not in plan, plan
    [plan] = _plans(repo, lambda: repo.count(OrderQuery(stores=store, statuses=(OrderStatus.UNSHIPPED,))))
    assert "COVERING INDEX orders_store_status" in plan, plan
    figures = StoreFigures(repo.db)
    [plan] = _plans(repo, lambda: figures.attention_counts("Acme US", now=NOW, due_soon=timedelta(hours=24)))
    assert "COVERING INDEX orders_store_status" in plan and "TEMP B-TREE" not in plan, plan
    [plan] = _plans(repo, lambda: repo.attention(["Acme US"], now=NOW, due_soon=timedelta(hours=24)))
    assert "USING INDEX orders_store_status" in plan and "SCAN o" not in plan, plan


def test_every_sort_and_the_order_search_read_one_page_in_index_order(tmp_path):
    """Issue 32: a page costs what a page holds, at any store size: no sort of every match."""
    repo = OrderRepository(open_database(tmp_path))
    repo.upsert([order(n) for n in range(1, 21)], now=NOW)
    store = ("Acme US",)
    for field in [field for field in SortField if field is not SortField.NOTES]:  # notes: free text
        for descending in (False, True):
            query = OrderQuery(stores=store, sort=field, descending=descending)
            for plan in _plans(repo, lambda query=query: repo.summaries(query, limit=10, offset=15)):
                assert "TEMP B-TREE" not in plan and "SCAN o" not in plan, (field, descending, plan)
    for text in ("111-000", "111-0000000-0000001", "000000"):
        [plan] = _plans(repo, lambda text=text: repo.find(text))  # it scans its 20-row subqueries only
        assert not any(f"SCAN {table}" in plan for table in ("o ", "orders", "l ", "magento_links")), plan
        assert "USING COVERING INDEX sqlite_autoindex_orders_1 (order_id>? AND order_id<?)" in plan, plan
        assert "USING INDEX magento_links_increment (increment_id>? AND increment_id<?)" in plan, plan
    plans = _plans(repo, lambda: repo.attention(["Acme US"], now=NOW, due_soon=timedelta(hours=24), limit=5))
    assert len(plans) == 3  # the head of the queue: its partial index, in its order
    for plan in plans:
        assert "USING INDEX orders_store_queue" in plan and "TEMP B-TREE" not in plan, plan


def test_an_ascending_sort_lists_empty_values_last_across_pages(tmp_path):
    repo = OrderRepository(open_database(tmp_path))
    orders = [order(n, buyer=f"Buyer {21 - n:02d}") for n in range(1, 21)]
    orders = [o.model_copy(update={"buyer_name": None}) if n % 3 == 0 else o for n, o in enumerate(orders)]
    repo.upsert(orders, now=NOW)
    query = OrderQuery(stores=("Acme US",), sort=SortField.BUYER_NAME, descending=False)
    pages = [repo.summaries(query, limit=6, offset=offset) for offset in range(0, 24, 6)]
    listed = [summary for page in pages for summary in page]
    assert len(listed) == len({summary.order_id for summary in listed}) == 20
    names = [summary.buyer_name for summary in listed]
    assert names[:13] == sorted(name for name in names if name) and names[13:] == [None] * 7
    assert [s.order_id for s in listed[13:]] == sorted(s.order_id for s in listed[13:])


def test_format_timestamp_is_utc_to_the_second_for_any_tzinfo():
    from amazon_tui.domain.values import format_timestamp, parse_timestamp

    def reference(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    plus_two = timezone(timedelta(hours=2))
    parsed = Order.model_validate_json(order(1).model_dump_json()).created  # pydantic's own UTC tzinfo
    values = [
        NOW,
        NOW.replace(microsecond=999_999),
        parsed,
        parse_timestamp("2026-01-02T03:04:05+00:00"),
        datetime(2026, 1, 1, 1, 30, tzinfo=plus_two),
        datetime(2026, 12, 31, 23, 59, 59),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1000, 1, 1, tzinfo=plus_two),
    ]
    assert [format_timestamp(value) for value in values] == [reference(value) for value in values]


def test_journal_and_audit_writes_are_synced_to_disk_and_order_writes_are_not(tmp_path):
    from amazon_tui.local.audit_trail import AuditEntry, AuditTrail

    db = open_database(tmp_path)
    coordination = Coordination(db, kind="test", lease_seconds=15)
    assert coordination.acquire()  # journal transitions are the lease holder's
    statements: list[str] = []
    db._conn.set_trace_callback(statements.append)  # observes the statements SQLite runs
    journal = Journal(db)
    entry = journal.request("111-0000000-0000001", "Acme US", CancelReason.NO_INVENTORY, "op", now=NOW)
    journal.move(entry, CancelState.VERIFIED, coordination.fence(), now=NOW)
    AuditTrail(db).record(
        AuditEntry(time=NOW, operator="op", action="cancel", outcome="requested", order_id=entry.order_id)
    )
    OrderRepository(db).upsert([order(1)], now=NOW)
    writes = [s for s in statements if s.startswith(("PRAGMA synchronous", "BEGIN", "COMMIT"))]
    assert (
        writes[:12]
        == ["PRAGMA synchronous=FULL", "BEGIN IMMEDIATE", "COMMIT", "PRAGMA synchronous=NORMAL"] * 3
    )
    assert writes[12:] == ["BEGIN IMMEDIATE", "COMMIT"]  # orders can be fetched again
    assert db.query("PRAGMA synchronous")[0][0] == 1  # NORMAL again
