"""SP-API usage plans: one token bucket per (seller, operation), refilled on the sandbox clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class UsagePlan:
    rate: float  # requests per second
    burst: int


USAGE_PLANS: dict[str, UsagePlan] = {
    "searchOrders": UsagePlan(0.0056, 20),
    "getOrder": UsagePlan(0.5, 30),
    "createFeedDocument": UsagePlan(0.5, 15),
    "createFeed": UsagePlan(0.0083, 15),
    "getFeed": UsagePlan(2.0, 15),
    "getFeeds": UsagePlan(0.0222, 10),
    "cancelFeed": UsagePlan(2.0, 15),
    "getFeedDocument": UsagePlan(0.0222, 10),
    "confirmShipment": UsagePlan(2.0, 10),  # Orders v0
    **{
        operation: UsagePlan(1.0, 5)
        for operation in (
            "getDestinations",
            "createDestination",
            "deleteDestination",
            "getSubscription",
            "createSubscription",
            "deleteSubscriptionById",
        )
    },
}


class RateLimiter:
    """Token buckets that start full and refill at rate × time_scale tokens per clock second."""

    def __init__(self, clock: Callable[[], datetime], time_scale: float = 1.0, enforce: bool = True) -> None:
        self.clock = clock
        self.time_scale = time_scale
        self.enforce = enforce
        self._buckets: dict[tuple[str, str], tuple[float, datetime]] = {}
        self._lock = threading.Lock()

    def try_acquire(self, seller_id: str, operation: str) -> bool:
        """Take one token; False when the bucket is empty (the caller answers 429)."""
        plan = USAGE_PLANS.get(operation)
        if plan is None or not self.enforce:
            return True
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get((seller_id, operation), (float(plan.burst), now))
            elapsed = max(0.0, (now - then).total_seconds())
            tokens = min(float(plan.burst), tokens + elapsed * plan.rate * self.time_scale)
            if tokens < 1.0 - 1e-6:  # slack for float and microsecond rounding
                self._buckets[(seller_id, operation)] = (tokens, now)
                return False
            self._buckets[(seller_id, operation)] = (tokens - 1.0, now)
            return True

    def seconds_until_available(self, seller_id: str, operation: str) -> float:
        """Clock seconds until the next request would pass (0 when it would pass now)."""
        plan = USAGE_PLANS[operation]
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get((seller_id, operation), (float(plan.burst), now))
        tokens = min(
            float(plan.burst), tokens + max(0.0, (now - then).total_seconds()) * plan.rate * self.time_scale
        )
        return max(0.0, (1.0 - tokens) / (plan.rate * self.time_scale))

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
