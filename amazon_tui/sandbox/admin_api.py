"""Loopback-only control endpoints under /_sandbox/ (no Amazon token; for tests and demos).

Every POST and DELETE needs Content-Type: application/json, even without a body, and no
foreign Origin header (admin_guard.py); else 403.

GET    /_sandbox                     seed info, order counts per store, active faults
GET    /_sandbox/log[?operation=&status=]   the access log;  DELETE clears it
GET    /_sandbox/faults              active faults
POST   /_sandbox/faults              {"operation", "kind", "count"?, "latency"?, "status"? (echo,
                                     applied_error)}
DELETE /_sandbox/faults              clear every fault (ends hanging timeouts)
POST   /_sandbox/reset               {"seed"?, "orders_per_store"?, "store_orders"?: {name: n}}
POST   /_sandbox/orders              {"store": name or seller id, "count": n}: arrive now
GET    /_sandbox/orders/{orderId}    the stored order with every dataset
POST   /_sandbox/orders/{orderId}/ship   ship it now
POST   /_sandbox/orders/{orderId}/magento-ship   {"carrier_code", "track_number", "title"?, "items"?:
                                     {sku: qty}}: ship in Magento only (Amazon untouched) -> 201
                                     {"shipment_id", "increment_id", "order_id"}
POST   /_sandbox/report-mode         {"mode"}: how feeds are answered (feed_processing.REPORT_MODES)
POST   /_sandbox/document-urls       {"base"?, "redirect"?, "redirect_status"?}: where document URLs
                                     lead (null/absent: the sandbox's own bucket; document_urls.py)
POST   /_sandbox/feeds               {"store", "orders": [...], "status_code"?}: another application's
                                     acknowledgement feed (Success acknowledges, Failure cancels)
GET    /_sandbox/clock               {"now"}
POST   /_sandbox/clock               {"set": iso} or {"advance_seconds": n} (controllable clock)
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .accesslog import LogEntry
from .admin_guard import CROSS_SITE_REFUSED, FOREIGN_HOST_REFUSED, is_cross_site, is_foreign_host
from .clock import iso, parse_iso
from .foreign_feeds import send_foreign_feed

if TYPE_CHECKING:
    from .world import SandboxWorld

LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


def admin_endpoint(sandbox: SandboxWorld, handler: Callable[..., Awaitable[Response]]):
    async def endpoint(request: Request) -> Response:
        client = request.client.host if request.client else "127.0.0.1"
        if client not in LOOPBACK:
            response: Response = JSONResponse({"error": "admin endpoints are loopback only"}, status_code=403)
        elif is_foreign_host(request):
            response = JSONResponse({"error": FOREIGN_HOST_REFUSED}, status_code=403)
        elif is_cross_site(request):
            response = JSONResponse({"error": CROSS_SITE_REFUSED}, status_code=403)
        else:
            try:
                response = await handler(sandbox, request)
            except (KeyError, ValueError, TypeError, RuntimeError) as error:
                status = (
                    404 if isinstance(error, KeyError) else 409 if isinstance(error, RuntimeError) else 400
                )
                response = JSONResponse({"error": str(error)}, status_code=status)
        sandbox.log.append(
            LogEntry(
                time=iso(sandbox.clock()),
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                operation="sandboxAdmin",
                status=response.status_code,
            )
        )
        return response

    return endpoint


async def _json(request: Request) -> dict:
    raw = await request.body()
    body = json.loads(raw) if raw else {}
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


async def describe(sandbox: SandboxWorld, request: Request) -> Response:
    return JSONResponse(sandbox.describe())


async def get_log(sandbox: SandboxWorld, request: Request) -> Response:
    operation = request.query_params.get("operation")
    status = request.query_params.get("status")
    entries = [
        entry.as_dict()
        for entry in sandbox.access_log
        if (operation is None or entry.operation == operation)
        and (status is None or str(entry.status) == status)
    ]
    return JSONResponse({"entries": entries})


async def clear_log(sandbox: SandboxWorld, request: Request) -> Response:
    sandbox.clear_log()
    return Response(status_code=204)


async def get_faults(sandbox: SandboxWorld, request: Request) -> Response:
    return JSONResponse({"faults": [fault.as_dict() for fault in sandbox.faults.active()]})


async def add_fault(sandbox: SandboxWorld, request: Request) -> Response:
    body = await _json(request)
    fault = sandbox.inject_fault(
        str(body["operation"]),
        str(body["kind"]),
        count=body.get("count"),
        latency=float(body.get("latency", 0)),
        status=None if body.get("status") is None else int(body["status"]),
    )
    return JSONResponse(fault.as_dict(), status_code=201)


async def clear_faults(sandbox: SandboxWorld, request: Request) -> Response:
    sandbox.clear_faults()
    return Response(status_code=204)


async def reset(sandbox: SandboxWorld, request: Request) -> Response:
    body = await _json(request)
    store_orders = body.get("store_orders")
    if store_orders is not None and not isinstance(store_orders, dict):
        raise ValueError('"store_orders" must map store names to order counts')
    sandbox.reset(
        seed=body.get("seed"), orders_per_store=body.get("orders_per_store"), store_orders=store_orders
    )
    return JSONResponse(sandbox.describe())


async def add_orders(sandbox: SandboxWorld, request: Request) -> Response:
    body = await _json(request)
    order_ids = sandbox.add_orders(str(body["store"]), int(body.get("count", 1)))
    return JSONResponse({"orderIds": order_ids}, status_code=201)


async def get_order(sandbox: SandboxWorld, request: Request) -> Response:
    return JSONResponse(sandbox.get_order_raw(request.path_params["orderId"]))


async def ship_order(sandbox: SandboxWorld, request: Request) -> Response:
    return JSONResponse(sandbox.ship_order(request.path_params["orderId"]))


async def magento_ship(sandbox: SandboxWorld, request: Request) -> Response:
    """A warehouse ships in Magento and nobody tells Amazon."""
    body = await _json(request)
    items = body.get("items")
    if items is not None and not (
        isinstance(items, dict)
        and all(isinstance(qty, int) and not isinstance(qty, bool) for qty in items.values())
    ):
        raise ValueError('"items" must map SKUs to whole quantities')
    for name in ("carrier_code", "track_number", "title"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ValueError(f'"{name}" must be a string')
    shipment = sandbox.magento_ship(
        request.path_params["orderId"],
        carrier_code=body.get("carrier_code") or "",
        track_number=body.get("track_number") or "",
        title=body.get("title"),
        items=items,
    )
    return JSONResponse(
        {
            "shipment_id": shipment["entity_id"],
            "increment_id": shipment["increment_id"],
            "order_id": shipment["order_id"],
        },
        status_code=201,
    )


async def buyer_cancel(sandbox: SandboxWorld, request: Request) -> Response:
    """The buyer asks to cancel (body: {"reason": "..."}, optional)."""
    body = await _json(request) if await request.body() else {}
    return JSONResponse(
        sandbox.request_cancellation(request.path_params["orderId"], str(body.get("reason", "")) or None)
    )


async def set_report_mode(sandbox: SandboxWorld, request: Request) -> Response:
    body = await _json(request)
    sandbox.set_report_mode(str(body.get("mode")))
    return JSONResponse({"report_mode": sandbox.report_mode})


async def set_document_urls(sandbox: SandboxWorld, request: Request) -> Response:
    body = await _json(request)
    base, redirect = body.get("base"), body.get("redirect")
    if not all(value is None or isinstance(value, str) for value in (base, redirect)):
        raise ValueError("base and redirect must be URLs or null")
    sandbox.set_document_urls(base, redirect=redirect, redirect_status=int(body.get("redirect_status", 302)))
    return JSONResponse(sandbox.document_urls.as_dict())


async def foreign_feed(sandbox: SandboxWorld, request: Request) -> Response:
    body = await _json(request)
    orders = body.get("orders")
    if not isinstance(orders, list) or not all(isinstance(order, str) for order in orders):
        raise ValueError("orders must be a list of order ids")
    status_code = str(body.get("status_code", "Success"))
    if status_code not in ("Success", "Failure"):
        raise ValueError("status_code must be Success or Failure")
    feed_id = send_foreign_feed(sandbox, str(body.get("store")), orders, status_code)
    return JSONResponse({"feedId": feed_id}, status_code=201)


async def get_clock(sandbox: SandboxWorld, request: Request) -> Response:
    return JSONResponse({"now": iso(sandbox.clock())})


async def set_clock(sandbox: SandboxWorld, request: Request) -> Response:
    body = await _json(request)
    if "set" in body:
        sandbox.set_clock(parse_iso(str(body["set"])))
    elif "advance_seconds" in body:
        sandbox.advance_clock(float(body["advance_seconds"]))
    else:
        raise ValueError('send {"set": iso} or {"advance_seconds": n}')
    return JSONResponse({"now": iso(sandbox.clock())})
