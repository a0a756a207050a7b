"""Usage plans: the burst passes, the next request gets 429, the documented refill restores it."""

from __future__ import annotations

import httpx
import pytest

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.ratelimit import USAGE_PLANS
from tests.support.sandbox_http import FEEDS, ORDERS, auth_headers

SEARCH = {"createdAfter": "2026-01-01T00:00:00Z", "maxResultsPerPage": 1}


async def test_search_orders_burst_then_429_then_refill(sandbox, client, us_headers, uk, clock):
    plan = USAGE_PLANS["searchOrders"]
    for _ in range(plan.burst):
        response = await client.get(ORDERS, params=SEARCH, headers=us_headers)
        assert response.status_code == 200
        assert response.headers["x-amzn-ratelimit-limit"] == "0.0056"
    throttled = await client.get(ORDERS, params=SEARCH, headers=us_headers)
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-ratelimit-limit" not in throttled.headers
    # another seller has its own bucket
    uk_headers = await auth_headers(client, uk)
    assert (await client.get(ORDERS, params=SEARCH, headers=uk_headers)).status_code == 200
    clock.advance(1 / plan.rate - 1)  # not quite one token yet
    assert (await client.get(ORDERS, params=SEARCH, headers=us_headers)).status_code == 429
    clock.advance(1 / plan.rate + 0.001)  # the documented refill time for one request
    assert (await client.get(ORDERS, params=SEARCH, headers=us_headers)).status_code == 200
    assert sandbox.count("searchOrders", 429) == 2


@pytest.mark.parametrize(
    "operation, method, path, body",
    [
        ("getOrder", "GET", f"{ORDERS}/111-0000000-0000000", None),
        ("createFeedDocument", "POST", f"{FEEDS}/documents", {"contentType": "text/xml"}),
        ("getFeed", "GET", f"{FEEDS}/feeds/1", None),
        ("getFeedDocument", "GET", f"{FEEDS}/documents/x", None),
    ],
)
async def test_other_usage_plans(sandbox, client, us_headers, clock, operation, method, path, body):
    plan = USAGE_PLANS[operation]
    for _ in range(plan.burst):
        response = await client.request(method, path, json=body, headers=us_headers)
        assert response.status_code != 429
        assert response.headers["x-amzn-ratelimit-limit"] == f"{plan.rate:g}"
    assert (await client.request(method, path, json=body, headers=us_headers)).status_code == 429
    clock.advance(1 / plan.rate + 0.001)
    assert (await client.request(method, path, json=body, headers=us_headers)).status_code != 429


async def test_time_scale_speeds_up_refill(tmp_path, clock):
    sandbox = Sandbox(tmp_path / "fast.db", orders_per_store=5, clock=clock, time_scale=100)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app), base_url="http://sandbox.invalid"
    ) as client:
        headers = await auth_headers(client, sandbox.stores[0])
        for _ in range(20):
            await client.get(ORDERS, params=SEARCH, headers=headers)
        assert (await client.get(ORDERS, params=SEARCH, headers=headers)).status_code == 429
        clock.advance(1 / (0.0056 * 100) + 0.001)
        response = await client.get(ORDERS, params=SEARCH, headers=headers)
        assert response.status_code == 200
        assert response.headers["x-amzn-ratelimit-limit"] == "0.56"  # the rate this sandbox applies
    sandbox.close()


async def test_rate_limits_can_be_switched_off(tmp_path, clock):
    sandbox = Sandbox(tmp_path / "free.db", orders_per_store=5, clock=clock, enforce_rate_limits=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app), base_url="http://sandbox.invalid"
    ) as client:
        headers = await auth_headers(client, sandbox.stores[0])
        statuses = {(await client.get(ORDERS, params=SEARCH, headers=headers)).status_code for _ in range(40)}
    assert statuses == {200}
    sandbox.close()
