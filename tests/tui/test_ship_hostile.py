"""Hostile TUI tests of Confirm Shipment at 80x24 (issue 33): keys typed faster than the app
answers are not a second confirmation."""

from __future__ import annotations

from amazon_tui.local.shipments import ShipState
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
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
