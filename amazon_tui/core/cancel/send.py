"""The Amazon side of a cancellation up to ``submitted``: verify, send ONE feed per store, and
resolve a feed whose answer was lost from evidence, never by adoption nor by sending blindly.

Every step runs as the data dir's leader under a fence: each journal write is a compare-and-set
that checks it, and it is checked again right before each request to Amazon.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from amazon_tui.core.cancel.amazon_apis import AmazonApis
from amazon_tui.core.cancel.feed_xml import (
    CONTENT_TYPE,
    FEED_TYPE,
    CancelMessage,
    build_cancellation_feed,
    xml_legal,
)
from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.core.cancel.rules import FAILURE_MESSAGE, may_have_landed, refusal_for
from amazon_tui.domain.models import Order
from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.fenced import LeaseLost
from amazon_tui.local.journal import CancelState, Failure, JournalEntry
from amazon_tui.local.lease import Fence

CHECK_FAILED = "Could not check the order with Amazon:"
OUTCOME_UNKNOWN = "createFeed outcome unknown:"
MAX_FEEDS = 2  # a row whose first feed's answer was lost is sent once more at most
FEED_WINDOW = timedelta(minutes=5)  # clocks differ: feeds created this close to an attempt may be its


@dataclass(frozen=True)
class Sent:
    """The rows of one feed after sending: ``submitted``, or ``failed`` (nothing reached Amazon)."""

    entries: list[JournalEntry]
    cause: str | None = None


class Sender:
    """Verify, send, and resolve lost answers, for the rows of one store at a time."""

    def __init__(self, records: CancelRecords, gateway: AmazonApis, holds: Callable[[Fence], bool]) -> None:
        """``holds(fence)``: whether this process still leads in the fence's epoch (no write)."""
        self.records = records
        self.gateway = gateway
        self.holds = holds

    def check(self, fence: Fence) -> None:
        """Right before a request: stop when this process no longer leads (lost, or frozen past it)."""
        if not self.holds(fence):
            raise LeaseLost(f"this process no longer leads the data dir (epoch {fence.epoch})")

    async def read_order(self, entry: JournalEntry) -> Order:
        """A fresh getOrder, stored as the local copy."""
        order = await self.gateway.orders(entry.store).get_order(entry.order_id)
        self.records.repo.upsert([order], now=self.records.clock(), detail=True)
        return order

    async def verify(self, entry: JournalEntry, fence: Fence) -> JournalEntry:
        """Fresh getOrder: only Unshipped, merchant-fulfilled orders go on (``verified``)."""
        self.check(fence)
        try:
            order = await self.read_order(entry)
        except Exception as exc:  # noqa: BLE001 - any failure refuses the order with its cause: nothing was sent
            cause = f"{CHECK_FAILED} {exc}"
            return self.records.fail(entry, fence, Failure.NOT_CHECKED, cause, cause)
        refusal = refusal_for(order, None, read_only=False)
        if refusal is not None:
            failure = Failure(refusal.code.value)
            message = f"Amazon says the order is {order.status.label}: {refusal.reason}"
            return self.records.fail(entry, fence, failure, refusal.reason, message)
        unshipped = tuple(item.order_item_id for item in order.items if item.quantity_unshipped > 0)
        items = unshipped or tuple(item.order_item_id for item in order.items)
        if not all(xml_legal(text) for text in (entry.order_id, *items)):  # it would spoil its whole feed
            cause = "Amazon's order has an id no feed can carry (a character XML does not allow)"
            return self.records.fail(entry, fence, Failure.NOT_SENT, cause, f"{FAILURE_MESSAGE} {cause}.")
        return self.records.move(entry, CancelState.VERIFIED, fence, items=items)

    async def send(self, store: str, entries: list[JournalEntry], fence: Fence) -> Sent:
        """Upload ONE feed for ``entries`` and create it; ``submitted`` with the feed id.

        The rows are ``sending`` (with their MessageIDs) in the journal before createFeed leaves.
        A createFeed that may have reached Amazon (a 5xx, a timeout after sending) leaves them so
        and raises its error: ``resolve`` decides from evidence what happened.
        """
        records = self.records
        feeds = self.gateway.feeds(store)
        messages = [CancelMessage(e.order_id, e.items, e.reason) for e in entries]
        body = build_cancellation_feed(self.gateway.seller_id(store), messages)
        try:
            self.check(fence)
            document = await feeds.create_feed_document(CONTENT_TYPE)
            self.check(fence)
            await feeds.upload(document.url, body, CONTENT_TYPE)
        except LeaseLost:
            raise
        except Exception as exc:  # noqa: BLE001 - nothing reached Amazon's feed queue; the cause is shown
            failed = [
                records.fail(e, fence, Failure.NOT_SENT, str(exc), f"{FAILURE_MESSAGE} {exc}")
                for e in entries
            ]
            return Sent(failed, str(exc))
        document_id = document.feed_document_id
        sending = [
            records.move(
                entry,
                CancelState.SENDING,
                fence,
                document_id=document_id,
                batch=document_id,
                message_id=number,
                attempted_at=records.clock(),
                attempts=entry.attempts + 1,
            )
            for number, entry in enumerate(entries, start=1)
        ]
        self.check(fence)
        try:
            feed_id = await feeds.create_feed(FEED_TYPE, [self.gateway.marketplace_id(store)], document_id)
        except Exception as exc:
            if may_have_landed(exc):
                for entry in sending:
                    records.move(entry, CancelState.SENDING, fence, message=f"{OUTCOME_UNKNOWN} {exc}")
                raise
            failed = [
                records.fail(e, fence, Failure.NOT_SENT, str(exc), f"{FAILURE_MESSAGE} {exc}")
                for e in sending
            ]
            return Sent(failed, str(exc))
        submitted = [
            records.move(entry, CancelState.SUBMITTED, fence, feed_id=feed_id, message=None)
            for entry in sending
        ]
        records.record_all(submitted, "submitted")
        return Sent(submitted)

    async def resolve(
        self, store: str, entries: list[JournalEntry], fence: Fence
    ) -> list[JournalEntry] | None:
        """Rows whose createFeed answer was lost: decided from evidence, never by adopting a feed.

        Wait (None) while any acknowledgement feed created around the attempt is unfinished at
        Amazon (ours may be one of them); then read each order: canceled on Amazon ->
        ``canceled``; still open -> back to ``verified`` to be sent once more (the audit says
        why), or ``failed`` after a second lost answer; shipped meanwhile -> ``failed``.
        Returns the rows it moved to a final state.
        """
        attempted = [e.attempted_at for e in entries if e.attempted_at is not None]
        if attempted:
            since, until = min(attempted) - FEED_WINDOW, max(attempted) + FEED_WINDOW
            self.check(fence)
            feeds = await self.gateway.feeds(store).list_feeds(FEED_TYPE, created_since=since)
            if any(feed.created_time <= until and not feed.processing_status.is_final for feed in feeds):
                return None
        finished = []
        for entry in entries:
            self.check(fence)
            moved = await self._resolve_one(entry, await self.read_order(entry), fence)
            if moved.state.final:
                finished.append(moved)
        return finished

    async def _resolve_one(self, entry: JournalEntry, order: Order, fence: Fence) -> JournalEntry:
        records = self.records
        if order.status is OrderStatus.CANCELLED:
            return records.canceled(
                entry, fence, "Confirmed from Amazon's order (the answer to our feed was lost)."
            )
        refusal = refusal_for(order, None, read_only=False)
        if refusal is not None:
            message = f"Amazon says the order is {order.status.label}: {refusal.reason}"
            return records.fail(entry, fence, Failure(refusal.code.value), refusal.reason, message)
        if entry.attempts >= MAX_FEEDS:
            cause = f"Amazon's answers to {entry.attempts} feeds were lost and the order is still open"
            return records.fail(entry, fence, Failure.NOT_CANCELED, cause, f"{FAILURE_MESSAGE} {cause}.")
        why = (
            "Sending once more: every acknowledgement feed created around the lost answer is "
            f"finished at Amazon and the order is still {order.status.label}."
        )
        return records.move(entry, CancelState.VERIFIED, fence, audit=("resend", why), message=None)
