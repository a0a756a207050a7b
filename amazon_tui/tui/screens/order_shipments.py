"""Shipments on Amazon Order Details: Confirm Shipment (``s``), and the Tracking tab's rows for
packages journaled that Amazon's order does not show yet (confirming, or not confirmed and why)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen

from amazon_tui.domain.text import safe_text
from amazon_tui.tui.format import date, literal

if TYPE_CHECKING:
    from amazon_tui.domain.models import Order
    from amazon_tui.local.shipments import ShipmentRow

SHIPMENT_STATES = {
    "requested": ("Confirming…", "bold #e5c07b"),
    "sending": ("Confirming…", "bold #e5c07b"),
    "confirming": ("Sent, awaiting Amazon", "bold #e5c07b"),
    "failed": ("Not confirmed", "bold #ff5f5f"),
    "confirmed": ("Confirmed", "bold #61afef"),
}

SHIPPED_WORDS = {
    "confirmed": "Amazon's order shows the package: shipment confirmed.",
    "confirming": "Amazon accepted the shipment; its order shows it after the next sync.",
    "requested": "The shipment is journaled; the data dir's leader sends it to Amazon.",
}


def shipment_state(row: ShipmentRow) -> Text:
    """A journaled package Amazon's order does not show: where it stands, and why when it failed."""
    label, style = SHIPMENT_STATES.get(row.state.value, (row.state.value, ""))
    text = Text(label, style=style)
    if row.state.value == "failed" and row.cause:
        text.append(f": {safe_text(row.cause)}", style="")
    return text


def pending_rows(rows: Sequence[ShipmentRow], titles: Mapping[str, str | None]) -> list[tuple[Text, ...]]:
    """Tracking-tab rows (the Tracking columns) of packages Amazon's order does not show yet."""
    shown: list[tuple[Text, ...]] = []
    for row in rows:
        for item in row.items:
            shown.append(
                (
                    literal(titles.get(item.order_item_id)),
                    Text(str(item.quantity)),
                    literal(row.carrier_code),
                    literal(row.carrier_name or row.carrier_code),
                    literal(row.shipping_method),
                    literal(row.tracking_number),
                    Text(date(row.ship_date)),
                    shipment_state(row),
                )
            )
    return shown


def confirm_shipment(screen: Screen, order: Order, then: Callable[[], object]) -> None:
    """The Confirm Shipment modal over ``screen``; its outcome as a toast, then ``then()``."""
    from amazon_tui.tui.screens.ship_modal import ShipModal

    def shown(row: ShipmentRow | None) -> None:
        if row is None:
            return
        if row.state.value == "failed":
            screen.notify(
                f"Amazon did not take the shipment: {safe_text(row.cause)}", severity="error", markup=False
            )
        else:
            screen.notify(SHIPPED_WORDS.get(row.state.value, SHIPPED_WORDS["requested"]), markup=False)
        then()

    screen.app.push_screen(ShipModal(order), shown)


class ShipmentActions:
    """Amazon Order Details' shipment keys: `s` opens Confirm Shipment where a shipment can be
    confirmed (``shippable``), and says why not elsewhere (the same binding id)."""

    order: Order | None
    shippable: bool

    def action_confirm_shipment(self) -> None:
        """Confirm Shipment: the modal, then what Amazon's answer left (confirmed, or why not)."""
        screen: Any = self
        if self.order is not None and self.shippable:
            confirm_shipment(screen, self.order, lambda: screen.refresh_from_amazon(force=False))

    def action_why_not_ship(self) -> None:
        """`s` where no shipment can be confirmed: why, in the notice on the details tab."""
        screen: Any = self
        refusal = screen.service.ship_desk.refusal(self.order) if self.order is not None else None
        if refusal is not None:
            screen.show_notice(f"No shipment to confirm here: {refusal.reason}")
