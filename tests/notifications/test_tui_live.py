"""A running TUI hears of an order change in seconds through SQS, with polling switched off."""

from __future__ import annotations

import time

from factory import build
from helpers import settle
from notification_messages import order_change
from test_consumer import _send

from amazon_tui.domain import OrderQuery, OrderStatus


async def test_an_order_change_reaches_the_open_dashboard_without_polling(tmp_path, queue_url):
    world = build(tmp_path, poll_seconds=0, overrides={"notifications": {"sqs_queue_url": queue_url, "region": "us-east-1"}})
    app = world.app
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_store("Acme US")
            await settle(pilot)
            rows = app.service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=100)
            shown = {row.order_id for row in app.screen.table.rows_shown}
            order_id = next(r.order_id for r in rows if r.order_id in shown and app.service.cached_order(r.order_id).cancelable)
            world.sandbox.ship_order(order_id)
            store = app.service.settings.config.store("Acme US")
            started = time.monotonic()
            _send(queue_url, order_change(store.seller_id, store.market.marketplace_id, order_id, world.clock()))
            for _ in range(400):
                row = next(r for r in app.screen.table.rows_shown if r.order_id == order_id)
                if row.status is OrderStatus.SHIPPED:
                    break
                await pilot.pause(0.025)
            assert row.status is OrderStatus.SHIPPED, "the row on screen follows the notification"
            assert time.monotonic() - started < 10
            assert app.service.notifications.health.applied == 1
    finally:
        world.sandbox.close()
