"""The Textual app: navigation between the ASC screens, background workers, keymap, palette."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import WorkerState

from amazon_tui.config.settings import Settings
from amazon_tui.core.service import AppService
from amazon_tui.core.startup import resume_collection
from amazon_tui.core.sync.progress import SyncProgress
from amazon_tui.tui.format import clean, seller_central_order_url
from amazon_tui.tui.live import SYNC_GROUP, LiveRefresh
from amazon_tui.tui.messages import OrdersChanged, OrderSeen, SyncChanged
from amazon_tui.tui.palette import AmazonCommands
from amazon_tui.tui.screens.stores import StoresScreen
from amazon_tui.tui.size_gate import QUIT_ACTIONS, blocked_while_too_small, too_small

if TYPE_CHECKING:
    from amazon_tui.core.cancel.rules import Submission


CANCEL_FINISH_GROUP, CANCEL_RESUME_GROUP = "cancel-finish", "cancel-resume"


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
        self.live = LiveRefresh(self)
        self._drive_failure: str | None = None
        self._notifications_task = None
        self._theme_restored = False
        for theme in (
            service.preferences.current.theme,
            service.settings.config.ui.theme,
        ):  # the palette's last choice first
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
        if self.service.notifications is not None:  # made here, before the follow thread reads it
            self.service.notifications.on_change = lambda order_ids: self.broadcast(
                lambda: OrdersChanged(tuple(order_ids))
            )
            self.consume_notifications()
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
        if isinstance(event, events.Key) and not event.is_forwarded:
            event.focused_then = self.focused  # see on_key
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """A key no widget took, whose focus has moved on since it was typed (keys sent in one
        burst: "/acme" while "/" opens a filter, a paste) goes to the widget focused now instead
        of the bindings of the one it was typed at: "c" types into the filter, it does not open
        Cancel Order behind it."""
        typed_at = getattr(event, "focused_then", None)
        if typed_at is not None and self.focused is not None and self.focused is not typed_at:
            event.prevent_default()  # App's own handler would run the bindings of the new focus
            self.focused.post_message(events.Key(event.key, event.character))

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

    def broadcast(self, message_type: Callable[[], Message]) -> None:
        """Tell every open screen that data changed (each reloads what it shows)."""
        for screen in self.screen_stack:
            screen.post_message(message_type())

    # -- navigation --------------------------------------------------------------------------

    def open_home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _store_of(self, order_id: str) -> str:
        summary = self.service.order_summary(order_id)
        return summary.store if summary else "?"

    def open_store(self, store: str) -> None:
        from amazon_tui.tui.screens.dashboard import DashboardScreen

        self.open_home()
        self.push_screen(DashboardScreen(store))

    def open_order(self, order_id: str) -> None:
        """The documented path: the Magento order view, or the Amazon details when there is none."""
        if not self.service.magento_configured:
            self.notify("Magento is not configured: showing Amazon Order Details.", timeout=4)
        elif self.service.magento_link(order_id) is None:
            self.notify(
                f"No Magento order exists for {order_id} yet "
                "(Pending orders get one once Amazon releases them): showing Amazon Order Details.",
                timeout=5,
                markup=False,
            )
        else:
            from amazon_tui.tui.screens.magento_order import MagentoOrderScreen

            self.push_screen(MagentoOrderScreen(order_id, self._store_of(order_id)))
            return
        self.open_details(order_id)

    def open_details(self, order_id: str) -> None:
        from amazon_tui.tui.screens.order_details import OrderDetailsScreen

        self.push_screen(OrderDetailsScreen(order_id, self._store_of(order_id)))

    def open_all_orders(self, store: str) -> None:
        from amazon_tui.tui.screens.all_orders import AllOrdersScreen

        self.push_screen(AllOrdersScreen(store))

    def open_attention(self) -> None:
        from amazon_tui.tui.screens.attention import AttentionScreen

        if not isinstance(self.screen, AttentionScreen):
            self.push_screen(AttentionScreen())

    def action_command_palette(self) -> None:
        """Textual's palette, with a placeholder that says what it finds."""
        from textual.command import CommandPalette

        from amazon_tui.tui.palette import PLACEHOLDER

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=PLACEHOLDER))

    def action_attention(self) -> None:
        self.open_attention()

    def open_audit(self) -> None:
        from amazon_tui.tui.screens.audit_log import AuditScreen

        self.push_screen(AuditScreen())

    def action_help(self) -> None:
        from amazon_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # -- sync ---------------------------------------------------------------------------------

    @work(exclusive=True, group=SYNC_GROUP)
    async def start_sync(self, stores: Sequence[str] | None = None, *, quiet: bool = False) -> None:
        """Incremental sync in the background; cards show progress unless it is a quiet poll."""

        def progress(update: SyncProgress) -> None:
            self.sync_progress[update.store] = update
            self.broadcast(lambda: SyncChanged(update))

        if not quiet:
            self.retry_cancellations()  # `r` also retries a cancellation whose report could not be fetched
        outcome = await self.service.sync(stores, progress=None if quiet else progress)  # or the leader's
        self.live.finished(outcome, quiet=quiet)

    def consume_notifications(self) -> None:
        """SP-API notifications from SQS while this TUI leads (see amazon_tui.notifications).

        A task, not a worker: it runs for the app's life, and workers are what tests and
        benchmarks wait for when they wait for the app to settle."""
        import asyncio

        self._notifications_task = asyncio.create_task(  # until the app exits (on_unmount cancels it)
            self.service.notifications.run(asyncio.Event(), leading=lambda: self.service.leader.leading)
        )

    def on_order_seen(self, message: OrderSeen) -> None:
        self.service.mark_seen([message.order_id])

    # -- cancellation -------------------------------------------------------------------------

    def explain_refusal(self, order_id: str, store: str, refusal: str) -> str:
        """Say why an order is not canceled here and where to cancel it instead."""
        text = f"No cancellation here: {refusal}"
        if store in self.service.settings.store_names and not self.service.read_only:
            market = self.service.settings.config.store(store).market
            text += f"\nSeller Central: {seller_central_order_url(market.seller_central, order_id)}"
        self.notify(text, title="Cancel Order", severity="warning", timeout=8, markup=False)
        return text

    def ask_cancel(self, order_ids: Sequence[str], on_done: Callable[[], None] | None = None) -> None:
        """Open "Amazon Order Cancellation"; once submitted, follow Amazon's report in the background."""
        from amazon_tui.tui.screens.cancel_modal import CancelModal

        if self.service.read_only:
            self.notify("amazon-tui runs read-only: cancellation is switched off.", severity="warning")
            return

        def submitted(submissions: list[Submission] | None) -> None:
            if submissions is None:
                return
            self.report_submissions(submissions)
            if on_done is not None:
                on_done()
            if any(s.submitted for s in submissions):
                self.finish_cancellations(submissions)

        order = self.service.cached_order(order_ids[0]) if len(order_ids) == 1 else None
        buyer_reason = order.buyer_cancellation_reason if order is not None else None
        self.push_screen(CancelModal(order_ids, buyer_reason=buyer_reason), submitted)

    def report_submissions(self, submissions: list[Submission]) -> None:
        from amazon_tui.core.cancel.rules import FAILURE_MESSAGE, SUCCESS_MESSAGE

        sent = [entry.order_id for s in submissions for entry in s.submitted]
        problems = [(r.order_id, f"{FAILURE_MESSAGE} {r.describe()}") for s in submissions for r in s.refused]
        problems += [(failure.order_id, failure.describe()) for s in submissions for failure in s.failed]
        if sent:
            self.notify(SUCCESS_MESSAGE, title=", ".join(sent)[:60], timeout=6, markup=False)
        for order_id, message in problems:
            self.notify(clean(message), title=f"Order {order_id}", severity="error", timeout=12, markup=False)
        self.broadcast(lambda: OrdersChanged(tuple(sent) + tuple(order_id for order_id, _ in problems)))

    @work(group=CANCEL_FINISH_GROUP)
    async def finish_cancellations(self, submissions: list[Submission]) -> None:
        """Wait for Amazon's processing report; the orders show "Canceling…" meanwhile."""
        ids = [entry.order_id for s in submissions for entry in s.submitted]
        try:
            entries = await self.service.finish_cancellations(submissions)
        except Exception as exc:  # noqa: BLE001 - the journal keeps the feed; `r` asks Amazon again
            self.report_failure(f"Amazon's report on the cancellation of {', '.join(ids)}", exc)
            return
        self._report_final(entries)

    @work(group=CANCEL_RESUME_GROUP)
    async def drive_cancellations(self) -> None:
        """As the leader: one pass over the unfinished cancellations, whoever submitted them."""
        try:
            entries = await self.service.driver.drive()
        except Exception as exc:  # noqa: BLE001 - the journal keeps every row; the next pass tries again
            message = f"{exc}"
            if message != self._drive_failure:  # one notice per distinct failure, not one per pass
                self._drive_failure = message
                self.report_failure("Finishing the cancellations", exc)
            return
        self._drive_failure = None
        self._report_final([entry for entry in entries if entry.state.final])

    @property
    def driving(self) -> bool:
        return any(
            w.group == CANCEL_RESUME_GROUP and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for w in self.workers
        )

    def retry_cancellations(self, order_ids: Sequence[str] | None = None) -> None:
        """`r`: take the unfinished cancellations' next steps now (this TUI leads), not after the backoff."""
        pending = {entry.order_id for entry in self.service.pending_cancellations()}
        if not pending or (order_ids is not None and not pending & set(order_ids)) or self.service.read_only:
            return
        self.service.cancellations.retry_now()
        if not self.driving:
            self.drive_cancellations()

    def report_failure(self, what: str, error: object) -> None:
        """A background operation failed: notify, and show it on the screen with the key that retries."""
        from amazon_tui.tui.screens.base import BaseScreen

        self.notify(
            f"{clean(what)}: {clean(error)}", title="Failed", severity="error", timeout=10, markup=False
        )
        screen = self.screen
        if isinstance(screen, BaseScreen):
            action = next((name for name in ("refresh_order", "sync") if screen.key_for(name)), "sync")
            screen.show_failure(what, error, action, source="cancel")

    def _report_final(self, entries) -> None:
        from amazon_tui.core.cancel.rules import FAILURE_MESSAGE
        from amazon_tui.local.journal import CancelState
        from amazon_tui.tui.screens.base import BaseScreen

        for screen in self.screen_stack:
            if isinstance(screen, BaseScreen) and screen.is_mounted:
                screen.clear_failure("cancel")
        for entry in entries:
            if entry.state is CancelState.CANCELED:
                self.notify(
                    f"Order {entry.order_id}: Canceled. Status updated to canceled.", timeout=6, markup=False
                )
            elif entry.state is CancelState.FAILED:
                self.notify(
                    clean(entry.message or FAILURE_MESSAGE),
                    title=f"Order {entry.order_id}",
                    severity="error",
                    timeout=12,
                    markup=False,
                )
        if entries:
            self.broadcast(lambda: OrdersChanged(tuple(entry.order_id for entry in entries)))


def run_app(settings: Settings, mouse: bool = True) -> int:
    """Start the TUI for these settings; returns the exit code."""
    service = AppService.open(settings)
    app = AmazonTuiApp(service, mouse=mouse, own_service=True)
    result = app.run(mouse=mouse and settings.config.ui.mouse)
    return result if isinstance(result, int) else (app.return_code or 0)
