"""Audit log: one line per cancellation, in ASC's words, and Enter opens the order."""

from __future__ import annotations

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.pilot import settle, visible_text


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
        app.navigator.open_audit()
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
        assert (
            isinstance(app.screen, OrderDetailsScreen)
            and app.screen.order_id == app.service.cancellation_history()[1].order_id
        )


async def test_slash_filters_the_audit_log_and_escape_clears_it(world):
    service = world.service
    await service.sync()
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=60)
    order_ids = [r.order_id for r in rows if service.cached_order(r.order_id).is_merchant_fulfilled][:3]
    await service.cancel(order_ids[:2], CancelReason.NO_INVENTORY)
    await service.cancel(order_ids[2:], CancelReason.BUYER_CANCELED)
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_audit()
        await settle(pilot)
        table = app.screen.query_one("#audit")
        assert table.row_count == 3
        await pilot.press("slash", *"buyer can")
        assert table.row_count == 1 and app.screen.entries[0].order_id == order_ids[2]
        await pilot.press("enter", "enter")  # Enter keeps the filter and returns to the list; Enter opens
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen) and app.screen.order_id == order_ids[2]
        await pilot.press("escape")
        await settle(pilot)
        assert table.row_count == 1, "the filter is kept on return"
        await pilot.press("slash", "escape")
        assert table.row_count == 3 and not app.screen.query_one("#audit-filter").display
