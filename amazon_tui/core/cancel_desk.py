"""Cancellation as the screens and commands ask for it: may I, do it, wait for Amazon, what happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.core.cancel.rules import (
    Failed,
    ReadOnlySession,
    Refusal,
    RefusalCode,
    Refused,
    Submission,
    refusal_for,
)
from amazon_tui.core.leadership.driving import CancellationDriver
from amazon_tui.domain.models import Order
from amazon_tui.domain.values import CancelReason
from amazon_tui.local.journal import CancelState, DuplicateCancellation, Failure, JournalEntry

WAITING_FOR_THE_LEADER = (CancelState.REQUESTED, CancelState.VERIFIED)
REFUSALS = {
    Failure.NOT_CANCELABLE: RefusalCode.NOT_CANCELABLE,
    Failure.AMAZON_FULFILLED: RefusalCode.AMAZON_FULFILLED,
}


class CancelDesk:
    """The rules, checked on a fresh copy; the journal; then the leader sends (this process, or
    the one that leads the data dir while this one waits)."""

    def __init__(
        self,
        records: CancelRecords,
        driver: CancellationDriver,
        refresh_order: Callable[[str], Awaitable[Order]],
        *,
        read_only: bool,
    ) -> None:
        self.records = records
        self.driver = driver
        self.refresh_order = refresh_order
        self.read_only = read_only

    def refusal(self, order: Order) -> Refusal | None:
        """Why the app will not offer to cancel this order (None when it will)."""
        return refusal_for(order, self.records.journal.live(order.order_id), read_only=self.read_only)

    async def cancel(self, order_ids: Sequence[str], reason: CancelReason) -> list[Submission]:
        """Journal, verify and send (one feed per store); returns once Amazon has the feed.

        An order whose earlier cancellation is unfinished (a crash, a closed session, a killed
        command) is picked up, not refused: its row is carried on as it stands. Raises
        ReadOnlySession in a read-only session.
        """
        if self.read_only:
            raise ReadOnlySession()
        rows: list[JournalEntry] = []
        refused: list[Refused] = []
        for order_id in dict.fromkeys(order_ids):
            # Read again between Confirm and the journal: a getOrder when the copy is older than
            # the freshness window, so a status that changed meanwhile is refused here, unjournaled.
            order = await self.refresh_order(order_id)
            live = self.records.journal.live(order_id)
            refusal = refusal_for(order, live, read_only=False)
            if live is not None and not live.state.final:
                rows.append(live)  # picked up where it stands
            elif refusal is not None:
                refused.append(Refused(order_id, refusal, order.status))
            else:
                requested = self._request(order, reason)
                if isinstance(requested, Refused):
                    refused.append(requested)
                else:
                    rows.append(requested)
        entries = await self.driver.send(rows) if rows else []
        return [self._submission(entries, refused)]

    def _request(self, order: Order, reason: CancelReason) -> JournalEntry | Refused:
        """The new ``requested`` row; the live row another process journaled a moment ago; or,
        when that one is final already, the refusal."""
        try:
            return self.records.request(order.order_id, order.store, reason)
        except DuplicateCancellation as exc:
            live = self.records.journal.live(order.order_id)
            if live is not None and not live.state.final:
                return live
            return Refused(
                order.order_id, Refusal.already_canceling(exc.state, exc.by, exc.since), order.status
            )

    def _submission(self, entries: list[JournalEntry], refused: list[Refused]) -> Submission:
        submitted, queued, failed = [], [], []
        for entry in entries:
            if entry.state in WAITING_FOR_THE_LEADER:
                queued.append(entry)
            elif entry.state is not CancelState.FAILED:
                submitted.append(entry)
            elif entry.failure in REFUSALS:
                local = self.records.repo.get(entry.order_id)
                refusal = Refusal(REFUSALS[entry.failure], entry.cause or "")
                refused.append(
                    Refused(entry.order_id, refusal, local.status if local else None, by_amazon=True)
                )
            else:
                failed.append(Failed(entry.order_id, entry.cause or entry.message or ""))
        feed_id = next((entry.feed_id for entry in submitted if entry.feed_id), None)
        return Submission(tuple(submitted), tuple(refused), feed_id, tuple(failed), tuple(queued))

    async def finish(self, submissions: Sequence[Submission]) -> list[JournalEntry]:
        """Wait for Amazon's answer on submitted cancellations (run in a background worker)."""
        return await self.driver.finish(
            [e for submission in submissions for e in (*submission.submitted, *submission.queued)]
        )

    async def resume(self) -> list[JournalEntry]:
        """Finish every journal row a crash or a closed session left behind (a read-only
        session leaves them to one that may write, and returns none)."""
        if self.read_only:
            return []
        return await self.driver.resume()
