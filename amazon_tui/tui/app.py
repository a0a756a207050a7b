"""The Textual app: the screens' requests, background workers, keymap, palette.

Screens post requests (``requests.py``); the app hands them to its navigator (the screen
stack) and its cancellation flow, and runs the sync worker. It owns the live refresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel

from amazon_tui.config.settings import Settings
from amazon_tui.core.service import AppService
from amazon_tui.core.startup import resume_collection
from amazon_tui.core.sync.progress import SyncProgress
from amazon_tui.domain.secrets import redact
from amazon_tui.domain.text import safe_text
from amazon_tui.tui import requests
from amazon_tui.tui.cancellation import CancellationFlow
from amazon_tui.tui.format import inert_lines
from amazon_tui.tui.keymap import check_keymap
from amazon_tui.tui.live import SYNC_GROUP, LiveRefresh
from amazon_tui.tui.messages import OrdersChanged, OrderSeen, SyncChanged
from amazon_tui.tui.navigation import Navigator
from amazon_tui.tui.palette import AmazonCommands
from amazon_tui.tui.screens.stores import StoresScreen
from amazon_tui.tui.size_gate import QUIT_ACTIONS, blocked_while_too_small, too_small
from amazon_tui.tui.typeahead import KeyQueue, let_through

if TYPE_CHECKING:
    from amazon_tui.core.causes import Cause


class AmazonTuiApp(App[int]):
    """amazon-tui: store cards → View Store → order → Amazon Order Details → Cancel Order."""

    CSS_PATH = "app.tcss"
    TITLE = "amazon-tui"
    COMMANDS = App.COMMANDS | {AmazonCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", show=False, id="quit"),
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            id="help",
            tooltip="This help: every key of the screen, as bound now",
        ),
        Binding(
            "ctrl+p,colon",
            "command_palette",
            "Commands",
            show=False,
            id="palette",  # ours replaces Textual's ctrl+p
            tooltip="Command palette: go to an order by number, switch store, sync now, audit log, theme",
        ),
        Binding(
            "exclamation_mark",
            "attention",
            "Attention",
            show=False,
            id="attention",
            tooltip="Orders that need action now, across stores",
        ),
        Binding(
            "e",
            "show_cause",
            "Cause",
            show=False,
            id="error-details",
            tooltip="The whole cause of the failure shown: message, request id, when, what to do",
        ),
    ]

    def __init__(
        self, service: AppService, *, mouse: bool = True, background: bool = True, own_service: bool = False
    ) -> None:
        super().__init__()
        self.service = service
        self.mouse = mouse
        self.background = background
        self.own_service = own_service
        self.sync_progress: dict[str, SyncProgress] = {}
        self.navigator = Navigator(self, service)
        self.cancellation = CancellationFlow(self, service, self.broadcast)
        self.live = LiveRefresh(
            self,
            service,
            start_sync=self.start_sync,
            cancellation=self.cancellation,
            broadcast=self.broadcast,
        )
        self.typed_keys = KeyQueue(self)
        self.last_cause: Cause | None = None  # of the last failure a toast told
        self._notifications_task: asyncio.Task[None] | None = None
        self._theme_restored = False
        for theme in (
            service.preferences.current.theme,
            service.settings.config.ui.theme,
        ):  # the last choice first
            if theme in self.available_themes:
                self.theme = theme
                break

    def get_default_screen(self) -> StoresScreen:
        return StoresScreen()

    def on_mount(self) -> None:
        keymap = self.service.settings.config.keymap
        if keymap:
            self.set_keymap(keymap)
        self._theme_restored = True
        if self.service.preferences.problem:
            self.notify(self.service.preferences.problem, severity="warning", timeout=8, markup=False)
        self.call_after_refresh(resume_collection)  # paused by the entry point until the first paint
        if self.background:  # after the first paint: the network stack loads off the start path
            self.call_after_refresh(self._start_background)

    def _start_background(self) -> None:
        consumer = self.service.notifications
        if consumer is not None:  # made here, before the follow thread reads it
            consumer.on_change = lambda order_ids: self.broadcast(lambda: OrdersChanged(tuple(order_ids)))
            # A task, not a worker: it runs for the app's life (on_unmount cancels it), and workers
            # are what tests and benchmarks wait for when they wait for the app to settle.
            self._notifications_task = asyncio.create_task(
                consumer.run(asyncio.Event(), leading=lambda: self.service.leader.leading)
            )
        self.live.start()
        if not self.service.shared_sync.synced_recently():  # another TUI's sync a moment ago will do
            self.start_sync()

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the palette is the one the next start opens with."""
        if self._theme_restored:
            self.service.preferences.set(theme=theme)

    async def on_event(self, event: events.Event) -> None:
        """Below the minimum size only quitting acts: see ``size_gate``."""
        if too_small(*self.size) and blocked_while_too_small(event):
            action = self._quit_action(event.key) if isinstance(event, events.Key) else None
            if action == "quit":
                await self.run_action("quit")
            elif action is not None:  # ctrl+c: Textual's own handling
                await super().on_event(event)
            return
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded and not let_through(event):
            self.typed_keys.hold(event)  # let through in order, once what the key before did is done
            return
        await super().on_event(event)

    def _quit_action(self, key: str) -> str | None:
        """The app's quit action bound to ``key`` (after the keymap), if any."""
        actions = [binding.action for binding in self._bindings.key_to_bindings.get(key, [])]
        return next((action for action in actions if action in QUIT_ACTIONS), None)

    async def on_unmount(self) -> None:
        self.live.stop()
        if self._notifications_task is not None:
            self._notifications_task.cancel()  # ends a long poll at once
        if self.own_service:
            await self.service.aclose()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast (screens' and widgets' go through here) is inert: its lines escaped
        (``safe_text``), never parsed as markup, whatever the caller asked; no secret in it."""
        super().notify(
            inert_lines(redact(message)),
            title=safe_text(redact(title)),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def broadcast(self, message_type: Callable[[], Message]) -> None:
        """Tell every open screen that data changed (each reloads what it shows)."""
        for screen in self.screen_stack:
            screen.post_message(message_type())

    # -- what screens ask for -------------------------------------------------------------------

    def on_open_home(self, _request: requests.OpenHome) -> None:
        self.navigator.open_home()

    def on_open_store(self, request: requests.OpenStore) -> None:
        self.navigator.open_store(request.store)

    def on_open_order(self, request: requests.OpenOrder) -> None:
        self.navigator.open_order(request.order_id)

    def on_open_details(self, request: requests.OpenDetails) -> None:
        self.navigator.open_details(request.order_id)

    def on_open_all_orders(self, request: requests.OpenAllOrders) -> None:
        if request.via_dashboard:
            self.navigator.open_store(request.store)
        self.navigator.open_all_orders(request.store)

    def on_open_attention(self, _request: requests.OpenAttention) -> None:
        self.navigator.open_attention()

    def on_open_audit(self, _request: requests.OpenAudit) -> None:
        self.navigator.open_audit()

    def on_sync_now(self, request: requests.SyncNow) -> None:
        self.start_sync(request.stores)

    def on_cancel_orders(self, request: requests.CancelOrders) -> None:
        self.cancellation.ask(request.order_ids, on_done=request.on_done)

    def on_retry_cancellations(self, request: requests.RetryCancellations) -> None:
        self.cancellation.retry(request.order_ids)

    def on_order_seen(self, message: OrderSeen) -> None:
        self.service.mark_seen([message.order_id])

    def action_command_palette(self) -> None:
        """Textual's palette, with a placeholder that says what it finds."""
        from textual.command import CommandPalette

        from amazon_tui.tui.palette import PLACEHOLDER

        if self.use_command_palette and not self.screen.has_class("--textual-command-palette"):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=PLACEHOLDER))

    def remember_cause(self, what: str, error: object) -> None:
        """A failure told in a toast: `e` shows its whole cause while no screen shows one."""
        from amazon_tui.core.causes import cause_of  # the first failure loads it, not the first paint

        self.last_cause = cause_of(what, error, self.service.clock())

    def cause_now(self) -> Cause | None:
        """The cause `e` opens: the one the screen on top shows, else the last toast's."""
        shown = getattr(self.screen, "cause", None)
        return shown if shown is not None and hasattr(shown, "as_text") else self.last_cause

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_cause":
            return self.cause_now() is not None and type(self.screen).__name__ != "CauseScreen"
        return True

    def action_show_cause(self) -> None:
        cause = self.cause_now()
        from amazon_tui.tui.screens.cause import CauseScreen

        if cause is not None and not isinstance(self.screen, CauseScreen):
            self.push_screen(CauseScreen(cause))

    def action_attention(self) -> None:
        self.navigator.open_attention()

    def action_help(self) -> None:
        self.navigator.open_help()

    # -- sync ---------------------------------------------------------------------------------

    @work(exclusive=True, group=SYNC_GROUP)
    async def start_sync(self, stores: Sequence[str] | None = None, *, quiet: bool = False) -> None:
        """Incremental sync in the background; cards show progress unless it is a quiet poll."""

        def progress(update: SyncProgress) -> None:
            self.sync_progress[update.store] = update
            self.broadcast(lambda: SyncChanged(update))

        if not quiet:
            self.cancellation.retry()  # `r` also retries a cancellation whose report could not be fetched
        outcome = await self.service.sync(stores, progress=None if quiet else progress)  # or the leader's
        self.live.finished(outcome, quiet=quiet)


def run_app(settings: Settings, mouse: bool = True) -> int:
    """Start the TUI for these settings; returns the exit code. A bad ``[keymap]`` raises ConfigError
    before anything opens."""
    check_keymap(settings.config.keymap, str(settings.config_file or "the config"))
    service = AppService.open(settings)
    app = AmazonTuiApp(service, mouse=mouse, own_service=True)
    result = app.run(mouse=mouse and settings.config.ui.mouse)
    return result if isinstance(result, int) else (app.return_code or 0)
