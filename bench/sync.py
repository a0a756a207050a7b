"""4 sync: searchOrders calls for 10,000 new orders, the local upsert rate, a sync with nothing new,
and a 246-order sync whose first searchOrders answers 429 once (no rate header).

The sandbox runs with its usage plans NOT enforced (``enforce_rate_limits=False``): calls
are counted, not throttled. The new orders arrive one second apart; the sync runs ten
minutes after the last, so the cursor's 5-minute overlap re-reads none of them.
Baselines: the same sync with 100 new orders; the upsert of the same orders in one
transaction per ORDER (row at a time).
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from pathlib import Path

import common
from common import STORE, Line

PAGE = 100
SCALE, SCALE_QUICK, SCALE_WINDOW = 1_000_000, 50_000, 10_000


async def _new_orders_sync(tmp: Path, count: int) -> tuple[int, int]:
    """searchOrders calls of a sync fetching ``count`` new orders, then of a sync with none."""
    w = common.world(tmp, orders_per_store=20)
    await w.service.sync([STORE])
    w.clock.advance(count + 3600)  # they arrive 1 s apart, all after the first sync
    w.sandbox.add_orders(STORE, count)
    w.clock.advance(600)
    w.sandbox.clear_log()
    await w.service.sync([STORE])
    calls = w.sandbox.count("searchOrders")
    w.clock.advance(600)
    w.sandbox.clear_log()
    await w.service.sync([STORE])
    again = w.sandbox.count("searchOrders")
    await w.service.aclose()
    w.sandbox.close()
    return calls, again


async def _sync_seconds(tmp: Path, count: int, *, spurious_429: bool) -> float:
    """Wall seconds of a sync fetching ``count`` new orders (3 pages for 246), after one 429 or none."""
    w = common.world(tmp, orders_per_store=20)
    await w.service.sync([STORE])
    w.clock.advance(count + 3600)
    w.sandbox.add_orders(STORE, count)
    w.clock.advance(600)
    await w.service.aclose()
    fresh = common.reopen(w)  # a new process: its buckets have seen no rate header yet
    if spurious_429:
        w.sandbox.inject_fault("searchOrders", "429", count=1)
    started = time.perf_counter()
    await fresh.sync([STORE])
    elapsed = time.perf_counter() - started
    await fresh.aclose()
    w.sandbox.close()
    return elapsed


def _upsert_rate(tmp: Path, templates: list, count: int, page: int) -> float:
    """Orders/s of OrderRepository.upsert on pre-built domain orders, one transaction per page."""
    from amazon_tui.local.db import open_database
    from amazon_tui.local.orders import OrderRepository

    repo = OrderRepository(open_database(tmp))
    orders = list(common.generate_orders(templates, count))
    started = time.perf_counter()
    for offset in range(0, count, page):
        repo.upsert(orders[offset : offset + page], now=common.NOW)
    elapsed = time.perf_counter() - started
    repo.db.close()
    return count / elapsed


def _upsert_at_scale(tmp: Path, templates: list, total: int, window: int) -> dict:
    """Microseconds per order of the upsert path (pages of 100, as a first sync writes them) over
    the first ``window`` orders and over the last ``window`` of ``total``; RSS at both points.

    Orders are generated page by page (never held all at once): what grows is the store.
    """
    from amazon_tui.local.db import open_database
    from amazon_tui.local.orders import OrderRepository

    repo = OrderRepository(open_database(tmp))
    orders = common.generate_orders(templates, total)
    spent = {"first": 0.0, "last": 0.0}
    rss = {}
    for offset in range(0, total, PAGE):
        page = [next(orders) for _ in range(min(PAGE, total - offset))]
        started = time.perf_counter()
        repo.upsert(page, now=common.NOW)
        elapsed = time.perf_counter() - started
        if offset < window:
            spent["first"] += elapsed
        elif offset >= total - window:
            spent["last"] += elapsed
        if offset + PAGE == window:
            rss["first"] = common.current_rss_mb()
    rss["last"] = common.current_rss_mb()
    repo.db.close()
    return {
        "first_us": 1e6 * spent["first"] / window,
        "last_us": 1e6 * spent["last"] / window,
        "rss_first": rss["first"],
        "rss_last": rss["last"],
    }


def run(quick: bool) -> list[Line]:
    count = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        calls, again = asyncio.run(_new_orders_sync(root / "big", count))
        base_calls, _ = asyncio.run(_new_orders_sync(root / "small", 100))
        templates = common.template_orders(root / "templates")
        rates = [_upsert_rate(root / f"rate{i}", templates, count, PAGE) for i in range(5)]
        row_rate = _upsert_rate(root / "rows", templates, min(count, 2_000), 1)
        scale = SCALE_QUICK if quick else SCALE
        at_scale = _upsert_at_scale(root / "scale", templates, scale, SCALE_WINDOW)
        throttled = asyncio.run(_sync_seconds(root / "429", 246, spurious_429=True))
        clean = asyncio.run(_sync_seconds(root / "no429", 246, spurious_429=False))
    target = math.ceil(count / PAGE)
    rate = common.median(rates)
    return [
        Line(
            f"sync: searchOrders, {count:,} new",
            calls,
            base_calls,
            "calls",
            f"== {target} (ceil N/100)",
            calls == target,
            "base: 100 new orders; sandbox usage plans not enforced",
        ),
        Line(
            "sync: local upsert rate",
            rate,
            row_rate,
            "orders/s",
            ">= 20,000/s",
            rate >= 20_000,
            f"pages of {PAGE}, 1 transaction each, median of 5; base: 1 transaction per order",
        ),
        Line(
            f"sync: upsert cost per order at {scale:,}",
            at_scale["last_us"],
            at_scale["first_us"],
            "us/order",
            "<= 1.2x",
            at_scale["last_us"] <= 1.2 * at_scale["first_us"],
            f"the last {SCALE_WINDOW:,} orders, into {scale - SCALE_WINDOW:,},"
            f" vs the first {SCALE_WINDOW:,}, into an empty store; pages of 100",
        ),
        Line(
            f"sync: RSS while upserting {scale:,}",
            at_scale["rss_last"],
            at_scale["rss_first"],
            "MB",
            "<= 1.2x",
            at_scale["rss_last"] <= 1.2 * at_scale["rss_first"],
            f"after {scale:,} orders vs after the first {SCALE_WINDOW:,}",
        ),
        Line("sync: again, nothing new", again, None, "calls", "== 1", again == 1, "one store"),
        Line(
            "sync: 246 orders after one spurious 429",
            throttled,
            clean,
            "s",
            "<= 30 s",
            throttled <= 30,
            "searchOrders' first answer is a 429 without a rate header; base: the same sync with none",
        ),
    ]
