"""The network side: shared HTTP clients, Login With Amazon, throttling, per-store clients.

Everything is built on first use, so httpx and the client models load after the first screen
has painted (start-up time), not when the service opens.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from amazon_tui.config.schema import StoreConfig
from amazon_tui.config.settings import Settings
from amazon_tui.domain.secrets import SECRETS

if TYPE_CHECKING:
    import httpx

    from amazon_tui.clients.amazon.feeds import FeedsClient
    from amazon_tui.clients.amazon.lwa import LwaClient
    from amazon_tui.clients.amazon.notifications import NotificationsClient
    from amazon_tui.clients.amazon.orders import OrdersClient
    from amazon_tui.clients.amazon.shipments import ShipmentsClient
    from amazon_tui.clients.magento.client import MagentoClient
    from amazon_tui.clients.throttle import Throttle

WaitListener = Callable[[str, float], None]


class Gateway:
    """One per run: the clients of Amazon and Magento, shared by every part of the core."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | Callable[[], httpx.AsyncBaseTransport] | None = None,
        on_wait: WaitListener | None = None,
    ) -> None:
        """``transport``: an httpx transport, a function making one on first use, or None (the network);
        ``on_wait``: told when a usage plan makes a request wait (operation, seconds)."""
        SECRETS.remember(*settings.secrets.values())  # whatever a server echoes of them is redacted
        self.settings = settings
        self._transport = transport
        self._on_wait = on_wait
        self._orders: dict[str, OrdersClient] = {}
        self._feeds: dict[str, FeedsClient] = {}
        self._shipments: dict[str, ShipmentsClient] = {}

    @cached_property
    def transport(self) -> httpx.AsyncBaseTransport | None:
        """The transport given (or made by the factory given), shared by both HTTP clients."""
        return self._transport() if callable(self._transport) else self._transport

    @cached_property
    def http(self) -> httpx.AsyncClient:
        from amazon_tui.clients.http import make_http_client

        return make_http_client(
            transport=self.transport, timeout=self.settings.config.network.timeout_seconds
        )

    @cached_property
    def storage_http(self) -> httpx.AsyncClient:
        """For the feed documents' upload and download URLs (no SP-API headers)."""
        from amazon_tui.clients.http import make_http_client

        return make_http_client(
            transport=self.transport, timeout=self.settings.config.network.timeout_seconds
        )

    @cached_property
    def lwa(self) -> LwaClient | None:
        from amazon_tui.clients.amazon.lwa import LwaClient

        amazon = self.settings.config.amazon
        if amazon is None:
            return None
        secrets = self.settings.secrets
        return LwaClient(
            self.http,
            endpoint=amazon.lwa_endpoint,
            client_id=amazon.client_id,
            client_secret=secrets.require(secrets.client_secret, "client_secret"),
        )

    @cached_property
    def throttle(self) -> Throttle:
        from amazon_tui.clients.throttle import Throttle

        return Throttle(on_wait=self._on_wait)

    @cached_property
    def magento(self) -> MagentoClient | None:
        """The Magento client, None when ``[magento]`` is not configured."""
        return self._magento() if self.settings.config.magento is not None else None

    def _magento(self) -> MagentoClient:
        from amazon_tui.clients.magento.auth import OAuth1Credentials
        from amazon_tui.clients.magento.client import MagentoClient

        magento = self.settings.config.magento
        assert magento is not None
        secrets = self.settings.secrets
        if magento.auth == "oauth1":
            assert magento.consumer_key is not None
            credentials = OAuth1Credentials(
                magento.consumer_key,
                *(
                    secrets.require(getattr(secrets, f"magento_{name}"), f"magento_{name}")
                    for name in ("consumer_secret", "access_token", "access_token_secret")
                ),
            )
            return MagentoClient(
                self.http,
                base_url=magento.base_url,
                oauth=credentials,
                amazon_order_field=magento.amazon_order_field,
            )
        return MagentoClient(
            self.http,
            base_url=magento.base_url,
            token=secrets.require(secrets.magento_token, "magento_token")
            if magento.auth == "bearer"
            else None,
            username=magento.username,
            password=secrets.require(secrets.magento_password, "magento_password")
            if magento.auth == "admin"
            else None,
            amazon_order_field=magento.amazon_order_field,
        )

    def store(self, name: str) -> StoreConfig:
        return self.settings.config.store(name)

    def seller_id(self, name: str) -> str:
        return self.store(name).seller_id

    def marketplace_id(self, name: str) -> str:
        return self.store(name).market.marketplace_id

    def _args(self, name: str) -> dict[str, Any]:
        store = self.store(name)
        return {
            "lwa": self.lwa,
            "refresh_token": self.settings.secrets.refresh_token(store.name),
            "seller_id": store.seller_id,
            "throttle": self.throttle,
            "endpoint": store.api_endpoint,
        }

    def orders(self, name: str) -> OrdersClient:
        from amazon_tui.clients.amazon.orders import OrdersClient

        if name not in self._orders:
            self._orders[name] = OrdersClient(self.http, store=self.store(name).name, **self._args(name))
        return self._orders[name]

    def notifications(self, name: str, *, app_wide: bool = False) -> NotificationsClient:
        """Notifications v1 at the store's endpoint: as its seller, or ``app_wide`` (grantless:
        destinations belong to the application, one per region endpoint)."""
        from amazon_tui.clients.amazon.lwa import NOTIFICATIONS_SCOPE, grantless
        from amazon_tui.clients.amazon.notifications import NotificationsClient

        args = self._args(name)
        if app_wide:
            args["refresh_token"] = grantless(NOTIFICATIONS_SCOPE)
        return NotificationsClient(self.http, **args)

    def feeds(self, name: str) -> FeedsClient:
        from amazon_tui.clients.amazon.feeds import FeedsClient

        if name not in self._feeds:
            self._feeds[name] = FeedsClient(self.http, storage_http=self.storage_http, **self._args(name))
        return self._feeds[name]

    def shipments(self, name: str) -> ShipmentsClient:
        """Orders v0 confirmShipment at the store's endpoint."""
        from amazon_tui.clients.amazon.shipments import ShipmentsClient

        if name not in self._shipments:
            self._shipments[name] = ShipmentsClient(self.http, **self._args(name))
        return self._shipments[name]

    async def aclose(self) -> None:
        for name in ("http", "storage_http"):
            if name in self.__dict__:  # only the clients that were built
                await self.__dict__[name].aclose()
