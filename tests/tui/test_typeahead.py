"""Keys typed ahead (over SSH they arrive in bursts): applied in order, each to the screen that
exists when it is read, however long the screen before it took to open or load (issue 31)."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.app import _character_to_key  # the names Textual gives "/" and the like
from textual.keys import _get_unicode_name_from_key
from textual.widgets import TabbedContent

from amazon_tui.tui.screens.all_orders import AllOrdersScreen
from amazon_tui.tui.screens.attention import AttentionScreen
from amazon_tui.tui.screens.dashboard import DashboardScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.pilot import settle


def burst(app, *keys: str) -> None:
    """Send ``keys`` as the driver delivers a burst: all queued at once, no wait between."""
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            character = unicodedata.lookup(_get_unicode_name_from_key(key))
        except KeyError:
            character = key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


def opened(app) -> str | None:
    """The order the screen on top shows (the Magento view or Amazon Order Details)."""
    return getattr(app.screen, "order_id", None)


async def test_enter_enter_on_the_cards_opens_the_first_recent_order(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        store = app.screen.cards[0].store
        burst(app, "enter", "enter")
        await settle(pilot)
        assert opened(app) == app.service.recent_orders(store)[0].order_id
        assert isinstance(app.screen_stack[-2], DashboardScreen)


async def test_a_fresh_start_applies_l_before_enter(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "l", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.store == app.screen_stack[0].cards[1].store


async def test_j_j_j_o_2_opens_the_fourth_order_on_its_second_tab(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        store = app.screen.cards[0].store
        burst(app, "enter", "j", "j", "j", "o", "2")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailsScreen)
        assert opened(app) == app.service.recent_orders(store)[3].order_id
        assert app.screen.query_one(TabbedContent).active == "tab-items"


async def test_a_quick_filter_then_motion_then_open_in_all_orders(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_all_orders("Acme US")
        await settle(pilot)
        screen = app.screen
        burst(app, "/", "R", "e", "n", "enter", "j", "o")
        await settle(pilot)
        assert screen.query_state.quick == "Ren"
        matches = app.service.orders(screen.query_state, limit=100)
        assert len(matches) >= 2
        assert isinstance(app.screen, OrderDetailsScreen)
        assert opened(app) == matches[1].order_id
        assert isinstance(app.screen_stack[-2], AllOrdersScreen)


async def test_a_filter_then_motion_then_open_in_attention(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_attention()
        await settle(pilot)
        screen = app.screen
        burst(app, "/", "U", "K", "enter", "j", "enter")
        await settle(pilot)
        assert screen.row_filter.value == "UK"
        shown = list(screen.table.items)
        assert len(shown) >= 2
        assert isinstance(app.screen, OrderDetailsScreen)
        assert opened(app) == shown[1]
        assert isinstance(app.screen_stack[-2], AttentionScreen)


async def test_escape_clears_the_quick_filter_of_all_orders(world):
    """As in Attention and the Audit log (and as README says): Escape in the filter clears it."""
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_all_orders("Acme US")
        await settle(pilot)
        screen = app.screen
        everything = screen.total
        burst(app, "/", "R", "e", "n")
        await settle(pilot)
        assert screen.query_state.quick == "Ren" and screen.total < everything
        burst(app, "escape")
        await settle(pilot)
        quick = screen.query_one("#quick")
        assert app.screen is screen and app.focused is screen.table
        assert quick.value == "" and not quick.display
        assert screen.query_state.quick is None and screen.total == everything


async def test_attentions_filter_acme_ca_names_the_store_not_cancel(world):
    """Two words that begin a store's name name that store; a word alone starts any field's word."""
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_attention()
        await settle(pilot)
        screen = app.screen
        burst(app, "/", *"acme ca", "enter")
        await settle(pilot)
        stores = {item.order.store for item in screen.table.items.values()}
        assert stores == {"Acme CA"}
        burst(app, "/", *["backspace"] * 7, "c", "a")  # "ca" alone: Acme CA's orders and the buyers' requests
        await settle(pilot)
        kinds = {(item.order.store == "Acme CA", item.label) for item in screen.table.items.values()}
        assert any(not in_ca for in_ca, _ in kinds) and any(in_ca for in_ca, _ in kinds)
