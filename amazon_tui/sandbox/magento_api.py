"""Magento REST subset: orders and shipments search and view, offline refund, comments, admin token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse

from .catalog import MAGENTO_ADMIN_PASSWORD, MAGENTO_ADMIN_USERNAME
from .errors import ApiError
from .magento_orders import add_history, close_as_refunded, item_views
from .magento_search import (
    apply_fields,
    parse_fields,
    parse_search_criteria,
    search_magento_orders,
    search_magento_shipments,
)
from .pipeline import RequestContext

if TYPE_CHECKING:
    from .world import SandboxWorld

TWO_FACTOR_REQUIRED = "Please use the 2fa provider-specific endpoints to obtain a token."
NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."
NO_CREDIT_MEMO = "Creditmemo Document Validation Error(s):\nThe order does not allow a creditmemo."


async def _body(request: Request) -> dict:
    try:
        body = json.loads(await request.body() or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "", "Decoding error: the request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "", "Decoding error: the request body must be a JSON object.")
    return body


def _fields(request: Request, payload):
    spec = request.query_params.get("fields")
    return apply_fields(payload, parse_fields(spec)) if spec else payload


def _order(sandbox: SandboxWorld, request: Request) -> dict:
    raw = request.path_params["orderId"]
    order = sandbox.db.magento_order(int(raw)) if raw.isdigit() else None
    if order is None:
        raise ApiError(404, "", NOT_FOUND)
    return order


async def search_orders(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    criteria = parse_search_criteria(request.query_params.multi_items())
    items, total = search_magento_orders(sandbox.db, criteria)
    body = {"items": items, "search_criteria": criteria.echo(), "total_count": total}
    return JSONResponse(_fields(request, body))


async def get_order(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    return JSONResponse(_fields(request, _order(sandbox, request)))


async def search_shipments(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    """`GET /V1/shipments` (salesShipmentRepositoryV1 getList)."""
    criteria = parse_search_criteria(request.query_params.multi_items())
    items, total = search_magento_shipments(sandbox.db, criteria)
    body = {"items": items, "search_criteria": criteria.echo(), "total_count": total}
    return JSONResponse(_fields(request, body))


async def get_shipment(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    """`GET /V1/shipment/{id}` (salesShipmentRepositoryV1 get)."""
    raw = request.path_params["shipmentId"]
    shipment = sandbox.db.magento_shipment(int(raw)) if raw.isdigit() else None
    if shipment is None:
        raise ApiError(404, "", NOT_FOUND)
    return JSONResponse(_fields(request, shipment))


async def refund(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    """Offline credit memo (`POST /V1/order/{id}/refund`): returns the credit memo id."""
    body = await _body(request)
    with sandbox.mutation_lock:
        order = _order(sandbox, request)
        if order["state"] == "closed" or order.get("total_refunded", 0) >= order["grand_total"]:
            raise ApiError(400, "", NO_CREDIT_MEMO)
        refundable = {item["item_id"]: item["qty_invoiced"] - item["qty_refunded"] for item in order["items"]}
        requested = body.get("items") or [
            {"order_item_id": item_id, "qty": qty} for item_id, qty in refundable.items() if qty
        ]
        for line in requested:
            item_id, qty = line.get("order_item_id"), line.get("qty", 0)
            if item_id not in refundable or not 0 <= qty <= refundable[item_id]:
                raise ApiError(
                    400,
                    "",
                    "Creditmemo Document Validation Error(s):\nThe quantity"
                    " to creditmemo must not be greater than the unrefunded quantity"
                    f" for order item {item_id}.",
                )
        now = sandbox.clock()
        comment = (body.get("comment") or {}).get("comment") if body.get("appendComment") else None
        memo_total = _record_refund(order, requested, body.get("arguments") or {})
        if all(item["qty_refunded"] >= item["qty_invoiced"] for item in order["items"]):
            close_as_refunded(order, now, comment)
        elif comment:
            add_history(order, comment, now, None)
        cursor = sandbox.db.execute(
            "INSERT INTO credit_memos (order_id, doc) VALUES (?, ?)",
            (
                order["entity_id"],
                json.dumps({"grand_total": memo_total, "items": requested, "offline": True}),
            ),
        )
        sandbox.db.save_magento_order(order)
    return JSONResponse(cursor.lastrowid)


def _record_refund(order: dict, requested: list[dict], arguments: dict) -> float:
    """Add the refunded quantities and amounts to the order; returns the credit memo total.
    Like Magento, the remaining shipping is refunded unless `arguments.shipping_amount` says."""
    by_id = {line["order_item_id"]: line.get("qty", 0) for line in requested}
    total = 0.0
    for item in order["items"]:
        qty = by_id.get(item["item_id"], 0)
        total += item["price"] * qty + item["tax_amount"] * qty / item["qty_ordered"]
    for item in item_views(order):
        qty = by_id.get(item["item_id"], 0)
        item["qty_refunded"] += qty
        item["amount_refunded"] = round(item["amount_refunded"] + item["price"] * qty, 2)
        item["base_amount_refunded"] = item["amount_refunded"]
    remaining_shipping = order["shipping_amount"] - order.get("shipping_refunded", 0)
    shipping = arguments.get("shipping_amount")
    shipping = remaining_shipping if shipping is None else min(float(shipping), remaining_shipping)
    order["shipping_refunded"] = round(order.get("shipping_refunded", 0) + shipping, 2)
    total = round(
        total
        + shipping
        + float(arguments.get("adjustment_positive", 0))
        - float(arguments.get("adjustment_negative", 0)),
        2,
    )
    for key in (
        "total_refunded",
        "base_total_refunded",
        "total_offline_refunded",
        "base_total_offline_refunded",
    ):
        order[key] = round(min(order.get(key, 0) + total, order["grand_total"]), 2)
    return total


async def add_comment(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    body = await _body(request)
    history = body.get("statusHistory")
    if not isinstance(history, dict) or not isinstance(history.get("comment", ""), str):
        raise ApiError(
            400,
            "",
            '"%fieldName" is required. Enter and try again.',
            parameters={"fieldName": "statusHistory"},
        )
    with sandbox.mutation_lock:
        order = _order(sandbox, request)
        add_history(
            order,
            history.get("comment", ""),
            sandbox.clock(),
            history.get("status"),
            visible_on_front=int(history.get("is_visible_on_front", 0) or 0),
            customer_notified=history.get("is_customer_notified"),
        )
        sandbox.db.save_magento_order(order)
    return JSONResponse(True)


async def admin_token(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    body = await _body(request)
    username, password = body.get("username"), body.get("password")
    if not username or not password:
        raise ApiError(400, "", "One or more input exceptions have occurred.")
    if sandbox.magento_two_factor:  # Magento_TwoFactorAuth: tokens only through the 2FA providers' endpoints
        raise ApiError(401, "", TWO_FACTOR_REQUIRED)
    if username != MAGENTO_ADMIN_USERNAME or password != MAGENTO_ADMIN_PASSWORD:
        raise ApiError(
            401,
            "",
            "The account sign-in was incorrect or your account is disabled"
            " temporarily. Please wait and try again later.",
        )
    return JSONResponse(sandbox.issue_magento_admin_token())
