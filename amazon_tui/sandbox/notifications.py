"""Notifications v1: destinations and subscriptions (what is then sent: ``notifier.py``)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse

from .errors import ApiError, invalid_input
from .lwa import GRANTLESS_SUBJECT
from .notifier import ARN
from .params import json_body
from .pipeline import RequestContext

if TYPE_CHECKING:
    from .world import SandboxWorld

PAYLOAD_VERSIONS = {"ORDER_CHANGE": "1.0", "FEED_PROCESSING_FINISHED": "2020-09-04"}
ACCESS_DENIED = "Access to requested resource is denied."


def _application(context: RequestContext) -> None:
    """Destinations are grantless: the application's token, not a seller's."""
    if not context.seller.startswith(GRANTLESS_SUBJECT):
        raise ApiError(
            403, "Unauthorized", ACCESS_DENIED, "grantless operation: use a client_credentials token"
        )


def _seller(context: RequestContext) -> str:
    if context.seller.startswith(GRANTLESS_SUBJECT):
        raise ApiError(403, "Unauthorized", ACCESS_DENIED, "use the selling partner's token")
    return context.seller


def _destination_view(row) -> dict:
    return {
        "destinationId": row["destination_id"],
        "name": row["name"],
        "resource": {"sqs": {"arn": row["arn"]}},
    }


def _subscription_view(row) -> dict:
    return {
        "subscriptionId": row["subscription_id"],
        "payloadVersion": row["payload_version"],
        "destinationId": row["destination_id"],
    }


async def get_destinations(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    _application(context)
    rows = sandbox.db.query("SELECT * FROM notification_destinations ORDER BY destination_id")
    return JSONResponse({"payload": [_destination_view(row) for row in rows]})


async def create_destination(
    sandbox: SandboxWorld, request: Request, context: RequestContext
) -> JSONResponse:
    _application(context)
    body = await json_body(request)
    name = body.get("name")
    arn = ((body.get("resourceSpecification") or {}).get("sqs") or {}).get("arn")
    if not isinstance(name, str) or not name or len(name) > 256:
        raise invalid_input("name is required (at most 256 characters).", "name")
    if not isinstance(arn, str) or not ARN.match(arn):
        raise invalid_input(
            "resourceSpecification.sqs.arn must be an SQS queue ARN.", "resourceSpecification"
        )
    if sandbox.db.query_one("SELECT 1 FROM notification_destinations WHERE arn = ?", (arn,)):
        raise ApiError(409, "Conflict", "A destination for this resource already exists.")
    destination_id = str(uuid.uuid4())
    sandbox.db.execute("INSERT INTO notification_destinations VALUES (?, ?, ?)", (destination_id, name, arn))
    return JSONResponse(
        {"payload": _destination_view({"destination_id": destination_id, "name": name, "arn": arn})}
    )


async def delete_destination(
    sandbox: SandboxWorld, request: Request, context: RequestContext
) -> JSONResponse:
    _application(context)
    destination_id = request.path_params["destinationId"]
    if sandbox.db.query_one(
        "SELECT 1 FROM notification_subscriptions WHERE destination_id = ?", (destination_id,)
    ):
        raise ApiError(409, "Conflict", "The destination has subscriptions; delete them first.")
    if (
        sandbox.db.execute(
            "DELETE FROM notification_destinations WHERE destination_id = ?", (destination_id,)
        ).rowcount
        == 0
    ):
        raise ApiError(404, "NotFound", f"Destination {destination_id} not found.")
    return JSONResponse({})


def _notification_type(request: Request) -> str:
    kind = request.path_params["notificationType"]
    if kind not in PAYLOAD_VERSIONS:
        raise invalid_input(f"The sandbox does not offer {kind} notifications.", "notificationType")
    return kind


async def get_subscription(sandbox: SandboxWorld, request: Request, context: RequestContext) -> JSONResponse:
    seller = _seller(context)
    kind = _notification_type(request)
    row = sandbox.db.query_one(
        "SELECT * FROM notification_subscriptions WHERE seller_id = ? AND notification_type = ?",
        (seller, kind),
    )
    if row is None:
        raise ApiError(404, "NotFound", f"No subscription to {kind} for this selling partner.")
    return JSONResponse({"payload": _subscription_view(row)})


async def create_subscription(
    sandbox: SandboxWorld, request: Request, context: RequestContext
) -> JSONResponse:
    seller = _seller(context)
    kind = _notification_type(request)
    body = await json_body(request)
    destination_id, version = body.get("destinationId"), body.get("payloadVersion")
    if version != PAYLOAD_VERSIONS[kind]:
        raise invalid_input(f"payloadVersion must be {PAYLOAD_VERSIONS[kind]} for {kind}.", "payloadVersion")
    if not isinstance(destination_id, str) or not sandbox.db.query_one(
        "SELECT 1 FROM notification_destinations WHERE destination_id = ?", (destination_id,)
    ):
        raise invalid_input("destinationId does not name a destination of this application.", "destinationId")
    if sandbox.db.query_one(
        "SELECT 1 FROM notification_subscriptions WHERE seller_id = ? AND notification_type = ?",
        (seller, kind),
    ):
        raise ApiError(409, "Conflict", f"A subscription to {kind} already exists for this selling partner.")
    subscription_id = str(uuid.uuid4())
    sandbox.db.execute(
        "INSERT INTO notification_subscriptions VALUES (?, ?, ?, ?, ?)",
        (subscription_id, seller, kind, version, destination_id),
    )
    return JSONResponse(
        {
            "payload": {
                "subscriptionId": subscription_id,
                "payloadVersion": version,
                "destinationId": destination_id,
            }
        }
    )


async def delete_subscription(
    sandbox: SandboxWorld, request: Request, context: RequestContext
) -> JSONResponse:
    seller = _seller(context)
    kind = _notification_type(request)
    deleted = sandbox.db.execute(
        "DELETE FROM notification_subscriptions "
        "WHERE seller_id = ? AND notification_type = ? AND subscription_id = ?",
        (seller, kind, request.path_params["subscriptionId"]),
    ).rowcount
    if not deleted:
        raise ApiError(404, "NotFound", "Subscription not found.")
    return JSONResponse({})
