"""The "Confirm Shipment" modal: carrier, tracking number, ship date; Back or Confirm, sent once.

What Seller Central's Confirm Shipment asks for, from the keyboard: the carrier from Amazon's
list (Other takes a name), the tracking number, the day the carrier took the package, and the
shipping method if any. The package holds every item still unshipped. Confirm journals it and
sends one confirmShipment; the modal closes with the journal row once Amazon answered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from amazon_tui.domain.models import Order
from amazon_tui.domain.shipping import AMAZON_CARRIERS, OTHER
from amazon_tui.domain.text import safe_text
from amazon_tui.local.shipments import ShipmentRow
from amazon_tui.tui.context import TuiContext
from amazon_tui.tui.size_gate import SizeGated
from amazon_tui.tui.widgets.error_line import TooSmall

if TYPE_CHECKING:
    from amazon_tui.core.ship.desk import ShipmentForm

HINT = "Amazon marks the order shipped and tells the buyer the tracking number."


class ShipModal(SizeGated, ModalScreen[ShipmentRow | None]):
    """Dismissed with the journal row once Amazon answered, or None when backed out."""

    BINDINGS = [Binding("escape", "back", "Back", id="ship-back")]
    DEFAULT_CSS = """
    ShipModal { align: center middle; }
    ShipModal.-too-small > #ship-dialog { display: none; }
    ShipModal.-too-small > TooSmall { display: block; }
    #ship-dialog {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    #ship-title { text-style: bold; content-align: center middle; width: 1fr; height: 1; margin-bottom: 1; }
    #ship-body { height: auto; scrollbar-size-vertical: 1; }
    .ship-row { height: 1; margin-bottom: 1; }
    .ship-label { width: 18; height: 1; }
    .ship-row Input, .ship-row Select { width: 1fr; }
    #ship-items { height: auto; margin-bottom: 1; }
    #ship-status { height: auto; margin: 1 0; }
    #ship-buttons { height: 1; align-horizontal: right; }
    #ship-buttons Button { margin-left: 2; }
    """

    def __init__(self, order: Order) -> None:
        super().__init__()
        self.order = order
        self.submitting = False

    def compose(self) -> ComposeResult:
        self._set_size_classes(*self.app.size, update=False)
        today = self._now().strftime("%Y-%m-%d")
        with Vertical(id="ship-dialog"):
            yield Static("Confirm Shipment", id="ship-title")
            with VerticalScroll(id="ship-body", can_focus=False):
                yield Static(Text.assemble(("Amazon Order Number ", "bold"), safe_text(self.order.order_id)))
                yield Static(self._items_text(), id="ship-items")
                with Horizontal(classes="ship-row"):
                    yield Static(Text.assemble(("Carrier ", "bold"), ("*", "red")), classes="ship-label")
                    yield Select(
                        [(code, code) for code in AMAZON_CARRIERS],
                        prompt="Choose a carrier",
                        compact=True,
                        id="ship-carrier",
                    )
                with Horizontal(classes="ship-row"):
                    yield Static(Text("Carrier name", style="bold"), classes="ship-label")
                    yield Input(max_length=100, compact=True, id="ship-carrier-name", placeholder="for Other")
                with Horizontal(classes="ship-row"):
                    yield Static(
                        Text.assemble(("Tracking Number ", "bold"), ("*", "red")), classes="ship-label"
                    )
                    yield Input(max_length=100, compact=True, id="ship-tracking")
                with Horizontal(classes="ship-row"):
                    yield Static(Text.assemble(("Ship Date ", "bold"), ("*", "red")), classes="ship-label")
                    yield Input(today, max_length=10, compact=True, id="ship-date", placeholder="YYYY-MM-DD")
                with Horizontal(classes="ship-row"):
                    yield Static(Text("Shipping Method", style="bold"), classes="ship-label")
                    yield Input(
                        max_length=100, compact=True, id="ship-method", placeholder="optional, e.g. Ground"
                    )
            yield Static(Text(HINT, style="dim"), id="ship-status")
            with Horizontal(id="ship-buttons"):
                yield Button("Back", id="ship-back-button", compact=True)
                yield Button("Confirm", id="ship-confirm", variant="primary", compact=True)
        yield TooSmall()

    def _now(self) -> datetime:
        return cast("TuiContext", self.app).service.clock()

    def _items_text(self) -> Text:
        lines = [
            (item.title or item.seller_sku or item.order_item_id, item.quantity_unshipped)
            for item in self.order.items
        ]
        shipped = [f"{qty} × {safe_text(title)[:40]}" for title, qty in lines if qty > 0]
        text = Text("Ships everything unshipped: ", style="bold")
        text.append("; ".join(shipped) or "—")
        return text

    def on_mount(self) -> None:
        self.query_one("#ship-carrier", Select).focus()

    def action_back(self) -> None:
        if not self.submitting:
            self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ship-confirm":
            self.confirm()
        else:
            self.action_back()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.confirm()

    def _form(self) -> ShipmentForm | str:
        """What the operator typed, or what is missing (one line)."""
        from amazon_tui.core.ship.desk import ShipmentForm

        carrier = self.query_one("#ship-carrier", Select).value
        name = self.query_one("#ship-carrier-name", Input).value.strip()
        tracking = self.query_one("#ship-tracking", Input).value.strip()
        date = self._date()
        if not isinstance(carrier, str):
            return "Choose a carrier."
        if carrier == OTHER and not name:
            return "Other needs the carrier's name."
        if not tracking:
            return "Type the tracking number."
        if date is None:
            return "The ship date is a day like 2026-12-08, not in the future."
        method = self.query_one("#ship-method", Input).value.strip()
        return ShipmentForm(
            carrier=carrier,
            carrier_name=name or None,
            tracking_number=tracking,
            ship_date=date,
            shipping_method=method or None,
        )

    def _date(self) -> datetime | None:
        text = self.query_one("#ship-date", Input).value.strip()
        try:
            value = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            return None
        now = self._now()
        if value > now:
            return None
        return now if value.date() == now.date() else value.replace(hour=12)

    def confirm(self) -> None:
        """Submit once: a second Enter while submitting does nothing."""
        if self.submitting:
            return
        form = self._form()
        if isinstance(form, str):
            self._status(Text(form, style="bold #ff8c3a"))
            return
        self.submitting = True
        self.query_one("#ship-confirm", Button).disabled = True
        self.query_one("#ship-back-button", Button).disabled = True
        self._status(Text("Confirming the shipment to Amazon…", style="bold"))
        self.submit(form)

    def _status(self, text: Text) -> None:
        self.query_one("#ship-status", Static).update(text)

    @work(exclusive=True, group="ship-submit")
    async def submit(self, form: ShipmentForm) -> None:
        from amazon_tui.core.ship.desk import ShipRefused

        try:
            row = await cast("TuiContext", self.app).service.ship_desk.ship(self.order.order_id, form)
        except ShipRefused as exc:
            self._failed(exc.refusal.reason)
            return
        except Exception as exc:  # noqa: BLE001 - shown in the modal; the operator may try again
            self._failed(str(exc))
            return
        self.dismiss(row)

    def _failed(self, cause: str) -> None:
        self.submitting = False
        status = Text("The shipment was not confirmed.", style="bold red")
        status.append(f"\n{' '.join(safe_text(cause).split())}")
        status.append("\nPress Enter to retry, Escape to go back.", style="bold")
        self._status(status)
        self.query_one("#ship-back-button", Button).disabled = False
        confirm = self.query_one("#ship-confirm", Button)
        confirm.disabled = False
        confirm.focus()
