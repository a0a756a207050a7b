"""SP-API Orders v0 ``confirmShipment``: tell Amazon a package of an order has shipped.

Orders 2026-01-01 has no equivalent; v0's operation is not deprecated. Amazon answers 204 with
no body: accepted, not yet applied — the order itself says when the package is there.
"""

from __future__ import annotations

from urllib.parse import quote

from amazon_tui.clients.amazon.base import SpApiService
from amazon_tui.domain.shipping import PackageConfirmation
from amazon_tui.domain.values import format_timestamp

SHIPMENT_PATH = "/orders/v0/orders/{order_id}/shipmentConfirmation"


def confirmation_body(package: PackageConfirmation, marketplace_id: str) -> dict[str, object]:
    """The ``ConfirmShipmentRequest`` of one package (ordersV0.json), absent fields left out."""
    detail: dict[str, object] = {
        "packageReferenceId": package.package_reference_id,
        "carrierCode": package.carrier_code,
        "trackingNumber": package.tracking_number,
        "shipDate": format_timestamp(package.ship_date),
        "orderItems": [
            {"orderItemId": item.order_item_id, "quantity": item.quantity} for item in package.items
        ],
    }
    if package.carrier_name:
        detail["carrierName"] = package.carrier_name
    if package.shipping_method:
        detail["shippingMethod"] = package.shipping_method
    return {"marketplaceId": marketplace_id, "packageDetail": detail}


class ShipmentsClient(SpApiService):
    """Shipment confirmations of one seller."""

    async def confirm_shipment(
        self, order_id: str, package: PackageConfirmation, marketplace_id: str
    ) -> None:
        """Confirm one package. Not repeated after an answer that may have been applied: a lost
        answer is settled from the order (its packages), never by sending blindly."""
        await self._call_without_answer(
            "confirmShipment",
            "POST",
            SHIPMENT_PATH.format(order_id=quote(order_id, safe="")),
            json=confirmation_body(package, marketplace_id),
            safe_to_repeat=False,
        )
