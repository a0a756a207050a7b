"""The filter form of All Amazon Orders (ASC's grid filters); Apply posts the new query."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label

from amazon_tui.domain.models import FILTER_TEXT_LIMIT, TOTAL_LIMIT, OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.tui.widgets.tick_box import TickBox

# ASC's checkboxes in ASC's order. ASC's "Completed" is the Magento state of a Shipped order:
# SP-API has no such status, so it is not offered (filter Shipped instead).
STATUS_BOXES = (
    ("Error", OrderStatus.UNFULFILLABLE),
    ("Pending", OrderStatus.PENDING),
    ("Shipped", OrderStatus.SHIPPED),
    ("Canceled", OrderStatus.CANCELLED),
    ("Unshipped", OrderStatus.UNSHIPPED),
    ("Partially Shipped", OrderStatus.PARTIALLY_SHIPPED),
    ("Pending Availability", OrderStatus.PENDING_AVAILABILITY),
)


class StillInput(Input):
    """An Input whose cursor does not blink (no bytes go over SSH while it idles), and that takes
    no more than a filter may hold (a paste of 100,000 characters is cut, not searched for)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", FILTER_TEXT_LIMIT)
        super().__init__(*args, **kwargs)

    def on_mount(self) -> None:
        self.cursor_blink = False


class FilterError(ValueError):
    """A filter value that cannot be read; the message names the field."""


def parse_day(text: str, field: str, *, end: bool = False) -> datetime | None:
    if not text.strip():
        return None
    try:
        value = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise FilterError(f"{field}: use YYYY-MM-DD") from None
    return datetime.combine(value, time.max if end else time.min, tzinfo=UTC)


def parse_amount(text: str, field: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise FilterError(f"{field}: not a number") from None
    if not value.is_finite():
        raise FilterError(f"{field}: not a number")
    if abs(value) > TOTAL_LIMIT:
        raise FilterError(f"{field}: at most {TOTAL_LIMIT:,}")
    return value


class FilterForm(Vertical):
    """Purchase Date min/max, Order Number, Buyer's Name, Total min/max, Status checkboxes."""

    class Applied(Message):
        def __init__(self, query: OrderQuery) -> None:
            super().__init__()
            self.query = query

    DEFAULT_CSS = """
    FilterForm { height: auto; padding: 0 1; background: $boost; }
    FilterForm Horizontal { height: 1; margin-bottom: 0; }
    FilterForm Label { width: auto; padding-right: 1; color: $text-muted; }
    FilterForm Input { width: 1fr; margin-right: 1; }
    FilterForm #status-boxes {
        height: auto; layout: grid; grid-size: 3; grid-rows: 1;
        grid-columns: auto auto 1fr; grid-gutter: 0 2;
    }
    FilterForm Checkbox { margin: 0; width: auto; }
    FilterForm #filter-buttons Button { margin-right: 2; }
    """

    def __init__(self, query: OrderQuery, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.base = query

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("Purchase Date from")
            yield StillInput(placeholder="YYYY-MM-DD", id="f-from", compact=True)
            yield Label("to")
            yield StillInput(placeholder="YYYY-MM-DD", id="f-to", compact=True)
        with Horizontal():
            yield Label("Order Number")
            yield StillInput(id="f-number", compact=True)
            yield Label("Buyer's Name")
            yield StillInput(id="f-buyer", compact=True)
        with Horizontal():
            yield Label("Total min")
            yield StillInput(id="f-min", compact=True)
            yield Label("max")
            yield StillInput(id="f-max", compact=True)
        with Vertical(id="status-boxes"):
            for label, status in STATUS_BOXES:
                yield TickBox(label, name=status.value, compact=True)
        with Horizontal(id="filter-buttons"):
            yield Button("Apply filters", id="apply", variant="primary", compact=True)
            yield Button("Clear all filters", id="clear", compact=True)

    def on_mount(self) -> None:
        self.load(self.base)

    def load(self, query: OrderQuery) -> None:
        """Show ``query``'s filters in the form."""
        self.base = query
        values = {
            "#f-from": query.purchased_from.strftime("%Y-%m-%d") if query.purchased_from else "",
            "#f-to": query.purchased_to.strftime("%Y-%m-%d") if query.purchased_to else "",
            "#f-number": query.order_number or "",
            "#f-buyer": query.buyer_name or "",
            "#f-min": str(query.total_min) if query.total_min is not None else "",
            "#f-max": str(query.total_max) if query.total_max is not None else "",
        }
        for selector, value in values.items():
            self.query_one(selector, Input).value = value
        for box in self.query(Checkbox):
            box.value = OrderStatus(box.name) in query.statuses

    def query_from_form(self) -> OrderQuery:
        value = lambda ident: self.query_one(ident, Input).value  # noqa: E731
        statuses = tuple(OrderStatus(box.name) for box in self.query(Checkbox) if box.value)
        return self.base.model_copy(
            update={
                "purchased_from": parse_day(value("#f-from"), "Purchase Date from"),
                "purchased_to": parse_day(value("#f-to"), "Purchase Date to", end=True),
                "order_number": value("#f-number").strip() or None,
                "buyer_name": value("#f-buyer").strip() or None,
                "total_min": parse_amount(value("#f-min"), "Total min"),
                "total_max": parse_amount(value("#f-max"), "Total max"),
                "statuses": statuses,
            }
        )

    def apply(self) -> None:
        try:
            query = self.query_from_form()
        except FilterError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.post_message(self.Applied(query))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self.apply()
        else:
            for box in self.query(Input):
                box.value = ""
            for check in self.query(Checkbox):
                check.value = False
            self.apply()
