"""The sandbox's Magento as a 2.4.4+ store with default settings: OAuth 1.0a only, admins behind 2FA.

Requests are signed here with oauthlib (a reference implementation), not with the app's
client: the sandbox's verifier (sandbox/oauth1.py) is checked against an independent signer.
"""

from __future__ import annotations

import shutil
import time

import httpx
import pytest
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, Client

from amazon_tui.sandbox import Sandbox
from amazon_tui.sandbox.catalog import MAGENTO_ADMIN_PASSWORD, MAGENTO_INTEGRATION_TOKEN, magento_credentials
from tests.support.sandbox_http import BASE_URL

UNAUTHORIZED = {
    "message": "The consumer isn't authorized to access %resources.",
    "parameters": {"resources": "Magento_Sales::sales"},
}
SEARCH = [
    ("searchCriteria[filter_groups][0][filters][0][field]", "store_id"),
    ("searchCriteria[filter_groups][0][filters][0][value]", "1"),
    ("searchCriteria[pageSize]", "5"),
    ("fields", "items[entity_id,increment_id],total_count"),
]


@pytest.fixture
def current(tmp_path, clock, seeded_db) -> Sandbox:
    """A sandbox with the Magento defaults of 2.4.4 and newer."""
    path = tmp_path / "sandbox.db"
    shutil.copyfile(seeded_db, path)
    sandbox = Sandbox(path, orders_per_store=80, clock=clock)
    yield sandbox
    sandbox.close()


@pytest.fixture
async def http(current):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=current.app), base_url=BASE_URL) as client:
        yield client


def signer(**overrides) -> Client:
    values = {**magento_credentials(), **overrides}
    return Client(
        values["consumer_key"],
        client_secret=values["consumer_secret"],
        resource_owner_key=values["access_token"],
        resource_owner_secret=values["access_token_secret"],
        signature_method=SIGNATURE_HMAC_SHA256,
        timestamp=overrides.get("timestamp"),
        nonce=overrides.get("nonce"),
    )


def signed(
    http: httpx.AsyncClient, method: str, path: str, client: Client | None = None, **kwargs
) -> httpx.Request:
    request = http.build_request(method, path, **kwargs)
    _, headers, _ = (client or signer()).sign(str(request.url), http_method=method)
    request.headers["Authorization"] = headers["Authorization"]
    return request


async def test_bearer_integration_token_is_refused_as_2_4_4_does_and_oauth_is_accepted(http):
    refused = await http.get(
        "/rest/V1/orders/1", headers={"Authorization": f"Bearer {MAGENTO_INTEGRATION_TOKEN}"}
    )
    assert refused.status_code == 401 and refused.json() == UNAUTHORIZED
    assert (await http.send(signed(http, "GET", "/rest/V1/orders/1"))).status_code == 200
    search = await http.send(signed(http, "GET", "/rest/V1/orders", params=SEARCH))
    assert search.status_code == 200 and set(search.json()) == {"items", "total_count"}


async def test_a_json_body_is_not_signed_and_a_comment_is_accepted(http):
    request = signed(
        http,
        "POST",
        "/rest/V1/orders/1/comments",
        json={"statusHistory": {"comment": "signed", "is_customer_notified": 0, "is_visible_on_front": 0}},
    )
    assert (await http.send(request)).status_code == 200


async def test_a_replayed_nonce_is_refused(http):
    request = signed(http, "GET", "/rest/V1/orders/1")
    assert (await http.send(request)).status_code == 200
    replay = await http.send(request)
    assert replay.status_code == 401
    assert replay.json() == {
        "message": (
            "The nonce is already being used by the consumer with ID %1. Verify the nonce and try again."
        ),
        "parameters": ["1"],
    }


@pytest.mark.parametrize("offset", [-3600, 3600])
async def test_a_stale_or_future_timestamp_is_refused(http, offset):
    request = signed(http, "GET", "/rest/V1/orders/1", signer(timestamp=str(int(time.time()) + offset)))
    response = await http.send(request)
    assert response.status_code == 401
    assert response.json()["message"] == "The timestamp is invalid. Verify and try again."


@pytest.mark.parametrize(
    "wrong, message",
    [
        ({"consumer_secret": "x" * 32}, "The signature is invalid. Verify and try again."),
        ({"access_token_secret": "y" * 32}, "The signature is invalid. Verify and try again."),
        ({"consumer_key": "z" * 32}, "A consumer having the specified key does not exist"),
        ({"access_token": "t" * 32}, "Specified token does not exist"),
    ],
)
async def test_each_wrong_credential_is_refused_with_magentos_message(http, wrong, message):
    response = await http.send(signed(http, "GET", "/rest/V1/orders", signer(**wrong), params=SEARCH))
    assert response.status_code == 401 and response.json()["message"] == message


async def test_a_signature_over_other_query_parameters_is_refused(http):
    request = signed(http, "GET", "/rest/V1/orders", params=SEARCH)
    tampered = httpx.Request(
        "GET", str(request.url).replace("pageSize%5D=5", "pageSize%5D=500"), headers=request.headers
    )
    assert (await http.send(tampered)).json()["message"] == "The signature is invalid. Verify and try again."


async def test_admin_tokens_need_two_factor_authentication(http):
    response = await http.post(
        "/rest/V1/integration/admin/token", json={"username": "admin", "password": MAGENTO_ADMIN_PASSWORD}
    )
    assert response.status_code == 401
    assert response.json() == {"message": "Please use the 2fa provider-specific endpoints to obtain a token."}
