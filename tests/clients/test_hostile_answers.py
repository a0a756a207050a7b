"""Servers that echo our secrets, and document URLs that point elsewhere (issue 30).

Each answer here is one a real server or proxy can give; the clients must pass none of the
secrets on and fetch nothing outside Amazon's storage.
"""

from __future__ import annotations

import gzip
import json
from urllib.parse import parse_qs

import httpx
import pytest

from amazon_tui.clients.amazon.feeds import MAX_DOCUMENT_BYTES, FeedDocument
from amazon_tui.clients.amazon.lwa import LwaClient
from amazon_tui.clients.errors import MalformedResponse, ServiceError
from amazon_tui.clients.http import make_http_client
from amazon_tui.clients.magento.auth import OAuth1Credentials
from tests.clients.test_magento import magento_on
from tests.support.fake_amazon import CLIENT_SECRET, FAST, LWA_ENDPOINT, REFRESH_TOKEN, json_response

ORDER_ID = "171-9876543-2109876"


def spapi_echo(request: httpx.Request) -> httpx.Response:
    """An SP-API error whose message repeats the request's headers and body (a debugging proxy)."""
    echoed = json.dumps(dict(request.headers)) + request.content.decode()
    return json_response({"errors": [{"code": "InvalidInput", "message": echoed, "details": echoed}]}, 400)


async def test_an_lwa_error_echoing_the_form_leaks_no_secret():
    def lwa(request: httpx.Request) -> httpx.Response:
        body = request.content.decode()
        assert parse_qs(body)["client_secret"] == [CLIENT_SECRET], "the secret is sent, as the form"
        return httpx.Response(400, json={"error": "invalid_request", "error_description": body})

    http = make_http_client(transport=httpx.MockTransport(lwa))
    client = LwaClient(
        http,
        endpoint=LWA_ENDPOINT,
        client_id="amzn1.application-oa2-client.t",
        client_secret=CLIENT_SECRET,
        retry=FAST,
    )
    with pytest.raises(ServiceError) as caught:
        await client.access_token(REFRESH_TOKEN)
    told = str(caught.value) + repr(caught.value.__dict__)
    assert "client_id=amzn1.application-oa2-client.t" in told, "the echo is kept, minus the secrets"
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, "SECRET-client-secret", "SECRET-refresh-token"):
        assert secret not in told
    await http.aclose()


async def test_an_spapi_error_echoing_headers_leaks_no_access_token(amazon):
    clients = amazon(spapi_echo)
    with pytest.raises(ServiceError) as caught:
        await clients.orders.get_order(ORDER_ID)
    told = str(caught.value) + repr(caught.value.__dict__)
    assert "x-amz-access-token" in told
    assert "Atza|access-1" not in told and "access-1" not in told


async def test_a_magento_error_echoing_the_authorization_leaks_nothing():
    oauth = OAuth1Credentials("consumer-key", "consumer-SECRET-1", "access-TOKEN-1", "token-SECRET-1")

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"message": request.headers["authorization"], "parameters": []})

    client, _seen = magento_on(echo, oauth=oauth)
    with pytest.raises(ServiceError) as caught:
        await client.get_order(1)
    told = str(caught.value)
    assert "oauth_signature" in told and "access-TOKEN-1" not in told


async def test_a_minted_admin_token_echoed_later_is_redacted():
    def magento(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/integration/admin/token"):
            return httpx.Response(200, json="admin-TOKEN-minted-1")
        return httpx.Response(400, json={"message": f"bad token {request.headers['authorization']}"})

    client, _seen = magento_on(magento, username="admin", password="password-SECRET-1")
    with pytest.raises(ServiceError) as caught:
        await client.get_order(1)
    assert str(caught.value).endswith("bad token Bearer ********")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8080/doc", "not HTTPS on Amazon's storage (http://127.0.0.1:8080)"),
        ("https://127.0.0.1/doc", "not on Amazon's storage (127.0.0.1)"),
        ("https://evil.example/doc", "not on Amazon's storage (evil.example)"),
        (
            "https://s3.amazonaws.com.evil.example/doc",
            "not on Amazon's storage (s3.amazonaws.com.evil.example)",
        ),
        ("https://tortuga-prod-na.s3.amazonaws.com:8443/d", "not HTTPS on Amazon's storage"),
        ("file:///etc/passwd", "not a valid URL"),
        ("https://[::1/doc", "not a valid URL"),
    ],
)
async def test_a_document_url_off_amazons_storage_is_refused_before_any_request(amazon, url, why):
    clients = amazon(lambda request: httpx.Response(200, content=b"<ProcessingReport/>"))
    with pytest.raises(MalformedResponse) as caught:
        await clients.feeds.download(FeedDocument(feed_document_id="d1", url=url))
    assert why in str(caught.value)
    with pytest.raises(MalformedResponse):
        await clients.feeds.upload(url, b"<AmazonEnvelope/>", "text/xml; charset=UTF-8")
    assert clients.fake.api_requests() == []


async def test_a_redirect_from_storage_is_not_followed(amazon):
    clients = amazon(lambda request: httpx.Response(302, headers={"Location": "http://127.0.0.1:9/x"}))
    document = FeedDocument(feed_document_id="d1", url="https://tortuga-prod-na.s3.amazonaws.com/d1")
    with pytest.raises(ServiceError) as caught:
        await clients.feeds.download(document)
    assert caught.value.status == 302
    assert [str(r.url.host) for r in clients.fake.api_requests()] == ["tortuga-prod-na.s3.amazonaws.com"]


async def test_a_gzip_bomb_is_refused(amazon):
    bomb = gzip.compress(b"\0" * (MAX_DOCUMENT_BYTES + 1))
    clients = amazon(lambda request: httpx.Response(200, content=bomb))
    document = FeedDocument(
        feed_document_id="d1", url="https://tortuga-prod-na.s3.amazonaws.com/d1", compression_algorithm="GZIP"
    )
    with pytest.raises(MalformedResponse) as caught:
        await clients.feeds.download(document)
    assert "larger than 64 MB" in str(caught.value)


async def test_a_report_echoing_a_secret_is_read_without_it(amazon):
    report = f"<ProcessingReport><Result>{REFRESH_TOKEN}</Result></ProcessingReport>".encode()
    clients = amazon(lambda request: httpx.Response(200, content=gzip.compress(report)))
    document = FeedDocument(
        feed_document_id="d1", url="https://tortuga-prod-na.s3.amazonaws.com/d1", compression_algorithm="GZIP"
    )
    assert (
        await clients.feeds.download(document)
        == b"<ProcessingReport><Result>********</Result></ProcessingReport>"
    )
