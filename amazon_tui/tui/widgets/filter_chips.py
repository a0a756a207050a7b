"""Active filters of All Amazon Orders as removable chips, plus "Clear all filters"."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.await_remove import AwaitRemove
from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import Button, Static

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.text import safe_text
from amazon_tui.tui.format import day
from amazon_tui.tui.widgets.focus import focus_now

EMPTY = {
    "purchased_from": None,
    "purchased_to": None,
    "order_number": None,
    "buyer_name": None,
    "total_min": None,
    "total_max": None,
    "statuses": (),
    "quick": None,
}


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def chips(query: OrderQuery) -> list[tuple[str, str]]:
    """(field, label) of every active filter of ``query``."""
    found: list[tuple[str, str]] = []
    if query.purchased_from:
        found.append(("purchased_from", f"Purchase Date from {day(query.purchased_from)}"))
    if query.purchased_to:
        found.append(("purchased_to", f"Purchase Date to {day(query.purchased_to)}"))
    if query.order_number:
        found.append(("order_number", f"Order Number: {safe_text(query.order_number)}"))
    if query.buyer_name:
        found.append(("buyer_name", f"Buyer's Name: {safe_text(query.buyer_name)}"))
    if query.total_min is not None:
        found.append(("total_min", f"Total ≥ {_money(query.total_min)}"))
    if query.total_max is not None:
        found.append(("total_max", f"Total ≤ {_money(query.total_max)}"))
    if query.statuses:
        found.append(("statuses", "Status: " + ", ".join(status.label for status in query.statuses)))
    if query.quick:
        found.append(("quick", f"/ {safe_text(query.quick)}"))
    return found


def without(query: OrderQuery, field: str | None) -> OrderQuery:
    """The query without one filter (all filters when ``field`` is None)."""
    return query.model_copy(update=EMPTY if field is None else {field: EMPTY[field]})


class FilterChips(HorizontalScroll):
    """One line of chips; pressing a chip removes its filter.

    By key: the screen's `x` focuses the first chip; ←/→ (h/l) move between them, Enter,
    Delete, Backspace or x drop the focused one, Escape returns to the list.
    """

    BINDINGS = [
        Binding("left,h", "step(-1)", "Previous chip", show=False, id="chip-previous"),
        Binding("right,l", "step(1)", "Next chip", show=False, id="chip-next"),
        Binding("delete,backspace,x", "drop", "Drop filter", id="chip-drop"),
    ]

    class Removed(Message):
        """``field``'s filter is to go (None: every filter); ``index``: where its chip was."""

        def __init__(self, field: str | None, index: int = 0) -> None:
            super().__init__()
            self.field = field
            self.index = index

    DEFAULT_CSS = """
    FilterChips { height: 1; scrollbar-size-horizontal: 0; }
    FilterChips Button { margin-right: 1; min-width: 0; }
    FilterChips Static { width: auto; color: $text-muted; }
    FilterChips Button:focus { text-style: reverse bold; }
    FilterChips:focus > Static { text-style: reverse; }
    """

    _removing: AwaitRemove | None = None
    _mounting: AwaitMount | None = None

    @property
    def buttons(self) -> list[Button]:
        return list(self.query(Button))

    def focus_first(self) -> bool:
        """Focus the first chip; False when there is none."""
        buttons = self.buttons
        if buttons:
            focus_now(buttons[0])
        return bool(buttons)

    def action_step(self, step: int) -> None:
        buttons = self.buttons
        focused = self.screen.focused
        if buttons and focused in buttons:
            index = (buttons.index(focused) + step) % len(buttons)
            buttons[index].focus()
            self.scroll_to_widget(buttons[index], animate=False)

    def action_drop(self) -> None:
        focused = self.screen.focused
        if isinstance(focused, Button) and focused in self.buttons:
            focused.press()

    def show(self, query: OrderQuery) -> None:
        self._removing = self.remove_children()
        active = chips(query)
        if not active:
            self._mounting = self.mount(Static("No filters · f: filters · /: quick filter"))
            return
        widgets = [
            Button(Text(f"{label} ✕"), name=field, compact=True, classes="chip") for field, label in active
        ]
        widgets.append(Button("Clear all filters", name="", compact=True, variant="warning"))
        self._mounting = self.mount_all([*widgets, Static("x: pick one to drop")])

    async def pick(self, index: int) -> None:
        """Once the chips shown last are mounted, focus the filter's chip at ``index`` (or the last
        one; never "Clear all filters"), or the row itself when no filter is left (Escape then
        returns to the list)."""
        for pending in (self._removing, self._mounting):
            if pending is not None:
                await pending
        filters = [button for button in self.buttons if button.has_class("chip")]  # not "Clear all"
        if filters:
            focus_now(filters[min(index, len(filters) - 1)])
        else:
            focus_now(self)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Removed(event.button.name or None, self.buttons.index(event.button)))
