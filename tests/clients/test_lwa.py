"""Login with Amazon: the grant, caching, shared refreshes, refused credentials."""

from __future__ import annotations

import asyncio
import traceback
from urllib.parse import parse_qs

import httpx
import pytest

from amazon_tui.clients.amazon.lwa import LwaClient
from amazon_tui.clients.errors import AuthError, MalformedResponse
from amazon_tui.clients.http import make_http_client
from tests.support.fake_amazon import CLIENT_SECRET, FAST, LWA_ENDPOINT, REFRESH_TOKEN, token_response


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lwa_on(handler, clock=None) -> tuple[LwaClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await handler(request)

    http = make_http_client(transport=httpx.MockTransport(record))
    client = LwaClient(
        http,
        endpoint=LWA_ENDPOINT,
        client_id="cid",
        client_secret=CLIENT_SECRET,
        clock=clock or Clock(),
        retry=FAST,
    )
    return client, seen


async def test_refresh_token_grant_is_a_form_post():
    async def handler(request):
        return token_response("Atza|one")

    lwa, seen = lwa_on(handler)
    assert await lwa.access_token(REFRESH_TOKEN) == "Atza|one"

    (request,) = seen
    assert request.method == "POST" and str(request.url) == LWA_ENDPOINT
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": [REFRESH_TOKEN],
        "client_id": ["cid"],
        "client_secret": [CLIENT_SECRET],
    }


async def test_token_is_cached_until_60_seconds_before_expiry():
    issued = iter(["Atza|one", "Atza|two"])

    async def handler(request):
        return token_response(next(issued), expires_in=3600)

    clock = Clock()
    lwa, seen = lwa_on(handler, clock)
    assert await lwa.access_token(REFRESH_TOKEN) == "Atza|one"
    clock.now += 3600 - 61
    assert await lwa.access_token(REFRESH_TOKEN) == "Atza|one"
    clock.now += 2
    assert await lwa.access_token(REFRESH_TOKEN) == "Atza|two"
    assert len(seen) == 2


async def test_concurrent_callers_share_one_refresh():
    release = asyncio.Event()

    async def handler(request):
        await release.wait()
        return token_response("Atza|shared")

    lwa, seen = lwa_on(handler)
    callers = [asyncio.create_task(lwa.access_token(REFRESH_TOKEN)) for _ in range(20)]
    await asyncio.sleep(0.01)
    release.set()
    assert set(await asyncio.gather(*callers)) == {"Atza|shared"}
    assert len(seen) == 1


async def test_invalidate_only_drops_the_stale_token():
    issued = iter(["Atza|one", "Atza|two"])

    async def handler(request):
        return token_response(next(issued))

    lwa, seen = lwa_on(handler)
    await lwa.access_token(REFRESH_TOKEN)
    lwa.invalidate(REFRESH_TOKEN, stale_token="Atza|older")
    assert await lwa.access_token(REFRESH_TOKEN) == "Atza|one"
    lwa.invalidate(REFRESH_TOKEN, stale_token="Atza|one")
    assert await lwa.access_token(REFRESH_TOKEN) == "Atza|two"
    assert len(seen) == 2


async def test_invalid_grant_is_an_auth_error_without_secrets():
    async def handler(request):
        body = {
            "error": "invalid_grant",
            "error_description": "The request has an invalid grant parameter : refresh_token",
        }
        return httpx.Response(400, json=body)

    lwa, seen = lwa_on(handler)
    with pytest.raises(AuthError) as caught:
        await lwa.access_token(REFRESH_TOKEN)

    error = caught.value
    assert (error.service, error.status, error.code) == ("Login with Amazon", 400, "invalid_grant")
    text = str(error)
    assert text.startswith(
        "Login with Amazon token failed: 400 invalid_grant — The request has an invalid grant"
    )
    assert REFRESH_TOKEN not in text and CLIENT_SECRET not in text and "SECRET" not in repr(error.args)
    assert len(seen) == 1  # refused credentials are not retried


async def test_a_failed_refresh_is_shared_and_the_next_call_tries_again():
    answers = iter(
        [
            httpx.Response(
                400, json={"error": "invalid_client", "error_description": "Client authentication failed"}
            ),
            token_response("Atza|later"),
        ]
    )

    async def handler(request):
        await asyncio.sleep(0.01)
        return next(answers)

    lwa, seen = lwa_on(handler)
    results = await asyncio.gather(
        *(lwa.access_token(REFRESH_TOKEN) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(result, AuthError) for result in results)
    assert await lwa.access_token(REFRESH_TOKEN) == "Atza|later"
    assert len(seen) == 2


async def test_token_payload_without_expiry_is_malformed_and_does_not_echo_the_token():
    async def handler(request):
        return httpx.Response(200, json={"access_token": "Atza|SECRET-access", "expires_in": "soon"})

    lwa, _ = lwa_on(handler)
    with pytest.raises(MalformedResponse) as caught:
        await lwa.access_token(REFRESH_TOKEN)
    assert caught.value.field == "expires_in"
    assert "SECRET" not in "".join(traceback.format_exception(caught.value))
