"""SP-API Orders 2026-01-01 client: searchOrders pages and getOrder, as domain orders.

Only the 2026-01-01 paths are used; Orders v0 is deprecated and never called.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from amazon_tui.clients.amazon import orders_models as wire
from amazon_tui.clients.amazon.base import SpApiService
from amazon_tui.clients.amazon.lwa import LwaClient
from amazon_tui.clients.amazon.orders_mapping import MappingError, order_from_wire
from amazon_tui.clients.errors import AMAZON, MalformedResponse
from amazon_tui.clients.retry import DEFAULT_RETRY, RetryPolicy
from amazon_tui.clients.throttle import Throttle
from amazon_tui.domain.models import Order
from amazon_tui.domain.values import FulfilledBy, OrderStatus, format_timestamp

ORDERS_PATH = "/orders/2026-01-01/orders"

ALL_INCLUDED: tuple[str, ...] = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
)
"""Every dataset the app shows, so one getOrder (or one searchOrders page) carries all of it."""

MAX_RESULTS_PER_PAGE = 100


@dataclass(frozen=True)
class OrdersPage:
    """One searchOrders page. ``last_updated_before``/``created_before`` are the upper bound
    Amazon applied to the search: the next sync starts from there."""

    orders: tuple[Order, ...]
    next_token: str | None
    last_updated_before: datetime | None
    created_before: datetime | None


class OrdersClient(SpApiService):
    """Orders of one seller on one regional endpoint, named ``store`` in the domain."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        store: str,
        lwa: LwaClient,
        refresh_token: str,
        seller_id: str,
        throttle: Throttle,
        endpoint: str,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        super().__init__(
            http,
            lwa=lwa,
            refresh_token=refresh_token,
            seller_id=seller_id,
            throttle=throttle,
            endpoint=endpoint,
            retry=retry,
        )
        self.store = store

    async def search_orders(
        self,
        *,
        marketplace_ids: Iterable[str],
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        last_updated_after: datetime | None = None,
        last_updated_before: datetime | None = None,
        fulfillment_statuses: Iterable[OrderStatus | str] | None = None,
        fulfilled_by: Iterable[FulfilledBy | str] | None = None,
        max_results_per_page: int = MAX_RESULTS_PER_PAGE,
        included_data: Iterable[str] = ALL_INCLUDED,
    ) -> AsyncIterator[OrdersPage]:
        """Every page of orders created (or updated) in the window, following ``nextToken``.

        Exactly one of ``created_after`` and ``last_updated_after`` is required, as Amazon
        requires; the created and last-updated bounds cannot be mixed.
        """
        if (created_after is None) == (last_updated_after is None):
            raise ValueError("give exactly one of created_after and last_updated_after")
        if (created_after and last_updated_before) or (last_updated_after and created_before):
            raise ValueError("created and last-updated bounds cannot be mixed")
        if not 1 <= max_results_per_page <= MAX_RESULTS_PER_PAGE:
            raise ValueError(f"max_results_per_page must be 1..{MAX_RESULTS_PER_PAGE}")
        params: dict[str, Any] = {
            "marketplaceIds": _csv(marketplace_ids),
            "maxResultsPerPage": max_results_per_page,
            "includedData": _csv(included_data),
        }
        for name, moment in (
            ("createdAfter", created_after),
            ("createdBefore", created_before),
            ("lastUpdatedAfter", last_updated_after),
            ("lastUpdatedBefore", last_updated_before),
        ):
            if moment is not None:
                params[name] = format_timestamp(moment)
        if fulfillment_statuses is not None:
            params["fulfillmentStatuses"] = _csv(fulfillment_statuses)
        if fulfilled_by is not None:
            params["fulfilledBy"] = _csv(fulfilled_by)
        token: str | None = None
        while True:
            page_params = params if token is None else {**params, "paginationToken": token}
            response = await self._call(
                "searchOrders",
                "GET",
                ORDERS_PATH,
                wire.SearchOrdersResponse,
                params=page_params,
                safe_to_repeat=True,
            )
            token = response.pagination.next_token if response.pagination else None
            orders = response.orders
            yield OrdersPage(
                orders=tuple(
                    self._to_domain(order, "searchOrders", f"orders[{i}].") for i, order in enumerate(orders)
                ),
                next_token=token,
                last_updated_before=response.last_updated_before,
                created_before=response.created_before,
            )
            if not token:
                return

    async def get_order(self, order_id: str, included_data: Iterable[str] = ALL_INCLUDED) -> Order:
        """One order with all its datasets, in a single call."""
        response = await self._call(
            "getOrder",
            "GET",
            f"{ORDERS_PATH}/{quote(order_id, safe='')}",
            wire.GetOrderResponse,
            params={"includedData": _csv(included_data)},
            safe_to_repeat=True,
        )
        if response.order.order_id != order_id:  # another order's document: never stored as this one
            raise MalformedResponse(
                f"asked for order {order_id}, answered with order {response.order.order_id}",
                field="order.orderId",
                service=AMAZON,
                operation="getOrder",
            )
        return self._to_domain(response.order, "getOrder", "order.")

    def _to_domain(self, order: wire.Order, operation: str, where: str) -> Order:
        try:
            return order_from_wire(order, self.store)
        except MappingError as exc:
            raise MalformedResponse(
                f"order {order.order_id}: {exc}", field=where + exc.field, service=AMAZON, operation=operation
            ) from None


def _csv(values: Iterable[Any]) -> str:
    """Amazon's array query parameters: comma-separated values (enums by value)."""
    return ",".join(getattr(value, "value", value) for value in values)
