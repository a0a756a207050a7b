"""A running TUI hears of changes in the sandbox in seconds through SQS, with polling switched off:
the sandbox itself sends the notifications once `notifications setup` subscribed its sellers."""

from __future__ import annotations

import argparse
import contextlib
import io
import time

from amazon_tui.cli.commands.notifications import notifications_command
from amazon_tui.domain.attention import BUYER_CANCEL
from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.tui.screens.attention import AttentionScreen
from tests.support.pilot import settle
from tests.support.world import build


async def _until(pilot, condition, seconds: float = 10.0) -> float:
    started = time.monotonic()
    while not condition() and time.monotonic() - started < seconds:
        await pilot.pause(0.02)
    assert condition()
    return time.monotonic() - started


async def test_a_shipment_and_a_buyers_request_reach_the_open_screens_without_polling(
    tmp_path, queue_url, sqs_endpoint
):
    world = build(
        tmp_path,
        poll_seconds=0,
        sqs_endpoint=sqs_endpoint,
        overrides={"notifications": {"sqs_queue_url": queue_url, "region": "us-east-1"}},
    )
    app = world.app
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            await notifications_command(world.service, argparse.Namespace(), action="setup")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.navigator.open_store("Acme US")
            await settle(pilot)
            rows = app.service.orders(
                OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=100
            )
            shown = {row.order_id for row in app.screen.table.rows_shown}
            shipped, asked = [
                r.order_id
                for r in rows
                if r.order_id in shown and app.service.cached_order(r.order_id).cancelable
            ][:2]

            world.sandbox.ship_order(shipped)  # Amazon sends ORDER_CHANGE
            row = lambda: next(r for r in app.screen.table.rows_shown if r.order_id == shipped)  # noqa: E731
            assert await _until(pilot, lambda: row().status is OrderStatus.SHIPPED) < 5, (
                "the dashboard row follows in seconds"
            )

            app.navigator.open_attention()
            await settle(pilot)
            assert isinstance(app.screen, AttentionScreen)
            world.clock.advance(1)
            world.sandbox.request_cancellation(asked, "Found it cheaper")
            items = lambda: app.screen.table.items  # noqa: E731
            await _until(pilot, lambda: asked in items() and items()[asked].kind == BUYER_CANCEL)
            assert items()[asked].buyer_reason == "Found it cheaper"
            active = sum(1 for store in app.service.stores if store.active)
            assert world.sandbox.count("searchOrders") == active, (
                "one call per store, the first sync's: nothing was polled"
            )
    finally:
        world.sandbox.close()
