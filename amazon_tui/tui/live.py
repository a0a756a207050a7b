"""Live refresh: a quiet background sync every ``sync.poll_seconds`` (0 = off).

A poll runs in the app's exclusive "sync" worker and is skipped while any sync runs, so polls
never overlap (a manual sync, `r`, replaces a running poll). A poll shows no progress. When it
brings news — new or changed orders, a store failing or recovering, an attention count moving
as the clock passes a ship-by time — the screens reload and "3 new orders in Acme US" is
notified; otherwise only a screen showing time-left texts is asked to repaint those that changed.
Idle over SSH thus writes nothing.

Another process's changes (a TUI in another SSH session, a cron `sync`, a CLI `order cancel`)
are seen within a second: a thread asks the service each second whether the local store
changed elsewhere (one ``PRAGMA data_version`` when it did not) and, when it did, ``reload``
runs on the app's loop and the screens reload what they show, keeping cursor, marks, scroll
and filters.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.worker import WorkerState

from amazon_tui.local.changes import follow
from amazon_tui.service import SyncOutcome
from amazon_tui.tui.format import clean, new_orders_message
from amazon_tui.tui.messages import OrdersChanged

if TYPE_CHECKING:
    from amazon_tui.tui.app import AmazonTuiApp

SYNC_GROUP = "sync"
WATCH_SECONDS = 1.0  # how soon another process's change is on screen


@runtime_checkable
class AgingTimes(Protocol):
    """A screen showing texts that age with the clock ("due in 3 h")."""

    def refresh_times(self) -> None:
        """Repaint what the clock changed, and nothing else."""


@runtime_checkable
class ShowsLastSync(Protocol):
    """A screen showing when its stores last synced."""

    def refresh_last_sync(self) -> None:
        """Repaint the "Last Updated" texts that changed, and nothing else."""


class LiveRefresh:
    """The poll timer and what a finished sync tells the operator."""

    def __init__(self, app: AmazonTuiApp) -> None:
        self.app = app
        self.counts: dict = {}
        self.failures: dict[str, str] = {}
        self._stop = threading.Event()

    def start(self) -> None:
        self.counts = self.app.service.attention_counts()
        self.app.service.changed_elsewhere()  # the baseline: what this process has seen
        threading.Thread(
            target=follow, args=(self.app.service.changed_elsewhere, self._reload_soon, self._stop, WATCH_SECONDS),
            name="amazon-tui-watch", daemon=True,
        ).start()
        seconds = self.app.service.settings.config.sync.poll_seconds
        if seconds > 0:
            self.app.set_interval(seconds, self.poll, name="poll")

    def stop(self) -> None:
        self._stop.set()

    def watch(self) -> bool:
        """Reload the screens now if another process changed the local store; whether it had."""
        if not self.app.service.changed_elsewhere():
            return False
        self.reload()
        return True

    def _reload_soon(self) -> None:
        self.app.call_from_thread(self.reload)

    def reload(self) -> None:
        """Another process changed the local store: failures, counts and every screen anew."""
        service = self.app.service
        self.failures = service.store_errors()
        self.counts = service.attention_counts()
        self.app.broadcast(OrdersChanged)

    @property
    def syncing(self) -> bool:
        return any(w.group == SYNC_GROUP and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.app.workers)

    def poll(self) -> None:
        if not self.syncing:
            self.app.start_sync(quiet=True)

    def finished(self, outcome: SyncOutcome, *, quiet: bool) -> None:
        """Notify new orders and failures; reload the screens when anything changed."""
        app = self.app
        for report in outcome.reports:
            if report.inserted and not report.first_run:
                app.notify(new_orders_message(report.store, len(report.inserted)), title="New orders", markup=False)
        failed = {store: message for store, message in outcome.failures.items() if not quiet or self.failures.get(store) != message}
        for store, message in failed.items():
            app.notify(f"{clean(store)}: {clean(message)}", title="Sync failed", severity="warning", markup=False)
        synced = {report.store for report in outcome.reports}
        failures = {store: message for store, message in self.failures.items() if store not in synced} | outcome.failures
        counts = app.service.attention_counts()
        news = any(report.inserted or report.changed for report in outcome.reports) or failures != self.failures or counts != self.counts
        self.failures, self.counts = failures, counts
        if news or not quiet:
            app.broadcast(OrdersChanged)
        else:  # calls, not messages: a message alone makes Textual repaint the screen
            if isinstance(app.screen, AgingTimes):
                app.screen.refresh_times()
            if isinstance(app.screen, ShowsLastSync):
                app.screen.refresh_last_sync()
