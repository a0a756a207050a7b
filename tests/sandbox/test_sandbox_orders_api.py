"""searchOrders and getOrder: the parameter rules, pagination, datasets, sellers, tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amazon_tui.sandbox.clock import iso
from tests.support.sandbox_http import ORDERS, orders_of

AFTER = "2025-12-01T00:00:00Z"


async def all_pages(client, headers, params) -> list[dict]:
    orders, token = [], None
    while True:
        page = await client.get(
            ORDERS, headers=headers, params={"paginationToken": token, **params} if token else params
        )
        assert page.status_code == 200, page.text
        orders += page.json()["orders"]
        token = page.json().get("pagination", {}).get("nextToken")
        if token is None:
            return orders


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({}, "Exactly one"),
        ({"createdAfter": AFTER, "lastUpdatedAfter": AFTER}, "Exactly one"),
        ({"createdAfter": AFTER, "lastUpdatedBefore": "2026-01-01T00:00:00Z"}, "lastUpdatedBefore"),
        ({"lastUpdatedAfter": AFTER, "createdBefore": "2026-01-01T00:00:00Z"}, "createdBefore"),
        ({"createdAfter": AFTER, "createdBefore": "2025-11-01T00:00:00Z"}, "equal to or after"),
        ({"createdAfter": AFTER, "createdBefore": "2026-03-02T11:59:00Z"}, "two minutes"),
        ({"createdAfter": "yesterday"}, "ISO 8601"),
        ({"createdAfter": AFTER, "maxResultsPerPage": 0}, "maxResultsPerPage"),
        ({"createdAfter": AFTER, "maxResultsPerPage": 101}, "maxResultsPerPage"),
        ({"createdAfter": AFTER, "fulfillmentStatuses": "SHIPPED,LOST"}, "fulfillmentStatuses"),
        ({"createdAfter": AFTER, "fulfilledBy": "ME"}, "fulfilledBy"),
        ({"createdAfter": AFTER, "includedData": "EVERYTHING"}, "includedData"),
        ({"paginationToken": "garbage"}, "paginationToken"),
    ],
)
async def test_invalid_searches_are_400(client, us_headers, params, fragment):
    response = await client.get(ORDERS, params=params, headers=us_headers)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert fragment in error["message"]
    assert response.headers["x-amzn-ratelimit-limit"] == "0.0056"


async def test_before_exactly_two_minutes_ago_is_accepted(client, us_headers, clock):
    before = iso(clock() - timedelta(minutes=2))
    response = await client.get(
        ORDERS, params={"createdAfter": AFTER, "createdBefore": before}, headers=us_headers
    )
    assert response.status_code == 200
    assert response.json()["createdBefore"] == before
    assert all(order["createdTime"] <= before for order in response.json()["orders"])


async def test_pagination_walks_every_order_once_in_a_stable_order(sandbox, client, us, us_headers, clock):
    orders = await all_pages(client, us_headers, {"createdAfter": AFTER, "maxResultsPerPage": 7})
    ids = [order["orderId"] for order in orders]
    assert len(ids) == len(set(ids)) == len(orders_of(sandbox, us.seller_id))
    keys = [(order["createdTime"], order["orderId"]) for order in orders]
    assert keys == sorted(keys)
    first = await client.get(
        ORDERS, headers=us_headers, params={"createdAfter": AFTER, "maxResultsPerPage": 7}
    )
    assert first.json()["createdBefore"] == iso(clock())
    token = first.json()["pagination"]["nextToken"]
    # the other parameters may be repeated; changing them is an error; pages may change size
    same = await client.get(
        ORDERS,
        headers=us_headers,
        params={"createdAfter": AFTER, "paginationToken": token, "maxResultsPerPage": 3},
    )
    assert [o["orderId"] for o in same.json()["orders"]] == ids[7:10]
    changed = await client.get(
        ORDERS, headers=us_headers, params={"createdAfter": "2026-01-01T00:00:00Z", "paginationToken": token}
    )
    assert changed.status_code == 400
    from tests.support.sandbox_http import auth_headers

    uk_headers = await auth_headers(client, sandbox.stores[1])
    stolen = await client.get(ORDERS, headers=uk_headers, params={"paginationToken": token})
    assert stolen.status_code == 400
    clock.advance(24 * 3600 + 1)
    fresh = await auth_headers(client, us)
    expired = await client.get(ORDERS, headers=fresh, params={"paginationToken": token})
    assert expired.status_code == 400


async def test_filters(sandbox, client, us, us_headers):
    orders = await all_pages(
        client,
        us_headers,
        {
            "createdAfter": AFTER,
            "fulfillmentStatuses": "UNSHIPPED,PARTIALLY_SHIPPED",
            "fulfilledBy": "MERCHANT",
            "marketplaceIds": us.marketplace_id,
            "includedData": "FULFILLMENT",
        },
    )
    expected = {
        o["orderId"]
        for status in ("UNSHIPPED", "PARTIALLY_SHIPPED")
        for o in orders_of(sandbox, us.seller_id, fulfillment_status=status, fulfilled_by="MERCHANT")
    }
    assert {order["orderId"] for order in orders} == expected
    elsewhere = await client.get(
        ORDERS, headers=us_headers, params={"createdAfter": AFTER, "marketplaceIds": "A1F83G8C2ARO7P"}
    )
    assert elsewhere.json()["orders"] == []


async def test_last_updated_after_finds_changed_orders(sandbox, client, us, us_headers, clock):
    order_id = orders_of(sandbox, us.seller_id, fulfillment_status="UNSHIPPED", fulfilled_by="MERCHANT")[0][
        "orderId"
    ]
    cursor = iso(clock())
    clock.advance(60)
    sandbox.ship_order(order_id)
    clock.advance(60)
    response = await client.get(
        ORDERS,
        headers=us_headers,
        params={"lastUpdatedAfter": cursor, "includedData": "FULFILLMENT,PACKAGES"},
    )
    assert response.json()["lastUpdatedBefore"] == iso(clock())
    [order] = response.json()["orders"]
    assert order["orderId"] == order_id
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert order["packages"][-1]["trackingNumber"]


async def test_included_data_selects_datasets(sandbox, client, us, us_headers):
    order = next(
        o
        for o in orders_of(sandbox, us.seller_id, fulfilled_by="MERCHANT", fulfillment_status="SHIPPED")
        if "packages" in o
    )
    bare = (await client.get(f"{ORDERS}/{order['orderId']}", headers=us_headers)).json()["order"]
    assert set(bare) <= {
        "orderId",
        "orderAliases",
        "createdTime",
        "lastUpdatedTime",
        "programs",
        "associatedOrders",
        "salesChannel",
        "orderItems",
    }
    assert set(bare["orderItems"][0]) <= {
        "orderItemId",
        "quantityOrdered",
        "measurement",
        "associatedOrderItems",
        "programs",
        "product",
    }
    some = (
        await client.get(
            f"{ORDERS}/{order['orderId']}", headers=us_headers, params={"includedData": "BUYER,PACKAGES"}
        )
    ).json()["order"]
    assert "buyer" in some and "packages" in some and "recipient" not in some
    assert "fulfillment" not in some and "proceeds" not in some["orderItems"][0]
    full = await client.get(
        f"{ORDERS}/{order['orderId']}",
        headers=us_headers,
        params=[("includedData", "BUYER,RECIPIENT"), ("includedData", "PROCEEDS,FULFILLMENT,PACKAGES")],
    )
    assert {"buyer", "recipient", "proceeds", "fulfillment", "packages"} <= set(full.json()["order"])


async def test_access_token_rules(sandbox, client, us, us_headers, clock):
    order_id = orders_of(sandbox, us.seller_id)[0]["orderId"]
    missing = await client.get(f"{ORDERS}/{order_id}")
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["code"] == "Unauthorized"
    assert "x-amzn-requestid" in missing.headers
    clock.advance(sandbox.token_ttl_seconds)
    expired = await client.get(f"{ORDERS}/{order_id}", headers=us_headers)
    assert expired.status_code == 403
    assert expired.json()["errors"][0]["message"] == "The access token you provided has expired."


async def test_orders_belong_to_their_seller(sandbox, client, uk, us_headers):
    uk_order = orders_of(sandbox, uk.seller_id)[0]["orderId"]
    response = await client.get(f"{ORDERS}/{uk_order}", headers=us_headers)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NotFound"
    assert response.headers["x-amzn-ratelimit-limit"] == "0.5"
