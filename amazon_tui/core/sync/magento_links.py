"""The Magento link index: which Magento order holds each Amazon order (``GET /V1/orders``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from amazon_tui.config.schema import StoreConfig
from amazon_tui.local.orders import OrderRepository

if TYPE_CHECKING:
    from amazon_tui.clients.magento.client import MagentoClient
    from amazon_tui.domain.models import MagentoLink

MAGENTO_SOURCE = "magento"
# Links are written (with the cursor: the orders come oldest first) every so many: the 840,000
# links of a million-order store, held until the end, grew a first sync's memory with the store
# (issue 32). The cursor's `gteq` reads the last second again.
LINKS_PER_COMMIT = 5_000


async def sync_magento_links(
    store: StoreConfig,
    magento: MagentoClient,
    repo: OrderRepository,
    *,
    amazon_order_field: str,
    now: datetime,
) -> int:
    """Refresh the Amazon order number -> Magento order index from ``GET /V1/orders``.

    Only orders updated since the last run are asked for (``updated_at >= cursor``), with a
    ``fields=`` projection so each row is a few dozen bytes.
    """
    from amazon_tui.clients.magento.criteria import SearchCriteria
    from amazon_tui.clients.magento.models import link_from, link_index_fields

    if store.magento_store_id is None:
        return 0
    source = f"{MAGENTO_SOURCE}:{store.magento_store_id}"
    cursor = repo.cursor(store.name, source)
    criteria = SearchCriteria().where("store_id", store.magento_store_id, "eq")
    if cursor:
        criteria = criteria.where("updated_at", cursor, "gteq")
    criteria = criteria.sort_by("updated_at", "ASC")
    links: list[MagentoLink] = []
    newest = cursor
    written = 0
    async for order in magento.iter_orders(criteria, fields=link_index_fields(amazon_order_field)):
        link = link_from(order, amazon_order_field)
        if link is not None:
            links.append(link)
        updated = order.get("updated_at")
        if updated and (newest is None or str(updated) > newest):
            newest = str(updated)
        if len(links) >= LINKS_PER_COMMIT:  # a first sync of a big store: memory stays flat
            written += repo.upsert_links(
                links, cursor=(store.name, source, newest) if newest else None, now=now
            )
            links = []
    cursor_row = (store.name, source, newest) if newest else None
    return written + repo.upsert_links(links, cursor=cursor_row, now=now)
