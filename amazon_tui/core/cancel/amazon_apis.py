"""What a cancellation needs of Amazon: a store's Orders and Feeds clients and its ids.

``core.gateway.Gateway`` is the one the app uses; a test may hand the engine anything shaped so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from amazon_tui.clients.amazon.feeds import FeedsClient
    from amazon_tui.clients.amazon.orders import OrdersClient


class AmazonApis(Protocol):
    """A store's SP-API clients, by store name."""

    def orders(self, name: str) -> OrdersClient: ...

    def feeds(self, name: str) -> FeedsClient: ...

    def seller_id(self, name: str) -> str: ...

    def marketplace_id(self, name: str) -> str: ...
