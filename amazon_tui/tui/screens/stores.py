"""Amazon Stores: one card per configured store; arrows/hjkl move, Enter = View Store."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from amazon_tui.domain.text import safe_text
from amazon_tui.tui.format import pack
from amazon_tui.tui.messages import OrdersChanged, SyncChanged
from amazon_tui.tui.requests import OpenStore, SyncNow
from amazon_tui.tui.screens.base import BaseScreen
from amazon_tui.tui.widgets.store_card import StoreCardWidget

COLUMNS_WIDE = 3


class StoresScreen(BaseScreen):
    """The start screen."""

    _shown_once = False  # the first resume comes right after compose built the cards from fresh data

    HELP = (
        "Every configured Amazon store. Cards show cached data at once and update while the sync runs; "
        "each counts its late orders, orders due soon (ui.due_soon_hours) "
        "and buyers' cancellation requests ({attention} lists them). "
        "{view-store} opens the store; {sync} syncs now."
    )
    BINDINGS = [
        Binding("enter", "view_store", "View Store", id="view-store"),
        Binding("left,h", "move(0,-1)", "Left", show=False, id="card-left"),
        Binding("right,l", "move(0,1)", "Right", show=False, id="card-right"),
        Binding("up,k", "move(-1,0)", "Up", show=False, id="card-up"),
        Binding("down,j", "move(1,0)", "Down", show=False, id="card-down"),
        Binding("r", "sync", "Sync now", id="sync"),
        Binding("exclamation_mark", "app.attention", "Attention", id="attention"),
        Binding("escape", "back", "Back", show=False, id="back"),
    ]

    def compose_body(self) -> ComposeResult:
        now = self.service.clock()
        with VerticalScroll(id="stores"), Grid(id="cards"):
            for index, card in enumerate(self.service.store_cards()):
                yield StoreCardWidget(card, now, index)
        self._leader_shown = self.context.live.status_now()
        yield Static(self._leader_text(self._leader_shown), id="leader-status")

    def _leader_text(self, status: str) -> Text:
        """The status line's parts (" · ") packed into lines of the screen's width, never cut mid-part."""
        text = pack(
            [Text(safe_text(part)) for part in status.split(" · ")],
            max(20, (self.app.size.width or 80) - 2),
            gap=" · ",
        )
        text.stylize("dim")
        return text

    def show_leader(self, status: str) -> None:
        """Which process leads the data dir, and the last sync (from the follow loop)."""
        if status != self._leader_shown:
            self._leader_shown = status
            self.query_one("#leader-status", Static).update(self._leader_text(status))

    def on_mount(self) -> None:
        self._layout()
        cards = self.cards
        if cards:
            cards[0].focus()
        for card in cards:
            card.set_progress(self.context.sync_progress.get(card.store))

    def on_resize(self) -> None:
        self._layout()
        self.query_one("#leader-status", Static).update(self._leader_text(self._leader_shown))

    @property
    def columns(self) -> int:
        width = self.size.width or 80
        return COLUMNS_WIDE if width >= 120 else 2 if width >= 70 else 1

    def _layout(self) -> None:
        self.query_one("#cards", Grid).styles.grid_size_columns = self.columns

    @property
    def cards(self) -> list[StoreCardWidget]:
        return list(self.query(StoreCardWidget))

    def focused_card(self) -> StoreCardWidget | None:
        focused = self.focused
        return focused if isinstance(focused, StoreCardWidget) else None

    def action_move(self, rows: int, columns: int) -> None:
        cards = self.cards
        current = self.focused_card()
        if not cards:
            return
        index = cards.index(current) if current in cards else 0
        target = index + rows * self.columns + columns
        if 0 <= target < len(cards):
            cards[target].focus()
            cards[target].scroll_visible()

    def action_view_store(self) -> None:
        card = self.focused_card()
        if card is not None:
            self.request(OpenStore(card.store))

    def on_store_card_widget_chosen(self, message: StoreCardWidget.Chosen) -> None:
        self.request(OpenStore(message.store))

    def sync_scope(self) -> tuple[str, ...]:
        return ()

    def action_sync(self) -> None:
        self.request(SyncNow())

    def on_sync_changed(self, message: SyncChanged) -> None:
        for card in self.cards:
            if card.store == message.progress.store:
                card.set_progress(message.progress)
                if message.progress.phase in ("done", "failed"):
                    card.show(self.service.store_card(card.store), self.service.clock())

    def on_orders_changed(self, message: OrdersChanged) -> None:
        now = self.service.clock()
        for card in self.cards:
            card.show(self.service.store_card(card.store), now)
        self.show_leader(self.context.live.status_now())

    def refresh_last_sync(self) -> None:
        """After a quiet poll: only the "Last Updated" lines, and only where they changed."""
        for card in self.cards:
            card.show_last_sync(self.service.last_sync(card.store))

    def on_screen_resume(self) -> None:
        if self._shown_once:  # coming back: another screen may have changed the orders
            self.on_orders_changed(OrdersChanged())
        self._shown_once = True
