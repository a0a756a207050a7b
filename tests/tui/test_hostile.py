"""Hostile data from Amazon and Magento shown literally on every screen, never acted on.

The order's free-text fields (buyer, address, item titles, tracking; Magento names, items,
comments) carry Rich markup, ANSI/OSC escapes, C0/C1 controls, bidi overrides, emoji and
zero-width characters. The proof reads what the app would write to the terminal (the
compositor's full update) and the plain text of every Static.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from amazon_tui.domain.models import OrderQuery
from amazon_tui.sandbox.clock import iso
from amazon_tui.tui.screens.all_orders import AllOrdersScreen
from amazon_tui.tui.screens.attention import AttentionScreen
from amazon_tui.tui.screens.audit_log import AuditScreen
from amazon_tui.tui.screens.cancel_modal import CancelModal
from amazon_tui.tui.screens.dashboard import DashboardScreen
from amazon_tui.tui.screens.magento_order import MagentoOrderScreen
from amazon_tui.tui.screens.order_details import OrderDetailsScreen
from amazon_tui.tui.screens.stores import StoresScreen
from amazon_tui.tui.widgets.records import Records
from tests.support.hostile import (
    HOSTILE,
    LONG_TITLE,
    MARKUP,
    VISIBLE,
    make_hostile_amazon,
    make_hostile_magento,
    terminal_bytes,
    unshipped_mfn,
)
from tests.support.pilot import palette_hits, screen_text, settle
from tests.support.world import NOW, build


def _newest(world, order_id: str, seconds_ago: int = 60) -> None:
    """Make the order the newest of its store, so it heads Recent Orders."""
    doc = world.sandbox.db.amazon_order(order_id)
    doc["createdTime"] = iso(NOW - timedelta(seconds=seconds_ago))
    doc["lastUpdatedTime"] = iso(NOW - timedelta(seconds=seconds_ago))
    world.sandbox.db.save_amazon_order(doc)


def terminal_output(app) -> tuple[str, str]:
    """(what the app writes to the terminal for a full repaint, the plain text of its cells)."""
    compositor = app.screen._compositor
    text = "\n".join(strip.text for strip in compositor.render_strips())
    return compositor.render_full_update().render_segments(app.console), text


def assert_inert(app, expected_screen) -> str:
    """The screen is the expected one, the app runs, and nothing it writes acts on the terminal."""
    assert isinstance(app.screen, expected_screen), type(app.screen)
    assert app.is_running
    output, text = terminal_output(app)
    assert terminal_bytes(text) == [], "control characters in rendered cells"
    for sequence in ("\x1b[2J", "\x1b]52", "\x07", "\x9b", "\x1b[31mred"):
        assert sequence not in output
    assert app.clipboard == ""
    return text


@pytest.fixture
def hostile_world(tmp_path):
    world = build(tmp_path, orders_per_store=40)
    order_id = unshipped_mfn(world.sandbox, with_magento=True)[0]
    make_hostile_amazon(world.sandbox, order_id)
    make_hostile_magento(world.sandbox, order_id)
    _newest(world, order_id)
    yield world, order_id
    world.sandbox.close()


async def test_hostile_text_is_literal_on_every_screen_of_the_path(hostile_world):
    world, order_id = hostile_world
    app = world.app
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # View Store
        await settle(pilot)
        table = app.screen.query_one("#recent")
        assert table.rows_shown[0].order_id == order_id
        text = assert_inert(app, DashboardScreen)
        assert "[bold]B[/bold] [/]" in text  # the buyer's name column, literally

        await pilot.press("enter")  # the Magento order view
        await settle(pilot)
        text = assert_inert(app, MagentoOrderScreen)
        statics = screen_text(app)
        assert terminal_bytes(statics) == []
        for visible in VISIBLE:
            assert visible in statics, visible

        await pilot.press("enter")  # View or Cancel Amazon Order
        await settle(pilot)
        assert app.screen.order_id == order_id
        assert_inert(app, OrderDetailsScreen)
        statics = screen_text(app)
        assert terminal_bytes(statics) == []
        for visible in VISIBLE:
            assert visible in statics, visible
        for tab in ("2", "3", "1"):
            await pilot.press(tab)
            await pilot.pause()
            assert_inert(app, OrderDetailsScreen)
        items = app.screen.query_one("#items", Records)
        title = items.rows[0][0].plain
        assert title.startswith("[bold]B[/bold] [/] [link=x]x[/link] [@click=app.quit]Q[/]")
        assert terminal_bytes(title) == []

        await pilot.press("c")  # Cancel Order: the modal
        await settle(pilot)
        assert_inert(app, CancelModal)
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("a")  # All Amazon Orders
        await settle(pilot)
        text = assert_inert(app, AllOrdersScreen)
        assert "[bold]B[/bold] [/]" in text
    assert app.return_code in (None, 0)


async def test_a_10000_character_title_keeps_the_80x24_layout(tmp_path):
    world = build(tmp_path, orders_per_store=40)
    try:
        order_id = unshipped_mfn(world.sandbox, with_magento=True)[0]
        make_hostile_amazon(world.sandbox, order_id, "Zoë " + "N" * 9_996, title=LONG_TITLE)
        make_hostile_magento(world.sandbox, order_id, "M" * 10_000)
        _newest(world, order_id)
        app = world.app
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            for screen_type, key in (
                (DashboardScreen, None),
                (MagentoOrderScreen, "enter"),
                (OrderDetailsScreen, "enter"),
            ):
                if key:
                    await pilot.press(key)
                    await settle(pilot)
                _, text = terminal_output(app)
                lines = text.split("\n")
                assert isinstance(app.screen, screen_type)
                assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
            await pilot.press("2")
            await pilot.pause()
            _, text = terminal_output(app)
            assert "WWWW" in text  # the title column shows the start of the title
            footer = text.split("\n")[-1]
            assert footer.strip(), "the footer stays on screen"
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, CancelModal)
            _, text = terminal_output(app)
            assert "Reason For Cancellation" in text
    finally:
        world.sandbox.close()


async def test_hostile_store_error_on_a_card_is_inert(tmp_path):
    """A service's error text (its own message) shown on a store card stays inert."""
    world = build(tmp_path, orders_per_store=20, background=False)
    try:
        world.service.store_records.record_failure("Acme US", HOSTILE, "service")
        app = world.app
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.is_running
            output, text = terminal_output(app)
            assert "⚠ [bold]B[/bold]" in text  # shown literally on the card
            assert terminal_bytes(text) == []
            assert "\x1b]52" not in output and "\x1b[2J" not in output and "\x07" not in output
            assert app.clipboard == ""
    finally:
        world.sandbox.close()


async def test_a_store_name_with_markup_is_literal_on_its_card_and_dashboard(tmp_path):
    """The card's border title and the palette show the configured name as written: "[US]" is not a
    markup tag (it vanished), and "[link=...]" or "[/]" do not stop the app with a MarkupError."""
    name = "Acme [US] " + MARKUP
    world = build(tmp_path, orders_per_store=20, background=False, store_names={"Acme US": name})
    try:
        app = world.app
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert app.is_running
            output, text = terminal_output(app)
            assert "US · Acme [US] [bold]B[/bold]" in text
            assert terminal_bytes(text) == [] and "\x1b]52" not in output
            prompts = await palette_hits(pilot, "view store acme")  # the palette reads markup: not here
            assert f"View Store: {name}" in prompts, prompts
            await pilot.press("escape")
            app.navigator.open_store(name)
            await settle(pilot)
            text = assert_inert(app, DashboardScreen)
            assert "Acme [US] [bold]B[/bold]" in text
    finally:
        world.sandbox.close()


# Bidi overrides and isolates, zero-width characters and markup: what would reorder or hide text.
STORE = "Acme \u2067US\u2069 [b]"
BUYER = "[red]Eve[/red] \u202egnp.exe\u202c \u200b"
TITLE = "Mouse [@click=app.quit]Q[/] \u2066pad\u2069\u200f"
MAGENTO = "[b]Mallory[/b] \u202dxo\u202c\ufeff"
REASON = "\u202bchanged my mind\u202c \u2060[blink]now[/blink]"


def assert_escaped(app, expected_screen, *shown: str) -> str:
    """The screen's cells hold no control or format character (bidi, zero-width) and show each of
    ``shown`` (escaped forms, markup as written)."""
    assert isinstance(app.screen, expected_screen), type(app.screen)
    _, text = terminal_output(app)
    raw = {char for char in text if unicodedata.category(char) in ("Cc", "Cf") and char != "\n"}
    assert not raw, sorted(f"U+{ord(char):04X}" for char in raw)
    for part in shown:
        assert part in text, part
    return text


async def test_bidi_and_zero_width_characters_are_escaped_wherever_the_tui_shows_them(tmp_path):
    world = build(tmp_path, orders_per_store=40, store_names={"Acme US": STORE})
    try:
        sandbox = world.sandbox
        order_id = unshipped_mfn(sandbox, with_magento=True)[0]
        doc = sandbox.db.amazon_order(order_id)
        doc["buyer"]["buyerName"] = BUYER
        for item in doc["orderItems"]:
            item["product"]["title"] = TITLE
        sandbox.db.save_amazon_order(doc)
        magento = sandbox.magento_order_for(order_id)
        magento["customer_firstname"] = MAGENTO
        sandbox.db.save_magento_order(magento)
        sandbox.request_cancellation(order_id, REASON)
        _newest(world, order_id)
        app = world.app
        async with app.run_test(size=(200, 50), notifications=True) as pilot:
            await settle(pilot)
            assert_escaped(app, StoresScreen, "US · Acme \\u2067US\\u2069 [b]")
            await pilot.press("enter")  # View Store: header, breadcrumb, Recent Orders
            await settle(pilot)
            assert_escaped(app, DashboardScreen, "Acme \\u2067US\\u2069 [b]", "[red]Eve[/red] \\u202egnp")
            await pilot.press("enter")  # the Magento order view
            await settle(pilot)
            assert_escaped(app, MagentoOrderScreen, "[b]Mallory[/b] \\u202dxo\\u202c\\ufeff")
            await pilot.press("enter")  # Amazon Order Details: the buyer's name and request
            await settle(pilot)
            assert_escaped(
                app,
                OrderDetailsScreen,
                "[red]Eve[/red] \\u202egnp.exe\\u202c \\u200b",
                "\\u202bchanged my mind\\u202c \\u2060[blink]now[/blink]",
            )
            await pilot.press("2")  # Order Items
            await pilot.pause()
            assert_escaped(app, OrderDetailsScreen, "Mouse [@click=app.quit]Q[/] \\u2066pad\\u2069\\u200f")
            await pilot.press("c")  # Cancel Order, the buyer's reason in the modal
            await settle(pilot)
            assert_escaped(app, CancelModal, "[blink]now[/blink]")
            await pilot.press("enter", "enter")  # Buyer Canceled (chosen already), Confirm
            await settle(pilot)
            app.notify(f"Toast: {BUYER}")  # every toast goes through the app's notify
            await pilot.pause()
            assert_escaped(app, OrderDetailsScreen, "Toast: [red]Eve[/red] \\u202egnp.exe")
            app.clear_notifications()
            app.navigator.open_audit()
            await settle(pilot)
            assert_escaped(app, AuditScreen, "Acme \\u2067US\\u2069 [b]")
            app.navigator.open_attention()
            await settle(pilot)
            assert_escaped(app, AttentionScreen, "Acme \\u2067US\\u2069 [b]")
            app.navigator.open_all_orders(STORE)
            await settle(pilot)
            app.screen.set_query(OrderQuery(stores=(STORE,), buyer_name=BUYER))  # a filter chip
            await settle(pilot)
            assert_escaped(app, AllOrdersScreen, "Buyer's Name: [red]Eve[/red] \\u202egnp")
            assert app.is_running
    finally:
        world.sandbox.close()
