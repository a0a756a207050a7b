"""Orders in the local store: upsert from Amazon, list/filter/sort in SQL (``order_sql``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from amazon_tui.domain.values import OrderStatus, format_timestamp, parse_timestamp, timestamp
from amazon_tui.local.db import Database
from amazon_tui.local.links import read_link, write_links
from amazon_tui.local.order_sql import (
    NEEDS_ATTENTION,
    NULLABLE_SORTS,
    QUEUED,
    SORT_COLUMNS,
    SUMMARY_COLUMNS,
    micros,
    status_note,
    summary_from,
    where_clause,
)

if TYPE_CHECKING:
    from amazon_tui.domain.models import MagentoLink, Order, OrderQuery, OrderSummary


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
        micros(total),
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
        return write_links(self.db, links, cursor=cursor, now=now)

    # -- reading -------------------------------------------------------------------------

    def get(self, order_id: str) -> Order | None:
        rows = self.db.query("SELECT doc FROM orders WHERE order_id = ?", (order_id,))
        from amazon_tui.domain.models import Order

        return Order.model_validate_json(rows[0]["doc"]) if rows else None

    def detail_fetched(self, order_id: str) -> datetime | None:
        rows = self.db.query("SELECT detail_fetched FROM orders WHERE order_id = ?", (order_id,))
        return parse_timestamp(rows[0]["detail_fetched"]) if rows else None

    def find(self, text: str) -> list[OrderSummary]:
        """Orders whose Amazon or Magento number is or starts with ``text`` (go to order), by number.

        Numbers are digits and dashes: the prefix is then a range of the order-number and
        increment-id indexes, and 20 index entries are read whatever the store holds (a LIKE
        over both tables read every order and link: 80 ms at 100,000 orders). Text with
        letters (or beyond ASCII) keeps LIKE's case-insensitive match, which no index serves.
        """
        text = text.strip()
        if not text:
            return []
        if not text.isascii() or text.lower() != text.upper():
            prefix = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            match = "{} LIKE :prefix ESCAPE '\\'"
        else:  # the strings that start with text sort from text to just below its successor
            prefix = text[:-1] + chr(ord(text[-1]) + 1)
            match = "{0} >= :text AND {0} < :prefix"
        rows = self.db.query(
            f"SELECT {SUMMARY_COLUMNS} FROM orders o LEFT JOIN magento_links l ON l.order_id = o.order_id "
            "WHERE o.order_id IN ("
            f"SELECT * FROM (SELECT order_id FROM orders WHERE {match.format('order_id')} "
            "ORDER BY order_id LIMIT 20) UNION "
            f"SELECT * FROM (SELECT order_id FROM magento_links WHERE {match.format('increment_id')} "
            "ORDER BY increment_id LIMIT 20)) "
            "ORDER BY o.order_id = :text OR l.increment_id = :text DESC, o.order_id LIMIT 20",
            {"text": text, "prefix": prefix},
        )
        return [summary_from(row) for row in rows]

    def summaries(self, query: OrderQuery, *, limit: int, offset: int = 0) -> list[OrderSummary]:
        """One page of matching orders, sorted over ALL matches in SQL, read in index order.

        Empty values sort last. SQLite puts NULLs last in DESC order already; in ASC order an
        "x IS NULL" sort term would make it sort every match (a million orders) for one page, so
        the values and the empty ones are read apart, each in index order (the empty ones only
        once the page reaches them, after counting the values once per write).
        """
        where, params = where_clause(query)
        direction = "DESC" if query.descending else "ASC"
        column = SORT_COLUMNS[query.sort]
        order = f"{column} {direction}" + (f", o.order_id {direction}" if column != "o.order_id" else "")
        if query.sort not in NULLABLE_SORTS or query.descending:
            return self._page(where, params, order, limit, offset)
        both = " AND " if where else " WHERE "
        rows = self._page(f"{where}{both}{column} IS NOT NULL", params, order, limit, offset)
        if len(rows) == limit:
            return rows
        valued = self._count(f"{where}{both}{column} IS NOT NULL", params)
        empty_order = f"o.order_id {direction}"
        return rows + self._page(
            f"{where}{both}{column} IS NULL", params, empty_order, limit - len(rows), max(0, offset - valued)
        )

    def _page(
        self, where: str, params: list[object], order: str, limit: int, offset: int
    ) -> list[OrderSummary]:
        sql = (
            f"SELECT {SUMMARY_COLUMNS} FROM orders o "
            f"LEFT JOIN magento_links l ON l.order_id = o.order_id{where} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        return [summary_from(row) for row in self.db.query(sql, (*params, limit, offset))]

    def count(self, query: OrderQuery) -> int:
        """How many orders match: read once per write (``Database.memo``), not once per page.

        A count reads every matching index entry (35 ms for a million orders of a store); paging,
        sorting and coming back to the list change no count, so they reuse it.
        """
        return self._count(*where_clause(query))

    def _count(self, where: str, params: list[object]) -> int:
        sql = f"SELECT count(*) FROM orders o{where}"
        found: int = self.db.memo(("count", sql, *params), lambda: self.db.query(sql, tuple(params))[0][0])
        return found

    def summary(self, order_id: str) -> OrderSummary | None:
        rows = self.db.query(
            f"SELECT {SUMMARY_COLUMNS} FROM orders o "
            "LEFT JOIN magento_links l ON l.order_id = o.order_id WHERE o.order_id = ?",
            (order_id,),
        )
        return summary_from(rows[0]) if rows else None

    def notes(self, order_id: str) -> list[tuple[datetime, str]]:
        rows = self.db.query("SELECT time, text FROM order_notes WHERE order_id = ? ORDER BY id", (order_id,))
        return [(timestamp(row["time"]), row["text"]) for row in rows]

    def link(self, order_id: str) -> MagentoLink | None:
        return read_link(self.db, order_id)

    def cursor(self, store: str, source: str) -> str | None:
        rows = self.db.query(
            "SELECT cursor FROM sync_cursors WHERE store = ? AND source = ?", (store, source)
        )
        return rows[0]["cursor"] if rows else None

    def magento_failing(self, stores: Sequence[str]) -> list[tuple[OrderSummary, str]]:
        """Orders Amazon canceled for us whose Magento step failed last, with Magento's words."""
        if not stores:
            return []
        marks = ",".join("?" * len(stores))
        rows = self.db.query(
            f"SELECT {SUMMARY_COLUMNS}, c.magento_error FROM cancellations c "
            "JOIN orders o ON o.order_id = c.order_id LEFT JOIN magento_links l ON l.order_id = o.order_id "
            f"WHERE c.state = 'canceled' AND c.magento_done = 0 AND c.magento_error IS NOT NULL "
            f"AND o.store IN ({marks})",
            tuple(stores),
        )
        return [(summary_from(row), row["magento_error"]) for row in rows]

    def attention(
        self, stores: Sequence[str], *, now: datetime, due_soon: timedelta, limit: int | None = None
    ) -> list[tuple[OrderSummary, bool]]:
        """Orders needing action across stores, with whether the buyer asked to cancel.

        ``limit``: at least the ``limit`` most urgent of them (the caller sorts and cuts), read
        from the queue's partial index in its order: a big store's queue holds thousands.
        """
        if not stores:
            return []
        soon = format_timestamp(now + due_soon)
        if limit is None:
            marks = ",".join("?" * len(stores))
            rows = self.db.query(
                # The store and status index covers the queue's conditions; by the store alone,
                # the planner could as well pick the ship-by index and read the whole store.
                f"SELECT {SUMMARY_COLUMNS}, o.buyer_cancel FROM orders o INDEXED BY orders_store_status "
                "LEFT JOIN magento_links l ON l.order_id = o.order_id "
                f"WHERE o.store IN ({marks}) AND {NEEDS_ATTENTION.replace(':soon', '?')}",
                (*stores, soon),
            )
            return [(summary_from(row), bool(row["buyer_cancel"])) for row in rows]
        parts = (  # the buyers' requests by ship-by (an unknown one last), then late and due ones
            "o.buyer_cancel = 1 AND o.ship_by IS NOT NULL ORDER BY o.ship_by, o.order_id",
            "o.buyer_cancel = 1 AND o.ship_by IS NULL ORDER BY o.order_id",
            "o.buyer_cancel = 0 AND o.ship_by <= :soon AND o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED') "
            "ORDER BY o.ship_by, o.order_id",
        )
        found = []
        for store in stores:
            left = limit  # a part comes before the next in the queue: once a store's head is full, stop
            for part in parts:
                rows = self.db.query(
                    f"SELECT {SUMMARY_COLUMNS}, o.buyer_cancel FROM orders o INDEXED BY orders_store_queue "
                    "LEFT JOIN magento_links l ON l.order_id = o.order_id "
                    f"WHERE o.store = :store AND {QUEUED} AND {NEEDS_ATTENTION} AND {part} LIMIT :limit",
                    {"store": store, "soon": soon, "limit": left},
                )
                found += rows
                left -= len(rows)
                if left <= 0:
                    break
        return [(summary_from(row), bool(row["buyer_cancel"])) for row in found]
