"""Cancellation as the screens and commands ask for it: may I, do it, wait for Amazon, what happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from amazon_tui.core.cancel.engine import CancellationEngine
from amazon_tui.core.cancel.rules import ReadOnlySession, Refusal, Refused, Submission, refusal_for
from amazon_tui.core.leadership.driving import CancellationDriver
from amazon_tui.core.leadership.leader import Leader
from amazon_tui.domain.models import Order
from amazon_tui.domain.values import CancelReason
from amazon_tui.local.journal import Journal, JournalEntry


class CancelDesk:
    """The rules, checked on a fresh copy; then the engine, under this process's presence."""

    def __init__(
        self,
        journal: Journal,
        engine: CancellationEngine,
        leader: Leader,
        driver: CancellationDriver,
        refresh_order: Callable[[str], Awaitable[Order]],
        *,
        read_only: bool,
    ) -> None:
        self.journal = journal
        self.engine = engine
        self.leader = leader
        self.driver = driver
        self.refresh_order = refresh_order
        self.read_only = read_only

    def refusal(self, order: Order) -> Refusal | None:
        """Why the app will not cancel this order (None when it will)."""
        return refusal_for(order, self.journal.live(order.order_id), read_only=self.read_only)

    async def cancel(self, order_ids: Sequence[str], reason: CancelReason) -> list[Submission]:
        """Journal, verify and submit; one feed per store. Returns once Amazon has the feed.

        Raises ReadOnlySession in a read-only session (the engine refuses too).
        """
        if self.read_only:
            raise ReadOnlySession()
        by_store: dict[str, list[str]] = {}
        refused: list[Refused] = []
        for order_id in dict.fromkeys(order_ids):
            # Read again between Confirm and the journal: a getOrder when the copy is older than
            # the freshness window, so a status that changed meanwhile is refused here, unjournaled.
            order = await self.refresh_order(order_id)
            refusal = self.refusal(order)
            if refusal is None:
                by_store.setdefault(order.store, []).append(order_id)
            else:
                refused.append(Refused(order_id, refusal, order.status))
        async with self.leader.present():  # the journal rows name this process, alive while it sends
            submissions = [await self.engine.submit(store, ids, reason) for store, ids in by_store.items()]
        return submissions + ([Submission((), tuple(refused), None)] if refused else [])

    async def finish(self, submissions: Sequence[Submission]) -> list[JournalEntry]:
        """Wait for Amazon's report on submitted cancellations (run in a background worker)."""
        return await self.driver.finish(
            [entry for submission in submissions for entry in submission.submitted]
        )

    async def resume(self) -> list[JournalEntry]:
        """Finish every journal row a crash or a closed session left behind (a read-only
        session leaves them to one that may write, and returns none)."""
        if self.read_only:
            return []
        return await self.driver.resume()
