"""Journal, verify and send: ONE feed per store for the orders canceled together.

Every transition is committed to the journal before the next request leaves, so a crash, a
killed process or a dropped SSH session resumes where it stopped and never sends a second feed
blindly (createFeed allows about one call every two minutes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from amazon_tui.core.cancel.feed_xml import CONTENT_TYPE, FEED_TYPE, CancelMessage, build_cancellation_feed
from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.core.cancel.rules import (
    FAILURE_MESSAGE,
    Failed,
    Refusal,
    Refused,
    Submission,
    may_have_landed,
    refusal_for,
    retry_allowed,
)
from amazon_tui.core.gateway import Gateway
from amazon_tui.domain.values import CancelReason
from amazon_tui.local.journal import CancelState, DuplicateCancellation, JournalEntry

CHECK_FAILED = "Could not check the order with Amazon:"
OUTCOME_UNKNOWN = "createFeed outcome unknown:"


@dataclass(frozen=True)
class Checked:
    """What the fresh getOrder said of one journal row."""

    entry: JournalEntry
    refused: Refused | None = None
    failed: Failed | None = None


@dataclass(frozen=True)
class Sent:
    """The rows of one feed after sending: ``submitted``, or ``failed`` with the ``cause``."""

    entries: list[JournalEntry]
    cause: str | None = None


class Submitter:
    """The Amazon side of a cancellation up to ``submitted``."""

    def __init__(self, records: CancelRecords, gateway: Gateway, owner: Callable[[], str | None]) -> None:
        """``owner``: this process's peer id, recorded on the rows it journals."""
        self.records = records
        self.gateway = gateway
        self.owner = owner

    async def verify(self, entry: JournalEntry) -> Checked:
        """Fresh getOrder: only UNSHIPPED, merchant-fulfilled orders go on (the row is ``verified``)."""
        records = self.records
        try:
            order = await self.gateway.orders(entry.store).get_order(entry.order_id)
        except Exception as exc:  # noqa: BLE001 - any failure refuses the order with its cause
            cause = f"{CHECK_FAILED} {exc}"
            return Checked(records.fail(entry, cause), failed=Failed(entry.order_id, cause))
        records.repo.upsert([order], now=records.clock(), detail=True)
        refusal = refusal_for(order, None, read_only=False)
        if refusal is not None:
            refused = Refused(entry.order_id, refusal, order.status, by_amazon=True)
            return Checked(records.fail(entry, refused.describe()), refused=refused)
        unshipped = tuple(item.order_item_id for item in order.items if item.quantity_unshipped > 0)
        items = unshipped or tuple(item.order_item_id for item in order.items)
        return Checked(records.advance(entry, CancelState.VERIFIED, items=items))

    async def submit(self, store: str, order_ids: Sequence[str], reason: CancelReason) -> Submission:
        """Journal, verify and send ONE feed for the orders of one store; returns at submission."""
        refused: list[Refused] = []
        failed: list[Failed] = []
        entries, unsent = self._journal(store, order_ids, reason, refused)
        verified: list[JournalEntry] = []
        for entry in entries:
            checked = await self.verify(entry)
            if checked.refused is not None:
                refused.append(checked.refused)
            elif checked.failed is not None:
                failed.append(checked.failed)
            else:
                verified.append(checked.entry)
        sent: list[JournalEntry] = []
        if unsent and await self.adopt_sent_feed(store, unsent) is not None:
            sent += [self.records.journal.get(entry.id) for entry in unsent]
        else:
            verified += unsent
        if verified:
            result = await self.send_feed(store, verified)
            if result.cause is None:
                sent += result.entries
            else:
                failed += [Failed(entry.order_id, result.cause) for entry in result.entries]
        return Submission(tuple(sent), tuple(refused), sent[0].feed_id if sent else None, tuple(failed))

    def _journal(
        self, store: str, order_ids: Sequence[str], reason: CancelReason, refused: list[Refused]
    ) -> tuple[list[JournalEntry], list[JournalEntry]]:
        """New ``requested`` rows, and the rows whose earlier createFeed outcome is unknown."""
        entries: list[JournalEntry] = []
        unsent: list[JournalEntry] = []
        for order_id in dict.fromkeys(order_ids):
            try:
                entries.append(self.records.request(order_id, store, reason, owner=self.owner()))
            except DuplicateCancellation as exc:
                live = self.records.journal.live(order_id)
                if live is not None and retry_allowed(live):
                    unsent.append(live)
                else:
                    refusal = Refusal.already_canceling(exc.state, exc.by, exc.since)
                    refused.append(Refused(order_id, refusal))
        return entries, unsent

    async def send_feed(self, store: str, entries: list[JournalEntry]) -> Sent:
        """Upload the feed document and create the feed; journal ``submitted`` with the feed id.

        A createFeed that may have reached Amazon (5xx, timeout after sending) leaves the rows
        ``sending`` and raises: they are resolved by evidence, never sent again blindly.
        """
        records = self.records
        feeds = self.gateway.feeds(store)
        body = build_cancellation_feed(
            self.gateway.seller_id(store), [CancelMessage(e.order_id, e.items, e.reason) for e in entries]
        )
        try:
            document = await feeds.create_feed_document(CONTENT_TYPE)
            document_id = document.feed_document_id
            entries = [
                records.advance(e, CancelState.VERIFIED, document_id=document_id, batch=document_id)
                for e in entries
            ]
            await feeds.upload(document.url, body, CONTENT_TYPE)
        except Exception as exc:  # noqa: BLE001 - nothing reached Amazon's feed queue; the cause is shown
            return Sent([records.fail(entry, f"{FAILURE_MESSAGE} {exc}") for entry in entries], str(exc))
        try:
            feed_id = await feeds.create_feed(FEED_TYPE, [self.gateway.marketplace_id(store)], document_id)
        except Exception as exc:
            if may_have_landed(exc):
                for entry in entries:
                    records.advance(entry, CancelState.SENDING, message=f"{OUTCOME_UNKNOWN} {exc}")
                raise
            return Sent([records.fail(entry, f"{FAILURE_MESSAGE} {exc}") for entry in entries], str(exc))
        submitted = [records.advance(e, CancelState.SUBMITTED, feed_id=feed_id) for e in entries]
        records.record_all(submitted, "submitted")
        return Sent(submitted)

    async def adopt_sent_feed(self, store: str, group: list[JournalEntry]) -> str | None:
        """A feed created for these entries before a crash let us record its id, if any.

        Only entries whose document was created can have a feed. Amazon's getFeeds lists
        POST_ORDER_ACKNOWLEDGEMENT_DATA feeds created since then; one that no journal row
        claims is ours. None means createFeed provably never happened, so sending is safe.
        """
        documents = [e for e in group if e.document_id]
        if not documents:
            return None
        since = min(e.requested_at for e in documents) - timedelta(minutes=5)
        known = self.records.journal.feed_ids()
        for feed in await self.gateway.feeds(store).list_feeds(FEED_TYPE, created_since=since):
            if feed.feed_id not in known:
                for entry in group:
                    self.records.advance(entry, CancelState.SUBMITTED, feed_id=feed.feed_id)
                return feed.feed_id
        return None
