"""Keys typed ahead (over SSH they arrive in bursts): applied in order, each to the screen that
exists when it is read, however long the screen before it took to open or load (issue 31)."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.app import _character_to_key  # the names Textual gives "/" and the like
from textual.keys import _get_unicode_name_from_key
from textual.widgets import TabbedContent

from amazon_tui.domain.models import OrderQuery
from amazon_tui.domain.values import CancelReason, OrderStatus
from amazon_tui.tui.screens.all_orders import AllOrdersScreen
from amazon_tui.tui.screens.attention import AttentionScreen
from amazon_tui.tui.screens.dashboard import DashboardScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from tests.support.pilot import plain, settle, visible_text


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


async def test_an_enter_typed_before_the_app_took_the_terminal_is_an_enter(world):
    """Typed while the tty was still in line mode, Enter's CR became LF: it reads as ctrl+j."""
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "l", "ctrl+j")
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


async def test_every_card_says_due_soon_at_80_columns(world):
    """One wording for the due counts on every card ("14 due" on one, "10 due soon" on another)."""
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        states = [card.lines["state"].plain for card in app.screen.cards if "-inactive" not in card.classes]
        assert states and all(" due soon" in state for state in states), states


async def test_an_inactive_stores_dashboard_offers_no_order_keys(world):
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        inactive = next(card.store for card in app.screen.cards if "-inactive" in card.classes)
        app.navigator.open_store(inactive)
        await settle(pilot)
        footer = visible_text(app).splitlines()[-1]
        assert "Details" not in footer and "Cancel" not in footer, footer
        burst(app, "o", "c", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.screen.store == inactive


async def test_e_opens_the_whole_cause_of_the_error_line(world, instant_retries):
    """The error line cuts the cause at 80 columns; `e` shows all of it, Amazon's request id, when
    and what to do, from the typed error."""
    from amazon_tui.tui.screens.cause import CauseScreen
    from amazon_tui.tui.widgets.error_line import ErrorLine

    app = world.app
    await world.service.sync()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_details(app.service.recent_orders("Acme US")[0].order_id)
        await settle(pilot)
        world.sandbox.inject_fault("getOrder", "503")
        await pilot.press("r")
        await settle(pilot)
        line = app.screen.query_one(ErrorLine)
        assert "e: cause — press r to retry" in line.render().plain
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CauseScreen)
        cause = app.screen.cause
        shown = plain(app.screen.query_one("#cause-fields"))
        assert cause.service == "Amazon" and cause.status == 503 and cause.code == "ServiceUnavailable"
        assert cause.message in shown and "retry in a while" in cause.advice and cause.advice in shown
        assert cause.request_id and cause.request_id in shown
        assert "When" in shown and "2026-11-20" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CauseScreen)
    world.sandbox.clear_faults()


async def test_no_cancellation_here_shows_once_on_the_details_tab(world):
    """The banner is on the tab it is about (c from another tab shows that tab), not on every tab,
    and is not told again in a toast."""
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shipped = app.service.orders(
            OrderQuery(stores=("Acme US",), statuses=(OrderStatus.SHIPPED,)), limit=1
        )
        app.navigator.open_details(shipped[0].order_id)
        await settle(pilot)
        burst(app, "2", "c")
        await settle(pilot)
        tabs = app.screen.query_one(TabbedContent)
        notice = app.screen.query_one("#notice")
        assert tabs.active == "tab-details" and notice.display and "No cancellation here" in plain(notice)
        assert not any("No cancellation here" in str(toast.message) for toast in app._notifications)
        burst(app, "2")
        await settle(pilot)
        assert "No cancellation here" not in visible_text(app)


async def test_the_bulk_dialog_lists_the_order_numbers_on_several_lines_at_80x24(world):
    from amazon_tui.tui.screens.cancel_modal import CancelModal

    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = app.service.orders(
            OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=1000
        )
        order_ids = [row.order_id for row in rows]
        assert len(order_ids) > 8
        app.push_screen(CancelModal(order_ids))
        await settle(pilot)
        shown = visible_text(app)
        in_view = [order_id for order_id in order_ids if order_id in shown]
        assert len(in_view) >= 6 and order_ids[0] in shown
        lines_with_numbers = [line for line in shown.splitlines() if any(o in line for o in order_ids)]
        assert len(lines_with_numbers) >= 3
        burst(app, "ctrl+d")
        await settle(pilot)
        assert order_ids[-1] in visible_text(app) and app.screen.reason is None  # scrolled, nothing chosen
        burst(app, "enter")  # the first reason, under the cursor from the start
        await settle(pilot)
        assert app.screen.reason is CancelReason.NO_INVENTORY and app.screen.focused.id == "confirm"


async def test_e_on_a_sync_failure_reads_the_typed_error(world, instant_retries):
    """The sync failure this process met keeps its typed error: `e` shows Amazon's request id and
    the advice for a server error, not only the text."""
    from amazon_tui.tui.screens.cause import CauseScreen

    app = world.app
    await world.service.sync()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        world.sandbox.inject_fault("searchOrders", "503")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CauseScreen)
        cause = app.screen.cause
        assert cause.operation == "searchOrders" and cause.status == 503 and cause.request_id
        assert cause.what.startswith("Sync of Acme US") and "retry in a while" in cause.advice
    world.sandbox.clear_faults()


async def test_a_paste_after_slash_goes_into_the_filter(world):
    """A paste keeps its place among the keys: after "/" it lands in the filter, not the list."""
    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.navigator.open_all_orders("Acme US")
        await settle(pilot)
        screen = app.screen
        burst(app, "/")
        paste = events.Paste("Ren")
        paste.set_sender(app)
        app._driver.send_message(paste)
        burst(app, "enter")
        await settle(pilot)
        assert screen.query_state.quick == "Ren" and app.focused is screen.table


def test_the_quick_filter_rule():
    from amazon_tui.tui.widgets.row_filter import matches

    stores = ("Acme US", "Acme UK", "Acme CA", "Acme DE")
    order = "114-6122420-1716754"
    assert matches("uk", ["Acme UK", order], store="Acme UK", stores=stores)
    assert matches("1716754", ["Acme US", order], store="Acme US", stores=stores)
    assert matches("ren", ["Acme US", "René Descartes"], store="Acme US", stores=stores)
    assert not matches("ancel", ["Acme US", "Buyer cancel"], store="Acme US", stores=stores)
    assert not matches("acme ca", ["Acme US", "Buyer cancel"], store="Acme US", stores=stores)
    assert matches("acme ca late", ["Acme CA", "Late"], store="Acme CA", stores=stores)
    assert matches("ca", ["Acme US", "Buyer cancel"], store="Acme US", stores=stores)
    assert matches("", ["anything"], store="Acme US", stores=stores)


async def test_e_in_cancel_orders_failure_shows_the_whole_cause(world, instant_retries):
    from amazon_tui.tui.screens.cancel_modal import CancelModal
    from amazon_tui.tui.screens.cause import CauseScreen

    app = world.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = app.service.orders(
            OrderQuery(stores=("Acme US",), statuses=(OrderStatus.UNSHIPPED,)), limit=60
        )
        order_id = next(
            r.order_id for r in rows if app.service.cached_order(r.order_id).is_merchant_fulfilled
        )
        app.navigator.open_details(order_id)
        await settle(pilot)
        world.sandbox.inject_fault("createFeedDocument", "503")
        burst(app, "c", "enter", "enter")  # the first reason, Confirm
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, CancelModal) and modal.failure
        burst(app, "e")
        await settle(pilot)
        assert isinstance(app.screen, CauseScreen)
        cause = app.screen.cause  # journaled as text by the cancellation: shown whole
        assert "Amazon createFeedDocument failed: 503" in cause.message and "(request " in cause.message
        assert cause.message in " ".join(plain(app.screen.query_one("#cause-fields")).split())
        burst(app, "escape")
        await settle(pilot)
        assert app.screen is modal
    world.sandbox.clear_faults()
    assert world.sandbox.count("createFeed") == 0
