"""The local side of every cancellation step: the journal row, the audit trail, the order's copy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from amazon_tui.domain.values import CancelReason
from amazon_tui.local.audit_trail import AuditEntry, AuditTrail
from amazon_tui.local.journal import CancelState, Journal, JournalEntry
from amazon_tui.local.orders import OrderRepository


@dataclass
class CancelRecords:
    """What the steps write locally, and who is recorded as the operator."""

    journal: Journal
    audit: AuditTrail
    repo: OrderRepository
    clock: Callable[[], datetime]
    operator: str

    def request(self, order_id: str, store: str, reason: CancelReason, *, owner: str | None) -> JournalEntry:
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
            owner=owner,
            also=lambda conn: self.audit.write(conn, [requested]),
        )

    def advance(self, entry: JournalEntry, state: CancelState, **fields: object) -> JournalEntry:
        return self.journal.advance(entry.id, state, now=self.clock(), **fields)

    def fail(self, entry: JournalEntry, message: str) -> JournalEntry:
        failed = self.advance(entry, CancelState.FAILED, message=message)
        self.record(failed, "failed", message)
        return failed

    def record(self, entry: JournalEntry, outcome: str, message: str | None = None) -> None:
        self.audit.record(self._audit_entry(entry, outcome, message))

    def record_all(self, entries: Sequence[JournalEntry], outcome: str) -> None:
        """One audit row per order of a batch, written (and synced) together."""
        if entries:
            self.audit.record_many([self._audit_entry(entry, outcome) for entry in entries])

    def _audit_entry(self, entry: JournalEntry, outcome: str, message: str | None = None) -> AuditEntry:
        return AuditEntry(
            time=self.clock(),
            operator=entry.operator,
            action="cancel",
            outcome=outcome,
            store=entry.store,
            order_id=entry.order_id,
            reason=entry.reason.value,
            feed_id=entry.feed_id,
            message=message,
        )
