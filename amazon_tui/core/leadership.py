"""One leader per data dir: it syncs with Amazon and finishes every cancellation (DESIGN 5b).

Every process (TUI, CLI command, ``amazon-tui watch``) goes through its ``Leader`` for the
work that spends the seller's usage plans:

- ``sync()``: run here when this process holds (or can take) the lease; otherwise ask the
  leader with a sync request and wait for its outcome — a request made while the leader syncs
  joins that sync — taking the lease over if the leader goes away meanwhile.
- ``finish()`` / ``resume()``: carry cancellations to Amazon's report and the Magento step,
  as the leader, or wait while the leader does it.
- ``tick()``: heartbeat, renew or take the lease; a long-running process (the TUI, ``watch``)
  calls it every second and runs what ``sync_due()`` and ``drive_due()`` say.

A long-running process keeps the lease while it runs (``keep_lease``); a one-shot command
holds it only while its own job runs, so a TUI started meanwhile takes over at once.
Never imports Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from amazon_tui.local.lease import Coordination

if TYPE_CHECKING:
    from amazon_tui.core.service import AppService, SyncOutcome
    from amazon_tui.core.sync import Progress
    from amazon_tui.local.journal import JournalEntry

TICK = 1.0  # seconds between a long-running process's checks (and a waiter's)
WAIT = 0.25  # seconds between a waiting follower's looks at its request


class Leader:
    """This process's part in the data dir's leadership."""

    def __init__(
        self,
        service: AppService,
        *,
        kind: str = "command",
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], object] = asyncio.sleep,
    ) -> None:
        self.service = service
        sync = service.settings.config.sync
        self.lease_seconds = float(sync.lease_seconds)
        self.normal_poll_seconds = float(sync.poll_seconds)
        self.coordination = Coordination(service.db, kind=kind, lease_seconds=self.lease_seconds, now=now)
        self.now = now
        self._sleep = sleep
        self.keep_lease = False  # set by a long-running process (TUI, watch) that renews it each tick
        self._leading = False
        self._next_beat = 0.0
        self._sync_lock = asyncio.Lock()
        self._jobs = 0
        self._renewer: asyncio.Task | None = None
        self.on_wait: Callable[[str], None] | None = None  # "Joining the sync of …" for a waiting command

    @property
    def poll_seconds(self) -> float:
        """sync.poll_seconds; the slower safety-net rate while SP-API notifications arrive."""
        consumer = self.service.notifications
        if consumer is not None and self.normal_poll_seconds > 0 and consumer.healthy():
            return max(self.normal_poll_seconds, float(consumer.config.backup_poll_seconds))
        return self.normal_poll_seconds

    @property
    def peer_id(self) -> str:
        return self.coordination.peer_id

    @property
    def kind(self) -> str:
        return self.coordination.kind

    @kind.setter
    def kind(self, value: str) -> None:
        self.coordination.kind = value

    # -- the lease ---------------------------------------------------------------------------

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
        elif holder is None and (self.keep_lease or self._jobs):
            self._leading = self.coordination.acquire()
            self._next_beat = now + self.lease_seconds / 3
        else:
            self._leading = False
            if now >= self._next_beat or not self.coordination.registered:
                self.coordination.heartbeat()
                self._next_beat = now + self.lease_seconds / 3
        return self._leading

    @property
    def leading(self) -> bool:
        return self._leading

    def leader_description(self) -> str | None:
        """ "this TUI", "the TUI of alice (pid 4242)", or None when no process leads."""
        holder = self.coordination.state().holder
        return holder.describe(self.peer_id) if holder else None

    def status_line(self) -> str:
        """ "Leader: the TUI of alice (pid 4242) · Last sync 2026-12-04 14:02 UTC" (by whom, when
        another process ran it; what the leader does now)."""
        state = self.coordination.state()
        holder = (
            state.holder.describe(self.peer_id)
            if state.holder
            else "none (the next process to start takes the lead)"
        )
        line = f"Leader: {holder}"
        rows = self.service.db.query("SELECT max(last_sync) FROM stores")
        if rows and rows[0][0]:
            line += f" · Last sync {rows[0][0][:16].replace('T', ' ')} UTC"
            if state.last_run_by and (state.holder is None or state.last_run_by != state.holder.id):
                peer = self.coordination.peer(state.last_run_by)
                line += f" by {peer.describe(self.peer_id)}" if peer else " by a process that has ended"
        else:
            line += " · No sync yet"
        consumer = self.service.notifications
        if consumer is not None and self._leading:
            line += f" · {consumer.describe(self.normal_poll_seconds)}"
        return f"{line} · {state.activity}" if state.activity else line

    class _Job:
        """Hold the lease while a job runs: a one-shot command renews it from a task of its own
        (a long-running process's loop renews it anyway) and gives it back at the end."""

        def __init__(self, leader: Leader) -> None:
            self.leader = leader
            self._renewal: asyncio.Task | None = None

        async def __aenter__(self) -> bool:
            leader = self.leader
            leader._jobs += 1
            leading = leader.tick()
            if leading and not leader.keep_lease and leader._renewer is None:
                self._renewal = leader._renewer = asyncio.ensure_future(leader._renew())
            return leading

        async def __aexit__(self, *exc) -> None:
            leader = self.leader
            leader._jobs -= 1
            if self._renewal is not None:
                self._renewal.cancel()
                leader._renewer = None
            if not leader._jobs and not leader.keep_lease and leader._leading:
                leader.coordination.release()
                leader._leading = False
                leader._next_beat = 0.0

    def _job(self) -> Leader._Job:
        return Leader._Job(self)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            self.tick()

    class _Presence:
        """Keep this process's heartbeat fresh while it holds rows in its hands (a submit)."""

        def __init__(self, leader: Leader) -> None:
            self.leader = leader
            self._task: asyncio.Task | None = None

        async def __aenter__(self) -> str:
            leader = self.leader
            leader.tick()  # registers this peer: the rows it journals name a live owner
            if not leader.keep_lease and leader._renewer is None:
                self._task = leader._renewer = asyncio.ensure_future(leader._renew())
            return leader.peer_id

        async def __aexit__(self, *exc) -> None:
            if self._task is not None:
                self._task.cancel()
                self.leader._renewer = None

    def present(self) -> Leader._Presence:
        """``async with leader.present():`` while journaling and sending a cancellation."""
        return Leader._Presence(self)

    def still_leading(self) -> bool:
        """Whether this process still holds the lease (asked before each write to a service)."""
        return self.coordination.holds()

    async def run(self, stop: asyncio.Event, *, on_event: Callable[[str], None] = lambda _text: None) -> None:
        """The loop of a long-running process without screens (``amazon-tui watch``) until ``stop``.

        Each second: the tick; as the leader, a sync when one is due and a drive pass when a
        cancellation step is due (each in a task of its own, never two at once), and all along
        the SP-API notifications when ``[notifications]`` is configured; ``on_event``
        hears the status line when it changes and each sync's or pass's outcome.
        """
        self.keep_lease = True
        sync_task: asyncio.Task | None = None
        drive_task: asyncio.Task | None = None
        status = None
        consumer = self.service.notifications
        notified = None
        if consumer is not None:
            consumer.on_change = lambda order_ids: on_event(f"Notified: {', '.join(order_ids)} updated")
            notified = asyncio.ensure_future(consumer.run(stop, leading=lambda: self._leading))

        async def sync_once(stores: tuple[str, ...] | None) -> None:
            outcome = await self.sync(stores)
            for report in outcome.reports:
                on_event(
                    f"{report.store}: {report.orders} orders, "
                    f"{len(report.inserted)} new, {len(report.changed)} changed"
                )
            for store, message in outcome.failures.items():
                on_event(f"{store}: sync failed: {message}")

        async def drive_once() -> None:
            try:
                entries = await self.drive()
            except Exception as exc:  # noqa: BLE001 - the journal keeps every row; the next pass tries again
                on_event(f"Finishing the cancellations: {exc}")
                return
            for entry in entries:
                if entry.state.final:
                    on_event(
                        f"Order {entry.order_id}: {entry.state.value}"
                        + (f" ({entry.message})" if entry.message and entry.state.value == "failed" else "")
                    )

        try:
            while not stop.is_set():
                self.tick()
                if (sync_task is None or sync_task.done()) and self.sync_due():
                    sync_task = asyncio.ensure_future(sync_once(self.due_stores()))
                if (drive_task is None or drive_task.done()) and self.drive_due():
                    drive_task = asyncio.ensure_future(drive_once())
                line = self.status_line()
                if line != status:
                    status = line
                    on_event(line)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), TICK)
        finally:
            for task in (sync_task, drive_task, notified):
                if task is not None and not task.done():
                    task.cancel()
            self.keep_lease = False
            self.leave()

    def leave(self) -> None:
        """This process stops: the lease is free at once for another."""
        self.coordination.leave()
        self._leading = False

    # -- sync ----------------------------------------------------------------------------------

    def sync_due(self) -> bool:
        """As the leader: a follower asked, or the poll interval passed since the last sync."""
        if not self._leading:
            return False
        if self.coordination.open_requests():
            return True
        if self.poll_seconds <= 0:
            return False
        last = self.coordination.state().last_run
        return last is None or self.now() - last >= self.poll_seconds

    def due_stores(self) -> tuple[str, ...] | None:
        """What a due sync covers: every active store (None) when the poll is due or a follower
        asked for all, else just the stores followers asked for."""
        asked = self.coordination.open_requests()
        last = self.coordination.state().last_run
        poll_due = self.poll_seconds > 0 and (last is None or self.now() - last >= self.poll_seconds)
        if poll_due or not asked or any(not names for _, names in asked):
            return None
        return tuple(dict.fromkeys(name for _, names in asked for name in names))

    def synced_recently(self) -> bool:
        """Whether some process's sync finished less than a poll interval ago."""
        last = self.coordination.state().last_run
        return last is not None and self.poll_seconds > 0 and self.now() - last < self.poll_seconds

    async def sync(
        self, stores: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> SyncOutcome:
        """Sync ``stores`` (default: every active store) once, here or by the leader."""
        from amazon_tui.core.service import SyncOutcome

        request: int | None = None
        while True:
            async with self._job() as leading:
                if leading:
                    return await self._sync_here(stores, progress, request)
            if request is None:
                request = self.coordination.request_sync(stores or ())
                if self.on_wait is not None:
                    self.on_wait(f"Joining the sync of {self.leader_description() or 'the leader'}…")
            outcome = self.coordination.request_outcome(request)
            if outcome is not None:
                return SyncOutcome.from_json(outcome, stores)
            await self._sleep(WAIT)

    async def _sync_here(
        self, stores: Sequence[str] | None, progress: Progress | None, request: int | None
    ) -> SyncOutcome:
        """As the leader: one sync covering ``stores`` and what followers asked for meanwhile."""
        from amazon_tui.core.sync import SyncProgress

        async with self._sync_lock:
            active = [store.name for store in self.service.stores if store.active]
            asked = self.coordination.open_requests()
            wanted = set(stores) if stores else set(active)
            if any(not names for _, names in asked):
                wanted |= set(active)
            for _, names in asked:
                wanted |= set(names)
            names = [name for name in active if name in wanted] + [
                name for name in (stores or ()) if name not in active
            ]
            report = progress or (lambda _update: None)

            def publish(update: SyncProgress) -> None:
                if update.phase in ("amazon", "magento", "waiting"):
                    self.coordination.set_activity(
                        f"Syncing {update.store}: {update.message or update.phase}"
                    )
                report(update)

            outcome = await self.service.sync_here(names, progress=publish)
            self.coordination.record_run(self.peer_id)
            served = [
                request_id
                for request_id, asked_names in self.coordination.open_requests()
                if set(asked_names) <= set(names) or not asked_names
            ]
            if request is not None and request not in served:
                served.append(request)
            self.coordination.serve_requests(served, outcome.to_json())
            return outcome

    # -- cancellations -----------------------------------------------------------------------

    def drive_due(self) -> bool:
        """As the leader: an unfinished cancellation has a step to take now."""
        return self._leading and not self.service.read_only and self.service.cancellations.work_due()

    async def drive(self) -> list[JournalEntry]:
        """As the leader: one pass over the unfinished cancellations (see CancellationEngine.drive_once)."""
        async with self._job() as leading:
            if not leading:
                return []
            return await self.service.cancellations.drive_once(still_leading=self.still_leading)

    async def finish(
        self,
        entries: Sequence[JournalEntry],
        *,
        # a deadline on self.now() (a test's clock) that returns the rows as they stand, not a cancellation
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> list[JournalEntry]:
        """Wait until Amazon's report settled these rows, driving them while this process leads.

        Raises the service failure that stopped a pass (the journal keeps the rows). Returns
        the rows as they stand when all are final, or when ``timeout`` (default: the engine's
        poll timeout) passes.
        """
        engine = self.service.cancellations
        journal = self.service.journal
        ids = [entry.id for entry in entries]
        limit = self.now() + (engine.poll_timeout if timeout is None else timeout)
        told = False
        while True:
            async with self._job() as leading:
                if leading:
                    await engine.drive_once(only=set(ids), still_leading=self.still_leading)
            current = [journal.get(entry_id) for entry_id in ids]
            if all(entry.state.final for entry in current) or self.now() >= limit:
                return current
            if not leading and not told and self.on_wait is not None:
                told = True
                self.on_wait(f"Amazon's report is collected by {self.leader_description() or 'the leader'}…")
            pause = engine.next_due_in(only=set(ids)) if leading else None
            await self._sleep(min(TICK, pause) if pause is not None else TICK)

    async def resume(self) -> list[JournalEntry]:
        """Carry every unfinished cancellation to its end (``amazon-tui resume``, a restart),
        here as the leader or by the leader while this process waits."""
        return await self.finish(self.service.journal.unfinished())


class Duties(NamedTuple):
    """What one tick found: work for this process as the leader, and the status line."""

    sync: bool
    drive: bool
    status: str


def follow(
    service: AppService,
    *,
    on_change: Callable[[], None],
    on_duties: Callable[[Duties], None],
    stop: threading.Event,
    interval: float = TICK,
) -> None:
    """The loop of a long-running process (the TUI, ``watch``); run it in a thread of its own.

    Each ``interval``: ``on_change()`` when another process changed what the screens show
    (``PRAGMA data_version`` then a fingerprint: see local/changes.py); the leader's tick;
    ``on_duties`` when there is a sync or a cancellation step to run here, or the status line
    changed. Nothing else: a quiet data dir costs a few reads a second and no output. A thread
    keeps the checks off the UI's event loop and adds no timer to it (asyncio drops a
    cancelled timer only once it is the earliest, so a timer firing every second keeps
    cancelled ones, and what their context holds, alive for their whole delay).
    """
    leader = service.leader
    status = None
    while not stop.wait(interval):
        try:
            if service.changed_elsewhere():
                on_change()
            leader.tick()
            duties = Duties(leader.sync_due(), leader.drive_due(), leader.status_line())
            if duties.sync or duties.drive or duties.status != status:
                status = duties.status
                on_duties(duties)
        except Exception:  # noqa: BLE001 - the database closed at exit, or the app is gone: stop
            return
