"""The ASGI app: every endpoint of the sandbox on one origin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.routing import Route

from . import admin_api, bucket_api, confirm_shipment, feeds_api, lwa, magento_api, notifications, orders_api
from .pipeline import operation_endpoint

if TYPE_CHECKING:
    from .world import SandboxWorld

ORDERS = "/orders/2026-01-01"
ORDERS_V0 = "/orders/v0"
FEEDS = "/feeds/2021-06-30"
NOTIFICATIONS = "/notifications/v1"

# (path, method, operation, family, handler, needs the service's credentials)
OPERATIONS = (
    ("/auth/o2/token", "POST", "lwaToken", "lwa", lwa.token, False),
    (f"{ORDERS}/orders", "GET", "searchOrders", "spapi", orders_api.search, True),
    (f"{ORDERS}/orders/{{orderId}}", "GET", "getOrder", "spapi", orders_api.get, True),
    (
        f"{ORDERS_V0}/orders/{{orderId}}/shipmentConfirmation",
        "POST",
        "confirmShipment",
        "spapi",
        confirm_shipment.confirm_shipment,
        True,
    ),
    (f"{FEEDS}/documents", "POST", "createFeedDocument", "spapi", feeds_api.create_feed_document, True),
    (
        f"{FEEDS}/documents/{{feedDocumentId}}",
        "GET",
        "getFeedDocument",
        "spapi",
        feeds_api.get_feed_document,
        True,
    ),
    (f"{FEEDS}/feeds", "POST", "createFeed", "spapi", feeds_api.create_feed, True),
    (f"{FEEDS}/feeds", "GET", "getFeeds", "spapi", feeds_api.get_feeds, True),
    (f"{FEEDS}/feeds/{{feedId}}", "GET", "getFeed", "spapi", feeds_api.get_feed, True),
    (f"{FEEDS}/feeds/{{feedId}}", "DELETE", "cancelFeed", "spapi", feeds_api.cancel_feed, True),
    (
        f"{NOTIFICATIONS}/destinations",
        "GET",
        "getDestinations",
        "spapi",
        notifications.get_destinations,
        True,
    ),
    (
        f"{NOTIFICATIONS}/destinations",
        "POST",
        "createDestination",
        "spapi",
        notifications.create_destination,
        True,
    ),
    (
        f"{NOTIFICATIONS}/destinations/{{destinationId}}",
        "DELETE",
        "deleteDestination",
        "spapi",
        notifications.delete_destination,
        True,
    ),
    (
        f"{NOTIFICATIONS}/subscriptions/{{notificationType}}",
        "GET",
        "getSubscription",
        "spapi",
        notifications.get_subscription,
        True,
    ),
    (
        f"{NOTIFICATIONS}/subscriptions/{{notificationType}}",
        "POST",
        "createSubscription",
        "spapi",
        notifications.create_subscription,
        True,
    ),
    (
        f"{NOTIFICATIONS}/subscriptions/{{notificationType}}/{{subscriptionId}}",
        "DELETE",
        "deleteSubscriptionById",
        "spapi",
        notifications.delete_subscription,
        True,
    ),
    ("/_bucket/upload/{documentId}", "PUT", "uploadFeedDocument", "bucket", bucket_api.upload, False),
    ("/_bucket/download/{documentId}", "GET", "downloadReport", "bucket", bucket_api.download, False),
    ("/rest/V1/orders", "GET", "magentoSearchOrders", "magento", magento_api.search_orders, True),
    ("/rest/V1/orders/{orderId}", "GET", "magentoGetOrder", "magento", magento_api.get_order, True),
    ("/rest/V1/order/{orderId}/refund", "POST", "magentoRefund", "magento", magento_api.refund, True),
    ("/rest/V1/shipments", "GET", "magentoSearchShipments", "magento", magento_api.search_shipments, True),
    (
        "/rest/V1/shipment/{shipmentId}",
        "GET",
        "magentoGetShipment",
        "magento",
        magento_api.get_shipment,
        True,
    ),
    (
        "/rest/V1/orders/{orderId}/comments",
        "POST",
        "magentoComment",
        "magento",
        magento_api.add_comment,
        True,
    ),
    (
        "/rest/V1/integration/admin/token",
        "POST",
        "magentoAdminToken",
        "magento",
        magento_api.admin_token,
        False,
    ),
)

ADMIN = (
    ("/_sandbox", "GET", admin_api.describe),
    ("/_sandbox/log", "GET", admin_api.get_log),
    ("/_sandbox/log", "DELETE", admin_api.clear_log),
    ("/_sandbox/faults", "GET", admin_api.get_faults),
    ("/_sandbox/faults", "POST", admin_api.add_fault),
    ("/_sandbox/faults", "DELETE", admin_api.clear_faults),
    ("/_sandbox/reset", "POST", admin_api.reset),
    ("/_sandbox/orders", "POST", admin_api.add_orders),
    ("/_sandbox/orders/{orderId}", "GET", admin_api.get_order),
    ("/_sandbox/orders/{orderId}/ship", "POST", admin_api.ship_order),
    ("/_sandbox/orders/{orderId}/magento-ship", "POST", admin_api.magento_ship),
    ("/_sandbox/orders/{orderId}/buyer-cancel", "POST", admin_api.buyer_cancel),
    ("/_sandbox/report-mode", "POST", admin_api.set_report_mode),
    ("/_sandbox/document-urls", "POST", admin_api.set_document_urls),
    ("/_sandbox/feeds", "POST", admin_api.foreign_feed),
    ("/_sandbox/clock", "GET", admin_api.get_clock),
    ("/_sandbox/clock", "POST", admin_api.set_clock),
)


def create_app(sandbox: SandboxWorld) -> Starlette:
    routes = [
        Route(
            path,
            operation_endpoint(sandbox, operation, family, handler, authenticate=authenticate),
            methods=[method],
            name=operation,
        )
        for path, method, operation, family, handler, authenticate in OPERATIONS
    ]
    routes += [
        Route(path, admin_api.admin_endpoint(sandbox, handler), methods=[method])
        for path, method, handler in ADMIN
    ]
    return Starlette(routes=routes)
