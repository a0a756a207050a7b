"""The cancellation engine: submit, and carry every journal row to its end, step by step.

requested -> verified -> (sending) -> submitted -> canceled | failed, then the Magento step.
The steps live beside this module (``submit``, ``settle``, ``magento``); the engine schedules
them: one lock per process, a backoff per step, and a check before each step that this process
still leads the data dir.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from amazon_tui.core.cancel.magento import MagentoFollowUp
from amazon_tui.core.cancel.records import CancelRecords
from amazon_tui.core.cancel.rules import FINAL_FEED_STATUSES, ReadOnlySession, Submission
from amazon_tui.core.cancel.settle import Settler
from amazon_tui.core.cancel.submit import Submitter
from amazon_tui.domain.values import CancelReason
from amazon_tui.local.journal import CancelState, JournalEntry


class Schedule:
    """When each step may run again: a backoff per step, doubling up to a ceiling."""

    def __init__(self, poll_interval: float = 2.0, poll_max_interval: float = 30.0) -> None:
        self.poll_interval = poll_interval
        self.poll_max_interval = poll_max_interval
        self._not_before: dict[str, tuple[float, float]] = {}  # step -> (monotonic time, interval)

    def due(self, step: str) -> bool:
        not_before = self._not_before.get(step)
        return not_before is None or time.monotonic() >= not_before[0]

    def waiting(self, step: str) -> bool:
        return step in self._not_before

    def later(self, step: str) -> None:
        """Try ``step`` again after a backoff: poll_interval, doubling up to poll_max_interval."""
        _, interval = self._not_before.get(step, (0.0, self.poll_interval / 2))
        interval = min(interval * 2, self.poll_max_interval)
        self._not_before[step] = (time.monotonic() + interval, interval)

    def after(self, step: str, seconds: float) -> None:
        """Hold ``step`` for ``seconds``, then back off from the poll interval as usual."""
        self._not_before[step] = (time.monotonic() + seconds, self.poll_interval / 2)

    def done(self, step: str) -> None:
        self._not_before.pop(step, None)

    def clear(self) -> None:
        self._not_before.clear()

    def wait_for(self, steps: set[str]) -> float | None:
        """Seconds until the earliest of ``steps`` may run (None: no step)."""
        now = time.monotonic()
        waits = [max(0.0, self._not_before[s][0] - now) if s in self._not_before else 0.0 for s in steps]
        return min(waits) if waits else None


def step_of(entry: JournalEntry) -> str:
    """The next step of an unfinished row, as the key of its backoff."""
    if entry.state is CancelState.SUBMITTED:
        return f"feed:{entry.feed_id}"
    if entry.state is CancelState.CANCELED:
        return f"magento:{entry.id}"
    return f"send:{entry.store}"


class CancellationEngine:
    """Drives cancellations through Amazon's feed and the Magento follow-up."""

    def __init__(
        self,
        records: CancelRecords,
        submitter: Submitter,
        settler: Settler,
        *,
        read_only: bool = False,
        owner_alive: Callable[[str | None], bool] = lambda _owner: False,
        pushed: Callable[[], bool] = lambda: False,
        push_grace: float = 900.0,
        poll_timeout: float = 3600.0,
    ) -> None:
        """``owner_alive``: whether the process named on a row still runs; ``pushed``: whether SP-API
        notifications arrive (a feed's first getFeed then waits ``push_grace`` seconds for
        FEED_PROCESSING_FINISHED); ``poll_timeout``: how long a waiter waits for Amazon's report."""
        self.records = records
        self.submitter = submitter
        self.settler = settler
        self.read_only = read_only
        self.owner_alive = owner_alive
        self.pushed = pushed
        self.push_grace = push_grace
        self.poll_timeout = poll_timeout
        self.schedule = Schedule()
        self._lock = asyncio.Lock()

    @property
    def magento(self) -> MagentoFollowUp:
        return self.settler.magento

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

    async def submit(self, store: str, order_ids: Sequence[str], reason: CancelReason) -> Submission:
        """Journal, verify and send ONE feed for the orders of one store; returns at submission.

        Raises ReadOnlySession in a read-only session, before anything is journaled or sent.
        """
        if self.read_only:
            raise ReadOnlySession()
        async with self._lock:
            return await self.submitter.submit(store, order_ids, reason)

    async def feed_finished(
        self, feed_id: str, status: str, result_document_id: str | None
    ) -> list[JournalEntry]:
        """Amazon's FEED_PROCESSING_FINISHED: settle the feed's cancellations from the report it
        names, without a getFeed; [] when none of ours waits on this feed (a duplicate, another app's)."""
        if status not in FINAL_FEED_STATUSES:
            return []
        async with self._lock:
            journal = self.records.journal
            group = [entry for entry in journal.by_feed(feed_id) if entry.state is CancelState.SUBMITTED]
            if not group:
                return []
            finished = await self.settler.settle(feed_id, group, status, result_document_id)
            self.schedule.done(f"feed:{feed_id}")
            return finished

    def drivable(self, only: set[int] | None = None) -> list[JournalEntry]:
        """Unfinished rows this process may carry on (as the data dir's leader).

        Submitted and canceled rows wait only for Amazon and Magento: the leader finishes them
        whoever submitted them. A requested, verified or sending row is in the hands of the
        process that submits it; another process resumes it only once that one is gone (killed,
        crashed, closed). In one process, ``submit`` and the drive passes take turns (one lock).
        ``only``: just these journal ids.
        """
        me = self.submitter.owner()
        return [
            entry
            for entry in self.records.journal.unfinished()
            if (only is None or entry.id in only)
            and (
                entry.state in (CancelState.SUBMITTED, CancelState.CANCELED)
                or (me is not None and entry.owner == me)
                or not self.owner_alive(entry.owner)
            )
        ]

    def retry_now(self) -> None:
        """Forget the backoffs: the next pass takes every step at once (the operator's `r`)."""
        self.schedule.clear()

    def work_due(self) -> bool:
        """Whether a drive pass would do something now (cheap: one journal query)."""
        return any(self.schedule.due(step_of(entry)) for entry in self.drivable())

    def next_due_in(self, only: set[int] | None = None) -> float | None:
        """Seconds until the earliest backed-off step may run (None: nothing is waiting)."""
        return self.schedule.wait_for({step_of(entry) for entry in self.drivable(only)})

    async def drive_once(
        self, only: set[int] | None = None, *, still_leading: Callable[[], bool] = lambda: True
    ) -> list[JournalEntry]:
        """One pass over the drivable rows whose next step is due; returns the rows it moved.

        Each feed is polled once per pass, then again after a backoff (2 s doubling to 30 s);
        a failed Magento step is retried the same way. A service failure ends the pass and is
        raised, with the step backed off: the next pass tries again. ``still_leading`` is asked
        before each step that writes to Amazon or Magento: a process that lost the lease stops.
        """
        if self.read_only:
            raise ReadOnlySession()
        async with self._lock:
            moved: list[JournalEntry] = []
            for entry in [e for e in self.drivable(only) if e.state is CancelState.REQUESTED]:
                if not still_leading():
                    return moved
                await self.submitter.verify(entry)
            if not await self._send_due(only, still_leading, moved):
                return moved
            if not await self._poll_due(only, still_leading, moved):
                return moved
            await self._magento_due(only, still_leading, moved)
            return moved

    async def _send_due(
        self, only: set[int] | None, still_leading: Callable[[], bool], moved: list[JournalEntry]
    ) -> bool:
        """Verified rows (and rows whose createFeed answer was lost): adopt Amazon's feed, or send one."""
        waiting = [e for e in self.drivable(only) if e.state in (CancelState.VERIFIED, CancelState.SENDING)]
        for store in dict.fromkeys(e.store for e in waiting):
            step = f"send:{store}"
            if not self.schedule.due(step):
                continue
            if not still_leading():
                return False
            group = [e for e in waiting if e.store == store]
            try:
                if await self.submitter.adopt_sent_feed(store, group) is None:
                    sent = await self.submitter.send_feed(store, group)
                    moved += [e for e in sent.entries if e.state is CancelState.FAILED]
            except Exception:
                self.schedule.later(step)
                raise
            self.schedule.done(step)
        return True

    async def _poll_due(
        self, only: set[int] | None, still_leading: Callable[[], bool], moved: list[JournalEntry]
    ) -> bool:
        """Submitted feeds: one getFeed each, and the report once the feed is final."""
        submitted = [e for e in self.drivable(only) if e.state is CancelState.SUBMITTED and e.feed_id]
        for feed_id in dict.fromkeys(e.feed_id for e in submitted if e.feed_id):
            step = f"feed:{feed_id}"
            if not self.schedule.due(step):
                continue
            if not still_leading():
                return False
            if not self.schedule.waiting(step) and self.pushed():  # FEED_PROCESSING_FINISHED will tell
                self.schedule.after(step, self.push_grace)
                continue
            self.schedule.later(step)  # polled now; the next poll after the backoff
            finished = await self.settler.poll(feed_id, [e for e in submitted if e.feed_id == feed_id])
            if finished:
                self.schedule.done(step)
            moved += finished
        return True

    async def _magento_due(
        self, only: set[int] | None, still_leading: Callable[[], bool], moved: list[JournalEntry]
    ) -> None:
        """Canceled rows whose Magento step has not been accepted yet."""
        for entry in [
            e for e in self.drivable(only) if e.state is CancelState.CANCELED and not e.magento_done
        ]:
            step = f"magento:{entry.id}"
            if any(e.id == entry.id for e in moved) or not self.schedule.due(step):
                continue
            if not still_leading():
                return
            done = await self.magento.run(entry)
            if done.magento_done:
                self.schedule.done(step)
            else:
                self.schedule.later(step)
            moved.append(done)
