"""The echo fault hands the request back, secrets included, in each service's error dialect."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from defusedxml import ElementTree as SafeET

from amazon_tui.sandbox import SANDBOX_CLIENT_SECRET
from tests.support.sandbox_http import FEEDS, ORDERS, lwa_form
from tests.support.schemas import needs_reference, validate


async def test_lwa_echoes_the_whole_form_with_the_client_secret(sandbox, client, us):
    sandbox.inject_fault("lwaToken", "echo", count=1)
    response = await client.post("/auth/o2/token", data=lwa_form(us))
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": urlencode(lwa_form(us))}
    echoed = response.json()["error_description"]  # as sent: form-encoded ("|" is "%7C")
    assert urlencode({"refresh_token": us.refresh_token}) in echoed and SANDBOX_CLIENT_SECRET in echoed
    assert sandbox.access_log[-1].fault == "echo"


@needs_reference
async def test_spapi_echoes_the_access_token_and_body_in_its_error_shape(sandbox, client, us_headers, us):
    sandbox.inject_fault("createFeed", "echo", count=1)
    body = {"feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA", "marketplaceIds": [us.marketplace_id]}
    response = await client.post(f"{FEEDS}/feeds", json=body, headers=us_headers)
    assert response.status_code == 400
    validate("feeds", "/feeds/2021-06-30/feeds", "POST", 400, response.json())
    (error,) = response.json()["errors"]
    assert error["code"] == "InvalidInput"
    assert f"POST http://sandbox.invalid{FEEDS}/feeds" in error["message"]
    assert "POST_ORDER_ACKNOWLEDGEMENT_DATA" in error["message"]
    assert f"x-amz-access-token: {us_headers['x-amz-access-token']}" in error["details"]


async def test_the_status_is_configurable(sandbox, client, us_headers):
    sandbox.inject_fault("searchOrders", "echo", status=502, count=1)
    response = await client.get(ORDERS, params={"createdAfter": "2026-01-01T00:00:00Z"}, headers=us_headers)
    assert response.status_code == 502
    assert us_headers["x-amz-access-token"] in response.json()["errors"][0]["details"]
    assert "createdAfter=2026-01-01T00" in response.json()["errors"][0]["message"]


async def test_magento_echoes_the_authorization_and_body(sandbox, client, magento_headers):
    sandbox.inject_fault("magentoRefund", "echo", count=1)
    response = await client.post(
        "/rest/V1/order/1/refund", json={"notify": True, "arguments": {}}, headers=magento_headers
    )
    assert response.status_code == 400
    assert response.json() == {
        "message": 'The request could not be processed. Authorization: "%1"; body: "%2"',
        "parameters": [magento_headers["Authorization"], '{"notify":true,"arguments":{}}'],
    }


async def test_the_bucket_echoes_the_signed_url_and_headers_in_s3_xml(sandbox, client, us_headers):
    document = await client.post(f"{FEEDS}/documents", json={"contentType": "text/xml"}, headers=us_headers)
    url = document.json()["url"]
    sandbox.inject_fault("uploadFeedDocument", "echo", count=1)
    response = await client.put(
        url, content=b"<x/>", headers={"Content-Type": "text/xml", "X-Secret": "s3cr3t"}
    )
    assert response.status_code == 400 and response.headers["content-type"] == "application/xml"
    error = SafeET.fromstring(response.content)
    assert error.findtext("Code") == "InvalidRequest"
    message = error.findtext("Message")
    assert f"PUT {url}" in message and "sig=" in message and "x-secret: s3cr3t" in message


@pytest.mark.parametrize(
    "operation, path",
    [("downloadReport", "/_bucket/download/x?sig=abc"), ("magentoGetOrder", "/rest/V1/orders/1")],
)
async def test_every_operation_can_echo(sandbox, client, operation, path):
    sandbox.inject_fault("*", "echo", status=418)
    response = await client.get(path, headers={"Authorization": "Bearer leaked"})
    assert response.status_code == 418 and "leaked" in response.text
    assert sandbox.access_log[-1].operation == operation


def test_status_belongs_to_echo_and_is_an_error(sandbox):
    with pytest.raises(ValueError):
        sandbox.inject_fault("getOrder", "500", status=502)
    with pytest.raises(ValueError):
        sandbox.inject_fault("getOrder", "echo", status=200)


async def test_the_admin_route_takes_the_status(sandbox, client):
    added = await client.post(
        "/_sandbox/faults", json={"operation": "getOrder", "kind": "echo", "status": 422}
    )
    assert added.status_code == 201
    assert added.json() == {
        "operation": "getOrder",
        "kind": "echo",
        "count": None,
        "latency": 0.0,
        "status": 422,
    }
