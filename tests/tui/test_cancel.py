"""Cancel Order from the TUI: refusals, the modal, exactly one feed, bulk, read-only, hostile text."""

from __future__ import annotations

import pytest

from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.tui.screens.cancel_modal import HINT, CancelModal
from amazon_tui.tui.screens.dashboard import DashboardScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.pilot import (
    cancelable_with_magento,
    open_all_orders,
    plain,
    recent_index,
    screen_text,
    settle,
)


def first_with(service, status: OrderStatus, store: str = "Acme US") -> str:
    from amazon_tui.domain.models import OrderQuery

    return service.orders(OrderQuery(stores=(store,), statuses=(status,)), limit=1)[0].order_id


def amazon_status(sandbox, order_id: str) -> str:
    return sandbox.get_order_raw(order_id)["fulfillment"]["fulfillmentStatus"]


async def test_c_on_shipped_pending_partially_shipped_explains_seller_central(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for status in (OrderStatus.SHIPPED, OrderStatus.PENDING, OrderStatus.PARTIALLY_SHIPPED):
            order_id = first_with(world.service, status)
            app.navigator.open_details(order_id)
            await settle(pilot)
            assert not app.screen.query_one("#cancel").display
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, OrderDetailsScreen), status
            notice = plain(app.screen.query_one("#notice"))
            assert (
                "Seller Central" in notice
                and f"sellercentral.amazon.com/orders-v3/order/{order_id}" in notice
            )
            await pilot.press("escape")
    assert world.sandbox.count("createFeed") == 0


async def test_full_cancel_path_with_the_keyboard_sends_one_feed(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # View Store
        await settle(pilot)
        row = recent_index(app, cancelable_with_magento(world.service))
        order_id = app.screen.query_one("#recent").rows_shown[row].order_id
        await pilot.press(*["j"] * row, "enter")  # the Magento order view
        await settle(pilot)
        await pilot.press("enter")  # View or Cancel Amazon Order
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CancelModal)
        assert HINT in screen_text(app) and order_id in screen_text(app)
        assert modal.query_one("#confirm").disabled  # no reason yet: Confirm impossible
        assert modal.reason is None and modal.query_one("#reasons").highlighted == 0  # a visible cursor
        await pilot.press("down")  # the arrows choose
        assert modal.reason is list(CancelReason)[1] and not modal.query_one("#confirm").disabled
        await pilot.press("up", "enter")  # Enter chooses the reason under the cursor, focus to Confirm
        assert modal.reason is CancelReason.NO_INVENTORY and modal.focused.id == "confirm"
        await pilot.press("enter", "enter")  # Confirm, twice
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen)
        await settle(pilot)
        summary = world.service.order_summary(order_id)
        assert summary.status is OrderStatus.CANCELLED and summary.notes == "Status updated to canceled."
        assert "● Canceled" in plain(app.screen.query_one("#order-section"))
        assert not app.screen.query_one("#cancel").display
        await pilot.press("c")  # again: refused, no second feed
        await settle(pilot)
        assert not isinstance(app.screen, CancelModal)
    assert amazon_status(world.sandbox, order_id) == "CANCELLED"
    assert world.sandbox.count("createFeed") == 1


async def test_escape_backs_out_with_nothing_sent(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = first_with(world.service, OrderStatus.UNSHIPPED)
        app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("c", "down", "enter", "escape")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen)
    assert world.sandbox.count("createFeed") == 0 and world.sandbox.count("createFeedDocument") == 0


@pytest.mark.parametrize("copy", ["fresh", "older than the freshness window"])
async def test_shipped_between_opening_and_confirming_is_refused(world, copy):
    """Past the freshness window Confirm fetches the order again and refuses before the journal;
    within it the engine's own getOrder check refuses before anything is sent."""
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = first_with(world.service, OrderStatus.UNSHIPPED)
        app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("c", "down", "enter")
        world.sandbox.ship_order(order_id)  # shipped at Amazon while the dialog was open
        if copy != "fresh":
            world.clock.advance(world.service.settings.config.ui.freshness_seconds + 1)
        await pilot.press("enter")
        await settle(pilot)
        assert world.service.order_summary(order_id).status is OrderStatus.SHIPPED
        if copy != "fresh":
            assert world.service.journal.all() == [], "refused before anything was journaled"
    assert world.sandbox.count("createFeed") == 0


async def test_bulk_cancel_marks_unshipped_orders_and_sends_one_feed(world):
    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_all_orders(pilot)
        marked = []
        for index, summary in enumerate(screen.table.rows_shown):
            order = world.service.cached_order(summary.order_id)
            if order.cancelable and len(marked) < 3:
                screen.table.move_cursor(row=index)
                await pilot.press("space")
                marked.append(summary.order_id)
        shipped = next(i for i, s in enumerate(screen.table.rows_shown) if s.status is OrderStatus.SHIPPED)
        screen.table.move_cursor(row=shipped)
        await pilot.press("space")  # refused: not Unshipped
        assert screen.table.marked == set(marked)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CancelModal) and app.screen.order_ids == sorted(marked)
        await pilot.press("down", "down", "enter", "enter")
        await settle(pilot)
        await settle(pilot)
    assert world.sandbox.count("createFeed") == 1
    assert all(amazon_status(world.sandbox, order_id) == "CANCELLED" for order_id in marked)


async def test_read_only_removes_cancel_everywhere(tmp_path):
    from tests.support.world import build

    world = build(tmp_path, read_only=True)
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in str(app.screen.query_one("Breadcrumb").render())
        app.navigator.open_details(first_with(world.service, OrderStatus.UNSHIPPED))
        await settle(pilot)
        assert not app.screen.query_one("#cancel").display
        await pilot.press("c")
        await settle(pilot)
        assert "read-only" in plain(app.screen.query_one("#notice"))
        assert not isinstance(app.screen, CancelModal)
    assert world.sandbox.count("createFeed") == 0
    world.sandbox.close()


HOSTILE = "[bold]x[/] [@click=app.quit]y\x1b[2J"


async def test_hostile_text_is_rendered_literally(world):
    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        service = world.service
        order_id = first_with(service, OrderStatus.UNSHIPPED)
        order = service.cached_order(order_id)
        service.repo.upsert(
            [order.model_copy(update={"buyer_name": HOSTILE, "notes": HOSTILE})],
            now=world.clock(),
            detail=True,
        )
        app.navigator.open_store("Acme US")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one("#recent")
        shown = str(table.get_cell(order_id, "buyer_name")).rstrip(" …")
        assert len(shown) >= 8 and "[bold]x[/] [@click=app.quit]y\\x1b[2J".startswith(
            shown
        )  # literal (the escape shown as the CLI shows it), cut with an ellipsis
        app.navigator.open_details(order_id)
        await settle(pilot)
        details = plain(app.screen.query_one("#order-section"))
        assert "[bold]x[/] [@click=app.quit]y\\x1b[2J" in details and "\x1b" not in details
        await pilot.click("#order-section")
        assert app.is_running


async def test_read_only_holds_even_for_a_modal_opened_around_the_checks(tmp_path):
    """An entry point that forgets to check still cannot cancel: the service refuses."""
    from tests.support.world import build

    world = build(tmp_path, read_only=True)
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = first_with(world.service, OrderStatus.UNSHIPPED)
        app.cancellation.ask([order_id])
        await settle(pilot)
        assert not isinstance(app.screen, CancelModal)
        modal = CancelModal([order_id])
        app.push_screen(modal)  # as a careless new command would
        await pilot.pause()
        await pilot.press("down", "enter", "enter")
        await settle(pilot)
        assert "read-only" in modal.failure and app.screen is modal
        await pilot.press("escape")
    assert world.service.journal.all() == [] and world.sandbox.count("createFeed") == 0
    world.sandbox.close()


async def test_a_reason_key_chooses_and_only_confirm_sends(world):
    from amazon_tui.domain.values import CancelReason

    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = first_with(world.service, OrderStatus.UNSHIPPED)
        app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, CancelModal)
        await pilot.press("0", "4")  # the tenth reason, then the fourth: the last key wins
        await pilot.pause()
        assert modal.reason is CancelReason.BUYER_CANCELED and modal.focused.id == "confirm"
        assert world.service.cancellation(order_id) is None and world.sandbox.count("createFeed") == 0
        await pilot.press("enter")  # Confirm
        await settle(pilot)
    assert world.service.cancellation(order_id).reason is CancelReason.BUYER_CANCELED
    assert world.sandbox.count("createFeed") == 1
