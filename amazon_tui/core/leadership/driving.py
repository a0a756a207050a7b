"""Unfinished cancellations, carried to their end by the data dir's leader, whoever submitted them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from amazon_tui.core.leadership.leader import TICK, Leader

if TYPE_CHECKING:
    from amazon_tui.local.journal import JournalEntry


class CancellationWork(Protocol):
    """The cancellation engine's scheduling, as the leader drives it."""

    poll_timeout: float

    def work_due(self) -> bool: ...

    def next_due_in(self, only: set[int] | None = None) -> float | None: ...

    async def drive_once(
        self, only: set[int] | None = None, *, still_leading: Callable[[], bool] = ...
    ) -> list[JournalEntry]: ...


class JournalReader(Protocol):
    def get(self, entry_id: int) -> JournalEntry: ...

    def unfinished(self) -> list[JournalEntry]: ...


class CancellationDriver:
    """Drives journal rows through Amazon's report and the Magento step, as the leader."""

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

    async def drive(self) -> list[JournalEntry]:
        """As the leader: one pass over the unfinished cancellations (``drive_once``)."""
        async with self.leader.job() as leading:
            if not leading:
                return []
            return await self._work().drive_once(still_leading=self.leader.still_leading)

    async def finish(
        self, entries: Sequence[JournalEntry], *, deadline: float | None = None
    ) -> list[JournalEntry]:
        """Wait until Amazon's report settled these rows, driving them while this process leads.

        Raises the service failure that stopped a pass (the journal keeps the rows). Returns the
        rows as they stand when all are final, or once ``deadline`` seconds (default: the
        engine's poll timeout) have passed.
        """
        work, journal = self._work(), self._journal()
        ids = [entry.id for entry in entries]
        limit = self.leader.now() + (work.poll_timeout if deadline is None else deadline)
        told = False
        while True:
            async with self.leader.job() as leading:
                if leading:
                    await work.drive_once(only=set(ids), still_leading=self.leader.still_leading)
            current = [journal.get(entry_id) for entry_id in ids]
            if all(entry.state.final for entry in current) or self.leader.now() >= limit:
                return current
            if not leading and not told and self.leader.on_wait is not None:
                told = True
                holder = self.leader.leader_description() or "the leader"
                self.leader.on_wait(f"Amazon's report is collected by {holder}…")
            pause = work.next_due_in(only=set(ids)) if leading else None
            await self._sleep(min(TICK, pause) if pause is not None else TICK)

    async def resume(self) -> list[JournalEntry]:
        """Carry every unfinished cancellation to its end (``amazon-tui resume``, a restart), here
        as the leader or by the leader while this process waits."""
        return await self.finish(self._journal().unfinished())
