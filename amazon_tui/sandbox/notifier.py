"""The notifications Amazon would send, put on the subscribed destinations' SQS queues.

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
from collections.abc import Callable
from datetime import datetime

from .clock import iso
from .db import Database

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


class Notifier:
    """Puts notifications on the subscribed destinations' queues (see the module docstring)."""

    def __init__(self, db: Database, clock: Callable[[], datetime], sqs_endpoint: str | None) -> None:
        self.db = db
        self.clock = clock
        self.sqs_endpoint = sqs_endpoint.rstrip("/") if sqs_endpoint else None
        self._clients: dict[str, object] = {}
        self.sent = 0
        self.failures: list[str] = []

    def order_changed(
        self, doc: dict, seller_id: str, reason: str, change_type: str = "OrderStatusChange"
    ) -> None:
        when = doc.get("lastUpdatedTime") or iso(self.clock())
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
        row = self.db.query_one(
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
        row = self.db.query_one(
            "SELECT d.arn FROM notification_subscriptions s "
            "JOIN notification_destinations d ON d.destination_id = s.destination_id"
            " WHERE s.seller_id = ? AND s.notification_type = ?",
            (seller_id, kind),
        )
        if row is None:
            return
        match = ARN.match(row["arn"])
        assert match is not None  # createDestination stores only ARNs that match
        region, account, name = match.groups()
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
