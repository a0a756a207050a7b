"""Orders as the screens and commands read them: lists from the local store, one order from Amazon."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from amazon_tui.config.schema import Config
from amazon_tui.core.gateway import Gateway
from amazon_tui.local.orders import OrderRepository

if TYPE_CHECKING:
    from amazon_tui.domain.attention import AttentionItem
    from amazon_tui.domain.models import MagentoLink, MagentoOrder, Order, OrderQuery, OrderSummary
    from amazon_tui.local.shipments import ShipmentRow


class OrderDesk:
    """Reads come from the local store (instant at any size); one getOrder refreshes an order."""

    def __init__(
        self,
        config: Config,
        repo: OrderRepository,
        gateway: Gateway,
        clock: Callable[[], datetime],
        *,
        unconfirmed: Callable[[Sequence[str]], Sequence[tuple[OrderSummary, ShipmentRow]]] = lambda _s: (),
    ) -> None:
        """``unconfirmed(stores)``: orders with a shipment Amazon has not confirmed, and its row."""
        self.config = config
        self.repo = repo
        self.gateway = gateway
        self.clock = clock
        self.unconfirmed = unconfirmed

    def summaries(self, query: OrderQuery, *, limit: int, offset: int = 0) -> list[OrderSummary]:
        return self.repo.summaries(query, limit=limit, offset=offset)

    def recent(self, store: str, limit: int | None = None) -> list[OrderSummary]:
        from amazon_tui.domain.models import OrderQuery  # pydantic: the store cards need none of it

        return self.repo.summaries(OrderQuery(stores=(store,)), limit=limit or self.config.ui.recent_orders)

    def link(self, order_id: str) -> MagentoLink | None:
        return self.repo.link(order_id)

    def attention(self, limit: int | None = None) -> list[AttentionItem]:
        """Late, due-soon and buyer-cancel orders of the active stores, most urgent first.

        ``limit``: the most urgent ``limit`` of them, chosen in SQL (with every failing Magento
        refund and unconfirmed shipment); a buyer's reason is read from the order's document for
        those only.
        """
        from amazon_tui.domain.attention import classify, most_urgent_first, not_confirmed, refund_failing

        now = self.clock()
        stores = [store.name for store in self.config.stores if store.active]
        due_soon = timedelta(hours=self.config.ui.due_soon_hours)
        failing = [refund_failing(summary, problem) for summary, problem in self.repo.magento_failing(stores)]
        refunding = {item.order.order_id for item in failing}
        failing += [
            not_confirmed(summary, row.state.value == "failed", row.cause, row.updated_at)
            for summary, row in self.unconfirmed(stores)
            if summary.order_id not in refunding
        ]
        listed = {item.order.order_id for item in failing}
        queued = [
            classify(summary, "" if asked else None, now)
            for summary, asked in self.repo.attention(stores, now=now, due_soon=due_soon, limit=limit)
            if summary.order_id not in listed
        ]
        items = most_urgent_first(failing + queued)[:limit]
        return [self._with_reason(item) if item.buyer_reason is not None else item for item in items]

    def _with_reason(self, item: AttentionItem) -> AttentionItem:
        """A buyer's request with the buyer's reason, read from the order's document."""
        order = self.repo.get(item.order.order_id)
        return replace(item, buyer_reason=(order.buyer_cancellation_reason if order else None) or "")

    def is_fresh(self, order_id: str) -> bool:
        fetched = self.repo.detail_fetched(order_id)
        window = timedelta(seconds=self.config.ui.freshness_seconds)
        return fetched is not None and self.clock() - fetched < window

    async def refresh(self, order_id: str, *, force: bool = False) -> Order:
        """The order from one getOrder (all datasets), stored; cached when fresh and not forced."""
        cached = self.repo.get(order_id)
        if cached is not None and not force and self.is_fresh(order_id):
            return cached
        if cached is not None:
            order = await self.gateway.orders(cached.store).get_order(order_id)
        else:
            order = await self._locate(order_id)
        self.repo.upsert([order], now=self.clock(), detail=True)
        return self.repo.get(order_id) or order

    async def _locate(self, order_id: str) -> Order:
        """An order not in the local store: ask each active store's seller until one has it."""
        from amazon_tui.clients.errors import NotFoundError

        active = [store.name for store in self.config.stores if store.active]
        if not active:
            raise LookupError(f"Order {order_id} is not in the local store and no store is active.")
        for name in active[:-1]:
            try:
                return await self.gateway.orders(name).get_order(order_id)
            except NotFoundError:
                continue
        return await self.gateway.orders(active[-1]).get_order(order_id)

    async def magento_order(self, order_id: str) -> MagentoOrder | None:
        """The Magento order linked to an Amazon order, or None when there is none."""
        magento = self.gateway.magento
        link = self.repo.link(order_id) if magento is not None else None
        if magento is None or link is None:
            return None
        return await magento.get_order(link.entity_id)

    def mark_seen(self, order_ids: Sequence[str] | None = None) -> None:
        self.repo.mark_seen(order_ids)
