"""Feeds another application of the same seller sends (an ERP, ASC itself): the sandbox's own
way to put a POST_ORDER_ACKNOWLEDGEMENT_DATA feed beside ours, listed by getFeeds like ours."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from .catalog import find_store
from .feeds import create_document, create_feed

if TYPE_CHECKING:
    from .world import SandboxWorld

ACKNOWLEDGEMENT = "POST_ORDER_ACKNOWLEDGEMENT_DATA"


def acknowledgement_xml(seller_id: str, orders: list[tuple[str, list[str]]], status_code: str) -> bytes:
    """An OrderAcknowledgement envelope: one message per (order id, item codes)."""
    envelope = ET.Element("AmazonEnvelope")
    header = ET.SubElement(envelope, "Header")
    ET.SubElement(header, "DocumentVersion").text = "1.01"
    ET.SubElement(header, "MerchantIdentifier").text = seller_id
    ET.SubElement(envelope, "MessageType").text = "OrderAcknowledgement"
    for number, (order_id, items) in enumerate(orders, start=1):
        message = ET.SubElement(envelope, "Message")
        ET.SubElement(message, "MessageID").text = str(number)
        acknowledgement = ET.SubElement(message, "OrderAcknowledgement")
        ET.SubElement(acknowledgement, "AmazonOrderID").text = order_id
        ET.SubElement(acknowledgement, "StatusCode").text = status_code
        for item in items:
            ET.SubElement(ET.SubElement(acknowledgement, "Item"), "AmazonOrderItemCode").text = item
    return ET.tostring(envelope, encoding="UTF-8", xml_declaration=True)


def send_foreign_feed(
    world: SandboxWorld, store: str, order_ids: list[str], status_code: str = "Success"
) -> str:
    """Create (uploaded and queued) another application's acknowledgement feed; its feed id.
    ``status_code`` Success acknowledges the orders; Failure cancels them."""
    seller_id = find_store(store).seller_id
    found = [world.db.amazon_order(order_id, seller_id) for order_id in order_ids]
    orders = [(o["orderId"], [item["orderItemId"] for item in o["orderItems"]]) for o in found if o]
    if len(orders) != len(order_ids):
        raise KeyError(f"not every order of {order_ids} is an order of {store}")
    document_id = create_document(world, seller_id, "text/xml; charset=UTF-8")
    content = acknowledgement_xml(seller_id, orders, status_code)
    world.db.execute("UPDATE documents SET content = ? WHERE document_id = ?", (content, document_id))
    marketplace = world.store_of(seller_id).marketplace_id
    return create_feed(world, seller_id, ACKNOWLEDGEMENT, [marketplace], document_id)
