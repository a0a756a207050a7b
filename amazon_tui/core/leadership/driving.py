"""Unfinished cancellations, carried to their end by the data dir's leader, whoever requested them.

Every row is the data dir's: the process that holds the lease drives it under its fence (its
lease epoch); any other process waits for it. A process that is killed, frozen or closed
leaves its rows to the next leader, and a re-run command picks them up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from amazon_tui.core.cancel.rules import ReadOnlySession
from amazon_tui.core.leadership.leader import TICK, Leader

if TYPE_CHECKING:
    from amazon_tui.local.journal import JournalEntry
    from amazon_tui.local.lease import Fence

SEND_TIMEOUT = 120.0  # seconds a request waits for its feed to be sent (createFeed's usage plan may hold it)


class CancellationWork(Protocol):
    """The cancellation engine's scheduling, as the leader drives it."""

    poll_timeout: float

    def work_due(self) -> bool: ...

    def next_due_in(self, only: set[int] | None = None) -> float | None: ...

    async def drive_once(
        self, only: set[int] | None = None, *, fence: Fence, sending_only: bool = False
    ) -> list[JournalEntry]: ...


class JournalReader(Protocol):
    def get(self, entry_id: int) -> JournalEntry: ...

    def unfinished(self) -> list[JournalEntry]: ...


class CancellationDriver:
    """Drives journal rows through Amazon and Magento as the leader, or waits while another does."""

    def __init__(
        self,
        leader: Leader,
        work: Callable[[], CancellationWork],
        journal: Callable[[], JournalReader],
        *,
        read_only: bool,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """``work`` and ``journal`` are asked on first use: the engine loads after the first paint."""
        self.leader = leader
        self._work = work
        self._journal = journal
        self.read_only = read_only
        self._sleep = sleep

    def due(self) -> bool:
        """As the leader: an unfinished cancellation has a step to take now."""
        return self.leader.leading and not self.read_only and self._work().work_due()

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlySession()

    async def drive(self) -> list[JournalEntry]:
        """As the leader: one pass over the unfinished cancellations (``drive_once``)."""
        self._writable()
        async with self.leader.job() as leading:
            fence = self.leader.fence() if leading else None
            if fence is None:
                return []
            return await self._work().drive_once(fence=fence)

    async def send(self, entries: Sequence[JournalEntry]) -> list[JournalEntry]:
        """Drive (or wait for the leader to drive) these rows until Amazon has their feed, or they
        failed; rows still waiting for a leader after ``SEND_TIMEOUT`` come back as they are."""
        from amazon_tui.local.journal import CancelState

        self._writable()
        waiting = (CancelState.REQUESTED, CancelState.VERIFIED)
        return await self._until(entries, lambda e: e.state not in waiting, SEND_TIMEOUT, sending_only=True)

    async def finish(
        self, entries: Sequence[JournalEntry], *, deadline: float | None = None
    ) -> list[JournalEntry]:
        """Wait until Amazon's answer settled these rows, driving them while this process leads.

        Raises the service failure that stopped a pass (the journal keeps the rows). Returns the
        rows as they stand when all are final, or once ``deadline`` seconds (default: the
        engine's poll timeout) have passed.
        """
        self._writable()
        limit = self._work().poll_timeout if deadline is None else deadline
        return await self._until(entries, lambda e: e.state.final, limit, sending_only=False)

    async def resume(self) -> list[JournalEntry]:
        """Carry every unfinished cancellation to its end (``amazon-tui resume``, a restart), here
        as the leader or by the leader while this process waits."""
        return await self.finish(self._journal().unfinished())

    async def _until(
        self,
        entries: Sequence[JournalEntry],
        done: Callable[[JournalEntry], bool],
        seconds: float,
        *,
        sending_only: bool,
    ) -> list[JournalEntry]:
        work, journal = self._work(), self._journal()
        ids = [entry.id for entry in entries]
        limit = self.leader.now() + seconds
        told = False
        while True:
            async with self.leader.job() as leading:
                fence = self.leader.fence() if leading and not self.read_only else None
                if fence is not None:
                    await work.drive_once(only=set(ids), fence=fence, sending_only=sending_only)
            current = [journal.get(entry_id) for entry_id in ids]
            if all(done(entry) for entry in current) or self.leader.now() >= limit:
                return current
            if fence is None and not told and self.leader.on_wait is not None:
                told = True
                holder = self.leader.leader_description()
                self.leader.on_wait(
                    f"Amazon's answer is collected by {holder}…"
                    if holder
                    else "Waiting for a process that may write to lead this data dir…"
                )
            pause = work.next_due_in(only=set(ids)) if fence is not None else None
            await self._sleep(min(TICK, pause) if pause is not None else TICK)
