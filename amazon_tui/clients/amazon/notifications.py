"""SP-API Notifications v1: the destination (an SQS queue) and a seller's subscriptions.

Destinations belong to the application, not to a seller: their operations are grantless (an
LWA client-credentials token with the ``sellingpartnerapi::notifications`` scope); a
subscription is the seller's (their refresh token). Shapes from reference/spapi/notifications.
"""

from __future__ import annotations

from urllib.parse import quote

from amazon_tui.clients.amazon.base import SpApiService
from amazon_tui.clients.amazon.orders_models import Wire
from amazon_tui.clients.errors import NotFoundError

PATH = "/notifications/v1"
# what amazon-tui subscribes to, with the payload version of Amazon's schema
SUBSCRIBED = {"ORDER_CHANGE": "1.0", "FEED_PROCESSING_FINISHED": "2020-09-04"}


class SqsResource(Wire):
    arn: str


class DestinationResource(Wire):
    sqs: SqsResource | None = None


class Destination(Wire):
    destination_id: str
    name: str
    resource: DestinationResource

    @property
    def arn(self) -> str | None:
        return self.resource.sqs.arn if self.resource.sqs else None


class DestinationsResponse(Wire):
    payload: list[Destination] = []


class DestinationResponse(Wire):
    payload: Destination


class Subscription(Wire):
    subscription_id: str
    payload_version: str
    destination_id: str


class SubscriptionResponse(Wire):
    payload: Subscription


class Empty(Wire):
    pass


class NotificationsClient(SpApiService):
    """For the app (grantless: pass ``grantless(NOTIFICATIONS_SCOPE)`` as the refresh token) or a seller."""

    async def destinations(self) -> list[Destination]:
        return (
            await self._call(
                "getDestinations", "GET", f"{PATH}/destinations", DestinationsResponse, safe_to_repeat=True
            )
        ).payload

    async def create_destination(self, name: str, arn: str) -> Destination:
        body = {"name": name, "resourceSpecification": {"sqs": {"arn": arn}}}
        created = await self._call(
            "createDestination",
            "POST",
            f"{PATH}/destinations",
            DestinationResponse,
            json=body,
            safe_to_repeat=False,
        )
        return created.payload

    async def delete_destination(self, destination_id: str) -> None:
        await self._call(
            "deleteDestination",
            "DELETE",
            f"{PATH}/destinations/{quote(destination_id, safe='')}",
            Empty,
            safe_to_repeat=True,
        )

    async def subscription(self, notification_type: str) -> Subscription | None:
        """The seller's subscription to ``notification_type``, or None when there is none."""
        try:
            found = await self._call(
                "getSubscription",
                "GET",
                f"{PATH}/subscriptions/{notification_type}",
                SubscriptionResponse,
                params={"payloadVersion": SUBSCRIBED[notification_type]},
                safe_to_repeat=True,
            )
        except NotFoundError:
            return None
        return found.payload

    async def subscribe(self, notification_type: str, destination_id: str) -> Subscription:
        body = {"payloadVersion": SUBSCRIBED[notification_type], "destinationId": destination_id}
        created = await self._call(
            "createSubscription",
            "POST",
            f"{PATH}/subscriptions/{notification_type}",
            SubscriptionResponse,
            json=body,
            safe_to_repeat=False,
        )
        return created.payload

    async def unsubscribe(self, notification_type: str, subscription_id: str) -> None:
        path = f"{PATH}/subscriptions/{notification_type}/{quote(subscription_id, safe='')}"
        await self._call("deleteSubscriptionById", "DELETE", path, Empty, safe_to_repeat=True)
