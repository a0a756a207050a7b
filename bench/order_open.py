"""3 order-open: Amazon Order Details with getOrder answered after 300 ms (sandbox latency fault).

From Recent Orders, ``o`` opens the first order: time to its first painted frame (cached
data), time to the frame showing fresh data, getOrder calls; then Back and ``o`` again
within the freshness window. Baseline: the same with no injected latency.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import common
from common import Line

LATENCY = 0.3


async def _open(tmp: Path, latency: float) -> dict:
    from amazon_tui.tui.app import AmazonTuiApp
    from amazon_tui.tui.screens.order_details import OrderDetailsScreen

    w = common.world(tmp, orders_per_store=60)
    await w.service.sync()
    if latency:
        w.sandbox.inject_fault("getOrder", "latency", latency=latency)
    app = AmazonTuiApp(w.service, background=False)
    frames: list[tuple[float, bool]] = []
    display = app._display

    def hooked(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and not app._batch_count:
            frames.append((time.perf_counter(), isinstance(screen, OrderDetailsScreen)))

    app._display = hooked
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # View Store: Recent Orders
        await pilot.pause()
        w.sandbox.clear_log()
        frames.clear()
        started = time.perf_counter()
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        first = next(at for at, details in frames if details) - started
        fresh = frames[-1][0] - started
        calls = w.sandbox.count("getOrder")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        reopen_calls = w.sandbox.count("getOrder") - calls
    await w.service.aclose()
    w.sandbox.close()
    return {"first": first * 1000, "fresh": fresh * 1000, "calls": calls, "reopen": reopen_calls}


def run(quick: bool) -> list[Line]:
    with tempfile.TemporaryDirectory() as tmp:
        slow = asyncio.run(_open(Path(tmp) / "slow", LATENCY))
        fast = asyncio.run(_open(Path(tmp) / "fast", 0.0))
    return [
        Line(
            "order-open: first paint (cache)",
            slow["first"],
            fast["first"],
            "ms",
            "< 300 ms (not waiting)",
            slow["first"] < LATENCY * 1000,
            "getOrder +300 ms; base: no latency",
        ),
        Line(
            "order-open: fresh data painted",
            slow["fresh"],
            fast["fresh"],
            "ms",
            "~ base + 300 ms",
            slow["fresh"] >= LATENCY * 1000,
            "after the one getOrder",
        ),
        Line("order-open: getOrder calls", slow["calls"], fast["calls"], "calls", "== 1", slow["calls"] == 1),
        Line(
            "order-open: reopen within window",
            slow["reopen"],
            fast["reopen"],
            "calls",
            "== 0",
            slow["reopen"] == 0,
        ),
    ]
