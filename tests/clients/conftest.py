"""Fixtures of the client tests."""

from __future__ import annotations

import httpx
import pytest

from amazon_tui.clients.amazon.feeds import FeedsClient
from amazon_tui.clients.amazon.lwa import LwaClient
from amazon_tui.clients.amazon.orders import OrdersClient
from amazon_tui.clients.http import make_http_client
from amazon_tui.clients.retry import RetryPolicy
from amazon_tui.clients.throttle import Throttle
from tests.support.fake_amazon import (
    CLIENT_SECRET,
    FAST,
    LWA_ENDPOINT,
    REFRESH_TOKEN,
    SPAPI_ENDPOINT,
    AmazonClients,
    FakeAmazon,
    Handler,
)


@pytest.fixture
async def amazon():
    """Factory: ``amazon(handler, timeout=..., retry=...)`` -> AmazonClients on a mock transport."""
    opened: list[httpx.AsyncClient] = []

    def build(
        handler: Handler, *, timeout: float = 5.0, retry: RetryPolicy = FAST, throttle: Throttle | None = None
    ) -> AmazonClients:
        fake = FakeAmazon(handler)
        http = make_http_client(transport=httpx.MockTransport(fake), timeout=timeout)
        opened.append(http)
        lwa = LwaClient(
            http,
            endpoint=LWA_ENDPOINT,
            client_id="amzn1.application-oa2-client.test",
            client_secret=CLIENT_SECRET,
            retry=retry,
        )
        throttle = throttle or Throttle()
        common = {
            "lwa": lwa,
            "refresh_token": REFRESH_TOKEN,
            "seller_id": "A1SELLER",
            "throttle": throttle,
            "endpoint": SPAPI_ENDPOINT,
            "retry": retry,
        }
        return AmazonClients(
            fake=fake,
            http=http,
            lwa=lwa,
            throttle=throttle,
            orders=OrdersClient(http, store="Acme BR", **common),
            feeds=FeedsClient(http, **common),
        )

    yield build
    for http in opened:
        await http.aclose()
