"""Confirm Shipment on Amazon Order Details, from the keyboard at 80x24 (issue 33)."""

from __future__ import annotations

from textual.widgets import Input, Select

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.local.shipments import ShipState
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from amazon_tui.tui.screens.ship_modal import ShipModal
from tests.support.pilot import settle
from tests.support.world import build


def unshipped_mfn(app) -> str:
    service = app.service
    rows = service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=60)
    return next(r.order_id for r in rows if service.cached_order(r.order_id).is_merchant_fulfilled)


def shipped(app) -> str:
    rows = app.service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.SHIPPED,)), limit=60)
    return rows[0].order_id


async def test_s_confirms_a_shipment_from_the_keyboard_and_the_tracking_tab_shows_it(tmp_path):
    world = build(tmp_path)
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = unshipped_mfn(world.app)
        world.app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        modal = world.app.screen
        assert isinstance(modal, ShipModal)
        await pilot.press("enter", "down", "enter")  # the carrier list: its first carrier (USPS)
        await pilot.pause()
        assert modal.query_one("#ship-carrier", Select).value == "USPS"
        await pilot.press("tab", "tab", *"9400111899", "enter")  # name (empty), tracking; Enter confirms
        await settle(pilot)
        assert isinstance(world.app.screen, OrderDetailsScreen)
        [row] = world.service.shipment_journal.of_order(order_id)
        assert row.state is ShipState.CONFIRMED and row.tracking_number == "9400111899"
        assert world.sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        assert not world.app.screen.shippable  # shipped now: s is not offered again
    world.sandbox.close()


async def test_confirm_needs_a_carrier_and_a_tracking_number_and_escape_sends_nothing(tmp_path):
    world = build(tmp_path)
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = unshipped_mfn(world.app)
        world.app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        modal = world.app.screen
        modal.confirm()
        assert "Choose a carrier" in str(modal.query_one("#ship-status").content)
        modal.query_one("#ship-carrier", Select).value = "Other"
        modal.query_one("#ship-tracking", Input).value = "X1"
        modal.confirm()
        assert "Other needs the carrier's name" in str(modal.query_one("#ship-status").content)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(world.app.screen, OrderDetailsScreen)
    assert world.service.shipment_journal.of_order(order_id) == []
    assert world.sandbox.count("confirmShipment") == 0
    world.sandbox.close()


async def test_s_is_not_offered_on_a_shipped_order_nor_read_only(tmp_path):
    world = build(tmp_path)
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        world.app.navigator.open_details(shipped(world.app))
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(world.app.screen, OrderDetailsScreen)
        notice = str(world.app.screen.query_one("#notice").content)
        assert notice.startswith("No shipment to confirm here: ")  # Shipped, or fulfilled by Amazon
    world.sandbox.close()
    world = build(tmp_path / "ro", read_only=True)
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        world.app.navigator.open_details(unshipped_mfn(world.app))
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(world.app.screen, OrderDetailsScreen)
    world.sandbox.close()
