"""7 memory: peak RSS of a scripted 30-minute-equivalent session vs. after the first screen.

In its own process: a sandbox store of 1,000 orders, synced; the app (headless, 80x24)
opens Recent Orders, then 200 times opens Amazon Order Details of the next order (one
getOrder each: the fixed clock moves 9 s per order, 30 minutes in all), goes back, and
every 20 orders pages through All Amazon Orders. RSS is sampled after every order; the
peak of those samples is compared with the RSS after the first screen (the process's own
ru_maxrss would be the sandbox's seeding, which happens before the app starts).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import common
from common import Line

TARGET = 1.2


def run(quick: bool) -> list[Line]:
    opens = 40 if quick else 200
    result = common.run_child("memory.py", str(opens), timeout=1800)
    measured, baseline = result["end"], result["first"]
    return [
        Line(
            f"memory: peak RSS, {opens} orders opened",
            measured,
            baseline,
            "MB",
            f"<= {TARGET}x",
            measured <= TARGET * baseline,
            f"{result['orders']:,} orders, {result['get_order']} getOrder; base: RSS after first screen",
        )
    ]


async def _session(tmp: Path, opens: int) -> dict:
    from amazon_tui.domain.models import OrderQuery
    from amazon_tui.tui.app import AmazonTuiApp

    w = common.world(tmp, orders_per_store=1000)
    await w.service.sync([common.STORE])
    app = AmazonTuiApp(w.service, background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        first = peak = common.current_rss_mb()
        w.sandbox.clear_log()
        for index in range(opens):
            w.clock.advance(9)
            await pilot.press("o")
            await app.workers.wait_for_complete()
            await pilot.press("escape", "g" if index % 50 == 49 else "j")  # Recent Orders holds 50
            if index % 20 == 19:
                await pilot.press("a", "pagedown", "n", "s", "escape")
            await pilot.pause()
            peak = max(peak, common.current_rss_mb())
    orders = w.service.count(OrderQuery(stores=(common.STORE,)))
    return {"first": first, "end": peak, "orders": orders, "get_order": w.sandbox.count("getOrder")}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        common.jprint(asyncio.run(_session(Path(tmp), int(sys.argv[1]))))
