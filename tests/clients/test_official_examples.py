"""Every official example payload (reference/spapi/examples) parsed into domain/typed objects."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from amazon_tui.clients.amazon.feeds import FeedDocument, FeedProcessingStatus
from amazon_tui.clients.errors import BadRequestError
from amazon_tui.domain.models import Address, Money
from amazon_tui.domain.values import FulfilledBy, OrderStatus
from tests.support.fake_amazon import example, json_response


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


async def test_get_order_example(amazon):
    payload = example("orders2026_getOrder_200.json")
    clients = amazon(lambda request: json_response(payload))

    order = await clients.orders.get_order("171-9876543-2109876")

    (request,) = clients.fake.api_requests()
    assert request.method == "GET"
    assert request.url.path == "/orders/2026-01-01/orders/171-9876543-2109876"
    assert set(request.url.params["includedData"].split(",")) >= {
        "BUYER",
        "RECIPIENT",
        "PROCEEDS",
        "FULFILLMENT",
        "PACKAGES",
        "CANCELLATION",
    }
    assert request.headers["x-amz-access-token"] == "Atza|access-1"

    assert order.order_id == "171-9876543-2109876"
    assert order.store == "Acme BR"
    assert order.marketplace_id == "A2Q3Y263D00KWC"
    assert order.status is OrderStatus.UNSHIPPED
    assert order.fulfilled_by is FulfilledBy.MERCHANT
    assert order.cancelable
    assert order.service_level == "STANDARD"
    assert order.created == utc("2024-12-24T20:30:00Z")
    assert order.last_updated == utc("2024-12-25T08:15:00Z")
    assert order.earliest_ship == utc("2024-12-26T00:00:00Z")
    assert order.ship_by == utc("2024-12-27T23:59:59Z")
    assert order.deliver_by == utc("2024-12-31T23:59:59Z")
    assert order.total == Money(amount=Decimal("299.90"), currency="BRL")
    assert order.total.amount.as_tuple().exponent == -2
    assert order.programs == ("PRIME",) and order.is_prime
    assert order.buyer_name == "Maria Silva Santos"
    assert order.buyer_email == "buyer-email@marketplace.amazon.com.br"
    assert order.buyer_company is None
    assert order.seller_order_id == "BR-CONSUMER-ORDER-2024-003"
    assert order.address == Address(
        name="Maria Silva Santos",
        line1="Rua das Flores, 123",
        line2="Apartamento 45",
        city="São Paulo",
        region="SP",
        postal_code="01234-567",
        country_code="BR",
        phone="+55 11 98765-4321",
        address_type="RESIDENTIAL",
    )
    (item,) = order.items
    assert item.order_item_id == "17198765432109"
    assert item.asin == "B08N5WRWNW"
    assert item.seller_sku == "ECHO-DOT-4-BR-PRETO"
    assert item.title.startswith("Echo Dot (4ª Geração)")
    assert (item.quantity_ordered, item.quantity_shipped, item.quantity_unshipped) == (1, 0, 1)
    assert (item.condition, item.subcondition) == ("NEW", "NEW")
    brl = Money(amount=Decimal("299.90"), currency="BRL")
    assert item.unit_price == brl and item.row_price == brl and item.row_total == brl
    assert item.row_tax is None and item.shipping_price is None and item.promotion_discount is None
    assert item.promotion_ids == ("BR-NATAL-2024",)
    assert item.cancellation_request is None and item.canceled_by is None
    assert order.packages == ()


async def test_search_orders_example_follows_next_token_into_the_packages_example(amazon):
    first = example("orders2026_searchOrders_200.json")
    second = example("orders2026_searchOrders_200_with_packages.json")

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(second if "paginationToken" in request.url.params else first)

    clients = amazon(handler)
    pages = [
        page
        async for page in clients.orders.search_orders(
            created_after=utc("2024-12-25T00:00:00Z"), marketplace_ids=["A1VC38T7YXB528"]
        )
    ]

    first_request, second_request = clients.fake.api_requests()
    assert first_request.url.path == "/orders/2026-01-01/orders"
    assert first_request.url.params["createdAfter"] == "2024-12-25T00:00:00Z"
    assert first_request.url.params["marketplaceIds"] == "A1VC38T7YXB528"
    assert first_request.url.params["maxResultsPerPage"] == "100"
    assert "paginationToken" not in first_request.url.params
    assert second_request.url.params["paginationToken"] == "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"

    assert [len(page.orders) for page in pages] == [1, 1]
    assert pages[0].next_token == "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"
    assert pages[0].created_before == utc("2024-12-25T03:00:00Z")
    assert pages[0].last_updated_before is None
    assert pages[1].next_token is None

    (order,) = pages[0].orders
    assert order.order_id == "250-1234567-8901234"
    assert order.status is OrderStatus.SHIPPED
    assert order.fulfilled_by is FulfilledBy.AMAZON and not order.cancelable
    assert order.total == Money(amount=Decimal("19940"), currency="JPY")
    assert order.seller_order_id == "JP-ORDER-2024-001"
    assert order.address.city == "Tokyo" and order.address.line3 is None
    assert [item.order_item_id for item in order.items] == ["25012345678901", "25012345678902"]
    assert [item.quantity_shipped for item in order.items] == [1, 2]
    assert order.items_shipped == 3 and order.items_unshipped == 0
    assert order.items[1].row_total == Money(amount=Decimal("13960"), currency="JPY")
    assert order.items[1].unit_price == Money(amount=Decimal("6980"), currency="JPY")
    assert order.items[0].promotion_ids == ("JP-WINTER-SALE-2024",)
    assert order.items[1].promotion_ids == ()


async def test_search_orders_packages_example(amazon):
    payload = example("orders2026_searchOrders_200_with_packages.json")
    clients = amazon(lambda request: json_response(payload))

    pages = [
        page
        async for page in clients.orders.search_orders(
            created_after=utc("2024-12-23T00:00:00Z"), marketplace_ids=["A1F83G8C2ARO7P"]
        )
    ]

    assert len(pages) == 1 and pages[0].next_token is None
    assert pages[0].created_before == utc("2024-12-24T15:00:00Z")
    (order,) = pages[0].orders
    assert order.order_id == "202-7654321-1098765"
    assert order.status is OrderStatus.SHIPPED and order.fulfilled_by is FulfilledBy.MERCHANT
    assert order.total == Money(amount=Decimal("34.99"), currency="GBP")
    assert order.address.district == "Greater London" and order.address.region == "England"
    (package,) = order.packages
    assert package.reference_id == "UK-PKG-CONSUMER-2024-002"
    assert package.carrier == "DPD"
    assert package.shipping_service == "DPD Next Day Delivery"
    assert package.tracking_number == "15501234567890123456"
    assert package.ship_time == utc("2024-12-25T14:00:00Z")
    assert (package.status, package.detailed_status) == ("IN_TRANSIT", "OUT_FOR_DELIVERY")
    assert [(line.order_item_id, line.quantity) for line in package.lines] == [("20276543210987", 1)]


async def test_search_orders_400_example(amazon):
    payload = example("orders2026_searchOrders_400_error.json")
    clients = amazon(lambda request: json_response(payload, status=400))

    with pytest.raises(BadRequestError) as caught:
        async for _ in clients.orders.search_orders(
            created_after=utc("2024-12-25T00:00:00Z"), marketplace_ids=["ATVPDKIKX0DER"]
        ):
            pass

    error = caught.value
    assert (error.status, error.code, error.message, error.request_id) == (
        400,
        "InvalidInput",
        "Invalid Input",
        "req-1a2b",
    )
    assert str(error) == "Amazon searchOrders failed: 400 InvalidInput — Invalid Input (request req-1a2b)"
    assert len(clients.fake.api_requests()) == 1  # a bad request is not retried


async def test_create_feed_document_example(amazon):
    payload = example("feeds2021_createFeedDocument_201.json")
    clients = amazon(lambda request: json_response(payload["response"], status=201))

    upload = await clients.feeds.create_feed_document("text/tab-separated-values; charset=UTF-8")

    (request,) = clients.fake.api_requests()
    assert (request.method, request.url.path) == ("POST", "/feeds/2021-06-30/documents")
    assert json.loads(request.content) == payload["sandbox_request"]["parameters"]["body"]["value"]
    assert upload.feed_document_id == "3d4e42b5-1d6e-44e8-a89c-2abfca0625bb"
    assert upload.url == "https://d34o8swod1owfl.cloudfront.net/Feed_101__POST_PRODUCT_DATA_.xml"


async def test_create_feed_example(amazon):
    payload = example("feeds2021_createFeed_202.json")
    clients = amazon(lambda request: json_response(payload["response"], status=202))
    body = payload["sandbox_request"]["parameters"]["body"]["value"]

    feed_id = await clients.feeds.create_feed(
        body["feedType"], body["marketplaceIds"], body["inputFeedDocumentId"]
    )

    (request,) = clients.fake.api_requests()
    assert (request.method, request.url.path) == ("POST", "/feeds/2021-06-30/feeds")
    assert json.loads(request.content) == body
    assert feed_id == "3485934"


async def test_get_feed_example(amazon):
    payload = example("feeds2021_getFeed_200.json")
    clients = amazon(lambda request: json_response(payload["response"]))

    feed = await clients.feeds.get_feed("feedId1")

    (request,) = clients.fake.api_requests()
    assert request.url.path == "/feeds/2021-06-30/feeds/feedId1"
    assert feed.feed_id == "FeedId1"
    assert feed.feed_type == "POST_PRODUCT_DATA"
    assert feed.processing_status is FeedProcessingStatus.CANCELLED and feed.processing_status.is_final
    assert feed.created_time == datetime(2024, 3, 11, 13, 16, 24, 630000, tzinfo=UTC)
    assert feed.processing_end_time == feed.created_time
    assert feed.result_feed_document_id is None


async def test_get_feed_document_example_and_download(amazon):
    payload = example("feeds2021_getFeedDocument_200.json")
    report = b"<?xml version='1.0'?><AmazonEnvelope/>"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "d34o8swod1owfl.cloudfront.net":
            assert "x-amz-access-token" not in request.headers
            return httpx.Response(200, content=report)
        return json_response(payload["response"])

    clients = amazon(handler)
    document = await clients.feeds.get_feed_document("0356cf79-b8b0-4226-b4b9-0ee058ea5760")

    assert document == FeedDocument(
        feed_document_id="0356cf79-b8b0-4226-b4b9-0ee058ea5760",
        url="https://d34o8swod1owfl.cloudfront.net/Feed_101__POST_PRODUCT_DATA_.xml",
    )
    assert document.compression_algorithm is None
    assert await clients.feeds.download(document) == report


async def test_feeds_400_example(amazon):
    """The Feeds 400 example (from getFeeds) read as the typed error of a Feeds call."""
    payload = example("feeds2021_getFeeds_400_error.json")
    clients = amazon(lambda request: json_response(payload["response"], status=400))

    with pytest.raises(BadRequestError) as caught:
        await clients.feeds.get_feed("3485934")

    assert (caught.value.status, caught.value.code) == (400, "400")
    assert caught.value.message == "Invalid input: Dates were not provided"
