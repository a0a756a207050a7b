"""This process's part in the data dir's leadership: the lease, and the jobs held under it.

Every process (TUI, CLI command, ``amazon-tui watch``) has one ``Leader``. A long-running
process keeps the lease while it runs (``keep_lease``, renewed by its ``tick`` every second); a
one-shot command holds it only while its own job runs (``job()``), so a TUI started meanwhile
takes over at once. What is done under the lease lives beside this module: the sync
(``syncing.py``) and the cancellations (``driving.py``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import TracebackType

from amazon_tui.local.lease import Coordination, Fence

TICK = 1.0  # seconds between a long-running process's checks (and a waiter's)


class Leader:
    """Take, renew and give back the lease for this process."""

    def __init__(
        self,
        coordination: Coordination,
        *,
        lease_seconds: float,
        read_only: bool = False,
        now: Callable[[], float] = time.time,
    ) -> None:
        """``read_only``: this process may not write for the data dir, so it never leads (it
        registers as a peer, reads, and asks the leader)."""
        self.coordination = coordination
        self.read_only = read_only
        self.lease_seconds = lease_seconds
        self.now = now
        self.keep_lease = False  # set by a long-running process (TUI, watch) that renews it each tick
        self.on_wait: Callable[[str], None] | None = None  # "Joining the sync of …" for a waiting command
        self._leading = False
        self._next_beat = 0.0
        self._jobs = 0
        self._renewer: asyncio.Task[None] | None = None

    @property
    def peer_id(self) -> str:
        return self.coordination.peer_id

    @property
    def kind(self) -> str:
        return self.coordination.kind

    @kind.setter
    def kind(self, value: str) -> None:
        self.coordination.kind = value

    @property
    def leading(self) -> bool:
        return self._leading

    def tick(self) -> bool:
        """Heartbeat; renew, take or leave the lease as it stands; whether this process leads.

        Writes only every third of a lease period (or to take a free lease): followers that
        find a live leader just read.
        """
        now = self.now()
        state = self.coordination.state()
        holder = state.holder.id if state.holder else None
        if holder == self.peer_id:
            if now >= self._next_beat:
                self._leading = self.coordination.acquire()
                self._next_beat = now + self.lease_seconds / 3
            else:
                self._leading = True
        elif holder is None and (self.keep_lease or self._jobs) and not self.read_only:
            self._leading = self.coordination.acquire()
            self._next_beat = now + self.lease_seconds / 3
        else:
            self._leading = False
            if now >= self._next_beat or not self.coordination.registered:
                self.coordination.heartbeat()
                self._next_beat = now + self.lease_seconds / 3
        return self._leading

    def leader_description(self) -> str | None:
        """ "this TUI", "the TUI of alice (pid 4242)", or None when no process leads."""
        holder = self.coordination.state().holder
        return holder.describe(self.peer_id) if holder else None

    def fence(self) -> Fence | None:
        """The right to write for the data dir now (its lease epoch), None when this process does not lead."""
        return None if self.read_only else self.coordination.fence()

    def job(self) -> Job:
        """``async with leader.job() as leading:`` hold the lease (if free) while a job runs."""
        return Job(self)

    def present(self) -> Presence:
        """``async with leader.present():`` keep this process's heartbeat fresh while it holds
        journal rows in its hands (a submit)."""
        return Presence(self)

    def leave(self) -> None:
        """This process stops: the lease is free at once for another."""
        self.coordination.leave()
        self._leading = False

    def _start_renewing(self) -> asyncio.Task[None] | None:
        """A one-shot process renews from a task of its own (a long-running one's loop renews anyway)."""
        if self.keep_lease or self._renewer is not None:
            return None
        self._renewer = asyncio.ensure_future(self._renew())
        return self._renewer

    def _stop_renewing(self, task: asyncio.Task[None] | None) -> None:
        if task is not None:
            task.cancel()
            self._renewer = None

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            self.tick()

    def _job_started(self) -> bool:
        self._jobs += 1
        return self.tick()

    def _job_ended(self) -> None:
        self._jobs -= 1
        if not self._jobs and not self.keep_lease and self._leading:
            self.coordination.release()
            self._leading = False
            self._next_beat = 0.0


class Job:
    """Hold the lease while a job runs, and give it back at the end (a one-shot process)."""

    def __init__(self, leader: Leader) -> None:
        self.leader = leader
        self._renewal: asyncio.Task[None] | None = None

    async def __aenter__(self) -> bool:
        leading = self.leader._job_started()
        if leading:
            self._renewal = self.leader._start_renewing()
        return leading

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.leader._stop_renewing(self._renewal)
        self.leader._job_ended()


class Presence:
    """Keep this process's heartbeat fresh while it journals and sends (the rows name it)."""

    def __init__(self, leader: Leader) -> None:
        self.leader = leader
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> str:
        self.leader.tick()  # registers this peer: the rows it journals name a live owner
        self._task = self.leader._start_renewing()
        return self.leader.peer_id

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.leader._stop_renewing(self._task)
