"""The dashboard's sales revenue: period total, % change, lifetime sales and a sparkline."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from amazon_tui.local.store_figures import StoreStats
from amazon_tui.tui.format import amount, change, counted_apart


class RevenueChart(Vertical):
    """Sales revenue of the last 30 or 7 days (``t`` toggles, handled by the screen)."""

    DEFAULT_CSS = """
    RevenueChart { height: auto; }
    RevenueChart #revenue-figures { height: 2; }
    RevenueChart Sparkline { height: 3; margin-right: 1; }
    """

    def on_mount(self) -> None:
        self.border_title = "Sales revenue"

    def compose(self) -> ComposeResult:
        yield Static(id="revenue-figures")
        yield Sparkline([], id="revenue-spark")

    def show(self, stats: StoreStats, days: int, currency: str) -> None:
        money = stats.currency or currency
        figures = Text(no_wrap=True, overflow="ellipsis")
        figures.append(amount(stats.gmv, money), style="bold")
        figures.append(" ")
        figures.append_text(change(stats.gmv_change))
        figures.append(f" · last {days} days ")
        figures.append("(t: 30/7)", style="dim")
        figures.append(f"\nLifetime sales {amount(stats.lifetime, money)}")
        if apart := counted_apart(stats):
            figures.append(f" · {apart}", style="dim")
        self.query_one("#revenue-figures", Static).update(figures)
        self.query_one("#revenue-spark", Sparkline).data = [float(v) for v in stats.daily] or [0.0]
