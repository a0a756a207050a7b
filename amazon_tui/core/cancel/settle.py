"""From a finished feed to the truth: the report is evidence per message, Amazon's order decides.

1. A final feed's processing report is read; each of our rows records what it says of its
   MessageID (``confirming``, with the evidence): success, an error in Amazon's words, the whole
   feed rejected, or no word at all (an empty report, one that does not account for us).
2. Then the order itself is read (a getOrder, or a local copy an ORDER_CHANGE brought after the
   feed): canceled on Amazon -> ``canceled``; still open and refused by Amazon (an error for our
   message, the feed rejected or ended) -> ``failed`` with Amazon's words; still open with no
   word, or a success Amazon's order does not show yet -> still ``confirming`` ("awaiting
   Amazon"), read again later. Never ``canceled`` on the report alone. A row Amazon keeps open
   past ``give_up`` (longer after a success than after no word) fails, so it can be sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from amazon_tui.core.cancel.amazon_apis import AmazonApis
from amazon_tui.core.cancel.feed_xml import Evidence, ReportError, parse_processing_report
from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.core.cancel.rules import FAILURE_MESSAGE, refusal_for
from amazon_tui.domain.models import Order
from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.fenced import LeaseLost
from amazon_tui.local.journal import CancelState, Failure, JournalEntry
from amazon_tui.local.lease import Fence

REFUSED = {
    Evidence.ERROR.value: Failure.REFUSED_BY_AMAZON,
    Evidence.REJECTED.value: Failure.REFUSED_BY_AMAZON,
    Evidence.ENDED.value: Failure.FEED_ENDED,
}


GIVE_UP = {Evidence.NO_WORD.value: timedelta(hours=2), Evidence.SUCCESS.value: timedelta(hours=24)}


class Settler:
    """Reads reports and orders for submitted and confirming rows."""

    def __init__(
        self,
        records: CancelRecords,
        gateway: AmazonApis,
        holds: Callable[[Fence], bool],
        give_up: dict[str, timedelta] | None = None,
    ) -> None:
        """``give_up``: how long after the feed an order Amazon keeps open stays awaited, by evidence."""
        self.records = records
        self.gateway = gateway
        self.holds = holds
        self.give_up = give_up or GIVE_UP

    def _check(self, fence: Fence) -> None:
        if not self.holds(fence):
            raise LeaseLost(f"this process no longer leads the data dir (epoch {fence.epoch})")

    async def poll(self, feed_id: str, group: list[JournalEntry], fence: Fence) -> list[JournalEntry] | None:
        """One getFeed; once the feed is final, its report (None until then)."""
        self._check(fence)
        feed = await self.gateway.feeds(group[0].store).get_feed(feed_id)
        if not feed.processing_status.is_final:
            return None
        return await self.read_report(
            feed_id, group, feed.processing_status.value, feed.result_feed_document_id, fence
        )

    async def read_report(
        self, feed_id: str, group: list[JournalEntry], status: str, document_id: str | None, fence: Fence
    ) -> list[JournalEntry]:
        """A final feed: every row ``confirming``, with what the report says of its message."""
        if status != "DONE" or not document_id:
            evidence, words = Evidence.ENDED, f"Amazon ended the feed {feed_id} as {status}."
            return [self._evidence(entry, evidence, words, fence) for entry in group]
        self._check(fence)
        feeds = self.gateway.feeds(group[0].store)
        document = await feeds.get_feed_document(document_id)
        try:
            report = parse_processing_report(await feeds.download(document))
        except ReportError as exc:  # unreadable: no word on any message; the orders decide
            return [self._evidence(entry, Evidence.NO_WORD, str(exc), fence) for entry in group]
        members = len(self.records.journal.by_feed(feed_id))
        moved = []
        for entry in group:
            if entry.message_id is None:  # no MessageID of ours in this feed: the report cannot speak of it
                evidence, words = Evidence.NO_WORD, "no MessageID of this order in the feed"
            else:
                evidence, words = report.evidence(entry.message_id, entry.order_id, members)
            moved.append(self._evidence(entry, evidence, words, fence))
        return moved

    def _evidence(self, entry: JournalEntry, evidence: Evidence, words: str, fence: Fence) -> JournalEntry:
        """``confirming`` with the report's evidence (the audit row comes with the decision)."""
        return self.records.move(
            entry, CancelState.CONFIRMING, fence, report=evidence.value, cause=words or None
        )

    async def confirm(self, entry: JournalEntry, fence: Fence) -> JournalEntry:
        """Amazon's order decides a ``confirming`` row (it stays so while Amazon has not decided)."""
        order = self._fresh_local(entry)
        if order is None:
            self._check(fence)
            order = await self.gateway.orders(entry.store).get_order(entry.order_id)
            self.records.repo.upsert([order], now=self.records.clock(), detail=True)
        return self.decide(entry, order, fence)

    def _fresh_local(self, entry: JournalEntry) -> Order | None:
        """The local copy when an ORDER_CHANGE (or a sync) brought it after our feed, and it says canceled."""
        local = self.records.repo.get(entry.order_id)
        after = entry.attempted_at
        if local is None or after is None or local.last_updated <= after:
            return None
        return local if local.status is OrderStatus.CANCELLED else None

    def decide(self, entry: JournalEntry, order: Order, fence: Fence) -> JournalEntry:
        """Canceled on Amazon -> ``canceled``; refused and still open -> ``failed``; else as it is."""
        records = self.records
        if order.status is OrderStatus.CANCELLED:
            said = f"its report said {entry.report}" if entry.report else "no report was read"
            return records.canceled(
                entry, fence, f"Confirmed from Amazon's order (feed {entry.feed_id}; {said})."
            )
        if entry.report in REFUSED:
            words = entry.cause or "the feed was refused"
            return records.fail(
                entry, fence, REFUSED[entry.report], words, f"{FAILURE_MESSAGE} Amazon: {words}"
            )
        refusal = refusal_for(order, None, read_only=False)
        if refusal is not None:  # shipped (or otherwise closed) while Amazon had our feed
            message = f"{FAILURE_MESSAGE} Amazon says the order is {order.status.label}: {refusal.reason}"
            return records.fail(entry, fence, Failure(refusal.code.value), refusal.reason, message)
        waited = records.clock() - (entry.attempted_at or entry.updated_at)
        if waited >= self.give_up.get(entry.report or "", timedelta(hours=24)):
            said = (
                "accounted for nothing of our feed"
                if entry.report == Evidence.NO_WORD.value
                else "said success"
            )
            hours = waited.total_seconds() / 3600
            cause = f"Amazon's report {said}, and the order is still {order.status.label} after {hours:.1f} h"
            return records.fail(entry, fence, Failure.NOT_CANCELED, cause, f"{FAILURE_MESSAGE} {cause}.")
        return entry
