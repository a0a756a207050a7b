"""Cancellations in each outcome the Audit log shows (tests and snapshots of the audit screen)."""

from __future__ import annotations

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus


def cancelable(service, n: int) -> list[str]:
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=60)
    ids = [r.order_id for r in rows if service.cached_order(r.order_id).is_merchant_fulfilled]
    assert len(ids) >= n
    return ids[:n]


async def three_outcomes(world) -> dict[str, str]:
    """One order canceled, one Amazon refused in its processing report (it shipped while the feed
    was queued), one still awaiting Amazon's report; their order numbers by outcome."""
    service, sandbox = world.service, world.sandbox
    await service.sync()
    canceled, refused, waiting = cancelable(service, 3)
    sandbox.feed_delay_seconds = 3600 * sandbox.time_scale  # Amazon keeps the feed queued
    submissions = await service.cancel([canceled, refused], CancelReason.NO_INVENTORY)
    sandbox.ship_order(refused)
    sandbox.feed_delay_seconds = 0
    await service.cancel_desk.driver.finish(
        [e for s in submissions for e in (*s.submitted, *s.queued)], deadline=5
    )
    sandbox.feed_delay_seconds = 3600 * sandbox.time_scale
    await service.cancel([waiting], CancelReason.BUYER_CANCELED)
    return {"canceled": canceled, "refused": refused, "waiting": waiting}
