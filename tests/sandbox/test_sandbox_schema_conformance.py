"""Every JSON body the sandbox sends validates against the official model of its operation,
success and error statuses alike."""

from __future__ import annotations

import pytest

from tests.support.sandbox_http import FEEDS, ORDERS, acknowledgement_feed, submit_feed
from tests.support.schemas import needs_reference, validate

pytestmark = needs_reference

ALL_DATA = (
    "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,TAX,PAYMENT,"
    "FULFILLMENT_ORDERS"
)
SEARCH = "/orders/2026-01-01/orders"
GET_ORDER = "/orders/2026-01-01/orders/{orderId}"


async def test_every_seeded_order_of_every_store_validates(sandbox, client):
    """searchOrders with every dataset over all stores: each order matches the Order schema."""
    from tests.support.sandbox_http import auth_headers

    seen = 0
    for store in sandbox.stores:
        headers = await auth_headers(client, store)
        token = None
        while True:
            params = ({"paginationToken": token} if token else {"createdAfter": "2025-12-01T00:00:00Z"}) | {
                "includedData": ALL_DATA
            }
            response = await client.get(ORDERS, params=params, headers=headers)
            assert response.status_code == 200
            validate("orders", SEARCH, "GET", 200, response.json())
            seen += len(response.json()["orders"])
            token = response.json().get("pagination", {}).get("nextToken")
            if not token:
                break
    assert seen == sandbox.db.query_one("SELECT COUNT(*) AS n FROM amazon_orders")["n"]


async def test_search_orders_errors_validate(client, us_headers, clock):
    cases = [
        ({}, us_headers, 400),
        ({"createdAfter": "TEST_CASE_400"}, us_headers, 400),
        (
            {"createdAfter": "2026-01-01T00:00:00Z", "lastUpdatedAfter": "2026-01-01T00:00:00Z"},
            us_headers,
            400,
        ),
        ({"createdAfter": "2026-01-01T00:00:00Z"}, {}, 403),
        ({"createdAfter": "2026-01-01T00:00:00Z"}, {"x-amz-access-token": "Atza|forged"}, 403),
    ]
    for params, headers, status in cases:
        response = await client.get(ORDERS, params=params, headers=headers)
        assert response.status_code == status, (params, response.text)
        validate("orders", SEARCH, "GET", status, response.json())


async def test_get_order_success_and_errors_validate(sandbox, client, us_headers, uk, us):
    order_id = sandbox.db.query_one(
        "SELECT order_id FROM amazon_orders WHERE seller_id = ?", (us.seller_id,)
    )["order_id"]
    uk_order = sandbox.db.query_one(
        "SELECT order_id FROM amazon_orders WHERE seller_id = ?", (uk.seller_id,)
    )["order_id"]
    cases = [
        (order_id, {"includedData": ALL_DATA}, us_headers, 200),
        (order_id, {}, us_headers, 200),
        (order_id, {"includedData": "BUYER,NOPE"}, us_headers, 400),
        ("TEST_CASE_400", {}, us_headers, 400),
        ("111-0000000-0000000", {}, us_headers, 404),
        (uk_order, {}, us_headers, 404),  # another seller's order
        (order_id, {}, {}, 403),
    ]
    for oid, params, headers, status in cases:
        response = await client.get(f"{ORDERS}/{oid}", params=params, headers=headers)
        assert response.status_code == status, (oid, params, response.text)
        validate("orders", GET_ORDER, "GET", status, response.json())


async def test_usage_plan_429_validates(sandbox, client, us_headers):
    order_id = sandbox.db.query_one("SELECT order_id FROM amazon_orders")["order_id"]
    statuses = [(await client.get(f"{ORDERS}/{order_id}", headers=us_headers)).status_code for _ in range(30)]
    assert set(statuses) <= {200, 404}
    response = await client.get(f"{ORDERS}/{order_id}", headers=us_headers)
    assert response.status_code == 429
    validate("orders", GET_ORDER, "GET", 429, response.json())


@pytest.mark.parametrize("kind", ["500", "503"])
async def test_server_errors_validate(sandbox, client, us_headers, kind):
    sandbox.inject_fault("*", kind)
    response = await client.get(ORDERS, params={"createdAfter": "2026-01-01T00:00:00Z"}, headers=us_headers)
    assert response.status_code == int(kind)
    validate("orders", SEARCH, "GET", int(kind), response.json())
    response = await client.get(f"{FEEDS}/feeds/1", headers=us_headers)
    validate("feeds", "/feeds/2021-06-30/feeds/{feedId}", "GET", int(kind), response.json())


async def test_feeds_operations_validate(sandbox, client, us_headers, us, clock):
    content_type = "text/xml; charset=UTF-8"
    created = await client.post(f"{FEEDS}/documents", json={"contentType": content_type}, headers=us_headers)
    validate("feeds", "/feeds/2021-06-30/documents", "POST", 201, created.json())
    bad = await client.post(f"{FEEDS}/documents", json={}, headers=us_headers)
    validate("feeds", "/feeds/2021-06-30/documents", "POST", 400, bad.json())
    forbidden = await client.post(f"{FEEDS}/documents", json={"contentType": content_type})
    validate("feeds", "/feeds/2021-06-30/documents", "POST", 403, forbidden.json())

    feed_id = await submit_feed(
        client, us_headers, us, acknowledgement_feed(us.seller_id, [("111-0000000-0000000", "Failure", [])])
    )
    bad_feed = await client.post(f"{FEEDS}/feeds", json={"feedType": "X"}, headers=us_headers)
    assert bad_feed.status_code == 400
    validate("feeds", "/feeds/2021-06-30/feeds", "POST", 400, bad_feed.json())

    statuses = []
    for _ in range(3):
        feed = await client.get(f"{FEEDS}/feeds/{feed_id}", headers=us_headers)
        validate("feeds", "/feeds/2021-06-30/feeds/{feedId}", "GET", 200, feed.json())
        statuses.append(feed.json()["processingStatus"])
        clock.advance(1.5)
    assert statuses == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    missing = await client.get(f"{FEEDS}/feeds/999", headers=us_headers)
    validate("feeds", "/feeds/2021-06-30/feeds/{feedId}", "GET", 404, missing.json())

    listed = await client.get(
        f"{FEEDS}/feeds", params={"feedTypes": "POST_ORDER_ACKNOWLEDGEMENT_DATA"}, headers=us_headers
    )
    validate("feeds", "/feeds/2021-06-30/feeds", "GET", 200, listed.json())
    assert [feed["feedId"] for feed in listed.json()["feeds"]] == [feed_id]
    unlisted = await client.get(f"{FEEDS}/feeds", headers=us_headers)
    validate("feeds", "/feeds/2021-06-30/feeds", "GET", 400, unlisted.json())

    document = await client.get(
        f"{FEEDS}/documents/{feed.json()['resultFeedDocumentId']}", headers=us_headers
    )
    validate("feeds", "/feeds/2021-06-30/documents/{feedDocumentId}", "GET", 200, document.json())
    no_document = await client.get(f"{FEEDS}/documents/nope", headers=us_headers)
    validate("feeds", "/feeds/2021-06-30/documents/{feedDocumentId}", "GET", 404, no_document.json())

    not_cancellable = await client.delete(f"{FEEDS}/feeds/{feed_id}", headers=us_headers)
    validate("feeds", "/feeds/2021-06-30/feeds/{feedId}", "DELETE", 400, not_cancellable.json())
    queued = await submit_feed(client, us_headers, us, b"<AmazonEnvelope/>")
    cancelled = await client.delete(f"{FEEDS}/feeds/{queued}", headers=us_headers)
    assert cancelled.status_code == 200 and cancelled.content == b""
    after = await client.get(f"{FEEDS}/feeds/{queued}", headers=us_headers)
    assert after.json()["processingStatus"] == "CANCELLED"
    validate("feeds", "/feeds/2021-06-30/feeds/{feedId}", "GET", 200, after.json())
