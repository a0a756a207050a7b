"""A Magento shipment as one package of ``confirmShipment``, or why it cannot be one.

Its lines are matched to Amazon's order items by SKU (Magento's SKU is the seller SKU the order
was imported with), quantities from the shipment, capped by what Amazon still has unshipped; its
first track with a number gives the carrier and the tracking number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from amazon_tui.domain.models import Order
from amazon_tui.domain.shipping import (
    OTHER,
    MagentoShipment,
    PackageConfirmation,
    PackageItem,
    ShipmentLine,
    amazon_carrier,
)
from amazon_tui.domain.text import safe_text


@dataclass(frozen=True)
class Unmatched:
    """Why a Magento shipment cannot be confirmed as it stands (the operator's to fix)."""

    cause: str


def package_for(
    order: Order, shipment: MagentoShipment, shipping_method: str | None
) -> PackageConfirmation | Unmatched:
    """The package confirming ``shipment`` of ``order``, or why there is none."""
    track = next((t for t in shipment.tracks if t.number and t.number.strip()), None)
    if track is None:
        return Unmatched(
            f"Magento shipment {shipment.increment_id or shipment.entity_id} has no tracking number."
        )
    label = shipment.increment_id or shipment.entity_id
    if shipment.unreadable:
        return Unmatched(
            f"Magento shipment {label} lists quantities no package holds: {', '.join(shipment.unreadable)}."
        )
    items = match_items(order, shipment.lines, f"Magento shipment {label}")
    if isinstance(items, Unmatched):
        return items
    code, name = amazon_carrier(track.carrier_code, track.title)
    if code == OTHER and not name:
        return Unmatched(
            f"Magento shipment {label}'s carrier {track.carrier_code or '(none)'} has no title: "
            "Amazon needs the name of a carrier it does not list."
        )
    for what, text in (
        ("tracking number", track.number),
        ("carrier", name),
        ("shipping method", shipping_method),
    ):
        if text and not text.isprintable():
            return Unmatched(
                f"Magento shipment {label}'s {what} {safe_text(text)!r} holds control or format "
                "characters: not sent to Amazon."
            )
    if shipment.created_at is None:
        return Unmatched(f"Magento shipment {shipment.entity_id} has no creation time.")
    try:
        return PackageConfirmation(
            package_reference_id=str(shipment.entity_id),
            carrier_code=code,
            carrier_name=name,
            shipping_method=(shipping_method or None) and shipping_method[:100],
            tracking_number=(track.number or "").strip(),
            ship_date=shipment.created_at,
            items=items,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        return Unmatched(f"Magento shipment {shipment.entity_id}: {where}: {problem['msg']}.")


def match_items(
    order: Order, lines: Sequence[ShipmentLine], what: str
) -> tuple[PackageItem, ...] | Unmatched:
    """``lines`` (SKU and quantity) on Amazon's order items with the same SKU, split in order over
    what each still has unshipped; ``what`` names the lines' source in the refusal."""
    by_sku: dict[str, list[str]] = defaultdict(list)
    unshipped: dict[str, int] = {}
    for item in order.items:
        if item.seller_sku and item.quantity_unshipped > 0:
            by_sku[item.seller_sku.casefold()].append(item.order_item_id)
            unshipped[item.order_item_id] = item.quantity_unshipped
    shipped: dict[str, int] = {}
    missing: list[str] = []
    for line in lines:
        left = line.qty
        for item_id in by_sku.get((line.sku or "").casefold(), ()):
            take = min(left, unshipped[item_id])
            if take:
                shipped[item_id] = shipped.get(item_id, 0) + take
                unshipped[item_id] -= take
                left -= take
        if left:
            missing.append(f"{line.sku or '(no SKU)'} × {left}")
    if missing:
        return Unmatched(f"{what} ships what Amazon's order does not hold unshipped: {', '.join(missing)}.")
    if not shipped:
        return Unmatched(f"{what} lists no item.")
    return tuple(PackageItem(order_item_id=item_id, quantity=qty) for item_id, qty in shipped.items())
