"""How orders are held in SQL: the summary columns, filters, sorts, notes and summable amounts.

Shared by the repository (``orders.py``) and the store figures (``store_figures.py``).
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from typing import TYPE_CHECKING

from amazon_tui.domain.values import OrderStatus, SortField, format_timestamp, parse_timestamp

if TYPE_CHECKING:
    from amazon_tui.domain.models import Money, OrderQuery, OrderSummary

MICROS = Decimal(1_000_000)
# An amount this large (in any currency) is kept as received but never added up: its micros
# would not fit SQLite's 64-bit integers, and no real order is worth a trillion.
SUMMABLE_LIMIT = Decimal(10) ** 12

SUMMARY_COLUMNS = """
    o.order_id, o.store, o.status, o.fulfilled_by, o.purchase_date, o.last_updated, o.ship_by,
    o.buyer_name, o.total_amount, o.total_micros, o.currency, o.notes, o.unseen, l.increment_id,
    (SELECT c.state FROM cancellations c WHERE c.order_id = o.order_id AND c.state != 'failed')
        AS cancel_state
"""

# What the attention queue lists (``:soon`` = now + ui.due_soon_hours): merchant-fulfilled orders
# (Amazon ships its own) with no cancellation under way, that are Unshipped or Partially Shipped
# with a ship-by time before :soon (late or due soon), or not yet shipped with a buyer's request.
NEEDS_ATTENTION = """
    o.fulfilled_by = 'MERCHANT'
    AND NOT EXISTS (SELECT 1 FROM cancellations c WHERE c.order_id = o.order_id AND c.state != 'failed')
    AND ((o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED') AND o.ship_by <= :soon)
         OR (o.buyer_cancel = 1
             AND o.status IN ('PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED', 'PENDING_AVAILABILITY')))
"""


# The orders that can ever be in the queue: the WHERE of its partial index (schema 7), written
# the same way in the queries that read it (SQLite uses a partial index only then).
QUEUED = (
    "o.fulfilled_by = 'MERCHANT' "
    "AND o.status IN ('PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED', 'PENDING_AVAILABILITY')"
)


def micros(money: Money | None) -> int | None:
    """The amount in millionths, to sum and sort in SQL; None when absent or too large to sum."""
    if money is None or abs(money.amount) >= SUMMABLE_LIMIT:
        return None
    return int((money.amount * MICROS).to_integral_value())


def sum_micros(condition: str, name: str) -> str:
    """Two SQL sums that give an exact total of ``total_micros`` where ``condition`` holds
    (whole units and millionths apart: one 64-bit sum of micros could overflow)."""
    return (
        f"COALESCE(SUM(CASE WHEN {condition} THEN total_micros / 1000000 END), 0) AS {name}_units, "
        f"COALESCE(SUM(CASE WHEN {condition} THEN total_micros % 1000000 END), 0) AS {name}_micros"
    )


def summed(row: sqlite3.Row, name: str) -> Decimal:
    """The exact total of a ``sum_micros`` pair."""
    return Decimal(row[f"{name}_units"] or 0) + Decimal(row[f"{name}_micros"] or 0) / MICROS


# ASC's Error orders carry a note that says why; Amazon's UNFULFILLABLE is the only error state.
ERROR_NOTE = (
    "Status updated to Error: Amazon reports it cannot fulfil this order (UNFULFILLABLE, an "
    "Amazon-fulfilled order not placed on Amazon's website). Check it in Seller Central."
)
BARE_ERROR_NOTE = "Status updated to Error."  # an older row's note, without the reason


def status_note(status: OrderStatus) -> str:
    """The order note ASC writes when a status changes (for Error: what went wrong)."""
    return ERROR_NOTE if status is OrderStatus.UNFULFILLABLE else f"Status updated to {status.label}."


def shown_notes(status: OrderStatus, notes: str | None, unsummed_total: str | None = None) -> str | None:
    """The notes of an order as listed. An Error order without its reason gets it (older rows
    too); an order Amazon described oddly says which field and how it is held."""
    odd = []
    if not status.is_known:
        odd.append(
            f"Amazon sent fulfillmentStatus {status.value}, unknown to this version: "
            "kept as received, not cancelable here."
        )
    if unsummed_total is not None:
        odd.append(f"Amazon sent grandTotal {unsummed_total}: too large to add up, left out of totals.")
    if odd:
        return " ".join(odd + ([notes] if notes else []))
    if status is OrderStatus.UNFULFILLABLE and notes in (None, "", BARE_ERROR_NOTE):
        return ERROR_NOTE
    return notes


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _shown_notes_sql() -> str:
    """``shown_notes`` as an SQL expression over a row of ``orders o``; NULL when nothing is shown."""
    unknown = f"o.status NOT IN ({', '.join(_quoted(s.value) for s in OrderStatus)})"
    unsummed = "(o.total_amount IS NOT NULL AND coalesce(o.currency, '') != '' AND o.total_micros IS NULL)"
    odd = (
        f"CASE WHEN {unknown} THEN 'Amazon sent fulfillmentStatus ' || o.status || "
        "', unknown to this version: kept as received, not cancelable here.' ELSE '' END"
        f" || CASE WHEN {unknown} AND {unsummed} THEN ' ' ELSE '' END"
        f" || CASE WHEN {unsummed} THEN 'Amazon sent grandTotal ' || o.total_amount || ' ' || o.currency"
        " || ': too large to add up, left out of totals.' ELSE '' END"
        " || CASE WHEN coalesce(o.notes, '') != '' THEN ' ' || o.notes ELSE '' END"
    )
    error = (
        f"o.status = {_quoted(OrderStatus.UNFULFILLABLE.value)}"
        f" AND coalesce(o.notes, '') IN ('', {_quoted(BARE_ERROR_NOTE)})"
    )
    return (
        f"(CASE WHEN {unknown} OR {unsummed} THEN {odd}"
        f" WHEN {error} THEN {_quoted(ERROR_NOTE)}"
        " ELSE nullif(o.notes, '') END)"
    )


SHOWN_NOTES = _shown_notes_sql()

SORT_COLUMNS = {
    SortField.PURCHASE_DATE: "o.purchase_date",
    SortField.ORDER_NUMBER: "o.order_id",
    SortField.STATUS: "o.status",
    SortField.SHIP_BY: "o.ship_by",
    SortField.BUYER_NAME: "o.buyer_fold",
    SortField.TOTAL: "o.total_micros",
    # The text shown (``shown_notes``: an Error order by its reason, an oddly described one by
    # what it says), whatever its case; an order with no notes is empty (NULL), so last.
    SortField.NOTES: f"{SHOWN_NOTES} COLLATE NOCASE",
}

NULLABLE_SORTS = (SortField.SHIP_BY, SortField.BUYER_NAME, SortField.TOTAL, SortField.NOTES)


# The pydantic models are imported where they are used (on first use): the store cards need
# none of them (start-up time).


def summary_from(row: sqlite3.Row) -> OrderSummary:
    """An ``OrderSummary`` from a row of ``SUMMARY_COLUMNS``."""
    from amazon_tui.domain.models import Money, OrderSummary

    total = None
    if row["total_amount"] is not None and row["currency"]:
        total = Money(amount=Decimal(row["total_amount"]), currency=row["currency"])
    unsummed = None
    if total is not None and row["total_micros"] is None:
        unsummed = f"{row['total_amount']} {row['currency']}"
    status = OrderStatus(row["status"])
    return OrderSummary(
        order_id=row["order_id"],
        store=row["store"],
        purchase_date=parse_timestamp(row["purchase_date"]),
        status=status,
        fulfilled_by=row["fulfilled_by"],
        buyer_name=row["buyer_name"],
        total=total,
        notes=shown_notes(status, row["notes"], unsummed),
        magento_increment_id=row["increment_id"],
        ship_by=parse_timestamp(row["ship_by"]),
        last_updated=parse_timestamp(row["last_updated"]),
        unseen=bool(row["unseen"]),
        cancel_state=row["cancel_state"],
    )


def _like(text: str) -> str:
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _bounded_micros(amount: Decimal) -> int:
    """A total filter in millionths, within what SQLite compares (the query model bounds it too)."""
    return int(max(-SUMMABLE_LIMIT, min(SUMMABLE_LIMIT, amount)) * MICROS)


def where_clause(query: OrderQuery) -> tuple[str, list[object]]:
    """The WHERE clause (with its parameters) of an order query."""
    clauses: list[str] = []
    params: list[object] = []
    if query.stores:
        clauses.append(f"o.store IN ({','.join('?' * len(query.stores))})")
        params += list(query.stores)
    if query.statuses:
        clauses.append(f"o.status IN ({','.join('?' * len(query.statuses))})")
        params += [status.value for status in query.statuses]
    if query.purchased_from is not None:
        clauses.append("o.purchase_date >= ?")
        params.append(format_timestamp(query.purchased_from))
    if query.purchased_to is not None:
        clauses.append("o.purchase_date <= ?")
        params.append(format_timestamp(query.purchased_to))
    if query.order_number:
        clauses.append("lower(o.order_id) LIKE ? ESCAPE '\\'")
        params.append(_like(query.order_number.strip()))
    if query.buyer_name:
        clauses.append("o.buyer_fold LIKE ? ESCAPE '\\'")
        params.append(_like(query.buyer_name.strip()))
    if query.total_min is not None:
        clauses.append("o.total_micros >= ?")
        params.append(_bounded_micros(query.total_min))
    if query.total_max is not None:
        clauses.append("o.total_micros <= ?")
        params.append(_bounded_micros(query.total_max))
    if query.quick:
        pattern = _like(query.quick.strip())
        clauses.append(
            "(lower(o.order_id) LIKE ? ESCAPE '\\' OR o.buyer_fold LIKE ? ESCAPE '\\' "
            f"OR lower({SHOWN_NOTES}) LIKE ? ESCAPE '\\')"
        )
        params += [pattern, pattern, pattern]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params
