"""Incremental sync: Amazon's searchOrders into the local store, and the Magento link index.

Per store: ``lastUpdatedAfter`` = the stored cursor (first run: ``createdAfter`` =
now - ``sync.initial_days``), every page upserted in its own transaction; the cursor moves
to the response's ``lastUpdatedBefore``/``createdBefore`` (less a short overlap) in the
transaction of the LAST page only, so a failure part-way leaves the old cursor and the next run
fetches the rest again (upserts are idempotent: nothing is lost or duplicated).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from amazon_tui.config.schema import StoreConfig
from amazon_tui.domain.values import format_timestamp, parse_timestamp
from amazon_tui.local.orders import OrderRepository, StatusChange

if TYPE_CHECKING:
    from amazon_tui.domain.models import MagentoLink

AMAZON_SOURCE = "amazon"
MAGENTO_SOURCE = "magento"
SYNC_INCLUDED_DATA = ("BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT", "PACKAGES", "CANCELLATION")
# Orders can become visible with a lastUpdatedTime a little in the past (Amazon only accepts a
# "before" at least two minutes old for that reason): each sync looks back this far again.
# Re-fetched orders are upserted unchanged, so the overlap costs nothing but a few rows.
CURSOR_OVERLAP = timedelta(minutes=5)


class WrongStore(Exception):
    """Amazon answered a store's request with another store's orders (nothing of it is kept).

    Each store asks with its own refresh token for its own marketplace; an order of another
    marketplace, or one already held for another configured store, means the credentials
    speak for another seller. Keeping it would show (and let cancel) one seller's orders
    under another's name.
    """


def check_belongs(store: StoreConfig, orders, repo: OrderRepository) -> None:
    """Raise ``WrongStore`` unless every order is of ``store``'s marketplace and no other store's."""
    expected = store.market.marketplace_id
    for order in orders:
        if order.marketplace_id is not None and order.marketplace_id != expected:
            raise WrongStore(
                f"Amazon answered store {store.name!r} with order {order.order_id} "
                f"of marketplace {order.marketplace_id}, not {expected}: nothing was saved. "
                f"Check that the store's refresh token is its own seller's ({store.seller_id})."
            )
    owners = repo.owners([order.order_id for order in orders])
    for order_id, owner in owners.items():
        if owner != store.name:
            raise WrongStore(
                f"Amazon answered store {store.name!r} with order {order_id}, "
                f"which belongs to store {owner!r}: nothing was saved. "
                "Check that each store has its own refresh token."
            )


class SyncProgress(NamedTuple):
    """A report for the screens and the CLI while a sync runs."""

    store: str
    phase: str  # "amazon", "magento", "waiting", "done", "failed"
    pages: int = 0
    orders: int = 0
    wait_seconds: float = 0.0
    message: str = ""


@dataclass
class SyncReport:
    """What one sync of one store did."""

    store: str
    pages: int = 0
    orders: int = 0
    inserted: list[str] = field(default_factory=list)
    changed: list[StatusChange] = field(default_factory=list)
    links: int = 0
    first_run: bool = False
    error: str | None = None


Progress = Callable[[SyncProgress], None]


async def sync_amazon(
    store: StoreConfig,
    orders_client,
    repo: OrderRepository,
    *,
    now: datetime,
    initial_days: int,
    page_size: int = 100,
    mark_unseen: bool = True,
    progress: Progress | None = None,
) -> SyncReport:
    """Fetch every order created or updated since the cursor; returns what changed."""
    report_progress = progress or (lambda _: None)
    cursor = repo.cursor(store.name, AMAZON_SOURCE)
    report = SyncReport(store=store.name, first_run=cursor is None)
    window = (
        {"last_updated_after": parse_timestamp(cursor)}
        if cursor
        else {"created_after": now - timedelta(days=initial_days)}
    )
    report_progress(SyncProgress(store.name, "amazon", message="Asking Amazon for new and updated orders…"))
    pages = orders_client.search_orders(
        marketplace_ids=[store.market.marketplace_id],
        max_results_per_page=page_size,
        included_data=SYNC_INCLUDED_DATA,
        **window,
    )
    async for page in pages:
        check_belongs(store, page.orders, repo)
        report.pages += 1
        next_cursor = None
        if not page.next_token:
            boundary = min(page.last_updated_before or page.created_before or now, now)
            next_cursor = (store.name, AMAZON_SOURCE, format_timestamp(boundary - CURSOR_OVERLAP))
        result = repo.upsert(
            page.orders,
            now=now,
            mark_unseen=mark_unseen and not report.first_run,
            cursor=next_cursor,
        )
        report.orders += len(page.orders)
        report.inserted += result.inserted
        report.changed += result.changed
        report_progress(
            SyncProgress(
                store.name,
                "amazon",
                pages=report.pages,
                orders=report.orders,
                message=f"{report.orders} orders",
            )
        )
    return report


async def sync_magento_links(
    store: StoreConfig,
    magento,
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
    async for order in magento.iter_orders(criteria, fields=link_index_fields(amazon_order_field)):
        link = link_from(order, amazon_order_field)
        if link is not None:
            links.append(link)
        updated = order.get("updated_at")
        if updated and (newest is None or str(updated) > newest):
            newest = str(updated)
    cursor_row = (store.name, source, newest) if newest else None
    return repo.upsert_links(links, cursor=cursor_row, now=now)
