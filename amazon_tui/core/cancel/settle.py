"""A finished feed's processing report, read and applied to the rows it carried."""

from __future__ import annotations

from amazon_tui.core.cancel.feed_xml import ReportError, parse_processing_report
from amazon_tui.core.cancel.magento import MagentoFollowUp
from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.core.cancel.rules import CANCELED_NOTE, FAILURE_MESSAGE, FINAL_FEED_STATUSES, SUCCESS_MESSAGE
from amazon_tui.core.gateway import Gateway
from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.journal import CancelState, JournalEntry


class Settler:
    """From a final feed to ``canceled`` or ``failed`` rows, then the Magento step."""

    def __init__(self, records: CancelRecords, gateway: Gateway, magento: MagentoFollowUp) -> None:
        self.records = records
        self.gateway = gateway
        self.magento = magento

    async def poll(self, feed_id: str, group: list[JournalEntry]) -> list[JournalEntry]:
        """One getFeed; once the feed is final, its report settles each row ([] until then)."""
        feed = await self.gateway.feeds(group[0].store).get_feed(feed_id)
        if feed.processing_status not in FINAL_FEED_STATUSES:
            return []
        return await self.settle(feed_id, group, feed.processing_status, feed.result_feed_document_id)

    async def settle(
        self, feed_id: str, group: list[JournalEntry], status: str, result_document_id: str | None
    ) -> list[JournalEntry]:
        """A final feed: each row canceled or failed as its processing report says."""
        records = self.records
        if status != "DONE" or not result_document_id:
            ended = f"{FAILURE_MESSAGE} Amazon ended the feed {feed_id} as {status}."
            return [records.fail(entry, ended) for entry in group]
        feeds = self.gateway.feeds(group[0].store)
        document = await feeds.get_feed_document(result_document_id)
        try:
            report = parse_processing_report(await feeds.download(document))
        except ReportError as exc:
            return [records.fail(entry, f"{FAILURE_MESSAGE} {exc}") for entry in group]
        finished = []
        members = self._members(feed_id)
        for entry in sorted(group, key=lambda e: e.id):
            message_id = str(members.index(entry.order_id) + 1) if entry.order_id in members else ""
            errors = report.errors_for(entry.order_id, message_id)
            if errors:
                words = " ".join(error.description for error in errors)
                finished.append(records.fail(entry, f"{FAILURE_MESSAGE} Amazon: {words}"))
                continue
            canceled = records.advance(entry, CancelState.CANCELED, message=SUCCESS_MESSAGE)
            records.repo.set_status(entry.order_id, OrderStatus.CANCELLED, CANCELED_NOTE, now=records.clock())
            records.record(
                canceled, "canceled", f"Confirmed by Amazon's processing report of feed {feed_id}."
            )
            finished.append(await self.magento.run(canceled))
        return finished

    def _members(self, feed_id: str) -> list[str]:
        """Order ids in the order they were written to the feed (MessageID = position + 1)."""
        return [entry.order_id for entry in sorted(self.records.journal.by_feed(feed_id), key=lambda e: e.id)]
