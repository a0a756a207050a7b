"""Hostile TUI tests of Confirm Shipment at 80x24 (issue 33): keys typed faster than the app
answers are not a second confirmation."""

from __future__ import annotations

from amazon_tui.local.shipments import ShipState
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.core.test_shipments_hostile import linked_unshipped
from tests.support.pilot import settle
from tests.support.world import build
from tests.tui.test_ship import unshipped_mfn


async def test_s_carrier_tracking_and_enter_enter_enter_typed_at_once_send_one_confirmation(tmp_path):
    world = build(tmp_path)
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = unshipped_mfn(world.app)
        world.app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("s", "enter", "down", "enter", "tab", "tab", *"1ZFAST", "enter", "enter", "enter")
        await settle(pilot)
        await pilot.press("s", "enter", "enter", "enter")  # again, on what is shipped now
        await settle(pilot)
        assert world.sandbox.count("confirmShipment") == 1
        assert [r.state for r in world.service.shipment_journal.of_order(order_id)] == [ShipState.CONFIRMED]
        assert isinstance(world.app.screen, OrderDetailsScreen), world.app.screen
    world.sandbox.close()


async def test_enter_and_escape_while_amazon_is_slow_send_once_and_keep_the_modal(tmp_path):
    world = build(tmp_path)
    world.sandbox.inject_fault("confirmShipment", "latency", count=1, latency=0.5)
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = unshipped_mfn(world.app)
        world.app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("s", "enter", "down", "enter", "tab", "tab", *"1ZSLOW", "enter")
        await pilot.press("enter", "escape", "enter", "escape", "tab", "enter")
        await settle(pilot)
        assert world.sandbox.count("confirmShipment") == 1
        assert [r.state for r in world.service.shipment_journal.of_order(order_id)] == [ShipState.CONFIRMED]
    world.sandbox.close()


async def test_confirm_while_a_magento_shipment_is_unfinished_sends_the_typed_tracking(tmp_path):
    """A Magento shipment of the order is unfinished (its answer was lost). The operator types a
    tracking number and confirms. Expected: that number is journaled (or the modal says another
    shipment was finished instead). Actual: the modal closes on Magento's row with "shipment
    confirmed"; the typed number is never journaled nor sent."""
    world = build(tmp_path)
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = linked_unshipped(world.service, items=2)
        first = world.service.cached_order(order_id).items[0]
        world.sandbox.magento_ship(  # the first item only: the order stays Partially Shipped
            order_id,
            carrier_code="fedex",
            track_number="7700MAG",
            items={first.seller_sku: first.quantity_unshipped},
        )
        world.sandbox.inject_fault("confirmShipment", "applied_error", count=1)
        await world.service.sync()
        assert [r.state for r in world.service.shipment_journal.of_order(order_id)] == [ShipState.SENDING]
        world.app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("s", "enter", "down", "enter", "tab", "tab", *"9400TYPED", "enter")
        await settle(pilot)
        typed = [
            r for r in world.service.shipment_journal.of_order(order_id) if r.tracking_number == "9400TYPED"
        ]
        shown = " ".join(str(n.message) for n in world.app._notifications)
        assert typed or "7700MAG" in shown, shown
    world.sandbox.close()
