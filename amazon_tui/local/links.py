"""The Magento link index: which Magento order holds each Amazon order, and when Magento changed it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from amazon_tui.domain.values import format_timestamp
from amazon_tui.local.db import Database

if TYPE_CHECKING:
    from amazon_tui.domain.models import MagentoLink


def write_links(
    db: Database, links: Iterable[MagentoLink], *, cursor: tuple[str, str, str] | None = None, now: datetime
) -> int:
    """Refresh the Magento link index (Amazon order number -> Magento order)."""
    count = 0
    with db.transaction() as conn:
        for link in links:
            conn.execute(
                "INSERT INTO magento_links "
                "(order_id, entity_id, increment_id, status, store_id, updated_at, magento_updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (order_id) DO UPDATE SET "
                "entity_id = excluded.entity_id, increment_id = excluded.increment_id, "
                "status = excluded.status, store_id = excluded.store_id, "
                "updated_at = excluded.updated_at, "
                # Magento changed the order (a shipment does), or changed it in the second its
                # shipments were read (Magento's times are whole seconds): read them again
                "shipments_read = CASE WHEN magento_links.magento_updated IS excluded.magento_updated "
                "AND datetime(magento_links.shipments_read) > datetime(excluded.magento_updated) "
                "THEN magento_links.shipments_read END, "
                "magento_updated = excluded.magento_updated",
                (
                    link.order_id,
                    link.entity_id,
                    link.increment_id,
                    link.status,
                    link.store_id,
                    format_timestamp(now),
                    link.magento_updated,
                ),
            )
            count += 1
        if cursor is not None:
            conn.execute(
                "INSERT INTO sync_cursors (store, source, cursor, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (store, source) DO UPDATE SET "
                "cursor = excluded.cursor, updated = excluded.updated",
                (*cursor, format_timestamp(now)),
            )
    return count


def read_link(db: Database, order_id: str) -> MagentoLink | None:
    """Where the Amazon order lives in Magento, None when the index does not know it."""
    rows = db.query("SELECT * FROM magento_links WHERE order_id = ?", (order_id,))
    if not rows:
        return None
    row = rows[0]
    from amazon_tui.domain.models import MagentoLink  # pydantic: the first paint needs none of it

    return MagentoLink(
        order_id=row["order_id"],
        entity_id=row["entity_id"],
        increment_id=row["increment_id"],
        status=row["status"],
        store_id=row["store_id"],
        magento_updated=row["magento_updated"],
    )
