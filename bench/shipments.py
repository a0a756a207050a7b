"""10 shipments: 100 Magento shipments confirmed to Amazon after one sync (issue 33).

100 merchant-fulfilled orders are shipped in the sandbox's Magento only; one sync of the store
must send exactly 100 confirmShipment calls (one per shipment), no more searchOrders than a
sync without shipments, and respect confirmShipment's usage plan (2/s, burst 10): the app's
throttle runs on a virtual clock, so its waits cost no real time but are added up — 100 calls
need at least (100 - 10) / 2 = 45 virtual seconds. The next sync finds every package on Amazon's
orders: 100 rows confirmed. Baseline: one shipment (1 call).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import common
from common import STORE, Line

PLAN_RATE, PLAN_BURST = 2.0, 10


class VirtualTime:
    """A clock that moves only when the app's throttle sleeps, and moves the sandbox's with it:
    the sandbox enforces the usage plans in real proportions (time scale 1) on its own clock."""

    def __init__(self, sandbox_clock) -> None:
        self.now = 0.0
        self.sandbox_clock = sandbox_clock

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.now += seconds
        self.sandbox_clock.advance(seconds)
        await asyncio.sleep(0)


def _world(tmp: Path):
    """A sandbox enforcing Amazon's usage plans at time scale 1 on a controllable clock, and an
    app whose throttle waits on the same (virtual) time."""
    import httpx

    from amazon_tui.clients.throttle import Throttle
    from amazon_tui.core.service import AppService
    from amazon_tui.sandbox import ControllableClock, Sandbox

    clock = ControllableClock(common.NOW)
    sandbox = Sandbox(
        tmp / "sandbox.db",
        orders_per_store=900,
        clock=clock,
        time_scale=1.0,
        feed_delay_seconds=0.0,
        enforce_rate_limits=True,
        token_ttl_seconds=86_400,
    )
    service = AppService(
        common.settings(tmp / "data"), transport=httpx.ASGITransport(app=sandbox.app), clock=clock
    )
    virtual = VirtualTime(clock)
    service.gateway.__dict__["throttle"] = Throttle(clock=virtual.clock, sleep=virtual.sleep)
    return sandbox, service, clock, virtual


async def _ship(tmp: Path, count: int) -> dict:
    from amazon_tui.domain.models import OrderQuery
    from amazon_tui.domain.values import OrderStatus

    sandbox, service, clock, virtual = _world(tmp)
    await service.sync([STORE])
    rows = service.orders(OrderQuery(stores=(STORE,), statuses=(OrderStatus.UNSHIPPED,)), limit=5000)
    ids = [
        row.order_id
        for row in rows
        if row.fulfilled_by == "MERCHANT" and service.magento_link(row.order_id) is not None
    ][:count]
    if len(ids) < count:
        raise RuntimeError(f"only {len(ids)} shippable orders in the sandbox")
    sandbox.clear_log()
    await service.sync([STORE])  # a sync with nothing shipped: its searchOrders calls
    quiet_searches = sandbox.count("searchOrders")
    for order_id in ids:
        sandbox.magento_ship(order_id, carrier_code="ups", track_number=f"1Z{order_id[-7:]}")
    sandbox.clear_log()
    started = virtual.now
    await service.sync([STORE])
    figures = {
        "calls": sandbox.count("confirmShipment"),
        "throttled": sandbox.count("confirmShipment", 429),
        "searches": sandbox.count("searchOrders"),
        "quiet_searches": quiet_searches,
        "virtual_seconds": virtual.now - started,
    }
    clock.advance(60)
    await service.sync([STORE])  # a minute later: brings the packages, every row confirmed
    confirmed = {row.order_id for row in service.shipment_journal.all(1000) if row.state.value == "confirmed"}
    figures["confirmed"] = len(confirmed & set(ids))
    await service.aclose()
    sandbox.close()
    return figures


def run(quick: bool) -> list[Line]:
    count = 30 if quick else 100
    with tempfile.TemporaryDirectory() as tmp:
        many = asyncio.run(_ship(Path(tmp) / "many", count))
        one = asyncio.run(_ship(Path(tmp) / "one", 1))
    least = max(0.0, (count - PLAN_BURST) / PLAN_RATE)
    return [
        Line(
            f"shipments: confirmShipment, {count} shipped",
            many["calls"],
            one["calls"],
            "calls",
            f"== {count}",
            many["calls"] == count and many["confirmed"] == count and many["throttled"] == 0,
            f"{many['confirmed']}/{count} confirmed after the next sync; {many['throttled']} answered 429",
        ),
        Line(
            "shipments: searchOrders of the sync",
            many["searches"],
            many["quiet_searches"],
            "calls",
            "no extra",
            many["searches"] <= many["quiet_searches"],
            "base: the same sync with nothing shipped",
        ),
        Line(
            "shipments: usage plan (virtual s)",
            many["virtual_seconds"],
            least,
            "s",
            f">= {least:.0f} s (2/s, burst 10)",
            many["virtual_seconds"] >= least - 0.5,
            "the throttle's waits, on a virtual clock",
        ),
    ]
