"""Orders v0 confirmShipment: `POST /orders/v0/orders/{orderId}/shipmentConfirmation`.

Built from the model (reference/spapi/ordersV0.json: ConfirmShipmentRequest, PackageDetail,
ConfirmShipmentOrderItem; errors as ConfirmShipmentErrorResponse). A confirmed package joins
the order's `packages` (Orders 2026-01-01's OrderPackage), its quantities become fulfilled, and
the order becomes SHIPPED or PARTIALLY_SHIPPED; subscribed sellers get an ORDER_CHANGE.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from . import seed_data as data
from .catalog import SandboxStore, store_for_seller
from .clock import iso, parse_iso
from .errors import ApiError, invalid_input
from .notifier import ORDER_STATUSES
from .orders_api import ORDER_ID
from .params import json_body
from .pipeline import RequestContext

if TYPE_CHECKING:
    from .world import SandboxWorld

SHIPPABLE = ("UNSHIPPED", "PARTIALLY_SHIPPED")
POSITIVE_NUMBER = re.compile(r"^[1-9][0-9]*$")
# Amazon's words when nothing is open to confirm (its errorMetric: PackageToUpdateNotFound)
NOTHING_TO_SHIP = "Failed to create package due to not finding a matching package or order already fulfilled."
COD_METHODS = ("DirectPayment",)


async def confirm_shipment(sandbox: SandboxWorld, request: Request, context: RequestContext) -> Response:
    order_id = request.path_params["orderId"]
    if not ORDER_ID.match(order_id):
        raise invalid_input(f"Invalid orderId: {order_id}.", "orderId")
    body = await json_body(request)
    with sandbox.mutation_lock:
        doc = sandbox.db.amazon_order(order_id, context.seller)
        if doc is None:
            raise ApiError(404, "NotFound", f"Order {order_id} was not found.", "")
        package = _validated(doc, body)
        now = sandbox.clock()
        _apply(doc, package, now, store_for_seller(context.seller))
        sandbox.db.save_amazon_order(doc)
        sandbox.notifier.order_changed(doc, context.seller, "Order Status Changed")
    return Response(status_code=204)


def _validated(doc: dict, body: dict) -> dict:
    """The request's package, checked against the model and the order; else SP-API's 400."""
    marketplace_id = body.get("marketplaceId")
    if marketplace_id is None:
        raise _missing("marketplaceId")
    if not isinstance(marketplace_id, str) or marketplace_id != doc["salesChannel"]["marketplaceId"]:
        raise invalid_input(
            f"Invalid marketplaceId: {marketplace_id}. It must be the marketplace of the order.",
            "marketplaceId",
        )
    cod = body.get("codCollectionMethod")
    if cod is not None and cod not in COD_METHODS:
        raise invalid_input(
            f"Invalid codCollectionMethod: {cod}. Allowed values: {', '.join(COD_METHODS)}.",
            "codCollectionMethod",
        )
    detail = body.get("packageDetail")
    if detail is None:
        raise _missing("packageDetail")
    if not isinstance(detail, dict):
        raise invalid_input("packageDetail must be an object.", "packageDetail")
    for name in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate", "orderItems"):
        if detail.get(name) is None:
            raise _missing(f"packageDetail.{name}")
    for name in ("packageReferenceId", "carrierCode", "carrierName", "shippingMethod", "trackingNumber"):
        value = detail.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise invalid_input(f"packageDetail.{name} must be a non-empty string.", f"packageDetail.{name}")
    reference = detail["packageReferenceId"]
    if not POSITIVE_NUMBER.match(reference):
        raise invalid_input(
            f"Invalid packageReferenceId: {reference}. Only positive numeric values are supported.",
            "packageDetail.packageReferenceId",
        )
    if detail["carrierCode"] == "Other" and not detail.get("carrierName"):
        raise invalid_input(
            "packageDetail.carrierName is required when carrierCode is Other.", "packageDetail.carrierName"
        )
    ship_date = _ship_date(detail["shipDate"])
    items = _items(doc, detail["orderItems"])
    status = doc["fulfillment"]["fulfillmentStatus"]
    if doc["fulfillment"].get("fulfilledBy") != "MERCHANT":
        raise invalid_input(
            NOTHING_TO_SHIP, f"PackageToUpdateNotFound: order {doc['orderId']} is fulfilled by Amazon."
        )
    if status not in SHIPPABLE:
        raise invalid_input(
            NOTHING_TO_SHIP,
            f"PackageToUpdateNotFound: order {doc['orderId']} is {ORDER_STATUSES.get(status, status)}.",
        )
    if any(package.get("packageReferenceId") == reference for package in doc.get("packages") or ()):
        raise invalid_input(
            f"packageReferenceId {reference} is already used by a package of order {doc['orderId']}.",
            "packageDetail.packageReferenceId",
        )
    by_id = {item["orderItemId"]: item for item in doc["orderItems"]}
    for line in items:
        unshipped = by_id[line["orderItemId"]]["fulfillment"]["quantityUnfulfilled"]
        if line["quantity"] > unshipped:
            raise invalid_input(
                f"Invalid quantity {line['quantity']} for order item {line['orderItemId']}:"
                f" only {unshipped} left to ship.",
                "packageDetail.orderItems.quantity",
            )
    carrier = detail["carrierName"] if detail["carrierCode"] == "Other" else detail["carrierCode"]
    package = {
        "packageReferenceId": reference,
        "carrier": carrier.strip(),
        "trackingNumber": detail["trackingNumber"].strip(),
        "shipTime": iso(ship_date),
        "packageItems": items,
    }
    if detail.get("shippingMethod"):
        package["shippingService"] = detail["shippingMethod"].strip()
    return package


def _ship_date(raw) -> datetime:
    if isinstance(raw, str) and "T" in raw:
        try:
            return parse_iso(raw)
        except ValueError:
            pass
    raise invalid_input(
        f"Invalid shipDate: {raw}. It must be an ISO 8601 date-time.", "packageDetail.shipDate"
    )


def _items(doc: dict, raw) -> list[dict]:
    """The package's items as OrderPackage's packageItems; each order item at most once."""
    if not isinstance(raw, list) or not raw:
        raise invalid_input(
            "packageDetail.orderItems must list at least one item.", "packageDetail.orderItems"
        )
    known = {item["orderItemId"] for item in doc["orderItems"]}
    items: list[dict] = []
    for line in raw:
        if not isinstance(line, dict):
            raise invalid_input(
                "Each of packageDetail.orderItems must be an object.", "packageDetail.orderItems"
            )
        item_id, quantity = line.get("orderItemId"), line.get("quantity")
        if item_id is None:
            raise _missing("packageDetail.orderItems.orderItemId")
        if quantity is None:
            raise _missing("packageDetail.orderItems.quantity")
        if not isinstance(item_id, str) or item_id not in known:
            raise invalid_input(
                f"Invalid orderItemId: {item_id}. It is not an item of order {doc['orderId']}.",
                "packageDetail.orderItems.orderItemId",
            )
        if any(item["orderItemId"] == item_id for item in items):
            raise invalid_input(
                f"Order item {item_id} is listed more than once.", "packageDetail.orderItems.orderItemId"
            )
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise invalid_input(
                f"Invalid quantity {quantity} for order item {item_id}: it must be a positive integer.",
                "packageDetail.orderItems.quantity",
            )
        entry: dict = {"orderItemId": item_id, "quantity": quantity}
        codes = line.get("transparencyCodes")
        if codes is not None:
            if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
                raise invalid_input(
                    "transparencyCodes must be a list of strings.",
                    "packageDetail.orderItems.transparencyCodes",
                )
            entry["transparencyCodes"] = codes
        items.append(entry)
    return items


def _apply(doc: dict, package: dict, now: datetime, store: SandboxStore) -> None:
    """The order after the confirmation: fulfilled quantities, the package, its status."""
    by_id = {item["orderItemId"]: item for item in doc["orderItems"]}
    for line in package["packageItems"]:
        fulfillment = by_id[line["orderItemId"]]["fulfillment"]
        fulfillment["quantityFulfilled"] += line["quantity"]
        fulfillment["quantityUnfulfilled"] -= line["quantity"]
    name, line1, city, region, postcode = data.SHIP_FROM[store.marketplace]
    stored = {
        "packageReferenceId": package["packageReferenceId"],
        "createdTime": iso(now),
        "packageStatus": {"status": "SHIPPED"},
        "carrier": package["carrier"],
        "shipTime": package["shipTime"],
    }
    if "shippingService" in package:
        stored["shippingService"] = package["shippingService"]
    stored["trackingNumber"] = package["trackingNumber"]
    stored["shipFromAddress"] = {
        "name": name,
        "addressLine1": line1,
        "city": city,
        "stateOrRegion": region,
        "postalCode": postcode,
        "countryCode": store.country_code,
    }
    stored["packageItems"] = package["packageItems"]
    doc.setdefault("packages", []).append(stored)
    left = any(item["fulfillment"]["quantityUnfulfilled"] for item in doc["orderItems"])
    doc["fulfillment"]["fulfillmentStatus"] = "PARTIALLY_SHIPPED" if left else "SHIPPED"
    doc["lastUpdatedTime"] = iso(now)


def _missing(name: str) -> ApiError:
    return invalid_input(f"Missing required field: {name}.", name)
