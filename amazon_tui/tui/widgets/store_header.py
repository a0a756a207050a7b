"""The store header of the dashboard: flag, Store Name, Magento Website, Status, Created, Last Updated.

The fields are packed into as few lines as the width allows (two at 80 columns, three at the
minimum width); a field is never split across lines, and one longer than a line ends with an
ellipsis.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from amazon_tui.core.stores import StoreCard
from amazon_tui.domain.text import safe_text
from amazon_tui.tui.format import day, last_updated, pack
from amazon_tui.tui.widgets.store_card import STATUS_STYLES


def _field(label: str, value: str, style: str = "") -> Text:
    return Text.assemble((f"{label}: ", "dim"), (value, style))


class StoreHeader(Widget):
    DEFAULT_CSS = """
    StoreHeader { height: auto; padding: 0 1; background: $boost; }
    """

    last_sync_text = ""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields: list[Text] = []

    def show(self, card: StoreCard) -> None:
        self.last_sync_text = last_updated(card.last_sync)
        status = Text.assemble(("Status: ", "dim"), ("● ", STATUS_STYLES[card.status]), card.status.value)
        self.fields = [
            Text.assemble(
                (f"{card.marketplace.code} ", "bold reverse"),
                " ",
                _field("Store Name", safe_text(card.name), "bold"),
            ),
            _field("Magento Website", safe_text(card.config.magento_website or "—")),
            status,
            _field("Created", day(card.created)),
            _field("Last Updated", self.last_sync_text),
        ]
        if card.error:
            self.fields.append(Text(f"⚠ {safe_text(card.error)}", style="#ff8c3a"))
        self.refresh(layout=True)

    def render(self) -> Text:
        return pack(self.fields, self.content_size.width or 78)
