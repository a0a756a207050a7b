"""The figures of a store card and the dashboard: sales by currency, awaiting shipment, attention.

Sales are added up in the store's own currency only: an order Amazon priced in another
currency is counted apart, per currency (``elsewhere``), and an amount too large to add up is
counted as ``unsummed``. Sums are exact (``order_sql.sum_micros``), never floats.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from amazon_tui.domain.values import OrderStatus, format_timestamp
from amazon_tui.local.db import Database
from amazon_tui.local.order_sql import NEEDS_ATTENTION, sum_micros, summed


class CurrencyTotal(NamedTuple):
    """Sales in a currency other than the store's, over the same period."""

    currency: str
    amount: Decimal
    orders: int


class StoreStats(NamedTuple):
    """Figures of a store card and dashboard, in the store's ``currency``."""

    gmv: Decimal
    gmv_previous: Decimal
    daily: tuple[Decimal, ...]
    awaiting_shipment: int
    order_count: int
    lifetime: Decimal
    currency: str
    elsewhere: tuple[CurrencyTotal, ...] = ()  # the period's orders in other currencies
    unsummed: int = 0  # the period's orders whose total is too large to add up

    @property
    def gmv_change(self) -> float | None:
        """Percent change against the previous period, None when there was nothing before."""
        if not self.gmv_previous:
            return None
        return float((self.gmv - self.gmv_previous) / self.gmv_previous * 100)


class AttentionCounts(NamedTuple):
    late: int
    due_soon: int
    buyer_cancel: int


_LIVE = f"status != '{OrderStatus.CANCELLED.value}'"


class StoreFigures:
    """Reads the figures of one store from the local store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def stats(self, store: str, *, currency: str, now: datetime, days: int = 30) -> StoreStats:
        """Sales in ``currency`` over the last ``days`` and the period before, a daily series,
        lifetime sales; awaiting shipment; the period's sales in other currencies."""
        start = now - timedelta(days=days)
        before = start - timedelta(days=days)
        ours = f"currency = :currency AND {_LIVE}"
        row = self.db.query(
            f"""
            SELECT
              {sum_micros(f"purchase_date >= :start AND {ours}", "gmv")},
              {sum_micros(f"purchase_date >= :before AND purchase_date < :start AND {ours}", "previous")},
              {sum_micros(ours, "lifetime")},
              SUM(CASE WHEN status IN ('UNSHIPPED', 'PARTIALLY_SHIPPED') THEN 1 ELSE 0 END) AS awaiting,
              COUNT(*) AS orders
            FROM orders WHERE store = :store
            """,
            {
                "store": store,
                "currency": currency,
                "start": format_timestamp(start),
                "before": format_timestamp(before),
            },
        )[0]
        elsewhere, unsummed = self._apart(store, currency, start)
        return StoreStats(
            gmv=summed(row, "gmv"),
            gmv_previous=summed(row, "previous"),
            daily=self._daily(store, currency, start, days),
            awaiting_shipment=row["awaiting"] or 0,
            order_count=row["orders"],
            lifetime=summed(row, "lifetime"),
            currency=currency,
            elsewhere=elsewhere,
            unsummed=unsummed,
        )

    def _daily(self, store: str, currency: str, start: datetime, days: int) -> tuple[Decimal, ...]:
        series = dict.fromkeys(
            ((start + timedelta(days=offset + 1)).strftime("%Y-%m-%d") for offset in range(days)), Decimal(0)
        )
        for day in self.db.query(
            f"SELECT substr(purchase_date, 1, 10) AS day, {sum_micros('1', 'total')} FROM orders "
            f"WHERE store = ? AND purchase_date >= ? AND currency = ? AND {_LIVE} GROUP BY day",
            (store, format_timestamp(start), currency),
        ):
            if day["day"] in series:
                series[day["day"]] = summed(day, "total")
        return tuple(series.values())

    def _apart(self, store: str, currency: str, start: datetime) -> tuple[tuple[CurrencyTotal, ...], int]:
        """The period's orders not added to the store's sales: other currencies, unsummable totals."""
        rows = self.db.query(
            f"SELECT currency, {sum_micros('1', 'total')}, COUNT(*) AS orders, "
            "SUM(total_micros IS NULL) AS unsummed FROM orders "
            f"WHERE store = ? AND purchase_date >= ? AND {_LIVE} AND total_amount IS NOT NULL "
            "AND (currency != ? OR total_micros IS NULL) GROUP BY currency ORDER BY currency",
            (store, format_timestamp(start), currency),
        )
        elsewhere = tuple(
            CurrencyTotal(row["currency"], summed(row, "total"), row["orders"] - row["unsummed"])
            for row in rows
            if row["currency"] != currency and row["orders"] > row["unsummed"]
        )
        return elsewhere, sum(row["unsummed"] for row in rows)

    def attention_counts(self, store: str, *, now: datetime, due_soon: timedelta) -> AttentionCounts:
        """The store card's three counts; the same rules as ``attention`` (an order counts once)."""
        row = self.db.query(
            f"""
            SELECT
              SUM(CASE WHEN NOT o.buyer_cancel AND o.ship_by < :now THEN 1 ELSE 0 END) AS late,
              SUM(CASE WHEN NOT o.buyer_cancel AND o.ship_by >= :now THEN 1 ELSE 0 END) AS due,
              SUM(o.buyer_cancel) AS asked
            FROM orders o WHERE o.store = :store AND {NEEDS_ATTENTION}
            """,
            {"store": store, "now": format_timestamp(now), "soon": format_timestamp(now + due_soon)},
        )[0]
        return AttentionCounts(
            late=row["late"] or 0, due_soon=row["due"] or 0, buyer_cancel=row["asked"] or 0
        )
