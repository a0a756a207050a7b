"""The local side of every shipment step: the journal row and its audit row, in one commit."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from amazon_tui.local.audit_trail import AuditEntry, AuditTrail
from amazon_tui.local.lease import Fence
from amazon_tui.local.orders import OrderRepository
from amazon_tui.local.shipments import ShipFailure, ShipmentJournal, ShipmentRequest, ShipmentRow, ShipState

ACTION = "ship"


def describe(row: ShipmentRow) -> str:
    """ "UPS 1Z999 (package 4001, 2 items)": what was (or is to be) confirmed."""
    count = sum(item.quantity for item in row.items)
    what = f"{row.carrier} {row.tracking_number}" if row.tracking_number else "no tracking number"
    return f"{what} (package {row.package_id}, {count} item{'s' if count != 1 else ''})"


@dataclass
class ShipRecords:
    """What the shipment steps write locally, and who is recorded as the operator."""

    journal: ShipmentJournal
    audit: AuditTrail
    repo: OrderRepository
    clock: Callable[[], datetime]
    operator: str

    def request(self, wanted: ShipmentRequest) -> ShipmentRow:
        """The row and its audit row in one durable commit (DuplicatePackage when journaled)."""

        def also(conn: sqlite3.Connection) -> None:
            outcome = "failed" if wanted.failure else "requested"
            message = wanted.cause if wanted.failure else None
            self.audit.write(
                conn, [self._audit(wanted.store, wanted.order_id, outcome, message, wanted.operator)]
            )

        return self.journal.request(wanted, now=self.clock(), also=also)

    def move(
        self,
        row: ShipmentRow,
        state: ShipState,
        fence: Fence,
        *,
        audit: tuple[str, str | None] | None = None,
        **fields: object,
    ) -> ShipmentRow:
        """The fenced transition; ``audit`` = (outcome, message) is written in the same commit."""
        also = None
        if audit is not None:
            entry = self._audit(row.store, row.order_id, audit[0], audit[1], row.operator)

            def also(conn: sqlite3.Connection) -> None:
                self.audit.write(conn, [entry])

        return self.journal.write(row, state, fence, now=self.clock(), fields=fields, also=also)

    def fail(self, row: ShipmentRow, fence: Fence, failure: ShipFailure, cause: str) -> ShipmentRow:
        return self.move(
            row,
            ShipState.FAILED,
            fence,
            audit=("failed", f"{describe(row)}: {cause}"),
            failure=failure,
            cause=cause,
        )

    def confirmed(self, row: ShipmentRow, fence: Fence, why: str) -> ShipmentRow:
        return self.move(
            row,
            ShipState.CONFIRMED,
            fence,
            audit=("confirmed", f"{describe(row)}. {why}"),
            failure=None,
            cause=None,
        )

    def _audit(
        self, store: str, order_id: str, outcome: str, message: str | None, operator: str
    ) -> AuditEntry:
        return AuditEntry(
            time=self.clock(),
            operator=operator,
            action=ACTION,
            outcome=outcome,
            store=store,
            order_id=order_id,
            message=message,
        )
