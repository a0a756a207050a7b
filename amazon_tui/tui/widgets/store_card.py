"""A store card of the Amazon Stores screen: status, GMV (30 day) with sparkline, sync state."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.content import Content
from textual.message import Message
from textual.renderables.sparkline import Sparkline as SparklineRenderable
from textual.widget import Widget

from amazon_tui.core.stores import StoreCard
from amazon_tui.core.sync.progress import SyncProgress
from amazon_tui.domain.text import safe_text
from amazon_tui.domain.values import StoreStatus
from amazon_tui.local.store_figures import AttentionCounts
from amazon_tui.tui.format import amount, change, day, last_updated

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
        return Text(f"⟳ {safe_text(progress.message)}", style="#e5c07b")
    return Text(f"⟳ Syncing… page {progress.pages}, {progress.orders} orders", style="#5fa8ff")


ATTENTION_WORDS = (  # (separator, words): the longest that fits the card is used
    (" · ", ("late", "due soon", "buyer asked to cancel")),
    (" · ", ("late", "due soon", "buyer cancel")),
    (", ", ("late", "due soon", "buyer cancel")),
    (", ", ("late", "due soon", "cancel req.")),
    (", ", ("late", "due soon", "cancel")),  # "due soon" on every card: never "due" on one only
)
ATTENTION_STYLES = ("bold #ff8c3a", "bold #e5c07b", "bold #c678dd")


def attention_text(counts: AttentionCounts, width: int) -> Text:
    """The three counts: late, due soon, buyer asked to cancel (zero counts dimmed)."""
    numbers = (counts.late, counts.due_soon, counts.buyer_cancel)
    for separator, words in ATTENTION_WORDS:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (number, word, style) in enumerate(zip(numbers, words, ATTENTION_STYLES, strict=True)):
            if index:
                text.append(separator, style="dim")
            text.append(f"{number} {word}", style=style if number else "dim")
        if text.cell_len <= width:
            break
    return text


class StoreCardWidget(Widget, can_focus=True):
    """One store; Enter (handled by the screen) is View Store.

    One widget that renders its seven lines (not a widget per line): the Amazon Stores
    screen is the first paint, and eleven widgets per card were a third of its cost.
    """

    class Chosen(Message):
        def __init__(self, store: str) -> None:
            super().__init__()
            self.store = store

    SPARK_MIN_ALPHA = 0.3  # the lowest day's bar: $primary at 30% over the card's background
    DEFAULT_CSS = """
    StoreCardWidget {
        height: 9; border: round $panel-lighten-2; padding: 0 1; margin: 0 1 0 0;
        border-title-style: bold; border-subtitle-color: $text-muted;
    }
    StoreCardWidget:focus { border: round $accent; background: $boost; }
    StoreCardWidget.-inactive { color: $text-muted; }
    """

    def __init__(self, card: StoreCard, now: datetime, index: int) -> None:
        super().__init__(id=f"card-{index}")
        self.store = card.name
        self.card = card
        self.now = now
        self.progress: SyncProgress | None = None
        self.lines: dict[str, Text] = {}
        self._spark: list[float] = [0.0]

    def on_mount(self) -> None:
        self.show(self.card, self.now)

    def _view_key(self) -> str:
        """The View Store key as bound now (``[keymap]`` view-store), as the cards have said it."""
        keys = self.app._keymap.get("view-store", "enter") if self.is_attached else "enter"
        key = keys.split(",")[0].strip()
        return "Enter" if key == "enter" else key

    def show(self, card: StoreCard, now: datetime) -> None:
        """Redraw from a fresh ``StoreCard``."""
        self.card, self.now = card, now
        market = card.marketplace
        self.border_title = Content(
            f"{market.code} · {safe_text(card.name)}"
        )  # literal: a str would be parsed as markup
        self.border_subtitle = f"{self._view_key()}: View Store"
        self.set_class(card.status is StoreStatus.INACTIVE, "-inactive")
        website = Text(safe_text(card.config.magento_website or "no Magento website"))
        website.append("  ")
        website.append("● ", style=STATUS_STYLES[card.status])
        website.append(card.status.value)
        stats = card.stats
        gmv = Text("GMV (30 day) ")
        gmv.append(amount(stats.gmv, stats.currency or market.currency), style="bold")
        if stats.elsewhere or stats.unsummed:
            gmv.append(" +", style="dim")  # more in other currencies: the dashboard says what
        self._set_lines(
            website=website,
            created=Text(f"Created {day(card.created)}"),
            updated=Text(f"Last Updated {last_updated(card.last_sync)}"),
            gmv=gmv,
            change=change(stats.gmv_change),
            awaiting=Text(f"{stats.awaiting_shipment} orders awaiting shipment"),
        )
        self._spark = [float(value) for value in stats.daily] or [0.0]
        self._show_state()

    def show_last_sync(self, last_sync: datetime | None) -> None:
        """Redraw "Last Updated" when (and only when) its text changes."""
        text = f"Last Updated {last_updated(last_sync)}"
        if "updated" not in self.lines or text != self.lines["updated"].plain:
            self._set_lines(updated=Text(text))
            self.refresh()

    def set_progress(self, progress: SyncProgress | None) -> None:
        self.progress = progress
        self._show_state()

    def _show_state(self) -> None:
        line = progress_text(self.progress)
        if line is None and self.card.error:
            line = Text(f"⚠ {safe_text(self.card.error)}", style="#ff8c3a")
        if line is None and self.card.status is StoreStatus.INACTIVE:
            line = Text("Inactive: not synced", style="dim")
        self._set_lines(state=line or attention_text(self.card.attention, self.content_size.width or 34))
        self.refresh()

    def _set_lines(self, **lines: Text) -> None:
        """Keep these lines, each cut to one line with an ellipsis."""
        for text in lines.values():
            text.no_wrap, text.overflow = True, "ellipsis"
        self.lines.update(lines)

    def on_resize(self) -> None:
        self._show_state()

    def render(self) -> RenderResult:
        if not self.lines:
            return ""
        width = self.content_size.width
        _, base = self.background_colors
        # The theme's $primary, read at each render (a theme switch re-renders), not component
        # classes: those are restyled with the card at every mount, resume and focus change,
        # two virtual nodes per card: 26 of the 63 style applications of the first screen.
        primary = Color.parse(self.app.theme_variables["primary"])
        spark = SparklineRenderable(
            self._spark,
            width=max(1, width - 1 - self.lines["change"].cell_len),
            min_color=(base + primary.with_alpha(self.SPARK_MIN_ALPHA)).rich_color,
            max_color=(base + primary).rich_color,
        )
        spark_row = Table.grid(expand=True, padding=(0, 0, 0, 1), collapse_padding=True, pad_edge=False)
        spark_row.add_column(ratio=1, no_wrap=True)
        spark_row.add_column(no_wrap=True)
        spark_row.add_row(spark, self.lines["change"])
        lines = self.lines
        return Group(
            lines["website"],
            lines["created"],
            lines["updated"],
            lines["gmv"],
            spark_row,
            lines["awaiting"],
            lines["state"],
        )

    def on_click(self) -> None:
        self.focus()
        self.post_message(self.Chosen(self.store))
