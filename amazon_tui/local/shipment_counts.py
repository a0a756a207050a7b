"""How many shipments Amazon lacks: for the status line, which the first paint shows (no pydantic)."""

from __future__ import annotations

from amazon_tui.local.db import Database

# The shipments Amazon lacks: under way, or failed while Amazon still has the order to ship (once
# the order shipped or was canceled, a failed row is history).
UNCONFIRMED = (
    "s.state IN ('requested', 'sending', 'confirming') "
    "OR (s.state = 'failed' AND EXISTS (SELECT 1 FROM orders o WHERE o.order_id = s.order_id "
    "AND o.status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED')))"
)


def unconfirmed_count(db: Database) -> int:
    """How many shipments Amazon lacks (``UNCONFIRMED``)."""
    return int(db.query(f"SELECT COUNT(*) AS n FROM shipments s WHERE {UNCONFIRMED}")[0]["n"])
