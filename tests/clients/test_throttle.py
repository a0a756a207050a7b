"""Token buckets: burst, refill, waits reported, rate from the header, drain on 429."""

from __future__ import annotations

import asyncio

import pytest

from amazon_tui.clients import Throttle, UsagePlan
from amazon_tui.clients.throttle import rate_from_header


class VirtualTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def throttle_with(time: VirtualTime, waits: list | None = None, **plans: UsagePlan) -> Throttle:
    on_wait = (lambda operation, seconds: waits.append((operation, round(seconds, 3)))) if waits is not None else None
    return Throttle(plans=plans or None, clock=time.clock, sleep=time.sleep, on_wait=on_wait)


async def test_burst_then_one_request_per_refill_with_the_wait_reported():
    time, waits = VirtualTime(), []
    bucket = throttle_with(time, waits, op=UsagePlan(rate=0.5, burst=3)).bucket("op", "A1")

    for _ in range(3):
        await bucket.acquire()
    assert time.now == 0 and waits == []
    await bucket.acquire()
    await bucket.acquire()
    assert time.now == pytest.approx(4.0)
    assert waits == [("op", 2.0), ("op", 2.0)]


async def test_documented_plans_seed_the_buckets():
    time = VirtualTime()
    throttle = throttle_with(time)
    search = throttle.bucket("searchOrders", "A1")
    assert (search.rate, search.burst) == (0.0056, 20)
    assert (throttle.bucket("getOrder", "A1").rate, throttle.bucket("getOrder", "A1").burst) == (0.5, 30)
    assert throttle.bucket("createFeed", "A1").rate == 0.0083
    for _ in range(20):
        await search.acquire()
    await search.acquire()
    assert time.now == pytest.approx(1 / 0.0056)


async def test_buckets_are_per_operation_and_seller():
    throttle = throttle_with(VirtualTime())
    assert throttle.bucket("getOrder", "A1") is throttle.bucket("getOrder", "A1")
    assert throttle.bucket("getOrder", "A1") is not throttle.bucket("getOrder", "A2")
    assert throttle.bucket("getOrder", "A1") is not throttle.bucket("getFeed", "A1")


async def test_rate_follows_the_header_and_drain_empties_the_bucket():
    time = VirtualTime()
    bucket = throttle_with(time, op=UsagePlan(rate=1.0, burst=5)).bucket("op", "A1")
    bucket.update_rate(rate_from_header("0.25"))
    bucket.drain()
    await bucket.acquire()
    assert time.now == pytest.approx(4.0)


async def test_concurrent_acquirers_never_exceed_the_plan():
    time = VirtualTime()
    bucket = throttle_with(time, op=UsagePlan(rate=2.0, burst=2)).bucket("op", "A1")
    granted: list[float] = []

    async def take() -> None:
        await bucket.acquire()
        granted.append(time.now)

    await asyncio.gather(*(take() for _ in range(6)))
    assert granted == pytest.approx([0, 0, 0.5, 1.0, 1.5, 2.0])


@pytest.mark.parametrize("header", [None, "", "abc", "0", "-1", "nan", "inf"])
def test_unusable_rate_headers_are_ignored(header):
    assert rate_from_header(header) is None
