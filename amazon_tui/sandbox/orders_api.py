"""Orders API 2026-01-01: searchOrders and getOrder."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse

from .clock import iso, parse_iso
from .errors import ApiError, invalid_input
from .orders_query import OrderCriteria, decode_token, encode_token, search_orders
from .params import date_param, enum_list_param, int_param, list_param
from .pipeline import RequestContext
from .projection import INCLUDED_DATA, project_order

if TYPE_CHECKING:
    from .world import SandboxWorld

FULFILLMENT_STATUSES = (
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
)
FULFILLED_BY = ("MERCHANT", "AMAZON")
BEFORE_MARGIN = timedelta(minutes=2)
TOKEN_LIFETIME = timedelta(hours=24)
ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
FILTER_PARAMS = (
    "createdAfter",
    "createdBefore",
    "lastUpdatedAfter",
    "lastUpdatedBefore",
    "marketplaceIds",
    "fulfillmentStatuses",
    "fulfilledBy",
)


async def search(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    now = sandbox.clock()
    included = frozenset(enum_list_param(request, "includedData", INCLUDED_DATA))
    limit = int_param(request, "maxResultsPerPage", 100, 1, 100)
    token = request.query_params.get("paginationToken")
    if token:
        criteria, after_key = _resume(sandbox, request, context.seller, token, now)
    else:
        criteria, after_key = _criteria(request, now), None
    orders, next_key = search_orders(sandbox.db, context.seller, criteria, limit, after_key)
    body: dict = {"orders": [project_order(order, included) for order in orders]}
    if next_key is not None:
        body["pagination"] = {
            "nextToken": encode_token(sandbox.signing_key, context.seller, criteria, next_key, iso(now))
        }
    body["createdBefore" if criteria.time_field == "created" else "lastUpdatedBefore"] = criteria.before
    return JSONResponse(body)


def _criteria(request: Request, now: datetime) -> OrderCriteria:
    """Validate the filters of a first-page request (the exactly-one and 2-minute rules)."""
    created_after = date_param(request, "createdAfter")
    created_before = date_param(request, "createdBefore")
    updated_after = date_param(request, "lastUpdatedAfter")
    updated_before = date_param(request, "lastUpdatedBefore")
    if (created_after is None) == (updated_after is None):
        raise invalid_input(
            "Exactly one of createdAfter and lastUpdatedAfter must be provided.",
            "createdAfter, lastUpdatedAfter",
        )
    if created_after is not None:
        if updated_before is not None:
            raise invalid_input(
                "lastUpdatedBefore cannot be combined with createdAfter.", "lastUpdatedBefore"
            )
        field, after, before, before_name = "created", created_after, created_before, "createdBefore"
    else:
        assert updated_after is not None  # exactly one of the two, checked above
        if created_before is not None:
            raise invalid_input("createdBefore cannot be combined with lastUpdatedAfter.", "createdBefore")
        field, after, before, before_name = (
            "lastUpdated",
            updated_after,
            updated_before,
            "lastUpdatedBefore",
        )
    if before is not None:
        if before < after:
            raise invalid_input(f"{before_name} must be equal to or after the after date.", before_name)
        if before > now - BEFORE_MARGIN:
            raise invalid_input(
                f"{before_name} must be at least two minutes before the time of the request.", before_name
            )
    marketplace_ids = list_param(request, "marketplaceIds")
    if len(marketplace_ids) > 50:
        raise invalid_input("marketplaceIds accepts at most 50 values.", "marketplaceIds")
    return OrderCriteria(
        time_field=field,
        after=iso(after),
        before=iso(before if before is not None else now),
        marketplace_ids=tuple(marketplace_ids),
        fulfillment_statuses=tuple(enum_list_param(request, "fulfillmentStatuses", FULFILLMENT_STATUSES)),
        fulfilled_by=tuple(enum_list_param(request, "fulfilledBy", FULFILLED_BY)),
    )


def _resume(
    sandbox: SandboxWorld, request: Request, seller_id: str, token: str, now: datetime
) -> tuple[OrderCriteria, tuple[str, str]]:
    """The criteria and position a pagination token carries; other filters must agree."""
    try:
        token_seller, criteria, key, issued_at = decode_token(sandbox.signing_key, token)
    except ValueError:
        raise invalid_input("Invalid paginationToken.", "paginationToken") from None
    if token_seller != seller_id:
        raise invalid_input("Invalid paginationToken.", "paginationToken")
    if now - parse_iso(issued_at) > TOKEN_LIFETIME:
        raise invalid_input("The paginationToken has expired.", "paginationToken")
    if any(name in request.query_params for name in FILTER_PARAMS):
        given = _criteria(request, now)
        same = (
            given.time_field == criteria.time_field
            and given.after == criteria.after
            and given.marketplace_ids == criteria.marketplace_ids
            and given.fulfillment_statuses == criteria.fulfillment_statuses
            and given.fulfilled_by == criteria.fulfilled_by
        )
        before_given = "createdBefore" in request.query_params or "lastUpdatedBefore" in request.query_params
        if not same or (before_given and given.before != criteria.before):
            raise invalid_input(
                "Parameters must be the same as in the request that returned the paginationToken.",
                "paginationToken",
            )
    return criteria, key


async def get(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    order_id = request.path_params["orderId"]
    if not ORDER_ID.match(order_id):
        raise invalid_input(f"Invalid orderId: {order_id}.", "orderId")
    included = frozenset(enum_list_param(request, "includedData", INCLUDED_DATA))
    doc = sandbox.db.amazon_order(order_id, context.seller)
    if doc is None:
        raise ApiError(404, "NotFound", f"Order {order_id} was not found.", "")
    return JSONResponse({"order": project_order(doc, included)})
