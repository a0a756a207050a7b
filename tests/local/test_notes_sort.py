"""Sorting by Order Notes sorts by the text shown, whatever its case, empty notes last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amazon_tui.domain.models import Money, Order, OrderItem, OrderQuery
from amazon_tui.domain.values import FulfilledBy, OrderStatus, SortField
from amazon_tui.local.db import open_database
from amazon_tui.local.order_sql import ERROR_NOTE
from amazon_tui.local.orders import OrderRepository

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

CASES = [  # (status, stored notes, total)
    (OrderStatus.CANCELLED, "Status updated to canceled.", "10.00"),
    (OrderStatus.SHIPPED, "Status updated to Shipped.", "10.00"),
    (OrderStatus.UNSHIPPED, None, "10.00"),
    (OrderStatus.UNSHIPPED, "", "10.00"),
    (OrderStatus.UNSHIPPED, 'Cannot create sales order: Product "X" in order is not salable', "10.00"),
    (OrderStatus.UNSHIPPED, 'cannot create sales order: product "Y" in order is not salable', "10.00"),
    (OrderStatus.UNFULFILLABLE, None, "10.00"),
    (OrderStatus.UNFULFILLABLE, "Status updated to Error.", "10.00"),
    (OrderStatus.UNFULFILLABLE, "Refunded by Amazon", "10.00"),
    (OrderStatus("EXPLODED"), None, "10.00"),
    (OrderStatus("EXPLODED"), "zebra", "10.00"),
    (OrderStatus.SHIPPED, None, "5000000000000.00"),  # too large to add up: says so
    (OrderStatus("EXPLODED"), "", "5000000000000.00"),
    (OrderStatus.PENDING, "STATUS UPDATED TO CANCELED.", "10.00"),
    (OrderStatus.PENDING, "amazon sent it", "10.00"),
]


def _order(number: int, status: OrderStatus, notes: str | None, total: str) -> Order:
    return Order(
        order_id=f"111-0000000-{number:07d}",
        store="Acme US",
        status=status,
        fulfilled_by=FulfilledBy.MERCHANT,
        created=NOW - timedelta(hours=number),
        last_updated=NOW,
        total=Money.parse(total, "USD"),
        notes=notes,
        items=(OrderItem(order_item_id=f"{number}01", quantity_ordered=1, quantity_unshipped=1),),
    )


@pytest.mark.parametrize("descending", [False, True])
def test_notes_sort_by_the_text_shown_case_insensitively_with_empty_last(tmp_path, descending):
    repo = OrderRepository(open_database(tmp_path))
    repo.upsert([_order(n, *case) for n in range(1, 61) for case in [CASES[n % len(CASES)]]], now=NOW)
    rows = repo.summaries(OrderQuery(sort=SortField.NOTES, descending=descending), limit=1000)
    assert len(rows) == 60
    shown = [row for row in rows if row.notes]
    empty = [row for row in rows if not row.notes]
    assert rows == shown + empty, "empty notes come last, in both directions"
    expected = sorted(shown, key=lambda r: (r.notes.lower(), r.order_id), reverse=descending)
    assert [r.order_id for r in shown] == [r.order_id for r in expected]
    assert sum(r.notes == ERROR_NOTE for r in rows) == 8  # every Error order by its reason
    pages = [  # paged, the same order
        r.order_id
        for offset in range(0, 60, 7)
        for r in repo.summaries(
            OrderQuery(sort=SortField.NOTES, descending=descending), limit=7, offset=offset
        )
    ]
    assert pages == [r.order_id for r in rows]


def test_the_quick_filter_finds_the_notes_shown(tmp_path):
    """`/` matches the text shown: an Error order by its reason, whatever the case typed."""
    repo = OrderRepository(open_database(tmp_path))
    repo.upsert([_order(n, *case) for n, case in enumerate(CASES, start=1)], now=NOW)
    errors = repo.summaries(OrderQuery(quick="cannot fulfil"), limit=100)
    assert len(errors) == 2 and all(row.notes == ERROR_NOTE for row in errors)
    assert repo.count(OrderQuery(quick="GRANDTOTAL")) == 2
    assert repo.count(OrderQuery(quick="status updated to canceled")) == 2
