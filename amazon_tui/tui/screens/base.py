"""What every screen shares: the breadcrumb on top, the footer below, the service at hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from amazon_tui.tui.widgets.breadcrumb import Breadcrumb

if TYPE_CHECKING:
    from amazon_tui.service import AppService
    from amazon_tui.tui.app import AmazonTuiApp


class BaseScreen(Screen):
    """A drill-down level: subclasses give ``trail()`` and ``compose_body()``."""

    BINDINGS = [Binding("escape", "back", "Back", id="back")]
    HELP = ""

    @property
    def service(self) -> AppService:
        return self.app.service  # type: ignore[attr-defined]

    @property
    def tui(self) -> AmazonTuiApp:
        return self.app  # type: ignore[return-value]

    def trail(self) -> list[str]:
        return ["Amazon Stores"]

    def compose(self) -> ComposeResult:
        yield Breadcrumb(self.trail(), sandbox=self.service.settings.sandbox, read_only=self.service.read_only)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")

    def update_trail(self) -> None:
        self.query_one(Breadcrumb).set_trail(self.trail())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
