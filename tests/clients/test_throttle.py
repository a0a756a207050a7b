"""Token buckets: burst, refill, waits reported, rate from the header, drain on 429."""

from __future__ import annotations

import asyncio

import pytest

from amazon_tui.clients.throttle import Throttle, UsagePlan, rate_from_header


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
    on_wait = (
        (lambda operation, seconds: waits.append((operation, round(seconds, 3))))
        if waits is not None
        else None
    )
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


async def test_rate_follows_the_header():
    time = VirtualTime()
    bucket = throttle_with(time, op=UsagePlan(rate=1.0, burst=1)).bucket("op", "A1")
    bucket.update_rate(rate_from_header("0.25"))
    await bucket.acquire()
    await bucket.acquire()
    assert time.now == pytest.approx(4.0)


def exact(time: VirtualTime, waits: list | None = None, **plans: UsagePlan) -> Throttle:
    """A throttle without jitter: each backoff is its upper bound."""
    on_wait = (lambda operation, seconds: waits.append(round(seconds, 3))) if waits is not None else None
    return Throttle(
        plans=plans, clock=time.clock, sleep=time.sleep, on_wait=on_wait, jitter=lambda seconds: seconds
    )


async def test_one_spurious_429_costs_a_second_and_the_model_resumes():
    time, waits = VirtualTime(), []
    bucket = exact(time, waits, searchOrders=UsagePlan(0.0056, 20)).bucket("searchOrders", "A1")
    await bucket.acquire()
    bucket.throttled()  # no Retry-After, no rate header
    await bucket.acquire()
    bucket.answered()
    for _ in range(5):  # the next pages: the bucket still has its burst
        await bucket.acquire()
        bucket.answered()
    assert waits == [1.0] and time.now == pytest.approx(1.0)


async def test_429s_in_a_row_double_the_wait_up_to_the_refill_interval():
    time, waits = VirtualTime(), []
    bucket = exact(time, waits, getFeeds=UsagePlan(0.0222, 10)).bucket("getFeeds", "A1")
    for _ in range(9):
        bucket.throttled()
        await bucket.acquire()
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 45.045, 45.045, 45.045]
    assert bucket.throttled(retry_after=600) == pytest.approx(1 / 0.0222), "Retry-After within the same cap"


def test_the_backoff_has_full_jitter():
    bucket = Throttle(plans={"op": UsagePlan(0.01, 5)}).bucket("op", "A1")
    first = bucket.throttled()
    assert 0.5 <= first <= 1.0


async def test_a_really_empty_bucket_converges_to_the_plans_restore_rate():
    """The server's bucket is empty (another process spent it): calls settle at one per refill."""
    time = VirtualTime()
    rate = 0.0056
    bucket = exact(time, searchOrders=UsagePlan(rate, 20)).bucket("searchOrders", "A1")
    server_tokens, server_updated, answered, refused = 0.0, 0.0, 0, 0
    while time.now < 3600:
        await bucket.acquire()
        server_tokens = min(20.0, server_tokens + (time.now - server_updated) * rate)
        server_updated = time.now
        if server_tokens >= 1:
            server_tokens -= 1
            answered += 1
            bucket.answered()
        else:
            refused += 1
            bucket.throttled()
    assert answered == pytest.approx(3600 * rate, abs=2)  # the restore rate, ~20 an hour
    assert refused <= 3 * answered + 10, "probes slow down instead of hammering"


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
