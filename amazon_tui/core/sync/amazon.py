"""Incremental sync of Amazon's searchOrders into the local store.

Per store: ``lastUpdatedAfter`` = the stored cursor (first run: ``createdAfter`` =
now - ``sync.initial_days``), every page upserted in its own transaction; the cursor moves
to the response's ``lastUpdatedBefore``/``createdBefore`` (less a short overlap) in the
transaction of the LAST page only, so a failure part-way leaves the old cursor and the next run
fetches the rest again (upserts are idempotent: nothing is lost or duplicated).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from amazon_tui.config.schema import StoreConfig
from amazon_tui.core.sync.progress import Progress, SyncProgress, SyncReport
from amazon_tui.domain.values import format_timestamp, parse_timestamp
from amazon_tui.local.orders import OrderRepository

if TYPE_CHECKING:
    from amazon_tui.clients.amazon.orders import OrdersClient
    from amazon_tui.domain.models import Order

AMAZON_SOURCE = "amazon"
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


def check_belongs(store: StoreConfig, orders: Sequence[Order], repo: OrderRepository) -> None:
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


async def sync_amazon(
    store: StoreConfig,
    orders_client: OrdersClient,
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
