"""Screens that show Magento or Amazon state read it again once an action of ours changed it."""

from __future__ import annotations

from amazon_tui.tui.screens.magento_order import MagentoOrderScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.pilot import cancelable_with_magento, plain, recent_index, settle


async def test_magento_view_shows_the_refund_and_comment_after_a_cancel_without_r(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # View Store
        await settle(pilot)
        row = recent_index(app, cancelable_with_magento(world.service))
        order_id = app.screen.query_one("#recent").rows_shown[row].order_id
        await pilot.press(*["j"] * row, "enter")  # the Magento order view
        await settle(pilot)
        magento = app.screen
        assert isinstance(magento, MagentoOrderScreen)
        before = plain(magento.query_one("#comments"))
        assert "canceled in amazon-tui" not in before
        await pilot.press("enter")  # View or Cancel Amazon Order
        await settle(pilot)
        await pilot.press("c", "enter", "enter")  # No Inventory (the cursor starts on it), Confirm
        await settle(pilot)
        details = app.screen
        assert isinstance(details, OrderDetailsScreen)
        assert "● Canceled" in plain(details.query_one("#order-section"))  # Amazon's state, read again
        await pilot.press("m")  # back to the Magento order view, no r pressed
        await settle(pilot)
        assert app.screen is magento
        account = plain(magento.query_one("#account"))
        totals = plain(magento.query_one("#totals"))
        comments = plain(magento.query_one("#comments"))
        assert "closed" in account.lower(), account
        grand = magento.magento.grand_total
        assert (
            magento.magento.total_refunded == grand and f"{grand:,.2f}" in totals.split("Total Refunded")[1]
        )
        assert f"Amazon order {order_id} canceled in amazon-tui" in comments
        assert "Reason: No Inventory" in comments


async def test_magento_view_is_not_read_again_when_nothing_of_ours_changed_it(world):
    """A sync's news or another order's cancellation leave this Magento order as it was: no call."""
    from amazon_tui.tui.messages import OrdersChanged

    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        row = recent_index(app, cancelable_with_magento(world.service))
        await pilot.press(*["j"] * row, "enter")
        await settle(pilot)
        assert isinstance(app.screen, MagentoOrderScreen)
        reads = world.sandbox.count("magentoGetOrder")
        assert reads >= 1
        app.broadcast(OrdersChanged)
        app.broadcast(lambda: OrdersChanged(("111-0000000-0000000",)))
        await settle(pilot)
        assert world.sandbox.count("magentoGetOrder") == reads
