"""Wire models of Magento's ``salesShipmentRepositoryV1`` payload (the subset read), and mapping.

Magento writes its times as ``YYYY-MM-DD HH:MM:SS`` in UTC; quantities may be decimals
(``1.0000``). A shipment item that is a configurable product's child is listed once, with the
simple product's SKU.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from amazon_tui.clients.magento.models import Wire
from amazon_tui.domain.shipping import MagentoShipment, ShipmentLine, Track


def magento_time(text: str | None) -> datetime | None:
    """A Magento timestamp (UTC, no zone), None when absent or unreadable."""
    if not text:
        return None
    for shape in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"):
        try:
            parsed = datetime.strptime(text.strip(), shape)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


class ShipmentItem(Wire):
    sku: str | None = None
    qty: Decimal = Decimal(0)
    price: Decimal | None = None
    order_item_id: int | None = None
    parent_id: int | None = None


class ShipmentTrack(Wire):
    carrier_code: str | None = None
    title: str | None = None
    track_number: str | None = None


class Shipment(Wire):
    entity_id: int
    order_id: int
    increment_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    items: tuple[ShipmentItem, ...] = ()
    tracks: tuple[ShipmentTrack, ...] = ()

    def to_domain(self) -> MagentoShipment:
        lines, unreadable = _lines(self.items)
        return MagentoShipment(
            entity_id=self.entity_id,
            order_entity_id=self.order_id,
            increment_id=self.increment_id,
            created_at=magento_time(self.created_at),
            updated_at=magento_time(self.updated_at),
            lines=lines,
            unreadable=unreadable,
            tracks=tuple(
                Track(carrier_code=t.carrier_code, title=t.title, number=t.track_number) for t in self.tracks
            ),
        )


def _lines(items: tuple[ShipmentItem, ...]) -> tuple[tuple[ShipmentLine, ...], tuple[str, ...]]:
    """The shipment's lines, and those no package can hold ("SKU × 1.5", "SKU × -1").

    A configurable product is listed twice by Magento: the parent line (with the price) and the
    simple child's line (price 0), both with the simple product's SKU; the child's is left out,
    so the unit counts once. A line of quantity 0 ships nothing.
    """
    priced = {item.sku for item in items if item.price}
    lines, unreadable = [], []
    for item in items:
        if item.qty == 0 or (item.price == 0 and item.sku in priced):
            continue
        if item.qty < 0 or item.qty != int(item.qty):
            unreadable.append(f"{item.sku or '(no SKU)'} × {item.qty.normalize():f}")
            continue
        lines.append(ShipmentLine(sku=item.sku, qty=int(item.qty)))
    return tuple(lines), tuple(unreadable)
