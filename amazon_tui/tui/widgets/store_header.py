"""The store header of the dashboard and the order grid: Store Name, Magento Website, Status, dates."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from amazon_tui.service import StoreCard
from amazon_tui.tui.format import clean, day, last_updated
from amazon_tui.tui.widgets.store_card import STATUS_STYLES


class StoreHeader(Static):
    DEFAULT_CSS = """
    StoreHeader { height: 2; padding: 0 1; background: $boost; }
    """

    last_sync_text = ""

    def show(self, card: StoreCard) -> None:
        self.last_sync_text = last_updated(card.last_sync)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{card.marketplace.code} ", style="bold reverse")
        text.append(" Store Name: ", style="dim")
        text.append(clean(card.name), style="bold")
        text.append("  Magento Website: ", style="dim")
        text.append(clean(card.config.magento_website or "—"))
        text.append("\n")
        text.append("Status: ", style="dim")
        text.append("● ", style=STATUS_STYLES[card.status])
        text.append(card.status.value)
        text.append("  Created: ", style="dim")
        text.append(day(card.created))
        text.append("  Last Updated: ", style="dim")
        text.append(self.last_sync_text)
        if card.error:
            text.append(f"  ⚠ {clean(card.error)}", style="#ff8c3a")
        self.update(text)
