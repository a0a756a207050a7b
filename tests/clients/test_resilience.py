"""Retries, token refresh, throttling and typed errors of the SP-API clients, over a mock transport."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime

import httpx
import pytest

from amazon_tui.clients.amazon.feeds import FeedDocument
from amazon_tui.clients.errors import (
    AuthError,
    ConnectionFailed,
    MalformedResponse,
    NotFoundError,
    ServerError,
    ServiceTimeout,
    ThrottledError,
)
from amazon_tui.clients.retry import RetryPolicy
from amazon_tui.clients.throttle import Throttle, UsagePlan
from tests.support.fake_amazon import CLIENT_SECRET, REFRESH_TOKEN, example, json_response

ORDER = example("orders2026_getOrder_200.json")
ORDER_ID = "171-9876543-2109876"
SINCE = datetime(2024, 12, 1, tzinfo=UTC)


def script(*answers):
    """A handler answering with ``answers`` in turn (exceptions are raised), then the last one again."""
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


def spapi_error(status: int, code: str, message: str, details: str = "") -> httpx.Response:
    return json_response({"errors": [{"code": code, "message": message, "details": details}]}, status=status)


async def test_get_order_retries_server_errors_then_succeeds(amazon):
    clients = amazon(
        script(
            spapi_error(500, "InternalFailure", "We encountered an internal error."),
            spapi_error(503, "ServiceUnavailable", "Service temporarily unavailable."),
            json_response(ORDER),
        )
    )
    order = await clients.orders.get_order(ORDER_ID)
    assert order.order_id == ORDER_ID
    assert len(clients.fake.api_requests()) == 3


async def test_server_errors_give_up_after_the_policy_attempts(amazon):
    clients = amazon(
        script(spapi_error(503, "ServiceUnavailable", "Service temporarily unavailable.")),
        retry=RetryPolicy.no_wait(attempts=3),
    )
    with pytest.raises(ServerError) as caught:
        await clients.orders.get_order(ORDER_ID)
    assert str(caught.value) == (
        "Amazon getOrder failed: 503 ServiceUnavailable — Service temporarily unavailable. (request req-1a2b)"
    )
    assert len(clients.fake.api_requests()) == 3


async def test_not_found_is_typed_and_not_retried(amazon):
    clients = amazon(script(spapi_error(404, "NotFound", "Order not found")))
    with pytest.raises(NotFoundError) as caught:
        await clients.orders.get_order("000-0000000-0000000")
    assert str(caught.value) == "Amazon getOrder failed: 404 NotFound — Order not found (request req-1a2b)"
    assert len(clients.fake.api_requests()) == 1


async def test_create_feed_is_not_repeated_after_a_server_error(amazon):
    clients = amazon(
        script(
            spapi_error(500, "InternalFailure", "We encountered an internal error."),
            json_response({"feedId": "should-not-be-reached"}, status=202),
        )
    )
    with pytest.raises(ServerError):
        await clients.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", ["ATVPDKIKX0DER"], "doc-1")
    assert len(clients.fake.api_requests()) == 1


async def test_create_feed_is_repeated_when_the_connection_was_refused(amazon):
    clients = amazon(
        script(httpx.ConnectError("Connection refused"), json_response({"feedId": "F1"}, status=202))
    )
    assert (
        await clients.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", ["ATVPDKIKX0DER"], "doc-1") == "F1"
    )
    assert len(clients.fake.api_requests()) == 2


async def test_create_feed_is_not_repeated_when_the_connection_dropped_mid_request(amazon):
    clients = amazon(script(httpx.ReadError("connection reset"), json_response({"feedId": "F1"}, status=202)))
    with pytest.raises(ConnectionFailed) as caught:
        await clients.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", ["ATVPDKIKX0DER"], "doc-1")
    assert caught.value.reached_server
    assert len(clients.fake.api_requests()) == 1


async def test_create_feed_is_repeated_after_429(amazon):
    throttle = Throttle(plans={"createFeed": UsagePlan(rate=100.0, burst=15)})
    clients = amazon(
        script(
            spapi_error(429, "QuotaExceeded", "You exceeded your quota for the requested resource."),
            json_response({"feedId": "F2"}, status=202),
        ),
        throttle=throttle,
    )
    assert (
        await clients.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", ["ATVPDKIKX0DER"], "doc-1") == "F2"
    )


async def test_a_429_backs_off_within_the_refill_interval(amazon):
    waits: list[tuple[str, float]] = []
    throttle = Throttle(
        plans={"getOrder": UsagePlan(rate=50.0, burst=30)}, on_wait=lambda op, s: waits.append((op, s))
    )
    clients = amazon(
        script(
            spapi_error(429, "QuotaExceeded", "You exceeded your quota for the requested resource."),
            json_response(ORDER),
        ),
        throttle=throttle,
    )
    await clients.orders.get_order(ORDER_ID)
    assert [operation for operation, _ in waits] == ["getOrder"]
    assert 0 < waits[0][1] <= 1 / 50.0 + 1e-9


async def test_persistent_429_ends_in_a_typed_error(amazon):
    throttle = Throttle(plans={"getOrder": UsagePlan(rate=1000.0, burst=1)})
    clients = amazon(
        script(spapi_error(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")),
        throttle=throttle,
        retry=RetryPolicy.no_wait(attempts=2),
    )
    with pytest.raises(ThrottledError) as caught:
        await clients.orders.get_order(ORDER_ID)
    assert (caught.value.status, caught.value.code) == (429, "QuotaExceeded")


async def test_rate_limit_header_adjusts_the_bucket(amazon):
    clients = amazon(lambda request: json_response(ORDER, **{"x-amzn-RateLimit-Limit": "2.5"}))
    await clients.orders.get_order(ORDER_ID)
    assert clients.throttle.bucket("getOrder", "A1SELLER").rate == 2.5


async def test_expired_token_is_refreshed_once_and_the_call_retried(amazon):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["x-amz-access-token"] == "Atza|access-1":
            return spapi_error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided has expired.",
            )
        return json_response(ORDER)

    clients = amazon(handler)
    await clients.orders.get_order(ORDER_ID)
    assert clients.fake.tokens_issued == 2
    assert [r.headers["x-amz-access-token"] for r in clients.fake.api_requests()] == [
        "Atza|access-1",
        "Atza|access-2",
    ]


async def test_a_persistent_403_gets_one_fresh_token_then_fails(amazon):
    clients = amazon(script(spapi_error(403, "Unauthorized", "Access to requested resource is denied.")))
    with pytest.raises(AuthError) as caught:
        await clients.orders.get_order(ORDER_ID)
    assert str(caught.value) == (
        "Amazon getOrder failed: 403 Unauthorized — "
        "Access to requested resource is denied. (request req-1a2b)"
    )
    assert clients.fake.tokens_issued == 2 and len(clients.fake.api_requests()) == 2


async def test_a_request_that_never_answers_hits_the_deadline_and_is_retried(amazon):
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(30)
        return json_response(ORDER)

    clients = amazon(handler, timeout=0.2)
    order = await asyncio.wait_for(clients.orders.get_order(ORDER_ID), 5)
    assert order.order_id == ORDER_ID and calls == 2


async def test_timeouts_give_up_with_a_typed_error(amazon):
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return json_response(ORDER)

    clients = amazon(handler, timeout=0.1, retry=RetryPolicy.no_wait(attempts=2))
    with pytest.raises(ServiceTimeout) as caught:
        await asyncio.wait_for(clients.orders.get_order(ORDER_ID), 5)
    assert str(caught.value) == "Amazon getOrder failed: no answer within 0.1 s"


async def test_invalid_json_is_malformed(amazon):
    clients = amazon(
        lambda request: httpx.Response(
            200, content=b'{"order": {"orderId": ', headers={"x-amzn-RequestId": "r9"}
        )
    )
    with pytest.raises(MalformedResponse) as caught:
        await clients.orders.get_order(ORDER_ID)
    assert (
        str(caught.value)
        == "Amazon getOrder failed: response is not valid JSON at line 1 column 23 (request r9)"
    )
    assert len(clients.fake.api_requests()) == 1


@pytest.mark.parametrize(
    ("mutate", "field", "problem"),
    [
        (lambda o: o.pop("createdTime"), "order.createdTime", "Field required"),
        (
            lambda o: o["orderItems"][0].update(quantityOrdered="one"),
            "order.orderItems[0].quantityOrdered",
            "valid integer",
        ),
        (
            lambda o: o["proceeds"]["grandTotal"].update(amount="29,90"),
            "order.proceeds.grandTotal.amount",
            "not a decimal number",
        ),
        (
            lambda o: o["proceeds"]["grandTotal"].update(amount=299.9),
            "order.proceeds.grandTotal.amount",
            "decimal string",
        ),
    ],
)
async def test_schema_invalid_payloads_name_the_field(amazon, mutate, field, problem):
    broken = example("orders2026_getOrder_200.json")
    mutate(broken["order"])
    clients = amazon(lambda request: json_response(broken))
    with pytest.raises(MalformedResponse) as caught:
        await clients.orders.get_order(ORDER_ID)
    assert caught.value.field == field
    assert field.removeprefix("order.") in str(caught.value) and problem in str(caught.value)


async def test_a_status_amazon_added_later_is_kept_as_received(amazon):
    """Issue 30: an enum value the model did not list is not schema-invalid (Amazon adds values)."""
    order = example("orders2026_getOrder_200.json")
    order["order"]["fulfillment"]["fulfillmentStatus"] = "TELEPORTED"
    clients = amazon(lambda request: json_response(order))
    got = await clients.orders.get_order(ORDER_ID)
    assert got.status == "TELEPORTED" and got.status.label == "Unknown status TELEPORTED"
    assert not got.cancelable


async def test_afn_order_without_buyer_or_address_keeps_them_absent(amazon):
    afn = example("orders2026_getOrder_200.json")
    for key in ("buyer", "recipient"):
        afn["order"].pop(key)
    afn["order"]["fulfillment"]["fulfilledBy"] = "AMAZON"
    clients = amazon(lambda request: json_response(afn))
    order = await clients.orders.get_order(ORDER_ID)
    assert order.buyer_name is None and order.buyer_email is None and order.address is None


async def test_item_proceeds_breakdowns_map_to_row_price_shipping_tax_and_discount(amazon):
    rich = example("orders2026_getOrder_200.json")
    brl = lambda amount: {"amount": amount, "currencyCode": "BRL"}  # noqa: E731
    item = rich["order"]["orderItems"][0]
    item["proceeds"]["breakdowns"] = [
        {"type": "ITEM", "subtotal": brl("299.90")},
        {"type": "SHIPPING", "subtotal": brl("15.00")},
        {
            "type": "TAX",
            "subtotal": brl("30.00"),
            "detailedBreakdowns": [{"subtype": "ITEM", "value": brl("28.50")}],
        },
        {"type": "TAX", "subtotal": brl("1.50")},
        {"type": "DISCOUNT", "subtotal": brl("-10.00")},
    ]
    item["cancellation"] = {
        "cancellationRequest": {"requester": "BUYER", "cancelReason": "Ordered by mistake"}
    }
    clients = amazon(lambda request: json_response(rich))
    (mapped,) = (await clients.orders.get_order(ORDER_ID)).items
    assert str(mapped.row_price.amount) == "299.90"
    assert str(mapped.shipping_price.amount) == "15.00"
    assert str(mapped.row_tax.amount) == "31.50"
    assert str(mapped.promotion_discount.amount) == "-10.00"
    assert mapped.cancellation_request.reason == "Ordered by mistake"


async def test_search_orders_sends_filters_and_refuses_ambiguous_windows(amazon):
    clients = amazon(
        lambda request: json_response({"orders": [], "lastUpdatedBefore": "2024-12-31T00:00:00Z"})
    )
    pages = [
        page
        async for page in clients.orders.search_orders(
            last_updated_after=SINCE,
            marketplace_ids=["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
            fulfillment_statuses=["UNSHIPPED", "PARTIALLY_SHIPPED"],
            fulfilled_by=["MERCHANT"],
            max_results_per_page=50,
        )
    ]
    (request,) = clients.fake.api_requests()
    params = request.url.params
    assert params["lastUpdatedAfter"] == "2024-12-01T00:00:00Z" and "createdAfter" not in params
    assert params["marketplaceIds"] == "ATVPDKIKX0DER,A2EUQ1WTGCTBG2"
    assert params["fulfillmentStatuses"] == "UNSHIPPED,PARTIALLY_SHIPPED"
    assert params["fulfilledBy"] == "MERCHANT" and params["maxResultsPerPage"] == "50"
    assert pages[0].last_updated_before == datetime(2024, 12, 31, tzinfo=UTC)
    for bad in (
        {},
        {"created_after": SINCE, "last_updated_after": SINCE},
        {"created_after": SINCE, "last_updated_before": SINCE},
    ):
        with pytest.raises(ValueError):
            async for _ in clients.orders.search_orders(marketplace_ids=["ATVPDKIKX0DER"], **bad):
                pass
    assert len(clients.fake.api_requests()) == 1


async def test_list_feeds_follows_next_token_as_the_only_parameter(amazon):
    feed = {
        "feedId": "F1",
        "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
        "createdTime": "2026-03-02T12:00:00Z",
        "processingStatus": "IN_QUEUE",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if "nextToken" in request.url.params:
            return json_response({"feeds": [{**feed, "feedId": "F2", "processingStatus": "DONE"}]})
        return json_response({"feeds": [feed], "nextToken": "page-2"})

    clients = amazon(handler)
    feeds = await clients.feeds.list_feeds("POST_ORDER_ACKNOWLEDGEMENT_DATA", created_since=SINCE)
    first, second = clients.fake.api_requests()
    assert dict(first.url.params) == {
        "feedTypes": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
        "pageSize": "100",
        "createdSince": "2024-12-01T00:00:00Z",
    }
    assert dict(second.url.params) == {"nextToken": "page-2"}
    assert [(f.feed_id, f.processing_status.is_final) for f in feeds] == [("F1", False), ("F2", True)]


async def test_upload_puts_exact_bytes_and_content_type_without_the_access_token(amazon):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    clients = amazon(handler)
    data = "<AmazonEnvelope>Müller</AmazonEnvelope>".encode()
    await clients.feeds.upload(
        "https://tortuga-prod-na.s3-external-1.amazonaws.com/doc-1?X-Amz-Signature=abc",
        data,
        "text/xml; charset=UTF-8",
    )
    (request,) = seen
    assert request.method == "PUT" and request.content == data
    assert request.headers["content-type"] == "text/xml; charset=UTF-8"
    assert "x-amz-access-token" not in request.headers and "authorization" not in request.headers


async def test_upload_error_does_not_leak_the_presigned_url(amazon):
    xml = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
    clients = amazon(lambda request: httpx.Response(403, content=xml))
    with pytest.raises(Exception) as caught:
        await clients.feeds.upload(
            "https://tortuga-prod-na.s3-external-1.amazonaws.com/doc-1?X-Amz-Signature=SECRET",
            b"x",
            "text/xml; charset=UTF-8",
        )
    assert str(caught.value) == "Amazon uploadFeedDocument failed: 403 AccessDenied — Request has expired"


@pytest.mark.parametrize("algorithm", ["GZIP", None])
async def test_download_gunzips_declared_or_sniffed_gzip(amazon, algorithm):
    report = b"<ProcessingReport>ok</ProcessingReport>"
    clients = amazon(lambda request: httpx.Response(200, content=gzip.compress(report)))
    document = FeedDocument(
        feed_document_id="d1",
        url="https://tortuga-prod-na.s3-external-1.amazonaws.com/d1",
        compression_algorithm=algorithm,
    )
    assert await clients.feeds.download(document) == report


async def test_download_of_corrupt_gzip_is_malformed(amazon):
    clients = amazon(lambda request: httpx.Response(200, content=b"\x1f\x8bnot really gzip"))
    document = FeedDocument(
        feed_document_id="d1",
        url="https://tortuga-prod-na.s3-external-1.amazonaws.com/d1",
        compression_algorithm="GZIP",
    )
    with pytest.raises(MalformedResponse):
        await clients.feeds.download(document)


async def test_no_secret_reaches_any_error_message(amazon):
    clients = amazon(script(spapi_error(400, "InvalidInput", "Invalid Input")))
    with pytest.raises(Exception) as caught:
        await clients.orders.get_order(ORDER_ID)
    rendered = str(caught.value) + repr(caught.value.args)
    for secret in (REFRESH_TOKEN, CLIENT_SECRET, "Atza|access-1"):
        assert secret not in rendered
