"""Notifications as Amazon sends them: the shapes of the official examples
(reference/spapi/notifications/), with this test's seller, order, feed and times."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

ACCESS_KEY, SECRET_KEY = (
    "AKIDTESTNOTIFICATIONS",
    "wJalrTESTsecretKEYnotifications",
)  # the tests' AWS credentials


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def order_change(
    seller_id: str,
    marketplace_id: str,
    order_id: str,
    changed_at: datetime,
    *,
    status: str = "Shipped",
    reason: str = "Order Status Changed",
    buyer_cancel: bool = False,
) -> str:
    return json.dumps(
        {
            "NotificationVersion": "1.0",
            "NotificationType": "ORDER_CHANGE",
            "PayloadVersion": "1.0",
            "EventTime": iso(changed_at),
            "Payload": {
                "OrderChangeNotification": {
                    "NotificationLevel": "OrderLevel",
                    "SellerId": seller_id,
                    "AmazonOrderId": order_id,
                    "OrderChangeType": "BuyerRequestedChange" if buyer_cancel else "OrderStatusChange",
                    "OrderChangeTrigger": {"TimeOfOrderChange": iso(changed_at), "ChangeReason": reason},
                    "Summary": {
                        "MarketplaceId": marketplace_id,
                        "OrderStatus": status,
                        "PurchaseDate": iso(changed_at),
                        "DestinationPostalCode": "48110",
                        "FulfillmentType": "MFN",
                        "OrderType": "StandardOrder",
                        "NumberOfItemsShipped": 0,
                        "NumberOfItemsUnshipped": 1,
                        "OrderItems": [
                            {
                                "OrderItemId": "OIID34853450",
                                "SellerSKU": "SKU",
                                "SupplySourceId": None,
                                "OrderItemStatus": status,
                                "Quantity": 1,
                                "QuantityShipped": 0,
                                "IsBuyerRequestedCancel": buyer_cancel,
                            }
                        ],
                        "SomeFieldAmazonAddsLater": {"ignored": True},
                    },
                }
            },
            "NotificationMetadata": {
                "ApplicationId": "amzn1.sellerapps.app.test",
                "SubscriptionId": "subscription-test",
                "PublishTime": iso(changed_at),
                "NotificationId": str(uuid.uuid4()),
            },
        }
    )


def feed_finished(seller_id: str, feed_id: str, status: str, document_id: str | None, when: datetime) -> str:
    finished = {
        "sellerId": seller_id,
        "accountId": f"amzn1.merchant.o.{seller_id}",
        "feedId": feed_id,
        "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
        "processingStatus": status,
    }
    if document_id:
        finished["resultFeedDocumentId"] = document_id
    return json.dumps(
        {
            "notificationVersion": "2020-09-04",
            "notificationType": "FEED_PROCESSING_FINISHED",
            "payloadVersion": "2020-09-04",
            "eventTime": iso(when),
            "payload": {"feedProcessingFinishedNotification": finished},
            "notificationMetadata": {
                "applicationId": "amzn1.sellerapps.app.test",
                "subscriptionId": "subscription-test",
                "publishTime": iso(when),
                "notificationId": str(uuid.uuid4()),
            },
        }
    )
