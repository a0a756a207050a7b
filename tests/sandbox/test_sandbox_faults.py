"""One test per fault kind, with its exact outcome; counts, wildcards and the admin endpoint."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from amazon_tui.sandbox.faults import FAULT_KINDS
from amazon_tui.sandbox.serve import serving
from tests.support.sandbox_http import ADMIN_HEADERS, FEEDS, ORDERS, lwa_form
from tests.support.schemas import needs_reference

SEARCH = {"createdAfter": "2026-01-01T00:00:00Z"}


async def search(client, headers):
    return await client.get(ORDERS, params=SEARCH, headers=headers)


async def test_latency_delays_then_answers_normally(sandbox, client, us_headers):
    sandbox.inject_fault("searchOrders", "latency", latency=0.3, count=1)
    started = time.monotonic()
    response = await search(client, us_headers)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200 and "orders" in response.json()
    assert sandbox.access_log[-1].fault == "latency"


async def test_429_is_quota_exceeded_without_limit_header(sandbox, client, us_headers):
    sandbox.inject_fault("searchOrders", "429", count=1)
    response = await search(client, us_headers)
    assert response.status_code == 429
    assert response.json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
                "details": "",
            }
        ]
    }
    assert "x-amzn-ratelimit-limit" not in response.headers
    assert "x-amzn-requestid" in response.headers
    assert (await search(client, us_headers)).status_code == 200  # count=1 used up


@pytest.mark.parametrize("kind, code", [("500", "InternalFailure"), ("503", "ServiceUnavailable")])
async def test_server_errors(sandbox, client, us_headers, kind, code):
    sandbox.inject_fault("getFeed", kind)
    for _ in range(2):  # until cleared
        response = await client.get(f"{FEEDS}/feeds/1", headers=us_headers)
        assert response.status_code == int(kind)
        assert response.json()["errors"][0]["code"] == code
    sandbox.clear_faults()
    assert (await client.get(f"{FEEDS}/feeds/1", headers=us_headers)).status_code == 404


async def test_timeout_does_not_answer_over_a_socket(sandbox, us):
    sandbox.inject_fault("lwaToken", "timeout")
    with serving(sandbox) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as client:
            started = time.monotonic()
            with pytest.raises(httpx.ReadTimeout):
                await client.post("/auth/o2/token", data=lwa_form(us), timeout=0.3)
            assert time.monotonic() - started < 5
            sandbox.clear_faults()
            ok = await client.post("/auth/o2/token", data=lwa_form(us), timeout=5)
            assert ok.status_code == 200


async def test_timeout_in_process_hangs_for_the_given_time_then_504(sandbox, client, us_headers):
    sandbox.inject_fault("searchOrders", "timeout", latency=0.2, count=1)
    started = time.monotonic()
    response = await search(client, us_headers)
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 504


async def test_malformed_json(sandbox, client, us_headers):
    sandbox.inject_fault("searchOrders", "malformed_json", count=1)
    response = await search(client, us_headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


@needs_reference
async def test_schema_invalid(sandbox, client, us_headers):
    import jsonschema

    from tests.support.schemas import validate

    sandbox.inject_fault("searchOrders", "schema_invalid", count=1)
    response = await search(client, us_headers)
    assert response.status_code == 200
    with pytest.raises(jsonschema.ValidationError):
        validate("orders", "/orders/2026-01-01/orders", "GET", 200, response.json())


async def test_expired_token(sandbox, client, us_headers):
    sandbox.inject_fault("getOrder", "expired_token", count=1)
    response = await client.get(f"{ORDERS}/111-0000000-0000000", headers=us_headers)
    assert response.status_code == 403
    assert response.json()["errors"][0] == {
        "code": "Unauthorized",
        "message": "The access token you provided has expired.",
        "details": "",
    }


async def test_invalid_token(sandbox, client, us_headers):
    sandbox.inject_fault("getOrder", "invalid_token", count=1)
    response = await client.get(f"{ORDERS}/111-0000000-0000000", headers=us_headers)
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == "Access to requested resource is denied."


async def test_magento_401(sandbox, client, magento_headers):
    sandbox.inject_fault("magentoGetOrder", "magento_401", count=1)
    response = await client.get("/rest/V1/orders/1", headers=magento_headers)
    assert response.status_code == 401
    assert response.json() == {
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": "Magento_Sales::sales"},
    }
    assert (await client.get("/rest/V1/orders/1", headers=magento_headers)).status_code == 200


async def test_faults_speak_the_dialect_of_their_service(sandbox, client, us, magento_headers):
    sandbox.inject_fault("*", "503")
    lwa = await client.post("/auth/o2/token", data=lwa_form(us))
    assert lwa.status_code == 503 and lwa.json()["error"] == "temporarily_unavailable"
    magento = await client.get("/rest/V1/orders/1", headers=magento_headers)
    assert magento.status_code == 503 and "message" in magento.json()
    bucket = await client.get("/_bucket/download/x")
    assert bucket.status_code == 503 and b"<Code>ServiceUnavailable</Code>" in bucket.content


def test_every_kind_is_known_and_bad_ones_are_refused(sandbox):
    assert {
        "latency",
        "429",
        "500",
        "503",
        "timeout",
        "malformed_json",
        "late_answer",
        "applied_error",
        "schema_invalid",
        "expired_token",
        "invalid_token",
        "magento_401",
        "echo",
    } == FAULT_KINDS
    with pytest.raises(ValueError):
        sandbox.inject_fault("getOrder", "gremlins")
    with pytest.raises(ValueError):
        sandbox.inject_fault("getOrder", "500", count=0)


async def test_admin_endpoint_sets_lists_and_clears_faults(sandbox, client, us_headers):
    added = await client.post(
        "/_sandbox/faults", json={"operation": "searchOrders", "kind": "500", "count": 2}
    )
    assert added.status_code == 201
    assert (await client.get("/_sandbox/faults")).json()["faults"] == [
        {"operation": "searchOrders", "kind": "500", "count": 2, "latency": 0.0, "status": None}
    ]
    assert (await search(client, us_headers)).status_code == 500
    assert (await client.delete("/_sandbox/faults", headers=ADMIN_HEADERS)).status_code == 204
    assert (await search(client, us_headers)).status_code == 200
    refused = await client.post("/_sandbox/faults", json={"operation": "x", "kind": "nope"})
    assert refused.status_code == 400
