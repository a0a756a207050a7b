"""The data dir's one sync: run here while this process leads, else asked of the leader.

Only the leader talks to searchOrders, so N operators spend one operator's share of the usage
plan. A process that is not the leader writes a *sync request* and waits for its outcome; a
request made while the leader syncs joins that sync. When the leader goes away meanwhile, the
waiter takes the lease over and syncs itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from amazon_tui.core.leadership.leader import Leader
from amazon_tui.core.sync.progress import Progress, SyncOutcome, SyncProgress

WAIT = 0.25  # seconds between a waiting follower's looks at its request


class RunSync(Protocol):
    """Sync these stores in this process (``SyncRunner``)."""

    def __call__(
        self, stores: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> Awaitable[SyncOutcome]: ...


class SharedSync:
    """When the data dir syncs, and who runs it."""

    def __init__(
        self,
        leader: Leader,
        run_sync: RunSync,
        *,
        active_stores: Callable[[], list[str]],
        poll_seconds: float,
        backup_poll_seconds: Callable[[], float | None] = lambda: None,
        after_sync: Callable[[Sequence[str]], Awaitable[object]] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """``poll_seconds``: sync.poll_seconds (0: no scheduled sync); ``backup_poll_seconds``: the
        slower rate while SP-API notifications arrive, None while they do not; ``after_sync``:
        what the leader does after each of its syncs, given the stores synced (the shipments)."""
        self.leader = leader
        self.coordination = leader.coordination
        self.run_sync = run_sync
        self.active_stores = active_stores
        self.normal_poll_seconds = poll_seconds
        self.backup_poll_seconds = backup_poll_seconds
        self.after_sync = after_sync
        self._sleep = sleep
        self._lock = asyncio.Lock()

    @property
    def poll_seconds(self) -> float:
        """sync.poll_seconds; the slower safety-net rate while SP-API notifications arrive."""
        backup = self.backup_poll_seconds()
        if backup is not None and self.normal_poll_seconds > 0:
            return max(self.normal_poll_seconds, backup)
        return self.normal_poll_seconds

    def _poll_due(self) -> bool:
        last = self.coordination.state().last_run
        return self.poll_seconds > 0 and (last is None or self.leader.now() - last >= self.poll_seconds)

    def due(self) -> bool:
        """As the leader (or as a read-only process while none leads): a follower asked, or the
        poll interval passed since the last sync."""
        if not self.leader.leading and not self._reads_alone():
            return False
        return bool(self.coordination.open_requests()) or self._poll_due()

    def _reads_alone(self) -> bool:
        """A read-only process never leads; while no process does, it syncs for itself (searchOrders
        is a read), rather than waiting for a leader that may never come."""
        return self.leader.read_only and self.coordination.state().holder is None

    def due_stores(self) -> tuple[str, ...] | None:
        """What a due sync covers: every active store (None) when the poll is due or a follower
        asked for all, else just the stores followers asked for."""
        asked = self.coordination.open_requests()
        if self._poll_due() or not asked or any(not names for _, names in asked):
            return None
        return tuple(dict.fromkeys(name for _, names in asked for name in names))

    def synced_recently(self) -> bool:
        """Whether some process's sync finished less than a poll interval ago."""
        last = self.coordination.state().last_run
        return last is not None and self.poll_seconds > 0 and self.leader.now() - last < self.poll_seconds

    async def sync(
        self, stores: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> SyncOutcome:
        """Sync ``stores`` (default: every active store) once, here or by the leader."""
        request: int | None = None
        while True:
            async with self.leader.job() as leading:
                if leading or self._reads_alone():
                    return await self._sync_here(stores, progress, request)
            if request is None:
                request = self.coordination.request_sync(stores or ())
                if self.leader.on_wait is not None:
                    holder = self.leader.leader_description() or "the leader"
                    self.leader.on_wait(f"Joining the sync of {holder}…")
            outcome = self.coordination.request_outcome(request)
            if outcome is not None:
                return SyncOutcome.from_json(outcome, stores)
            await self._sleep(WAIT)

    def _wanted(self, stores: Sequence[str] | None) -> list[str]:
        """``stores`` and what followers asked for meanwhile, active stores in config order first."""
        active = self.active_stores()
        asked = self.coordination.open_requests()
        wanted = set(stores) if stores else set(active)
        if any(not names for _, names in asked):
            wanted |= set(active)
        for _, names in asked:
            wanted |= set(names)
        return [name for name in active if name in wanted] + [
            name for name in (stores or ()) if name not in active
        ]

    async def _sync_here(
        self, stores: Sequence[str] | None, progress: Progress | None, request: int | None
    ) -> SyncOutcome:
        """As the leader: one sync covering ``stores`` and what followers asked for meanwhile."""
        async with self._lock:
            names = self._wanted(stores)
            report = progress or (lambda _update: None)

            def publish(update: SyncProgress) -> None:
                if update.phase in ("amazon", "magento", "waiting"):
                    self.coordination.set_activity(
                        f"Syncing {update.store}: {update.message or update.phase}"
                    )
                report(update)

            outcome = await self.run_sync(names, progress=publish)
            self.coordination.record_run(self.leader.peer_id)
            served = [
                request_id
                for request_id, asked_names in self.coordination.open_requests()
                if set(asked_names) <= set(names) or not asked_names
            ]
            if request is not None and request not in served:
                served.append(request)
            self.coordination.serve_requests(served, outcome.to_json())
            # then the leader's duties after a sync (shipments), once the followers have their
            # answer: confirming 100 shipments takes 45 s of confirmShipment's usage plan
            synced = [name for name in names if name not in outcome.failures]
            if self.after_sync is not None and self.leader.leading and synced:
                try:
                    await self.after_sync(synced)
                except Exception:  # the journal keeps every row; the next sync tries again
                    logging.getLogger(__name__).exception("after the sync of %s", ", ".join(synced))
            return outcome
