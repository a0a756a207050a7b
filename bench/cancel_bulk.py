"""5 cancel-bulk: createFeed calls when 10 orders are canceled together (target 1).

Baseline: one order canceled alone (1 createFeed). Every order is also checked to end
Canceled after Amazon's processing report.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import common
from common import STORE, Line


async def _cancel(tmp: Path, count: int) -> tuple[int, int]:
    """(createFeed calls, orders canceled) for ``count`` orders canceled in one request."""
    from amazon_tui.domain.models import OrderQuery
    from amazon_tui.domain.values import CancelReason, OrderStatus

    w = common.world(tmp, orders_per_store=200)
    await w.service.sync([STORE])
    rows = w.service.orders(OrderQuery(stores=(STORE,), statuses=(OrderStatus.UNSHIPPED,)), limit=500)
    ids = [row.order_id for row in rows if row.fulfilled_by == "MERCHANT"][:count]
    if len(ids) < count:
        raise RuntimeError(f"only {len(ids)} cancelable orders in the sandbox")
    w.sandbox.clear_log()
    submissions = await w.service.cancel(ids, CancelReason.NO_INVENTORY)
    calls = w.sandbox.count("createFeed")
    entries = await w.service.finish_cancellations(submissions)
    canceled = sum(entry.state.value == "canceled" for entry in entries)
    await w.service.aclose()
    w.sandbox.close()
    return calls, canceled


def run(quick: bool) -> list[Line]:
    with tempfile.TemporaryDirectory() as tmp:
        calls, canceled = asyncio.run(_cancel(Path(tmp) / "ten", 10))
        base, _ = asyncio.run(_cancel(Path(tmp) / "one", 1))
    return [
        Line(
            "cancel-bulk: createFeed, 10 orders",
            calls,
            base,
            "calls",
            "== 1",
            calls == 1 and canceled == 10,
            f"{canceled}/10 canceled; base: 1 order",
        )
    ]
