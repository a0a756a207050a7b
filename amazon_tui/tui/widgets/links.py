"""Seller Central links of a marketplace, shown as URLs; Enter or `y` copies one."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from amazon_tui.domain import Marketplace

LINKS = (
    ("Shipping", "/sbr#shipping_templates", "set up your shipping rates"),
    ("Taxes", "/tax/nexus/settings", "edit your tax rates"),
    ("Payments", "/payments/dashboard", "bank account settings"),
    ("Notifications", "/notifications/preferences", "notification preferences"),
    ("Category Approval", "/approvalrequest", "request approval for categories"),
)


def seller_central_links(market: Marketplace) -> list[tuple[str, str]]:
    return [(name, market.seller_central + path) for name, path, _ in LINKS]


class SellerCentralLinks(OptionList):
    """One line per link: name and URL."""

    BINDINGS = [Binding("y", "copy_link", "Copy URL", show=False, id="copy-link")]
    DEFAULT_CSS = """
    SellerCentralLinks { height: auto; max-height: 7; border: none; padding: 0; }
    """

    def __init__(self, market: Marketplace, *, id: str | None = None) -> None:
        self.links = seller_central_links(market)
        options = [Option(Text.assemble((f"{name:<18}", "bold"), (url, "underline #5fa8ff"), no_wrap=True, overflow="ellipsis"), id=url) for name, url in self.links]
        super().__init__(*options, id=id)
        self.border_title = "Seller Central links"

    def action_copy_link(self) -> None:
        if self.highlighted is not None:
            self._copy(self.links[self.highlighted][1])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._copy(str(event.option.id))

    def _copy(self, url: str) -> None:
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", timeout=3, markup=False)
