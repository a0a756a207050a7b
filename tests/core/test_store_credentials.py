"""Every store its own credentials: two or more stores, one endpoint or several, never mixed.

A recording transport sits between the app and the sandbox (over HTTP semantics, nothing
patched): it maps every access token LWA minted to the refresh token it was minted for, and
checks that each SP-API request of a store carries a token minted for that store's own
refresh token. The sandbox answers each seller with its own orders only, so an order that
lands in the wrong store would show here too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import tomli_w

from amazon_tui.config.schema import parse_config, resolve_secrets
from amazon_tui.config.settings import Settings
from amazon_tui.core.service import AppService
from amazon_tui.domain.models import OrderQuery
from amazon_tui.sandbox import ControllableClock, Sandbox, sandbox_config
from amazon_tui.sandbox.catalog import STORES

pytestmark = pytest.mark.usefixtures("no_developer_config", "instant_retries")

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
ACTIVE = [store for store in STORES if store.active]


class Recorder(httpx.AsyncBaseTransport):
    """The sandbox behind a foreign server's habits: it sets a session cookie on every answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.minted: dict[str, str] = {}  # access token -> refresh token
        self.spapi: list[tuple[str, str, str]] = []  # (host, marketplaceIds, access token)
        self.cookies_sent: list[str] = []
        self.replace: dict[str, str] = {}  # marketplace -> marketplace answered instead (a broken server)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "cookie" in request.headers:
            self.cookies_sent.append(request.headers["cookie"])
        url = urlsplit(str(request.url))
        if url.path == "/auth/o2/token":
            body = parse_qs((await request.aread()).decode())
            response = await self.inner.handle_async_request(request)
            content = await response.aread()
            if response.status_code == 200:
                self.minted[json.loads(content)["access_token"]] = body["refresh_token"][0]
            return httpx.Response(
                response.status_code,
                headers=[
                    *response.headers.raw,
                    (b"set-cookie", b"session=" + body["refresh_token"][0].encode() + b"; Path=/"),
                ],
                content=content,
            )
        if url.path.startswith("/orders/"):
            marketplaces = parse_qs(url.query).get("marketplaceIds", [""])[0]
            self.spapi.append(
                (url.hostname or "", marketplaces, request.headers.get("x-amz-access-token", ""))
            )
            if marketplaces in self.replace:
                request = self._as_other_seller(request, self.replace[marketplaces])
        return await self.inner.handle_async_request(request)

    def _as_other_seller(self, request: httpx.Request, marketplace: str) -> httpx.Request:
        """The same search, answered for another seller (a server that ignores the token)."""
        other = next(store for store in ACTIVE if store.marketplace_id == marketplace)
        token = next(access for access, refresh in self.minted.items() if refresh == other.refresh_token)
        url = request.url.copy_set_param("marketplaceIds", marketplace)
        headers = {**request.headers, "x-amz-access-token": token}
        return httpx.Request(request.method, url, headers=headers)


def build(tmp_path, endpoints: dict[str, str]) -> tuple[AppService, Sandbox, Recorder]:
    """The sandbox's active stores, each at ``endpoints[name]``, each refresh token from its own
    env variable."""
    sandbox = Sandbox(
        tmp_path / "sandbox.db",
        orders_per_store=25,
        clock=ControllableClock(NOW),
        time_scale=10_000.0,
        feed_delay_seconds=0.0,
    )
    raw = sandbox_config("http://lwa.invalid")
    raw["stores"] = [store for store in raw["stores"] if store["active"]]
    env = {}
    for index, store in enumerate(raw["stores"]):
        variable = f"STORE_{index}_REFRESH_TOKEN"
        env[variable] = store.pop("refresh_token")
        store["refresh_token_env"] = variable
        store["endpoint"] = endpoints[store["name"]]
    raw["magento"]["base_url"] = "http://magento.invalid"
    config = parse_config(tomli_w.dumps(raw))
    settings = Settings(
        config=config,
        secrets=resolve_secrets(config, env),
        data_dir=tmp_path / "data",
        sandbox=False,
        config_file=None,
    )
    recorder = Recorder(httpx.ASGITransport(app=sandbox.app))
    return AppService(settings, transport=recorder, clock=sandbox.clock), sandbox, recorder


def expected_orders(sandbox: Sandbox, seller_id: str) -> set[str]:
    return {
        row["order_id"]
        for row in sandbox.db.query("SELECT order_id FROM amazon_orders WHERE seller_id = ?", (seller_id,))
    }


def local_orders(service: AppService, store: str) -> set[str]:
    return {row.order_id for row in service.orders(OrderQuery(stores=(store,)), limit=10_000)}


SAME = {store.name: "http://spapi.invalid" for store in ACTIVE}
SEVERAL = {store.name: f"http://{store.marketplace.lower()}.spapi.invalid" for store in ACTIVE}


@pytest.mark.parametrize("endpoints", [SAME, SEVERAL], ids=["one-endpoint", "an-endpoint-each"])
async def test_every_request_carries_the_token_of_its_own_store(tmp_path, endpoints):
    service, sandbox, recorder = build(tmp_path, endpoints)
    try:
        outcome = await service.sync()
        assert outcome.failures == {}
        assert len(ACTIVE) >= 3 and len(set(recorder.minted.values())) == len(ACTIVE), (
            "one LWA exchange per store"
        )
        by_marketplace = {store.marketplace_id: store for store in ACTIVE}
        assert {marketplaces for _, marketplaces, _ in recorder.spapi} == set(by_marketplace)
        for host, marketplaces, token in recorder.spapi:
            store = by_marketplace[marketplaces]
            assert recorder.minted[token] == store.refresh_token, (
                f"{store.name} asked with another store's token"
            )
            assert f"http://{host}" == endpoints[store.name]
        assert recorder.cookies_sent == [], "a cookie of one request rode along on another"
        for store in ACTIVE:
            assert local_orders(service, store.name) == expected_orders(sandbox, store.seller_id) != set()
    finally:
        await service.aclose()
        sandbox.close()


async def test_orders_of_another_seller_are_refused_and_the_store_is_not_a_success(tmp_path):
    """A server that answers the second store with the first store's orders: nothing moves."""
    service, sandbox, recorder = build(tmp_path, SAME)
    first, second = ACTIVE[0], ACTIVE[1]
    try:
        assert (await service.sync([first.name])).failures == {}
        before = local_orders(service, first.name)
        recorder.replace[second.marketplace_id] = first.marketplace_id
        outcome = await service.sync([second.name])
        message = outcome.failures[second.name]
        assert (
            f"store {second.name!r}" in message
            and "nothing was saved" in message
            and "refresh token" in message
        )
        assert local_orders(service, second.name) == set() and local_orders(service, first.name) == before
        card = service.store_card(second.name)
        assert card.error == message and card.last_sync is None
    finally:
        await service.aclose()
        sandbox.close()
