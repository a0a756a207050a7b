"""What every screen shares: the breadcrumb on top, the footer below, the service at hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual._styles_cache import StylesCache
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from amazon_tui.tui.context import TuiContext
from amazon_tui.tui.requests import Request
from amazon_tui.tui.size_gate import SizeGated
from amazon_tui.tui.widgets.breadcrumb import Breadcrumb
from amazon_tui.tui.widgets.error_line import ErrorLine, TooSmall
from amazon_tui.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from amazon_tui.core.causes import Cause
    from amazon_tui.core.service import AppService
    from amazon_tui.tui.messages import OrdersChanged


def release_styles_caches() -> None:
    """Let go of the rendered lines of widgets that are gone (a popped screen's).

    Textual 8.2's ``StylesCache.get_inner_outer`` is an ``lru_cache`` on an instance method
    (textual#6665): its 1,024 entries keep every painted widget's styles cache, with all the
    lines it rendered, long after the widget was removed: ~28 per Amazon Order Details opened,
    ~25 MB once full. Only two background styles per widget are recomputed on the next paint.
    """
    StylesCache.get_inner_outer.cache_clear()


CANCEL_ACTIONS = ("cancel_order",)


class BaseScreen(SizeGated, Screen):
    """A drill-down level: subclasses give ``trail()`` and ``compose_body()``."""

    BINDINGS = [Binding("escape", "back", "Back", id="back")]
    HELP = ""
    SCOPED_CSS = False
    DEFAULT_CSS = """
    BaseScreen.-too-small > * { display: none; }
    BaseScreen.-too-small > TooSmall { display: block; }
    """
    _failure_source: str | None = None

    @property
    def context(self) -> TuiContext:
        """The app as screens may read it (it implements ``TuiContext``)."""
        return cast("TuiContext", self.app)

    @property
    def service(self) -> AppService:
        return self.context.service

    def request(self, request: Request) -> None:
        """Ask the app to navigate, sync or cancel (see ``requests.py``)."""
        self.app.post_message(request)

    def trail(self) -> list[str]:
        return ["Amazon Stores"]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A read-only session offers no cancellation: its keys leave the footer and do nothing."""
        return not (action in CANCEL_ACTIONS and self.service.read_only)

    def compose(self) -> ComposeResult:
        self._set_size_classes(
            *self.app.size, update=False
        )  # now, not on the first Resize: a restyle of every widget
        yield Breadcrumb(
            self.trail(), sandbox=self.service.settings.sandbox, read_only=self.service.read_only
        )
        yield from self.compose_body()
        yield ErrorLine()
        yield KeyFooter()
        yield TooSmall()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def _set_size_classes(self, width: int, height: int, *, update: bool = True) -> bool:
        """Classes for narrow and too-small terminals; returns whether it is too small."""
        self.set_class(width < 110, "-narrow", update=update)
        return super()._set_size_classes(width, height, update=update)

    # -- failures: one line with the cause and the key that retries ---------------------------

    def key_for(self, action: str) -> str | None:
        """The key (as the footer shows it, keymap applied) bound to ``action`` on this screen."""
        for active in self.active_bindings.values():
            if active.binding.action == action:
                return self.app.get_key_display(active.binding)
        return None

    def bound_key(self, action: str) -> str | None:
        """The key bound to ``action`` in this screen's chain, whether or not it can act right now."""
        for _node, bindings in self._binding_chain:
            for key_bindings in bindings.key_to_bindings.values():
                for binding in key_bindings:
                    if binding.action == action:
                        return self.app.get_key_display(binding)
        return None

    def show_failure(self, what: str, cause: object, retry_action: str, *, source: str = "screen") -> None:
        """Show "⚠ <what>: <cause> — press <key> to retry" above the footer."""
        self._failure_source = source
        self.query_one(ErrorLine).show(
            what,
            cause,
            self.key_for(retry_action),
            when=self.service.clock(),
            details_key=self.bound_key("show_cause"),
        )

    def clear_failure(self, source: str | None = None) -> None:
        if source is None or source == self._failure_source:
            self._failure_source = None
            self.query_one(ErrorLine).clear()

    @property
    def cause(self) -> Cause | None:
        """The whole cause of the failure the error line shows (`e`), if one shows."""
        lines = self.query(ErrorLine)  # none yet while the screen is being built
        return lines.first().details if lines and lines.first().what else None

    @property
    def failure(self) -> str:
        """The failure line's full text ("" when nothing failed)."""
        return self.query_one(ErrorLine).message

    def sync_scope(self) -> tuple[str, ...] | None:
        """Stores whose sync failures this screen shows (``()``: all; None: none)."""
        return None

    def show_sync_failures(self) -> None:
        scope = self.sync_scope()
        if scope is None or not self.is_mounted:
            return
        failures = {
            store: cause for store, cause in self.context.live.failures.items() if not scope or store in scope
        }
        if failures:
            first = next(iter(failures))
            self.show_failure(
                f"Sync of {', '.join(failures)}", self.context.live.failure_of(first), "sync", source="sync"
            )
        else:
            self.clear_failure("sync")

    def on_mount(self) -> None:
        self.show_sync_failures()

    def on_orders_changed(self, _message: OrdersChanged) -> None:
        """A sync finished (or data changed): show or clear its failure line."""
        self.show_sync_failures()

    def on_screen_resume(self) -> None:
        self.show_sync_failures()

    def on_unmount(self) -> None:
        release_styles_caches()

    def update_trail(self) -> None:
        self.query_one(Breadcrumb).set_trail(self.trail())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
