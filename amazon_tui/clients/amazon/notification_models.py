"""The two notifications amazon-tui subscribes to, as Amazon's schemas define them.

From ``reference/spapi/notifications/``: ORDER_CHANGE (PascalCase, payload version 1.0) and
FEED_PROCESSING_FINISHED (camelCase, 2020-09-04). Required fields are required here; every
other field is optional and unknown ones are ignored, as the models allow. ``parse`` turns a
queue message's body into one of them or raises ``InvalidNotification`` with the reason.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

ORDER_CHANGE = "ORDER_CHANGE"
FEED_PROCESSING_FINISHED = "FEED_PROCESSING_FINISHED"
TYPES = (ORDER_CHANGE, FEED_PROCESSING_FINISHED)


def _utc(value: datetime) -> datetime:
    """A time without an offset is read as UTC (ISO 8601 as Amazon writes it ends in Z)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


Time = Annotated[datetime, AfterValidator(_utc)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class InvalidNotification(ValueError):
    """A message that is not a notification amazon-tui can act on; the text says why."""


# -- ORDER_CHANGE -------------------------------------------------------------------------------


class OrderChangeTrigger(_Model):
    time_of_order_change: Time = Field(alias="TimeOfOrderChange")
    change_reason: str = Field(alias="ChangeReason")


class OrderChangeItem(_Model):
    order_item_id: str | None = Field(default=None, alias="OrderItemId")
    is_buyer_requested_cancel: bool | None = Field(default=None, alias="IsBuyerRequestedCancel")


class OrderChangeSummary(_Model):
    marketplace_id: str = Field(alias="MarketplaceId")
    order_status: str = Field(alias="OrderStatus")
    purchase_date: Time | None = Field(alias="PurchaseDate")
    destination_postal_code: str | None = Field(alias="DestinationPostalCode")
    fulfillment_type: str = Field(alias="FulfillmentType")
    order_type: str = Field(alias="OrderType")
    order_items: list[OrderChangeItem] = Field(alias="OrderItems")


class OrderChange(_Model):
    notification_level: str = Field(alias="NotificationLevel")
    seller_id: str = Field(alias="SellerId")
    amazon_order_id: str = Field(alias="AmazonOrderId", min_length=1)
    order_change_type: str = Field(alias="OrderChangeType")
    trigger: OrderChangeTrigger = Field(alias="OrderChangeTrigger")
    summary: OrderChangeSummary = Field(alias="Summary")


class OrderChangePayload(_Model):
    order_change: OrderChange = Field(alias="OrderChangeNotification")


class OrderChangeMetadata(_Model):
    application_id: str = Field(alias="ApplicationId")
    subscription_id: str = Field(alias="SubscriptionId")
    publish_time: Time = Field(alias="PublishTime")
    notification_id: str = Field(alias="NotificationId")


class OrderChangeNotification(_Model):
    notification_version: str = Field(alias="NotificationVersion")
    notification_type: str = Field(alias="NotificationType")
    payload_version: str = Field(alias="PayloadVersion")
    event_time: Time = Field(alias="EventTime")
    payload: OrderChangePayload = Field(alias="Payload")
    metadata: OrderChangeMetadata = Field(alias="NotificationMetadata")

    @property
    def change(self) -> OrderChange:
        return self.payload.order_change

    @property
    def notification_id(self) -> str:
        return self.metadata.notification_id


# -- FEED_PROCESSING_FINISHED -----------------------------------------------------------------


class FeedProcessingFinished(_Model):
    seller_id: str | None = Field(default=None, alias="sellerId")
    account_id: str = Field(alias="accountId")
    feed_id: str = Field(alias="feedId", min_length=1)
    feed_type: str = Field(alias="feedType")
    processing_status: str = Field(alias="processingStatus")
    result_feed_document_id: str | None = Field(default=None, alias="resultFeedDocumentId")


class FeedPayload(_Model):
    finished: FeedProcessingFinished = Field(alias="feedProcessingFinishedNotification")


class FeedMetadata(_Model):
    application_id: str = Field(alias="applicationId")
    subscription_id: str = Field(alias="subscriptionId")
    publish_time: Time = Field(alias="publishTime")
    notification_id: str = Field(alias="notificationId")


class FeedProcessingFinishedNotification(_Model):
    notification_version: str = Field(alias="notificationVersion")
    notification_type: str = Field(alias="notificationType")
    payload_version: str = Field(alias="payloadVersion")
    event_time: Time = Field(alias="eventTime")
    payload: FeedPayload = Field(alias="payload")
    metadata: FeedMetadata = Field(alias="notificationMetadata")

    @property
    def finished(self) -> FeedProcessingFinished:
        return self.payload.finished

    @property
    def notification_id(self) -> str:
        return self.metadata.notification_id


Notification = OrderChangeNotification | FeedProcessingFinishedNotification


def parse(body: str) -> Notification:
    """The notification in a queue message's body, or ``InvalidNotification`` saying why not."""
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidNotification("the message is not JSON") from None
    if not isinstance(data, dict):
        raise InvalidNotification("the message is not a JSON object")
    kind = str(data.get("NotificationType", data.get("notificationType")))
    model: type[OrderChangeNotification] | type[FeedProcessingFinishedNotification]
    if kind == ORDER_CHANGE:
        model = OrderChangeNotification
    elif kind == FEED_PROCESSING_FINISHED:
        model = FeedProcessingFinishedNotification
    else:
        raise InvalidNotification(f"notification type {kind[:40]!r} is not one amazon-tui subscribes to")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidNotification(f"{kind}: {where}: {first['msg']}") from None
