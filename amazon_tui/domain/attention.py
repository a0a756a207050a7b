"""The attention queue: which orders need action now, why, how late, and in which order.

Order of the queue (most urgent first):
0. Magento refunds failing — Amazon canceled the order, Magento has not refunded it yet (the
   step is retried; the operator sees why);
1. buyer cancellation requests — act before anyone packs the order; the longest-overdue first;
1½. shipped in Magento, not confirmed on Amazon — a shipment Amazon has not taken (yet, or it
   refused it); the operator sees why and since when, before it turns into a late shipment;
2. late shipments — past the latest ship date, the most overdue first;
3. due soon — within ``ui.due_soon_hours``, the least time left first.
An order that is late AND carries a buyer's request is listed once, as the buyer's request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from amazon_tui.domain.models import OrderSummary

REFUND, BUYER_CANCEL, LATE, DUE = "refund", "buyer-cancel", "late", "due"
NOT_CONFIRMED = "not-confirmed"
LABELS = {
    REFUND: "Magento refund failing",
    BUYER_CANCEL: "Buyer asked to cancel",
    NOT_CONFIRMED: "Shipped in Magento, not confirmed on Amazon",
    LATE: "Late shipment",
    DUE: "Due soon",
}
SHORT_LABELS = {
    REFUND: "Refund failing",
    BUYER_CANCEL: "Buyer cancel",
    NOT_CONFIRMED: "Not confirmed",
    LATE: "Late",
    DUE: "Due soon",
}
_RANK = {REFUND: -1, BUYER_CANCEL: 0, NOT_CONFIRMED: 0.5, LATE: 1, DUE: 2}
_FAR = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AttentionItem:
    """An order that needs action now, and why."""

    order: OrderSummary
    kind: str  # REFUND, BUYER_CANCEL, NOT_CONFIRMED, LATE or DUE
    due: datetime | None
    buyer_reason: str | None = None
    problem: str | None = None  # REFUND: why Magento refused; NOT_CONFIRMED: why Amazon lacks it
    state: str | None = None  # NOT_CONFIRMED: "failed", or "pending" while the leader confirms it
    since: datetime | None = None  # NOT_CONFIRMED: when the shipment's row last changed

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def short_label(self) -> str:
        return SHORT_LABELS[self.kind]

    def time_left(self, now: datetime) -> str:
        if self.kind == REFUND:
            return "retrying"
        if self.kind == NOT_CONFIRMED:
            return self.state or "pending"
        return time_left(self.due, now)


def classify(order: OrderSummary, buyer_reason: str | None, now: datetime) -> AttentionItem:
    """Why a listed order is listed: ``buyer_reason`` is None unless the buyer asked to cancel."""
    if buyer_reason is not None:
        return AttentionItem(order, BUYER_CANCEL, order.ship_by, buyer_reason)
    kind = LATE if order.ship_by is not None and order.ship_by < now else DUE
    return AttentionItem(order, kind, order.ship_by)


def refund_failing(order: OrderSummary, problem: str) -> AttentionItem:
    """An order Amazon canceled whose Magento step keeps failing."""
    return AttentionItem(order, REFUND, None, problem=problem)


def not_confirmed(order: OrderSummary, failed: bool, problem: str | None, since: datetime) -> AttentionItem:
    """An order with a shipment Amazon has not confirmed: ``failed`` (the operator's to fix, with
    Amazon's words) or still pending (since ``since``)."""
    why = problem or ("Amazon refused the confirmation." if failed else "Being confirmed to Amazon.")
    return AttentionItem(
        order, NOT_CONFIRMED, order.ship_by, problem=why, state="failed" if failed else "pending", since=since
    )


def most_urgent_first(items: list[AttentionItem]) -> list[AttentionItem]:
    """The queue's order (see the module docstring); ties by order number, so it is stable."""
    return sorted(items, key=lambda item: (_RANK[item.kind], item.due or _FAR, item.order.order_id))


def time_left(due: datetime | None, now: datetime) -> str:
    """ "overdue 5 h", "due in 3 h", "due in <1 h", "overdue 2 d" (whole units, rounded down)."""
    if due is None:
        return "no ship date"
    seconds = (due - now).total_seconds()
    hours = int(abs(seconds) // 3600)
    amount = "<1 h" if hours == 0 else f"{hours} h" if hours < 48 else f"{hours // 24} d"
    return f"overdue {amount}" if seconds < 0 else f"due in {amount}"
