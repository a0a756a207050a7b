"""Magento (Adobe Commerce) REST client: order search and view, offline refund, comments."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from amazon_tui.clients.errors import MAGENTO, MalformedResponse, credentials_refused, error_from_response
from amazon_tui.clients.http import read_json, send, validate
from amazon_tui.clients.magento.auth import OAuth1Credentials, OAuth1Signer, explain_refusal
from amazon_tui.clients.magento.criteria import SearchCriteria
from amazon_tui.clients.magento.models import (
    Order,
    SearchResult,
    amazon_order_id_from,
    link_from,
    link_index_fields,
)
from amazon_tui.clients.magento.shipment_models import Shipment
from amazon_tui.clients.retry import DEFAULT_RETRY, RetryPolicy, call_with_retries
from amazon_tui.domain.models import MagentoLink, MagentoOrder
from amazon_tui.domain.secrets import SECRETS
from amazon_tui.domain.shipping import MagentoShipment

DEFAULT_AMAZON_ORDER_FIELD = "payment.po_number"


@dataclass(frozen=True)
class MagentoPage:
    """One page of a search: the (maybe partial, see ``fields``) order payloads and the total."""

    items: tuple[dict[str, Any], ...]
    total_count: int


class MagentoClient:
    """Magento REST signed with OAuth 1.0a (an integration's four values), or with an
    integration token as Bearer, or with an admin login.

    Admin tokens are fetched once, shared by concurrent callers, and fetched again once
    when Magento answers 401 (they expire after 4 hours). A refusal says what to do about it
    (``magento_auth.explain_refusal``).
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        oauth: OAuth1Credentials | None = None,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        amazon_order_field: str = DEFAULT_AMAZON_ORDER_FIELD,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        if not oauth and not token and not (username and password):
            raise ValueError(
                "Magento needs an integration's OAuth 1.0a values, an integration token, "
                "or an admin username and password"
            )
        SECRETS.remember(token, password, *(oauth[1:] if oauth else ()))  # not the consumer key: an id
        self._signer = OAuth1Signer(oauth) if oauth else None
        self.auth = "oauth1" if oauth else "bearer" if token else "admin"
        self._http = http
        self._rest = base_url.rstrip("/") + "/rest/V1"
        self._token = token
        self._username = username
        self._password = password
        self.amazon_order_field = amazon_order_field
        self._retry = retry
        self._admin_token: str | None = None
        self._login_lock = asyncio.Lock()

    async def search_orders(self, criteria: SearchCriteria, fields: str | None = None) -> MagentoPage:
        """One page of orders matching ``criteria``; ``fields`` trims the payload
        (e.g. ``"items[entity_id,increment_id],total_count"``)."""
        params = criteria.to_params()
        if fields:
            params.append(("fields", fields))
        data = await self._call("searchOrders", "GET", "/orders", params=params, safe_to_repeat=True)
        result = validate(SearchResult, data, service=MAGENTO, operation="searchOrders")
        return MagentoPage(items=result.items, total_count=result.total_count)

    async def iter_orders(
        self, criteria: SearchCriteria, fields: str | None = None, page_size: int = 100
    ) -> AsyncIterator[dict[str, Any]]:
        """Every order matching ``criteria``, page after page (stops at ``total_count``: Magento
        answers a page past the end with the last page again)."""
        seen = 0
        current = 1
        last: list[object] = []
        while True:
            page = await self.search_orders(criteria.page(page_size, current), fields)
            ids = [item.get("entity_id") if isinstance(item, dict) else None for item in page.items]
            if ids and ids == last:  # a page repeated: the end, whatever total_count says
                return
            for item in page.items:
                yield item
            seen += len(page.items)
            if not page.items or seen >= page.total_count:
                return
            last = ids
            current += 1

    async def find_order(
        self, amazon_order_id: str, *, store_id: int | None, created_after: datetime
    ) -> MagentoLink | None:
        """The Magento order holding ``amazon_order_id`` when the link index does not know it.

        An order column (``increment_id``, ``ext_order_id``) is searched directly; a nested field
        (``payment.po_number``, which Magento's search cannot filter on) is read from the store's
        orders created since ``created_after`` (the Amazon purchase, less a day), a few dozen
        bytes each.
        """
        field = self.amazon_order_field
        if "." not in field:
            criteria = SearchCriteria().where(field, amazon_order_id, "eq")
        else:
            criteria = SearchCriteria().where(
                "created_at", created_after.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), "gteq"
            )
            if store_id is not None:
                criteria = criteria.where("store_id", store_id, "eq")
        async for order in self.iter_orders(criteria, fields=link_index_fields(field)):
            link = link_from(order, field)
            if link is not None and link.order_id == amazon_order_id:
                return link
        return None

    async def iter_shipments(
        self, criteria: SearchCriteria, page_size: int = 100
    ) -> AsyncIterator[MagentoShipment]:
        """Every shipment matching ``criteria`` (with its items and tracks), page after page; a page
        that repeats the one before ends the reading, whatever ``total_count`` says."""
        seen = 0
        current = 1
        last: list[int] = []
        while True:
            data = await self._call(
                "searchShipments",
                "GET",
                "/shipments",
                params=criteria.page(page_size, current).to_params(),
                safe_to_repeat=True,
            )
            page = validate(SearchResult, data, service=MAGENTO, operation="searchShipments")
            shipments = [
                validate(Shipment, item, service=MAGENTO, operation="searchShipments") for item in page.items
            ]
            ids = [shipment.entity_id for shipment in shipments]
            if ids and ids == last:  # Magento answers a page past the end with the last page again
                return
            for shipment in shipments:
                yield shipment.to_domain()
            seen += len(page.items)
            if not page.items or seen >= page.total_count:
                return
            last = ids
            current += 1

    async def get_order(self, entity_id: int) -> MagentoOrder:
        """The full order; its Amazon order number is read from ``amazon_order_field``."""
        data = await self._call("getOrder", "GET", f"/orders/{int(entity_id)}", safe_to_repeat=True)
        order = validate(Order, data, service=MAGENTO, operation="getOrder")
        return order.to_domain(amazon_order_id_from(data, self.amazon_order_field))

    async def refund_offline(
        self,
        entity_id: int,
        *,
        comment: str,
        items: Mapping[int, int | Decimal] | None = None,
        notify: bool = False,
    ) -> int:
        """An offline credit memo (as ASC does for an Amazon cancellation); its id.

        ``items`` maps order item ids to quantities; None refunds what Magento considers
        refundable. Not repeated after a failure that may have reached Magento.
        """
        body: dict[str, Any] = {
            "notify": notify,
            "appendComment": True,
            "comment": {"comment": comment, "is_visible_on_front": 0},
        }
        if items is not None:
            body["items"] = [
                {"order_item_id": int(item), "qty": _json_number(qty)} for item, qty in items.items()
            ]
        path = f"/order/{int(entity_id)}/refund"
        data = await self._call("refundOffline", "POST", path, json=body, safe_to_repeat=False)
        try:
            return int(data)
        except (TypeError, ValueError):
            raise MalformedResponse(
                "expected the credit memo id", service=MAGENTO, operation="refundOffline"
            ) from None

    async def add_comment(self, entity_id: int, comment: str, status: str | None = None) -> None:
        """Add an order comment (not notified, not visible on the storefront); ``status`` also sets
        the order status."""
        history: dict[str, Any] = {
            "comment": comment,
            "is_customer_notified": 0,
            "is_visible_on_front": 0,
            "parent_id": int(entity_id),
        }
        if status is not None:
            history["status"] = status
        path = f"/orders/{int(entity_id)}/comments"
        await self._call("addComment", "POST", path, json={"statusHistory": history}, safe_to_repeat=False)

    async def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json: Any = None,
        safe_to_repeat: bool,
    ) -> Any:
        async def attempt() -> Any:
            response = await self._send_authorized(operation, method, path, params, json)
            if response.is_error:
                raise explain_refusal(
                    error_from_response(response, service=MAGENTO, operation=operation), self.auth
                )
            return read_json(response, service=MAGENTO, operation=operation)

        return await call_with_retries(self._retry, attempt, service=MAGENTO, safe_to_repeat=safe_to_repeat)

    async def _send_authorized(
        self,
        operation: str,
        method: str,
        path: str,
        params: list[tuple[str, str]] | None,
        json: Any,
    ) -> httpx.Response:
        """Send signed (OAuth 1.0a) or with the Bearer token; an admin token refused with 401 is
        replaced once."""
        if self._signer is not None:
            query = httpx.QueryParams(tuple(params)) if params is not None else None
            request = self._http.build_request(
                method, self._rest + path, params=query, json=json, headers={"Accept": "application/json"}
            )
            return await send(self._http, self._signer.sign(request), service=MAGENTO, operation=operation)

        async def send_with(token: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
            query = httpx.QueryParams(tuple(params)) if params is not None else None
            request = self._http.build_request(
                method, self._rest + path, params=query, json=json, headers=headers
            )
            return await send(self._http, request, service=MAGENTO, operation=operation)

        token = await self._bearer()
        response = await send_with(token)
        if response.status_code == 401 and not self._token:
            if self._admin_token == token:
                self._admin_token = None
            response = await send_with(await self._bearer())
        return response

    async def _bearer(self) -> str:
        if self._token:
            return self._token
        async with self._login_lock:
            if self._admin_token is None:
                self._admin_token = await self._login()  # retried with the call that needs it
            return self._admin_token

    async def _login(self) -> str:
        """POST /V1/integration/admin/token: a 4-hour admin token."""
        operation = "adminLogin"
        request = self._http.build_request(
            "POST",
            self._rest + "/integration/admin/token",
            json={"username": self._username, "password": self._password},
            headers={"Accept": "application/json"},
        )
        response = await send(
            self._http, request, service=MAGENTO, operation=operation, answer_is_secret=True
        )
        if response.is_error:
            raise explain_refusal(
                credentials_refused(error_from_response(response, service=MAGENTO, operation=operation)),
                self.auth,
            )
        token = read_json(response, service=MAGENTO, operation=operation)
        if not isinstance(token, str) or not token:
            raise MalformedResponse(
                "expected the admin token as a JSON string", service=MAGENTO, operation=operation
            )
        SECRETS.remember(token)
        return token


def _json_number(quantity: int | Decimal) -> int | float:
    return int(quantity) if quantity == int(quantity) else float(quantity)
