"""The local side of every cancellation step: the journal row, the audit trail, the order's copy."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from amazon_tui.core.cancel.rules import CANCELED_NOTE, SUCCESS_MESSAGE
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.local.audit_trail import AuditEntry, AuditTrail
from amazon_tui.local.journal import CancelState, Failure, Journal, JournalEntry
from amazon_tui.local.lease import Fence
from amazon_tui.local.orders import OrderRepository


@dataclass
class CancelRecords:
    """What the steps write locally, and who is recorded as the operator."""

    journal: Journal
    audit: AuditTrail
    repo: OrderRepository
    clock: Callable[[], datetime]
    operator: str

    def request(self, order_id: str, store: str, reason: CancelReason) -> JournalEntry:
        """The ``requested`` row and its audit row in one durable commit (DuplicateCancellation
        when the order has a live row already)."""
        requested = AuditEntry(
            time=self.clock(),
            operator=self.operator,
            action="cancel",
            outcome="requested",
            store=store,
            order_id=order_id,
            reason=reason.value,
        )
        return self.journal.request(
            order_id,
            store,
            reason,
            self.operator,
            now=self.clock(),
            also=lambda conn: self.audit.write(conn, [requested]),
        )

    def move(
        self,
        entry: JournalEntry,
        state: CancelState,
        fence: Fence,
        *,
        audit: tuple[str, str | None] | None = None,
        **fields: object,
    ) -> JournalEntry:
        """The fenced transition; ``audit`` = (outcome, message) is written in the same commit."""
        if audit is None:
            return self.journal.write(entry, state, fence, now=self.clock(), fields=fields)
        outcome, message = audit
        feed_id = fields.get("feed_id")
        row = self._audit_entry(
            entry, outcome, message, feed_id=feed_id if isinstance(feed_id, str) else None
        )

        def also(conn: sqlite3.Connection) -> None:  # the audit row commits with the journal row
            self.audit.write(conn, [row])

        return self.journal.write(entry, state, fence, now=self.clock(), fields=fields, also=also)

    def fail(
        self, entry: JournalEntry, fence: Fence, failure: Failure, cause: str, message: str
    ) -> JournalEntry:
        """``failed`` with its typed kind, the bare cause and the operator's message, audited."""
        return self.move(
            entry,
            CancelState.FAILED,
            fence,
            audit=("failed", message),
            message=message,
            failure=failure,
            cause=cause,
        )

    def canceled(self, entry: JournalEntry, fence: Fence, why: str) -> JournalEntry:
        """``canceled`` because Amazon's order says so (``why``: the evidence), audited; the local
        copy reads as ASC writes it."""
        canceled = self.move(
            entry, CancelState.CANCELED, fence, audit=("canceled", why), message=SUCCESS_MESSAGE
        )
        self.repo.set_status(entry.order_id, OrderStatus.CANCELLED, CANCELED_NOTE, now=self.clock())
        return canceled

    def record(self, entry: JournalEntry, outcome: str, message: str | None = None) -> None:
        self.audit.record(self._audit_entry(entry, outcome, message))

    def record_all(self, entries: Sequence[JournalEntry], outcome: str) -> None:
        """One audit row per order of a batch, written (and synced) together."""
        if entries:
            self.audit.record_many([self._audit_entry(entry, outcome) for entry in entries])

    def _audit_entry(
        self, entry: JournalEntry, outcome: str, message: str | None = None, *, feed_id: str | None = None
    ) -> AuditEntry:
        return AuditEntry(
            time=self.clock(),
            operator=entry.operator,
            action="cancel",
            outcome=outcome,
            store=entry.store,
            order_id=entry.order_id,
            reason=entry.reason.value,
            feed_id=feed_id or entry.feed_id,
            message=message,
        )
