"""Seller Central links of a marketplace: names and URLs, names only when narrow; Enter or `y` copies one."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from amazon_tui.domain.values import Marketplace

LINKS = (
    ("Shipping", "/sbr#shipping_templates", "set up your shipping rates"),
    ("Taxes", "/tax/nexus/settings", "edit your tax rates"),
    ("Payments", "/payments/dashboard", "bank account settings"),
    ("Notifications", "/notifications/preferences", "notification preferences"),
    ("Category Approval", "/approvalrequest", "request approval for categories"),
)


def seller_central_links(market: Marketplace) -> list[tuple[str, str]]:
    return [(name, market.seller_central + path) for name, path, _ in LINKS]


NAMES_ONLY_BELOW = 140  # terminal width under which the URLs are left out (Enter or y still copies)


class SellerCentralLinks(OptionList):
    """One line per link: name and URL (the name alone in narrow terminals)."""

    BINDINGS = [Binding("y", "copy_link", "Copy URL", show=False, id="copy-link")]
    DEFAULT_CSS = """
    SellerCentralLinks { height: auto; max-height: 7; border: none; padding: 0; }
    """

    def __init__(self, market: Marketplace, *, id: str | None = None) -> None:
        self.links = seller_central_links(market)
        self.names_only: bool | None = None
        super().__init__(*[Option(name, id=url) for name, url in self.links], id=id)
        self.border_title = "Seller Central links"

    def on_mount(self) -> None:
        self._fit(self.app.size.width)

    def on_resize(self) -> None:
        self._fit(self.app.size.width)

    def _fit(self, terminal_width: int) -> None:
        names_only = terminal_width < NAMES_ONLY_BELOW
        if names_only == self.names_only:
            return
        self.names_only = names_only
        for name, url in self.links:
            prompt = (
                Text(name, style="bold")
                if names_only
                else Text.assemble((f"{name:<18}", "bold"), (url, "underline #5fa8ff"))
            )
            self.replace_option_prompt(url, prompt)

    def action_copy_link(self) -> None:
        if self.highlighted is not None:
            self._copy(self.links[self.highlighted][1])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._copy(str(event.option.id))

    def _copy(self, url: str) -> None:
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", timeout=3, markup=False)
