"""Audit log: one line per cancellation, in ASC's words, and Enter opens the order."""

from __future__ import annotations

from helpers import settle, visible_text

from amazon_tui.domain import CancelReason, OrderQuery, OrderStatus
from amazon_tui.tui.screens.order_details import OrderDetailsScreen


async def test_one_line_per_cancellation_and_enter_opens_the_order(world):
    service = world.service
    await service.sync()
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=60)
    order_ids = [r.order_id for r in rows if service.cached_order(r.order_id).is_merchant_fulfilled][:2]
    await service.cancel(order_ids, CancelReason.NO_INVENTORY)
    steps = len(service.audit())
    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_audit()
        await settle(pilot)
        table = app.screen.query_one("#audit")
        assert table.row_count == 2 < steps, "one line per cancellation, not one per step"
        text = visible_text(app)
        for order_id in order_ids:
            line = next(line for line in text.splitlines() if order_id in line and "in flight" not in line)
            assert "Submitted →" in line and "No Inventory" in line and "Acme US" in line
        table.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen) and app.screen.order_id == app.service.cancellation_history()[1].order_id
