"""The cancellation engine: carries every journal row to its end, step by step, as the leader.

requested -> verified -> sending -> submitted -> confirming -> canceled | failed, then Magento.
The steps live beside this module (``send``, ``settle``, ``magento``); the engine schedules
them: one lock per process, a backoff per step, and the leader's fence on every write and
before every request. Rows are the data dir's, not a process's: whoever requested them, the
leader drives them, so a process that died or lost its turn leaves nothing stranded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from amazon_tui.core.cancel.magento import MagentoFollowUp
from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.core.cancel.rules import FINAL_FEED_STATUSES, ReadOnlySession
from amazon_tui.core.cancel.send import Sender
from amazon_tui.core.cancel.settle import Settler
from amazon_tui.core.schedule import Schedule
from amazon_tui.local.fenced import LeaseLost
from amazon_tui.local.journal import CancelState, JournalEntry, RowMoved
from amazon_tui.local.lease import Fence


def step_of(entry: JournalEntry) -> str:
    """The next step of an unfinished row, as the key of its backoff."""
    match entry.state:
        case CancelState.REQUESTED:
            return f"verify:{entry.id}"
        case CancelState.VERIFIED:
            return f"send:{entry.store}"
        case CancelState.SENDING:
            return f"resolve:{entry.store}"
        case CancelState.SUBMITTED:
            return f"feed:{entry.feed_id}"
        case CancelState.CONFIRMING:
            return f"confirm:{entry.id}"
        case _:
            return f"magento:{entry.id}"


class CancellationEngine:
    """Drives cancellations through Amazon's feed, Amazon's order and the Magento follow-up."""

    def __init__(
        self,
        records: CancelRecords,
        sender: Sender,
        settler: Settler,
        magento: MagentoFollowUp,
        *,
        read_only: bool = False,
        pushed: Callable[[], bool] = lambda: False,
        push_grace: float = 900.0,
        poll_timeout: float = 3600.0,
        confirm_max_interval: float = 300.0,
    ) -> None:
        """``pushed``: whether SP-API notifications arrive (a feed's first getFeed then waits
        ``push_grace`` seconds for FEED_PROCESSING_FINISHED); ``poll_timeout``: how long a waiter
        waits for Amazon; ``confirm_max_interval``: the longest wait between two reads of an order
        Amazon has not canceled yet."""
        self.records = records
        self.sender = sender
        self.settler = settler
        self.magento = magento
        self.read_only = read_only
        self.pushed = pushed
        self.push_grace = push_grace
        self.poll_timeout = poll_timeout
        self.confirm_max_interval = confirm_max_interval
        self.schedule = Schedule()
        self._lock = asyncio.Lock()

    # The test and benchmark knobs of the backoff.
    @property
    def poll_interval(self) -> float:
        return self.schedule.poll_interval

    @poll_interval.setter
    def poll_interval(self, value: float) -> None:
        self.schedule.poll_interval = value

    @property
    def poll_max_interval(self) -> float:
        return self.schedule.poll_max_interval

    @poll_max_interval.setter
    def poll_max_interval(self, value: float) -> None:
        self.schedule.poll_max_interval = value

    def drivable(self, only: set[int] | None = None) -> list[JournalEntry]:
        """The unfinished rows (``only``: just these journal ids)."""
        return [e for e in self.records.journal.unfinished() if only is None or e.id in only]

    def retry_now(self) -> None:
        """Forget the backoffs: the next pass takes every step at once (the operator's `r`)."""
        self.schedule.clear()

    def work_due(self) -> bool:
        """Whether a drive pass would do something now (cheap: one journal query)."""
        return any(self.schedule.due(step_of(entry)) for entry in self.drivable())

    def next_due_in(self, only: set[int] | None = None) -> float | None:
        """Seconds until the earliest backed-off step may run (None: nothing is waiting)."""
        return self.schedule.wait_for({step_of(entry) for entry in self.drivable(only)})

    async def feed_finished(
        self, feed_id: str, status: str, result_document_id: str | None, fence: Fence
    ) -> list[JournalEntry]:
        """Amazon's FEED_PROCESSING_FINISHED: read the report it names (no getFeed) and the orders;
        [] when none of ours waits on this feed (a duplicate, another application's feed)."""
        if status not in FINAL_FEED_STATUSES:
            return []
        async with self._lock:
            group = [e for e in self.records.journal.by_feed(feed_id) if e.state is CancelState.SUBMITTED]
            if not group:
                return []
            read = await self.settler.read_report(feed_id, group, status, result_document_id, fence)
            self.schedule.done(f"feed:{feed_id}")
            return [await self.settler.confirm(entry, fence) for entry in read]

    async def drive_once(
        self, only: set[int] | None = None, *, fence: Fence, sending_only: bool = False
    ) -> list[JournalEntry]:
        """One pass over the unfinished rows whose next step is due; the rows it moved.

        Each feed is polled once per pass, then after a backoff (2 s doubling to 30 s); an order
        Amazon has not canceled yet is read again after a backoff up to ``confirm_max_interval``;
        a failed Magento step likewise. A service failure ends the pass and is raised, with the
        step backed off. A lost lease ends the pass quietly: the new leader carries on.
        ``sending_only``: verify and send, no more (a request returns once Amazon has its feed).
        """
        if self.read_only:
            raise ReadOnlySession()
        moved: list[JournalEntry] = []
        steps = [self._verify, self._send]
        if not sending_only:
            steps += [self._resolve, self._poll, self._confirm, self._magento]
        async with self._lock:
            try:
                for step in steps:
                    await step(only, fence, moved)
            except (LeaseLost, RowMoved):  # another process leads now, or moved a row: it carries on
                pass
        return moved

    async def _verify(self, only: set[int] | None, fence: Fence, moved: list[JournalEntry]) -> None:
        for entry in [e for e in self.drivable(only) if e.state is CancelState.REQUESTED]:
            done = await self._guarded(self.sender.verify(entry, fence))
            if done is not None and done.state.final:
                moved.append(done)

    async def _send(self, only: set[int] | None, fence: Fence, moved: list[JournalEntry]) -> None:
        """Verified rows: ONE feed per store."""
        verified = [e for e in self.drivable(only) if e.state is CancelState.VERIFIED]
        for store in dict.fromkeys(e.store for e in verified):
            step = f"send:{store}"
            if not self.schedule.due(step):
                continue
            try:
                sent = await self.sender.send(store, [e for e in verified if e.store == store], fence)
            except (RowMoved, LeaseLost):
                raise
            except Exception:  # the rows are sending (an unknown outcome): resolved by the next pass
                self.schedule.later(step)
                raise
            self.schedule.done(step)
            moved += [e for e in sent.entries if e.state.final]

    async def _resolve(self, only: set[int] | None, fence: Fence, moved: list[JournalEntry]) -> None:
        """Rows whose createFeed answer was lost: decided from evidence once Amazon finished."""
        sending = [e for e in self.drivable(only) if e.state is CancelState.SENDING]
        for store in dict.fromkeys(e.store for e in sending):
            step = f"resolve:{store}"
            if not self.schedule.due(step):
                continue
            self.schedule.later(step)
            finished = await self.sender.resolve(store, [e for e in sending if e.store == store], fence)
            if finished is not None:
                self.schedule.done(step)
                moved += finished

    async def _poll(self, only: set[int] | None, fence: Fence, moved: list[JournalEntry]) -> None:
        """Submitted feeds: one getFeed each, and the report once the feed is final."""
        submitted = [e for e in self.drivable(only) if e.state is CancelState.SUBMITTED and e.feed_id]
        for feed_id in dict.fromkeys(e.feed_id for e in submitted if e.feed_id):
            step = f"feed:{feed_id}"
            if not self.schedule.due(step):
                continue
            if not self.schedule.waiting(step) and self.pushed():  # FEED_PROCESSING_FINISHED will tell
                self.schedule.after(step, self.push_grace)
                continue
            self.schedule.later(step)  # polled now; the next poll after the backoff
            if (
                await self.settler.poll(feed_id, [e for e in submitted if e.feed_id == feed_id], fence)
                is not None
            ):
                self.schedule.done(step)

    async def _confirm(self, only: set[int] | None, fence: Fence, moved: list[JournalEntry]) -> None:
        """Amazon's order decides each confirming row; an open one is read again later."""
        for entry in [e for e in self.drivable(only) if e.state is CancelState.CONFIRMING]:
            step = f"confirm:{entry.id}"
            if not self.schedule.due(step):
                continue
            self.schedule.later(step, self.confirm_max_interval)
            done = await self._guarded(self.settler.confirm(entry, fence))
            if done is not None and done.state.final:
                self.schedule.done(step)
                moved.append(done)

    async def _magento(self, only: set[int] | None, fence: Fence, moved: list[JournalEntry]) -> None:
        """Canceled rows whose Magento step is not done yet."""
        for entry in [
            e for e in self.drivable(only) if e.state is CancelState.CANCELED and not e.magento_done
        ]:
            step = f"magento:{entry.id}"
            if not self.schedule.due(step):
                continue
            done = await self._guarded(self.magento.run(entry, fence))
            if done is None:
                continue
            if done.magento_done:
                self.schedule.done(step)
            else:
                self.schedule.later(step)
            moved[:] = [e for e in moved if e.id != done.id] + [done]

    @staticmethod
    async def _guarded(step: Awaitable[JournalEntry]) -> JournalEntry | None:
        """A step's row, or None when another process moved the row meanwhile (it is theirs now)."""
        try:
            return await step
        except RowMoved:
            return None
