"""The keys every k9s or lazygit user expects: the palette on ctrl+p, motion in every scroll view."""

from __future__ import annotations

import io

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import TabbedContent

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import OrderStatus
from amazon_tui.tui.screens.cancel_modal import CancelModal
from tests.support.pilot import palette_hits, settle, visible_text


def _unshipped(app) -> str:
    rows = app.service.orders(OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=60)
    return next(
        r.order_id
        for r in rows
        if app.service.magento_link(r.order_id) and app.service.cached_order(r.order_id).is_merchant_fulfilled
    )


SCREENS = {
    "stores": lambda app: None,
    "dashboard": lambda app: app.navigator.open_store("Acme US"),
    "all_orders": lambda app: app.navigator.open_all_orders("Acme US"),
    "magento": lambda app: app.navigator.open_order(_unshipped(app)),
    "details": lambda app: app.navigator.open_details(_unshipped(app)),
    "attention": lambda app: app.navigator.open_attention(),
    "audit": lambda app: app.navigator.open_audit(),
}


@pytest.mark.parametrize("key", ["ctrl+p", "colon"])
async def test_the_palette_opens_on_every_screen(world, key):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for name, open_screen in SCREENS.items():
            open_screen(app)
            await settle(pilot)
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette), f"{key} on {name}"
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, CommandPalette)


async def test_motion_keys_scroll_the_details_and_the_magento_view_and_h_l_switch_tabs(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        order_id = _unshipped(app)
        for open_view, selector in (
            (app.navigator.open_details, "#details-scroll"),
            (app.navigator.open_order, "#magento"),
        ):
            open_view(order_id)
            await settle(pilot)
            view = app.screen.query_one(selector)
            view.focus()
            view.scroll_home(animate=False)  # the Magento view starts scrolled to its focused button
            await pilot.pause()
            assert view.max_scroll_y > 2, "the view must be taller than the terminal for this test"
            await pilot.press("j", "j")
            assert view.scroll_y == 2
            await pilot.press("k")
            assert view.scroll_y == 1
            await pilot.press("G")
            assert view.scroll_y == view.max_scroll_y
            await pilot.press("g")
            assert view.scroll_y == 0
            await pilot.press("ctrl+d")
            assert view.scroll_y > 2
            await pilot.press("ctrl+u")
            assert view.scroll_y == 0
        app.navigator.open_details(order_id)
        await settle(pilot)
        tabs = app.screen.query_one(TabbedContent)
        for key, tab in (
            ("l", "tab-items"),
            ("right", "tab-tracking"),
            ("l", "tab-details"),
            ("h", "tab-tracking"),
            ("left", "tab-items"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab, key


def _footer(app) -> str:
    return visible_text(app).splitlines()[-1]


def _order(app, status: OrderStatus) -> str:
    rows = app.service.orders(OrderQuery(stores=("Acme US",), statuses=(status,)), limit=60)
    return next(r.order_id for r in rows if app.service.cached_order(r.order_id).is_merchant_fulfilled)


async def test_the_details_footer_offers_cancel_order_only_when_it_can_be_done(world):
    app = world.app
    world.sandbox.feed_delay_seconds = 3600 * world.sandbox.time_scale  # Amazon keeps the feed in progress
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        offered = {}
        for status in (OrderStatus.UNSHIPPED, OrderStatus.SHIPPED, OrderStatus.PENDING):
            app.navigator.open_details(_order(app, status))
            await settle(pilot)
            offered[status] = "Cancel Order" in _footer(app)
        assert offered == {
            OrderStatus.UNSHIPPED: True,
            OrderStatus.SHIPPED: False,
            OrderStatus.PENDING: False,
        }

        await pilot.press("c")  # not offered on a Pending order: c says where to cancel instead
        await pilot.pause()
        notice = app.screen.query_one("#notice")
        assert notice.display and "Seller Central" in str(notice.render())

        order_id = _unshipped(app)
        app.navigator.open_details(order_id)
        await settle(pilot)
        await pilot.press("c", "down", "enter", "enter")  # No Inventory, confirmed
        for _ in range(200):
            if not app.screen.is_modal and app.service.cancellation(order_id) is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert app.screen.order_id == order_id and "Canceling…" in visible_text(app)
        assert "Cancel Order" not in _footer(app), "a cancellation under way is not offered again"


async def test_a_read_only_session_offers_no_cancel_key_anywhere(tmp_path):
    from tests.support.world import build

    world = build(tmp_path, read_only=True)
    app = world.app
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for open_screen in (
                lambda: app.navigator.open_details(_unshipped(app)),
                lambda: app.navigator.open_all_orders("Acme US"),
                app.navigator.open_attention,
            ):
                open_screen()
                await settle(pilot)
                footer = _footer(app)
                assert "c Cancel" not in footer, footer
    finally:
        world.sandbox.close()


async def test_status_filters_read_checked_or_not_without_colour(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_all_orders("Acme US")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("TickBox").focus()
        await pilot.press("space")
        await pilot.pause()
        text = visible_text(app)
        assert "[x] Error" in text and "[ ] Pending" in text and "[ ] Shipped" in text


def _help_lines(app) -> list[str]:
    """The help's key table as plain lines (wide enough that no row wraps)."""
    from rich.console import Console

    console = Console(width=160, color_system=None, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#help-keys").content)
    return console.export_text().splitlines()


def _declared_ids(app) -> dict[str, str]:
    """Binding id -> its first key, from the classes' BINDINGS of the screen, the focused view and the app."""
    nodes = [app.screen, *(app.screen.focused.ancestors_with_self if app.screen.focused else []), app]
    declared: dict[str, str] = {}
    for node in nodes:
        for cls in type(node).__mro__:
            for binding in vars(cls).get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id and binding.description:
                    declared.setdefault(binding.id, binding.key.split(",")[0])
    return declared


@pytest.mark.parametrize("name", list(SCREENS))
async def test_help_lists_every_binding_id_with_its_current_key(world, name):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        SCREENS[name](app)
        await settle(pilot)
        declared = _declared_ids(app)
        assert declared
        await pilot.press("question_mark")
        await pilot.pause()
        lines = _help_lines(app)
        for binding_id, key in declared.items():
            line = next((line for line in lines if line.rstrip().endswith(f" {binding_id}")), None)
            assert line is not None, f"{binding_id} missing from the help of {name}"
            shown = app.get_key_display(Binding(key, ""))
            assert line.lstrip().split()[0:3].count(shown) or line.lstrip().startswith(shown), (
                binding_id,
                shown,
                line,
            )


async def test_a_remapped_cancel_key_moves_in_help_footer_and_action(tmp_path):
    from tests.support.world import build

    world = build(tmp_path, keymap={"cancel-order": "x"})
    app = world.app
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.navigator.open_details(_unshipped(app))
            await settle(pilot)
            assert "x Cancel Order" in _footer(app) and "c Cancel" not in _footer(app)
            await pilot.press("question_mark")
            await pilot.pause()
            line = next(line for line in _help_lines(app) if line.rstrip().endswith(" cancel-order"))
            assert line.split()[0] == "x" and "Cancel Order" in line
            await pilot.press("escape", "c")
            await pilot.pause()
            assert not isinstance(app.screen, CancelModal), "c is not Cancel Order any more"
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(app.screen, CancelModal)
            await pilot.press("escape")
            app.navigator.open_details(_order(app, OrderStatus.SHIPPED))
            await settle(pilot)
            await pilot.press(
                "x"
            )  # not offered on a shipped order: the remapped key says where to cancel instead
            await pilot.pause()
            notice = app.screen.query_one("#notice")
            assert notice.display and "Seller Central" in str(notice.render())
    finally:
        world.sandbox.close()


async def test_details_show_the_buyers_request_and_lateness_and_m_goes_back_to_magento(world):
    from amazon_tui.domain.attention import BUYER_CANCEL, LATE
    from amazon_tui.tui.screens.magento_order import MagentoOrderScreen
    from amazon_tui.tui.screens.order_details import OrderDetailsScreen

    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = app.service.attention()
        request = next(
            item
            for item in queue
            if item.kind == BUYER_CANCEL and app.service.magento_link(item.order.order_id)
        )
        late = next(item for item in queue if item.kind == LATE)
        app.navigator.open_order(request.order.order_id)
        await settle(pilot)
        assert isinstance(app.screen, MagentoOrderScreen)
        await pilot.press("o")
        await settle(pilot)
        text = visible_text(app)
        reason = app.service.cached_order(request.order.order_id).buyer_cancellation_reason
        assert "Buyer asked to cancel (order updated" in text and f"\u201c{reason.split()[0]}" in text
        assert "m Magento" in _footer(app)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MagentoOrderScreen) and len(app.screen_stack) == 2, (
            "m went back, not deeper"
        )
        app.navigator.open_details(late.order.order_id)
        await settle(pilot)
        text = visible_text(app)
        assert "● Late: ship by" in text and "overdue" in text
        assert isinstance(app.screen, OrderDetailsScreen)
        pending = _order(app, OrderStatus.PENDING)  # Pending orders have no Magento order yet
        assert app.service.magento_link(pending) is None
        app.navigator.open_details(pending)
        await settle(pilot)
        assert "m Magento" not in _footer(app)
        assert "● Late" not in visible_text(app)


async def test_the_palette_finds_orders_by_prefix_stores_by_name_and_the_screens_actions(world):
    from textual.command import CommandInput

    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        order_id = _unshipped(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert "Order number" in app.screen.query_one(CommandInput).placeholder
        prompts = await palette_hits(pilot, order_id[:9])
        assert any(order_id in prompt for prompt in prompts), prompts
        magento = app.service.magento_link(order_id).increment_id
        assert any(order_id in prompt for prompt in await palette_hits(pilot, magento)), (
            "found by its Magento number too"
        )
        assert any("View Store: Acme UK" in prompt for prompt in await palette_hits(pilot, "acme uk"))
        await pilot.press("escape")

        app.navigator.open_details(order_id)
        await settle(pilot)
        assert "Cancel Order" in await palette_hits(pilot, "cancel order")
        await pilot.press("escape")
        app.navigator.open_details(_order(app, OrderStatus.SHIPPED))
        await settle(pilot)
        prompts = await palette_hits(pilot, "cancel order")
        assert "Cancel Order" not in prompts and "Why no Cancel Order" in prompts, (
            "on Shipped only the explanation is offered"
        )
        prompts = await palette_hits(pilot, "refresh")
        assert any("Refresh" in prompt for prompt in prompts)
        await pilot.press("enter")  # runs the screen's action: refreshes from Amazon
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)


async def test_filter_chips_are_picked_and_dropped_by_key(world):
    from amazon_tui.tui.widgets.filter_chips import FilterChips

    app = world.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.navigator.open_all_orders("Acme US")
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash", *"Kenji", "enter")
        screen.set_query(screen.query_state.model_copy(update={"statuses": (OrderStatus.UNSHIPPED,)}))
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        chips = screen.query_one(FilterChips)
        assert app.focused in chips.buttons and app.focused.name == "statuses"
        await pilot.press("l")
        assert app.focused.name == "quick"
        await pilot.press("x")  # drops the focused chip: the quick filter
        await settle(pilot)
        assert screen.query_state.quick is None and screen.query_state.statuses == (OrderStatus.UNSHIPPED,)
        assert app.focused.name == "statuses", "the chips keep the focus: the next filter's chip"
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is screen.table and screen.query_state.statuses, (
            "escape returns to the list and drops nothing"
        )
        await pilot.press("x", "x")  # the last filter goes: the empty chip row keeps the focus
        await settle(pilot)
        assert not screen.query_state.statuses and app.focused is chips
        await pilot.press("escape")  # one step: back to the list
        await pilot.pause()
        assert app.screen is screen and app.focused is screen.table
        await pilot.press("escape")  # the next one leaves
        await pilot.pause()
        assert app.screen is not screen


async def test_every_footer_keeps_help_and_the_palette_at_the_minimum_width(world):
    from amazon_tui.tui.widgets.error_line import MIN_HEIGHT, MIN_WIDTH

    app = world.app
    async with app.run_test(size=(MIN_WIDTH, MIN_HEIGHT)) as pilot:
        await settle(pilot)
        for name, open_screen in SCREENS.items():
            open_screen(app)
            await settle(pilot)
            footer = _footer(app)
            assert "? Help" in footer and "^p Commands" in footer, f"{name}: {footer}"


async def test_keys_typed_in_one_burst_follow_the_focus(world):
    """Keys that arrive in one burst (a fast typist over SSH, a paste): after "/" they type into
    the filter; "c" opened Cancel Order behind it before."""
    from textual import events

    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for open_screen, selector in (
            (app.navigator.open_attention, "#attention-filter"),
            (lambda: app.navigator.open_all_orders("Acme US"), "#quick"),
        ):
            open_screen()
            await settle(pilot)
            burst = (("slash", "/"), ("c", "c"), ("a", "a"))
            for key, character in burst:  # as the driver sends them, no wait between
                event = events.Key(key, character)
                event.set_sender(app)
                app._driver.send_message(event)
            await settle(pilot)
            assert not isinstance(app.screen, CancelModal)
            assert app.screen.query_one(selector).value == "ca"
            assert app.focused is app.screen.query_one(selector)


async def test_one_keymap_entry_moves_the_same_motion_in_tables_and_scroll_views(tmp_path):
    """``down = "n"`` remaps j in the order tables and in the details' scroll view alike."""
    from tests.support.world import build

    world = build(tmp_path, keymap={"down": "n"})
    app = world.app
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.navigator.open_store("Acme US")
            await settle(pilot)
            table = app.screen.table
            start = table.cursor_row
            await pilot.press("j")
            assert table.cursor_row == start, "j no longer moves: the keymap took it"
            await pilot.press("n")
            assert table.cursor_row == start + 1
            app.navigator.open_details(_unshipped(app))
            await settle(pilot)
            view = app.screen.query_one("#details-scroll")
            view.focus()
            await pilot.pause()
            await pilot.press("n")
            assert view.scroll_y == 1
    finally:
        world.sandbox.close()
