"""Client-side token buckets that keep each SP-API operation within its usage plan.

One bucket per (operation, seller), seeded from the documented plans and re-rated from
``x-amzn-RateLimit-Limit``. ``acquire`` waits when the bucket is empty and reports the
wait, so the sync can show "waiting on rate limit".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

OnWait = Callable[[str, float], None]


@dataclass(frozen=True)
class UsagePlan:
    """Requests per second and burst of an operation."""

    rate: float
    burst: int


USAGE_PLANS: dict[str, UsagePlan] = {
    "searchOrders": UsagePlan(0.0056, 20),
    "getOrder": UsagePlan(0.5, 30),
    "createFeedDocument": UsagePlan(0.5, 15),
    "createFeed": UsagePlan(0.0083, 15),
    "getFeeds": UsagePlan(0.0222, 10),
    "getFeed": UsagePlan(2.0, 15),
    "getFeedDocument": UsagePlan(0.0222, 10),
}
UNKNOWN_PLAN = UsagePlan(0.5, 10)


class TokenBucket:
    """A token bucket; concurrent ``acquire`` calls are served in order."""

    def __init__(
        self,
        operation: str,
        plan: UsagePlan,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        on_wait: Callable[[], OnWait | None] = lambda: None,
    ) -> None:
        self.operation = operation
        self.rate = plan.rate
        self.burst = plan.burst
        self._tokens = float(plan.burst)
        self._clock = clock
        self._sleep = sleep
        self._on_wait = on_wait
        self._updated = clock()
        self._lock = asyncio.Lock()

    @property
    def tokens(self) -> float:
        """Tokens available now."""
        self._refill()
        return self._tokens

    async def acquire(self) -> None:
        """Take one token, waiting (and reporting the wait) while the bucket is empty."""
        async with self._lock:
            while self.tokens < 1:
                wait = (1 - self._tokens) / self.rate
                if callback := self._on_wait():
                    callback(self.operation, wait)
                await self._sleep(wait)
            self._tokens -= 1

    def update_rate(self, rate: float) -> None:
        """Adopt the rate the service reported for this operation."""
        if rate > 0 and rate != self.rate:
            self._refill()
            self.rate = rate

    def drain(self) -> None:
        """Empty the bucket: the service throttled us, so its bucket is empty too."""
        self._refill()
        self._tokens = min(self._tokens, 0.0)

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
        self._updated = now


class Throttle:
    """The token buckets of all operations and sellers of one app."""

    def __init__(
        self,
        *,
        plans: dict[str, UsagePlan] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        on_wait: OnWait | None = None,
    ) -> None:
        self.plans = dict(USAGE_PLANS if plans is None else plans)
        self.on_wait = on_wait
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def bucket(self, operation: str, seller_id: str) -> TokenBucket:
        """The bucket of ``operation`` for ``seller_id``, created on first use."""
        key = (operation, seller_id)
        if key not in self._buckets:
            self._buckets[key] = TokenBucket(
                operation,
                self.plans.get(operation, UNKNOWN_PLAN),
                clock=self._clock,
                sleep=self._sleep,
                on_wait=lambda: self.on_wait,
            )
        return self._buckets[key]


def rate_from_header(value: str | None) -> float | None:
    """The rate in ``x-amzn-RateLimit-Limit`` (requests per second), if it is a usable number."""
    try:
        rate = float(value) if value else None
    except ValueError:
        return None
    return rate if rate and rate > 0 and rate != float("inf") else None
