"""Notifications v1 (destinations, subscriptions) and the notifications Amazon would send.

When a seller subscribed and the application's destination names an SQS queue, a change of
one of the seller's orders (a new order, a shipment, a buyer's cancellation request, a
cancellation by feed) puts an ``ORDER_CHANGE`` on the queue, and a processed feed a
``FEED_PROCESSING_FINISHED``, in the official payload shapes. The queue is reached at
``sqs_endpoint`` (a moto server in tests; given to ``Sandbox`` or ``sandbox serve``), with the
standard AWS credential chain; without an endpoint nothing is sent. botocore (synchronous) is
imported only when a message is sent.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse

from .clock import iso
from .errors import ApiError, invalid_input
from .lwa import GRANTLESS_SUBJECT
from .params import json_body
from .pipeline import RequestContext

PAYLOAD_VERSIONS = {"ORDER_CHANGE": "1.0", "FEED_PROCESSING_FINISHED": "2020-09-04"}
ARN = re.compile(r"^arn:aws:sqs:(\S+):(\S+):(\S+)$")
# Orders 2026-01-01's fulfillmentStatus as the notification's OrderStatus enum names it
ORDER_STATUSES = {
    "PENDING": "Pending",
    "PENDING_AVAILABILITY": "PendingAvailability",
    "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped",
    "SHIPPED": "Shipped",
    "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}
APPLICATION_ID = "amzn1.sellerapps.app.sandbox-amazon-tui"
ACCESS_DENIED = "Access to requested resource is denied."


# -- the API ------------------------------------------------------------------------------------


def _application(context: RequestContext) -> None:
    """Destinations are grantless: the application's token, not a seller's."""
    if not context.seller_id.startswith(GRANTLESS_SUBJECT):
        raise ApiError(
            403, "Unauthorized", ACCESS_DENIED, "grantless operation: use a client_credentials token"
        )


def _seller(context: RequestContext) -> str:
    if context.seller_id.startswith(GRANTLESS_SUBJECT):
        raise ApiError(403, "Unauthorized", ACCESS_DENIED, "use the selling partner's token")
    return context.seller_id


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


async def get_destinations(sandbox, request: Request, context: RequestContext) -> JSONResponse:
    _application(context)
    rows = sandbox.db.query("SELECT * FROM notification_destinations ORDER BY destination_id")
    return JSONResponse({"payload": [_destination_view(row) for row in rows]})


async def create_destination(sandbox, request: Request, context: RequestContext) -> JSONResponse:
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


async def delete_destination(sandbox, request: Request, context: RequestContext) -> JSONResponse:
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


async def get_subscription(sandbox, request: Request, context: RequestContext) -> JSONResponse:
    seller = _seller(context)
    kind = _notification_type(request)
    row = sandbox.db.query_one(
        "SELECT * FROM notification_subscriptions WHERE seller_id = ? AND notification_type = ?",
        (seller, kind),
    )
    if row is None:
        raise ApiError(404, "NotFound", f"No subscription to {kind} for this selling partner.")
    return JSONResponse({"payload": _subscription_view(row)})


async def create_subscription(sandbox, request: Request, context: RequestContext) -> JSONResponse:
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


async def delete_subscription(sandbox, request: Request, context: RequestContext) -> JSONResponse:
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


# -- sending ------------------------------------------------------------------------------------


class Notifier:
    """Puts notifications on the subscribed destinations' queues (see the module docstring)."""

    def __init__(self, sandbox, sqs_endpoint: str | None) -> None:
        self.sandbox = sandbox
        self.sqs_endpoint = sqs_endpoint.rstrip("/") if sqs_endpoint else None
        self._clients: dict[str, object] = {}
        self.sent = 0
        self.failures: list[str] = []

    def order_changed(
        self, doc: dict, seller_id: str, reason: str, change_type: str = "OrderStatusChange"
    ) -> None:
        when = doc.get("lastUpdatedTime") or iso(self.sandbox.clock())
        items = doc.get("orderItems") or []
        fulfillment = doc.get("fulfillment") or {}
        status = ORDER_STATUSES.get(fulfillment.get("fulfillmentStatus", ""), "Pending")
        body = {
            "NotificationVersion": "1.0",
            "NotificationType": "ORDER_CHANGE",
            "PayloadVersion": "1.0",
            "EventTime": when,
            "Payload": {
                "OrderChangeNotification": {
                    "NotificationLevel": "OrderLevel",
                    "SellerId": seller_id,
                    "AmazonOrderId": doc["orderId"],
                    "OrderChangeType": change_type,
                    "OrderChangeTrigger": {"TimeOfOrderChange": when, "ChangeReason": reason},
                    "Summary": {
                        "MarketplaceId": (doc.get("salesChannel") or {}).get("marketplaceId", ""),
                        "OrderStatus": status,
                        "PurchaseDate": doc.get("createdTime"),
                        "DestinationPostalCode": None,
                        "FulfillmentType": "AFN" if fulfillment.get("fulfilledBy") == "AMAZON" else "MFN",
                        "OrderType": "StandardOrder",
                        "OrderItems": [
                            {
                                "OrderItemId": str(item.get("orderItemId", "")),
                                "SellerSKU": str((item.get("product") or {}).get("sellerSku") or ""),
                                "SupplySourceId": None,
                                "Quantity": int(item.get("quantityOrdered") or 0),
                                "QuantityShipped": int(
                                    (item.get("fulfillment") or {}).get("quantityFulfilled") or 0
                                ),
                                "IsBuyerRequestedCancel": bool(
                                    (item.get("cancellation") or {}).get("cancellationRequest")
                                ),
                            }
                            for item in items
                        ],
                    },
                }
            },
            "NotificationMetadata": self._metadata("ORDER_CHANGE", seller_id, when),
        }
        self._send(seller_id, "ORDER_CHANGE", body)

    def feed_finished(
        self,
        seller_id: str,
        feed_id: str,
        feed_type: str,
        status: str,
        document_id: str | None,
        when: datetime,
    ) -> None:
        finished = {
            "sellerId": seller_id,
            "accountId": f"amzn1.merchant.o.{seller_id}",
            "feedId": feed_id,
            "feedType": feed_type,
            "processingStatus": status,
        }
        if document_id:
            finished["resultFeedDocumentId"] = document_id
        body = {
            "notificationVersion": "2020-09-04",
            "notificationType": "FEED_PROCESSING_FINISHED",
            "payloadVersion": "2020-09-04",
            "eventTime": iso(when),
            "payload": {"feedProcessingFinishedNotification": finished},
            "notificationMetadata": {
                k[0].lower() + k[1:]: v
                for k, v in self._metadata("FEED_PROCESSING_FINISHED", seller_id, iso(when)).items()
            },
        }
        self._send(seller_id, "FEED_PROCESSING_FINISHED", body)

    def _metadata(self, kind: str, seller_id: str, when: str) -> dict:
        row = self.sandbox.db.query_one(
            "SELECT subscription_id FROM notification_subscriptions "
            "WHERE seller_id = ? AND notification_type = ?",
            (seller_id, kind),
        )
        return {
            "ApplicationId": APPLICATION_ID,
            "SubscriptionId": row["subscription_id"] if row else "",
            "PublishTime": when,
            "NotificationId": str(uuid.uuid4()),
        }

    def _send(self, seller_id: str, kind: str, body: dict) -> None:
        if self.sqs_endpoint is None:
            return
        row = self.sandbox.db.query_one(
            "SELECT d.arn FROM notification_subscriptions s "
            "JOIN notification_destinations d ON d.destination_id = s.destination_id"
            " WHERE s.seller_id = ? AND s.notification_type = ?",
            (seller_id, kind),
        )
        if row is None:
            return
        region, account, name = ARN.match(row["arn"]).groups()
        try:
            self._client(region).send_message(
                QueueUrl=f"{self.sqs_endpoint}/{account}/{name}", MessageBody=json.dumps(body)
            )
            self.sent += 1
        except Exception as exc:  # noqa: BLE001 - Amazon retries and gives up quietly; the sandbox notes it
            self.failures.append(f"{kind} to {row['arn']}: {type(exc).__name__}")

    def _client(self, region: str):
        if region not in self._clients:
            import botocore.session

            self._clients[region] = botocore.session.get_session().create_client(
                "sqs", region_name=region, endpoint_url=self.sqs_endpoint
            )
        return self._clients[region]
