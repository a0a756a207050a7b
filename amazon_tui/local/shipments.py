"""The shipment journal: each package confirmation, written before confirmShipment is sent.

A row is created by any process that may write (``request``, or the leader when it finds a
Magento shipment); every later transition is the leader's fenced compare-and-set
(``local/fenced.py``). ``(order_id, package_id)`` is unique: a package is confirmed once.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from amazon_tui.domain.models import OrderSummary
from amazon_tui.domain.secrets import redact
from amazon_tui.domain.shipping import PackageConfirmation, PackageItem, folded
from amazon_tui.domain.values import format_timestamp, parse_timestamp, timestamp
from amazon_tui.local.db import Database
from amazon_tui.local.fenced import fenced_update
from amazon_tui.local.lease import FENCE_HOLDS, Fence, fence_params
from amazon_tui.local.order_sql import SUMMARY_COLUMNS, summary_from
from amazon_tui.local.shipment_counts import UNCONFIRMED


class ShipState(str, Enum):
    """requested -> sending -> confirming -> confirmed | failed.

    - ``sending``: confirmShipment is (or was) under way; when its answer was lost, Amazon's
      order decides (its packages), never a blind second request.
    - ``confirming``: Amazon accepted it (204); its order shows the package once applied.
    """

    REQUESTED = "requested"
    SENDING = "sending"
    CONFIRMING = "confirming"
    CONFIRMED = "confirmed"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (ShipState.CONFIRMED, ShipState.FAILED)


class ShipFailure(str, Enum):
    """Why a shipment row failed: typed, for the screens and the CLI."""

    NOT_SHIPPABLE = "not_shippable"  # Amazon's order is not Unshipped / Partially Shipped (or is AFN)
    REFUSED_BY_AMAZON = "refused_by_amazon"  # Amazon's 400: carrier, quantities, already shipped...
    UNMATCHED = "unmatched"  # the Magento shipment cannot become a package (no SKU match, no tracking)
    NOT_CONFIRMED = "not_confirmed"  # Amazon's order never showed the package


class ShipmentMoved(Exception):
    """The row is no longer in the state this process read it in (another process moved it)."""

    def __init__(self, row: ShipmentRow) -> None:
        super().__init__(f"shipment {row.id} of {row.order_id} is {row.state.value} now")
        self.row = row


class DuplicatePackage(Exception):
    """The order already has a row for this package."""

    def __init__(self, row: ShipmentRow) -> None:
        super().__init__(
            f"package {row.package_id} of {row.order_id} is journaled already ({row.state.value})"
        )
        self.row = row


@dataclass(frozen=True)
class ShipmentRow:
    id: int
    order_id: str
    store: str
    package_id: str
    source: str  # "magento" or "manual"
    magento_shipment_id: int | None
    carrier_code: str | None
    carrier_name: str | None
    tracking_number: str | None
    shipping_method: str | None
    ship_date: datetime | None
    items: tuple[PackageItem, ...]
    operator: str
    state: ShipState
    attempts: int
    attempted_at: datetime | None
    failure: ShipFailure | None
    cause: str | None
    requested_at: datetime
    updated_at: datetime

    @property
    def carrier(self) -> str:
        """What the operator reads: the carrier's name for "Other", else its code."""
        return self.carrier_name or self.carrier_code or ""

    def package(self) -> PackageConfirmation:
        """What confirmShipment is sent (only for a row that was journaled complete)."""
        assert self.carrier_code and self.tracking_number and self.ship_date
        return PackageConfirmation(
            package_reference_id=self.package_id,
            carrier_code=self.carrier_code,
            carrier_name=self.carrier_name,
            shipping_method=self.shipping_method,
            tracking_number=self.tracking_number,
            ship_date=self.ship_date,
            items=self.items,
        )


@dataclass(frozen=True)
class ShipmentRequest:
    """A row to journal: a complete package, or a Magento shipment that cannot be one (``failure``)."""

    order_id: str
    store: str
    package_id: str
    source: str
    operator: str
    package: PackageConfirmation | None = None
    magento_shipment_id: int | None = None
    failure: ShipFailure | None = None
    cause: str | None = None


FIELDS = frozenset(
    {
        "attempts",
        "attempted_at",
        "failure",
        "cause",
        # a failed Magento shipment, taken up again once Magento completed it (a track added):
        "carrier_code",
        "carrier_name",
        "tracking_number",
        "shipping_method",
        "ship_date",
        "items",
    }
)


def _items(text: str) -> tuple[PackageItem, ...]:
    return tuple(PackageItem(order_item_id=item_id, quantity=qty) for item_id, qty in json.loads(text))


def _row(row: sqlite3.Row) -> ShipmentRow:
    return ShipmentRow(
        id=row["id"],
        order_id=row["order_id"],
        store=row["store"],
        package_id=row["package_id"],
        source=row["source"],
        magento_shipment_id=row["magento_shipment_id"],
        carrier_code=row["carrier_code"],
        carrier_name=row["carrier_name"],
        tracking_number=row["tracking_number"],
        shipping_method=row["shipping_method"],
        ship_date=parse_timestamp(row["ship_date"]),
        items=_items(row["items"]),
        operator=row["operator"],
        state=ShipState(row["state"]),
        attempts=row["attempts"],
        attempted_at=parse_timestamp(row["attempted_at"]),
        failure=ShipFailure(row["failure"]) if row["failure"] else None,
        cause=row["cause"],
        requested_at=timestamp(row["requested_at"]),
        updated_at=timestamp(row["updated_at"]),
    )


def _column(key: str, value: object) -> object:
    if key == "items" and isinstance(value, tuple):
        return json.dumps([[item.order_item_id, item.quantity] for item in value])
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return redact(value)  # Amazon's words may echo a secret
    return value


class ShipmentJournal:
    """Durable record of package confirmations."""

    def __init__(self, db: Database, *, lease_clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.lease_clock = lease_clock

    def request(
        self,
        wanted: ShipmentRequest,
        *,
        now: datetime,
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> ShipmentRow:
        """Write the row (``requested``, or ``failed`` when it cannot be sent), or raise
        DuplicatePackage (also across processes): the order has a row for this package id, or a
        row not failed for the same box (its tracking number, any case or spacing) — the check
        and the write are one transaction. ``also`` writes in the same transaction."""
        package = wanted.package
        stamp = format_timestamp(now)
        state = ShipState.FAILED if wanted.failure else ShipState.REQUESTED
        items = [[i.order_item_id, i.quantity] for i in package.items] if package else []
        try:
            with self.db.transaction(durable=True) as conn:
                box = self._same_box(conn, wanted.order_id, package.tracking_number if package else None)
                if box is not None:
                    raise DuplicatePackage(_row(box))
                cursor = conn.execute(
                    "INSERT INTO shipments (order_id, store, package_id, source, magento_shipment_id, "
                    "carrier_code, carrier_name, tracking_number, shipping_method, ship_date, items, "
                    "operator, state, failure, cause, requested_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        wanted.order_id,
                        wanted.store,
                        wanted.package_id,
                        wanted.source,
                        wanted.magento_shipment_id,
                        package.carrier_code if package else None,
                        package.carrier_name if package else None,
                        package.tracking_number if package else None,
                        package.shipping_method if package else None,
                        format_timestamp(package.ship_date) if package else None,
                        json.dumps(items),
                        wanted.operator,
                        state.value,
                        wanted.failure.value if wanted.failure else None,
                        redact(wanted.cause) if wanted.cause else None,
                        stamp,
                        stamp,
                    ),
                )
                row_id = cursor.lastrowid
                assert row_id is not None
                if also is not None:
                    also(conn)
        except sqlite3.IntegrityError:
            existing = self.package(wanted.order_id, wanted.package_id)
            assert existing is not None
            raise DuplicatePackage(existing) from None
        return self.get(row_id)

    @staticmethod
    def _same_box(conn: sqlite3.Connection, order_id: str, tracking_number: str | None) -> sqlite3.Row | None:
        """The order's row, not failed, for this tracking number (spaces and case aside)."""
        wanted = folded(tracking_number)
        if not wanted:
            return None
        rows = conn.execute(
            "SELECT * FROM shipments WHERE order_id = ? AND state != 'failed' "
            "AND tracking_number IS NOT NULL",
            (order_id,),
        ).fetchall()
        return next((r for r in rows if folded(r["tracking_number"]) == wanted), None)

    def write(
        self,
        row: ShipmentRow,
        state: ShipState,
        fence: Fence,
        *,
        now: datetime,
        fields: Mapping[str, object],
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> ShipmentRow:
        """Move ``row`` to ``state`` (and set fields) if it is still as read and ``fence`` holds.

        Raises LeaseLost when this process lost the lease, ShipmentMoved when another moved the row.
        """
        unknown = set(fields) - FIELDS
        if unknown:
            raise ValueError(f"unknown shipment fields {sorted(unknown)}")
        fenced_update(
            self.db,
            "shipments",
            row.id,
            expected=row.state.value,
            state=state.value,
            fence=fence,
            lease_now=self.lease_clock(),
            now=now,
            values={key: _column(key, value) for key, value in fields.items()},
            moved_away=lambda: ShipmentMoved(self.get(row.id)),
            also=also,
        )
        return self.get(row.id)

    def get(self, row_id: int) -> ShipmentRow:
        return _row(self.db.query("SELECT * FROM shipments WHERE id = ?", (row_id,))[0])

    def package(self, order_id: str, package_id: str) -> ShipmentRow | None:
        rows = self.db.query(
            "SELECT * FROM shipments WHERE order_id = ? AND package_id = ?", (order_id, package_id)
        )
        return _row(rows[0]) if rows else None

    def of_order(self, order_id: str) -> list[ShipmentRow]:
        rows = self.db.query("SELECT * FROM shipments WHERE order_id = ? ORDER BY id", (order_id,))
        return [_row(row) for row in rows]

    def unfinished(self) -> list[ShipmentRow]:
        rows = self.db.query(
            "SELECT * FROM shipments WHERE state IN ('requested', 'sending', 'confirming') ORDER BY id"
        )
        return [_row(row) for row in rows]

    def not_confirmed(self) -> list[ShipmentRow]:
        """Rows Amazon does not have yet: unfinished, or failed while Amazon still has the order to
        ship (the operator's to fix; once the order shipped or was canceled they are history)."""
        rows = self.db.query(f"SELECT * FROM shipments s WHERE {UNCONFIRMED} ORDER BY s.id")
        return [_row(row) for row in rows]

    def all(self, limit: int = 500) -> list[ShipmentRow]:
        rows = self.db.query("SELECT * FROM shipments ORDER BY id DESC LIMIT ?", (limit,))
        return [_row(row) for row in rows]

    def not_confirmed_orders(self, stores: Sequence[str]) -> list[tuple[OrderSummary, ShipmentRow]]:
        """The orders of ``stores`` with a shipment Amazon has not confirmed (the latest row each)."""
        if not stores:
            return []
        marks = ",".join("?" * len(stores))
        rows = self.db.query(
            # From the unconfirmed shipments (by their state's index) to their orders: SQLite would
            # otherwise start from every unshipped order of the stores (180,000 of a million-order
            # store) and look each up in the shipments (issue 32). CROSS JOIN keeps that order.
            f"SELECT {SUMMARY_COLUMNS}, s.id AS shipment_row FROM shipments s "
            "CROSS JOIN orders o ON o.order_id = s.order_id "
            "LEFT JOIN magento_links l ON l.order_id = o.order_id "
            "WHERE s.state IN ('requested', 'sending', 'confirming', 'failed') "
            f"AND o.store IN ({marks}) AND o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED') ORDER BY s.id",
            tuple(stores),
        )
        latest = {row["order_id"]: row for row in rows}
        marks = ",".join("?" * len(latest))
        shipments = {
            row["id"]: _row(row)
            for row in self.db.query(
                f"SELECT * FROM shipments WHERE id IN ({marks})",
                tuple(row["shipment_row"] for row in latest.values()),
            )
        }
        return [(summary_from(row), shipments[row["shipment_row"]]) for row in latest.values()]


@dataclass(frozen=True)
class Candidate:
    """A linked Amazon order Amazon still has to ship, whose Magento shipments are to be read."""

    order_id: str
    store: str
    entity_id: int


def shipment_candidates(db: Database, store: str) -> list[Candidate]:
    """Orders of ``store`` that Amazon has Unshipped or Partially Shipped (merchant-fulfilled),
    linked to Magento, and changed in Magento since their shipments were last read (the link
    index clears ``shipments_read`` when it sees the Magento order change), or holding a Magento
    shipment that could not be confirmed as it stood."""
    rows = db.query(
        "SELECT o.order_id, o.store, l.entity_id FROM orders o "
        "JOIN magento_links l ON l.order_id = o.order_id "
        "WHERE o.store = ? AND o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED') "
        "AND (o.fulfilled_by IS NULL OR o.fulfilled_by != 'AMAZON') "
        "AND (l.shipments_read IS NULL OR EXISTS ("
        "SELECT 1 FROM shipments s WHERE s.order_id = o.order_id AND s.failure = 'unmatched'))",
        (store,),
    )
    return [Candidate(r["order_id"], r["store"], r["entity_id"]) for r in rows]


def mark_shipments_read(
    db: Database, candidates: Sequence[Candidate], *, now: datetime, fence: Fence, lease_now: float
) -> None:
    """Their shipments were read (a later change of the Magento order reads them again); as the
    leader only: a process that lost the lease must not mark read what the new leader's link
    index just cleared."""
    with db.transaction() as conn:
        conn.executemany(
            f"UPDATE magento_links SET shipments_read = :now WHERE order_id = :order_id AND {FENCE_HOLDS}",
            [
                {"now": format_timestamp(now), "order_id": c.order_id, **fence_params(fence, lease_now)}
                for c in candidates
            ],
        )
