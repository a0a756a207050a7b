"""Client-side token buckets that keep each SP-API operation within its usage plan.

One bucket per (operation, seller), seeded from the documented plans and re-rated from
``x-amzn-RateLimit-Limit``. ``acquire`` waits when the bucket is empty and reports the
wait, so the sync can show "waiting on rate limit".

A 429 is answered the way Amazon asks: exponential backoff with jitter from about a second,
capped at the operation's refill interval (``1 / rate``), and the bucket model resumes after
the next answer. A single spurious 429 thus costs about a second, not a refill interval per
call (searchOrders' is 178 s); a bucket that is really empty (another process spending the
seller's quota) is probed ever more slowly until one call per refill interval, the plan's
restore rate.
"""

from __future__ import annotations

import asyncio
import random
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
    "confirmShipment": UsagePlan(2.0, 10),  # Orders v0
    # Notifications v1: every operation 1 request per second, burst 5
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
UNKNOWN_PLAN = UsagePlan(0.5, 10)
FIRST_BACKOFF = 1.0  # seconds: the first wait after a 429


def full_jitter(seconds: float) -> float:
    """A wait between half of ``seconds`` and all of it (concurrent clients spread out)."""
    return random.uniform(seconds / 2, seconds)


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
        jitter: Callable[[float], float] = full_jitter,
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
        self._jitter = jitter
        self._backoff = 0.0  # the current backoff level, 0 when not throttled lately
        self._throttle_wait = 0.0  # the wait the next acquire owes a 429

    @property
    def tokens(self) -> float:
        """Tokens available now."""
        self._refill()
        return self._tokens

    @property
    def refill_interval(self) -> float:
        """Seconds for one token to come back: the longest a 429 makes a call wait."""
        return 1 / self.rate

    async def acquire(self) -> None:
        """Take one token, waiting (and reporting the wait) while the bucket is empty.

        After a 429 the call waits its backoff instead and then probes the service, whatever
        the model holds: the service's bucket, not ours, said no.
        """
        async with self._lock:
            if self._throttle_wait > 0:
                wait, self._throttle_wait = self._throttle_wait, 0.0
                if callback := self._on_wait():
                    callback(self.operation, wait)
                await self._sleep(wait)
                self._refill()
                self._tokens = max(0.0, self._tokens - 1)
                return
            while self.tokens < 1 - 1e-9:  # not 1: rounding would leave 0.999… and waits of 1e-13 s
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

    def throttled(self, retry_after: float | None = None) -> float:
        """The service answered 429: the next ``acquire`` backs off; returns how long.

        The backoff doubles from ``FIRST_BACKOFF`` per 429 in a row, capped at the refill
        interval, with full jitter; a ``Retry-After`` is honoured within the same cap.
        """
        cap = self.refill_interval
        self._backoff = min(cap, max(FIRST_BACKOFF, self._backoff * 2))
        wait = min(cap, retry_after) if retry_after is not None else self._jitter(self._backoff)
        self._throttle_wait = max(wait, 0.0)
        return self._throttle_wait

    def answered(self) -> None:
        """A call got through: the backoff level halves (a spurious 429 is soon forgotten)."""
        self._backoff = self._backoff / 2 if self._backoff / 2 >= FIRST_BACKOFF else 0.0

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
        jitter: Callable[[float], float] = full_jitter,
    ) -> None:
        self.plans = dict(USAGE_PLANS if plans is None else plans)
        self._jitter = jitter
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
                jitter=self._jitter,
            )
        return self._buckets[key]


def rate_from_header(value: str | None) -> float | None:
    """The rate in ``x-amzn-RateLimit-Limit`` (requests per second), if it is a usable number."""
    try:
        rate = float(value) if value else None
    except ValueError:
        return None
    return rate if rate and rate > 0 and rate != float("inf") else None
