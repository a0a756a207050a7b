"""Deterministic demo orders in the Orders 2026-01-01 shape (every dataset filled in).

The stored document holds all datasets; the API trims it to the requested `includedData`.
This module picks each order's kind, timeline and identity; `seed_parts` makes its parts.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .catalog import SandboxStore
from .clock import iso
from .seed_parts import DAY, HOUR, OrderParts, Weighted, order_proceeds

MFN_STATUS_WEIGHTS = {
    "SHIPPED": 58,
    "UNSHIPPED": 18,
    "CANCELLED": 7,
    "PENDING": 6,
    "PARTIALLY_SHIPPED": 6,
    "PENDING_AVAILABILITY": 5,
}
AFN_STATUS_WEIGHTS = {"SHIPPED": 80, "CANCELLED": 6, "PENDING": 6, "UNFULFILLABLE": 5, "UNSHIPPED": 3}
AFN_SHARE = 0.25
SERVICE_LEVELS = ["STANDARD"] * 6 + ["EXPEDITED", "SECOND_DAY", "NEXT_DAY", "FREE_ECONOMY"]
PREMIUM_LEVELS = {"EXPEDITED", "SECOND_DAY", "NEXT_DAY"}

MFN_STATUSES = Weighted(MFN_STATUS_WEIGHTS)
AFN_STATUSES = Weighted(AFN_STATUS_WEIGHTS)


class OrderFactory:
    """Makes orders for one store; the same rng state always yields the same orders."""

    def __init__(self, rng: random.Random, store: SandboxStore, now: datetime, used_ids: set[str]):
        self.rng = rng
        self.store = store
        self.now = now
        self.used_ids = used_ids
        self.parts = OrderParts(rng, store, now)

    # choosing what kind of order ------------------------------------------------------------

    def random_order(self, *, max_age_days: float = 60.0, min_age_days: float = 0.0) -> dict:
        """An order of a realistic status, channel and age."""
        rng = self.rng
        afn = rng.random() < AFN_SHARE
        status = (AFN_STATUSES if afn else MFN_STATUSES).pick(rng)
        if min_age_days > 0:  # an old store: only settled orders
            status = "SHIPPED" if rng.random() < 0.9 else "CANCELLED"
        created, ship_by_latest = self._timeline(status, afn, max_age_days, min_age_days)
        return self.order(
            status=status,
            fulfilled_by="AMAZON" if afn else "MERCHANT",
            created=created,
            ship_by_latest=ship_by_latest,
            buyer_cancel_request=(not afn and status == "UNSHIPPED" and rng.random() < 0.12),
        )

    def arriving_order(self, created: datetime) -> dict:
        """A new order as it first shows up: Pending, or Unshipped once payment cleared."""
        status = "UNSHIPPED" if self.rng.random() < 0.7 else "PENDING"
        return self.order(
            status=status,
            fulfilled_by="MERCHANT",
            created=created,
            ship_by_latest=created + timedelta(days=2),
            last_updated=created,
        )

    def _timeline(self, status: str, afn: bool, max_age: float, min_age: float):
        rng, now = self.rng, self.now
        if status == "UNSHIPPED" and not afn:
            bucket = rng.random()
            if bucket < 0.3:  # late: the ship-by time has passed
                latest = now - timedelta(seconds=rng.uniform(1 * HOUR, 72 * HOUR))
            elif bucket < 0.6:  # due within the day
                latest = now + timedelta(seconds=rng.uniform(1 * HOUR, 23 * HOUR))
            else:
                latest = now + timedelta(seconds=rng.uniform(25 * HOUR, 70 * HOUR))
            created = latest - timedelta(seconds=rng.uniform(1.5 * DAY, 3 * DAY))
            return min(created, now - timedelta(hours=1)), latest
        age_days = {
            "PENDING": (0.01, 0.9),
            "UNSHIPPED": (0.05, 0.9),
            "PARTIALLY_SHIPPED": (1.0, 6.0),
            "PENDING_AVAILABILITY": (1.0, 30.0),
            "UNFULFILLABLE": (1.0, 30.0),
            "SHIPPED": (max(min_age, 1.5), max_age),
            "CANCELLED": (max(min_age, 0.2), max_age),
        }[status]
        created = now - timedelta(days=rng.uniform(*age_days))
        if status == "PENDING_AVAILABILITY":
            return created, now + timedelta(days=rng.uniform(7, 40))
        return created, created + timedelta(days=rng.choice((1, 2, 2, 3)))

    # building the document ------------------------------------------------------------------

    def order(
        self,
        *,
        status: str,
        fulfilled_by: str,
        created: datetime,
        ship_by_latest: datetime,
        buyer_cancel_request: bool = False,
        last_updated: datetime | None = None,
    ) -> dict:
        rng, store = self.rng, self.store
        afn = fulfilled_by == "AMAZON"
        service_level = rng.choice(SERVICE_LEVELS)
        programs = []
        if (afn and rng.random() < 0.7) or (not afn and rng.random() < 0.3):
            programs.append("PRIME")
        if service_level in PREMIUM_LEVELS and rng.random() < 0.5:
            programs.append("PREMIUM")
        business = rng.random() < 0.1
        if business:
            programs.append("AMAZON_BUSINESS")
        if status == "PENDING_AVAILABILITY":
            programs.append("PREORDER")

        items = self.parts.items(status, business, buyer_cancel_request)
        ship_by_earliest = min(created, ship_by_latest - timedelta(hours=1))
        deliver_earliest = ship_by_latest + timedelta(days=1)
        deliver_latest = ship_by_latest + timedelta(days=rng.choice((2, 3, 5)))
        packages = [] if afn else self.parts.packages(items, created)
        last_updated = last_updated or self._last_update(status, created, packages)

        doc: dict = {
            "orderId": self._order_id(),
            "createdTime": iso(created),
            "lastUpdatedTime": iso(last_updated),
        }
        if programs:
            doc["programs"] = programs
        unfulfillable = status == "UNFULFILLABLE"
        doc["salesChannel"] = {
            "channelName": "NON_AMAZON" if unfulfillable else "AMAZON",
            "marketplaceId": store.marketplace_id,
            "marketplaceName": store.marketplace_name,
        }
        if not afn:
            doc["buyer"] = self.parts.buyer(business)
            doc["recipient"] = self.parts.recipient(doc["buyer"], business, status, deliver_latest)
        doc["proceeds"] = order_proceeds(items, store.currency)
        doc["fulfillment"] = {
            "fulfillmentStatus": status,
            "fulfilledBy": fulfilled_by,
            "fulfillmentServiceLevel": service_level,
            "shipByWindow": {
                "earliestDateTime": iso(ship_by_earliest),
                "latestDateTime": iso(ship_by_latest),
            },
            "deliverByWindow": {
                "earliestDateTime": iso(deliver_earliest),
                "latestDateTime": iso(deliver_latest),
            },
        }
        doc["orderItems"] = items
        if packages:
            doc["packages"] = packages
        return doc

    def _order_id(self) -> str:
        while True:
            prefix = self.rng.choice(self.store.order_id_prefixes)
            order_id = f"{prefix}-{self.rng.randrange(10**7):07d}-{self.rng.randrange(10**7):07d}"
            if order_id not in self.used_ids:
                self.used_ids.add(order_id)
                return order_id

    def _last_update(self, status: str, created: datetime, packages: list[dict]) -> datetime:
        rng, now = self.rng, self.now
        if packages:
            return max(datetime.fromisoformat(p["shipTime"]) for p in packages)
        if status == "PENDING":
            return created
        later = created + timedelta(seconds=rng.uniform(300, 2 * DAY))
        return min(later, now - timedelta(minutes=5))
