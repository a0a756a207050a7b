"""Magento shipments: what a warehouse makes in Magento when it ships an order.

Shape: Magento's SalesDataShipmentInterface (salesShipmentRepositoryV1), with its items
(SalesDataShipmentItemInterface) and tracks (SalesDataShipmentTrackInterface). Shipping moves
the order as Magento does: each item's `qty_shipped` grows, and the order becomes complete once
nothing is left to ship. Amazon is not told: that is the seller's integration's job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from .clock import magento_time
from .db import Database
from .magento_orders import item_views

# Magento's own titles of its carriers' tracks (Magento_Ups, Magento_Usps, Magento_Fedex, Magento_Dhl)
CARRIER_TITLES = {
    "ups": "United Parcel Service",
    "usps": "United States Postal Service",
    "fedex": "Federal Express",
    "dhl": "DHL",
}
CANNOT_SHIP = "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created."


class ShipmentRefused(ValueError):
    """Magento refused to create the shipment (the message is Magento's)."""


def remaining_to_ship(item: dict) -> int:
    """What Magento still lets ship of an order item (ordered, less shipped, refunded, canceled)."""
    return max(
        0,
        int(item["qty_ordered"])
        - int(item.get("qty_shipped") or 0)
        - int(item.get("qty_refunded") or 0)
        - int(item.get("qty_canceled") or 0),
    )


def create_shipment(
    db: Database,
    order: dict,
    *,
    carrier_code: str,
    title: str | None,
    track_number: str,
    items: Mapping[str, int] | None,
    now: datetime,
) -> dict:
    """Ship `items` ({sku: qty}; None: everything not yet shipped) of the Magento `order` with
    one track; saves the shipment and the order; returns the shipment. ShipmentRefused when
    Magento would refuse (closed order, unknown SKU, nothing or too much to ship)."""
    carrier_code, title, lines = _checked(order, carrier_code, title, track_number, items)
    stamp = magento_time(now)
    entity_id = db.next_sequence("magento_shipment_id")
    store_id = order["store_id"]
    number = db.next_sequence(f"magento_shipment_increment:{store_id}")
    increment_id = f"{number:09d}" if store_id == 1 else f"{store_id}{number:08d}"
    shipment_items = []
    for item, qty in lines:
        shipment_items.append(
            {
                "entity_id": db.next_sequence("magento_shipment_item_id"),
                "name": item["name"],
                "parent_id": entity_id,
                "price": item["price"],
                "product_id": item["product_id"],
                "sku": item["sku"],
                "weight": item.get("weight", 1),
                "order_item_id": item["item_id"],
                "qty": qty,
            }
        )
    shipment = {
        "billing_address_id": order.get("billing_address_id"),
        "created_at": stamp,
        "email_sent": None,
        "entity_id": entity_id,
        "increment_id": increment_id,
        "order_id": order["entity_id"],
        "packages": [],
        "shipping_address_id": order["entity_id"] * 2 - 1,
        "store_id": store_id,
        "total_qty": sum(qty for _, qty in lines),
        "updated_at": stamp,
        "items": shipment_items,
        "tracks": [_track(db, order, entity_id, stamp, track_number, title, carrier_code)],
        "comments": [],
    }
    shipped = {item["item_id"]: qty for item, qty in lines}
    for view in item_views(order):
        view["qty_shipped"] = int(view.get("qty_shipped") or 0) + shipped.get(view["item_id"], 0)
        if view["item_id"] in shipped:
            view["updated_at"] = stamp
    if not any(remaining_to_ship(item) for item in order["items"]):
        order["state"] = "complete"
        order["status"] = "complete"
    order["updated_at"] = stamp
    with db.transaction():
        db.insert_magento_shipment(shipment)
        db.save_magento_order(order)
    return shipment


def _checked(
    order: dict, carrier_code: str, title: str | None, track_number: str, items: Mapping[str, int] | None
) -> tuple[str, str, list[tuple[dict, int]]]:
    """The carrier code, the track's title and the lines to ship, as Magento checks them."""
    carrier_code = (carrier_code or "").strip().lower()
    if not carrier_code:
        raise ShipmentRefused('"carrier_code" is required. Enter and try again.')
    if not isinstance(track_number, str) or not track_number.strip():
        raise ShipmentRefused('"track_number" is required. Enter and try again.')
    title = (title or "").strip() or CARRIER_TITLES.get(carrier_code)
    if not title:
        raise ShipmentRefused('"title" is required for a custom carrier. Enter and try again.')
    if order["state"] in ("closed", "canceled", "complete", "holded"):
        raise ShipmentRefused(CANNOT_SHIP)
    lines = _lines(order, items)
    if not lines:
        raise ShipmentRefused(CANNOT_SHIP)
    return carrier_code, title, lines


def _lines(order: dict, items: Mapping[str, int] | None) -> list[tuple[dict, int]]:
    """(order item, qty to ship) pairs; ShipmentRefused for an unknown SKU or a wrong quantity."""
    if items is None:
        return [(item, remaining_to_ship(item)) for item in order["items"] if remaining_to_ship(item)]
    by_sku = {item["sku"]: item for item in order["items"]}
    lines = []
    for sku, qty in items.items():
        item = by_sku.get(sku)
        if item is None:
            raise ShipmentRefused(f'The order has no item with SKU "{sku}".')
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
            raise ShipmentRefused(f'Invalid quantity "{qty}" for SKU "{sku}".')
        if qty > remaining_to_ship(item):
            raise ShipmentRefused(
                "Shipment Document Validation Error(s):\n"
                f'The quantity to ship of SKU "{sku}" is more than what is left to ship.'
            )
        if qty:
            lines.append((item, qty))
    return lines


def _track(
    db: Database, order: dict, shipment_id: int, stamp: str, number: str, title: str, carrier_code: str
) -> dict:
    """The shipment's one track, as Magento's salesShipmentTrackRepositoryV1 writes it."""
    return {
        "order_id": order["entity_id"],
        "created_at": stamp,
        "entity_id": db.next_sequence("magento_track_id"),
        "parent_id": shipment_id,
        "updated_at": stamp,
        "weight": None,
        "qty": None,
        "description": None,
        "track_number": number.strip(),
        "title": title,
        "carrier_code": carrier_code,
    }


def shipments_of(db: Database, amazon_order_id: str) -> list[dict]:
    """The Magento shipments of the Magento order holding this Amazon order, oldest first."""
    order = db.magento_order_for_amazon(amazon_order_id)
    if order is None:
        return []
    rows = db.query(
        "SELECT doc FROM magento_shipments WHERE order_id = ? ORDER BY entity_id", (order["entity_id"],)
    )
    return [json.loads(row["doc"]) for row in rows]
