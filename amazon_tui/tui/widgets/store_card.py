"""A store card of the Amazon Stores screen: status, GMV (30 day) with sparkline, sync state."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Sparkline, Static

from amazon_tui.domain import StoreStatus
from amazon_tui.service import AttentionCounts, StoreCard
from amazon_tui.sync import SyncProgress
from amazon_tui.tui.format import amount, change, clean, day, last_updated

STATUS_STYLES = {
    StoreStatus.ACTIVE: "green",
    StoreStatus.INACTIVE: "#8a8a8a",
    StoreStatus.AUTH_PENDING: "#ff8c3a",
    StoreStatus.INCOMPLETE: "#e5c07b",
}


def progress_text(progress: SyncProgress | None) -> Text | None:
    """The card's sync line while a sync runs (None when idle)."""
    if progress is None or progress.phase in ("done", "failed"):
        return None
    if progress.phase == "waiting":
        return Text(f"⟳ {clean(progress.message)}", style="#e5c07b")
    return Text(f"⟳ Syncing… page {progress.pages}, {progress.orders} orders", style="#5fa8ff")


ATTENTION_WORDS = (  # (separator, words): the longest that fits the card is used
    (" · ", ("late", "due soon", "buyer asked to cancel")),
    (" · ", ("late", "due soon", "buyer cancel")),
    (", ", ("late", "due soon", "buyer cancel")),
    (", ", ("late", "due soon", "cancel req.")),
    (", ", ("late", "due", "cancel req.")),
)
ATTENTION_STYLES = ("bold #ff8c3a", "bold #e5c07b", "bold #c678dd")


def attention_text(counts: AttentionCounts, width: int) -> Text:
    """The three counts: late, due soon, buyer asked to cancel (zero counts dimmed)."""
    numbers = (counts.late, counts.due_soon, counts.buyer_cancel)
    for separator, words in ATTENTION_WORDS:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (number, word, style) in enumerate(zip(numbers, words, ATTENTION_STYLES)):
            if index:
                text.append(separator, style="dim")
            text.append(f"{number} {word}", style=style if number else "dim")
        if text.cell_len <= width:
            break
    return text


class StoreCardWidget(Vertical, can_focus=True):
    """One store; Enter (handled by the screen) is View Store."""

    class Chosen(Message):
        def __init__(self, store: str) -> None:
            super().__init__()
            self.store = store

    DEFAULT_CSS = """
    StoreCardWidget {
        height: 9; border: round $panel-lighten-2; padding: 0 1; margin: 0 1 0 0;
        border-title-style: bold; border-subtitle-color: $text-muted;
    }
    StoreCardWidget:focus { border: round $accent; background: $boost; }
    StoreCardWidget.-inactive { color: $text-muted; }
    StoreCardWidget Static { height: 1; }
    StoreCardWidget Sparkline { height: 1; margin: 0; width: 1fr; }
    StoreCardWidget #spark-row { height: 1; }
    StoreCardWidget #change { width: auto; padding-left: 1; }
    """

    def __init__(self, card: StoreCard, now: datetime, index: int) -> None:
        super().__init__(id=f"card-{index}")
        self.store = card.name
        self.card = card
        self.now = now
        self.progress: SyncProgress | None = None
        self._last_sync_text = ""

    def compose(self) -> ComposeResult:
        yield Static(id="website")
        yield Static(id="created")
        yield Static(id="updated")
        yield Static(id="gmv")
        with Horizontal(id="spark-row"):
            yield Sparkline([], id="spark")
            yield Static(id="change")
        yield Static(id="awaiting")
        yield Static(id="state")

    def on_mount(self) -> None:
        self.show(self.card, self.now)

    def show(self, card: StoreCard, now: datetime) -> None:
        """Redraw from a fresh ``StoreCard``."""
        self.card, self.now = card, now
        market = card.marketplace
        self.border_title = f"{market.code} · {clean(card.name)}"
        self.border_subtitle = "Enter: View Store"
        self.set_class(card.status is StoreStatus.INACTIVE, "-inactive")
        website = Text(clean(card.config.magento_website or "no Magento website"), no_wrap=True, overflow="ellipsis")
        website.append("  ")
        website.append("● ", style=STATUS_STYLES[card.status])
        website.append(card.status.value)
        self.query_one("#website", Static).update(website)
        self.query_one("#created", Static).update(f"Created {day(card.created)}")
        self.show_last_sync(card.last_sync)
        stats = card.stats
        gmv = Text("GMV (30 day) ")
        gmv.append(amount(stats.gmv, stats.currency or market.currency), style="bold")
        self.query_one("#gmv", Static).update(gmv)
        self.query_one("#change", Static).update(change(stats.gmv_change))
        self.query_one("#spark", Sparkline).data = [float(value) for value in stats.daily] or [0.0]
        self.query_one("#awaiting", Static).update(f"{stats.awaiting_shipment} orders awaiting shipment")
        self._show_state()

    def show_last_sync(self, last_sync: datetime | None) -> None:
        """Redraw "Last Updated" when (and only when) its text changes."""
        text = f"Last Updated {last_updated(last_sync)}"
        if text != self._last_sync_text:
            self._last_sync_text = text
            self.query_one("#updated", Static).update(text)

    def set_progress(self, progress: SyncProgress | None) -> None:
        self.progress = progress
        self._show_state()

    def _show_state(self) -> None:
        line = progress_text(self.progress)
        if line is None and self.card.error:
            line = Text(f"⚠ {clean(self.card.error)}", style="#ff8c3a", no_wrap=True, overflow="ellipsis")
        if line is None and self.card.status is StoreStatus.INACTIVE:
            line = Text("Inactive: not synced", style="dim")
        self.query_one("#state", Static).update(line or attention_text(self.card.attention, self.content_size.width or 34))

    def on_resize(self) -> None:
        self._show_state()

    def on_click(self) -> None:
        self.focus()
        self.post_message(self.Chosen(self.store))
