"""Marks on Recent Orders, All Amazon Orders and Attention, and the bulk cancel: one feed per store."""

from __future__ import annotations

from amazon_tui.tui.screens.attention import AttentionScreen
from amazon_tui.tui.screens.cancel_modal import CancelModal
from amazon_tui.tui.screens.dashboard import DashboardScreen
from tests.support.pilot import open_all_orders, settle, text_through_scrolling, visible_text


def amazon_status(sandbox, order_id: str) -> str:
    return sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"]


async def _until_canceled(pilot, world, order_ids) -> None:
    for _ in range(300):
        if all(amazon_status(world.sandbox, order_id) == "CANCELLED" for order_id in order_ids):
            return
        await pilot.pause(0.02)


async def test_a_mornings_late_orders_leave_from_attention_in_one_confirmed_feed(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AttentionScreen)
        wanted = [s.order_id for s in screen.table.rows_shown if s.store == "Acme US" and s.cancelable_hint]
        assert len(wanted) >= 2, "the sandbox's queue needs two cancelable Acme US orders"
        for index, summary in enumerate(screen.table.rows_shown):
            if summary.order_id in wanted:
                screen.table.move_cursor(row=index)
                await pilot.press("space")
        text = visible_text(app)
        assert screen.table.marked == set(wanted)
        assert f"{len(wanted)} marked" in text and "[x]" in text and "[ ]" in text
        await pilot.press("c")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CancelModal) and modal.order_ids == sorted(wanted)
        assert f"Amazon Order Numbers ({len(wanted)})" in visible_text(app), (
            "the count is on the first screen"
        )
        modal_text = await text_through_scrolling(pilot, modal.query_one("#cancel-body"))
        assert all(order_id in modal_text for order_id in wanted), "every order is listed (below the reasons)"
        assert world.sandbox.count("createFeed") == 0, "nothing is sent before Confirm"
        await pilot.press("2", "enter")  # No Inventory, Confirm
        await _until_canceled(pilot, world, wanted)
        await settle(pilot)
        assert world.sandbox.count("createFeed") == 1
        assert all(amazon_status(world.sandbox, order_id) == "CANCELLED" for order_id in wanted)
        assert not screen.table.marked and "marked" not in visible_text(app)


async def test_mark_all_across_stores_sends_one_feed_per_store_and_the_modal_groups_them(world):
    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.navigator.open_attention()
        await settle(pilot)
        screen = app.screen
        await pilot.press("asterisk")
        marked = sorted(screen.table.marked)
        expected = {s.order_id for s in screen.table.rows_shown if s.cancelable_hint}
        assert (
            set(marked) == expected
            and len({s.store for s in screen.table.rows_shown if s.order_id in expected}) > 1
        )
        await pilot.press("c")
        await pilot.pause()
        stores = {world.service.order_summary(order_id).store for order_id in marked}
        text = visible_text(app)
        assert f"{len(stores)} stores: one feed to Amazon for each." in text
        await pilot.press("escape", "u")  # Back keeps the marks; u clears them
        await pilot.pause()
        assert not screen.table.marked and "[x]" not in visible_text(app)
    assert world.sandbox.count("createFeed") == 0


async def test_recent_orders_mark_toggle_and_refuse_what_cannot_be_canceled(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        rows = screen.table.rows_shown
        first = next(i for i, s in enumerate(rows) if s.cancelable_hint)
        blocked = next(i for i, s in enumerate(rows) if not s.cancelable_hint)
        screen.table.move_cursor(row=blocked)
        await pilot.press("space")
        assert not screen.table.marked, "a shipped or pending order cannot be marked"
        screen.table.move_cursor(row=first)
        await pilot.press("space")
        assert screen.table.cursor_row == first + 1, "space moves to the next row"
        assert "Recent Orders  1 marked (c: cancel it)" in visible_text(app)
        screen.table.move_cursor(row=first)
        await pilot.press("space")
        assert not screen.table.marked and "(a: All Orders)" in visible_text(app)


async def test_mark_all_on_all_orders_takes_every_page_the_filters_match(tmp_path):
    from tests.support.world import build

    world = build(tmp_path, orders_per_store=150)
    app = world.app
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_all_orders(pilot)
            assert screen.pages == 2
            await pilot.press("asterisk")
            every = world.service.orders(screen.query_state, limit=1000)
            assert screen.table.marked == {s.order_id for s in every if s.cancelable_hint}
            assert f"{len(screen.table.marked)} marked" in visible_text(app)
    finally:
        world.sandbox.close()
