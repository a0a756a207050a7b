"""Helpers for the client tests: a scripted mock Amazon (LWA + SP-API) over ``httpx.MockTransport``.
Tests speak HTTP only; nothing inside the clients is patched."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from amazon_tui.clients.amazon.feeds import FeedsClient
from amazon_tui.clients.amazon.lwa import LwaClient
from amazon_tui.clients.amazon.orders import OrdersClient
from amazon_tui.clients.retry import RetryPolicy
from amazon_tui.clients.throttle import Throttle

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
LWA_ENDPOINT = "https://api.amazon.com/auth/o2/token"
SPAPI_ENDPOINT = "https://sellingpartnerapi-na.amazon.com"
CLIENT_SECRET = "amzn1.oa2-cs.v1.SECRET-client-secret"
REFRESH_TOKEN = "Atzr|SECRET-refresh-token"
FAST = RetryPolicy.no_wait()

Handler = Callable[[httpx.Request], "httpx.Response | Awaitable[httpx.Response]"]


def reference(*parts: str) -> Path:
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference file {path} is not available", allow_module_level=True)  # also at import
    return path


def example(name: str) -> Any:
    return json.loads(reference("spapi", "examples", name).read_text(encoding="utf-8"))


def token_response(token: str = "Atza|access-1", expires_in: int = 3600) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token, "token_type": "bearer", "expires_in": expires_in})


@dataclass
class FakeAmazon:
    """Answers LWA with fresh tokens and every other request with ``handler``; records all."""

    handler: Handler
    requests: list[httpx.Request] = field(default_factory=list)
    tokens_issued: int = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if str(request.url) == LWA_ENDPOINT:
            self.tokens_issued += 1
            return token_response(f"Atza|access-{self.tokens_issued}")
        answer = self.handler(request)
        return await answer if isinstance(answer, Awaitable) else answer

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url) != LWA_ENDPOINT]


@dataclass
class AmazonClients:
    fake: FakeAmazon
    http: httpx.AsyncClient
    lwa: LwaClient
    throttle: Throttle
    orders: OrdersClient
    feeds: FeedsClient


def json_response(body: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"x-amzn-RequestId": "req-1a2b", **headers})
