"""Live refresh: the TUI's part in the data dir's leadership (amazon_tui/core/leadership/).

The core's ``follow`` loop runs in a thread; this class only subscribes and redraws:

- Another process's changes (a TUI in another SSH session, a cron `sync`, a CLI `order
  cancel`) are on screen within a second: ``reload`` runs on the app's loop and the screens
  reload what they show, keeping cursor, marks, scroll and filters.
- While this TUI is the leader, a quiet sync runs every ``sync.poll_seconds`` (0 = off;
  ``notifications.backup_poll_seconds`` while SP-API notifications arrive) after the last one
  by any process, and whenever another process asks for one; it runs in the app's exclusive
  "sync" worker and is skipped while any sync runs, so syncs never overlap (a manual sync,
  `r`, replaces a running poll). Unfinished cancellations — whoever submitted
  them — are driven to Amazon's report in the "cancel-resume" worker.
- A TUI that is not the leader never polls Amazon: `r` asks the leader and waits for it.

A quiet sync shows no progress. When it brings news — new or changed orders, a store failing
or recovering, an attention count moving as the clock passes a ship-by time — the screens
reload and "3 new orders in Acme US" is notified; otherwise only a screen showing time-left
texts is asked to repaint those that changed. Idle over SSH thus writes nothing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from textual.app import App
from textual.message import Message
from textual.worker import WorkerState

from amazon_tui.core.leadership.loops import Duties, follow
from amazon_tui.core.sync.progress import SyncOutcome
from amazon_tui.tui.format import new_orders_message
from amazon_tui.tui.messages import OrdersChanged

if TYPE_CHECKING:
    from amazon_tui.core.service import AppService
    from amazon_tui.tui.cancellation import CancellationFlow
    from amazon_tui.tui.context import TuiContext

SYNC_GROUP = "sync"
WATCH_SECONDS = 1.0  # how soon another process's change is on screen


@runtime_checkable
class AgingTimes(Protocol):
    """A screen showing texts that age with the clock ("due in 3 h")."""

    def refresh_times(self) -> None:
        """Repaint what the clock changed, and nothing else."""


@runtime_checkable
class ShowsLeader(Protocol):
    """A screen showing which process leads the data dir and when it last synced."""

    def show_leader(self, status: str) -> None:
        """Show the new status line."""


@runtime_checkable
class ShowsLastSync(Protocol):
    """A screen showing when its stores last synced."""

    def refresh_last_sync(self) -> None:
        """Repaint the "Last Updated" texts that changed, and nothing else."""


class LiveRefresh:
    """The poll timer and what a finished sync tells the operator."""

    def __init__(
        self,
        app: App[int],
        service: AppService,
        *,
        start_sync: Callable[..., Any],
        cancellation: CancellationFlow,
        broadcast: Callable[[Callable[[], Message]], None],
    ) -> None:
        """``start_sync(stores, quiet=True)`` runs the app's sync worker; ``broadcast`` tells every
        open screen that data changed."""
        self.app = app
        self.service = service
        self.start_sync = start_sync
        self.cancellation = cancellation
        self.broadcast = broadcast
        self.counts: dict[str, Any] = {}
        self.failures: dict[str, str] = {}
        self._errors: dict[str, tuple[str, BaseException]] = {}  # store -> (its failure text, the error)
        self.status = ""  # the leadership line of the Amazon Stores screen
        self._stop = threading.Event()

    def start(self) -> None:
        service = self.service
        service.leader.kind = "TUI"
        service.leader.keep_lease = True  # renewed each second by the follow loop
        service.leader.on_wait = lambda text: self.app.notify(
            text, timeout=4, markup=False
        )  # `r` asked the leader
        self.counts = service.attention_counts()
        service.changed_elsewhere()  # the baseline: what this process has seen
        self._loop = asyncio.get_running_loop()
        threading.Thread(
            target=follow,
            args=(service.duties,),
            kwargs={
                "changed_elsewhere": service.changed_elsewhere,
                "on_change": self._reload_soon,
                "on_duties": self._duties_soon,
                "stop": self._stop,
                "interval": WATCH_SECONDS,
            },
            name="amazon-tui-watch",
            daemon=True,
        ).start()

    def stop(self) -> None:
        self._stop.set()

    def watch(self) -> bool:
        """Reload the screens now if another process changed the local store; whether it had."""
        if not self.service.changed_elsewhere():
            return False
        self.reload()
        return True

    # From the follow thread: hand over to the app's loop without waiting for it (a thread
    # blocked on a loop that has stopped would keep the whole app alive).

    def _reload_soon(self) -> None:
        self._loop.call_soon_threadsafe(self.reload)

    def _duties_soon(self, duties: Duties) -> None:
        self._loop.call_soon_threadsafe(self.act, duties)

    def act(self, duties: Duties) -> None:
        """Run what the leader's tick found due; show a changed status line."""
        if self._stop.is_set():  # queued by the thread just before the app stopped
            return
        if duties.sync and not self.syncing:
            self.start_sync(self.service.shared_sync.due_stores(), quiet=True)
        if duties.drive and not self.cancellation.driving:
            self.cancellation.drive()
        if duties.status != self.status:
            self.status = duties.status
            if isinstance(self.app.screen, ShowsLeader):
                self.app.screen.show_leader(duties.status)

    def failure_of(self, store: str, text: str | None = None) -> object:
        """The store's sync failure: the typed error when this process met it (and no other process
        failed since), else its text (``text``: the failure's text, when not yet in ``failures``)."""
        text = self.failures.get(store, "") if text is None else text
        known = self._errors.get(store)
        same = known is not None and known[0] == text and str(known[1]) == text  # the line reads the same
        return known[1] if known is not None and same else text

    def status_now(self) -> str:
        """The status line as it stands (a screen being built asks)."""
        self.status = self.service.status_line()
        return self.status

    def reload(self) -> None:
        """Another process changed the local store: failures, counts and every screen anew."""
        if self._stop.is_set():
            return
        service = self.service
        self.failures = service.store_errors()
        self.counts = service.attention_counts()
        self.broadcast(OrdersChanged)

    @property
    def syncing(self) -> bool:
        return any(
            w.group == SYNC_GROUP and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for w in self.app.workers
        )

    def finished(self, outcome: SyncOutcome, *, quiet: bool) -> None:
        """Notify new orders and failures; reload the screens when anything changed."""
        app = self.app
        for report in outcome.reports:
            if report.inserted and not report.first_run:
                app.notify(
                    new_orders_message(report.store, len(report.inserted)), title="New orders", markup=False
                )
        for store, error in outcome.errors.items():
            self._errors[store] = (outcome.failures.get(store, ""), error)
        failed = {
            store: message
            for store, message in outcome.failures.items()
            if not quiet or self.failures.get(store) != message
        }
        for store, message in failed.items():
            app.notify(f"{store}: {message}", title="Sync failed", severity="warning", markup=False)
            cast("TuiContext", app).remember_cause(f"Sync of {store}", self.failure_of(store, message))
        synced = {report.store for report in outcome.reports}
        failures = {
            store: message for store, message in self.failures.items() if store not in synced
        } | outcome.failures
        counts = self.service.attention_counts()
        news = (
            any(report.inserted or report.changed for report in outcome.reports)
            or failures != self.failures
            or counts != self.counts
        )
        self.failures, self.counts = failures, counts
        if news or not quiet:
            self.broadcast(OrdersChanged)
        else:  # calls, not messages: a message alone makes Textual repaint the screen
            if isinstance(app.screen, AgingTimes):
                app.screen.refresh_times()
            if isinstance(app.screen, ShowsLastSync):
                app.screen.refresh_last_sync()
