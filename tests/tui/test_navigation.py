"""The documented ASC path, keyboard only, against the in-process sandbox."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import TabbedContent

from amazon_tui.domain.values import OrderStatus
from amazon_tui.tui.screens.all_orders import AllOrdersScreen
from amazon_tui.tui.screens.dashboard import DashboardScreen
from amazon_tui.tui.screens.help import HelpScreen
from amazon_tui.tui.screens.magento_order import MagentoOrderScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from amazon_tui.tui.screens.stores import StoresScreen
from amazon_tui.tui.widgets.records import Records
from tests.support.pilot import (
    cancelable_with_magento,
    open_all_orders,
    plain,
    recent_index,
    screen_text,
    settle,
)


async def test_cards_show_every_store_after_the_startup_sync(world):
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(world.app.screen, StoresScreen)
        text = screen_text(world.app)
        assert "Main Website" in text and "● Active" in text and "● Inactive" in text
        assert "GMV (30 day) USD" in text and "awaiting shipment" in text
        assert world.app.screen.focused.store == "Acme US"
        await pilot.press("l")
        assert world.app.screen.focused.store == "Acme UK"
        await pilot.press("j")
        assert world.app.screen.focused.store == "Acme DE"
        await pilot.press("h", "k")
        assert world.app.screen.focused.store == "Acme US"


async def test_documented_path_to_each_tab_and_back(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # View Store
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        row = recent_index(app, cancelable_with_magento(world.service))
        order_id = app.screen.query_one("#recent").rows_shown[row].order_id
        await pilot.press(*["j"] * row, "enter")  # Recent Orders -> the Magento order view
        await settle(pilot)
        assert isinstance(app.screen, MagentoOrderScreen)
        text = screen_text(app)
        assert "Amazon Channel Payment" in text and f"Amazon Order Number: {order_id}" in text
        assert "The order was placed using USD." in text
        await pilot.press("enter")  # View or Cancel Amazon Order (focused)
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen)
        raw = world.sandbox.get_order_raw(order_id)
        details = plain(app.screen.query_one("#order-section"))
        assert order_id in details and "● Unshipped" in details
        total = Decimal(raw["proceeds"]["grandTotal"]["amount"])
        assert f"USD {total:,.2f}" in details
        assert "Cancel Order" in screen_text(app) or app.screen.query_one("#cancel").display
        tabs = app.screen.query_one(TabbedContent)
        await pilot.press("2")
        assert tabs.active == "tab-items"
        items = app.screen.query_one("#items", Records)
        assert len(items.rows) == len(raw["orderItems"])
        titles = {row[0].plain for row in items.rows}
        assert titles == {item["product"]["title"] for item in raw["orderItems"]}
        await pilot.press("3")
        assert tabs.active == "tab-tracking"
        await pilot.press("1")
        assert tabs.active == "tab-details"
        await pilot.press("escape")
        assert isinstance(app.screen, MagentoOrderScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, StoresScreen)


async def test_o_opens_amazon_details_directly_and_a_all_orders(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        first = app.screen.query_one("#recent").rows_shown[0].order_id
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen) and app.screen.order_id == first
        await pilot.press("escape", "a")
        await settle(pilot)
        assert isinstance(app.screen, AllOrdersScreen)
        assert "page 1 of 1 · 60 orders" in plain(app.screen.query_one("#pager"))


async def test_pending_order_has_no_magento_order_and_opens_details(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        row = recent_index(app, lambda s: s.status is OrderStatus.PENDING)
        await pilot.press(*["j"] * row, "enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen)


async def test_help_lists_the_keys_of_the_current_screen(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "All Orders" in text and "30/7 days" in text and "Commands" in text
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_sorting_covers_every_order_and_filters_make_chips(world):
    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_all_orders(pilot)
        await pilot.press("s")  # sort by Order Number, descending
        numbers = [row.order_id for row in screen.table.rows_shown]
        assert numbers == sorted(numbers, reverse=True)
        await pilot.press("S")
        assert screen.table.rows_shown[0].order_id == min(numbers)
        await pilot.press("slash", *"Kenji")
        await settle(pilot)
        assert screen.total and all("Kenji" in (row.buyer_name or "") for row in screen.table.rows_shown)
        assert "/ Kenji" in screen_text(app) or screen.query_one("#chips").children
        await pilot.press("enter", "f")
        await settle(pilot)
        boxes = {box.name: box for box in screen.query("Checkbox")}
        boxes[OrderStatus.UNSHIPPED.value].value = True
        screen.query_one("#filter-form").apply()
        await settle(pilot)
        assert {row.status for row in screen.table.rows_shown} == {OrderStatus.UNSHIPPED}
        assert screen.query_state.quick == "Kenji"
        screen.post_message(type(screen.query_one("#chips")).Removed(None))
        await settle(pilot)
        assert screen.total == 60


async def test_keymap_from_config_remaps_a_binding(tmp_path):
    from tests.support.world import build

    world = build(tmp_path, keymap={"all-orders": "b"})
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(world.app.screen, AllOrdersScreen)
    world.sandbox.close()


async def test_without_magento_enter_opens_amazon_details(tmp_path):
    from tests.support.world import build

    world = build(tmp_path, magento=False)
    async with world.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(world.app.screen, OrderDetailsScreen)
    world.sandbox.close()


async def test_filter_form_shows_the_active_filters_and_its_buttons(tmp_path):
    from textual.widgets import Button, Checkbox, Input

    from amazon_tui.tui.widgets.filter_form import FilterForm
    from tests.support.world import build

    world = build(tmp_path)
    async with world.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        world.app.navigator.open_store("Acme US")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        form = pilot.app.screen.query_one(FilterForm)
        form.query_one("#f-buyer", Input).value = "zz-nobody"
        next(box for box in form.query(Checkbox) if box.name == "UNSHIPPED").value = True
        form.query_one("#apply", Button).press()
        await settle(pilot)
        assert pilot.app.screen.query_one("#orders").rows_shown == []
        screen = pilot.app.screen
        assert screen.query_state.buyer_name == "zz-nobody"
        form.load(screen.query_state)  # the form shows the query it applied
        assert form.query_one("#f-buyer", Input).value == "zz-nobody"
        assert [box.name for box in form.query(Checkbox) if box.value] == ["UNSHIPPED"]
        form.query_one("#clear", Button).press()
        await settle(pilot)
        assert pilot.app.screen.query_one("#orders").rows_shown
    world.sandbox.close()


async def test_the_garbage_collector_paused_by_the_entry_point_resumes_after_the_first_paint(world):
    import gc

    gc.disable()  # as amazon_tui.cli.main does before the imports
    try:
        async with world.app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.enable()
        gc.unfreeze()


async def test_filter_form_is_built_on_first_f_and_escape_from_a_checkbox_only_closes_it(world):
    from textual.widgets import Checkbox

    from amazon_tui.tui.widgets.filter_form import FilterForm

    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_all_orders(pilot)
        assert not screen.query(FilterForm)  # not built until asked for
        await pilot.press("f")
        await settle(pilot)
        form = screen.query_one(FilterForm)
        assert form.display and isinstance(screen.focused, type(screen.query_one("#f-from")))
        form.query(Checkbox).first().focus()
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and not form.display and screen.focused is screen.table
        await pilot.press("f")
        await settle(pilot)
        assert form.display and len(screen.query(FilterForm)) == 1
