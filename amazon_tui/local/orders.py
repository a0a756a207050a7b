"""Orders in the local store: upsert from Amazon, list/filter/sort in SQL, stats for the cards."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from amazon_tui.domain.values import OrderStatus, SortField, format_timestamp, parse_timestamp, timestamp
from amazon_tui.local.db import Database

if TYPE_CHECKING:
    from amazon_tui.domain.models import MagentoLink, Money, Order, OrderQuery, OrderSummary

MICROS = Decimal(1_000_000)
OPEN_STATUSES = (OrderStatus.UNSHIPPED.value, OrderStatus.PARTIALLY_SHIPPED.value)

_SORT_COLUMNS = {
    SortField.PURCHASE_DATE: "o.purchase_date",
    SortField.ORDER_NUMBER: "o.order_id",
    SortField.STATUS: "o.status",
    SortField.SHIP_BY: "o.ship_by",
    SortField.BUYER_NAME: "o.buyer_fold",
    SortField.TOTAL: "o.total_micros",
    SortField.NOTES: "o.notes",
}

_NULLABLE_SORTS = (SortField.SHIP_BY, SortField.BUYER_NAME, SortField.TOTAL, SortField.NOTES)

_SUMMARY_COLUMNS = """
    o.order_id, o.store, o.status, o.fulfilled_by, o.purchase_date, o.last_updated, o.ship_by,
    o.buyer_name, o.total_amount, o.currency, o.notes, o.unseen, l.increment_id,
    (SELECT c.state FROM cancellations c WHERE c.order_id = o.order_id AND c.state != 'failed')
        AS cancel_state
"""


# What the attention queue lists (``:soon`` = now + ui.due_soon_hours): merchant-fulfilled orders
# (Amazon ships its own) with no cancellation under way, that are Unshipped or Partially Shipped
# with a ship-by time before :soon (late or due soon), or not yet shipped with a buyer's request.
_NEEDS_ATTENTION = """
    o.fulfilled_by = 'MERCHANT'
    AND NOT EXISTS (SELECT 1 FROM cancellations c WHERE c.order_id = o.order_id AND c.state != 'failed')
    AND ((o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED') AND o.ship_by <= :soon)
         OR (o.buyer_cancel = 1
             AND o.status IN ('PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED', 'PENDING_AVAILABILITY')))
"""


def _micros(money: Money | None) -> int | None:
    return None if money is None else int((money.amount * MICROS).to_integral_value())


# ASC's Error orders carry a note that says why; Amazon's UNFULFILLABLE is the only error state.
ERROR_NOTE = (
    "Status updated to Error: Amazon reports it cannot fulfil this order (UNFULFILLABLE, an "
    "Amazon-fulfilled order not placed on Amazon's website). Check it in Seller Central."
)


def status_note(status: OrderStatus) -> str:
    """The order note ASC writes when a status changes (for Error: what went wrong)."""
    return ERROR_NOTE if status is OrderStatus.UNFULFILLABLE else f"Status updated to {status.label}."


def shown_notes(status: OrderStatus, notes: str | None) -> str | None:
    """The notes of an order as listed: an Error order without its reason gets it (older rows too)."""
    if status is OrderStatus.UNFULFILLABLE and notes in (None, "", "Status updated to Error."):
        return ERROR_NOTE
    return notes


class StatusChange(NamedTuple):
    """An order whose status differs from what the store had."""

    order_id: str
    old: OrderStatus | None
    new: OrderStatus


class UpsertResult(NamedTuple):
    """What one page of upserts changed."""

    inserted: tuple[str, ...]
    changed: tuple[StatusChange, ...]
    updated: int


class StoreStats(NamedTuple):
    """Figures of a store card and dashboard."""

    gmv: Decimal
    gmv_previous: Decimal
    daily: tuple[Decimal, ...]
    awaiting_shipment: int
    order_count: int
    lifetime: Decimal
    currency: str | None

    @property
    def gmv_change(self) -> float | None:
        """Percent change against the previous period, None when there was nothing before."""
        if not self.gmv_previous:
            return None
        return float((self.gmv - self.gmv_previous) / self.gmv_previous * 100)


class AttentionCounts(NamedTuple):
    late: int
    due_soon: int
    buyer_cancel: int


# The pydantic models are imported where they are used (on first use): the store cards need
# none of them (start-up time).


def _summary(row: sqlite3.Row) -> OrderSummary:
    from amazon_tui.domain.models import Money, OrderSummary

    total = None
    if row["total_amount"] is not None and row["currency"]:
        total = Money(amount=Decimal(row["total_amount"]), currency=row["currency"])
    return OrderSummary(
        order_id=row["order_id"],
        store=row["store"],
        purchase_date=parse_timestamp(row["purchase_date"]),
        status=OrderStatus(row["status"]),
        fulfilled_by=row["fulfilled_by"],
        buyer_name=row["buyer_name"],
        total=total,
        notes=shown_notes(OrderStatus(row["status"]), row["notes"]),
        magento_increment_id=row["increment_id"],
        ship_by=parse_timestamp(row["ship_by"]),
        last_updated=parse_timestamp(row["last_updated"]),
        unseen=bool(row["unseen"]),
        cancel_state=row["cancel_state"],
    )


def _like(text: str) -> str:
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(query: OrderQuery) -> tuple[str, list[object]]:
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
        params.append(int(query.total_min * MICROS))
    if query.total_max is not None:
        clauses.append("o.total_micros <= ?")
        params.append(int(query.total_max * MICROS))
    if query.quick:
        pattern = _like(query.quick.strip())
        clauses.append(
            "(lower(o.order_id) LIKE ? ESCAPE '\\' OR o.buyer_fold LIKE ? ESCAPE '\\' "
            "OR lower(o.notes) LIKE ? ESCAPE '\\')"
        )
        params += [pattern, pattern, pattern]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_UPSERT_ORDER = """
    INSERT INTO orders (order_id, store, status, fulfilled_by, purchase_date, last_updated, ship_by,
                        buyer_name, buyer_fold, total_amount, total_micros, currency, notes,
                        buyer_cancel, unseen, detail_fetched, doc)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT))
    ON CONFLICT (order_id) DO UPDATE SET
        store = excluded.store, status = excluded.status, fulfilled_by = excluded.fulfilled_by,
        purchase_date = excluded.purchase_date, last_updated = excluded.last_updated,
        ship_by = excluded.ship_by, buyer_name = excluded.buyer_name, buyer_fold = excluded.buyer_fold,
        total_amount = excluded.total_amount, total_micros = excluded.total_micros,
        currency = excluded.currency, notes = excluded.notes, buyer_cancel = excluded.buyer_cancel,
        unseen = MAX(orders.unseen, excluded.unseen),
        detail_fetched = COALESCE(excluded.detail_fetched, orders.detail_fetched), doc = excluded.doc
"""


def _doc(order: Order) -> bytes:
    """The stored JSON of an order (UTF-8), without its empty fields. Bind as ``CAST(? AS TEXT)``.

    Every optional field of the domain models defaults to None, so the document reads back
    equal; leaving the nulls out makes it ~15% smaller and quicker to write (sync upserts).
    Pydantic's UTF-8 bytes go to SQLite as they are (a str would be decoded, then encoded
    again to bind it); the CAST stores them as TEXT, as a str is.
    """
    from amazon_tui.domain.models import Order

    document: bytes = Order.__pydantic_serializer__.to_json(order, exclude_none=True)  # built on first use
    return document


def _order_row(
    order: Order, notes: str | None, fetched: str | None, unseen: bool, buyer_cancel: bool
) -> tuple[object, ...]:
    """The ``orders`` row of an order, in ``_UPSERT_ORDER``'s column order."""
    stored = order if notes == order.notes else order.model_copy(update={"notes": notes})
    total = order.total
    buyer = order.buyer_name
    return (
        order.order_id,
        order.store,
        order.status.value,
        order.fulfilled_by.value if order.fulfilled_by else None,
        format_timestamp(order.created),
        format_timestamp(order.last_updated),
        format_timestamp(order.ship_by) if order.ship_by else None,
        buyer,
        buyer.casefold() if buyer else None,
        None if total is None else str(total.amount),
        _micros(total),
        None if total is None else total.currency,
        notes,
        int(buyer_cancel),
        int(unseen),
        fetched,
        _doc(stored),
    )


def _distinct_runs(orders: list[Order]) -> list[list[Order]]:
    """Split a page into consecutive runs in which no order number repeats."""
    runs: list[list[Order]] = [[]]
    seen: set[str] = set()
    for order in orders:
        if order.order_id in seen:
            runs.append([])
            seen = set()
        runs[-1].append(order)
        seen.add(order.order_id)
    return runs


def _known(conn: sqlite3.Connection, order_ids: Sequence[str]) -> dict[str, tuple[str, str, str | None, int]]:
    """(status, last_updated, notes, buyer_cancel) of the stored ones among ``order_ids``."""
    known: dict[str, tuple[str, str, str | None, int]] = {}
    for start in range(0, len(order_ids), 500):
        chunk = order_ids[start : start + 500]
        rows = conn.execute(
            "SELECT order_id, status, last_updated, notes, buyer_cancel FROM orders "
            f"WHERE order_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        known.update((row[0], (row[1], row[2], row[3], row[4])) for row in rows)
    return known


class OrderRepository:
    """Reads and writes orders (items and packages inside), notes, links and cursors."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- writing -------------------------------------------------------------------------

    def upsert(
        self,
        orders: Iterable[Order],
        *,
        now: datetime,
        mark_unseen: bool = False,
        detail: bool = False,
        cursor: tuple[str, str, str] | None = None,
    ) -> UpsertResult:
        """Insert or update a page of orders in ONE transaction, with status-change notes.

        ``cursor`` = (store, source, value) is advanced in the same transaction, so a
        crash never leaves a cursor ahead of the data it stands for. Statements are batched
        per page (one SELECT, executemany writes): an order number repeated within the page
        starts a new batch, so it sees its earlier copy exactly as row-by-row writes would.
        """
        stamp = format_timestamp(now)
        fetched = stamp if detail else None
        inserted: list[str] = []
        changed: list[StatusChange] = []
        updated = 0
        with self.db.transaction() as conn:
            for batch in _distinct_runs(list(orders)):
                known = _known(conn, [order.order_id for order in batch])
                notes_rows: list[tuple[str, str, str]] = []
                rows: list[tuple[object, ...]] = []
                for order in batch:
                    row = known.get(order.order_id)
                    old_status = OrderStatus(row[0]) if row else None
                    notes = row[2] if row else order.notes
                    if row is not None and row[1] > format_timestamp(order.last_updated) and not detail:
                        continue  # an older copy than the one we hold
                    if old_status is not None and old_status is not order.status:
                        notes = status_note(order.status)
                        notes_rows.append((order.order_id, stamp, notes))
                        changed.append(StatusChange(order.order_id, old_status, order.status))
                    buyer_cancel = order.buyer_cancellation_reason is not None
                    asked = buyer_cancel and not (row and row[3])  # a new buyer's request
                    unseen = mark_unseen and (row is None or old_status is not order.status or asked)
                    rows.append(_order_row(order, notes, fetched, unseen, buyer_cancel))
                    if row is None:
                        inserted.append(order.order_id)
                    else:
                        updated += 1
                if notes_rows:
                    conn.executemany(
                        "INSERT INTO order_notes (order_id, time, text) VALUES (?, ?, ?)", notes_rows
                    )
                if rows:
                    conn.executemany(_UPSERT_ORDER, rows)
            if cursor is not None:
                conn.execute(
                    "INSERT INTO sync_cursors (store, source, cursor, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (store, source) DO UPDATE SET "
                    "cursor = excluded.cursor, updated = excluded.updated",
                    (*cursor, stamp),
                )
        return UpsertResult(tuple(inserted), tuple(changed), updated)

    def owners(self, order_ids: Sequence[str]) -> dict[str, str]:
        """The store each of the stored ones among ``order_ids`` belongs to."""
        owners: dict[str, str] = {}
        for start in range(0, len(order_ids), 500):
            chunk = list(order_ids[start : start + 500])
            rows = self.db.query(
                f"SELECT order_id, store FROM orders WHERE order_id IN ({','.join('?' * len(chunk))})",
                tuple(chunk),
            )
            owners.update((row[0], row[1]) for row in rows)
        return owners

    def set_status(self, order_id: str, status: OrderStatus, note: str, *, now: datetime) -> None:
        """Change an order's status locally (a confirmed cancellation) with its note."""
        from amazon_tui.domain.models import Order

        stamp = format_timestamp(now)
        with self.db.transaction() as conn:
            row = conn.execute("SELECT doc FROM orders WHERE order_id = ?", (order_id,)).fetchone()
            if row is None:
                return
            order = Order.model_validate_json(row["doc"])
            items = (
                tuple(item.model_copy(update={"quantity_unshipped": 0}) for item in order.items)
                if status is OrderStatus.CANCELLED
                else order.items
            )
            order = order.model_copy(
                update={"status": status, "notes": note, "items": items, "last_updated": now}
            )
            conn.execute(
                "UPDATE orders SET status = ?, notes = ?, last_updated = ?, doc = CAST(? AS TEXT) "
                "WHERE order_id = ?",
                (status.value, note, stamp, _doc(order), order_id),
            )
            conn.execute(
                "INSERT INTO order_notes (order_id, time, text) VALUES (?, ?, ?)", (order_id, stamp, note)
            )

    def mark_seen(self, order_ids: Sequence[str] | None = None) -> None:
        """Clear the "new or changed" mark of some orders (all when None)."""
        with self.db.transaction() as conn:
            if order_ids is None:
                conn.execute("UPDATE orders SET unseen = 0 WHERE unseen = 1")
            else:
                conn.executemany(
                    "UPDATE orders SET unseen = 0 WHERE order_id = ?", [(order_id,) for order_id in order_ids]
                )

    def upsert_links(
        self, links: Iterable[MagentoLink], *, cursor: tuple[str, str, str] | None = None, now: datetime
    ) -> int:
        """Refresh the Magento link index (Amazon order number -> Magento order)."""
        count = 0
        with self.db.transaction() as conn:
            for link in links:
                conn.execute(
                    "INSERT INTO magento_links "
                    "(order_id, entity_id, increment_id, status, store_id, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (order_id) DO UPDATE SET "
                    "entity_id = excluded.entity_id, increment_id = excluded.increment_id, "
                    "status = excluded.status, store_id = excluded.store_id, "
                    "updated_at = excluded.updated_at",
                    (
                        link.order_id,
                        link.entity_id,
                        link.increment_id,
                        link.status,
                        link.store_id,
                        format_timestamp(now),
                    ),
                )
                count += 1
            if cursor is not None:
                conn.execute(
                    "INSERT INTO sync_cursors (store, source, cursor, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (store, source) DO UPDATE SET "
                    "cursor = excluded.cursor, updated = excluded.updated",
                    (*cursor, format_timestamp(now)),
                )
        return count

    # -- reading -------------------------------------------------------------------------

    def get(self, order_id: str) -> Order | None:
        rows = self.db.query("SELECT doc FROM orders WHERE order_id = ?", (order_id,))
        from amazon_tui.domain.models import Order

        return Order.model_validate_json(rows[0]["doc"]) if rows else None

    def detail_fetched(self, order_id: str) -> datetime | None:
        rows = self.db.query("SELECT detail_fetched FROM orders WHERE order_id = ?", (order_id,))
        return parse_timestamp(rows[0]["detail_fetched"]) if rows else None

    def find(self, text: str) -> list[OrderSummary]:
        """Orders whose Amazon or Magento number is or starts with ``text`` (go to order)."""
        text = text.strip()
        prefix = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"  # typed literally
        rows = self.db.query(
            f"SELECT {_SUMMARY_COLUMNS} FROM orders o LEFT JOIN magento_links l ON l.order_id = o.order_id "
            "WHERE o.order_id LIKE ? ESCAPE '\\' OR l.increment_id LIKE ? ESCAPE '\\' "
            "ORDER BY o.order_id = ? DESC, o.purchase_date DESC LIMIT 20",
            (prefix, prefix, text),
        )
        return [_summary(row) for row in rows]

    def summaries(self, query: OrderQuery, *, limit: int, offset: int = 0) -> list[OrderSummary]:
        """One page of matching orders, sorted over ALL matches in SQL."""
        where, params = _where(query)
        direction = "DESC" if query.descending else "ASC"
        column = _SORT_COLUMNS[query.sort]
        # Empty values sort last. SQLite puts NULLs last in DESC order already, and an
        # "x IS NULL" term would stop it reading the page in index order (big stores).
        nulls_last = f"{column} IS NULL, " if query.sort in _NULLABLE_SORTS and not query.descending else ""
        sql = (
            f"SELECT {_SUMMARY_COLUMNS} FROM orders o "
            f"LEFT JOIN magento_links l ON l.order_id = o.order_id{where} "
            f"ORDER BY {nulls_last}{column} {direction}, o.order_id {direction} LIMIT ? OFFSET ?"
        )
        return [_summary(row) for row in self.db.query(sql, (*params, limit, offset))]

    def count(self, query: OrderQuery) -> int:
        where, params = _where(query)
        found: int = self.db.query(f"SELECT count(*) FROM orders o{where}", tuple(params))[0][0]
        return found

    def summary(self, order_id: str) -> OrderSummary | None:
        rows = self.db.query(
            f"SELECT {_SUMMARY_COLUMNS} FROM orders o "
            "LEFT JOIN magento_links l ON l.order_id = o.order_id WHERE o.order_id = ?",
            (order_id,),
        )
        return _summary(rows[0]) if rows else None

    def notes(self, order_id: str) -> list[tuple[datetime, str]]:
        rows = self.db.query("SELECT time, text FROM order_notes WHERE order_id = ? ORDER BY id", (order_id,))
        return [(timestamp(row["time"]), row["text"]) for row in rows]

    def link(self, order_id: str) -> MagentoLink | None:
        rows = self.db.query("SELECT * FROM magento_links WHERE order_id = ?", (order_id,))
        if not rows:
            return None
        row = rows[0]
        from amazon_tui.domain.models import MagentoLink

        return MagentoLink(
            order_id=row["order_id"],
            entity_id=row["entity_id"],
            increment_id=row["increment_id"],
            status=row["status"],
            store_id=row["store_id"],
        )

    def cursor(self, store: str, source: str) -> str | None:
        rows = self.db.query(
            "SELECT cursor FROM sync_cursors WHERE store = ? AND source = ?", (store, source)
        )
        return rows[0]["cursor"] if rows else None

    def stats(self, store: str, *, now: datetime, days: int = 30) -> StoreStats:
        """GMV of the last ``days`` and the period before, a daily series, awaiting shipment."""
        start = now - timedelta(days=days)
        before = start - timedelta(days=days)
        live = f"status != '{OrderStatus.CANCELLED.value}'"
        rows = self.db.query(
            f"""
            SELECT
              COALESCE(SUM(CASE WHEN purchase_date >= :start AND {live} THEN total_micros END), 0) AS gmv,
              COALESCE(SUM(CASE WHEN purchase_date >= :before AND purchase_date < :start AND {live}
                                THEN total_micros END), 0) AS previous,
              COALESCE(SUM(CASE WHEN {live} THEN total_micros END), 0) AS lifetime,
              SUM(CASE WHEN status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED') THEN 1 ELSE 0 END) AS awaiting,
              COUNT(*) AS orders,
              MAX(currency) AS currency
            FROM orders WHERE store = :store
            """,
            {"store": store, "start": format_timestamp(start), "before": format_timestamp(before)},
        )[0]
        series = dict.fromkeys(
            ((start + timedelta(days=offset + 1)).strftime("%Y-%m-%d") for offset in range(days)), Decimal(0)
        )
        for day in self.db.query(
            f"SELECT substr(purchase_date, 1, 10) AS day, SUM(total_micros) AS total FROM orders "
            f"WHERE store = ? AND purchase_date >= ? AND {live} GROUP BY day",
            (store, format_timestamp(start)),
        ):
            if day["day"] in series:
                series[day["day"]] = Decimal(day["total"] or 0) / MICROS
        return StoreStats(
            gmv=Decimal(rows["gmv"]) / MICROS,
            gmv_previous=Decimal(rows["previous"]) / MICROS,
            daily=tuple(series.values()),
            awaiting_shipment=rows["awaiting"] or 0,
            order_count=rows["orders"],
            lifetime=Decimal(rows["lifetime"]) / MICROS,
            currency=rows["currency"],
        )

    def attention_counts(self, store: str, *, now: datetime, due_soon: timedelta) -> AttentionCounts:
        """The store card's three counts; the same rules as ``attention`` (an order counts once)."""
        rows = self.db.query(
            f"""
            SELECT
              SUM(CASE WHEN NOT o.buyer_cancel AND o.ship_by < :now THEN 1 ELSE 0 END) AS late,
              SUM(CASE WHEN NOT o.buyer_cancel AND o.ship_by >= :now THEN 1 ELSE 0 END) AS due,
              SUM(o.buyer_cancel) AS asked
            FROM orders o WHERE o.store = :store AND {_NEEDS_ATTENTION}
            """,
            {"store": store, "now": format_timestamp(now), "soon": format_timestamp(now + due_soon)},
        )[0]
        return AttentionCounts(
            late=rows["late"] or 0, due_soon=rows["due"] or 0, buyer_cancel=rows["asked"] or 0
        )

    def magento_failing(self, stores: Sequence[str]) -> list[tuple[OrderSummary, str]]:
        """Orders Amazon canceled for us whose Magento step failed last, with Magento's words."""
        if not stores:
            return []
        marks = ",".join("?" * len(stores))
        rows = self.db.query(
            f"SELECT {_SUMMARY_COLUMNS}, c.magento_error FROM cancellations c "
            "JOIN orders o ON o.order_id = c.order_id LEFT JOIN magento_links l ON l.order_id = o.order_id "
            f"WHERE c.state = 'canceled' AND c.magento_done = 0 AND c.magento_error IS NOT NULL "
            f"AND o.store IN ({marks})",
            tuple(stores),
        )
        return [(_summary(row), row["magento_error"]) for row in rows]

    def attention(
        self, stores: Sequence[str], *, now: datetime, due_soon: timedelta
    ) -> list[tuple[OrderSummary, bool]]:
        """Orders needing action across stores, with whether the buyer asked to cancel."""
        if not stores:
            return []
        marks = ",".join("?" * len(stores))
        rows = self.db.query(
            f"SELECT {_SUMMARY_COLUMNS}, o.buyer_cancel FROM orders o "
            "LEFT JOIN magento_links l ON l.order_id = o.order_id "
            f"WHERE o.store IN ({marks}) AND {_NEEDS_ATTENTION.replace(':soon', '?')}",
            (*stores, format_timestamp(now + due_soon)),
        )
        return [(_summary(row), bool(row["buyer_cancel"])) for row in rows]
