"""Which orders take a shipment confirmation, and the words used when one does not."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from amazon_tui.domain.models import Order
from amazon_tui.domain.values import FulfilledBy, OrderStatus

SHIPPABLE = (OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED)
READ_ONLY_MESSAGE = (
    "amazon-tui runs read-only: confirming shipments is switched off (--read-only or ui.read_only)."
)


class ShipRefusalCode(str, Enum):
    """Why the app will not confirm a shipment of an order; the values are the CLI's error codes."""

    READ_ONLY = "read_only"
    AMAZON_FULFILLED = "amazon_fulfilled"
    NOT_SHIPPABLE = "not_shippable"
    NOTHING_TO_SHIP = "nothing_to_ship"


@dataclass(frozen=True)
class ShipRefusal:
    code: ShipRefusalCode
    reason: str


def ship_refusal(order: Order, *, read_only: bool) -> ShipRefusal | None:
    """Why a shipment of ``order`` will not be confirmed here (None when it will)."""
    if read_only:
        return ShipRefusal(ShipRefusalCode.READ_ONLY, READ_ONLY_MESSAGE)
    if order.fulfilled_by is FulfilledBy.AMAZON:
        return ShipRefusal(
            ShipRefusalCode.AMAZON_FULFILLED, "Amazon fulfils this order (AFN): Amazon confirms its shipment."
        )
    if order.status not in SHIPPABLE:
        return ShipRefusal(
            ShipRefusalCode.NOT_SHIPPABLE,
            f"{order.status.label} orders take no shipment confirmation: only Unshipped and "
            "Partially Shipped merchant-fulfilled orders do.",
        )
    if not any(item.quantity_unshipped > 0 for item in order.items) and order.items:
        return ShipRefusal(ShipRefusalCode.NOTHING_TO_SHIP, "Every item of this order is shipped already.")
    return None
