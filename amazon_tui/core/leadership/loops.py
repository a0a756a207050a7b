"""The loops of long-running processes: ``watch`` (asyncio, no screens) and the TUI's follower
thread. Each second they renew the lease, and as the leader start what is due."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol

from amazon_tui.core.leadership.leader import TICK, Leader

if TYPE_CHECKING:  # the leader's work loads with the first tick, after the first paint
    from amazon_tui.core.leadership.driving import CancellationDriver
    from amazon_tui.core.leadership.syncing import SharedSync


class NotificationReader(Protocol):
    """The SP-API notifications consumer, as a loop runs it."""

    on_change: Callable[[tuple[str, ...]], None]

    async def run(self, stop: asyncio.Event, *, leading: Callable[[], bool]) -> None: ...


class StatusLine(Protocol):
    """The status line; ``ages=False`` for a log that prints it each time it changes (``watch``):
    without the ages that move every few seconds, a line per change of state."""

    def __call__(self, *, ages: bool = True) -> str: ...


@dataclass
class LeaderDuties:
    """What a long-running process does for the data dir while it leads."""

    leader: Leader
    sync: SharedSync
    driver: CancellationDriver
    status: StatusLine
    notifications: NotificationReader | None = None


class Duties(NamedTuple):
    """What one tick found: work for this process as the leader, and the status line."""

    sync: bool
    drive: bool
    status: str


async def run(
    duties: LeaderDuties, stop: asyncio.Event, *, on_event: Callable[[str], None] = lambda _t: None
) -> None:
    """The loop of a process without screens (``amazon-tui watch``) until ``stop``.

    Each second: the tick; as the leader, a sync when one is due and a drive pass when a
    cancellation step is due (each in a task of its own, never two at once), and all along the
    SP-API notifications when ``[notifications]`` is configured; ``on_event`` hears the status
    line when it changes and each sync's or pass's outcome.
    """
    leader = duties.leader
    leader.keep_lease = True
    tasks: dict[str, asyncio.Task[None] | None] = {"sync": None, "drive": None, "notified": None}
    consumer = duties.notifications
    if consumer is not None:
        consumer.on_change = lambda order_ids: on_event(f"Notified: {', '.join(order_ids)} updated")
        tasks["notified"] = asyncio.ensure_future(consumer.run(stop, leading=lambda: leader.leading))
    status = None
    try:
        while not stop.is_set():
            leader.tick()
            if _idle(tasks["sync"]) and duties.sync.due():
                tasks["sync"] = asyncio.ensure_future(_sync_once(duties, on_event))
            if _idle(tasks["drive"]) and duties.driver.due():
                tasks["drive"] = asyncio.ensure_future(_drive_once(duties, on_event))
            line = duties.status(ages=False)
            if line != status:
                status = line
                on_event(line)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TICK)
    finally:
        for task in tasks.values():
            if task is not None and not task.done():
                task.cancel()
        leader.keep_lease = False
        leader.leave()


def _idle(task: asyncio.Task[None] | None) -> bool:
    return task is None or task.done()


async def _sync_once(duties: LeaderDuties, on_event: Callable[[str], None]) -> None:
    outcome = await duties.sync.sync(duties.sync.due_stores())
    for report in outcome.reports:
        counts = f"{report.orders} orders, {len(report.inserted)} new, {len(report.changed)} changed"
        on_event(f"{report.store}: {counts}")
    for store, message in outcome.failures.items():
        on_event(f"{store}: sync failed: {message}")


async def _drive_once(duties: LeaderDuties, on_event: Callable[[str], None]) -> None:
    try:
        entries = await duties.driver.drive()
    except Exception as exc:  # noqa: BLE001 - the journal keeps every row; the next pass tries again
        on_event(f"Finishing the cancellations: {exc}")
        return
    for entry in entries:
        if entry.state.final:
            failed = entry.message and entry.state.value == "failed"
            on_event(
                f"Order {entry.order_id}: {entry.state.value}" + (f" ({entry.message})" if failed else "")
            )


def follow(
    duties: LeaderDuties,
    *,
    changed_elsewhere: Callable[[], bool],
    on_change: Callable[[], None],
    on_duties: Callable[[Duties], None],
    stop: threading.Event,
    interval: float = TICK,
) -> None:
    """The loop of a long-running process with screens (the TUI); run it in a thread of its own.

    Each ``interval``: ``on_change()`` when another process changed what the screens show
    (``PRAGMA data_version`` then a fingerprint: see local/changes.py); the leader's tick;
    ``on_duties`` when there is a sync or a cancellation step to run here, or the status line
    changed. Nothing else: a quiet data dir costs a few reads a second and no output. A thread
    keeps the checks off the UI's event loop and adds no timer to it (asyncio drops a
    cancelled timer only once it is the earliest, so a timer firing every second keeps
    cancelled ones, and what their context holds, alive for their whole delay).
    """
    status = None
    while not stop.wait(interval):
        try:
            if changed_elsewhere():
                on_change()
            duties.leader.tick()
            found = Duties(duties.sync.due(), duties.driver.due(), duties.status())
            if found.sync or found.drive or found.status != status:
                status = found.status
                on_duties(found)
        except Exception:  # noqa: BLE001 - the database closed at exit, or the app is gone: stop
            return
